//! Rankings: units by a figure (restricted figures for the office only), groups by a protected
//! statistic, alliances by members, projects, results and support.

use serde_json::json;

use crate::helpers::{TestApp, analyst, assert_refused, error_code, office};

#[tokio::test]
async fn the_office_ranks_enterprises_by_revenue_highest_first() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &office(),
            "{ enterpriseRanking(by: ANNUAL_REVENUE, first: 5) { rank value enterprise { ... on Enterprise { annualRevenue } } }
               y2021: enterpriseRanking(by: OUTPUT_VALUE, first: 3, year: 2021) { rank value enterprise { ... on Enterprise { figures(years: {from: 2021, to: 2021}) { outputValue } } } } }",
            json!({}),
        )
        .await;
    let ranked = data["enterpriseRanking"].as_array().unwrap();
    assert_eq!(ranked.len(), 5);
    for (i, entry) in ranked.iter().enumerate() {
        assert_eq!(entry["rank"], i as i64 + 1);
        assert_eq!(entry["value"], entry["enterprise"]["annualRevenue"]);
    }
    assert!(
        ranked
            .windows(2)
            .all(|w| w[0]["value"].as_i64() >= w[1]["value"].as_i64())
    );
    let top = &data["y2021"][0];
    assert_eq!(top["value"], top["enterprise"]["figures"][0]["outputValue"]);
    // No enterprise outside the top five has more.
    let all = app
        .data(
            "{ enterpriseStats(groupBy: []) { annualRevenue { max } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["enterpriseStats"][0]["annualRevenue"]["max"].as_f64(),
        ranked[0]["value"].as_f64()
    );
}

#[tokio::test]
async fn below_the_office_units_are_ranked_by_unrestricted_figures_only() {
    let app = TestApp::spawn().await;
    for figure in ["ANNUAL_REVENUE", "OUTPUT_VALUE", "RND_SPEND", "TAX_PAID"] {
        let answer = app
            .query_as(
                Some(&analyst()),
                &format!("{{ enterpriseRanking(by: {figure}, year: 2024) {{ rank }} }}"),
                json!({}),
            )
            .await;
        assert_refused(&answer, "FORBIDDEN", "groupRanking");
    }
    let data = app
        .ok(
            &analyst(),
            "{ enterpriseRanking(by: EMPLOYEES, first: 3) { value enterprise { ... on Enterprise { employees } } } }",
            json!({}),
        )
        .await;
    let top = &data["enterpriseRanking"][0];
    assert_eq!(top["value"], top["enterprise"]["employees"]);
    let public = app
        .query_as(
            None,
            "{ enterpriseRanking(by: EMPLOYEES) { rank } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
    for (query, words) in [
        (
            "{ enterpriseRanking(by: EMPLOYEES, first: 0) { rank } }",
            "between 1 and 100",
        ),
        (
            "{ enterpriseRanking(by: EMPLOYEES, first: 101) { rank } }",
            "between 1 and 100",
        ),
        (
            "{ enterpriseRanking(by: OUTPUT_VALUE) { rank } }",
            "give `year`",
        ),
        (
            "{ groupRanking(groupBy: YEAR, by: COUNT) { rank } }",
            "series",
        ),
    ] {
        let answer = app.query_as(Some(&office()), query, json!({})).await;
        assert_refused(&answer, "BAD_USER_INPUT", words);
    }
}

#[tokio::test]
async fn groups_are_ranked_by_the_same_protected_statistic_dashboards_read() {
    let app = TestApp::spawn().await;
    let query = "{ groupRanking(groupBy: PARK, by: ANNUAL_REVENUE, first: 100) { rank group { key { value } suppressed protection annualRevenue { sum } } }
                   enterpriseStats(groupBy: [PARK]) { key { value } suppressed annualRevenue { sum } } }";
    let data = app.ok(&analyst(), query, json!({})).await;
    let ranked = data["groupRanking"].as_array().unwrap();
    assert!(ranked.len() >= 3);
    let stats = data["enterpriseStats"].as_array().unwrap();
    let published = stats
        .iter()
        .filter(|g| g["suppressed"] == false && g["annualRevenue"]["sum"].is_f64())
        .count();
    assert_eq!(
        ranked.len(),
        published,
        "every published group, no suppressed one"
    );
    for entry in ranked {
        let group = &entry["group"];
        assert_eq!(group["suppressed"], false);
        assert_eq!(group["protection"], "PERTURBED");
        let same = stats.iter().find(|g| g["key"] == group["key"]).unwrap();
        assert_eq!(same["annualRevenue"]["sum"], group["annualRevenue"]["sum"]);
    }
    assert!(ranked.windows(2).all(|w| {
        w[0]["group"]["annualRevenue"]["sum"].as_f64()
            >= w[1]["group"]["annualRevenue"]["sum"].as_f64()
    }));
    let by_count = app
        .ok(
            &analyst(),
            "{ groupRanking(groupBy: MUNICIPALITY, by: COUNT, first: 2) { rank group { count key { labelZh } } } }",
            json!({}),
        )
        .await;
    let top = by_count["groupRanking"].as_array().unwrap();
    assert_eq!(top.len(), 2);
    assert!(top[0]["group"]["count"].as_i64() >= top[1]["group"]["count"].as_i64());
    assert!(top[0]["group"]["key"][0]["labelZh"].is_string());
}

#[tokio::test]
async fn alliances_are_ranked_by_members_projects_results_and_support() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ members: allianceRanking(by: MEMBERS) { rank value alliance { code } }
               projects: allianceRanking(by: PROJECTS) { value }
               results: allianceRanking(by: RESULTS) { value }
               support: allianceRanking(by: SUPPORT_AMOUNT) { value alliance { code } }
               allianceStats { alliances { alliance { code } members } } }",
            json!({}),
        )
        .await;
    let members = data["members"].as_array().unwrap();
    let stats = data["allianceStats"]["alliances"].as_array().unwrap();
    assert_eq!(members.len(), stats.len().min(10));
    for entry in members {
        let counted = stats
            .iter()
            .find(|a| a["alliance"]["code"] == entry["alliance"]["code"])
            .unwrap();
        assert_eq!(entry["value"].as_f64(), counted["members"].as_f64());
    }
    assert!(
        members
            .windows(2)
            .all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64())
    );
    for list in ["projects", "results"] {
        let values = data[list].as_array().unwrap();
        assert!(!values.is_empty(), "{list}");
        assert!(
            values
                .windows(2)
                .all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64()),
            "{list}"
        );
    }
    // An alliance's support is one beneficiary's figure: below the office it is a suppressed
    // cell, so it is not ranked; the office sees the ranking whole.
    assert_eq!(data["support"], json!([]));
    let exact = app
        .ok(
            &office(),
            "{ allianceRanking(by: SUPPORT_AMOUNT) { value alliance { code } } }",
            json!({}),
        )
        .await;
    let values = exact["allianceRanking"].as_array().unwrap();
    assert!(!values.is_empty());
    assert!(values[0]["alliance"]["code"].is_string());
    assert!(
        values
            .windows(2)
            .all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64())
    );
}
