//! The listening socket under abuse and at shutdown, with real sockets and real signals.

use std::time::Duration;

use alliance_hub::config::ServeConfig;
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::helpers::{ServerProcess, TestApp, office};

/// Whether the server closes the connection (end of stream or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

fn host(url: &str) -> String {
    url.trim_start_matches("http://").to_owned()
}

/// A write held in flight: the database's write lock is taken, then an OFFICE write setting a
/// unit's `website` is sent to `server` and waits for the lock. Roll the lock back to let it
/// finish.
async fn hold_a_write(
    app: &TestApp,
    server: &str,
    website: &str,
) -> (
    sea_orm::DatabaseTransaction,
    tokio::task::JoinHandle<reqwest::Result<reqwest::Response>>,
) {
    let unit = app.leader("NMAT-04").await;
    let version = app.version(&unit).await;
    let lock = crate::faults::hold_the_write_lock(&app.database_url).await;
    let (url, token) = (server.to_owned(), app.token(&office()));
    let body = json!({
        "query": "mutation($id: ID!, $v: Int!, $w: String!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: $w}) { organization { website } } }",
        "variables": { "id": unit, "v": version, "w": website },
    });
    let writer = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/graphql"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
    });
    (lock, writer)
}

/// Waits, without sleeping, until the server at `url` counts one GraphQL request in flight.
async fn wait_until_one_in_flight(url: &str) {
    for _ in 0..2000 {
        let metrics = reqwest::get(format!("{url}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("hub_graphql_requests_in_flight 1") {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the write is not in flight");
}

#[tokio::test]
async fn half_sent_headers_and_idle_connections_are_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(ServeConfig {
        header_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let mut slow = TcpStream::connect(host(&app.url)).await.unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: hub\r\nContent-Ty")
        .await
        .unwrap();
    assert!(closed_within(&mut slow, Duration::from_secs(20)).await);
    // A connection that sends nothing at all goes the same way.
    let mut idle = TcpStream::connect(host(&app.url)).await.unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(20)).await);
}

#[tokio::test]
async fn past_the_connection_limit_new_connections_are_closed_and_freed_slots_are_reused() {
    let app = TestApp::spawn_with(ServeConfig {
        max_connections: 2,
        ..Default::default()
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut connection = TcpStream::connect(host(&app.url)).await.unwrap();
        // A complete request, so the connection is surely accepted and then kept alive.
        connection
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")
            .await
            .unwrap();
        let mut buffer = [0u8; 256];
        let read = connection.read(&mut buffer).await.unwrap();
        assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
        held.push(connection);
    }
    let mut third = TcpStream::connect(host(&app.url)).await.unwrap();
    let _ = third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")
        .await;
    assert!(closed_within(&mut third, Duration::from_secs(20)).await);
    drop(held.pop());
    // The slot comes free as the server sees the close; a new client gets in.
    let mut answered = false;
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("{}/healthz", app.url)).await
            && response.status() == StatusCode::OK
        {
            answered = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(answered);
}

#[tokio::test]
async fn past_the_in_flight_limit_requests_are_refused_at_once_with_retry_after() {
    let app = TestApp::spawn_with(ServeConfig {
        max_in_flight: 1,
        ..Default::default()
    })
    .await;
    // One request held in flight: a write waiting for the database's write lock.
    let (lock, writer) = hold_a_write(&app, &app.url, "https://held.example").await;
    // Until the writer is in, requests may still get through; then they are refused.
    let mut refused = None;
    for _ in 0..500 {
        let response = app
            .client()
            .post(format!("{}/graphql", app.url))
            .json(&json!({ "query": "{ viewer { role } }" }))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            refused = Some(response);
            break;
        }
    }
    let refused = refused.expect("a request over the limit is refused");
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    // Health checks are not counted.
    let health = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    lock.rollback().await.unwrap();
    assert_eq!(writer.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn past_the_cost_in_flight_requests_are_refused_at_once() {
    // Room for one mutation (12 points) in flight, not for a query of 10 beside it.
    let app = TestApp::spawn_with(ServeConfig {
        max_in_flight_cost: 20,
        ..Default::default()
    })
    .await;
    let (lock, writer) = hold_a_write(&app, &app.url, "https://held.example").await;
    let token = app.token(&office());
    // The writer is in flight once the server counts it; then the query is refused.
    wait_until_one_in_flight(&app.url).await;
    let query = "{ departments(first: 8) { nodes { code } } }";
    let refused = app
        .client()
        .post(format!("{}/graphql", app.url))
        .bearer_auth(&token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "1");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    lock.rollback().await.unwrap();
    assert_eq!(writer.await.unwrap().unwrap().status(), StatusCode::OK);
    // With the writer done, the same query runs.
    let answer = app.query_as(Some(&office()), query, json!({})).await;
    assert!(answer.get("errors").is_none(), "{answer}");
}

#[tokio::test]
async fn sigterm_drains_requests_in_flight_closes_subscriptions_and_exits() {
    let app = TestApp::spawn().await;
    let mut server =
        ServerProcess::start(&app.database_url, &[("HUB_SHUTDOWN_GRACE", "15s")]).await;
    // A subscriber, a half-sent request and a request in flight (a write waiting for the lock).
    let mut request = format!("{}/graphql/ws", server.url.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = connect_async(request).await.unwrap();
    let token = app.token(&office());
    ws.send(Message::Text(
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    let ack = ws.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    let mut half = TcpStream::connect(host(&server.url)).await.unwrap();
    half.write_all(b"POST /graphql HTTP/1.1\r\nHost: hub\r\n")
        .await
        .unwrap();
    let (lock, in_flight) = hold_a_write(&app, &server.url, "https://drained.example").await;
    wait_until_one_in_flight(&server.url).await;

    server.signal("TERM");
    // The request in flight finishes once the lock is free, and is answered.
    lock.rollback().await.unwrap();
    let answer = in_flight
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body["data"]["updateOrganization"]["organization"]["website"], "https://drained.example",
        "{body}"
    );
    // The subscription is closed as going away.
    let mut close_code = None;
    while let Ok(Some(message)) = tokio::time::timeout(Duration::from_secs(20), ws.next())
        .await
        .map(|m| m.transpose().ok().flatten())
    {
        if let Message::Close(frame) = message {
            close_code = frame.map(|f| u16::from(f.code));
            break;
        }
    }
    assert_eq!(close_code, Some(1001));
    // The half-sent request's connection is closed; new connections are not accepted.
    assert!(closed_within(&mut half, Duration::from_secs(20)).await);
    let status = tokio::time::timeout(Duration::from_secs(30), server.child.wait())
        .await
        .expect("the server exits")
        .unwrap();
    assert!(status.success(), "{status:?}");
}
