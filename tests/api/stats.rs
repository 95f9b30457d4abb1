//! Dashboard statistics, and their small-cell suppression (the rest of disclosure control is
//! in `disclosure.rs`).

use serde_json::{Value, json};

use crate::helpers::{As, TestApp, analyst, department, error_code, office};

/// Two enterprises founded in a year no other enterprise was: a group of two.
async fn two_of_a_kind(app: &TestApp) {
    for name in ["宁夏甲一有限公司", "宁夏甲二有限公司"] {
        app.ok(
            &office(),
            "mutation($n: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: YINCHUAN,
                enterprise: {scale: SMALL, employees: 20, annualRevenue: 5000000, foundedYear: 1901, industryClass: \"C3391\"}}) { organization { id } } }",
            json!({ "n": name }),
        )
        .await;
    }
}

const BY_YEAR: &str = "{ enterpriseStats(groupBy: [FOUNDED_YEAR]) { key { value } count suppressed annualRevenue { sum } } total: enterpriseStats(groupBy: []) { count annualRevenue { sum } } }";

fn group<'a>(data: &'a Value, year: &str) -> &'a Value {
    data["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"][0]["value"] == year)
        .unwrap()
}

#[tokio::test]
async fn a_group_of_two_enterprises_is_suppressed_below_the_office() {
    let app = TestApp::spawn().await;
    two_of_a_kind(&app).await;
    let for_analyst = app.ok(&analyst(), BY_YEAR, json!({})).await;
    let cell = group(&for_analyst, "1901");
    assert_eq!(cell["suppressed"], true);
    assert!(cell["count"].is_null() && cell["annualRevenue"].is_null());
    let for_office = app.ok(&office(), BY_YEAR, json!({})).await;
    let cell = group(&for_office, "1901");
    assert_eq!(cell["suppressed"], false);
    assert_eq!(cell["count"], 2);
    assert_eq!(cell["annualRevenue"]["sum"], 10_000_000.0);
}

#[tokio::test]
async fn totals_do_not_reveal_a_suppressed_cell_by_subtraction() {
    let app = TestApp::spawn().await;
    two_of_a_kind(&app).await;
    let data = app.ok(&analyst(), BY_YEAR, json!({})).await;
    let groups = data["enterpriseStats"].as_array().unwrap();
    let hidden: Vec<&Value> = groups.iter().filter(|g| g["suppressed"] == true).collect();
    assert!(hidden.len() >= 2, "never one suppressed cell alone");
    let visible_units: i64 = groups.iter().filter_map(|g| g["count"].as_i64()).sum();
    let visible_revenue: f64 = groups
        .iter()
        .filter_map(|g| g["annualRevenue"]["sum"].as_f64())
        .sum();
    let total_units = data["total"][0]["count"].as_i64().unwrap();
    let total_revenue = data["total"][0]["annualRevenue"]["sum"].as_f64().unwrap();
    assert_ne!(
        total_units - visible_units,
        2,
        "the remainder is more than the hidden cell"
    );
    assert!(
        (total_revenue - visible_revenue - 10_000_000.0).abs() > 1.0,
        "nor is its revenue"
    );
}

#[tokio::test]
async fn grouped_figures_are_computed_by_the_database_per_group() {
    let app = TestApp::spawn().await;
    let stats = app.ok(&office(), "{ enterpriseStats(groupBy: [MUNICIPALITY, SCALE]) { key { dimension value } count employees { sum min max } } }", json!({})).await;
    let groups = stats["enterpriseStats"].as_array().unwrap();
    assert!(groups.len() > 4);
    let units: i64 = groups.iter().map(|g| g["count"].as_i64().unwrap()).sum();
    let all = app
        .data("{ organizations { totalCount } }", json!({}))
        .await;
    assert_eq!(
        units,
        all["organizations"]["totalCount"].as_i64().unwrap(),
        "every live unit in exactly one group"
    );
    assert!(
        groups
            .iter()
            .all(|g| g["key"][0]["dimension"] == "MUNICIPALITY"
                && g["key"][1]["dimension"] == "SCALE")
    );
    let filtered = app.ok(&office(), "{ enterpriseStats(groupBy: [SCALE], filter: {municipality: {eq: SHIZUISHAN}}) { count } }", json!({})).await;
    let listed = app
        .data(
            "{ organizations(filter: {municipality: {eq: SHIZUISHAN}}) { totalCount } }",
            json!({}),
        )
        .await;
    let sum: i64 = filtered["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, listed["organizations"]["totalCount"].as_i64().unwrap());
    let public = app
        .query_as(
            None,
            "{ enterpriseStats(groupBy: [SCALE]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_statistic_filtered_on_enterprise_fields_counts_the_units_the_list_holds() {
    // Statistics read these fields from the unit facts; lists from the units, profiles, segments
    // and designations. Under `not` and `or`, units without a profile (universities, institutes)
    // must land alike.
    let app = TestApp::spawn().await;
    let year = 2012;
    let filters = [
        json!({ "foundedYear": {"lte": year} }),
        json!({ "not": { "foundedYear": {"lte": year} } }),
        json!({ "or": [{ "foundedYear": {"gte": year} }, { "kind": {"eq": "UNIVERSITY"} }] }),
        json!({ "scale": {"in": ["SMALL", "MICRO"]} }),
        json!({ "not": { "scale": {"eq": "LARGE"} } }),
        json!({ "not": { "isBackbone": {"eq": true} } }),
        json!({ "and": [{ "not": { "isBackbone": {"eq": false} } }, { "municipality": {"eq": "YINCHUAN"} }] }),
        json!({ "not": { "sector": {"eq": "CHEMICALS"} } }),
        json!({ "inMetroArea": {"eq": false} }),
        json!({ "or": [{ "designation": {"eq": "ABOVE_DESIGNATED_SIZE"} }, { "kind": {"in": ["UNIVERSITY", "ENTERPRISE"]} }] }),
    ];
    let mut counts = Vec::new();
    for filter in filters {
        let stats = app
            .ok(
                &office(),
                "query($f: OrganizationFilter) { enterpriseStats(groupBy: [], filter: $f) { count } }",
                json!({ "f": filter }),
            )
            .await;
        let counted: i64 = stats["enterpriseStats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_i64().unwrap())
            .sum();
        let listed = app
            .data(
                "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
                json!({ "f": filter }),
            )
            .await;
        assert_eq!(
            counted,
            listed["organizations"]["totalCount"].as_i64().unwrap(),
            "{filter}"
        );
        counts.push(counted);
    }
    let all = app
        .data("{ organizations { totalCount } }", json!({}))
        .await;
    let all = all["organizations"]["totalCount"].as_i64().unwrap();
    assert!(
        counts[0] > 0 && counts[1] > 0,
        "the year splits the units: {counts:?}"
    );
    assert_eq!(
        counts[0] + counts[1],
        all,
        "a filter and its negation cover every unit"
    );
}

#[tokio::test]
async fn each_aggregate_asked_alone_answers_as_with_all_of_them() {
    // Only the aggregates a selection asks for are computed: each alone must read as in the whole.
    let app = TestApp::spawn().await;
    let all = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [MUNICIPALITY]) { count employees { sum avg min max } annualRevenue { sum avg min max } } }",
            json!({}),
        )
        .await;
    let groups = all["enterpriseStats"].as_array().unwrap();
    assert!(
        groups
            .iter()
            .any(|g| g["employees"]["max"].as_f64() > Some(0.0))
    );
    for part in ["sum", "avg", "min", "max"] {
        let alone = app
            .ok(
                &office(),
                &format!("{{ enterpriseStats(groupBy: [MUNICIPALITY]) {{ count employees {{ {part} }} annualRevenue {{ {part} }} }} }}"),
                json!({}),
            )
            .await;
        for (whole, one) in groups
            .iter()
            .zip(alone["enterpriseStats"].as_array().unwrap())
        {
            assert_eq!(whole["count"], one["count"]);
            for figure in ["employees", "annualRevenue"] {
                assert_eq!(whole[figure][part], one[figure][part], "{figure} {part}");
            }
        }
    }
}

#[tokio::test]
async fn support_statistics_leave_tax_incentive_amounts_to_the_office_and_tax() {
    let app = TestApp::spawn().await;
    let query =
        "{ supportStats(groupBy: [KIND]) { key { value } count suppressed amount { sum } } }";
    let office_view = app.ok(&office(), query, json!({})).await;
    let tax = office_view["supportStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"][0]["value"] == "TAX_INCENTIVE")
        .unwrap()
        .clone();
    assert_eq!(tax["amount"]["sum"], 20_500_000.0);
    let by_department = app
        .ok(
            &analyst(),
            "{ supportStats(groupBy: [DEPARTMENT]) { key { value } suppressed protection amount { sum } } }",
            json!({}),
        )
        .await;
    let dst = by_department["supportStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"][0]["value"] == "DST")
        .unwrap();
    assert_eq!(dst["suppressed"], false);
    assert_eq!(dst["protection"], "PERTURBED");
    let noisy = dst["amount"]["sum"].as_f64().unwrap();
    assert!(
        (noisy - 14_500_000.0).abs() <= 0.15 * 14_500_000.0 && noisy != 14_500_000.0,
        "the analyst sees DST's 14.5 M with noise: {noisy}"
    );
    let tax_view = app
        .ok(
            &analyst(),
            "{ supportStats(groupBy: []) { amount { sum } } }",
            json!({}),
        )
        .await;
    let office_total = app
        .ok(
            &office(),
            "{ supportStats(groupBy: []) { amount { sum } } }",
            json!({}),
        )
        .await;
    let without_tax_incentives = office_total["supportStats"][0]["amount"]["sum"]
        .as_f64()
        .unwrap()
        - 20_500_000.0;
    let analyst_total = tax_view["supportStats"][0]["amount"]["sum"]
        .as_f64()
        .unwrap();
    assert!(
        (analyst_total - without_tax_incentives).abs() <= 0.15 * without_tax_incentives,
        "the analyst's total leaves tax incentives out: {analyst_total} against {without_tax_incentives}"
    );
}

#[tokio::test]
async fn a_dept_claim_on_another_role_does_not_show_tax_incentive_amounts() {
    let app = TestApp::spawn().await;
    let total = |who: As| {
        let app = &app;
        async move {
            app.ok(
                &who,
                "{ supportStats(groupBy: []) { amount { sum } } }",
                json!({}),
            )
            .await["supportStats"][0]["amount"]["sum"]
                .as_f64()
                .unwrap()
        }
    };
    let with_tax_incentives = total(office()).await;
    // TAX's total carries noise too, on the same beneficiaries as the analyst's, plus the tax
    // incentives (20.5 M, each off by at most 15 %).
    let tax = total(department("TAX")).await;
    assert!(tax > total(analyst()).await + 0.85 * 20_500_000.0, "{tax}");
    assert!((tax - with_tax_incentives).abs() <= 0.15 * with_tax_incentives);
    let analyst_claiming_tax = As {
        dept: Some("TAX"),
        ..analyst()
    };
    assert_eq!(
        total(analyst_claiming_tax).await,
        total(analyst()).await,
        "only the TAX department sees tax incentives, not any token naming TAX"
    );
    assert!(total(analyst()).await < with_tax_incentives);
}

#[tokio::test]
async fn alliance_statistics_count_members_by_kind_city_and_year() {
    let app = TestApp::spawn().await;
    let stats = app.ok(&analyst(), "{ allianceStats { alliances { alliance { code } members byKind { kind members } byMunicipality { members } } overTime { year joined left active } } }", json!({})).await;
    let founded = stats["allianceStats"]["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alliance"]["code"] == "YMA-NMAT")
        .unwrap();
    let by_kind: i64 = founded["byKind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["members"].as_i64().unwrap())
        .sum();
    let by_city: i64 = founded["byMunicipality"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["members"].as_i64().unwrap())
        .sum();
    assert_eq!(by_kind, founded["members"].as_i64().unwrap());
    assert_eq!(by_city, founded["members"].as_i64().unwrap());
    let years = stats["allianceStats"]["overTime"].as_array().unwrap();
    let y2023 = years.iter().find(|y| y["year"] == 2023).unwrap();
    assert_eq!(y2023["left"], 1, "one member withdrew in 2023");
    for pair in years.windows(2) {
        let field = |y: &Value, f: &str| y[f].as_i64().unwrap();
        assert_eq!(
            field(&pair[1], "active"),
            field(&pair[0], "active") + field(&pair[1], "joined") - field(&pair[1], "left"),
            "each year's members are the last year's, plus who joined, minus who left: {pair:?}"
        );
    }
    let members_now: i64 = stats["allianceStats"]["alliances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["members"].as_i64().unwrap())
        .sum();
    assert_eq!(
        years.last().unwrap()["active"].as_i64().unwrap(),
        members_now,
        "the series ends with today's members"
    );
}

#[tokio::test]
async fn statement_counts_stay_flat_as_data_grows() {
    // Thirty rows: futures-util polls up to 32 list items before yielding, so every key of a level
    // reaches the DataLoader within one batch window however busy the machine is.
    let query = r#"query($o: ID!) {
        organizations(first: 30) { nodes { nameZh park { nameZh municipality { nameZh } } memberships { status alliance { code } } } }
        chainNeighborhood(organizationId: $o, direction: DOWNSTREAM, maxDepth: 3) { nodes { depth organization { nameZh } } }
        enterpriseStats(groupBy: [MUNICIPALITY, SCALE]) { count } }"#;
    let mut costs = Vec::new();
    for n in [1_000, 10_000] {
        let app = TestApp::spawn_scaled(n).await;
        let start = app
            .data("{ organizations(first: 1) { nodes { id } } }", json!({}))
            .await["organizations"]["nodes"][0]["id"]
            .clone();
        let before = app.state.metrics.statements();
        app.data(query, json!({ "o": start })).await;
        costs.push(app.state.metrics.statements() - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements at scale 1000 and 10000: {costs:?}"
    );
}

#[tokio::test]
async fn statistics_follow_every_committed_change() {
    let app = TestApp::spawn().await;
    let query = "{ enterpriseStats(groupBy: []) { count } }";
    let before = app.ok(&office(), query, json!({})).await["enterpriseStats"][0]["count"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.ok(&office(), query, json!({})).await["enterpriseStats"][0]["count"]
            .as_i64()
            .unwrap(),
        before,
        "answered again unchanged"
    );
    app.ok(&office(), r#"mutation { createOrganization(input: {kind: UNIVERSITY, nameZh: "新学院", municipality: WUZHONG}) { organization { id } } }"#, json!({})).await;
    let after = app.ok(&office(), query, json!({})).await["enterpriseStats"][0]["count"]
        .as_i64()
        .unwrap();
    assert_eq!(
        after,
        before + 1,
        "a write moves the audit trail, and the cached answer is dropped"
    );
}

#[tokio::test]
async fn group_keys_carry_codes_and_labels_a_chart_can_show() {
    let app = TestApp::spawn().await;
    let stats = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [MUNICIPALITY, SCALE]) { key { dimension value code labelZh labelEn } }
               supportStats(groupBy: [DEPARTMENT, YEAR]) { key { dimension value code labelZh labelEn } } }",
            json!({}),
        )
        .await;
    let keys: Vec<&Value> = stats["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["key"].as_array().unwrap())
        .chain(
            stats["supportStats"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| g["key"].as_array().unwrap()),
        )
        .collect();
    let find = |code: &str| {
        keys.iter()
            .find(|k| k["code"] == code)
            .unwrap_or_else(|| panic!("no key {code}: {stats}"))
    };
    let yinchuan = find("YINCHUAN");
    assert_eq!(yinchuan["labelZh"], "银川市");
    assert_eq!(yinchuan["labelEn"], "Yinchuan");
    assert!(
        yinchuan["value"].as_str().unwrap() != "YINCHUAN",
        "the value stays the global id"
    );
    let large = find("LARGE");
    assert_eq!(
        (large["labelZh"].as_str(), large["labelEn"].as_str()),
        (Some("大型"), Some("Large"))
    );
    let dst = find("DST");
    assert_eq!(dst["labelZh"], "自治区科学技术厅");
    assert!(
        keys.iter()
            .any(|k| k["dimension"] == "YEAR" && k["labelZh"].as_str().unwrap().ends_with('年'))
    );
    // Every key with a value has its names.
    assert!(keys.iter().all(|k| k["value"].is_null() || (k["labelZh"].is_string() && k["labelEn"].is_string())), "{stats}");
}

#[tokio::test]
async fn labels_name_every_code_of_the_schema_enumerations() {
    let app = TestApp::spawn().await;
    let answer = app
        .data_as(None, "{ labels(enums: [\"EnterpriseScale\", \"SupportKind\"]) { name values { code zh en } } }", json!({}))
        .await;
    let all = answer["labels"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["name"], "EnterpriseScale");
    assert_eq!(
        all[0]["values"][0],
        json!({ "code": "LARGE", "zh": "大型", "en": "Large" })
    );
    let every = app.data_as(None, "{ labels { name } }", json!({})).await;
    assert!(every["labels"].as_array().unwrap().len() >= 20);
}

#[tokio::test]
async fn the_codes_answers_carry_for_charts_are_labelled_like_stored_ones() {
    let app = TestApp::spawn().await;
    for name in ["CellProtection", "LocationPrecision", "Designation"] {
        let schema = app
            .data_as(
                None,
                &format!("{{ __type(name: \"{name}\") {{ enumValues {{ name }} }} }}"),
                json!({}),
            )
            .await;
        let codes: Vec<&str> = schema["__type"]["enumValues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        let labels = app
            .data_as(
                None,
                &format!("{{ labels(enums: [\"{name}\"]) {{ values {{ code zh en }} }} }}"),
                json!({}),
            )
            .await;
        let values = labels["labels"][0]["values"].as_array().unwrap();
        let labelled: Vec<&str> = values.iter().map(|v| v["code"].as_str().unwrap()).collect();
        assert_eq!(labelled, codes, "{name}");
        assert!(
            values
                .iter()
                .all(|v| v["zh"].is_string() && v["en"].is_string())
        );
    }
}

const BY_CITY: &str = "{ enterpriseStats(groupBy: [MUNICIPALITY]) { key { value } count } }";

/// The count of the group whose key is `city` (a municipality's id).
fn count_in(data: &Value, city: &str) -> i64 {
    data["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"][0]["value"] == city)
        .map_or(0, |g| g["count"].as_i64().unwrap())
}

async fn yinchuan(app: &TestApp) -> String {
    app.data("{ municipality(code: YINCHUAN) { id } }", json!({}))
        .await["municipality"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn add_university(url: &str, token: &str) {
    let answer: Value = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "mutation { createOrganization(input: {kind: UNIVERSITY, nameZh: \"银川新大学\", municipality: YINCHUAN}) { organization { id } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");
}

#[tokio::test]
async fn a_cached_statistic_costs_no_statement_and_a_write_makes_it_fresh() {
    let app = TestApp::spawn().await;
    let yinchuan = yinchuan(&app).await;
    let first = app.data(BY_CITY, json!({})).await;
    let before = app.state.metrics.statements();
    assert_eq!(app.data(BY_CITY, json!({})).await, first);
    assert_eq!(
        app.state.metrics.statements() - before,
        0,
        "a cached answer is known to be current without asking the database"
    );
    add_university(&app.url, &app.token(&office())).await;
    let after = app.data(BY_CITY, json!({})).await;
    assert_eq!(count_in(&after, &yinchuan), count_in(&first, &yinchuan) + 1);
}

#[tokio::test]
async fn statistics_after_a_write_on_one_replica_are_fresh_on_the_other() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        return; // one SQLite file serves one process: replicas need PostgreSQL
    }
    let (second_url, second) = app
        .replica(alliance_hub::config::ServeConfig::default())
        .await;
    let yinchuan = yinchuan(&app).await;
    let token = app.token(&office());
    let ask_second = || async {
        let answer: Value = reqwest::Client::new()
            .post(format!("{second_url}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": BY_CITY }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["data"].clone()
    };
    let cached = ask_second().await;
    let mut notices = second.bus.subscribe();
    add_university(&app.url, &token).await;
    // The moment the second replica learns of the change (as its subscribers do), its cached
    // answer is no longer served.
    tokio::time::timeout(std::time::Duration::from_secs(10), notices.recv())
        .await
        .expect("the change reaches the other replica")
        .unwrap();
    let fresh = ask_second().await;
    assert_eq!(
        count_in(&fresh, &yinchuan),
        count_in(&cached, &yinchuan) + 1
    );
}

#[tokio::test]
async fn statistics_follow_a_unit_as_its_place_segments_profile_and_archiving_change() {
    // Statistics scan the unit facts the database keeps beside the units; each kind of write
    // must reach them. The same cell is asked two ways: by a profile field (read from the facts)
    // and by the unit's name (read from the unit's own row).
    let app = TestApp::spawn().await;
    let name = "宁夏事实跟随测试有限公司";
    let segment = |sector: &'static str| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($s: SectorCode!) { sector(code: $s) { segments { id } } }",
                    json!({ "s": sector }),
                )
                .await;
            data["sector"]["segments"][0]["id"].clone()
        }
    };
    let (equipment, chemicals) = (segment("EQUIPMENT").await, segment("CHEMICALS").await);
    let created = app
        .ok(&office(), "mutation($n: String!, $s: ID!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: YINCHUAN, segments: [$s],
            enterprise: {scale: SMALL, employees: 20, annualRevenue: 7000000, foundedYear: 1899, industryClass: \"C3441\"}}) { organization { id version } } }",
            json!({ "n": name, "s": equipment }))
        .await;
    let unit = created["createOrganization"]["organization"]["id"].clone();
    let cells = || async {
        let mut answers = Vec::new();
        for filter in [
            json!({ "foundedYear": {"eq": 1899} }),
            json!({ "nameZh": {"eq": name} }),
        ] {
            let data = app
                .ok(&office(), "query($f: OrganizationFilter) { enterpriseStats(groupBy: [MUNICIPALITY, SECTOR], filter: $f) { key { code } count annualRevenue { sum } } }", json!({ "f": filter }))
                .await;
            answers.push(data["enterpriseStats"].clone());
        }
        assert_eq!(answers[0], answers[1], "both readings of the filter agree");
        answers.swap_remove(0)
    };
    assert_eq!(
        cells().await,
        json!([{ "key": [{"code": "YINCHUAN"}, {"code": "EQUIPMENT"}], "count": 1, "annualRevenue": {"sum": 7000000.0} }])
    );
    let version = app.version(unit.as_str().unwrap()).await;
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $s: ID!) { updateOrganization(input: {id: $id, expectedVersion: $v, municipality: WUZHONG, segments: [$s],
        enterprise: {annualRevenue: 9000000}}) { organization { id } } }",
        json!({ "id": unit, "v": version, "s": chemicals }))
        .await;
    assert_eq!(
        cells().await,
        json!([{ "key": [{"code": "WUZHONG"}, {"code": "CHEMICALS"}], "count": 1, "annualRevenue": {"sum": 9000000.0} }]),
        "moved, re-segmented and re-figured"
    );
    let version = app.version(unit.as_str().unwrap()).await;
    app.ok(
        &office(),
        "mutation($id: ID!, $v: Int!) { archiveOrganization(input: {id: $id, expectedVersion: $v}) { organization { id } } }",
        json!({ "id": unit, "v": version }),
    )
    .await;
    assert_eq!(cells().await, json!([]), "an archived unit counts no more");
}

#[tokio::test]
async fn two_writers_of_one_unit_outside_the_hub_both_land_in_its_facts() {
    // The hub's own writes queue on one write lock; a writer beside it (psql, another tool) does
    // not. One transaction changes a unit while another changes its profile: the second's facts
    // are written after the first commits, over the row the first wrote. SQLite has one writer.
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let app = TestApp::spawn().await;
    let db = app.db().clone();
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let number = |sql: String| {
        let db = db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    let unit = number("SELECT MIN(organization_id) FROM unit_fact WHERE has_profile".into()).await;
    let first = db.begin().await.unwrap();
    first
        .execute_unprepared(&format!(
            "UPDATE organization SET municipality_id = NULL WHERE id = {unit}"
        ))
        .await
        .unwrap();
    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let second = db.begin().await?;
            second
                .execute_unprepared(&format!(
                    "UPDATE enterprise_profile SET annual_revenue = 4242 WHERE organization_id = {unit}"
                ))
                .await?;
            second.commit().await
        }
    });
    // The second waits on the unit's facts, which the first holds.
    let mut waits = 0;
    while number("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'".into()).await == 0 {
        waits += 1;
        assert!(waits < 100_000, "the second writer never queued");
        tokio::task::yield_now().await;
    }
    first.commit().await.unwrap();
    second.await.unwrap().expect("the second writer lands too");
    assert_eq!(
        number(format!("SELECT COUNT(*) FROM unit_fact WHERE organization_id = {unit} AND municipality_id IS NULL AND annual_revenue = 4242")).await,
        1,
        "the facts hold both changes"
    );
}
