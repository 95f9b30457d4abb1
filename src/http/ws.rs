//! graphql-ws at `/graphql/ws`: the token travels in `connection_init`, and each connection gets
//! the same request context as an HTTP request. Documents are found as over HTTP (persisted by
//! hash, or only trusted ones in allow-list mode) and held to the same limits and budgets.

use std::{
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
};

use async_graphql::{
    Data, Executor, Request, Response as GraphqlResponse, futures_util::stream::BoxStream,
    http::ALL_WEBSOCKET_PROTOCOLS,
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        ConnectInfo, State, WebSocketUpgrade,
        ws::{CloseFrame, Message},
    },
    http::Extensions,
    response::Response,
};
use futures::{SinkExt, StreamExt, future::ready};

use crate::{
    app::App,
    auth::{LEEWAY_SECONDS, Verified},
    domain::principal::{Principal, Role},
    graphql::{
        Reading, RequestContext,
        executor::{finalize_errors, payer_in, refused},
    },
    service::{access::Viewer, budget::Payer},
};

/// graphql-ws (and the older subscriptions-transport-ws) at `/graphql/ws`. The token travels in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); none is
/// PUBLIC. Connections close with the protocol's codes: 4403 when `connection_init` is refused (a
/// bad token), 4401 for a subscription before the connection is acknowledged, 4400 for a message
/// that is not one of the protocol's.
pub(super) async fn graphql_ws(
    State(app): State<Arc<App>>,
    extensions: Extensions,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let address = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let schema = Documents(app.clone());
            let close = CloseCode::default();
            let (mut to_socket, from_socket) = socket.split();
            // The protocol's messages pass through a channel, so that when the server stops the
            // connection can still be closed with 1001 after async-graphql has let go of it.
            let (outgoing, mut to_client) = futures::channel::mpsc::unbounded::<Message>();
            let sink = outgoing.sink_map_err(axum::Error::new).with({
                let close = close.clone();
                move |message| ready(Ok::<_, axum::Error>(close.rewrite(message)))
            });
            let mut stopping = app.stopping.subscribe();
            // The token of `connection_init`, once accepted: the connection ends when it
            // expires or is revoked.
            let (credential, token) = tokio::sync::watch::channel(None);
            let farewell = CloseCode::default();
            let ends = {
                let app = app.clone();
                let farewell = farewell.clone();
                async move {
                    tokio::select! {
                        _ = stopping.wait_for(|stop| *stop) => {}
                        _ = token_ends(app, token, farewell) => {}
                    }
                }
            };
            let stream = from_socket
                .map({
                    let close = close.clone();
                    let mut initialised = false;
                    move |message| close.inspect(message, &mut initialised)
                })
                .take_until(ends);
            let stopping = app.stopping.clone();
            let serve = GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
                .on_connection_init(move |payload| {
                    let close = close.clone();
                    async move {
                        match connection_data(app, payload, address).await {
                            Ok((data, verified)) => {
                                credential.send_replace(verified);
                                Ok(data)
                            }
                            Err(err) => {
                                close.set(FORBIDDEN, "Forbidden");
                                Err(err)
                            }
                        }
                    }
                })
                .serve();
            let forward = async move {
                while let Some(message) = to_client.next().await {
                    if to_socket.send(message).await.is_err() {
                        return;
                    }
                }
                let last = if *stopping.borrow() {
                    Some((GOING_AWAY, "Going away"))
                } else {
                    farewell.noted()
                };
                if let Some((code, reason)) = last {
                    let frame = Message::Close(Some(CloseFrame {
                        code,
                        reason: reason.into(),
                    }));
                    let _ = to_socket.send(frame).await;
                }
            };
            tokio::join!(serve, forward);
        })
}

/// WebSocket: the server is going away (it stops), as graphql-ws servers close on shutdown.
const GOING_AWAY: u16 = 1001;
/// graphql-ws: a `connection_init` was refused.
const FORBIDDEN: u16 = 4403;
/// graphql-ws: a subscription arrived before the connection was acknowledged.
const UNAUTHORIZED: u16 = 4401;
/// graphql-ws: a message that is not one of the protocol's.
const BAD_REQUEST: u16 = 4400;

/// async-graphql closes every failed connection with 1002; this puts the protocol's code in its
/// place, the reason having been noted as the connection went.
#[derive(Clone, Default)]
struct CloseCode(Arc<Mutex<Option<(u16, &'static str)>>>);

impl CloseCode {
    fn set(&self, code: u16, reason: &'static str) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert((code, reason));
        }
    }

    fn noted(&self) -> Option<(u16, &'static str)> {
        self.0.lock().ok().and_then(|slot| *slot)
    }

    fn rewrite(&self, message: Message) -> Message {
        match message {
            Message::Close(Some(frame)) if frame.code == 1002 => {
                let (code, reason) = self.noted().unwrap_or((BAD_REQUEST, "Invalid message"));
                Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                }))
            }
            other => other,
        }
    }

    /// Watches the client's messages: a `subscribe` before `connection_init` is replaced by a
    /// message the protocol does not know, which closes the connection (as 4401).
    fn inspect(
        &self,
        message: Result<Message, axum::Error>,
        initialised: &mut bool,
    ) -> Result<Message, axum::Error> {
        let Ok(Message::Text(text)) = &message else {
            return message;
        };
        let kind = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
        match kind.as_deref() {
            Some("connection_init") => *initialised = true,
            Some("subscribe" | "start") if !*initialised => {
                self.set(UNAUTHORIZED, "Unauthorized");
                return Ok(Message::Text("{}".into()));
            }
            _ => {}
        }
        message
    }
}

/// The schema behind the documents a connection may run: each subscription's document is found
/// as over HTTP (by its hash, or refused outside the trusted manifest) before it runs.
#[derive(Clone)]
struct Documents(Arc<App>);

impl Executor for Documents {
    async fn execute(&self, request: Request) -> GraphqlResponse {
        self.0.schema.execute(request).await
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, GraphqlResponse> {
        let app = self.0.clone();
        let office = session_data
            .as_deref()
            .and_then(payer_in)
            .is_some_and(|payer| payer.role() == Role::Office);
        let responses = async move {
            match app.documents.resolve(&mut request, office).await {
                Ok(()) => app.schema.execute_stream(request, session_data),
                Err(refusal) => {
                    let mut response = refused(refusal);
                    finalize_errors(&mut response);
                    futures::stream::once(ready(response)).boxed()
                }
            }
        };
        futures::stream::once(responses).flatten().boxed()
    }
}

/// Resolves when the connection's token expires (with the leeway it was accepted with) or is
/// revoked, noting 4403 with the reason: graphql-ws clients reconnect after 4403, with a fresh
/// token from their `connectionParams`. A connection without a token never ends so.
async fn token_ends(
    app: Arc<App>,
    mut token: tokio::sync::watch::Receiver<Option<Verified>>,
    farewell: CloseCode,
) {
    let Ok(verified) = token.wait_for(Option::is_some).await.map(|v| v.clone()) else {
        return std::future::pending().await;
    };
    let Some(verified) = verified else {
        return std::future::pending().await;
    };
    let left =
        verified.expires_at.saturating_add(LEEWAY_SECONDS as i64) - chrono::Utc::now().timestamp();
    let expiry = tokio::time::sleep(std::time::Duration::from_secs(left.max(0) as u64));
    tokio::pin!(expiry);
    let revocations = app.revocations().clone();
    let mut revoked = revocations.watch();
    loop {
        let principal = &verified.principal;
        if revocations
            .revoked(
                &principal.subject,
                verified.jti.as_deref(),
                verified.issued_at,
            )
            .is_some()
        {
            farewell.set(FORBIDDEN, "Token revoked");
            return;
        }
        tokio::select! {
            _ = &mut expiry => {
                farewell.set(FORBIDDEN, "Token expired");
                return;
            }
            changed = revoked.changed() => {
                if changed.is_err() {
                    return std::future::pending().await;
                }
            }
        }
    }
}

async fn connection_data(
    app: Arc<App>,
    payload: serde_json::Value,
    address: Option<IpAddr>,
) -> async_graphql::Result<(Data, Option<Verified>)> {
    let field = |name: &str| {
        payload
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let token = field("Authorization")
        .or_else(|| field("authorization"))
        .map(|v| {
            v.trim_start_matches("Bearer ")
                .trim_start_matches("bearer ")
                .to_owned()
        })
        .or_else(|| field("token"));
    let verified = match token {
        Some(token) => Some(super::verify(&app, token.trim()).await?),
        None => None,
    };
    let principal = verified
        .as_ref()
        .map_or_else(Principal::public, |v| v.principal.clone());
    let viewer = Viewer::new(&app.db, principal).await?;
    let mut data = Data::default();
    data.insert(Payer::of(&viewer.principal, address));
    data.insert(RequestContext::new(
        app.db.clone(),
        viewer,
        app.bus.clone(),
        app.stats.clone(),
        app.writes.clone(),
        Reading::Changing,
    ));
    data.insert(app.revocations().clone());
    Ok((data, verified))
}
