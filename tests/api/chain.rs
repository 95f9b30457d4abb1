//! Chain analytics: traversal and paths on a hand-built graph, maps on the demo data.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, error_code, office};

/// Registers a unit of its own and returns its id.
async fn unit(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(&office(), "mutation($n: String!) { createOrganization(input: {kind: RESEARCH_INSTITUTE, nameZh: $n, municipality: YINCHUAN}) { organization { id } } }", json!({ "n": name }))
        .await;
    data["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn link(app: &TestApp, from: &str, to: &str) {
    app.ok(&office(), "mutation($s: ID!, $c: ID!) { createSupplyLink(input: {supplier: $s, customer: $c, product: \"件\", sinceYear: 2024, annualValue: 1000}) { supplyLink { id } } }", json!({ "s": from, "c": to }))
        .await;
}

/// A → B → C → A (a cycle), C → D → E, A → D, A → F → E.
async fn graph(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for name in ["图甲", "图乙", "图丙", "图丁", "图戊", "图己"] {
        ids.push(unit(app, name).await);
    }
    let [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map(|i| ids[i].clone());
    for (from, to) in [
        (&a, &b),
        (&b, &c),
        (&c, &a),
        (&c, &d),
        (&d, &e),
        (&a, &d),
        (&a, &f),
        (&f, &e),
    ] {
        link(app, from, to).await;
    }
    ids
}

const NEIGHBORHOOD: &str = "query($o: ID!, $d: ChainDirection!, $depth: Int!) { chainNeighborhood(organizationId: $o, direction: $d, maxDepth: $depth) {
    nodes { depth direction organization { id } } edges { depth link { supplier { id } customer { id } annualValue } } } }";

/// (unit, depth, direction) of each node, in the answer's order.
fn nodes(data: &Value) -> Vec<(String, i64, String)> {
    data["chainNeighborhood"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["organization"]["id"].as_str().unwrap().to_owned(),
                n["depth"].as_i64().unwrap(),
                n["direction"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn depths(data: &Value) -> Vec<(String, i64)> {
    nodes(data)
        .into_iter()
        .map(|(id, depth, _)| (id, depth))
        .collect()
}

#[tokio::test]
async fn a_neighbourhood_walks_a_cycle_once_with_the_shortest_depths() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    let down = app
        .ok(
            &analyst(),
            NEIGHBORHOOD,
            json!({ "o": ids[0], "d": "DOWNSTREAM", "depth": 6 }),
        )
        .await;
    let found = depths(&down);
    let expect = |i: usize, depth: i64| (ids[i].clone(), depth);
    let mut want = vec![
        expect(0, 0),
        expect(1, 1),
        expect(3, 1),
        expect(5, 1),
        expect(2, 2),
        expect(4, 2),
    ];
    want.sort_by_key(|(id, d)| (*d, id.clone()));
    let mut got = found.clone();
    got.sort_by_key(|(id, d)| (*d, id.clone()));
    assert_eq!(
        got, want,
        "each unit once, at its shortest depth, though A → B → C → A is a cycle"
    );
    let unique: HashSet<&String> = found.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), found.len());
    // Links go from one level to the next; the analyst sees no link values.
    let edges = down["chainNeighborhood"]["edges"].as_array().unwrap();
    assert_eq!(
        edges.len(),
        6,
        "A→B, A→D, A→F, then B→C, D→E, F→E: {edges:?}"
    );
    assert!(edges.iter().all(|e| e["link"]["annualValue"].is_null()));

    let up = app
        .ok(
            &analyst(),
            NEIGHBORHOOD,
            json!({ "o": ids[0], "d": "UPSTREAM", "depth": 1 }),
        )
        .await;
    assert_eq!(
        depths(&up)
            .into_iter()
            .filter(|(_, d)| *d > 0)
            .collect::<Vec<_>>(),
        vec![(ids[2].clone(), 1)],
        "C supplies A"
    );
}

#[tokio::test]
async fn the_depth_is_capped_and_the_public_gets_nothing() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    let shallow = app
        .ok(
            &analyst(),
            NEIGHBORHOOD,
            json!({ "o": ids[0], "d": "DOWNSTREAM", "depth": 1 }),
        )
        .await;
    let mut reached = depths(&shallow);
    reached.sort();
    let mut want = vec![
        (ids[0].clone(), 0),
        (ids[1].clone(), 1),
        (ids[3].clone(), 1),
        (ids[5].clone(), 1),
    ];
    want.sort();
    assert_eq!(reached, want, "A and its customers B, D, F; nothing beyond");
    let deep = app
        .query_as(
            Some(&analyst()),
            NEIGHBORHOOD,
            json!({ "o": ids[0], "d": "BOTH", "depth": 7 }),
        )
        .await;
    assert_eq!(error_code(&deep).as_deref(), Some("BAD_USER_INPUT"));
    let public = app
        .query_as(
            None,
            NEIGHBORHOOD,
            json!({ "o": ids[0], "d": "BOTH", "depth": 2 }),
        )
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn both_ways_is_one_walk_and_a_unit_reached_both_ways_is_two_nodes() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    let before = app.state.metrics.statements();
    let both = app
        .ok(
            &analyst(),
            "query($o: ID!) { chainNeighborhood(organizationId: $o, direction: BOTH, maxDepth: 2) { nodes { depth direction organization { id } } } }",
            json!({ "o": ids[0] }),
        )
        .await;
    assert_eq!(
        app.state.metrics.statements() - before,
        2,
        "one statement walks both ways, one reads the units"
    );
    let nodes = nodes(&both);
    let c = &ids[2];
    let sightings: Vec<(i64, &str)> = nodes
        .iter()
        .filter(|(id, _, _)| id == c)
        .map(|(_, depth, direction)| (*depth, direction.as_str()))
        .collect();
    assert_eq!(
        sightings,
        vec![(1, "UPSTREAM"), (2, "DOWNSTREAM")],
        "C supplies A, and A reaches C through B: {nodes:?}"
    );
    assert_eq!(nodes[0], (ids[0].clone(), 0, "BOTH".to_owned()));
}

#[tokio::test]
async fn an_unknown_unit_has_no_neighbourhood_and_no_paths() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    let unknown =
        alliance_hub::domain::id::encode(alliance_hub::domain::id::Kind::Organization, 987_654);
    for direction in ["DOWNSTREAM", "UPSTREAM", "BOTH"] {
        let answer = app
            .query_as(
                Some(&analyst()),
                NEIGHBORHOOD,
                json!({ "o": unknown, "d": direction, "depth": 2 }),
            )
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("NOT_FOUND"),
            "{direction}"
        );
    }
    let paths = "query($f: ID!, $t: ID!) { chainPaths(fromId: $f, toId: $t) { length } }";
    for (from, to) in [(&unknown, &ids[0]), (&ids[0], &unknown)] {
        let answer = app
            .query_as(Some(&analyst()), paths, json!({ "f": from, "t": to }))
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("NOT_FOUND"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn the_shortest_supply_paths_are_found_and_only_those() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    let query = "query($f: ID!, $t: ID!) { chainPaths(fromId: $f, toId: $t) { length organizations { id } links { annualValue } } }";
    let paths = app
        .ok(&office(), query, json!({ "f": ids[0], "t": ids[4] }))
        .await;
    let mut routes: Vec<Vec<String>> = paths["chainPaths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["organizations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    routes.sort();
    let mut want = vec![
        vec![ids[0].clone(), ids[3].clone(), ids[4].clone()],
        vec![ids[0].clone(), ids[5].clone(), ids[4].clone()],
    ];
    want.sort();
    assert_eq!(
        routes, want,
        "A → D → E and A → F → E, not the longer A → B → C → D → E"
    );
    assert_eq!(
        paths["chainPaths"][0]["links"][0]["annualValue"], 1000,
        "the office sees values"
    );
    let none = app
        .ok(&office(), query, json!({ "f": ids[4], "t": ids[0] }))
        .await;
    assert_eq!(
        none["chainPaths"],
        json!([]),
        "nothing flows from E back to A"
    );
}

#[tokio::test]
async fn a_sector_map_shows_the_gaps_of_a_city() {
    let app = TestApp::spawn().await;
    // A segment no enterprise works in yet: a gap everywhere.
    app.ok(&office(), r#"mutation { createChainSegment(input: {sector: EQUIPMENT, code: "EQUIP-11", ordinal: 11, position: DOWNSTREAM, nameZh: "氢能装备", nameEn: "Hydrogen equipment"}) { segment { id } } }"#, json!({})).await;
    let map = app
        .ok(&analyst(), "{ sectorChain(sector: EQUIPMENT, municipality: NINGDONG) { gaps { code } segments { segment { id code } enterprisesInMunicipality gapInMunicipality gapInMetro } } }", json!({}))
        .await;
    let segments = map["sectorChain"]["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 11);
    let gaps: Vec<&str> = map["sectorChain"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert!(gaps.contains(&"EQUIP-11"));
    for s in segments {
        let listed = app
            .data("query($s: ID!) { enterprises(filter: {segment: {eq: $s}, municipality: {eq: NINGDONG}}) { totalCount } }", json!({ "s": s["segment"]["id"] }))
            .await;
        let count = listed["enterprises"]["totalCount"].as_i64().unwrap();
        assert_eq!(
            s["enterprisesInMunicipality"].as_i64().unwrap(),
            count,
            "{s}"
        );
        assert_eq!(s["gapInMunicipality"], count == 0);
        assert_eq!(
            gaps.contains(&s["segment"]["code"].as_str().unwrap()),
            count == 0
        );
    }
    assert!(
        segments
            .iter()
            .any(|s| s["gapInMunicipality"] == true && s["gapInMetro"] == false),
        "some segment exists elsewhere but not in Ningdong"
    );
}

#[tokio::test]
async fn cross_city_flows_add_up_to_the_sectors_links() {
    let app = TestApp::spawn().await;
    let flows = app.ok(&analyst(), "{ crossMunicipalityFlows(sector: CHEMICALS) { links crossesMunicipality } sector(code: CHEMICALS) { segments { id } } }", json!({})).await;
    let total: i64 = flows["crossMunicipalityFlows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["links"].as_i64().unwrap())
        .sum();
    let segments: Vec<Value> = flows["sector"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    let links = app
        .ok(
            &analyst(),
            "query($s: [ID!]!) { supplyLinks(filter: {segment: {in: $s}}) { totalCount } }",
            json!({ "s": segments }),
        )
        .await;
    assert_eq!(total, links["supplyLinks"]["totalCount"].as_i64().unwrap());
    assert!(
        flows["crossMunicipalityFlows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["crossesMunicipality"] == true)
    );
}

#[tokio::test]
async fn single_source_dependencies_name_the_only_in_area_supplier() {
    let app = TestApp::spawn().await;
    let found = app.ok(&analyst(), "{ singleSourceDependencies(sector: NEW_MATERIALS, first: 5) { customer { id } supplier { id } segment { id } } }", json!({})).await;
    for dependency in found["singleSourceDependencies"].as_array().unwrap() {
        let suppliers = app
            .data(
                "query($c: ID!, $s: ID!) { supplyLinks(filter: {customer: {eq: $c}, segment: {eq: $s}}, first: 100) { nodes { supplier { id municipality { code } } } } }",
                json!({ "c": dependency["customer"]["id"], "s": dependency["segment"]["id"] }),
            )
            .await;
        let in_area: HashSet<String> = suppliers["supplyLinks"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| !n["supplier"]["municipality"].is_null())
            .map(|n| n["supplier"]["id"].to_string())
            .collect();
        assert_eq!(in_area.len(), 1, "{dependency}");
        assert!(in_area.contains(&dependency["supplier"]["id"].to_string()));
    }
}

/// A segment built up in three cities with none holding half is duplicated (同质化竞争); once
/// one city holds most of it, it is that city's specialisation (错位发展). Concentration reads the
/// same way: low for the duplicated segment, high for the specialised one.
#[tokio::test]
async fn a_sector_map_tells_duplication_from_specialisation() {
    let app = TestApp::spawn().await;
    let created = app.ok(&office(), r#"mutation { createChainSegment(input: {sector: EQUIPMENT, code: "EQUIP-11", ordinal: 11, position: DOWNSTREAM, nameZh: "氢能装备", nameEn: "Hydrogen equipment"}) { segment { id } } }"#, json!({})).await;
    let segment = created["createChainSegment"]["segment"]["id"].clone();
    let add = |n: usize, city: &'static str| {
        let (app, segment) = (&app, segment.clone());
        async move {
            app.ok(&office(), "mutation($n: String!, $c: MunicipalityCode!, $s: ID!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: $c, segments: [$s],
                enterprise: {scale: SMALL, employees: 20, annualRevenue: 1000000, foundedYear: 2020, industryClass: \"C3441\"}}) { organization { id } } }",
                json!({ "n": format!("宁夏氢能{n}有限公司"), "c": city, "s": segment })).await;
        }
    };
    let map = || async {
        let data = app
            .ok(&analyst(), "{ sectorChain(sector: EQUIPMENT) { segments { segment { code } hostCities leadingShare concentration pattern } } }", json!({}))
            .await;
        data["sectorChain"]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["segment"]["code"] == "EQUIP-11")
            .unwrap()
            .clone()
    };
    assert_eq!(map().await["pattern"], "ABSENT");
    for (n, city) in ["YINCHUAN", "SHIZUISHAN", "WUZHONG"]
        .into_iter()
        .enumerate()
    {
        add(n, city).await;
    }
    let duplicated = map().await;
    assert_eq!(duplicated["pattern"], "DUPLICATED", "{duplicated}");
    assert_eq!(duplicated["hostCities"], 3);
    assert_eq!(duplicated["concentration"], 3333);
    for n in 3..8 {
        add(n, "NINGDONG").await;
    }
    let specialised = map().await;
    assert_eq!(specialised["pattern"], "SPECIALISED", "{specialised}");
    assert_eq!(specialised["hostCities"], 4);
    assert!((specialised["leadingShare"].as_f64().unwrap() - 5.0 / 8.0).abs() < 1e-9);
    assert!(specialised["concentration"].as_i64().unwrap() > 3333);
}

#[tokio::test]
async fn a_neighbourhood_answered_in_one_pass_says_what_the_resolvers_say() {
    let app = TestApp::spawn().await;
    let ids = graph(&app).await;
    // Asked only of what the units hold, the nodes are answered in one pass; asking a relation
    // (`park`) sends them through the resolvers. Both must say the same of everything else.
    let query = |extra: &str| {
        format!(
            "query($o: ID!) {{ chainNeighborhood(organizationId: $o, direction: BOTH, maxDepth: 2) {{
                nodes {{ __typename d: depth direction organization {{ __typename id {extra}
                    ...Names ... on ResearchInstitute {{ kind version }} ... on Enterprise {{ scale }} }} }} }} }}
             fragment Names on Organization {{ nameZh nameEn uscc regionCode isDemo createdAt }}"
        )
    };
    let plain = app.ok(&analyst(), &query(""), json!({ "o": ids[0] })).await;
    let mut resolved = app
        .ok(&analyst(), &query("park { id }"), json!({ "o": ids[0] }))
        .await;
    let nodes = resolved["chainNeighborhood"]["nodes"]
        .as_array_mut()
        .unwrap();
    for node in nodes.iter_mut() {
        let unit = node["organization"].as_object_mut().unwrap();
        assert!(unit.remove("park").is_some());
    }
    assert_eq!(plain, resolved);
    let first = &plain["chainNeighborhood"]["nodes"][0];
    assert_eq!(first["__typename"], "ChainNode");
    assert_eq!(first["d"], 0);
    assert_eq!(first["direction"], "BOTH");
    let unit = first["organization"].as_object().unwrap();
    assert_eq!(unit["__typename"], "ResearchInstitute");
    assert_eq!(unit["id"], ids[0].as_str());
    assert_eq!(unit["nameZh"], "图甲");
    assert_eq!(unit["kind"], "RESEARCH_INSTITUTE");
    assert!(unit["createdAt"].is_string() && unit["version"].is_number());
    assert!(
        !unit.contains_key("scale"),
        "a fragment on another type does not apply: {unit:?}"
    );
}
