//! HTTP: routes, limits, authentication at the edge, one tracing span per request.
//!
//! `POST /graphql` takes JSON only (415 otherwise), bodies up to 256 KiB (413 beyond), one
//! operation per request (no batches). A bad token is answered 401 before any resolver runs.

use std::{sync::atomic::Ordering, time::Duration};

use async_graphql::{
    Data, Executor,
    http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State, WebSocketUpgrade},
    http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde_json::json;
use tower_http::{
    compression::{CompressionLayer, predicate::SizeAbove},
    cors::{AllowOrigin, CorsLayer},
    trace::TraceLayer,
};
use tracing::{Span, field};

use crate::{
    app::App,
    domain::principal::Principal,
    error::{Code, Error},
    graphql::RequestContext,
    service::access::Viewer,
};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// How long browsers may cache a CORS preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Answers smaller than this go out uncompressed (the headers would cost more than they save).
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// The whole HTTP application (tests call this too).
pub fn app(state: App) -> Router {
    let cors = cors(&state.edge.cors_origins);
    let router = Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!(
                        "request",
                        http.method = %request.method(),
                        http.path = %request.uri().path(),
                        graphql.operation = field::Empty,
                        auth.role = field::Empty,
                    )
                })
                .on_response(|response: &Response, latency: Duration, _span: &Span| {
                    tracing::info!(
                        http.status = response.status().as_u16(),
                        duration_ms = latency.as_millis() as u64,
                        "answered"
                    );
                }),
        )
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// Cross-origin calls from the configured origins only (none: no CORS headers at all, so only
/// same-origin pages such as GraphiQL can call from a browser). Credentials and the
/// `Authorization` header are allowed; preflights are cached.
fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
            .expose_headers([HeaderName::from_static("x-request-id")])
            .allow_credentials(true)
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("alliance-hub")
            .finish(),
    )
}

async fn ready(State(app): State<App>) -> impl IntoResponse {
    match app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics(State(app): State<App>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
}

/// An error answered before GraphQL runs, in the GraphQL error shape.
fn refuse(status: StatusCode, code: Code, message: &str) -> Response {
    (
        status,
        axum::Json(
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] }),
        ),
    )
        .into_response()
}

/// The caller, from the `Authorization` header: none is PUBLIC; anything else must verify.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<Principal, Error> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Principal::public());
    };
    let value = value
        .to_str()
        .map_err(|_| Error::Unauthenticated("invalid Authorization header".into()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            Error::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
    app.keys.verify(token.trim())
}

async fn graphql(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::BadUserInput,
            "send the request as application/json",
        );
    }
    let principal = match authenticate(&app, &headers) {
        Ok(principal) => principal,
        Err(err) => {
            app.metrics.unauthenticated.fetch_add(1, Ordering::Relaxed);
            return refuse(
                StatusCode::UNAUTHORIZED,
                Code::Unauthenticated,
                &err.to_string(),
            );
        }
    };
    Span::current().record("auth.role", principal.role.as_str());
    let request = match parse_request(&body) {
        Ok(request) => request,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, Code::BadUserInput, &message),
    };
    if let Some(operation) = &request.operation_name {
        Span::current().record("graphql.operation", operation.as_str());
    }
    let viewer = match Viewer::new(&app.db, principal).await {
        Ok(viewer) => viewer,
        Err(err) => {
            tracing::error!(error.detail = %err_detail(&err), "could not resolve the caller");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                Code::Internal,
                "internal error",
            );
        }
    };
    let context = RequestContext::new(app.db.clone(), viewer, app.bus.clone(), app.stats.clone());
    let response = app.schema.execute(request.data(context)).await;
    app.metrics.requests.fetch_add(1, Ordering::Relaxed);
    if !response.errors.is_empty() {
        app.metrics
            .requests_with_errors
            .fetch_add(1, Ordering::Relaxed);
    }
    axum::Json(response).into_response()
}

fn err_detail(err: &Error) -> String {
    match err {
        Error::Internal(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// One GraphQL request from a JSON body; batches (arrays) are refused.
fn parse_request(body: &[u8]) -> Result<async_graphql::Request, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    if value.is_array() {
        return Err("batched requests are not supported: send one operation per request".into());
    }
    serde_json::from_value(value).map_err(|e| format!("the body is not a GraphQL request: {e}"))
}

/// graphql-ws (and the older subscriptions-transport-ws) at `/graphql/ws`. The token travels in
/// the `connection_init` payload as `{"Authorization": "Bearer …"}` (or `{"token": "…"}`); a bad
/// token closes the connection, none is PUBLIC.
async fn graphql_ws(
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
