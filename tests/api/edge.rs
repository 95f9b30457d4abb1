//! The integration edge: what standard GraphQL clients expect of the transport and the answers.

use alliance_hub::config::ServeConfig;
use axum::http::HeaderValue;
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, office};

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
    // The data, byte for byte; `extensions.cost` follows it and reports the budget left, which
    // every request spends.
    let data = |body: &str| body.split(",\"extensions\":").next().unwrap().to_owned();
    assert!(first.contains(",\"extensions\":{\"cost\":"), "{first}");
    for _ in 0..20 {
        assert_eq!(data(&raw(&app, query).await), data(&first));
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

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// A POST of `query` accepting `accept`: the status, the content type and the body.
async fn post_accepting(app: &TestApp, accept: &str, query: &str) -> (StatusCode, String, Value) {
    let answer = app
        .post("/graphql")
        .await
        .header("accept", accept)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let media = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, media, answer.json().await.unwrap())
}

#[tokio::test]
async fn graphql_response_json_answers_request_errors_with_400_and_field_errors_with_200() {
    let app = TestApp::spawn().await;
    for (query, status) in [
        ("{ viewer { role ", StatusCode::BAD_REQUEST),
        ("{ viewer { noSuchField } }", StatusCode::BAD_REQUEST),
        ("{ changes { nodes { cursor } } }", StatusCode::OK),
        ("{ viewer { role } }", StatusCode::OK),
    ] {
        let (got, media, body) = post_accepting(&app, GRAPHQL_RESPONSE, query).await;
        assert_eq!(got, status, "{query}: {body}");
        assert!(media.starts_with(GRAPHQL_RESPONSE), "{media}");
        if status == StatusCode::BAD_REQUEST {
            assert!(
                body.get("data").is_none() || body["data"].is_null(),
                "{body}"
            );
            assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));
        }
        // Clients that know only application/json get 200 for every GraphQL error, as before.
        let (legacy, media, _) = post_accepting(&app, "application/json", query).await;
        assert_eq!(legacy, StatusCode::OK, "{query}");
        assert!(media.starts_with("application/json"), "{media}");
    }
    // The public may not read the change feed: an error on a field, after execution began.
    let (_, _, body) =
        post_accepting(&app, GRAPHQL_RESPONSE, "{ changes { nodes { cursor } } }").await;
    assert_eq!(error_code(&body).as_deref(), Some("FORBIDDEN"), "{body}");
}

#[tokio::test]
async fn refusals_keep_their_status_and_the_graphql_error_shape_under_graphql_response_json() {
    let app = TestApp::spawn().await;
    let refused = app
        .post("/graphql")
        .await
        .header("accept", GRAPHQL_RESPONSE)
        .bearer_auth("not-a-token")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(
        refused.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(GRAPHQL_RESPONSE)
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body).as_deref(), Some("UNAUTHENTICATED"));

    let refused = app
        .post("/graphql")
        .await
        .header("accept", GRAPHQL_RESPONSE)
        .header("content-type", "text/plain")
        .body("{ viewer { role } }")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn get_graphql(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    app.client()
        .get(format!("{}/graphql", app.url))
        .header("accept", GRAPHQL_RESPONSE)
        .query(params)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn queries_may_be_sent_by_get_and_mutations_may_not() {
    let app = TestApp::spawn().await;
    let answer = get_graphql(
        &app,
        &[
            (
                "query",
                "query Dept($code: DepartmentCode!) { department(code: $code) { code } }",
            ),
            ("variables", r#"{"code": "DST"}"#),
            ("operationName", "Dept"),
        ],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["data"]["department"]["code"], "DST", "{body}");

    let answer = get_graphql(
        &app,
        &[(
            "query",
            "mutation { archivePark(input: {id: \"x\", expectedVersion: 1}) { park { id } } }",
        )],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers()["allow"], "POST");
    let body: Value = answer.json().await.unwrap();
    assert_eq!(error_code(&body).as_deref(), Some("BAD_USER_INPUT"));

    let answer = get_graphql(
        &app,
        &[("query", "{ viewer { role } }"), ("variables", "{not json")],
    )
    .await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);

    // Without a query, only a browser asking for HTML gets GraphiQL.
    let answer = get_graphql(&app, &[]).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_callers() {
    let app = TestApp::spawn().await;
    let answer = app.get("/healthz").await;
    let id = answer.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let answer = app
        .client()
        .get(format!("{}/healthz", app.url))
        .header("x-request-id", "dashboard-42")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-request-id"], "dashboard-42");
}

#[tokio::test]
async fn the_binary_reads_dot_env_and_logs_its_url_without_colours_to_a_file() {
    use tokio::io::AsyncBufReadExt;
    let dir = std::env::temp_dir().join(format!("hub-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        "HUB_DATA_DIR=./from-dotenv\nHUB_LISTEN=127.0.0.1:0\nRUST_LOG=info\n",
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_alliance-hub"))
        .current_dir(&dir)
        .env_remove("HUB_DATA_DIR")
        .env_remove("HUB_LISTEN")
        .env_remove("DATABASE_URL")
        .env_remove("LOG_FORMAT")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        seen.push(line.clone());
        if line.contains("serving GraphQL at http://127.0.0.1:") {
            break;
        }
    }
    child.kill().await.unwrap();
    let started = seen.last().cloned().unwrap_or_default();
    assert!(
        started.contains("/graphql (GraphiQL in a browser)"),
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|l| !l.contains('\u{1b}')),
        "colour codes in a log file: {seen:?}"
    );
    assert!(
        dir.join("from-dotenv/alliance-hub.db").exists(),
        "the .env was not read"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn sha256(text: &str) -> String {
    alliance_hub::graphql::documents::hash_of(text)
}

async fn post_body(app: &TestApp, who: Option<&crate::helpers::As>, body: Value) -> Value {
    let mut request = app.post("/graphql").await.json(&body);
    if let Some(who) = who {
        request = request.bearer_auth(app.token(who));
    }
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn automatic_persisted_queries_register_on_a_miss_and_answer_by_hash() {
    let app = TestApp::spawn().await;
    let query = "{ departments { totalCount } }";
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(query) } });
    // A miss: the message Apollo's persisted-query link looks for.
    let miss = post_body(&app, None, json!({ "extensions": persisted })).await;
    assert_eq!(
        miss["errors"][0]["message"], "PersistedQueryNotFound",
        "{miss}"
    );
    assert_eq!(error_code(&miss).as_deref(), Some("BAD_USER_INPUT"));
    // The text with its hash runs and registers the document, in the database for every replica.
    let registered = post_body(
        &app,
        None,
        json!({ "query": query, "extensions": persisted }),
    )
    .await;
    assert_eq!(
        registered["data"]["departments"]["totalCount"], 7,
        "{registered}"
    );
    let stored = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            format!(
                "SELECT document FROM persisted_document WHERE hash = '{}'",
                sha256(query)
            ),
        ))
        .await
        .unwrap();
    assert!(stored.is_some());
    // Now the hash alone is enough, by POST or by GET.
    let hit = post_body(&app, None, json!({ "extensions": persisted })).await;
    assert_eq!(hit["data"]["departments"]["totalCount"], 7, "{hit}");
    let by_get = get_graphql(&app, &[("extensions", &persisted.to_string())]).await;
    assert_eq!(by_get.status(), StatusCode::OK);
    let by_get: Value = by_get.json().await.unwrap();
    assert_eq!(by_get["data"]["departments"]["totalCount"], 7, "{by_get}");
    // A hash that is not the text's is refused, and nothing is registered under it.
    let forged = post_body(
        &app,
        None,
        json!({ "query": "{ viewer { role } }", "extensions": persisted }),
    )
    .await;
    assert_eq!(
        error_code(&forged).as_deref(),
        Some("BAD_USER_INPUT"),
        "{forged}"
    );
}

#[tokio::test]
async fn a_persisted_mutation_may_not_be_sent_by_get() {
    let app = TestApp::spawn().await;
    let mutation =
        "mutation { archivePark(input: {id: \"x\", expectedVersion: 1}) { park { id } } }";
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(mutation) } });
    post_body(
        &app,
        Some(&office()),
        json!({ "query": mutation, "extensions": persisted }),
    )
    .await;
    let answer = get_graphql(&app, &[("extensions", &persisted.to_string())]).await;
    assert_eq!(answer.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn with_a_trusted_manifest_only_its_documents_run_except_for_the_office() {
    let listed = "query Departments { departments { totalCount } }";
    let manifest = std::env::temp_dir().join(format!("hub-trusted-{}.json", std::process::id()));
    std::fs::write(
        &manifest,
        json!({ format!("sha256:{}", sha256(listed)): listed }).to_string(),
    )
    .unwrap();
    let app = TestApp::spawn_with(ServeConfig {
        trusted_documents: Some(manifest.clone()),
        ..Default::default()
    })
    .await;
    let analyst = crate::helpers::analyst();
    // By id, as GraphQL Code Generator's clients send it, and by text.
    let by_id = post_body(
        &app,
        Some(&analyst),
        json!({ "documentId": format!("sha256:{}", sha256(listed)) }),
    )
    .await;
    assert_eq!(by_id["data"]["departments"]["totalCount"], 7, "{by_id}");
    let by_text = post_body(&app, Some(&analyst), json!({ "query": listed })).await;
    assert_eq!(by_text["data"]["departments"]["totalCount"], 7, "{by_text}");
    // Anything else is refused, and not registered either.
    let other = "{ viewer { role } }";
    let refused = post_body(&app, Some(&analyst), json!({ "query": other })).await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(other) } });
    let refused = post_body(
        &app,
        Some(&analyst),
        json!({ "query": other, "extensions": persisted }),
    )
    .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    // The office may run any document.
    let office = post_body(&app, Some(&office()), json!({ "query": other })).await;
    assert_eq!(office["data"]["viewer"]["role"], "OFFICE", "{office}");

    // A manifest whose hash does not match its document stops start-up, naming the setting.
    std::fs::write(&manifest, json!({ sha256("x"): listed }).to_string()).unwrap();
    let db = app.db().clone();
    let refusal = alliance_hub::App::serving(
        db,
        crate::helpers::keys("a-secret-long-enough-for-the-test-keys"),
        ServeConfig {
            trusted_documents: Some(manifest.clone()),
            ..Default::default()
        },
    )
    .err()
    .unwrap()
    .to_string();
    assert!(refusal.contains("HUB_TRUSTED_DOCUMENTS"), "{refusal}");
    std::fs::remove_file(&manifest).unwrap();
}

#[tokio::test]
async fn a_request_past_its_deadline_is_stopped_with_timeout_and_its_connection_released() {
    // Another client of the database holds every unit's row (and, on SQLite, the write lock):
    // each change to a unit waits for it, past its deadline, whichever the database.
    let app = TestApp::spawn_with(ServeConfig {
        request_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let found = app
        .ok(
            &office(),
            "{ enterprises(first: 1) { nodes { id version } } }",
            json!({}),
        )
        .await;
    let unit = found["enterprises"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let version = found["enterprises"]["nodes"][0]["version"]
        .as_i64()
        .unwrap();
    let change = format!(
        r#"mutation {{ updateOrganization(input: {{id: "{unit}", expectedVersion: {version}, website: "https://waited.example"}}) {{ organization {{ version }} }} }}"#
    );
    let holder = alliance_hub::database::connect(&app.database_url)
        .await
        .unwrap();
    let lock = sea_orm::TransactionTrait::begin(holder.connection())
        .await
        .unwrap();
    lock.execute_unprepared("UPDATE organization SET version = version")
        .await
        .unwrap();

    // More requests than the pool has connections, at once, answered as both media types.
    let token = app.token(&office());
    let answers = futures::future::join_all((0..32).map(|n| {
        let accept = if n % 2 == 0 {
            GRAPHQL_RESPONSE
        } else {
            "application/json"
        };
        let request = app
            .client()
            .post(format!("{}/graphql", app.url))
            .bearer_auth(&token)
            .header("accept", accept)
            .json(&json!({ "query": change }));
        async move {
            let answer = request.send().await.unwrap();
            let status = answer.status();
            (n, status, answer.json::<Value>().await.unwrap())
        }
    }))
    .await;
    for (n, status, body) in &answers {
        assert_eq!(error_code(body).as_deref(), Some("TIMEOUT"), "{body}");
        let expected = if n % 2 == 0 {
            StatusCode::GATEWAY_TIMEOUT
        } else {
            StatusCode::OK
        };
        assert_eq!(*status, expected, "{body}");
        assert!(body["data"].is_null(), "{body}");
    }
    lock.rollback().await.unwrap();
    holder.close().await.unwrap();

    // Nothing was written by the stopped requests, and nothing they held is left behind: the
    // same change now goes through.
    let done = app
        .ok(
            &office(),
            &change.replace("mutation", "mutation Again"),
            json!({}),
        )
        .await;
    assert_eq!(
        done["updateOrganization"]["organization"]["version"],
        version + 1
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("hub_timeouts_total 32\n"), "{metrics}");
}

#[test]
fn the_request_deadline_is_read_as_operators_write_it() {
    use clap::Parser;
    let parse = |value: &str| {
        alliance_hub::cli::Cli::try_parse_from(["alliance-hub", "--request-timeout", value])
            .map(|cli| cli.serve.request_timeout)
    };
    assert_eq!(parse("10s").unwrap(), std::time::Duration::from_secs(10));
    assert_eq!(
        parse("750ms").unwrap(),
        std::time::Duration::from_millis(750)
    );
    assert_eq!(parse("2m").unwrap(), std::time::Duration::from_secs(120));
    assert!(parse("soon").is_err() && parse("0").is_err());
}

#[tokio::test]
async fn postgresql_statements_are_held_to_the_request_deadline() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite statements run in-process and stop with the request.
    }
    let deadline = Some(std::time::Duration::from_millis(1500));
    let limit = read_on_a_new_pool(&app.database_url, deadline, "SHOW statement_timeout").await;
    assert_eq!(limit, "1500ms");
}

/// The first column of `sql`'s first row, as text, read on a new pool opened on `url` (with
/// `statement_timeout`, as the server opens its own).
async fn read_on_a_new_pool(
    url: &str,
    statement_timeout: Option<std::time::Duration>,
    sql: &str,
) -> String {
    let db = alliance_hub::database::connect_with(url, statement_timeout)
        .await
        .unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap();
    let text: String = row.try_get_by_index(0).unwrap();
    db.close().await.unwrap();
    text
}

/// `url` with one more query parameter.
fn with_parameter(url: &str, parameter: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{parameter}")
}

/// PostgreSQL plans each of the hub's statements once per connection instead of on every
/// execution, unless the URL chooses otherwise.
#[tokio::test]
async fn postgresql_plans_a_statement_once_unless_the_url_chooses_otherwise() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite keeps a prepared statement's plan until the schema changes.
    }
    let mode = "SHOW plan_cache_mode";
    assert_eq!(
        read_on_a_new_pool(&app.database_url, None, mode).await,
        "force_generic_plan"
    );
    let chosen = with_parameter(&app.database_url, "options=-c%20plan_cache_mode%3Dauto");
    assert_eq!(
        read_on_a_new_pool(&chosen, None, mode).await,
        "auto",
        "the URL's choice wins"
    );
}

/// A database on this host is reached without TLS unless the URL asks for it.
#[tokio::test]
async fn a_local_postgresql_is_reached_without_tls_unless_the_url_asks_for_it() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        return; // SQLite has no transport.
    }
    let tls = "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    assert_eq!(
        read_on_a_new_pool(&app.database_url, None, tls).await,
        "false"
    );
    let server_has_tls = app
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.db().get_database_backend(),
            "SELECT setting FROM pg_settings WHERE name = 'ssl'",
        ))
        .await
        .unwrap()
        .and_then(|row| row.try_get::<String>("", "setting").ok())
        == Some("on".to_owned());
    if server_has_tls {
        let asked = with_parameter(&app.database_url, "sslmode=require");
        assert_eq!(
            read_on_a_new_pool(&asked, None, tls).await,
            "true",
            "an explicit sslmode wins"
        );
    }
}
