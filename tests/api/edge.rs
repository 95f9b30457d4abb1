//! The integration edge: what standard GraphQL clients expect of the transport and the answers.

use serde_json::json;

use crate::helpers::{TestApp, office};

/// The raw bytes of an answer, as a client (or a byte-level cache) receives them.
async fn raw(app: &TestApp, query: &str) -> String {
    app.post("/graphql")
        .await
        .bearer_auth(app.token(&office()))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn answers_follow_the_order_of_the_selection_and_repeat_byte_for_byte() {
    let app = TestApp::spawn().await;
    let query = "{ alliances { totalCount pageInfo { hasNextPage endCursor } nodes { nameZh \
                 members(first: 3) { totalCount nodes { organization { nameZh } } } } } \
                 departments { totalCount } viewer { role } }";
    let first = raw(&app, query).await;
    let at = |needle: &str| {
        first
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {first}"))
    };
    assert!(at("\"alliances\"") < at("\"departments\""));
    assert!(at("\"departments\"") < at("\"viewer\""));
    assert!(at("\"totalCount\"") < at("\"pageInfo\""));
    assert!(at("\"pageInfo\"") < at("\"nodes\""));
    for _ in 0..20 {
        assert_eq!(raw(&app, query).await, first);
    }
}
