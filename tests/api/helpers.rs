//! `TestApp::spawn()`: the real HTTP app on a random port over a fresh database.
//!
//! Every test gets its own database, cloned from one template that is migrated and seeded once
//! per test process: a copied file on SQLite (the default), `CREATE DATABASE … TEMPLATE` on
//! PostgreSQL when `HUB_TEST_DATABASE_URL=postgres://…` is set. Databases left behind by a
//! process that died are dropped by the next run (their names carry the creator's pid).

use std::{
    path::PathBuf,
    sync::{
        OnceLock,
        atomic::{AtomicU32, Ordering},
    },
};

use alliance_hub::{
    App,
    auth::{Claims, JwtKeys},
    config::ServeConfig,
    database,
    database::Store,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";
pub const ISSUER: &str = "alliance-hub";

static COUNTER: AtomicU32 = AtomicU32::new(0);
static TEMPLATE: OnceLock<Result<Template, String>> = OnceLock::new();

#[derive(Debug, Clone)]
enum Template {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The database of one test, removed when the test ends.
enum TestDatabase {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            TestDatabase::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDatabase::Postgres { admin_url, name } => {
                let (url, sql) = (
                    admin_url.clone(),
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                );
                let _ = std::thread::spawn(move || {
                    run_blocking(async move { admin_execute(&url, &sql).await })
                })
                .join();
            }
        }
    }
}

fn run_blocking<F: std::future::Future<Output = Result<(), String>>>(
    future: F,
) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(future)
}

async fn admin_execute(url: &str, sql: &str) -> Result<(), String> {
    let db = sea_orm::Database::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    db.execute_unprepared(sql)
        .await
        .map_err(|e| e.to_string())?;
    db.close().await.map_err(|e| e.to_string())
}

/// `postgres://u@h:p/db?x` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

fn template() -> Result<Template, String> {
    TEMPLATE
        .get_or_init(|| {
            std::thread::spawn(|| {
                let mut made = None;
                let result = run_blocking(async {
                    made = Some(create_template().await?);
                    Ok(())
                });
                result.and_then(|()| made.ok_or_else(|| "no template".to_owned()))
            })
            .join()
            .unwrap_or_else(|_| Err("template thread panicked".into()))
        })
        .clone()
}

async fn migrate_and_seed(url: &str) -> Result<(), String> {
    let db = database::connect(url).await.map_err(|e| e.to_string())?;
    database::migrate(&db).await.map_err(|e| e.to_string())?;
    alliance_hub::seed::load_demo(&db)
        .await
        .map_err(|e| e.to_string())?;
    if url.starts_with("sqlite") {
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map_err(|e| e.to_string())?;
    }
    db.close().await.map_err(|e| e.to_string())
}

async fn create_template() -> Result<Template, String> {
    let pid = std::process::id();
    match std::env::var("HUB_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin_url) => {
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .map_err(|e| e.to_string())?;
            let stale = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    "SELECT datname FROM pg_database WHERE datname LIKE 'hubtest\\_%' OR datname LIKE 'hubtmpl\\_%'",
                ))
                .await
                .map_err(|e| e.to_string())?;
            for row in stale {
                let name: String = row.try_get("", "datname").map_err(|e| e.to_string())?;
                let owner = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
                if owner.is_some_and(|p| p != pid && !process_alive(p)) {
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            let name = format!("hubtmpl_{pid}");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .map_err(|e| e.to_string())?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .map_err(|e| e.to_string())?;
            admin.close().await.map_err(|e| e.to_string())?;
            migrate_and_seed(&with_database(&admin_url, &name)).await?;
            Ok(Template::Postgres { admin_url, name })
        }
        None => {
            let root = std::env::temp_dir().join("alliance-hub-tests");
            if let Ok(entries) = std::fs::read_dir(&root) {
                for entry in entries.flatten() {
                    let owner = entry.file_name().to_string_lossy().parse::<u32>().ok();
                    if owner.is_some_and(|p| p != pid && !process_alive(p)) {
                        let _ = std::fs::remove_dir_all(entry.path());
                    }
                }
            }
            let dir = root.join(pid.to_string());
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let path = dir.join("template.db");
            let _ = std::fs::remove_file(&path);
            migrate_and_seed(&format!("sqlite://{}?mode=rwc", path.display())).await?;
            Ok(Template::Sqlite(path))
        }
    }
}

/// A fresh database cloned from the template, and its URL.
async fn fresh_database() -> (TestDatabase, String) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    match template().expect("the test template database could not be built") {
        Template::Sqlite(template) => {
            let path = template.with_file_name(format!("test-{n}.db"));
            std::fs::copy(&template, &path).expect("copy the template database");
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (TestDatabase::Sqlite(path), url)
        }
        Template::Postgres { admin_url, name } => {
            let test = format!("hubtest_{}_{n}", std::process::id());
            // PostgreSQL refuses concurrent copies of one template: one at a time.
            static CLONING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
            let _guard = CLONING.lock().await;
            admin_execute(
                &admin_url,
                &format!("CREATE DATABASE \"{test}\" TEMPLATE \"{name}\""),
            )
            .await
            .expect("clone the template database");
            let url = with_database(&admin_url, &test);
            (
                TestDatabase::Postgres {
                    admin_url,
                    name: test,
                },
                url,
            )
        }
    }
}

/// A fresh, migrated, empty database, and its URL.
async fn empty_database() -> (TestDatabase, String) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let (database, url) = match template().expect("the test template database could not be built") {
        Template::Sqlite(template) => {
            let path = template.with_file_name(format!("empty-{n}.db"));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            (TestDatabase::Sqlite(path), url)
        }
        Template::Postgres { admin_url, .. } => {
            let name = format!("hubtest_{}_{n}", std::process::id());
            admin_execute(&admin_url, &format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create a database");
            let url = with_database(&admin_url, &name);
            (TestDatabase::Postgres { admin_url, name }, url)
        }
    };
    let db = database::connect(&url).await.expect("connect");
    database::migrate(&db).await.expect("migrate");
    db.close().await.expect("close");
    (database, url)
}

/// A migrated, empty database beside the test's own (a restore target, say), dropped with it.
pub struct SpareDatabase {
    pub url: String,
    _database: TestDatabase,
}

pub async fn spare_database() -> SpareDatabase {
    let (database, url) = empty_database().await;
    SpareDatabase {
        url,
        _database: database,
    }
}

/// The running app of one test.
pub struct TestApp {
    pub url: String,
    /// The test database's URL (for extra server processes on it).
    pub database_url: String,
    pub state: App,
    client: reqwest::Client,
    _database: TestDatabase,
}

/// Who calls: a role and its claims.
#[derive(Debug, Clone, Default)]
pub struct As {
    pub role: &'static str,
    pub dept: Option<&'static str>,
    pub muni: Option<&'static str>,
    pub alliance: Option<String>,
}

pub fn office() -> As {
    As {
        role: "OFFICE",
        ..Default::default()
    }
}
pub fn analyst() -> As {
    As {
        role: "ANALYST",
        ..Default::default()
    }
}
pub fn department(code: &'static str) -> As {
    As {
        role: "DEPARTMENT",
        dept: Some(code),
        ..Default::default()
    }
}
pub fn municipality(code: &'static str) -> As {
    As {
        role: "MUNICIPALITY",
        muni: Some(code),
        ..Default::default()
    }
}
pub fn secretariat(alliance: &str) -> As {
    As {
        role: "SECRETARIAT",
        alliance: Some(alliance.to_owned()),
        ..Default::default()
    }
}

pub fn keys(secret: &str) -> JwtKeys {
    JwtKeys::new(
        secret.as_bytes().to_vec(),
        &[],
        ISSUER.into(),
        ISSUER.into(),
    )
    .expect("keys")
}

/// Claims valid for an hour.
pub fn claims(who: &As) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        // One subject per caller, as a real sign-on gives: the audit trail shows each its own.
        sub: [Some(who.role), who.dept, who.muni, who.alliance.as_deref()]
            .into_iter()
            .flatten()
            .fold("test".to_owned(), |sub, part| {
                format!("{sub}-{}", part.to_lowercase())
            }),
        role: who.role.into(),
        dept: who.dept.map(Into::into),
        muni: who.muni.map(Into::into),
        alliance: who.alliance.clone(),
        exp: now + 3600,
        iat: now,
        nbf: None,
        iss: ISSUER.into(),
        aud: ISSUER.into(),
        jti: Some(alliance_hub::auth::new_jti()),
        client_id: None,
        nonce: None,
    }
}

/// Serves the app over the database at `url` on a free port, with the clients' addresses known.
pub async fn listen(url: &str, edge: ServeConfig) -> (std::net::SocketAddr, App) {
    listen_with_sources(url, edge, Vec::new()).await
}

/// As [`listen`], also accepting tokens from these key sources.
pub async fn listen_with_sources(
    url: &str,
    edge: ServeConfig,
    sources: Vec<alliance_hub::auth::Source>,
) -> (std::net::SocketAddr, App) {
    let db = database::connect(url)
        .await
        .expect("connect to the test database");
    let state = App::serving(db, keys(SECRET), edge)
        .expect("the app's settings")
        .with_sources(sources);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a port");
    let address = listener.local_addr().expect("local address");
    // The server loop of the binary, with its limits; it runs as long as the test.
    tokio::spawn(alliance_hub::http::server::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));
    (address, state)
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(ServeConfig::default()).await
    }

    /// The app over the demo dataset, with the edge configured as given.
    pub async fn spawn_with(edge: ServeConfig) -> TestApp {
        let (database, url) = fresh_database().await;
        Self::serve(database, url, edge).await
    }

    /// The app over a synthetic dataset of `n` organizations (`seed --scale n`).
    pub async fn spawn_scaled(n: u64) -> TestApp {
        let (database, url) = empty_database().await;
        let db = database::connect(&url).await.expect("connect");
        alliance_hub::seed::load_scale(&db, n)
            .await
            .expect("load the synthetic dataset");
        db.close().await.expect("close");
        Self::serve(database, url, ServeConfig::default()).await
    }

    async fn serve(database: TestDatabase, url: String, edge: ServeConfig) -> TestApp {
        let (address, state) = listen(&url, edge).await;
        TestApp {
            url: format!("http://{address}"),
            database_url: url,
            state,
            client: reqwest::Client::new(),
            _database: database,
        }
    }

    /// A second server on this app's database, as another replica would be: its own process
    /// state (caches, budgets, change bus), the same data. Its URL and state.
    pub async fn replica(&self, edge: ServeConfig) -> (String, App) {
        let (address, state) = listen(&self.database_url, edge).await;
        (format!("http://{address}"), state)
    }

    /// A second server on this app's database that also accepts tokens from `sources`.
    pub async fn replica_with_sources(
        &self,
        sources: Vec<alliance_hub::auth::Source>,
    ) -> (String, App) {
        let (address, state) =
            listen_with_sources(&self.database_url, ServeConfig::default(), sources).await;
        (format!("http://{address}"), state)
    }

    /// The HTTP client, for requests the helpers do not shape.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn db(&self) -> &Store {
        &self.state.db
    }

    pub fn token(&self, who: &As) -> String {
        keys(SECRET).sign(&claims(who)).expect("sign a token")
    }

    /// Runs a GraphQL query as `who` (None = PUBLIC) and returns the whole JSON response.
    pub async fn query_as(&self, who: Option<&As>, query: &str, variables: Value) -> Value {
        let token = who.map(|w| self.token(w));
        self.query_with_token(token.as_deref(), query, variables)
            .await
    }

    pub async fn query_with_token(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("a JSON response")
    }

    /// As OFFICE, expecting no errors; returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        self.data_as(Some(&office()), query, variables).await
    }

    pub async fn data_as(&self, who: Option<&As>, query: &str, variables: Value) -> Value {
        let response = self.query_as(who, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response}"
        );
        response["data"].clone()
    }

    pub async fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("send")
    }

    /// A file as a caller downloads it (an export): status, content type and body.
    pub async fn download(
        &self,
        who: Option<&As>,
        path: &str,
    ) -> (reqwest::StatusCode, String, Vec<u8>) {
        let mut request = self.client.get(format!("{}{path}", self.url));
        if let Some(who) = who {
            request = request.bearer_auth(self.token(who));
        }
        let answer = request.send().await.expect("send");
        let status = answer.status();
        let media = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            status,
            media,
            answer.bytes().await.expect("a body").to_vec(),
        )
    }

    /// The global id of the alliance with this code.
    pub async fn alliance_id(&self, code: &str) -> String {
        let data = self.data(r#"query($code: String!) { alliances(filter: {code: {eq: $code}}) { nodes { id } } }"#, json!({ "code": code })).await;
        data["alliances"]["nodes"][0]["id"]
            .as_str()
            .expect("the alliance exists")
            .to_owned()
    }
}

/// The `extensions.code` of the first error.
pub fn error_code(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}

/// Asserts that an answer was refused with `code`, its first error's message naming `words`.
#[track_caller]
pub fn assert_refused(answer: &Value, code: &str, words: &str) {
    assert_eq!(error_code(answer).as_deref(), Some(code), "{answer}");
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{answer}");
}

/// The `extensions.rule` of the first error.
pub fn rule_of(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["rule"]
        .as_str()
        .map(str::to_owned)
}

impl TestApp {
    /// Runs a mutation (or any operation) as `who`, expecting success; returns `data`.
    pub async fn ok(&self, who: &As, query: &str, variables: Value) -> Value {
        self.data_as(Some(who), query, variables).await
    }

    /// The id of the first organization whose Chinese name contains `name`.
    pub async fn org(&self, name: &str) -> String {
        let data = self.data("query($n: String!) { organizations(filter: {nameZh: {contains: $n}}, first: 1) { nodes { id } } }", json!({ "n": name })).await;
        data["organizations"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no organization named like {name}"))
            .to_owned()
    }

    /// The leading enterprise of a chain segment (by segment code).
    pub async fn leader(&self, segment: &str) -> String {
        let data = self
            .data("{ sectors { nodes { segments { id code } } } }", json!({}))
            .await;
        let segment_id = data["sectors"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["segments"].as_array().unwrap().clone())
            .find(|s| s["code"] == segment)
            .map(|s| s["id"].clone())
            .unwrap_or_else(|| panic!("no segment {segment}"));
        let enterprises = self
            .data("query($s: ID!) { enterprises(filter: {segment: {eq: $s}}, first: 20) { nodes { id isLeading segments { code } } } }", json!({ "s": segment_id }))
            .await;
        enterprises["enterprises"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["isLeading"] == true && e["segments"][0]["code"] == segment)
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no leader in {segment}"))
    }

    /// The first person working for an organization.
    pub async fn person_of(&self, organization: &str) -> String {
        let data = self.data("query($o: ID!) { people(filter: {organization: {eq: $o}}, first: 1) { nodes { id } } }", json!({ "o": organization })).await;
        data["people"]["nodes"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("nobody works for {organization}"))
            .to_owned()
    }

    /// An alliance's current version.
    pub async fn version(&self, node: &str) -> i64 {
        let data = self
            .data("query($id: ID!) { node(id: $id) { ... on Alliance { version } ... on Membership { version } ... on Project { version } ... on Enterprise { version } ... on SupportMeasure { version } } }", json!({ "id": node }))
            .await;
        data["node"]["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("no version for {node}"))
    }
}

/// A server process of the real binary on `database_url`, with extra environment; it dies with
/// the test unless it exits first.
pub struct ServerProcess {
    pub url: String,
    pub child: tokio::process::Child,
}

impl ServerProcess {
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_alliance-hub"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("HUB_LISTEN", "127.0.0.1:0")
            .env("HUB_JWT_SECRET", SECRET)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start a server process");
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        // The server logs the address it bound once it listens: wait for that line.
        while let Some(line) = lines.next_line().await.unwrap() {
            let Ok(log) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if let Some(listen) = log["fields"]["listen"].as_str() {
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                return Self {
                    url: format!("http://{listen}"),
                    child,
                };
            }
        }
        panic!("the server process exited before listening");
    }

    /// Sends the process a signal (`TERM`, `INT`).
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the process is running");
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success());
    }
}
