//! The integration edge: what standard GraphQL clients expect of the transport and the answers.

use alliance_hub::config::ServeConfig;
use axum::http::HeaderValue;
use reqwest::{Method, StatusCode};
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

fn with_origins(origins: &[&str]) -> ServeConfig {
    ServeConfig {
        cors_origins: origins
            .iter()
            .map(|o| HeaderValue::from_str(o).unwrap())
            .collect(),
        ..Default::default()
    }
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client()
        .request(Method::OPTIONS, format!("{}/graphql", app.url))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_dashboard_on_a_configured_origin_may_call_with_its_token() {
    let app = TestApp::spawn_with(with_origins(&["https://dash.example.cn"])).await;
    let answer = preflight(&app, "https://dash.example.cn").await;
    assert_eq!(answer.status(), StatusCode::OK);
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_lowercase())
            .unwrap_or_default()
    };
    assert_eq!(
        header("access-control-allow-origin"),
        "https://dash.example.cn"
    );
    assert_eq!(header("access-control-allow-credentials"), "true");
    assert!(header("access-control-allow-headers").contains("authorization"));
    assert!(header("access-control-allow-methods").contains("post"));
    assert_eq!(header("access-control-max-age"), "600");
    // The call itself carries the origin back.
    let call = app
        .post("/graphql")
        .await
        .header("origin", "https://dash.example.cn")
        .bearer_auth(app.token(&office()))
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        call.headers()["access-control-allow-origin"],
        "https://dash.example.cn"
    );
}

#[tokio::test]
async fn other_origins_get_no_cors_permission() {
    let app = TestApp::spawn_with(with_origins(&["https://dash.example.cn"])).await;
    let answer = preflight(&app, "https://evil.example.com").await;
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    // Without configured origins nothing is allowed cross-origin.
    let app = TestApp::spawn().await;
    let answer = preflight(&app, "https://dash.example.cn").await;
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[test]
fn a_malformed_origin_stops_the_configuration_with_the_setting_named() {
    use clap::Parser;
    let refused = alliance_hub::cli::Cli::try_parse_from([
        "alliance-hub",
        "--cors-origins",
        "https://dash.example.cn/path",
    ])
    .unwrap_err()
    .to_string();
    assert!(refused.contains("--cors-origins"), "{refused}");
}

#[tokio::test]
async fn answers_are_compressed_with_gzip_or_brotli_as_the_client_accepts() {
    let app = TestApp::spawn().await;
    let query =
        json!({ "query": "{ organizations(first: 100) { nodes { id nameZh nameEn kind } } }" });
    let fetch = |encoding: &'static str| {
        let request = app.client().post(format!("{}/graphql", app.url));
        let query = query.clone();
        let token = app.token(&office());
        async move {
            let answer = request
                .header("accept-encoding", encoding)
                .bearer_auth(token)
                .json(&query)
                .send()
                .await
                .unwrap();
            let coding = answer
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            (coding, answer.bytes().await.unwrap().len())
        }
    };
    let (plain_coding, plain) = fetch("identity").await;
    assert_eq!(plain_coding, None);
    for coding in ["gzip", "br"] {
        let (got, size) = fetch(coding).await;
        assert_eq!(got.as_deref(), Some(coding));
        assert!(size * 3 < plain, "{coding}: {size} of {plain} bytes");
    }
}
