//! Faults from outside the process: the database out of reach, then back.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alliance_hub::config::ServeConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::helpers::{TestApp, listen};

/// A TCP forwarder between the hub and PostgreSQL that the test can cut and mend, as a network
/// fault or a database restart would.
struct Cable {
    at: SocketAddr,
    to: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Cable {
    async fn lay(to: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let cable = Self {
            at: listener.local_addr().unwrap(),
            to,
            tasks: Arc::default(),
        };
        cable.carry(listener);
        cable
    }

    fn carry(&self, listener: TcpListener) {
        let (to, tasks) = (self.to, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let Ok(mut server) = tokio::net::TcpStream::connect(to).await else {
                    continue;
                };
                let pipe = tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Closes the listening socket and every connection through it.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same port.
    async fn mend(&self) {
        let listener = loop {
            // The aborted accept task lets go of the port as it is dropped.
            match TcpListener::bind(self.at).await {
                Ok(listener) => break listener,
                Err(_) => tokio::task::yield_now().await,
            }
        };
        self.carry(listener);
    }
}

async fn ask(url: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": "{ departments { totalCount } }" }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap(), started.elapsed())
}

#[tokio::test]
async fn with_the_database_out_of_reach_requests_fail_fast_as_unavailable_and_recover() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        // The embedded SQLite file cannot be out of reach.
        return;
    }
    let mut url = reqwest::Url::parse(&app.database_url).unwrap();
    let postgres: SocketAddr =
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
            .parse()
            .unwrap();
    let cable = Cable::lay(postgres).await;
    url.set_port(Some(cable.at.port())).unwrap();
    let (address, _state) = listen(url.as_str(), ServeConfig::default()).await;
    let hub = format!("http://{address}");
    let (status, body, _) = ask(&hub).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    cable.cut();
    let (status, body, took) = ask(&hub).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    // The pool gives up after 2 s, not its default 30 (generous: shared machines are slow).
    assert!(took < Duration::from_secs(10), "{took:?}");
    let started = Instant::now();
    let ready = reqwest::get(format!("{hub}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(10));

    cable.mend().await;
    let mut recovered = false;
    for _ in 0..20 {
        let (status, _, _) = ask(&hub).await;
        if status == StatusCode::OK {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "the hub came back by itself");
    let ready = reqwest::get(format!("{hub}/readyz")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
}

/// Holds the database's write lock from outside the hub, as a long write of another replica
/// would: PostgreSQL's advisory lock, or an SQLite write transaction.
pub async fn hold_the_write_lock(url: &str) -> sea_orm::DatabaseTransaction {
    use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
    let db = alliance_hub::database::connect(url).await.unwrap();
    let txn = db.begin().await.unwrap();
    match txn.get_database_backend() {
        DbBackend::Postgres => {
            txn.execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock({})",
                alliance_hub::service::write::WRITE_LOCK
            ))
            .await
            .unwrap();
        }
        _ => {
            // Any write takes SQLite's one write lock until the transaction ends.
            txn.execute_unprepared("UPDATE department SET code = code")
                .await
                .unwrap();
        }
    }
    txn
}

#[tokio::test]
async fn waiting_writers_hold_no_connection_readers_go_on_and_the_wait_is_bounded() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let version = app.version(&unit).await;
    let lock = hold_the_write_lock(&app.database_url).await;
    // Twelve writers queue behind the lock (more than the pool has connections).
    let token = app.token(&crate::helpers::office());
    let writers: Vec<_> = (0..12)
        .map(|i| {
            let (client, url, token, unit) = (
                app.client().clone(),
                app.url.clone(),
                token.clone(),
                unit.clone(),
            );
            tokio::spawn(async move {
                let body = json!({
                    "query": "mutation($id: ID!, $v: Int!, $w: String!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: $w}) { organization { id } } }",
                    "variables": { "id": unit, "v": version, "w": format!("https://w{i}.example") },
                });
                let response = client
                    .post(format!("{url}/graphql"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            })
        })
        .collect();
    // Meanwhile a reader is answered, though no writer has finished.
    let read = app
        .query_as(
            None,
            "{ organizations(first: 5) { nodes { nameZh } } }",
            json!({}),
        )
        .await;
    assert!(read.get("errors").is_none(), "{read}");
    assert!(writers.iter().all(|w| !w.is_finished()), "the writers wait");
    // Past the bounded wait each writer is told to retry.
    for writer in writers {
        let (status, body) = writer.await.unwrap();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body["data"].is_null(), "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
            "{body}"
        );
    }
    lock.rollback().await.unwrap();
    // With the lock free, writes go through again.
    let version = app.version(&unit).await;
    app.ok(
        &crate::helpers::office(),
        "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: \"https://after.example\"}) { organization { id } } }",
        json!({ "id": unit, "v": version }),
    )
    .await;
}
