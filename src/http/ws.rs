//! graphql-ws at `/graphql/ws`: the token travels in `connection_init`, and each connection gets
//! the same request context as an HTTP request.

use std::sync::{Arc, Mutex};

use async_graphql::{Data, http::ALL_WEBSOCKET_PROTOCOLS};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message},
    },
    response::Response,
};
use futures::{SinkExt, StreamExt, future::ready};

use crate::{
    app::App, domain::principal::Principal, graphql::RequestContext, service::access::Viewer,
};

/// graphql-ws (and the older subscriptions-transport-ws) at `/graphql/ws`. The token travels in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); none is
/// PUBLIC. Connections close with the protocol's codes: 4403 when `connection_init` is refused (a
/// bad token), 4401 for a subscription before the connection is acknowledged, 4400 for a message
/// that is not one of the protocol's.
pub(super) async fn graphql_ws(
    State(app): State<App>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = app.schema.clone();
            let close = CloseCode::default();
            let (sink, stream) = socket.split();
            let sink = sink.with({
                let close = close.clone();
                move |message| ready(Ok::<_, axum::Error>(close.rewrite(message)))
            });
            let stream = stream.map({
                let close = close.clone();
                let mut initialised = false;
                move |message| close.inspect(message, &mut initialised)
            });
            GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
                .on_connection_init(move |payload| {
                    let close = close.clone();
                    async move {
                        let data = connection_data(app, payload).await;
                        if data.is_err() {
                            close.set(FORBIDDEN, "Forbidden");
                        }
                        data
                    }
                })
                .serve()
        })
}

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

    fn rewrite(&self, message: Message) -> Message {
        match message {
            Message::Close(Some(frame)) if frame.code == 1002 => {
                let noted = self.0.lock().ok().and_then(|slot| *slot);
                let (code, reason) = noted.unwrap_or((BAD_REQUEST, "Invalid message"));
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

async fn connection_data(app: App, payload: serde_json::Value) -> async_graphql::Result<Data> {
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
    let principal = match token {
        Some(token) => app.keys.verify(token.trim())?,
        None => Principal::public(),
    };
    let viewer = Viewer::new(&app.db, principal).await?;
    let mut data = Data::default();
    data.insert(RequestContext::new(
        app.db.clone(),
        viewer,
        app.bus.clone(),
        app.stats.clone(),
    ));
    Ok(data)
}
