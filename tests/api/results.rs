//! Results of joint work: holders and their shares, funding, production in a park, statistics.

use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, assert_refused, office};

const RESULTS: &str = "query($a: ID!) { alliance(id: $a) { results { kind title project { code } holders { organization { id } sharePercent } fundedBy { title amount } landingPark { code } inProductionOn } } }";

const RECORD: &str = "mutation($a: ID!, $p: ID, $h: [ResultHolderInput!]!, $f: [ID!]) { recordResult(input: {alliance: $a, project: $p, kind: PATENT, title: \"一种方法\", achievedOn: \"2026-11-01\", holders: $h, fundedBy: $f}) { result { id version holders { sharePercent } } } }";

async fn project(app: &TestApp, code: &str) -> (String, Vec<String>) {
    let nmat = app.alliance_id("YMA-NMAT").await;
    let data = app
        .data("query($a: ID!) { alliance(id: $a) { projects { id code participants { organization { id } } } } }", json!({ "a": nmat }))
        .await;
    let p = data["alliance"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .unwrap();
    (
        p["id"].as_str().unwrap().to_owned(),
        p["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["organization"]["id"].as_str().unwrap().to_owned())
            .collect(),
    )
}

async fn measure(app: &TestApp, title: &str) -> String {
    let data = app
        .data(
            "{ supportMeasures(first: 100) { nodes { id title } } }",
            json!({}),
        )
        .await;
    data["supportMeasures"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"].as_str().unwrap().contains(title))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_demo_results_carry_their_holders_funding_and_park() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    let data = app.ok(&office(), RESULTS, json!({ "a": nmat })).await;
    let results = data["alliance"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let patent = &results[0];
    assert_eq!(patent["kind"], "PATENT");
    assert_eq!(patent["project"]["code"], "YMA-NMAT-P001");
    let shares: Vec<i64> = patent["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["sharePercent"].as_i64().unwrap())
        .collect();
    assert_eq!(shares, [60, 40]);
    assert_eq!(patent["fundedBy"][0]["amount"], 5_000_000);
    assert_eq!(patent["inProductionOn"], "2025-03-01");
    assert!(patent["landingPark"]["code"].is_string());
    assert_eq!(results[1]["kind"], "STANDARD");

    let stats = "{ resultStats(groupBy: [KIND]) { key { value labelZh } count } }";
    let by_kind = app.ok(&analyst(), stats, json!({})).await;
    let groups = by_kind["resultStats"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{by_kind}");
    assert!(groups.iter().all(|g| g["count"] == 1));
    assert!(groups.iter().any(|g| g["key"][0]["labelZh"] == "专利"));
    let public = app.query_as(None, stats, json!({})).await;
    assert_refused(&public, "FORBIDDEN", "statistics");
}

#[tokio::test]
async fn a_result_is_held_by_the_projects_units_in_shares_of_a_hundred() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    let (p1, participants) = project(&app, "YMA-NMAT-P001").await;
    let lead = &participants[0];
    let other = &participants[1];
    let outsider = app.org("天津大学").await;
    let holders = |a: &str, x: i64, b: &str, y: i64| json!([{ "organization": a, "sharePercent": x }, { "organization": b, "sharePercent": y }]);
    let refusals = [
        (
            json!({ "a": nmat, "p": p1, "h": holders(lead, 50, &outsider, 50) }),
            "participants",
        ),
        (
            json!({ "a": nmat, "p": p1, "h": holders(lead, 50, other, 40) }),
            "add up to 100",
        ),
        (
            json!({ "a": nmat, "p": p1, "h": holders(lead, 50, lead, 50) }),
            "once",
        ),
        (
            json!({ "a": nmat, "p": p1, "h": holders(lead, 50, other, 50), "f": [measure(&app, "费托合成催化剂").await] }),
            "did not fund",
        ),
        (
            json!({ "a": nmat, "p": project(&app, "YMA-NMAT-P003").await.0, "h": holders(lead, 50, other, 50) }),
            "under way or completed",
        ),
        (
            json!({ "a": app.alliance_id("YMA-CHEM").await, "h": holders(lead, 50, other, 50) }),
            "founded alliance",
        ),
    ];
    for (variables, words) in refusals {
        let answer = app.query_as(Some(&office()), RECORD, variables).await;
        assert_refused(&answer, "BAD_USER_INPUT", words);
    }
    let recorded = app
        .ok(&office(), RECORD, json!({ "a": nmat, "p": p1, "h": holders(lead, 55, other, 45), "f": [measure(&app, "高纯钽粉").await] }))
        .await;
    let result = recorded["recordResult"]["result"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The result, its two holders and its funding are one change of one object in the feed.
    let feed = app
        .ok(
            &office(),
            "{ changes(first: 100, types: [PROJECT]) { totalCount nodes { entityId operation node { id } } } }",
            json!({}),
        )
        .await;
    let recorded_changes: Vec<&Value> = feed["changes"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == "recordResult")
        .collect();
    assert_eq!(recorded_changes.len(), 1, "{feed}");
    assert_eq!(recorded_changes[0]["entityId"], result.as_str());
    assert_eq!(recorded_changes[0]["node"]["id"], result.as_str());
    assert_eq!(feed["changes"]["totalCount"], 1);
    let park = app
        .data("{ parks(first: 1) { nodes { id } } }", json!({}))
        .await["parks"]["nodes"][0]["id"]
        .clone();
    let produce = "mutation($r: ID!, $v: Int!, $p: ID!) { putResultIntoProduction(input: {result: $r, expectedVersion: $v, park: $p, date: \"2026-11-20\"}) { result { inProductionOn landingPark { id } version } } }";
    let produced = app
        .ok(
            &office(),
            produce,
            json!({ "r": result, "v": 1, "p": park }),
        )
        .await;
    assert_eq!(
        produced["putResultIntoProduction"]["result"]["inProductionOn"],
        "2026-11-20"
    );
    let again = app
        .query_as(
            Some(&office()),
            produce,
            json!({ "r": result, "v": 2, "p": park }),
        )
        .await;
    assert_refused(&again, "CONFLICT", "already in production");
    let stats = app
        .ok(
            &analyst(),
            "{ resultStats(groupBy: [ALLIANCE, YEAR]) { key { value } count } }",
            json!({}),
        )
        .await;
    let year_2026: Vec<&Value> = stats["resultStats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["key"][1]["value"] == "2026")
        .collect();
    assert_eq!(year_2026.len(), 1);
    assert_eq!(year_2026[0]["count"], 1);
}
