//! graphql-ws at `/graphql/ws`: the token travels in `connection_init`, and each connection gets
//! the same request context as an HTTP request.

use async_graphql::{Data, http::ALL_WEBSOCKET_PROTOCOLS};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{State, WebSocketUpgrade},
    response::Response,
};

use crate::{
    app::App, domain::principal::Principal, graphql::RequestContext, service::access::Viewer,
};

/// graphql-ws (and the older subscriptions-transport-ws) at `/graphql/ws`. The token travels in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); a bad
/// token closes the connection, none is PUBLIC.
pub(super) async fn graphql_ws(
    State(app): State<App>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = app.schema.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| connection_data(app, payload))
                .serve()
        })
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
