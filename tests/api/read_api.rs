//! The read API: connections, filters, orders, lookups, the organization interface, governance.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_refused, error_code, office};

fn names(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["nameZh"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn keyset_pages_cover_the_list_once_in_order_both_ways() {
    let app = TestApp::spawn().await;
    let query = r#"query($after: String, $before: String, $first: Int, $last: Int) {
        organizations(orderBy: [{field: NAME_ZH}], first: $first, after: $after, last: $last, before: $before) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { nameZh } } } }"#;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data(query, json!({ "first": 40, "after": after }))
            .await["organizations"]
            .clone();
        seen.extend(names(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            assert_eq!(seen.len() as i64, page["totalCount"].as_i64().unwrap());
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "NAME_ZH order");
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates");

    // Backwards from the end: the last 10, then the 10 before them.
    let last = app.data(query, json!({ "last": 10 })).await["organizations"].clone();
    assert_eq!(names(&last), seen[seen.len() - 10..].to_vec());
    assert_eq!(last["pageInfo"]["hasPreviousPage"], true);
    let before = app
        .data(
            query,
            json!({ "last": 10, "before": last["pageInfo"]["startCursor"] }),
        )
        .await["organizations"]
        .clone();
    assert_eq!(
        names(&before),
        seen[seen.len() - 20..seen.len() - 10].to_vec()
    );
}

#[tokio::test]
async fn descending_order_reverses_the_list() {
    let app = TestApp::spawn().await;
    let up = app
        .data(
            "{ parks(orderBy: [{field: CODE}], first: 100) { nodes { code } } }",
            json!({}),
        )
        .await;
    let down = app
        .data(
            "{ parks(orderBy: [{field: CODE, direction: DESC}], first: 100) { nodes { code } } }",
            json!({}),
        )
        .await;
    let mut reversed = up["parks"]["nodes"].as_array().unwrap().clone();
    reversed.reverse();
    assert_eq!(&reversed, down["parks"]["nodes"].as_array().unwrap());
}

#[tokio::test]
async fn a_cursor_from_another_order_or_garbage_is_refused() {
    let app = TestApp::spawn().await;
    let page = app
        .data(
            "{ organizations(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = page["organizations"]["pageInfo"]["endCursor"].clone();
    let mixed = app.query_as(Some(&office()), "query($c: String) { organizations(orderBy: [{field: NAME_ZH}], after: $c) { totalCount } }", json!({ "c": cursor })).await;
    assert_eq!(
        error_code(&mixed).as_deref(),
        Some("BAD_USER_INPUT"),
        "{mixed}"
    );
    let garbage = app
        .query_as(
            Some(&office()),
            r#"{ organizations(after: "%%%") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&garbage).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn filters_combine_with_and_or_not() {
    let app = TestApp::spawn().await;
    let count = |data: &Value| data["enterprises"]["totalCount"].as_i64().unwrap();
    let all = app.data("{ enterprises { totalCount } }", json!({})).await;
    let yinchuan = app.data("{ enterprises(filter: {municipality: {eq: YINCHUAN}}) { totalCount nodes { municipality { code } } } }", json!({})).await;
    assert!(
        yinchuan["enterprises"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["municipality"]["code"] == "YINCHUAN")
    );
    let not_yinchuan = app
        .data(
            "{ enterprises(filter: {not: {municipality: {eq: YINCHUAN}}}) { totalCount } }",
            json!({}),
        )
        .await;
    let outside = app
        .data(
            "{ enterprises(filter: {inMetroArea: {eq: false}}) { totalCount } }",
            json!({}),
        )
        .await;
    // NOT YINCHUAN excludes units with no municipality (SQL three-valued logic), like a real NOT IN would.
    assert_eq!(
        count(&yinchuan) + count(&not_yinchuan) + count(&outside),
        count(&all)
    );
    let either = app.data("{ enterprises(filter: {or: [{municipality: {eq: YINCHUAN}}, {municipality: {eq: WUZHONG}}]}) { totalCount } }", json!({})).await;
    let listed = app
        .data(
            "{ enterprises(filter: {municipality: {in: [YINCHUAN, WUZHONG]}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(count(&either), count(&listed));
    let large_and_chem = app.data("{ enterprises(filter: {and: [{scale: {eq: LARGE}}, {sector: {eq: CHEMICALS}}]}) { totalCount } }", json!({})).await;
    assert!(count(&large_and_chem) >= 10 && count(&large_and_chem) < count(&all));
}

#[tokio::test]
async fn contains_is_case_insensitive_and_treats_wildcards_literally() {
    let app = TestApp::spawn().await;
    let lower = app
        .data(
            r#"{ organizations(filter: {nameEn: {contains: "university"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    let upper = app
        .data(
            r#"{ organizations(filter: {nameEn: {contains: "UNIVERSITY"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(lower, upper);
    assert!(lower["organizations"]["totalCount"].as_i64().unwrap() >= 5);
    let wildcard = app
        .data(
            r#"{ organizations(filter: {nameZh: {contains: "%"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(wildcard["organizations"]["totalCount"], 0);
}

#[tokio::test]
async fn a_filter_on_an_id_of_the_wrong_kind_is_refused() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let response = app
        .query_as(
            Some(&office()),
            "query($id: ID!) { organizations(filter: {park: {eq: $id}}) { totalCount } }",
            json!({ "id": alliance }),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn enterprises_and_universities_are_typed_lists_of_the_organization_interface() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            r#"{ enterprises(first: 3) { nodes { __typename kind scale } }
                 universities(first: 100) { totalCount nodes { __typename kind nameZh } }
                 organizations(filter: {kind: {in: [RESEARCH_INSTITUTE, INDUSTRY_ASSOCIATION]}}, first: 100) { nodes { __typename ... on Enterprise { scale } } } }"#,
            json!({}),
        )
        .await;
    assert!(
        data["enterprises"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["__typename"] == "Enterprise" && n["kind"] == "ENTERPRISE")
    );
    assert!(
        data["universities"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["__typename"] == "University")
    );
    assert!(data["universities"]["totalCount"].as_i64().unwrap() >= 12);
    let kinds: std::collections::HashSet<&str> = data["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["ResearchInstitute", "IndustryAssociation"]
            .into_iter()
            .collect()
    );
}

#[tokio::test]
async fn node_and_nodes_resolve_any_id_and_null_for_unknown_ones() {
    let app = TestApp::spawn().await;
    let data = app.data("{ departments(first: 1) { nodes { id code } } parks(first: 1) { nodes { id } } alliances(first: 1) { nodes { id } } }", json!({})).await;
    let department = data["departments"]["nodes"][0]["id"].clone();
    let park = data["parks"]["nodes"][0]["id"].clone();
    let alliance = data["alliances"]["nodes"][0]["id"].clone();
    let missing = "T3JnYW5pemF0aW9uOjk5OTk5OQ"; // Organization:999999
    let nodes = app
        .data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": [department, park, alliance, missing] }),
        )
        .await;
    let types: Vec<Value> = nodes["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].clone())
        .collect();
    assert_eq!(
        types,
        vec![
            json!("Department"),
            json!("Park"),
            json!("Alliance"),
            Value::Null
        ]
    );
    assert_eq!(nodes["nodes"][0]["id"], department);
    let bad = app
        .query_as(Some(&office()), r#"{ node(id: "!!") { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn an_organization_is_found_by_uscc_whatever_its_spelling() {
    let app = TestApp::spawn().await;
    let data = app
        .data("{ enterprises(first: 1) { nodes { id uscc } } }", json!({}))
        .await;
    let uscc = data["enterprises"]["nodes"][0]["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    let full_width: String = uscc
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let sloppy = format!("  {}  ", full_width.to_lowercase());
    let found = app
        .data(
            "query($u: String!) { organizationByUscc(uscc: $u) { id uscc } }",
            json!({ "u": sloppy }),
        )
        .await;
    assert_eq!(found["organizationByUscc"]["uscc"], uscc.as_str());
    let unknown = app
        .data(
            r#"{ organizationByUscc(uscc: "91110000600037341L") { id } }"#,
            json!({}),
        )
        .await;
    assert!(unknown["organizationByUscc"].is_null());
    let invalid = app
        .query_as(
            Some(&office()),
            r#"{ organizationByUscc(uscc: "91350100M000100Y4Z") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&invalid).as_deref(), Some("BAD_USER_INPUT"));
}

/// The codes of the first `n` enterprises in the metro area.
async fn metro_usccs(app: &TestApp, n: usize) -> Vec<String> {
    let data = app
        .data(
            &format!(
                "{{ enterprises(first: {n}, filter: {{inMetroArea: {{eq: true}}}}) {{ nodes {{ uscc }} }} }}"
            ),
            json!({}),
        )
        .await;
    data["enterprises"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| unit["uscc"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn memberships_by_uscc_answers_a_hundred_codes_in_order() {
    let app = TestApp::spawn().await;
    let mut codes = metro_usccs(&app, 99).await;
    codes.push("91110000600037341L".into()); // valid, not registered here
    assert_eq!(codes.len(), 100);
    let answer = app
        .data(
            "query($codes: [String!]!) { membershipsByUscc(usccs: $codes) { uscc organization { nameZh } memberships { status joinedOn alliance { code } posts { kind body isActive } } } }",
            json!({ "codes": codes }),
        )
        .await;
    let rows = answer["membershipsByUscc"].as_array().unwrap();
    assert_eq!(rows.len(), 100);
    for (row, code) in rows.iter().zip(&codes) {
        assert_eq!(row["uscc"], code.as_str());
    }
    assert!(rows[99]["organization"].is_null() && rows[99]["memberships"] == json!([]));
    assert!(
        rows.iter().any(|r| r["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["posts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["kind"] == "DIRECTOR")))
    );

    codes.push("91110000600037341L".into());
    let too_many = app
        .query_as(
            Some(&office()),
            "query($codes: [String!]!) { membershipsByUscc(usccs: $codes) { uscc } }",
            json!({ "codes": codes }),
        )
        .await;
    assert_eq!(error_code(&too_many).as_deref(), Some("BAD_USER_INPUT"));
}

/// Asked only of what the lookup read, its answer is built in one pass; asking anything more
/// (`joinedOn`) sends it through the resolvers. Both must say the same of everything else, for a
/// caller who sees all and for one who sees only active members of founded alliances.
#[tokio::test]
async fn memberships_by_uscc_answered_in_one_pass_say_what_the_resolvers_say() {
    let app = TestApp::spawn().await;
    let mut codes = metro_usccs(&app, 60).await;
    codes.extend(["91110000600037341L".to_owned(), "123".to_owned()]);
    let query = |extra: &str| {
        format!(
            "query($u: [String!]!) {{ membershipsByUscc(usccs: $u) {{ __typename uscc status reason
                organization {{ __typename id nameZh ... on Enterprise {{ kind }} }}
                memberships {{ id s: status isInitiator {extra} alliance {{ id code nameZh nameEn }} }} }} }}"
        )
    };
    for who in [Some(office()), None] {
        let plain = app
            .query_as(who.as_ref(), &query(""), json!({ "u": codes }))
            .await;
        let mut resolved = app
            .query_as(who.as_ref(), &query("joinedOn"), json!({ "u": codes }))
            .await;
        let mut memberships = 0;
        for row in resolved["data"]["membershipsByUscc"]
            .as_array_mut()
            .unwrap()
        {
            for membership in row["memberships"].as_array_mut().unwrap() {
                assert!(
                    membership
                        .as_object_mut()
                        .unwrap()
                        .remove("joinedOn")
                        .is_some()
                );
                memberships += 1;
            }
        }
        assert!(memberships > 0, "{resolved}");
        assert!(plain["errors"].is_null(), "{plain}");
        // The answers differ only in the cost the extensions report.
        assert!(plain["data"] == resolved["data"], "as {who:?}");
        let rows = plain["data"]["membershipsByUscc"].as_array().unwrap();
        assert_eq!(rows.len(), codes.len());
        assert_eq!(rows[0]["__typename"], "UsccMemberships");
        assert_eq!(rows[61]["status"], "INVALID");
    }
    let office = app.ok(&office(), &query(""), json!({ "u": codes })).await;
    let unit = &office["membershipsByUscc"][0]["organization"];
    assert_eq!(unit["__typename"], "Enterprise");
    assert_eq!(unit["kind"], "ENTERPRISE");
    let public = app.query_as(None, &query(""), json!({ "u": codes })).await;
    let statuses: Vec<&Value> = public["data"]["membershipsByUscc"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["memberships"].as_array().unwrap())
        .map(|m| &m["s"])
        .collect();
    assert!(
        !statuses.is_empty() && statuses.iter().all(|s| *s == "ACTIVE"),
        "PUBLIC sees active members only: {statuses:?}"
    );
}

/// Asked only of what the page read with its units (their own fields, parks, memberships with
/// alliances), a page's nodes are built in one pass; asking anything more (`segments`) sends
/// them through the resolvers. Both must say the same of everything else, through `nodes` and
/// `edges`, for a caller who sees all and for PUBLIC, who is not shown a unit's park and sees
/// only active members of founded alliances.
#[tokio::test]
async fn a_page_of_units_answered_in_one_pass_says_what_the_resolvers_say() {
    let app = TestApp::spawn().await;
    let query = |extra: &str| {
        format!(
            "{{ enterprises(first: 40) {{
                nodes {{ __typename id nameZh uscc {extra} park {{ __typename id code nameZh level }}
                    memberships {{ id status isInitiator alliance {{ id nameZh }} }} }}
                edges {{ cursor node {{ id ...Names {extra} park {{ nameEn }} }} }} }}
              organizations(first: 40) {{ nodes {{ __typename id ...Names {extra}
                ... on Enterprise {{ park {{ nameZh }} }} memberships {{ status }} }} }} }}
             fragment Names on Organization {{ nameZh nameEn isDemo version }}"
        )
    };
    for who in [Some(office()), None] {
        let plain = app.query_as(who.as_ref(), &query(""), json!({})).await;
        let mut resolved = app
            .query_as(who.as_ref(), &query("segments { id }"), json!({}))
            .await;
        assert!(plain["errors"].is_null(), "{plain}");
        assert!(resolved["errors"].is_null(), "{resolved}");
        let mut units = Vec::new();
        for (list, items, node) in [
            ("enterprises", "nodes", ""),
            ("enterprises", "edges", "/node"),
            ("organizations", "nodes", ""),
        ] {
            let listed = plain["data"][list][items].as_array().unwrap().len();
            assert!(listed > 10, "{plain}");
            units.extend((0..listed).map(|i| format!("/data/{list}/{items}/{i}{node}")));
        }
        for at in units {
            let unit = resolved.pointer_mut(&at).unwrap().as_object_mut().unwrap();
            assert!(unit.remove("segments").is_some(), "{at}");
        }
        assert!(plain["data"] == resolved["data"], "as {who:?}");
        let nodes = plain["data"]["enterprises"]["nodes"].as_array().unwrap();
        let parks = nodes.iter().filter(|n| n["park"].is_object()).count();
        let memberships = nodes
            .iter()
            .flat_map(|n| n["memberships"].as_array().unwrap())
            .count();
        assert!(memberships > 0, "{plain}");
        match &who {
            Some(_) => assert!(parks > 0, "{plain}"),
            None => assert_eq!(parks, 0, "PUBLIC is not shown parks"),
        }
    }
}

#[tokio::test]
async fn memberships_by_uscc_answers_each_code_on_its_own() {
    let app = TestApp::spawn().await;
    let data = app
        .data("{ enterprises(first: 2) { nodes { uscc } } }", json!({}))
        .await;
    let known = data["enterprises"]["nodes"][0]["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    // The same code typed with full-width characters and in lower case, as clerks do.
    let typed: String = known
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    let mut wrong_check = known.clone();
    wrong_check.replace_range(17.., if known.ends_with('0') { "1" } else { "0" });
    let codes = json!([known, " 91110000600037341L ", wrong_check, "123", typed]);
    let answer = app
        .data(
            "query($codes: [String!]!) { membershipsByUscc(usccs: $codes) { uscc status reason organization { uscc } } }",
            json!({ "codes": codes }),
        )
        .await;
    let rows = answer["membershipsByUscc"].as_array().unwrap();
    let row = |i: usize| {
        (
            rows[i]["status"].as_str().unwrap(),
            rows[i]["uscc"].as_str().unwrap(),
        )
    };
    assert_eq!(row(0), ("FOUND", known.as_str()));
    assert_eq!(rows[0]["organization"]["uscc"], known.as_str());
    assert_eq!(row(1), ("UNKNOWN", "91110000600037341L"));
    assert!(rows[1]["reason"].is_null() && rows[1]["organization"].is_null());
    assert_eq!(row(2), ("INVALID", wrong_check.as_str()));
    assert!(
        rows[2]["reason"]
            .as_str()
            .unwrap()
            .contains("check character"),
        "{answer}"
    );
    assert_eq!(row(3), ("INVALID", "123"));
    assert!(
        rows[3]["reason"].as_str().unwrap().contains("18"),
        "{answer}"
    );
    assert_eq!(row(4), ("FOUND", known.as_str()));
}

#[tokio::test]
async fn an_alliance_shows_its_formation_history_and_governance() {
    let app = TestApp::spawn().await;
    let id = app.alliance_id("YMA-NMAT").await;
    let data = app
        .data(
            r#"query($id: ID!) { alliance(id: $id) {
                stage foundedOn charterSignedOn chairUnit { nameZh } liabilityUnit { nameZh } convener { __typename }
                stageHistory { fromStage toStage occurredOn }
                charterConsents { charterVersion organization { nameZh } }
                active: posts(activeOn: "2026-12-01", body: COUNCIL) { kind termStart termEnd decidedHow resolution { kind passed meeting { kind } } }
                past: posts(activeOn: "2021-01-01", kind: CHAIR) { termStart termEnd }
                workingGroups { kind dissolvedOn }
                meetings { kind attendance { organization { id } person { id } } resolutions { kind passed } }
                projects { stage review { feasibility meeting { kind } } participants { role } }
                members(first: 100) { totalCount nodes { status isInitiator } }
                supportMeasures { kind amount }
            } }"#,
            json!({ "id": id }),
        )
        .await;
    let a = &data["alliance"];
    assert_eq!(a["stage"], "FOUNDED");
    let stages: Vec<&str> = a["stageHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["toStage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "INITIATIVE",
            "CONSULTATION",
            "CHARTER_DRAFTING",
            "BODIES_FORMED",
            "FOUNDED"
        ]
    );
    assert_eq!(a["chairUnit"]["nameZh"], a["liabilityUnit"]["nameZh"]);
    assert_eq!(a["convener"]["__typename"], "IndustryAssociation");
    let chairs: Vec<&Value> = a["active"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "CHAIR")
        .collect();
    assert_eq!(chairs.len(), 1, "one sitting chair");
    assert_eq!(chairs[0]["decidedHow"], "COUNCIL_ELECTION");
    assert_eq!(chairs[0]["resolution"]["meeting"]["kind"], "COUNCIL");
    assert_eq!(a["past"][0]["termStart"], "2020-11-26");
    assert_eq!(a["past"][0]["termEnd"], "2025-11-25");
    assert!(
        a["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "FOUNDING_ASSEMBLY")
    );
    assert!(
        a["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["review"]["meeting"]["kind"] == "EXPERT_REVIEW")
    );
    let statuses: std::collections::HashSet<&str> = a["members"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains("ACTIVE")
            && statuses.contains("WITHDRAWN")
            && statuses.contains("REJECTED")
            && statuses.contains("APPLIED")
    );
    let active = app
        .data(
            "query($id: ID!) { alliance(id: $id) { members(status: ACTIVE) { totalCount } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(
        active["alliance"]["members"]["totalCount"]
            .as_i64()
            .unwrap()
            < a["members"]["totalCount"].as_i64().unwrap()
    );
}

#[tokio::test]
async fn nested_member_pages_continue_from_their_cursor() {
    let app = TestApp::spawn().await;
    let id = app.alliance_id("YMA-NMAT").await;
    let query = "query($id: ID!, $after: String) { alliance(id: $id) { members(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }";
    let mut ids = Vec::new();
    let mut after = Value::Null;
    loop {
        let page =
            app.data(query, json!({ "id": id, "after": after })).await["alliance"]["members"]
                .clone();
        ids.extend(
            page["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            assert_eq!(ids.len() as i64, page["totalCount"].as_i64().unwrap());
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    let unique: std::collections::HashSet<String> = ids.iter().map(Value::to_string).collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn reference_data_is_reachable_by_code_and_relation() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            "{ department(code: MIIT) { isLead nameZh } municipality(code: NINGDONG) { kind parks { code organizations(first: 5) { totalCount nodes { nameZh } } } }
               sector(code: EQUIPMENT) { segments { ordinal position code industryClasses sector { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["department"]["isLead"], true);
    assert_eq!(data["municipality"]["kind"], "BASE");
    assert!(
        data["municipality"]["parks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["organizations"]["totalCount"].as_i64().unwrap() > 0)
    );
    let segments = data["sector"]["segments"].as_array().unwrap();
    assert!((8..=10).contains(&segments.len()));
    let ordinals: Vec<i64> = segments
        .iter()
        .map(|s| s["ordinal"].as_i64().unwrap())
        .collect();
    assert!(ordinals.windows(2).all(|w| w[0] < w[1]), "upstream first");
    assert_eq!(segments[0]["position"], "UPSTREAM");
}

#[tokio::test]
async fn expiring_posts_list_terms_ending_soon_soonest_first() {
    let app = TestApp::spawn().await;
    // The founded alliance's second council term ends on 2030-11-25.
    let until_then = (chrono::NaiveDate::from_ymd_opt(2030, 11, 25).unwrap()
        - chrono::Utc::now().date_naive())
    .num_days() as i32;
    let query = "query($d: Int!) { expiringPosts(withinDays: $d, first: 100) { totalCount nodes { kind termEnd alliance { code } } } }";
    let soon = app.data(query, json!({ "d": until_then })).await;
    let posts = soon["expiringPosts"]["nodes"].as_array().unwrap();
    assert!(posts.iter().any(|p| p["kind"] == "CHAIR"), "{soon}");
    assert!(
        posts
            .iter()
            .all(|p| p["termEnd"] == "2030-11-25" && p["alliance"]["code"] == "YMA-NMAT")
    );
    let earlier = app.data(query, json!({ "d": until_then - 1 })).await;
    assert_eq!(earlier["expiringPosts"]["totalCount"], 0);
    let bad = app
        .query_as(Some(&office()), query, json!({ "d": 0 }))
        .await;
    assert_eq!(error_code(&bad).as_deref(), Some("BAD_USER_INPUT"));
    assert_eq!(
        error_code(&app.query_as(None, query, json!({ "d": 30 })).await).as_deref(),
        Some("FORBIDDEN")
    );
}

#[tokio::test]
async fn a_code_asked_twice_is_answered_twice() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-02").await;
    let uscc = app
        .data(
            "query($id: ID!) { organization(id: $id) { uscc } }",
            json!({ "id": unit }),
        )
        .await["organization"]["uscc"]
        .clone();
    let answer = app
        .data(
            "query($u: [String!]!) { membershipsByUscc(usccs: $u) { memberships { id } } }",
            json!({ "u": [uscc, uscc] }),
        )
        .await;
    let rows = answer["membershipsByUscc"].as_array().unwrap();
    assert!(!rows[0]["memberships"].as_array().unwrap().is_empty());
    assert_eq!(rows[0], rows[1]);
}

/// An archived unit leaves every live list and count (root and nested), stays readable by id,
/// is listed again with `includeArchived` (not for PUBLIC), and comes back with
/// `restoreOrganization` unless its USCC was taken meanwhile.
#[tokio::test]
async fn archived_units_leave_live_lists_and_counts_and_can_be_restored() {
    let app = TestApp::spawn().await;
    let office = office();
    let unit = app.leader("NMAT-04").await;
    let facts = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Enterprise { uscc park { id } } } }",
            json!({ "id": unit }),
        )
        .await;
    let uscc = facts["node"]["uscc"].as_str().unwrap().to_owned();
    let park = facts["node"]["park"]["id"].clone();
    let counts = "query($u: String!, $p: ID!) {
        all: organizations { totalCount }
        byUscc: organizations(filter: {uscc: {eq: $u}}) { totalCount }
        history: organizations(filter: {uscc: {eq: $u}}, includeArchived: true) { totalCount }
        park(id: $p) { organizations { totalCount } }
    }";
    let vars = json!({ "u": uscc, "p": park });
    let before = app.data(counts, vars.clone()).await;
    assert_eq!(before["byUscc"]["totalCount"], 1, "{before}");

    let version = app.version(&unit).await;
    app.ok(
        &office,
        "mutation($id: ID!, $v: Int!) { archiveOrganization(input: {id: $id, expectedVersion: $v}) { organization { id } } }",
        json!({ "id": unit, "v": version }),
    )
    .await;
    let after = app.data(counts, vars.clone()).await;
    let total = |v: &Value, path: &str| v.pointer(path).unwrap().as_i64().unwrap();
    assert_eq!(
        total(&after, "/all/totalCount"),
        total(&before, "/all/totalCount") - 1
    );
    assert_eq!(total(&after, "/byUscc/totalCount"), 0);
    assert_eq!(total(&after, "/history/totalCount"), 1);
    assert_eq!(
        total(&after, "/park/organizations/totalCount"),
        total(&before, "/park/organizations/totalCount") - 1
    );
    // Still readable by id: the audit trail and the feed point at it.
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": unit }),
        )
        .await;
    assert_eq!(node["node"]["id"], unit.as_str());
    // History is not public.
    let public = app
        .query_as(
            None,
            "{ organizations(includeArchived: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&public).as_deref(),
        Some("FORBIDDEN"),
        "{public}"
    );

    // A new unit takes the USCC; restoring the old one is refused, then allowed once it goes.
    let taken = app
        .ok(
            &office,
            r#"mutation($u: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: "新主体", nameEn: "Successor", uscc: $u, municipality: YINCHUAN, enterprise: {scale: SMALL, employees: 20, annualRevenue: 1000000, foundedYear: 2020, industryClass: "C3391"}}) { organization { id version } } }"#,
            json!({ "u": uscc }),
        )
        .await;
    let successor = taken["createOrganization"]["organization"]["id"].clone();
    let restore = "mutation($id: ID!, $v: Int!) { restoreOrganization(input: {id: $id, expectedVersion: $v}) { organization { id } } }";
    let version = app.version(&unit).await;
    let refused = app
        .query_as(Some(&office), restore, json!({ "id": unit, "v": version }))
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("CONFLICT"),
        "{refused}"
    );
    let successor_version = app.version(successor.as_str().unwrap()).await;
    app.ok(
        &office,
        "mutation($id: ID!, $v: Int!) { archiveOrganization(input: {id: $id, expectedVersion: $v}) { organization { id } } }",
        json!({ "id": successor, "v": successor_version }),
    )
    .await;
    app.ok(&office, restore, json!({ "id": unit, "v": version }))
        .await;
    let restored = app.data(counts, vars).await;
    assert_eq!(restored["byUscc"]["totalCount"], 1, "{restored}");
}

/// Parks and supply links archive and restore as units do: out of live lists and counts, back
/// with `restorePark` / `restoreSupplyLink`; a link comes back only once both its ends are live,
/// and asking for the state a row is already in is a CONFLICT.
#[tokio::test]
async fn archived_parks_and_links_come_back_with_restore() {
    let app = TestApp::spawn().await;
    let office = office();
    let counts = "{ parks { totalCount } supplyLinks { totalCount } }";
    let before = app.ok(&office, counts, json!({})).await;
    let found = app
        .ok(
            &office,
            "{ parks(first: 1) { nodes { id } } supplyLinks(first: 1) { nodes { id supplier { id } } } }",
            json!({}),
        )
        .await;
    let park = found["parks"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = found["supplyLinks"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let supplier = found["supplyLinks"]["nodes"][0]["supplier"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mark = |verb: &'static str, id: String| {
        let (app, office) = (&app, &office);
        async move {
            let version = app
                .ok(office, "query($id: ID!) { node(id: $id) { ... on Park { version } ... on SupplyLink { version } ... on Enterprise { version } } }", json!({ "id": id }))
                .await["node"]["version"]
                .clone();
            let mutation = format!(
                "mutation($id: ID!, $v: Int!) {{ {verb}(input: {{id: $id, expectedVersion: $v}}) {{ __typename }} }}"
            );
            app.query_as(Some(office), &mutation, json!({ "id": id, "v": version }))
                .await
        }
    };
    let ok = |answer: Value| assert!(answer.get("errors").is_none(), "{answer}");
    let conflict =
        |answer: Value| assert_eq!(error_code(&answer).as_deref(), Some("CONFLICT"), "{answer}");

    ok(mark("archivePark", park.clone()).await);
    ok(mark("archiveSupplyLink", link.clone()).await);
    conflict(mark("archivePark", park.clone()).await);
    let archived = app.ok(&office, counts, json!({})).await;
    for list in ["parks", "supplyLinks"] {
        assert_eq!(
            archived[list]["totalCount"].as_i64().unwrap(),
            before[list]["totalCount"].as_i64().unwrap() - 1,
            "{list}: {archived}"
        );
    }

    ok(mark("restorePark", park.clone()).await);
    conflict(mark("restorePark", park).await);
    ok(mark("archiveOrganization", supplier.clone()).await);
    let refused = mark("restoreSupplyLink", link.clone()).await;
    assert_refused(&refused, "CONFLICT", "restore it before its links");
    ok(mark("restoreOrganization", supplier).await);
    ok(mark("restoreSupplyLink", link).await);
    assert_eq!(app.ok(&office, counts, json!({})).await, before);
}

/// A unit's region is named from its GB/T 2260 code: by the county where the hub knows it, else
/// by its province, never by a default; a code that names no province is refused.
#[tokio::test]
async fn a_units_region_is_named_by_its_code() {
    let app = TestApp::spawn().await;
    let create = r#"mutation($r: String!) { createOrganization(input: {kind: UNIVERSITY, nameZh: "浙江某大学", regionCode: $r}) { organization { regionCode regionName } } }"#;
    for (code, name) in [("330100", "浙江省"), ("640104", "银川市兴庆区")] {
        let created = app.ok(&office(), create, json!({ "r": code })).await;
        assert_eq!(
            created["createOrganization"]["organization"]["regionName"], name,
            "{created}"
        );
    }
    let refused = app
        .query_as(Some(&office()), create, json!({ "r": "990100" }))
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("BAD_USER_INPUT"),
        "{refused}"
    );
}
