//! HTTP: routes, limits, CORS and compression, authentication at the edge, one tracing span per
//! request. [`graphql`] speaks GraphQL over HTTP at `/graphql`, [`ws`] graphql-ws at
//! `/graphql/ws`; [`export`] and [`import`] exchange files at `/export/{dataset}` and
//! `/import/{dataset}`; [`oauth`] issues API clients' tokens at `/oauth/token`. A bad token is answered 401 before any resolver runs.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, header},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::json;
use tokio::sync::Semaphore;
use tower_http::{
    compression::{CompressionLayer, predicate::SizeAbove},
    cors::{AllowOrigin, CorsLayer},
    request_id::{PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};
use tracing::{Span, field};

use crate::{
    app::App,
    domain::principal::Principal,
    error::{Code, Error},
};

mod console;
mod export;
mod graph;
mod graphql;
mod import;
mod oauth;
pub mod server;
mod ws;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The header that carries a request's id, both ways.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long browsers may cache a CORS preflight answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// Answers smaller than this go out uncompressed (the headers would cost more than they save).
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// The whole HTTP application (tests call this too).
pub fn app(state: App) -> Router {
    let cors = cors(&state.edge.cors_origins);
    let in_flight = state.in_flight.clone();
    // The routes that do real work count against the in-flight limit.
    let working = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::graphql_ws))
        .route("/export/{dataset}", get(export::export))
        .route("/export/graph/{view}", get(graph::graph))
        .route("/oauth/token", axum::routing::post(oauth::token))
        .route(
            "/import/{dataset}",
            axum::routing::post(import::import)
                .layer(DefaultBodyLimit::max(crate::import::MAX_FILE_BYTES)),
        )
        .route_layer(middleware::from_fn(move |request, next| {
            at_most(in_flight.clone(), request, next)
        }));
    let router = Router::new()
        .merge(working)
        .route("/graphiql/{file}", get(console::file))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    tracing::info_span!(
                        "request",
                        request.id = %id,
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
        // Outermost first on the way in: every request gets an id (or keeps the caller's), which
        // the span above logs and the answer carries back in `x-request-id`.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(COMPRESS_ABOVE_BYTES)))
        // One shared state: axum hands each handler its own copy, and the app's many handles
        // would each be counted up and down on every request.
        .with_state(Arc::new(state));
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// A new request's id: a random (version 4) UUID from the thread's generator. tower-http's
/// `MakeRequestUuid` asks the kernel for randomness on every request, a system call each.
#[derive(Debug, Clone, Copy)]
struct RandomRequestId;

impl tower_http::request_id::MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let bits =
            rand::random::<u128>() & !(0xf000 << 64) & !(0xc << 60) | (0x4000 << 64) | (0x8 << 60);
        let hex = format!("{bits:032x}");
        let id = format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Runs a request if fewer than the limit are running, else refuses it at once: a flood
/// degrades to quick 503s with `Retry-After`, never to a queue that grows without bound.
async fn at_most(
    in_flight: Arc<Semaphore>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let Ok(_running) = in_flight.try_acquire_owned() else {
        let mut refusal = refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unavailable,
            "the server is at its limit of requests in flight; retry shortly",
        );
        refusal
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return refusal;
    };
    next.run(request).await
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
            .expose_headers([REQUEST_ID])
            .allow_credentials(true)
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// Ready when the database answers, within [`crate::database::UNREACHABLE_AFTER`].
async fn ready(State(app): State<Arc<App>>) -> impl IntoResponse {
    let ping = tokio::time::timeout(crate::database::UNREACHABLE_AFTER, app.db.ping())
        .await
        .map_err(|_| "no answer in time".to_owned())
        .and_then(|answer| answer.map_err(|err| err.to_string()));
    match ping {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(
            app.edge
                .max_in_flight
                .saturating_sub(app.in_flight.available_permits()),
        ),
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

/// A service error answered outside GraphQL (exports, imports): its status and the GraphQL error
/// shape; an internal error is logged and answered without its detail.
fn refusal(err: Error) -> Response {
    let status = match err.code() {
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::Forbidden => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::BadUserInput => StatusCode::BAD_REQUEST,
        Code::Conflict => StatusCode::CONFLICT,
        Code::RuleViolation => StatusCode::UNPROCESSABLE_ENTITY,
        Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Code::Timeout => StatusCode::GATEWAY_TIMEOUT,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match &err {
        Error::Internal(detail) => {
            tracing::error!(error.detail = %detail, "request failed");
            "internal error".to_owned()
        }
        other => other.to_string(),
    };
    refuse(status, err.code(), &message)
}

/// The caller of a file exchange (export, import), who must send a token.
async fn signed_in(app: &App, headers: &HeaderMap, what: &str) -> Result<Principal, Error> {
    if !headers.contains_key(header::AUTHORIZATION) {
        return Err(Error::Unauthenticated(format!(
            "{what} need a bearer token in the Authorization header"
        )));
    }
    let principal = authenticate(app, headers).await?;
    Span::current().record("auth.role", principal.role.as_str());
    Ok(principal)
}

/// The caller, from the `Authorization` header: none is PUBLIC; anything else must verify.
async fn authenticate(app: &App, headers: &HeaderMap) -> Result<Principal, Error> {
    match bearer(headers)? {
        None => Ok(Principal::public()),
        Some(token) => Ok(verify(app, token).await?.principal),
    }
}

/// The bearer token of the `Authorization` header, if there is one.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, Error> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
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
    Ok(Some(token.trim()))
}

/// Verifies a bearer token, on every entrance (HTTP, graphql-ws, exports, imports). Why a token
/// was refused goes to the log, never to the caller (it would help a forger): the answer says
/// only that the token is invalid. A source whose keys cannot be fetched is UNAVAILABLE.
async fn verify(app: &App, token: &str) -> Result<crate::auth::Verified, Error> {
    app.identity.verify(token).await.map_err(|err| match err {
        Error::Unauthenticated(reason) => {
            tracing::info!(%reason, "token refused");
            Error::Unauthenticated("invalid token".into())
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use tower_http::request_id::MakeRequestId;

    use super::*;

    #[test]
    fn request_ids_are_random_version_4_uuids() {
        let request = Request::new(());
        let ids: Vec<String> = (0..64)
            .map(|_| {
                let id = RandomRequestId.make_request_id(&request).unwrap();
                id.header_value().to_str().unwrap().to_owned()
            })
            .collect();
        for id in &ids {
            let groups: Vec<&str> = id.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
            assert!(groups[2].starts_with('4'), "version 4: {id}");
            assert!(
                groups[3].starts_with(['8', '9', 'a', 'b']),
                "RFC 4122 variant: {id}"
            );
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }
}
