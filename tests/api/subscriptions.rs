//! Subscriptions over graphql-ws at `/graphql/ws`, and their fan-out across server replicas.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::helpers::{ServerProcess, TestApp, analyst, department, office};

/// A graphql-ws client.
pub(crate) struct Subscriber {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Subscriber {
    /// Connects and initialises; `Err` when the server refuses the connection.
    pub(crate) async fn connect(base_url: &str, token: Option<&str>) -> Result<Self, String> {
        let mut request = format!("{}/graphql/ws", base_url.replace("http://", "ws://"))
            .into_client_request()
            .map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (mut ws, _) = connect_async(request).await.map_err(|e| e.to_string())?;
        let payload = match token {
            Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        ws.send(Message::Text(
            json!({ "type": "connection_init", "payload": payload })
                .to_string()
                .into(),
        ))
        .await
        .map_err(|e| e.to_string())?;
        let mut subscriber = Self { ws };
        match subscriber.receive(Duration::from_secs(10)).await {
            Some(message) if message["type"] == "connection_ack" => Ok(subscriber),
            other => Err(format!("not acknowledged: {other:?}")),
        }
    }

    pub(crate) async fn subscribe(&mut self, query: &str, variables: Value) {
        self.send_subscribe(json!({ "query": query, "variables": variables }))
            .await;
    }

    /// A `subscribe` with any payload (a persisted document's hash in `extensions`, say).
    async fn send_subscribe(&mut self, payload: Value) {
        let message = json!({ "id": "1", "type": "subscribe", "payload": payload });
        self.ws
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// The next protocol message within `within`; `None` on timeout or close.
    async fn receive(&mut self, within: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(within, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).ok(),
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                _ => return None,
            }
        }
    }

    /// The close frame's code and reason, when the server ends the connection within `within`.
    pub(crate) async fn closed(&mut self, within: Duration) -> Option<(u16, String)> {
        loop {
            match tokio::time::timeout(within, self.ws.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                }
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }

    /// The next `next` event's data, or an `error` message as is.
    pub(crate) async fn event(&mut self, within: Duration) -> Option<Value> {
        loop {
            let message = self.receive(within).await?;
            match message["type"].as_str() {
                Some("next") => return Some(message["payload"].clone()),
                Some("error") => return Some(message),
                _ => continue,
            }
        }
    }
}

/// Repeats `act` until the subscriber sees an event: a subscription starts listening a moment
/// after it is sent, and the protocol has no acknowledgement for it. Bounded; never sleeps.
pub(crate) async fn first_event<F: std::future::Future<Output = ()>>(
    subscriber: &mut Subscriber,
    mut act: impl FnMut() -> F,
) -> Value {
    for _ in 0..50 {
        act().await;
        if let Some(event) = subscriber.event(Duration::from_millis(200)).await {
            return event;
        }
    }
    panic!("no event arrived");
}

async fn rename(app: &TestApp, unit: &str) {
    let version = app.version(unit).await;
    app.ok(&office(), "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: \"https://renamed.example\"}) { organization { id } } }", json!({ "id": unit, "v": version }))
        .await;
}

#[tokio::test]
async fn a_subscriber_receives_changes_as_they_are_committed() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let mut subscriber = Subscriber::connect(&app.url, Some(&app.token(&analyst())))
        .await
        .unwrap();
    subscriber.subscribe("subscription { changes(types: [ORGANIZATION]) { type operation entityId changedFields } }", json!({})).await;
    let event = first_event(&mut subscriber, || rename(&app, &unit)).await;
    let change = &event["data"]["changes"];
    assert_eq!(change["type"], "ORGANIZATION", "{event}");
    assert_eq!(change["entityId"], unit.as_str());
    assert_eq!(change["operation"], "updateOrganization");
}

#[tokio::test]
async fn alliance_events_follow_one_alliance_only() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let association = app.org("宁夏新材料行业协会").await;
    let ctl = app.leader("CHEM-03").await;
    let meet = |alliance: String, who: String| {
        let app = &app;
        async move {
            app.ok(&office(), "mutation($a: ID!, $w: ID!) { holdMeeting(input: {alliance: $a, kind: GENERAL_ASSEMBLY, title: \"例会\", heldOn: \"2026-12-01\", attendees: [$w]}) { meeting { id } } }", json!({ "a": alliance, "w": who }))
                .await;
        }
    };
    let mut subscriber = Subscriber::connect(&app.url, Some(&app.token(&department("DOC"))))
        .await
        .unwrap();
    subscriber
        .subscribe(
            "subscription($a: ID!) { allianceEvents(allianceId: $a) { type alliance { code } } }",
            json!({ "a": nmat }),
        )
        .await;
    let first = first_event(&mut subscriber, || meet(nmat.clone(), association.clone())).await;
    assert_eq!(
        first["data"]["allianceEvents"]["alliance"]["code"],
        "YMA-NMAT"
    );
    // Drain what the warm-up produced, then: a change elsewhere, then one here.
    while subscriber.event(Duration::from_millis(100)).await.is_some() {}
    meet(chem, ctl).await;
    meet(nmat.clone(), association.clone()).await;
    let next = subscriber.event(Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        next["data"]["allianceEvents"]["alliance"]["code"], "YMA-NMAT",
        "{next}"
    );
}

#[tokio::test]
async fn a_bad_token_is_refused_at_connection_init() {
    let app = TestApp::spawn().await;
    assert!(
        Subscriber::connect(&app.url, Some("not-a-token"))
            .await
            .is_err()
    );
}

/// Opens a graphql-ws connection, sends `messages` as they are, and returns the close code the
/// server ends it with.
async fn close_code_after(base_url: &str, messages: &[&str]) -> Option<u16> {
    let mut request = format!("{}/graphql/ws", base_url.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = connect_async(request).await.unwrap();
    for message in messages {
        ws.send(Message::Text((*message).into())).await.unwrap();
    }
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

#[tokio::test]
async fn connections_close_with_the_graphql_ws_protocols_codes() {
    let app = TestApp::spawn().await;
    let init =
        |payload: Value| json!({ "type": "connection_init", "payload": payload }).to_string();
    let forbidden = init(json!({ "Authorization": "Bearer not-a-token" }));
    assert_eq!(close_code_after(&app.url, &[&forbidden]).await, Some(4403));
    let early = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { changes { type } }" } }).to_string();
    assert_eq!(close_code_after(&app.url, &[&early]).await, Some(4401));
    assert_eq!(close_code_after(&app.url, &["not json"]).await, Some(4400));
}

#[tokio::test]
async fn the_public_may_not_subscribe() {
    let app = TestApp::spawn().await;
    let mut subscriber = Subscriber::connect(&app.url, None).await.unwrap();
    subscriber
        .subscribe("subscription { changes { type } }", json!({}))
        .await;
    let message = subscriber.event(Duration::from_secs(10)).await.unwrap();
    let error = if message["type"] == "error" {
        message["payload"][0].clone()
    } else {
        message["errors"][0].clone()
    };
    assert_eq!(error["extensions"]["code"], "FORBIDDEN", "{message}");
}

#[tokio::test]
async fn a_change_made_through_one_server_reaches_a_subscriber_on_another() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("postgres") {
        // One SQLite file serves one process: replicas need PostgreSQL (HUB_TEST_DATABASE_URL).
        return;
    }
    let (first, second) = (
        ServerProcess::start(&app.database_url, &[]).await,
        ServerProcess::start(&app.database_url, &[]).await,
    );
    let unit = app.leader("NMAT-04").await;
    let token = app.token(&analyst());
    let mut subscriber = Subscriber::connect(&first.url, Some(&token)).await.unwrap();
    subscriber
        .subscribe(
            "subscription { changes(types: [ORGANIZATION]) { entityId operation } }",
            json!({}),
        )
        .await;
    let client = reqwest::Client::new();
    let office_token = app.token(&office());
    let through_second = || {
        let (app, client, url, token, unit) = (&app, &client, &second.url, &office_token, &unit);
        async move {
            let version = app.version(unit).await;
            let body = json!({ "query": "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: \"https://replica.example\"}) { organization { id } } }", "variables": { "id": unit, "v": version } });
            let response: Value = client
                .post(format!("{url}/graphql"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(response.get("errors").is_none(), "{response}");
        }
    };
    let event = first_event(&mut subscriber, through_second).await;
    assert_eq!(
        event["data"]["changes"]["entityId"],
        unit.as_str(),
        "{event}"
    );
}

#[tokio::test]
async fn a_subscriber_gets_one_event_per_object_per_mutation() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let mut subscriber = Subscriber::connect(&app.url, Some(&app.token(&office())))
        .await
        .unwrap();
    subscriber
        .subscribe(
            "subscription { changes(types: [ORGANIZATION]) { operation entityId changedFields } }",
            json!({}),
        )
        .await;
    let mut n = 0;
    let create = || {
        n += 1;
        let name = format!("宁夏订阅测试{n}有限公司");
        let app = &app;
        async move {
            app.ok(&office(), "mutation($n: String!) { createOrganization(input: {kind: ENTERPRISE, nameZh: $n, municipality: YINCHUAN,
                enterprise: {scale: SMALL, employees: 20, annualRevenue: 5000000, foundedYear: 2020, industryClass: \"C3391\"}}) { organization { id } } }", json!({ "n": name }))
                .await;
        }
    };
    let event = first_event(&mut subscriber, create).await;
    assert_eq!(event["data"]["changes"]["operation"], "createOrganization");
    let fields = event["data"]["changes"]["changedFields"].clone();
    assert!(
        fields.as_array().unwrap().contains(&json!("annualRevenue")),
        "{event}"
    );
    // The enterprise's profile came in the same event: until the next mutation's event, every
    // created enterprise was announced once.
    rename(&app, &unit).await;
    let mut created = vec![event["data"]["changes"]["entityId"].clone()];
    loop {
        let next = subscriber.event(Duration::from_secs(10)).await.unwrap();
        match next["data"]["changes"]["operation"].as_str() {
            Some("updateOrganization") => break,
            Some("createOrganization") => created.push(next["data"]["changes"]["entityId"].clone()),
            _ => panic!("unexpected event {next}"),
        }
    }
    let unique: std::collections::HashSet<String> = created.iter().map(Value::to_string).collect();
    assert_eq!(
        unique.len(),
        created.len(),
        "an enterprise announced twice: {created:?}"
    );
}

/// The first error of an `error` message or of a `next` payload.
fn first_error(message: &Value) -> Value {
    if message["type"] == "error" {
        message["payload"][0].clone()
    } else {
        message["errors"][0].clone()
    }
}

#[tokio::test]
async fn with_a_trusted_manifest_only_its_subscriptions_run() {
    let listed = "subscription Units { changes(types: [ORGANIZATION]) { entityId } }";
    let hash = alliance_hub::graphql::documents::hash_of(listed);
    let manifest = std::env::temp_dir().join(format!("hub-trusted-ws-{}.json", std::process::id()));
    std::fs::write(
        &manifest,
        json!({ format!("sha256:{hash}"): listed }).to_string(),
    )
    .unwrap();
    let app = TestApp::spawn_with(alliance_hub::config::ServeConfig {
        trusted_documents: Some(manifest.clone()),
        ..Default::default()
    })
    .await;
    std::fs::remove_file(&manifest).unwrap();
    let token = app.token(&analyst());
    // A document outside the manifest is refused.
    let mut subscriber = Subscriber::connect(&app.url, Some(&token)).await.unwrap();
    subscriber
        .subscribe("subscription { changes { entityId operation } }", json!({}))
        .await;
    let message = subscriber.event(Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        first_error(&message)["extensions"]["code"],
        "FORBIDDEN",
        "{message}"
    );
    // The listed one runs, sent by its hash alone.
    let mut subscriber = Subscriber::connect(&app.url, Some(&token)).await.unwrap();
    subscriber
        .send_subscribe(json!({ "query": "", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .await;
    let unit = app.leader("NMAT-04").await;
    let event = first_event(&mut subscriber, || rename(&app, &unit)).await;
    assert_eq!(
        event["data"]["changes"]["entityId"],
        unit.as_str(),
        "{event}"
    );
}

#[tokio::test]
async fn subscriptions_are_held_to_the_document_limits() {
    let app = TestApp::spawn().await;
    let token = app.token(&analyst());
    let mut subscriber = Subscriber::connect(&app.url, Some(&token)).await.unwrap();
    subscriber
        .subscribe("subscription { changes { entityId @aa } }", json!({}))
        .await;
    let message = subscriber.event(Duration::from_secs(10)).await.unwrap();
    let error = first_error(&message);
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{message}");
    assert!(
        error["message"].as_str().unwrap().contains("@aa"),
        "{message}"
    );
}
