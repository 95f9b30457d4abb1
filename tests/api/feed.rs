//! The change feed (`changes`) and the audit trail (`auditEvents`).

use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, department, error_code, office};

const FEED: &str = "query($after: String, $types: [ChangeType!], $first: Int) { changes(after: $after, types: $types, first: $first) {
    pageInfo { endCursor hasNextPage } nodes { cursor type operation entityId changedFields } } }";

async fn rename(app: &TestApp, unit: &str, name: &str) {
    let version = app.version(unit).await;
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $n: String!) { updateOrganization(input: {id: $id, expectedVersion: $v, nameEn: $n}) { organization { id } } }", json!({ "id": unit, "v": version, "n": name }))
        .await;
}

fn cursors(page: &Value) -> Vec<String> {
    page["changes"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cursor"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_feed_resumed_from_a_cursor_returns_each_change_exactly_once() {
    let app = TestApp::spawn().await;
    let reader = department("DST");
    let unit = app.leader("NMAT-04").await;
    for n in 0..3 {
        rename(&app, &unit, &format!("Name {n}")).await;
    }
    let first = app.ok(&reader, FEED, json!({ "first": 2 })).await;
    let mut seen = cursors(&first);
    assert_eq!(seen.len(), 2);
    assert_eq!(first["changes"]["pageInfo"]["hasNextPage"], true);
    for n in 3..5 {
        rename(&app, &unit, &format!("Name {n}")).await;
    }
    let mut after = first["changes"]["pageInfo"]["endCursor"].clone();
    loop {
        let page = app
            .ok(&reader, FEED, json!({ "after": after, "first": 2 }))
            .await;
        seen.extend(cursors(&page));
        if page["changes"]["pageInfo"]["hasNextPage"] == false {
            after = page["changes"]["pageInfo"]["endCursor"].clone();
            break;
        }
        after = page["changes"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 5, "five renames, each once: {seen:?}");
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 5);
    let rest = app.ok(&reader, FEED, json!({ "after": after })).await;
    assert!(cursors(&rest).is_empty(), "nothing after the last cursor");
}

#[tokio::test]
async fn the_feed_filters_by_type_and_names_the_changed_object() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    rename(&app, &unit, "Renamed").await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let tianjin = app.org("天津大学").await;
    app.ok(&office(), "mutation($a: ID!, $o: ID!) { applyForMembership(input: {alliance: $a, organization: $o}) { membership { id } } }", json!({ "a": alliance, "o": tianjin })).await;
    let organizations = app
        .ok(&analyst(), FEED, json!({ "types": ["ORGANIZATION"] }))
        .await;
    let nodes = organizations["changes"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0]["entityId"], unit.as_str());
    assert_eq!(nodes[0]["changedFields"], json!(["nameEn"]));
    assert_eq!(nodes[0]["operation"], "updateOrganization");
    let memberships = app
        .ok(&analyst(), FEED, json!({ "types": ["MEMBERSHIP"] }))
        .await;
    assert_eq!(memberships["changes"]["nodes"][0]["type"], "MEMBERSHIP");
}

#[tokio::test]
async fn no_restricted_value_leaks_through_the_feed() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let version = app.version(&unit).await;
    app.ok(&office(), "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, enterprise: {annualRevenue: 987654321}}) { organization { id } } }", json!({ "id": unit, "v": version }))
        .await;
    let query = "{ changes(types: [ORGANIZATION]) { nodes { changedFields node { ... on Enterprise { annualRevenue } } } } }";
    let as_analyst = app.ok(&analyst(), query, json!({})).await;
    let text = as_analyst.to_string();
    assert!(
        !text.contains("987654321") && !text.contains("annualRevenue\":9"),
        "{text}"
    );
    assert!(
        as_analyst["changes"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["changedFields"]
                .as_array()
                .unwrap()
                .contains(&json!("annualRevenue")))
    );
    let as_office = app.ok(&office(), query, json!({})).await;
    assert!(
        as_office["changes"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["changedFields"]
                .as_array()
                .unwrap()
                .contains(&json!("annualRevenue")))
    );
}

#[tokio::test]
async fn the_public_cannot_read_the_feed_or_the_audit_trail() {
    let app = TestApp::spawn().await;
    for query in [
        "{ changes { nodes { cursor } } }",
        "{ auditEvents { nodes { sequence } } }",
    ] {
        assert_eq!(
            error_code(&app.query_as(None, query, json!({})).await).as_deref(),
            Some("FORBIDDEN")
        );
    }
}

#[tokio::test]
async fn the_office_sees_the_whole_audit_trail_and_others_their_own_actions() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    rename(&app, &unit, "By the office").await;
    let refused = app.query_as(Some(&department("DST")), "mutation($id: ID!) { archiveOrganization(input: {id: $id, expectedVersion: 2}) { organization { id } } }", json!({ "id": unit })).await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let trail = app.ok(&office(), "{ auditEvents { nodes { actor role operation outcome entity entityId before after message } } }", json!({})).await;
    let events = trail["auditEvents"]["nodes"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["outcome"], "DENIED", "newest first");
    assert_eq!(events[0]["role"], "DEPARTMENT");
    assert_eq!(events[0]["entityId"], unit.as_str());
    assert!(
        events[0]["message"]
            .as_str()
            .unwrap()
            .contains("municipality")
    );
    assert!(events[1]["before"]["name_en"].is_string());
    assert_eq!(events[1]["after"]["name_en"], "By the office");
    let own = app
        .ok(
            &department("DST"),
            "{ auditEvents { nodes { operation outcome } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        own["auditEvents"]["nodes"],
        json!([{ "operation": "archiveOrganization", "outcome": "DENIED" }])
    );
    let filtered = app.ok(&office(), r#"{ auditEvents(filter: {outcome: {eq: ALLOWED}, operation: {eq: "updateOrganization"}}) { totalCount } }"#, json!({})).await;
    assert_eq!(filtered["auditEvents"]["totalCount"], 1);
}

const CREATE_ENTERPRISE: &str = "mutation($n: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: YINCHUAN,
    enterprise: {scale: SMALL, employees: 30, annualRevenue: 1000000, foundedYear: 2020, industryClass: \"C3985\"}}) { organization { id } } }";

#[tokio::test]
async fn one_mutation_on_one_object_is_one_change_with_its_fields_united() {
    let app = TestApp::spawn().await;
    let before = app
        .ok(
            &office(),
            FEED,
            json!({ "types": ["ORGANIZATION"], "first": 100 }),
        )
        .await;
    let after = before["changes"]["pageInfo"]["endCursor"].clone();
    let created = app
        .ok(
            &office(),
            CREATE_ENTERPRISE,
            json!({ "n": "宁夏合并测试有限公司" }),
        )
        .await;
    let id = created["createOrganization"]["organization"]["id"].clone();
    // The enterprise and its profile are two rows of the audit trail, one change of the feed.
    let page = app
        .ok(
            &office(),
            FEED,
            json!({ "types": ["ORGANIZATION"], "after": after }),
        )
        .await;
    let nodes = page["changes"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{page}");
    assert_eq!(nodes[0]["entityId"], id);
    assert_eq!(nodes[0]["operation"], "createOrganization");
    let fields: Vec<&str> = nodes[0]["changedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"nameZh") && fields.contains(&"annualRevenue"),
        "{fields:?}"
    );
    // An analyst sees the same single change without the restricted figure's name.
    let page = app
        .ok(
            &analyst(),
            FEED,
            json!({ "types": ["ORGANIZATION"], "after": after }),
        )
        .await;
    let fields = page["changes"]["nodes"][0]["changedFields"]
        .as_array()
        .unwrap()
        .clone();
    assert!(fields.contains(&json!("nameZh")) && !fields.contains(&json!("annualRevenue")));
    // totalCount counts the change once.
    let count = |page: &Value| page["changes"]["totalCount"].as_i64().unwrap();
    let query = "query($t: [ChangeType!]) { changes(types: $t) { totalCount } }";
    let types = json!({ "t": ["ORGANIZATION"] });
    let total_before = count(&app.ok(&office(), query, types.clone()).await);
    app.ok(
        &office(),
        CREATE_ENTERPRISE,
        json!({ "n": "宁夏合并测试二有限公司" }),
    )
    .await;
    assert_eq!(
        count(&app.ok(&office(), query, types).await),
        total_before + 1
    );
}

#[tokio::test]
async fn a_page_with_no_new_changes_keeps_the_cursor_it_was_given() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    rename(&app, &unit, "Once").await;
    // Read the feed to its end.
    let mut end = Value::Null;
    loop {
        let page = app
            .ok(&office(), FEED, json!({ "first": 100, "after": end }))
            .await;
        end = page["changes"]["pageInfo"]["endCursor"].clone();
        if page["changes"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
    }
    assert!(end.is_string());
    let empty = app.ok(&office(), FEED, json!({ "after": end })).await;
    assert!(cursors(&empty).is_empty());
    assert_eq!(empty["changes"]["pageInfo"]["endCursor"], end, "{empty}");
    // Resuming from it still finds the next change.
    rename(&app, &unit, "Twice").await;
    let next = app.ok(&office(), FEED, json!({ "after": end })).await;
    assert_eq!(cursors(&next).len(), 1, "{next}");
}
