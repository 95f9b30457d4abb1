//! Read replicas, against a real PostgreSQL streaming replica: the harness starts a primary
//! cluster of its own and a standby made from it with `pg_basebackup`, then serves the hub on
//! the primary with `DATABASE_READ_URL` on the standby. The test pauses the standby's replay to
//! tell where each read was answered: a writer reads its own write at once (from the primary),
//! another caller reads the replica (without it) until the replica catches up.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use alliance_hub::database::Store;
use alliance_hub::{App, config::ServeConfig, database};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{SECRET, claims, keys, office};

/// A primary and its streaming standby, each a cluster in a temporary directory; stopped and
/// removed on drop.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    primary: u16,
    standby: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// Starts both clusters, or answers why it cannot (the PostgreSQL server binaries missing).
    fn start() -> Result<Self, String> {
        let bin = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
            .ok_or("pg_config is not installed")?;
        for tool in ["initdb", "pg_ctl", "pg_basebackup", "postgres"] {
            if !bin.join(tool).exists() {
                return Err(format!("{} is missing", bin.join(tool).display()));
            }
        }
        let dir = std::env::temp_dir().join(format!("hub-replica-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let cluster = Self {
            dir,
            bin,
            primary: free_port(),
            standby: free_port(),
        };
        // PostgreSQL refuses to run as root: the clusters belong to the `postgres` user then.
        if cluster.as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster directory");
        }
        let primary = cluster.dir.join("primary");
        cluster.run(
            "initdb",
            &[
                "-D",
                path(&primary),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "--no-locale",
                "-E",
                "UTF8",
            ],
        );
        cluster.configure(
            &primary,
            cluster.primary,
            "wal_level = replica\nmax_wal_senders = 4\n",
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                path(&primary),
                "-l",
                path(&cluster.dir.join("primary.log")),
                "-w",
                "start",
            ],
        );
        let standby = cluster.dir.join("standby");
        cluster.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &cluster.primary.to_string(),
                "-U",
                "postgres",
                "-D",
                path(&standby),
                "-X",
                "stream",
                "-R",
                "--no-sync",
            ],
        );
        cluster.configure(&standby, cluster.standby, "hot_standby = on\n");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                path(&standby),
                "-l",
                path(&cluster.dir.join("standby.log")),
                "-w",
                "start",
            ],
        );
        Ok(cluster)
    }

    fn as_root(&self) -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut command = if self.as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let output = command.args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn configure(&self, data: &Path, port: u16, extra: &str) {
        use std::io::Write;
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .unwrap();
        write!(
            conf,
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n{extra}",
            self.dir.display()
        )
        .unwrap();
    }

    fn url(&self, port: u16, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{port}/{database}")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for data in ["standby", "primary"] {
            let data = self.dir.join(data);
            let program = self.bin.join("pg_ctl");
            let mut command = if self.as_root() {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(&program);
                c
            } else {
                Command::new(&program)
            };
            let _ = command
                .args(["-D", path(&data), "-m", "immediate", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

async fn scalar(db: &Store, sql: &str) -> Option<String> {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
}

/// Waits (polling, at most 30 s) until `ready` holds: the standby replays asynchronously and
/// PostgreSQL 15 has no call that waits for a position.
async fn until<F, Fut>(what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready().await {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The standby has replayed everything the primary has written so far.
async fn caught_up(primary: &Store, standby_url: &str) {
    let position = scalar(primary, "SELECT pg_current_wal_lsn()::text")
        .await
        .unwrap();
    until("the standby replays the primary", || async {
        let Ok(standby) = database::connect(standby_url).await else {
            return false;
        };
        let done = scalar(
            &standby,
            &format!("SELECT (pg_last_wal_replay_lsn() >= '{position}'::pg_lsn)::text"),
        )
        .await;
        let _ = standby.close().await;
        done.as_deref() == Some("true")
    })
    .await;
}

/// A token for the office under its own subject.
fn token_of(subject: &str) -> String {
    let mut claims = claims(&office());
    claims.sub = subject.into();
    keys(SECRET).sign(&claims).unwrap()
}

async fn ask(client: &reqwest::Client, url: &str, token: &str, query: &str) -> Value {
    let answer: Value = client
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer.get("errors").is_none(), "{answer}");
    answer["data"].clone()
}

#[tokio::test]
async fn queries_read_the_replica_and_a_writer_reads_its_own_writes() {
    let cluster = match Cluster::start() {
        Ok(cluster) => cluster,
        Err(why) => {
            eprintln!("skipped: no PostgreSQL server binaries to start a replica ({why})");
            return;
        }
    };
    let admin = database::connect(&cluster.url(cluster.primary, "postgres"))
        .await
        .unwrap();
    admin
        .execute_unprepared("CREATE DATABASE hub")
        .await
        .unwrap();
    let primary = database::connect(&cluster.url(cluster.primary, "hub"))
        .await
        .unwrap();
    database::migrate(&primary).await.unwrap();
    alliance_hub::seed::load_demo(&primary).await.unwrap();
    let standby_url = cluster.url(cluster.standby, "hub");
    caught_up(&primary, &standby_url).await;
    let standby = database::connect(&standby_url).await.unwrap();

    let app = App::serving(primary.clone(), keys(SECRET), ServeConfig::default())
        .unwrap()
        .with_read_replica(standby.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(alliance_hub::http::server::serve(
        app,
        listener,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let (writer, reader) = (token_of("writer-system"), token_of("reader-dashboard"));
    let find = r#"{ organizations(filter: {nameZh: {eq: "宁夏副本测试学院"}}) { totalCount } }"#;

    // The standby stops replaying: what is written now exists on the primary only.
    standby
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    ask(
        &client,
        &url,
        &writer,
        r#"mutation { createOrganization(input: {kind: UNIVERSITY, nameZh: "宁夏副本测试学院", municipality: YINCHUAN}) { organization { id } } }"#,
    )
    .await;
    let seen_by_writer = ask(&client, &url, &writer, find).await;
    assert_eq!(
        seen_by_writer["organizations"]["totalCount"], 1,
        "the writer reads its own write"
    );
    let seen_by_reader = ask(&client, &url, &reader, find).await;
    assert_eq!(
        seen_by_reader["organizations"]["totalCount"], 0,
        "another caller's query is answered by the (paused) replica"
    );
    let export = client
        .get(format!("{url}/export/organizations"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !export.contains("宁夏副本测试学院"),
        "exports read the replica too"
    );
    let changes = ask(
        &client,
        &url,
        &writer,
        "{ changes(first: 100) { totalCount } }",
    )
    .await;
    assert_eq!(
        changes["changes"]["totalCount"], 1,
        "the writer's feed has its change"
    );

    // Replay resumes: once the replica holds the write, every caller reads it there.
    standby
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    caught_up(&primary, &standby_url).await;
    let seen_by_reader = ask(&client, &url, &reader, find).await;
    assert_eq!(seen_by_reader["organizations"]["totalCount"], 1);
    let seen_by_writer = ask(&client, &url, &writer, find).await;
    assert_eq!(seen_by_writer["organizations"]["totalCount"], 1);
    drop(cluster);
}

#[tokio::test]
async fn a_read_url_is_accepted_only_as_a_postgresql_replica_of_a_postgresql_primary() {
    use clap::Parser;
    let cli = alliance_hub::cli::Cli::try_parse_from([
        "alliance-hub",
        "--database-url",
        "sqlite::memory:",
        "--database-read-url",
        "postgres://postgres@127.0.0.1:5432/test",
    ])
    .unwrap();
    let refused = database::open_read(&cli.config, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("PostgreSQL"), "{refused}");
}
