//! GraphQL over HTTP, as the GraphQL Foundation's specification describes it.
//!
//! - `POST /graphql` with an `application/json` body (415 otherwise, 413 over the size limit);
//!   `GET /graphql?query=…&variables=…&operationName=…` for queries (a mutation by GET is 405).
//! - A client that accepts `application/graphql-response+json` gets that media type and its status
//!   codes: 400 when the document does not parse or validate, 401/403/413/415/429 where they
//!   apply, 200 once execution began. Otherwise the answer is `application/json` with status 200
//!   for every GraphQL error, as older clients expect.
//! - A browser asking for `text/html` without a query gets GraphiQL.
//!
//! Every refusal has the GraphQL error shape with its `extensions.code`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_graphql::{Executor, Request, parser::types::OperationType};
use axum::{
    body::Bytes,
    extract::{
        ConnectInfo, Query, State,
        rejection::{BytesRejection, FailedToBufferBody},
    },
    http::{Extensions, HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tracing::Span;

use super::{authenticate, refuse};
use crate::{
    app::App,
    domain::principal::Role,
    error::{Code, Error},
    graphql::{
        Reading, RequestContext,
        executor::{finalize_errors, refused},
        limits::operation,
    },
    service::{access::Viewer, budget::Payer},
};

/// The media type of the GraphQL-over-HTTP specification.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// How the answer is to be sent, from the request's `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
    /// `application/json` (also when `Accept` is absent or `*/*`): 200 for GraphQL errors.
    Json,
}

impl Media {
    fn of(headers: &HeaderMap) -> Self {
        if accepts(headers, GRAPHQL_RESPONSE) {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json",
        })
    }

    /// A refusal before execution, in the GraphQL error shape and this media type.
    fn refuse(self, status: StatusCode, code: Code, message: &str) -> Response {
        let mut response = refuse(status, code, message);
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, self.content_type());
        response
    }
}

/// Whether the `Accept` header lists `media` (parameters and quality values aside).
fn accepts(headers: &HeaderMap, media: &str) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|range| range.split(';').next())
        .any(|range| range.trim().eq_ignore_ascii_case(media))
}

pub(super) async fn post(
    State(app): State<Arc<App>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let media = Media::of(&headers);
    let body = match body {
        Ok(body) => body,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            return media.refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::BadUserInput,
                &format!(
                    "the request body is over {} KiB",
                    super::MAX_BODY_BYTES / 1024
                ),
            );
        }
        Err(other) => {
            return media.refuse(
                StatusCode::BAD_REQUEST,
                Code::BadUserInput,
                &other.body_text(),
            );
        }
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return media.refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::BadUserInput,
            "send the request as application/json",
        );
    }
    match parse_body(&body) {
        Ok(request) => {
            let caller = Caller::of(&extensions, &headers);
            run(&app, caller, request, media, Method::Post).await
        }
        Err(message) => media.refuse(StatusCode::BAD_REQUEST, Code::BadUserInput, &message),
    }
}

/// The parameters of a GraphQL request by GET; `variables` and `extensions` are JSON text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GetParams {
    query: Option<String>,
    variables: Option<String>,
    operation_name: Option<String>,
    extensions: Option<String>,
}

pub(super) async fn get(
    State(app): State<Arc<App>>,
    extensions: Extensions,
    headers: HeaderMap,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let media = Media::of(&headers);
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            return media.refuse(
                StatusCode::BAD_REQUEST,
                Code::BadUserInput,
                &rejection.body_text(),
            );
        }
    };
    // A persisted query names its document in `extensions` and sends no text.
    let Some(query) = params
        .query
        .or_else(|| params.extensions.is_some().then(String::new))
    else {
        if accepts(&headers, "text/html") {
            return super::console::page();
        }
        return media.refuse(
            StatusCode::BAD_REQUEST,
            Code::BadUserInput,
            "a GraphQL request by GET needs a `query` parameter",
        );
    };
    let json = |name: &str, text: Option<String>| -> Result<serde_json::Value, String> {
        match text {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| format!("the `{name}` parameter is not JSON: {e}")),
            None => Ok(serde_json::Value::Null),
        }
    };
    // The same request a POST body would carry, so both are read by one parser.
    let body = json("variables", params.variables).and_then(|variables| {
        let extensions = json("extensions", params.extensions)?;
        Ok(serde_json::json!({
            "query": query,
            "operationName": params.operation_name,
            "variables": variables,
            "extensions": if extensions.is_null() { serde_json::json!({}) } else { extensions },
        }))
    });
    let request = match body.and_then(|body| {
        serde_json::from_value::<Request>(body).map_err(|e| format!("not a GraphQL request: {e}"))
    }) {
        Ok(request) => request,
        Err(message) => return media.refuse(StatusCode::BAD_REQUEST, Code::BadUserInput, &message),
    };
    let caller = Caller::of(&extensions, &headers);
    run(&app, caller, request, media, Method::Get).await
}

/// Who sent the request: its headers, and the client's address (none where the server was not
/// started with connection info).
struct Caller<'a> {
    headers: &'a HeaderMap,
    address: Option<IpAddr>,
}

impl<'a> Caller<'a> {
    fn of(extensions: &Extensions, headers: &'a HeaderMap) -> Self {
        Self {
            headers,
            address: extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        }
    }
}

/// How the request came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// Only queries may be sent by GET: a GET must not change anything (and caches may repeat it).
fn refuse_if_not_a_query(app: &App, request: &mut Request, media: Media) -> Option<Response> {
    let document = app.schema.parse(request)?;
    let op = operation(&document, request.operation_name.as_deref())?;
    if op.ty == OperationType::Query {
        return None;
    }
    let mut refusal = media.refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        Code::BadUserInput,
        "only queries may be sent by GET: send mutations and subscriptions by POST",
    );
    refusal
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    Some(refusal)
}

/// Authenticates the caller, finds the document (a persisted one by its hash), runs it and answers
/// in the negotiated media type.
async fn run(
    app: &App,
    caller: Caller<'_>,
    mut request: Request,
    media: Media,
    method: Method,
) -> Response {
    let principal = match authenticate(app, caller.headers).await {
        Ok(principal) => principal,
        Err(Error::Unavailable(message)) => {
            return media.refuse(StatusCode::SERVICE_UNAVAILABLE, Code::Unavailable, &message);
        }
        Err(err) => {
            app.metrics.unauthenticated();
            return media.refuse(
                StatusCode::UNAUTHORIZED,
                Code::Unauthenticated,
                &err.to_string(),
            );
        }
    };
    Span::current().record("auth.role", principal.role.as_str());
    if let Err(refusal) = app
        .documents
        .resolve(&mut request, principal.role == Role::Office)
        .await
    {
        let mut response = refused(refusal);
        finalize_errors(&mut response);
        return answer(media, &response);
    }
    if method == Method::Get
        && let Some(refusal) = refuse_if_not_a_query(app, &mut request, media)
    {
        return refusal;
    }
    if let Some(operation) = &request.operation_name {
        Span::current().record("graphql.operation", operation.as_str());
    }
    // A query reads from the replica where the caller may (its own writes are there); a
    // mutation, and anything that cannot be parsed (it fails below), goes to the primary.
    let is_query = app
        .schema
        .parse(&mut request)
        .and_then(|document| {
            operation(&document, request.operation_name.as_deref()).map(|op| op.ty)
        })
        .is_some_and(|ty| ty == OperationType::Query);
    let db = if is_query {
        app.reader_for(&principal.subject).await
    } else {
        app.db.clone()
    };
    let viewer = match Viewer::new(&db, principal).await {
        Ok(viewer) => viewer,
        Err(err @ Error::Unavailable(_)) => {
            let mut response = refused(err);
            finalize_errors(&mut response);
            return answer(media, &response);
        }
        Err(err) => {
            tracing::error!(error.detail = %err_detail(&err), "could not resolve the caller");
            return media.refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                Code::Internal,
                "internal error",
            );
        }
    };
    let payer = Payer::of(&viewer.principal, caller.address);
    let context = RequestContext::new(
        db,
        viewer,
        app.bus.clone(),
        app.stats.clone(),
        app.writes.clone(),
        if is_query {
            Reading::Query
        } else {
            Reading::Changing
        },
    );
    let operation = request.operation_name.clone();
    let started = std::time::Instant::now();
    let deadline = app.edge.request_timeout;
    // Past the deadline the request's future is dropped: its work stops and its database
    // connection goes back to the pool.
    let response = match tokio::time::timeout(
        deadline,
        app.schema.execute(
            request
                .data(context)
                .data(payer)
                .data(app.revocations().clone()),
        ),
    )
    .await
    {
        Ok(response) => response,
        Err(_) => {
            app.metrics.timed_out();
            let mut response = refused(Error::Timeout(format!(
                "the request ran longer than {} ms and was stopped",
                deadline.as_millis()
            )));
            finalize_errors(&mut response);
            response
        }
    };
    app.metrics.request_answered(
        operation.as_deref(),
        started.elapsed(),
        !response.errors.is_empty(),
    );
    answer_within(media, &response, app.edge.max_response_bytes)
}

/// An answer in the negotiated media type, with its status. A spent budget (429) and a
/// database out of reach with nothing answered (503) carry their status and `Retry-After` in
/// either media type: they are the server's state, not the document's, and load balancers and
/// clients' retry links look for them.
fn answer(media: Media, response: &async_graphql::Response) -> Response {
    let unavailable = response.data == async_graphql::Value::Null
        && response
            .errors
            .iter()
            .any(|e| code_of(e).as_deref() == Some(Code::Unavailable.as_str()));
    let retry_after = retry_after(response).or(unavailable.then_some(1));
    let status = match (media, retry_after) {
        (_, Some(_)) if unavailable => StatusCode::SERVICE_UNAVAILABLE,
        (_, Some(_)) => StatusCode::TOO_MANY_REQUESTS,
        (Media::GraphqlResponse, None) => status_of(response),
        (Media::Json, None) => StatusCode::OK,
    };
    let body = match serde_json::to_vec(response) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error.detail = %err, "could not serialize an answer");
            return media.refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                Code::Internal,
                "internal error",
            );
        }
    };
    let mut answer = (status, [(header::CONTENT_TYPE, media.content_type())], body).into_response();
    if let Some(seconds) = retry_after {
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    answer
}

/// [`answer`], unless the answer is larger than `max_bytes`: then a refusal that says so.
fn answer_within(media: Media, response: &async_graphql::Response, max_bytes: usize) -> Response {
    let answered = answer(media, response);
    let size = axum::body::HttpBody::size_hint(answered.body()).exact();
    match size {
        Some(size) if size > max_bytes as u64 => {
            let mut refusal = refused(Error::bad_input(format!(
                "the answer is {size} bytes, more than the {max_bytes} one answer may be: ask \
                 for smaller pages or fewer fields"
            )));
            finalize_errors(&mut refusal);
            answer(media, &refusal)
        }
        _ => answered,
    }
}

/// The seconds a rate-limited request is told to wait (the error's `extensions.retryAfter`).
fn retry_after(response: &async_graphql::Response) -> Option<u64> {
    response.errors.iter().find_map(
        |error| match error.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        },
    )
}

/// The status of an answer under `application/graphql-response+json`: a request that never reached
/// execution (no data, and no error on a field) is the client's to fix, by its code; once
/// execution began the answer is 200 whatever its errors.
fn status_of(response: &async_graphql::Response) -> StatusCode {
    let never_ran = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if !never_ran {
        return StatusCode::OK;
    }
    match response.errors.first().and_then(code_of).as_deref() {
        Some("UNAUTHENTICATED") => StatusCode::UNAUTHORIZED,
        Some("FORBIDDEN") => StatusCode::FORBIDDEN,
        Some("RATE_LIMITED") => StatusCode::TOO_MANY_REQUESTS,
        Some("TIMEOUT") => StatusCode::GATEWAY_TIMEOUT,
        Some("UNAVAILABLE") => StatusCode::SERVICE_UNAVAILABLE,
        Some("INTERNAL") => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// An error's `extensions.code`.
fn code_of(error: &async_graphql::ServerError) -> Option<String> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code.clone()),
        _ => None,
    }
}

fn err_detail(err: &Error) -> String {
    match err {
        Error::Internal(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// One GraphQL request from a JSON body; batches (arrays) are refused. A `documentId` (the
/// persisted-documents convention) is read as `extensions.persistedQuery`.
fn parse_body(body: &[u8]) -> Result<Request, String> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    if value.is_array() {
        return Err("batched requests are not supported: send one operation per request".into());
    }
    if let Some(object) = value.as_object_mut()
        && let Some(id) = object.remove("documentId")
    {
        let extensions = object
            .entry("extensions")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions.insert(
                "persistedQuery".into(),
                serde_json::json!({ "version": 1, "sha256Hash": id }),
            );
        }
    }
    serde_json::from_value(value).map_err(|e| format!("the body is not a GraphQL request: {e}"))
}
