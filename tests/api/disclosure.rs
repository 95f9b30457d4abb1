//! Disclosure control of statistics (`service::disclosure`), tried the way an analyst would try
//! to get around it: differencing two answers, padding a set with one unit, tracking a unit by
//! its founding year, watching a total before and after a change.

use serde_json::{Value, json};

use crate::helpers::{
    As, TestApp, analyst, assert_refused, department, municipality, office, secretariat,
};

/// p of the p % rule (the default): the least noise on any unit's figure.
const P: f64 = 0.10;
const FIGURES: [&str; 3] = ["annualRevenue", "rndSpend", "taxPaid"];

const CELL: &str = "query($f: OrganizationFilter) { enterpriseStats(groupBy: [], filter: $f) {
    count suppressed protection annualRevenue { sum min max } rndSpend { sum } taxPaid { sum } } }";

/// The one cell of an ungrouped statistic over `filter`, as `who` sees it.
async fn cell(app: &TestApp, who: &As, filter: Value) -> Value {
    app.ok(who, CELL, json!({ "f": filter })).await["enterpriseStats"][0].clone()
}

/// The roles that see enterprise figures only as aggregates; a municipality outside `city`.
async fn restricted_roles(app: &TestApp, city: &str) -> Vec<As> {
    let other = if city == "WUZHONG" {
        "SHIZUISHAN"
    } else {
        "WUZHONG"
    };
    vec![
        analyst(),
        department("DST"),
        municipality(other),
        secretariat(&app.alliance_id("YMA-NMAT").await),
    ]
}

/// Asserts that a difference of two noisy answers is at least p % away from the true figure.
fn assert_protected(who: &As, attack: &str, figure: &str, derived: f64, truth: f64) {
    // Each published sum is rounded to the yuan.
    assert!(
        (derived - truth).abs() >= P * truth - 1.0,
        "{} recovers {figure} by {attack}: {derived} against {truth}",
        who.role
    );
}

/// The twenty enterprises of the demo data with the most revenue, with what identifies them.
async fn targets(app: &TestApp) -> Vec<Value> {
    let data = app
        .ok(
            &office(),
            "{ enterprises(first: 100, filter: {inMetroArea: {eq: true}}) { nodes { uscc nameZh municipality { code } foundedYear scale annualRevenue rndSpend taxPaid } } }",
            json!({}),
        )
        .await;
    let mut units: Vec<Value> = data["enterprises"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["annualRevenue"].is_number() && u["foundedYear"].is_number())
        .cloned()
        .collect();
    units.sort_by(|a, b| {
        b["annualRevenue"]
            .as_f64()
            .partial_cmp(&a["annualRevenue"].as_f64())
            .unwrap()
    });
    units.truncate(20);
    assert_eq!(units.len(), 20);
    units
}

/// The four differencing attacks of the issue, for every restricted role and figure: by USCC
/// and by name they are refused; by classifying fields (leave the unit's year and scale out,
/// track its founding year, pad another city's set with it) each isolates the unit whenever the
/// counts differ by one, and then the figure derived is still at least p % off.
#[tokio::test]
async fn differencing_two_answers_never_recovers_a_figure_closer_than_p_percent() {
    let app = TestApp::spawn().await;
    let mut isolated = 0;
    for unit in targets(&app).await {
        let city = unit["municipality"]["code"].as_str().unwrap();
        let (year, scale) = (unit["foundedYear"].as_i64().unwrap(), &unit["scale"]);
        let other_city = if city == "YINCHUAN" {
            "WUZHONG"
        } else {
            "YINCHUAN"
        };
        let one = json!({ "municipality": {"eq": city}, "foundedYear": {"eq": year}, "scale": {"eq": scale} });
        let attacks = [
            (
                "leaving the unit's year and scale out",
                json!({ "municipality": {"eq": city} }),
                json!({ "and": [{ "municipality": {"eq": city} }, { "not": { "foundedYear": {"eq": year}, "scale": {"eq": scale} } }] }),
            ),
            (
                "tracking its founding year",
                json!({ "municipality": {"eq": city}, "foundedYear": {"lte": year} }),
                json!({ "municipality": {"eq": city}, "foundedYear": {"lte": year - 1} }),
            ),
            (
                "padding another city's set with it",
                json!({ "or": [{ "municipality": {"eq": other_city} }, one] }),
                json!({ "municipality": {"eq": other_city} }),
            ),
        ];
        for who in restricted_roles(&app, city).await {
            for (field, value) in [("uscc", &unit["uscc"]), ("nameZh", &unit["nameZh"])] {
                let by_identity = json!({ "not": { field: { "eq": value } } });
                let refused = app
                    .query_as(Some(&who), CELL, json!({ "f": by_identity }))
                    .await;
                assert_refused(&refused, "FORBIDDEN", field);
            }
            for (attack, with, without) in &attacks {
                let (a, b) = (
                    cell(&app, &who, with.clone()).await,
                    cell(&app, &who, without.clone()).await,
                );
                if a["suppressed"] == true || b["suppressed"] == true {
                    continue;
                }
                if a["count"].as_i64().unwrap() - b["count"].as_i64().unwrap() != 1 {
                    continue;
                }
                isolated += 1;
                for figure in FIGURES {
                    let (Some(x), Some(y)) = (a[figure]["sum"].as_f64(), b[figure]["sum"].as_f64())
                    else {
                        continue;
                    };
                    let Some(truth) = unit[figure].as_f64() else {
                        continue;
                    };
                    assert_protected(&who, attack, figure, x - y, truth);
                }
                assert!(a["annualRevenue"]["max"].is_null() && a["annualRevenue"]["min"].is_null());
                assert_eq!(a["protection"], "PERTURBED");
            }
        }
    }
    assert!(
        isolated >= 20,
        "the attacks isolate units often enough to test: {isolated}"
    );
}

/// A total watched before and after one unit's revenue changes moves by the change plus noise
/// of at least p % of it; for the office it moves by the change exactly.
#[tokio::test]
async fn a_total_watched_across_a_change_reveals_the_change_only_with_noise() {
    let app = TestApp::spawn().await;
    let found = app
        .ok(&office(), "{ enterprises(first: 1, filter: {municipality: {eq: YINCHUAN}}) { nodes { id version annualRevenue } } }", json!({}))
        .await;
    let unit = &found["enterprises"]["nodes"][0];
    let before_revenue = unit["annualRevenue"].as_f64().unwrap();
    let total = |who: As| {
        let app = &app;
        async move {
            cell(app, &who, json!({ "municipality": {"eq": "YINCHUAN"} })).await["annualRevenue"]
                ["sum"]
                .as_f64()
                .unwrap()
        }
    };
    let roles = [analyst(), department("TAX"), municipality("WUZHONG")];
    let mut before = Vec::new();
    for who in roles.clone() {
        before.push(total(who).await);
    }
    let office_before = total(office()).await;
    let change = 3_000_000_000.0;
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $r: Money!) { updateOrganization(input: {id: $id, expectedVersion: $v, enterprise: {annualRevenue: $r}}) { organization { id } } }",
        json!({ "id": unit["id"], "v": unit["version"], "r": (before_revenue + change) as i64 })).await;
    assert_eq!(total(office()).await - office_before, change);
    for (who, before) in roles.into_iter().zip(before) {
        let derived = total(who.clone()).await - before;
        assert_protected(&who, "watching a change", "annualRevenue", derived, change);
        assert!(derived.abs() <= 1.5 * P * change + change + 1.0);
    }
}

/// Support amounts likewise: a grant watched through `supportStats` shows with noise of at
/// least p %, and repeated answers are identical.
#[tokio::test]
async fn a_grant_watched_through_support_statistics_shows_only_with_noise() {
    let app = TestApp::spawn().await;
    let query =
        "{ supportStats(groupBy: [DEPARTMENT]) { key { value } protection amount { sum max } } }";
    let dst_sum = |data: &Value| {
        data["supportStats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"][0]["value"] == "DST")
            .map(|g| {
                (
                    g["amount"]["sum"].as_f64().unwrap(),
                    g["protection"].clone(),
                    g["amount"]["max"].clone(),
                )
            })
            .unwrap()
    };
    let beneficiary = app.leader("NMAT-04").await;
    let roles = [analyst(), department("DOC"), municipality("SHIZUISHAN")];
    let mut before = Vec::new();
    for who in &roles {
        let data = app.ok(who, query, json!({})).await;
        assert_eq!(
            app.ok(who, query, json!({})).await,
            data,
            "the same answer twice"
        );
        let (sum, protection, max) = dst_sum(&data);
        assert_eq!(protection, "PERTURBED");
        assert!(
            max.is_null(),
            "a maximum is one grant: not published below OFFICE"
        );
        before.push(sum);
    }
    let amount = 654_321.0;
    app.ok(&department("DST"), "mutation($b: ID!, $a: Money!) { createSupportMeasure(input: {department: DST, kind: RND_FUND, title: \"新增资助\", beneficiaryOrganization: $b, amount: $a, grantedOn: \"2026-11-20\"}) { supportMeasure { id } } }",
        json!({ "b": beneficiary, "a": amount as i64 })).await;
    for (who, before) in roles.iter().zip(before) {
        let (after, _, _) = dst_sum(&app.ok(who, query, json!({})).await);
        assert_protected(who, "watching a grant", "amount", after - before, amount);
    }
}

/// Three enterprises of which one holds 95 % of the revenue: the p % rule suppresses their cell
/// although it passes the threshold, and secondary suppression leaves every line of the table
/// with no suppressed cell or at least two, so no margin gives it away.
#[tokio::test]
async fn a_cell_dominated_by_one_enterprise_is_suppressed_with_its_line_protected() {
    let app = TestApp::spawn().await;
    for (name, revenue) in [
        ("宁夏巨头有限公司", 95_000_000),
        ("宁夏小甲有限公司", 2_500_000),
        ("宁夏小乙有限公司", 2_500_000),
    ] {
        app.ok(&office(), "mutation($n: String!, $r: Money!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: SHIZUISHAN,
            enterprise: {scale: SMALL, employees: 30, annualRevenue: $r, foundedYear: 1902, industryClass: \"C3391\"}}) { organization { id } } }",
            json!({ "n": name, "r": revenue })).await;
    }
    // Record keys live in the database only: not even the audit trail shows them.
    let trail = app
        .ok(
            &office(),
            "{ auditEvents(first: 1) { nodes { after } } }",
            json!({}),
        )
        .await;
    assert!(
        trail["auditEvents"]["nodes"][0]["after"]["name_zh"].is_string(),
        "{trail}"
    );
    assert!(!trail.to_string().contains("record_key"), "{trail}");
    let table = "{ enterpriseStats(groupBy: [MUNICIPALITY, FOUNDED_YEAR]) { key { code } count suppressed protection annualRevenue { sum } } }";
    let office_view = app.ok(&office(), table, json!({})).await;
    let exact = find(&office_view, &["SHIZUISHAN", "1902"]);
    assert_eq!(exact["protection"], "NONE");
    assert_eq!(exact["annualRevenue"]["sum"], 100_000_000.0);

    let data = app.ok(&analyst(), table, json!({})).await;
    let dominated = find(&data, &["SHIZUISHAN", "1902"]);
    assert_eq!(
        dominated["protection"], "SUPPRESSED_DOMINANCE",
        "{dominated}"
    );
    assert!(dominated["annualRevenue"].is_null() && dominated["count"].is_null());
    let cells = data["enterpriseStats"].as_array().unwrap();
    assert!(
        cells
            .iter()
            .any(|c| c["protection"] == "SUPPRESSED_SECONDARY")
    );
    // Every line (one dimension free) holds none or at least two suppressed cells, or else its
    // margin is suppressed in turn.
    for free in 0..2 {
        let mut lines: std::collections::HashMap<String, Vec<&Value>> = Default::default();
        for c in cells {
            lines
                .entry(c["key"][1 - free]["code"].to_string())
                .or_default()
                .push(c);
        }
        for (line, members) in lines {
            let hidden = members.iter().filter(|c| c["suppressed"] == true).count();
            if hidden == 1 {
                // No partner with enterprises in the line: its margin holds the same
                // enterprises, and the rules suppress it in the one-dimensional table too.
                let margin_by = if free == 0 {
                    "FOUNDED_YEAR"
                } else {
                    "MUNICIPALITY"
                };
                let margin = app
                    .ok(&analyst(), &format!("{{ enterpriseStats(groupBy: [{margin_by}]) {{ key {{ code }} suppressed }} }}"), json!({}))
                    .await;
                let own = margin["enterpriseStats"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["key"][0]["code"] == serde_json::from_str::<Value>(&line).unwrap())
                    .unwrap();
                assert_eq!(own["suppressed"], true, "the margin of line {line}");
            }
        }
    }
}

fn find<'a>(data: &'a Value, codes: &[&str]) -> &'a Value {
    data["enterpriseStats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            codes
                .iter()
                .enumerate()
                .all(|(i, code)| c["key"][i]["code"] == *code)
        })
        .unwrap_or_else(|| panic!("no cell {codes:?}"))
}

/// A cell's noise depends on its units only: the same cell reached by another grouping or a
/// filter reads the same, every time, for every restricted role alike.
#[tokio::test]
async fn a_cell_reads_the_same_whichever_query_produces_it() {
    let app = TestApp::spawn().await;
    let grouped = "{ enterpriseStats(groupBy: [MUNICIPALITY, SCALE]) { key { code } protection annualRevenue { sum avg } taxPaid { sum } } }";
    let filtered = "{ enterpriseStats(groupBy: [SCALE], filter: {municipality: {eq: YINCHUAN}}) { key { code } protection annualRevenue { sum avg } taxPaid { sum } } }";
    for who in [
        analyst(),
        department("DST"),
        secretariat(&app.alliance_id("YMA-CHEM").await),
    ] {
        let first = app.ok(&who, grouped, json!({})).await;
        assert_eq!(app.ok(&who, grouped, json!({})).await, first);
        let by_filter = app.ok(&who, filtered, json!({})).await;
        let mut compared = 0;
        for cell in by_filter["enterpriseStats"].as_array().unwrap() {
            let scale = cell["key"][0]["code"].as_str().unwrap_or("null");
            if scale == "null" {
                continue;
            }
            let same = find(&first, &["YINCHUAN", scale]);
            assert_eq!(same["annualRevenue"], cell["annualRevenue"], "{scale}");
            assert_eq!(same["taxPaid"], cell["taxPaid"], "{scale}");
            compared += 1;
        }
        assert!(compared >= 2);
    }
}

/// The office reads exact figures, and may filter by anything; its answers say so.
#[tokio::test]
async fn the_office_keeps_exact_figures_and_every_filter() {
    let app = TestApp::spawn().await;
    let units = app
        .ok(&office(), "{ enterprises(first: 100, filter: {municipality: {eq: NINGDONG}}) { nodes { uscc annualRevenue } } }", json!({}))
        .await;
    let nodes = units["enterprises"]["nodes"].as_array().unwrap();
    let exact: f64 = nodes
        .iter()
        .filter_map(|u| u["annualRevenue"].as_f64())
        .sum();
    let answer = cell(
        &app,
        &office(),
        json!({ "municipality": {"eq": "NINGDONG"} }),
    )
    .await;
    assert_eq!(answer["protection"], "NONE");
    assert_eq!(answer["annualRevenue"]["sum"].as_f64().unwrap(), exact);
    assert!(answer["annualRevenue"]["max"].is_number());
    let one = nodes[0]["uscc"].clone();
    let alone = cell(&app, &office(), json!({ "uscc": {"eq": one} })).await;
    assert_eq!(alone["count"], 1);
}

/// The threshold is a setting: with `HUB_SDC_MIN_UNITS=5`, a cell of four equal enterprises
/// that the default publishes is suppressed.
#[tokio::test]
async fn the_threshold_follows_its_setting() {
    let query = "{ enterpriseStats(groupBy: [FOUNDED_YEAR]) { key { code } protection } }";
    for (min_units, expected) in [(3, "PERTURBED"), (5, "SUPPRESSED_THRESHOLD")] {
        let app = TestApp::spawn_with(alliance_hub::config::ServeConfig {
            sdc_min_units: min_units,
            ..Default::default()
        })
        .await;
        for n in 0..4 {
            app.ok(&office(), "mutation($n: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: WUZHONG,
                enterprise: {scale: SMALL, employees: 10, annualRevenue: 1000000, foundedYear: 1903, industryClass: \"C3391\"}}) { organization { id } } }",
                json!({ "n": format!("宁夏同年{n}有限公司") })).await;
        }
        let data = app.ok(&analyst(), query, json!({})).await;
        let cell = data["enterpriseStats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"][0]["code"] == "1903")
            .unwrap();
        assert_eq!(cell["protection"], expected, "threshold {min_units}");
    }
}
