//! The HTTP edge: routes, content types, limits, batches, error hygiene.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, office};

#[tokio::test]
async fn health_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn graphiql_is_served_to_a_browser_on_get() {
    let app = TestApp::spawn().await;
    let page = app
        .client()
        .get(format!("{}/graphql", app.url))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
}

#[tokio::test]
async fn metrics_count_requests_and_statements() {
    let app = TestApp::spawn().await;
    app.data("{ departments { totalCount } }", json!({})).await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains("hub_graphql_requests_total 1"), "{text}");
    // Latency per operation, as a histogram with buckets.
    app.post("/graphql")
        .await
        .json(&json!({ "query": "query Depts { departments { totalCount } }", "operationName": "Depts" }))
        .send()
        .await
        .unwrap();
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            "hub_graphql_request_duration_seconds_bucket{operation=\"Depts\",le=\"0.01\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains("hub_graphql_request_duration_seconds_count{operation=\"anonymous\"} 1"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("hub_sql_statements_total ") && !l.ends_with(" 0")),
        "{text}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_with_415() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/graphql")
        .await
        .header("content-type", "text/plain")
        .body("{ viewer { role } }")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn a_body_over_256_kib_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let padding = " ".repeat(300 * 1024);
    let body = format!(r#"{{"query": "{{ viewer {{ role }} }}{padding}"}}"#);
    let response = app
        .post("/graphql")
        .await
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        error_code(&body).as_deref(),
        Some("BAD_USER_INPUT"),
        "{body}"
    );
}

#[tokio::test]
async fn batched_requests_are_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/graphql")
        .await
        .json(&json!([{ "query": "{ viewer { role } }" }, { "query": "{ viewer { role } }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/graphql")
        .await
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_syntax_error_in_the_query_is_bad_user_input() {
    let app = TestApp::spawn().await;
    let response = app
        .query_as(Some(&office()), "{ viewer { role ", json!({}))
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn an_internal_error_says_internal_and_leaks_no_sql() {
    let app = TestApp::spawn().await;
    app.db()
        .execute_unprepared("ALTER TABLE support_measure RENAME TO support_measure_gone")
        .await
        .unwrap();
    let response = app
        .query_as(
            Some(&office()),
            "{ supportMeasures { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("INTERNAL"));
    let text = response.to_string().to_lowercase();
    assert!(text.contains("internal error"), "{text}");
    for leak in [
        "select",
        "support_measure",
        "no such table",
        "does not exist",
        "sqlx",
    ] {
        assert!(!text.contains(leak), "the response leaks `{leak}`: {text}");
    }
}

#[tokio::test]
async fn queries_deeper_than_twelve_levels_are_refused() {
    let app = TestApp::spawn().await;
    let mut inner = "code".to_owned();
    for _ in 0..5 {
        inner = format!("alliance {{ members(first: 1) {{ nodes {{ {inner} }} }} }}");
    }
    let deep = format!(
        "{{ alliances(first: 1) {{ nodes {{ members(first: 1) {{ nodes {{ {inner} }} }} }} }} }}"
    );
    let response = app.query_as(Some(&office()), &deep, json!({})).await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("BAD_USER_INPUT"),
        "{response}"
    );
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{response}"
    );
}

#[tokio::test]
async fn cost_counts_page_sizes() {
    let app = TestApp::spawn().await;
    // 100 × 100 × 100 items: cheap to write, far too expensive to answer.
    let wide = "{ alliances(first: 100) { nodes { members(first: 100) { nodes { organization { ... on Enterprise { memberships { alliance { members(first: 100) { nodes { id } } } } } } } } } } }";
    let response = app.query_as(Some(&office()), wide, json!({})).await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("BAD_USER_INPUT"),
        "{response}"
    );
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("costs"),
        "{response}"
    );
}

#[tokio::test]
async fn page_sizes_outside_one_to_a_hundred_are_refused() {
    let app = TestApp::spawn().await;
    for first in [0, 101, -5] {
        let response = app
            .query_as(
                Some(&office()),
                &format!("{{ organizations(first: {first}) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("BAD_USER_INPUT"),
            "first: {first}: {response}"
        );
    }
    let response = app
        .query_as(
            Some(&office()),
            "{ organizations(first: 5, last: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("BAD_USER_INPUT"));
}
