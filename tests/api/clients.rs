//! The hub as standard GraphQL clients meet it: the Node scripts in `tests/clients/` use
//! graphql-js, graphql-ws, GraphQL Code Generator and a headless Chromium against a running app.
//!
//! They need `npm ci` in `tests/clients` (`.ci/run` does it). Without those packages a test says
//! so and passes, except under CI (`CI` set), where a missing install is a failure.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::helpers::{As, TestApp, analyst, department, error_code, office};

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// Whether the client packages are installed; under CI they must be.
fn installed() -> bool {
    let ready = clients_dir().join("node_modules/graphql").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "tests/clients has no node_modules: run `npm ci` there"
        );
        eprintln!("skipped: run `npm ci` in tests/clients to run the client tests");
    }
    ready
}

/// Runs `node tests/clients/<script> <args…>`; panics with its output unless it succeeds.
async fn node(script: &str, args: &[&str]) -> String {
    let output = tokio::process::Command::new("node")
        .arg(clients_dir().join(script))
        .args(args)
        .current_dir(clients_dir())
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn graphql_js_loads_the_committed_schema_by_introspection_for_every_role() {
    if !installed() {
        return;
    }
    let app = TestApp::spawn().await;
    let url = format!("{}/graphql", app.url);
    node("introspection.mjs", &[&url]).await;
    let roles: [As; 3] = [office(), analyst(), department("DST")];
    for who in &roles {
        node("introspection.mjs", &[&url, &app.token(who)]).await;
    }
}

async fn ask(app: &TestApp, query: &str) -> Value {
    app.query_as(None, query, json!({})).await
}

#[tokio::test]
async fn introspection_that_nests_the_type_system_lists_is_refused() {
    let app = TestApp::spawn().await;
    let circular = "{ __schema { types { fields { type { fields { type { fields { type { \
                    fields { name } } } } } } } } } }";
    let answer = ask(&app, circular).await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("BAD_USER_INPUT"),
        "{answer}"
    );
    assert!(answer["data"].is_null(), "{answer}");
    // The same shape hidden in fragments is measured where they are spread.
    let hidden = "{ __schema { types { ...A } } }
                  fragment A on __Type { fields { type { ...B } } }
                  fragment B on __Type { fields { type { ...C } } }
                  fragment C on __Type { interfaces { fields { name } } }";
    assert_eq!(
        error_code(&ask(&app, hidden).await).as_deref(),
        Some("BAD_USER_INPUT")
    );
    // Data queries keep their own depth limit.
    let deep = format!(
        "{{ viewer {{ {} }} }}",
        "alliance { members { nodes { organization { memberships { alliance { members { nodes { organization { memberships { alliance { nameZh } } } } } } } } } } }"
    );
    assert_eq!(
        error_code(&ask(&app, &deep).await).as_deref(),
        Some("BAD_USER_INPUT")
    );
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = TestApp::spawn_with(alliance_hub::config::ServeConfig {
        introspection: false,
        ..Default::default()
    })
    .await;
    for query in [
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Alliance\") { name } }",
        "{ viewer { role } ...F } fragment F on Query { __schema { types { name } } }",
    ] {
        let answer = ask(&app, query).await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{answer}"
        );
    }
    // Data still answers.
    let answer = ask(&app, "{ viewer { role } }").await;
    assert_eq!(answer["data"]["viewer"]["role"], "PUBLIC", "{answer}");
}

#[tokio::test]
async fn graphiql_runs_a_query_and_a_subscription_with_no_other_host_reachable() {
    if !installed() {
        return;
    }
    let app = TestApp::spawn().await;
    let out = node("graphiql.mjs", &[&app.url, &app.token(&office())]).await;
    assert!(out.contains("query and subscription answered"), "{out}");
}

#[tokio::test]
async fn the_console_page_and_its_files_come_from_the_hub_itself() {
    let app = TestApp::spawn().await;
    let page = app
        .client()
        .get(format!("{}/graphql", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let references: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/") || part.contains("://"))
        .collect();
    assert!(
        references.iter().all(|r| r.starts_with("/graphiql/")),
        "{references:?}"
    );
    for reference in references {
        let file = app.get(reference).await;
        assert_eq!(file.status(), reqwest::StatusCode::OK, "{reference}");
        assert!(file.bytes().await.unwrap().len() > 1000, "{reference}");
    }
    assert_eq!(
        app.get("/graphiql/nothing.js").await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_client_examples_generate_with_codegen_and_run_against_the_hub() {
    if !installed() {
        return;
    }
    let out = std::env::temp_dir().join(format!("hub-codegen-{}", std::process::id()));
    node("codegen.mjs", &[out.to_str().unwrap()]).await;
    let manifest: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(out.join("persisted-documents.json")).unwrap())
            .unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    let app = TestApp::spawn().await;
    for document in manifest.values() {
        let document = document.as_str().unwrap();
        let answer = app
            .query_as(
                Some(&office()),
                document,
                json!({ "usccs": ["91110000600037341L"] }),
            )
            .await;
        assert!(answer.get("errors").is_none(), "{document}: {answer}");
    }
}
