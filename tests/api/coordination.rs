//! The cities' coordination mechanisms (plan §四(一)).

use serde_json::json;

use crate::helpers::{TestApp, assert_refused, municipality, office};

const ESTABLISH: &str = "mutation($lead: MunicipalityCode!, $members: [MunicipalityCode!]!) { establishCoordinationMechanism(input: {nameZh: \"银川都市圈产业联盟协调推进机制\", purpose: \"统筹联盟建设\", establishedOn: \"2026-03-01\", lead: $lead, members: $members}) { mechanism { id lead { code } members { municipality { code } joinedOn } } } }";

const JOIN: &str = "mutation($m: ID!, $c: MunicipalityCode!, $d: Date) { joinCoordinationMechanism(input: {mechanism: $m, municipality: $c, date: $d}) { member { municipality { code } joinedOn } } }";

#[tokio::test]
async fn cities_record_the_mechanisms_they_lead_and_join_them_themselves() {
    let app = TestApp::spawn().await;
    let yinchuan = municipality("YINCHUAN");
    let alone = app
        .query_as(
            Some(&yinchuan),
            ESTABLISH,
            json!({ "lead": "YINCHUAN", "members": [] }),
        )
        .await;
    assert_refused(&alone, "BAD_USER_INPUT", "at least one other");
    let for_another = app
        .query_as(
            Some(&yinchuan),
            ESTABLISH,
            json!({ "lead": "WUZHONG", "members": ["YINCHUAN"] }),
        )
        .await;
    assert_refused(&for_another, "FORBIDDEN", "leads it");
    let made = app
        .ok(
            &yinchuan,
            ESTABLISH,
            json!({ "lead": "YINCHUAN", "members": ["SHIZUISHAN", "YINCHUAN"] }),
        )
        .await;
    let mechanism = &made["establishCoordinationMechanism"]["mechanism"];
    assert_eq!(mechanism["lead"]["code"], "YINCHUAN");
    assert_eq!(
        mechanism["members"].as_array().unwrap().len(),
        2,
        "the lead once"
    );
    let id = mechanism["id"].as_str().unwrap().to_owned();

    let by_yinchuan = app
        .query_as(Some(&yinchuan), JOIN, json!({ "m": id, "c": "NINGDONG" }))
        .await;
    assert_refused(&by_yinchuan, "FORBIDDEN", "itself");
    let ningdong = municipality("NINGDONG");
    let early = app
        .query_as(
            Some(&ningdong),
            JOIN,
            json!({ "m": id, "c": "NINGDONG", "d": "2026-01-01" }),
        )
        .await;
    assert_refused(&early, "BAD_USER_INPUT", "2026-03-01");
    let joined = app
        .ok(
            &ningdong,
            JOIN,
            json!({ "m": id, "c": "NINGDONG", "d": "2026-06-01" }),
        )
        .await;
    assert_eq!(
        joined["joinCoordinationMechanism"]["member"]["joinedOn"],
        "2026-06-01"
    );
    // A mechanism and its members are one object in the feed: each change names the mechanism.
    let feed = app
        .ok(
            &office(),
            "{ changes(first: 100) { nodes { entityId operation } } }",
            json!({}),
        )
        .await;
    let changes = feed["changes"]["nodes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "establish, then one join: {feed}");
    for change in changes {
        assert_eq!(change["entityId"], id.as_str(), "{feed}");
    }
    let twice = app
        .query_as(Some(&office()), JOIN, json!({ "m": id, "c": "NINGDONG" }))
        .await;
    assert_refused(&twice, "CONFLICT", "already takes part");

    let listed = app
        .data_as(None, "{ coordinationMechanisms { nameZh members { municipality { code } } } municipality(code: NINGDONG) { coordinationMechanisms { nameZh } } }", json!({}))
        .await;
    let named = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|m| m["nameZh"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = named(&listed["coordinationMechanisms"]);
    let ours = all
        .iter()
        .position(|name| name == "银川都市圈产业联盟协调推进机制")
        .expect("listed for everyone");
    assert_eq!(
        listed["coordinationMechanisms"][ours]["members"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(
        named(&listed["municipality"]["coordinationMechanisms"])
            .contains(&"银川都市圈产业联盟协调推进机制".to_owned()),
        "{listed}"
    );
}
