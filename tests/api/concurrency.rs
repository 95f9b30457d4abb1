//! Optimistic concurrency, unique-key races and all-or-nothing changes.

use entity::{audit_event, organization, post};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{TestApp, error_code, office};

const RENAME: &str = "mutation($id: ID!, $v: Int!, $name: String!) { updateOrganization(input: {id: $id, expectedVersion: $v, nameEn: $name}) { organization { version } } }";

#[tokio::test]
async fn two_updates_with_the_same_expected_version_let_exactly_one_through() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-02").await;
    let office = office();
    let (a, b) = tokio::join!(
        app.query_as(
            Some(&office),
            RENAME,
            json!({ "id": unit, "v": 1, "name": "First" })
        ),
        app.query_as(
            Some(&office),
            RENAME,
            json!({ "id": unit, "v": 1, "name": "Second" })
        ),
    );
    let codes = [error_code(&a), error_code(&b)];
    assert_eq!(codes.iter().filter(|c| c.is_none()).count(), 1, "{a} {b}");
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.as_deref() == Some("CONFLICT"))
            .count(),
        1,
        "{a} {b}"
    );
    assert_eq!(app.version(&unit).await, 2);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-02").await;
    app.ok(
        &office(),
        RENAME,
        json!({ "id": unit, "v": 1, "name": "Fresh" }),
    )
    .await;
    let stale = app
        .query_as(
            Some(&office()),
            RENAME,
            json!({ "id": unit, "v": 1, "name": "Stale" }),
        )
        .await;
    assert_eq!(error_code(&stale).as_deref(), Some("CONFLICT"));
    let now = app
        .data(
            "query($id: ID!) { organization(id: $id) { nameEn version } }",
            json!({ "id": unit }),
        )
        .await;
    assert_eq!(now["organization"]["nameEn"], "Fresh");
    assert_eq!(now["organization"]["version"], 2);
}

#[tokio::test]
async fn twenty_concurrent_creates_with_one_uscc_make_one_row_and_nineteen_conflicts() {
    let app = TestApp::spawn().await;
    const CREATE: &str = r#"mutation { createOrganization(input: {kind: ENTERPRISE, uscc: "91640100MA76XQ3R6T", nameZh: "宁夏竞争测试有限公司", municipality: YINCHUAN,
        enterprise: {scale: SMALL, employees: 20, annualRevenue: 1000000, foundedYear: 2020, industryClass: "C3391"}}) { organization { id } } }"#;
    let office = office();
    let requests = (0..20).map(|_| app.query_as(Some(&office), CREATE, json!({})));
    let responses = futures::future::join_all(requests).await;
    let codes: Vec<Option<String>> = responses.iter().map(error_code).collect();
    assert_eq!(
        codes.iter().filter(|c| c.is_none()).count(),
        1,
        "{responses:?}"
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.as_deref() == Some("CONFLICT"))
            .count(),
        19,
        "{codes:?}"
    );
    let rows = organization::Entity::find()
        .filter(organization::Column::Uscc.eq("91640100MA76XQ3R6T"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn a_failure_in_the_middle_of_a_multi_row_change_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let members = app.data("query($a: ID!) { memberships(filter: {alliance: {eq: $a}, status: {eq: ACTIVE}}, first: 100) { nodes { organization { id } } } }", json!({ "a": alliance })).await;
    let units: Vec<String> = members["memberships"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organization"]["id"].as_str().unwrap().to_owned())
        .collect();
    let meeting = app
        .ok(&office(), r#"mutation($a: ID!, $who: [ID!]!) { holdMeeting(input: {alliance: $a, kind: GENERAL_ASSEMBLY, title: "换届", heldOn: "2026-12-01", attendees: $who}) { meeting { id } } }"#, json!({ "a": alliance, "who": units }))
        .await;
    let vote = app
        .ok(&office(), "mutation($m: ID!, $n: Int!) { recordResolution(input: {meeting: $m, kind: ELECT_DIRECTORS, subject: \"选举\", votesFor: $n}) { resolution { id } } }", json!({ "m": meeting["holdMeeting"]["meeting"]["id"], "n": units.len() }))
        .await;
    // Two good directors, then one whose person does not work for the unit named: the third
    // fails after the first two posts were written.
    let mut directors = Vec::new();
    for unit in &units[..2] {
        directors.push(json!({ "organization": unit, "person": app.person_of(unit).await }));
    }
    directors.push(json!({ "organization": units[2], "person": app.person_of(&units[3]).await }));
    let (posts, events) = (
        post::Entity::find().count(app.db()).await.unwrap(),
        audit_event::Entity::find().count(app.db()).await.unwrap(),
    );
    let response = app
        .query_as(
            Some(&office()),
            "mutation($r: ID!, $d: [RepresentativeInput!]!) { electDirectors(input: {resolution: $r, directors: $d, termStart: \"2030-11-26\"}) { posts { id } } }",
            json!({ "r": vote["recordResolution"]["resolution"]["id"], "d": directors }),
        )
        .await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("BAD_USER_INPUT"),
        "{response}"
    );
    assert_eq!(
        post::Entity::find().count(app.db()).await.unwrap(),
        posts,
        "no post written"
    );
    assert_eq!(
        audit_event::Entity::find().count(app.db()).await.unwrap(),
        events,
        "nothing audited either"
    );
}

#[tokio::test]
async fn an_organization_with_an_unknown_segment_is_not_half_created() {
    let app = TestApp::spawn().await;
    let before = organization::Entity::find().count(app.db()).await.unwrap();
    let response = app
        .query_as(
            Some(&office()),
            r#"mutation { createOrganization(input: {kind: ENTERPRISE, nameZh: "宁夏半成品有限公司", municipality: WUZHONG, segments: ["Q2hhaW5TZWdtZW50Ojk5OTk"],
                enterprise: {scale: SMALL, employees: 20, annualRevenue: 1000000, foundedYear: 2020, industryClass: "C3391"}}) { organization { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("NOT_FOUND"),
        "{response}"
    );
    assert_eq!(
        organization::Entity::find().count(app.db()).await.unwrap(),
        before
    );
}
