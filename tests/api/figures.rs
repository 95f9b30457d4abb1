//! Enterprises' figures by year, their designations, and the statistics that read them.

use serde_json::{Value, json};

use crate::helpers::{
    As, TestApp, analyst, assert_refused, department, error_code, municipality, office,
};

const FIGURES: &str = "query($id: ID!) { node(id: $id) { ... on Enterprise { version foundedYear employees annualRevenue rndSpend taxPaid municipality { code }
    figures { id version year employees annualRevenue outputValue rndSpend taxPaid withheldFields } } } }";

/// A demo enterprise of Yinchuan and its figures as OFFICE reads them.
async fn yinchuan_enterprise(app: &TestApp) -> (String, Value) {
    let data = app
        .data(
            "{ enterprises(first: 1, filter: {municipality: {eq: YINCHUAN}}) { nodes { id } } }",
            json!({}),
        )
        .await;
    let id = data["enterprises"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let node = app.data(FIGURES, json!({ "id": id })).await["node"].clone();
    (id, node)
}

fn year(node: &Value, year: i64) -> &Value {
    node["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["year"] == year)
        .unwrap_or_else(|| panic!("no figures for {year}"))
}

const RECORD: &str = "mutation($input: RecordEnterpriseFiguresInput!) { recordEnterpriseFigures(input: $input) { enterpriseYear { year version annualRevenue outputValue } } }";

#[tokio::test]
async fn demo_enterprises_carry_figures_from_2019_to_2025_with_the_profile_as_the_latest_year() {
    let app = TestApp::spawn().await;
    let data = app
        .data(
            "{ enterprises(first: 50) { nodes { foundedYear annualRevenue employees figures { year annualRevenue outputValue employees } } } }",
            json!({}),
        )
        .await;
    let enterprises = data["enterprises"]["nodes"].as_array().unwrap();
    assert!(enterprises.len() >= 20);
    let mut grew = 0;
    for e in enterprises {
        let figures = e["figures"].as_array().unwrap();
        let years: Vec<i64> = figures
            .iter()
            .map(|f| f["year"].as_i64().unwrap())
            .collect();
        let first = 2019.max(e["foundedYear"].as_i64().unwrap());
        assert_eq!(years, (first..=2025).collect::<Vec<_>>());
        let latest = figures.last().unwrap();
        assert_eq!(latest["annualRevenue"], e["annualRevenue"]);
        assert_eq!(latest["employees"], e["employees"]);
        assert!(
            figures
                .iter()
                .all(|f| f["outputValue"].as_i64().unwrap() > 0)
        );
        if figures[0]["annualRevenue"].as_i64() < latest["annualRevenue"].as_i64() {
            grew += 1;
        }
    }
    assert!(
        grew * 2 > enterprises.len(),
        "most demo enterprises grew since 2019"
    );
}

#[tokio::test]
async fn recording_the_latest_year_moves_the_profile_and_an_earlier_year_does_not() {
    let app = TestApp::spawn().await;
    let (id, before) = yinchuan_enterprise(&app).await;
    // A new latest year becomes the profile.
    let recorded = app
        .ok(
            &office(),
            RECORD,
            json!({ "input": { "enterpriseId": id, "year": 2026, "annualRevenue": 123_456_789, "outputValue": 120_000_000, "employees": 321 } }),
        )
        .await;
    assert_eq!(
        recorded["recordEnterpriseFigures"]["enterpriseYear"]["version"],
        1
    );
    let after = app.data(FIGURES, json!({ "id": id })).await["node"].clone();
    assert_eq!(after["annualRevenue"], 123_456_789);
    assert_eq!(after["employees"], 321);
    assert_eq!(
        after["rndSpend"], before["rndSpend"],
        "a figure not given stays"
    );
    assert_eq!(year(&after, 2026)["outputValue"], 120_000_000);

    // An earlier year changes only that year, and only with the version read.
    let earlier = year(&after, 2020).clone();
    let refused = app
        .query_as(
            Some(&office()),
            RECORD,
            json!({ "input": { "enterpriseId": id, "year": 2020, "annualRevenue": 1 } }),
        )
        .await;
    assert_refused(&refused, "CONFLICT", "expectedVersion");
    app.ok(
        &office(),
        RECORD,
        json!({ "input": { "enterpriseId": id, "year": 2020, "annualRevenue": 99, "expectedVersion": earlier["version"] } }),
    )
    .await;
    let now = app.data(FIGURES, json!({ "id": id })).await["node"].clone();
    assert_eq!(year(&now, 2020)["annualRevenue"], 99);
    assert_eq!(year(&now, 2020)["employees"], earlier["employees"]);
    assert_eq!(now["annualRevenue"], 123_456_789);

    // The profile's own update moves the latest year with it.
    app.ok(
        &office(),
        "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, enterprise: {annualRevenue: 222}}) { organization { id } } }",
        json!({ "id": id, "v": now["version"] }),
    )
    .await;
    let last = app.data(FIGURES, json!({ "id": id })).await["node"].clone();
    assert_eq!(year(&last, 2026)["annualRevenue"], 222);
    assert_eq!(year(&last, 2020)["annualRevenue"], 99);
}

#[tokio::test]
async fn bad_yearly_figures_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let (id, before) = yinchuan_enterprise(&app).await;
    for (input, code, words) in [
        (
            json!({ "year": 2024, "taxPaid": -1 }),
            "BAD_USER_INPUT",
            "taxPaid",
        ),
        (
            json!({ "year": 1800, "taxPaid": 1 }),
            "BAD_USER_INPUT",
            "1949",
        ),
        (
            json!({ "year": 2999, "taxPaid": 1 }),
            "BAD_USER_INPUT",
            "between",
        ),
        (
            json!({ "year": before["foundedYear"].as_i64().unwrap() - 1, "taxPaid": 1 }),
            "BAD_USER_INPUT",
            "founded",
        ),
        (
            json!({ "year": 2026 }),
            "BAD_USER_INPUT",
            "at least one figure",
        ),
        (
            json!({ "year": 2026, "taxPaid": 1, "expectedVersion": 1 }),
            "NOT_FOUND",
            "no figures",
        ),
    ] {
        let mut input = input;
        input["enterpriseId"] = json!(id);
        let answer = app
            .query_as(Some(&office()), RECORD, json!({ "input": input }))
            .await;
        assert_refused(&answer, code, words);
    }
    let university = app
        .data("{ universities(first: 1) { nodes { id } } }", json!({}))
        .await["universities"]["nodes"][0]["id"]
        .clone();
    let answer = app
        .query_as(
            Some(&office()),
            RECORD,
            json!({ "input": { "enterpriseId": university, "year": 2024, "employees": 1 } }),
        )
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "enterprises only");
    let answer = app
        .query_as(
            Some(&municipality("WUZHONG")),
            RECORD,
            json!({ "input": { "enterpriseId": id, "year": 2026, "employees": 1 } }),
        )
        .await;
    assert_eq!(error_code(&answer).as_deref(), Some("FORBIDDEN"));
    let after = app.data(FIGURES, json!({ "id": id })).await["node"].clone();
    assert_eq!(after, before);
}

#[tokio::test]
async fn yearly_figures_are_withheld_as_the_profile_is_and_their_names_stay_out_of_the_feed() {
    let app = TestApp::spawn().await;
    let (id, _) = yinchuan_enterprise(&app).await;
    let own = app
        .ok(&municipality("YINCHUAN"), FIGURES, json!({ "id": id }))
        .await;
    assert!(year(&own["node"], 2024)["annualRevenue"].is_i64());
    let other = app.ok(&analyst(), FIGURES, json!({ "id": id })).await;
    let cell = year(&other["node"], 2024);
    assert!(cell["employees"].is_i64());
    for figure in ["annualRevenue", "outputValue", "rndSpend", "taxPaid"] {
        assert!(cell[figure].is_null(), "{figure} is withheld");
        assert!(
            cell["withheldFields"]
                .as_array()
                .unwrap()
                .contains(&json!(figure))
        );
    }
    let tax = app
        .ok(&department("TAX"), FIGURES, json!({ "id": id }))
        .await;
    let cell = year(&tax["node"], 2024);
    assert!(cell["annualRevenue"].is_i64() && cell["taxPaid"].is_i64());
    assert!(cell["rndSpend"].is_null() && cell["outputValue"].is_null());
    let public = app
        .query_as(
            None,
            "query($id: ID!) { node(id: $id) { ... on Enterprise { figures { year } } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(public["data"]["node"].is_null() || public["data"]["node"]["figures"].is_null());

    // The year a restricted figure changed is announced, without naming the figure.
    app.ok(
        &municipality("YINCHUAN"),
        RECORD,
        json!({ "input": { "enterpriseId": id, "year": 2026, "annualRevenue": 5, "employees": 9 } }),
    )
    .await;
    let feed = app
        .ok(
            &analyst(),
            "{ changes(types: [ORGANIZATION], first: 100) { nodes { operation changedFields } } }",
            json!({}),
        )
        .await;
    let change = feed["changes"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| c["operation"] == "recordEnterpriseFigures")
        .expect("the change is in the feed")
        .clone();
    let fields: Vec<&str> = change["changedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(fields.contains(&"employees"));
    assert!(!fields.contains(&"annualRevenue"));
}

const SERIES: &str = "query($years: YearRange) { enterpriseStats(groupBy: [YEAR], years: $years) { key { value labelZh } count suppressed protection annualRevenue { sum } outputValue { sum } employees { sum } } }";

#[tokio::test]
async fn a_yearly_series_has_one_point_per_year_and_its_latest_point_is_the_profiles() {
    let app = TestApp::spawn().await;
    let series = app
        .ok(
            &office(),
            SERIES,
            json!({ "years": { "from": 2019, "to": 2025 } }),
        )
        .await;
    let points = series["enterpriseStats"].as_array().unwrap();
    let years: Vec<&str> = points
        .iter()
        .map(|p| p["key"][0]["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        years,
        ["2019", "2020", "2021", "2022", "2023", "2024", "2025"]
    );
    assert_eq!(points[6]["key"][0]["labelZh"], "2025年");
    let profiles = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [], filter: {kind: {eq: ENTERPRISE}}) { count annualRevenue { sum } } }",
            json!({}),
        )
        .await;
    assert_eq!(points[6]["count"], profiles["enterpriseStats"][0]["count"]);
    assert_eq!(
        points[6]["annualRevenue"]["sum"],
        profiles["enterpriseStats"][0]["annualRevenue"]["sum"]
    );
    assert!(
        points
            .iter()
            .all(|p| p["outputValue"]["sum"].as_f64().unwrap() > 0.0)
    );

    // One year alone is that year's picture; several years need YEAR.
    let one = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [MUNICIPALITY], years: {from: 2021, to: 2021}) { count } }",
            json!({}),
        )
        .await;
    let units: i64 = one["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    assert_eq!(json!(units), points[2]["count"]);
    let refused = app
        .query_as(
            Some(&office()),
            "{ enterpriseStats(groupBy: [MUNICIPALITY], years: {from: 2020, to: 2021}) { count } }",
            json!({}),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "YEAR");
    let refused = app
        .query_as(
            Some(&office()),
            "{ enterpriseStats(groupBy: [YEAR], years: {from: 2021, to: 2020}) { count } }",
            json!({}),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "after");
}

#[tokio::test]
async fn a_small_year_of_a_series_cannot_be_recovered_from_the_rest_of_it() {
    let app = TestApp::spawn().await;
    // Two enterprises with figures for 2010 only: a cell of two in the series.
    for name in ["宁夏乙一有限公司", "宁夏乙二有限公司"] {
        let created = app
            .ok(
                &office(),
                "mutation($n: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: YINCHUAN,
                    enterprise: {scale: SMALL, employees: 20, annualRevenue: 5000000, foundedYear: 2001, industryClass: \"C3391\"}}) { organization { id } } }",
                json!({ "n": name }),
            )
            .await;
        let id = created["createOrganization"]["organization"]["id"].clone();
        app.ok(
            &office(),
            RECORD,
            json!({ "input": { "enterpriseId": id, "year": 2010, "annualRevenue": 4_000_000 } }),
        )
        .await;
    }
    let series = app.ok(&analyst(), SERIES, json!({})).await;
    let points = series["enterpriseStats"].as_array().unwrap();
    let small = points
        .iter()
        .find(|p| p["key"][0]["value"] == "2010")
        .unwrap();
    assert_eq!(small["protection"], "SUPPRESSED_THRESHOLD");
    assert!(small["annualRevenue"].is_null() && small["count"].is_null());
    let hidden = points.iter().filter(|p| p["suppressed"] == true).count();
    assert!(hidden >= 2, "never one suppressed point alone in a series");
    let published = points.iter().find(|p| p["suppressed"] == false).unwrap();
    assert_eq!(published["protection"], "PERTURBED");
    assert!(published["employees"]["sum"].is_f64());

    let exact = app.ok(&office(), SERIES, json!({})).await;
    let small = exact["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"][0]["value"] == "2010")
        .unwrap()
        .clone();
    assert_eq!(small["count"], 2);
    assert_eq!(small["annualRevenue"]["sum"], 8_000_000.0);
}

const DESIGNATE: &str = "mutation($input: DesignateEnterpriseInput!) { designateEnterprise(input: $input) { designation { id version designation grantedYear validUntilYear heldIn department { code } } } }";

fn designate(id: &str, kind: &str, granted: i64, until: Option<i64>, by: Option<&str>) -> Value {
    json!({ "input": { "enterpriseId": id, "designation": kind, "grantedYear": granted, "validUntilYear": until, "department": by } })
}

#[tokio::test]
async fn designations_are_recorded_by_their_granting_department_and_never_overlap() {
    let app = TestApp::spawn().await;
    let created = app
        .ok(
            &office(),
            "mutation { createOrganization(input: {kind: ENTERPRISE, nameZh: \"宁夏丙一有限公司\", municipality: YINCHUAN,
                enterprise: {scale: SMALL, employees: 20, annualRevenue: 5000000, foundedYear: 2001, industryClass: \"C3391\"}}) { organization { id } } }",
            json!({}),
        )
        .await;
    let id = created["createOrganization"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let recorded = app
        .ok(
            &department("DST"),
            DESIGNATE,
            designate(&id, "TECH_SME", 2026, None, Some("DST")),
        )
        .await;
    let designation = &recorded["designateEnterprise"]["designation"];
    assert_eq!(designation["department"]["code"], "DST");
    assert_eq!(designation["heldIn"], true);
    let refused = app
        .query_as(
            Some(&department("DOF")),
            DESIGNATE,
            designate(&id, "HIGH_TECH", 2026, Some(2028), Some("DST")),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let refused = app
        .query_as(
            Some(&office()),
            DESIGNATE,
            designate(&id, "TECH_SME", 2025, Some(2026), None),
        )
        .await;
    assert_refused(&refused, "CONFLICT", "holds this designation");
    let refused = app
        .query_as(
            Some(&office()),
            DESIGNATE,
            designate(&id, "SINGLE_CHAMPION", 2025, Some(2024), None),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "validUntilYear");

    let held = "query($id: ID!) { node(id: $id) { ... on Enterprise { designations { designation } all: designations(all: true) { id version designation } } } }";
    let data = app.ok(&analyst(), held, json!({ "id": id })).await;
    assert!(
        data["node"]["designations"]
            .as_array()
            .unwrap()
            .contains(&json!({ "designation": "TECH_SME" }))
    );
    let sme = data["node"]["all"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["designation"] == "TECH_SME" && d["id"] == designation["id"])
        .unwrap()
        .clone();
    app.ok(
        &department("DST"),
        "mutation($id: ID!, $v: Int!) { removeDesignation(input: {id: $id, expectedVersion: $v}) { designation { id } } }",
        json!({ "id": sme["id"], "v": sme["version"] }),
    )
    .await;
    let data = app.ok(&analyst(), held, json!({ "id": id })).await;
    assert!(
        !data["node"]["all"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == sme["id"])
    );
}

#[tokio::test]
async fn designations_filter_lists_and_group_statistics_with_their_labels() {
    let app = TestApp::spawn().await;
    let listed = app
        .ok(
            &analyst(),
            "{ enterprises(first: 100, filter: {designation: {eq: HIGH_TECH}}) { totalCount nodes { designations { designation } } } }",
            json!({}),
        )
        .await;
    let nodes = listed["enterprises"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty(), "the demo has high-tech enterprises");
    assert!(nodes.iter().all(|n| {
        n["designations"]
            .as_array()
            .unwrap()
            .contains(&json!({ "designation": "HIGH_TECH" }))
    }));
    let stats = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [DESIGNATION]) { key { value labelZh labelEn } count } }",
            json!({}),
        )
        .await;
    let groups = stats["enterpriseStats"].as_array().unwrap();
    let high_tech = groups
        .iter()
        .find(|g| g["key"][0]["value"] == "HIGH_TECH")
        .unwrap();
    assert_eq!(high_tech["count"], listed["enterprises"]["totalCount"]);
    assert_eq!(high_tech["key"][0]["labelZh"], "高新技术企业");
    assert!(
        groups
            .iter()
            .any(|g| g["key"][0]["value"] == "ABOVE_DESIGNATED_SIZE")
    );
    // Held in a year: the series by designation follows each designation's years.
    let series = app
        .ok(
            &office(),
            "{ enterpriseStats(groupBy: [YEAR, DESIGNATION], filter: {designation: {eq: ABOVE_DESIGNATED_SIZE}}) { key { value } count } }",
            json!({}),
        )
        .await;
    assert!(!series["enterpriseStats"].as_array().unwrap().is_empty());
    let labels = app
        .query_as(
            None,
            "{ labels(enums: [\"Designation\"]) { values { code zh } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        labels["data"]["labels"][0]["values"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
}

/// The analyst's view of the same yearly statistic is protected: never an exact figure.
#[tokio::test]
async fn analysts_read_yearly_figures_only_through_protected_statistics() {
    let app = TestApp::spawn().await;
    let who: As = analyst();
    let exact = app.ok(&office(), SERIES, json!({})).await;
    let noisy = app.ok(&who, SERIES, json!({})).await;
    let pairs = exact["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .zip(noisy["enterpriseStats"].as_array().unwrap());
    for (e, n) in pairs {
        if n["suppressed"] == false {
            assert_ne!(e["annualRevenue"]["sum"], n["annualRevenue"]["sum"]);
            assert_eq!(
                e["employees"]["sum"], n["employees"]["sum"],
                "employees are not confidential"
            );
        }
    }
}

#[tokio::test]
async fn memberships_projects_results_and_support_each_have_a_yearly_series() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ projectStats(groupBy: [YEAR]) { key { value labelZh } count budget { sum } }
               started: projectStats(groupBy: [STARTED_YEAR, STAGE]) { key { value } count }
               projects(first: 100) { totalCount }
               resultStats(groupBy: [YEAR]) { key { value } count }
               supportStats(groupBy: [YEAR]) { key { value } count }
               allianceStats { overTime { year joined left active } } }",
            json!({}),
        )
        .await;
    let projects = data["projectStats"].as_array().unwrap();
    let counted: i64 = projects.iter().map(|g| g["count"].as_i64().unwrap()).sum();
    assert_eq!(json!(counted), data["projects"]["totalCount"]);
    assert!(
        projects
            .iter()
            .all(|g| g["key"][0]["labelZh"].as_str().unwrap().ends_with('年'))
    );
    assert!(
        projects
            .iter()
            .all(|g| g["budget"]["sum"].as_f64().unwrap() > 0.0)
    );
    assert!(!data["started"].as_array().unwrap().is_empty());
    for series in ["resultStats", "supportStats"] {
        assert!(
            data[series]
                .as_array()
                .unwrap()
                .iter()
                .all(|g| g["key"][0]["value"].as_str().is_some_and(|y| y.len() == 4)),
            "{series} is keyed by year"
        );
    }
    let years = data["allianceStats"]["overTime"].as_array().unwrap();
    assert!(years.len() >= 2);
    let public = app
        .query_as(
            None,
            "{ projectStats(groupBy: [YEAR]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
}
