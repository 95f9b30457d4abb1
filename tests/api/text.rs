//! One rule for text, the same on both databases: no controls or bidirectional overrides
//! anywhere, one line where a field is one line, NFC, bounded.

use serde_json::json;

use crate::helpers::{TestApp, assert_refused, error_code, office};

const RENAME: &str = "mutation($id: ID!, $v: Int!, $name: String!) { updateOrganization(input: {id: $id, expectedVersion: $v, nameEn: $name}) { organization { nameEn } } }";

#[tokio::test]
async fn control_and_override_characters_are_bad_input_in_writes_and_filters_alike() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let version = app.version(&unit).await;
    for name in [
        "Nul\u{0}Works",
        "Bell\u{7}",
        "Next\u{85}Line",
        "gpj.\u{202E}exe",
        "Two\nLines",
    ] {
        let answer = app
            .query_as(
                Some(&office()),
                RENAME,
                json!({ "id": unit, "v": version, "name": name }),
            )
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("BAD_USER_INPUT"),
            "{name:?}: {answer}"
        );
    }
    // Written into the document rather than sent as a variable, and in a filter.
    let literal = format!(
        "{{ organizations(filter: {{nameZh: {{contains: \"{}\"}}}}) {{ totalCount }} }}",
        "a\\u0000b"
    );
    let answer = app.query_as(Some(&office()), &literal, json!({})).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("BAD_USER_INPUT"),
        "{answer}"
    );
    let variable =
        "query($t: String!) { organizations(filter: {nameZh: {contains: $t}}) { totalCount } }";
    let answer = app
        .query_as(Some(&office()), variable, json!({ "t": "a\u{0}b" }))
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "U+0000");
    // Nothing was written.
    assert_eq!(app.version(&unit).await, version);
}

#[tokio::test]
async fn text_is_stored_trimmed_and_in_nfc_and_bounded_per_field() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let version = app.version(&unit).await;
    let renamed = app
        .ok(
            &office(),
            RENAME,
            json!({ "id": unit, "v": version, "name": "  Cafe\u{301} Materials " }),
        )
        .await;
    assert_eq!(
        renamed["updateOrganization"]["organization"]["nameEn"],
        "Caf\u{e9} Materials"
    );
    let long = "x".repeat(301);
    let answer = app
        .query_as(
            Some(&office()),
            RENAME,
            json!({ "id": unit, "v": version + 1, "name": long }),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("BAD_USER_INPUT"),
        "{answer}"
    );
}
