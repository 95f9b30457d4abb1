//! `POST /oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4) for department systems.
//! A registered API client sends its id and secret (HTTP Basic, or `client_id` and
//! `client_secret` in the form) and gets a short-lived access token signed by the hub, which it
//! uses like any other bearer token. Errors are RFC 6749 §5.2's JSON (`invalid_request`,
//! `invalid_client`, `unsupported_grant_type`, `invalid_scope`).

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::Engine;
use serde_json::json;
use std::sync::Arc;

use crate::{
    app::App,
    auth::{Claims, new_jti},
    domain::id::{Kind, encode},
    service::clients,
};

pub(super) async fn token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match issue(&app, &headers, &body).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

/// An RFC 6749 §5.2 error answer.
struct Refusal {
    status: StatusCode,
    error: &'static str,
    description: String,
    /// Ask for Basic credentials again (the client tried them).
    challenge: bool,
}

fn refuse(error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        error,
        description: description.into(),
        challenge: false,
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut response = (self.status, axum::Json(body)).into_response();
        no_store(&mut response);
        if self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"alliance-hub\""),
            );
        }
        response
    }
}

fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

async fn issue(app: &App, headers: &HeaderMap, body: &[u8]) -> Result<Response, Refusal> {
    let form_typed = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_typed {
        return Err(refuse(
            "invalid_request",
            "send the request as application/x-www-form-urlencoded",
        ));
    }
    let mut form = std::collections::HashMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if form.insert(name.to_string(), value.to_string()).is_some() {
            return Err(refuse(
                "invalid_request",
                format!("`{name}` is given twice"),
            ));
        }
    }
    match form.get("grant_type").map(String::as_str) {
        None => return Err(refuse("invalid_request", "grant_type is missing")),
        Some("client_credentials") => {}
        Some(other) => {
            return Err(refuse(
                "unsupported_grant_type",
                format!("`{other}`: this endpoint issues tokens for client_credentials only"),
            ));
        }
    }
    if form
        .get("scope")
        .is_some_and(|scope| !scope.trim().is_empty())
    {
        return Err(refuse(
            "invalid_scope",
            "a client's scope is fixed when it is registered: send no scope",
        ));
    }
    let basic = basic_credentials(headers)?;
    let in_form = (form.get("client_id"), form.get("client_secret"));
    let (client_id, secret) = match (basic.clone(), in_form) {
        (Some(_), (Some(_), _) | (_, Some(_))) => {
            return Err(refuse(
                "invalid_request",
                "send the credentials once: in the Authorization header or in the form",
            ));
        }
        (Some(credentials), _) => credentials,
        (None, (Some(id), Some(secret))) => (id.clone(), secret.clone()),
        (None, _) => {
            return Err(Refusal {
                status: StatusCode::UNAUTHORIZED,
                error: "invalid_client",
                description: "send client_id and client_secret (HTTP Basic or in the form)".into(),
                challenge: true,
            });
        }
    };
    let client = clients::authenticate(&app.db, &client_id, &secret)
        .await
        .map_err(|err| {
            tracing::error!(error.detail = %err, "cannot authenticate an API client");
            Refusal {
                status: StatusCode::SERVICE_UNAVAILABLE,
                error: "temporarily_unavailable",
                description: "try again later".into(),
                challenge: false,
            }
        })?
        .map_err(|refused| {
            tracing::info!(client.id = %client_id, reason = %refused, "API client refused");
            Refusal {
                status: StatusCode::UNAUTHORIZED,
                error: "invalid_client",
                description: "unknown client, wrong secret, or a disabled client".into(),
                challenge: basic.is_some(),
            }
        })?;
    let signed = sign_for(app, &client).map_err(|err| {
        tracing::error!(error.detail = %err, "cannot sign an API client's token");
        Refusal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "server_error",
            description: "internal error".into(),
            challenge: false,
        }
    })?;
    tracing::info!(client.id = %client.client_id, "token issued to an API client");
    let ttl = app.edge.client_token_ttl.as_secs();
    let mut response = axum::Json(json!({
        "access_token": signed,
        "token_type": "Bearer",
        "expires_in": ttl,
    }))
    .into_response();
    no_store(&mut response);
    Ok(response)
}

/// The client's access token: the hub's claims for its role and scope, its own `jti`.
fn sign_for(app: &App, client: &entity::api_client::Model) -> crate::error::Result<String> {
    let principal = clients::principal_of(client)?;
    let now = chrono::Utc::now().timestamp();
    let ttl = i64::try_from(app.edge.client_token_ttl.as_secs()).unwrap_or(i64::MAX);
    let code = |value: serde_json::Value| value.as_str().map(str::to_owned);
    let claims = Claims {
        sub: principal.subject,
        role: principal.role.as_str().to_owned(),
        dept: principal.department.and_then(|d| code(json!(d))),
        muni: principal.municipality.and_then(|m| code(json!(m))),
        alliance: principal.alliance.map(|id| encode(Kind::Alliance, id)),
        exp: now.saturating_add(ttl),
        iat: now,
        nbf: None,
        iss: app.keys.issuer().to_owned(),
        aud: app.keys.audience().to_owned(),
        jti: Some(new_jti()),
        client_id: Some(client.client_id.clone()),
        nonce: None,
    };
    app.keys.sign(&claims)
}

/// `Authorization: Basic` credentials, each part form-urlencoded (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || Refusal {
        status: StatusCode::UNAUTHORIZED,
        error: "invalid_client",
        description: "the Authorization header must be `Basic base64(client_id:client_secret)`"
            .into(),
        challenge: true,
    };
    let encoded = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .ok_or_else(bad)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(bad)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let decode = |part: &str| {
        form_urlencoded::parse(format!("v={part}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((decode(id), decode(secret))))
}
