//! Identity as operators and department systems meet it: an OpenID provider's rotating key set
//! (JWKS) and its own claim names, API clients with client credentials, and revocation across
//! replicas and open subscriptions.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use alliance_hub::auth::{
    LEEWAY_SECONDS, Source,
    sources::{IdentityFile, plan},
};
use axum::{Json, Router, extract::State, http::StatusCode, response::IntoResponse, routing::get};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, department, error_code, office},
    subscriptions::Subscriber,
};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/keys/");
const PROVIDER: &str = "https://sso.nx.example/realms/gov";

/// A signing key of the provider, with its kid.
struct ProviderKey {
    kid: &'static str,
    algorithm: Algorithm,
    key: EncodingKey,
}

impl ProviderKey {
    fn rsa(kid: &'static str) -> Self {
        let pem = std::fs::read(format!("{KEYS}rs256.pem")).unwrap();
        Self {
            kid,
            algorithm: Algorithm::RS256,
            key: EncodingKey::from_rsa_pem(&pem).unwrap(),
        }
    }

    fn ec(kid: &'static str) -> Self {
        let pem = std::fs::read(format!("{KEYS}es256.pem")).unwrap();
        Self {
            kid,
            algorithm: Algorithm::ES256,
            key: EncodingKey::from_ec_pem(&pem).unwrap(),
        }
    }

    fn jwk(&self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.key, self.algorithm).unwrap();
        jwk.common.key_id = Some(self.kid.to_owned());
        serde_json::to_value(jwk).unwrap()
    }

    /// A token shaped like a Keycloak access token, as this key signs it (`kid` may be a lie).
    fn sign(&self, kid: &str, claims: &Value) -> String {
        let header = Header {
            kid: Some(kid.to_owned()),
            typ: Some("JWT".into()),
            ..Header::new(self.algorithm)
        };
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }
}

/// Keycloak's claims for a user with these realm roles.
fn keycloak_claims(user: &str, roles: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "exp": now + 300, "iat": now, "jti": format!("{:x}", rand::random::<u64>()),
        "iss": PROVIDER, "aud": ["account", "alliance-hub"], "sub": "f81d4fae-7dec-11d0-a765",
        "typ": "Bearer", "azp": "alliance-dashboard", "scope": "openid profile",
        "preferred_username": user, "realm_access": {"roles": roles},
    })
}

/// A provider's JWKS endpoint, whose keys and availability the test changes as it runs.
#[derive(Default)]
struct Provider {
    keys: Vec<Value>,
    up: bool,
    fetches: usize,
}

async fn certs(State(provider): State<Arc<Mutex<Provider>>>) -> axum::response::Response {
    let mut provider = provider.lock().unwrap();
    provider.fetches += 1;
    if !provider.up {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    (
        [("cache-control", "max-age=3600")],
        Json(json!({ "keys": provider.keys })),
    )
        .into_response()
}

async fn serve_provider(provider: Arc<Mutex<Provider>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/certs", get(certs))
        .with_state(provider);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/certs")
}

/// The identity file's source for the provider, mapping Keycloak's realm roles.
async fn keycloak_source(jwks_url: &str) -> Source {
    let file: IdentityFile = serde_json::from_value(json!({"sources": [{
        "name": "gov-sso",
        "issuer": PROVIDER,
        "audience": "alliance-hub",
        "algorithms": ["RS256", "ES256"],
        "jwks_url": jwks_url,
        "mapping": {
            "claims": {
                "subject": "preferred_username",
                "role": "realm_access.roles",
                "department": "realm_access.roles"
            },
            "roles": {"gxt-office": "OFFICE", "dept:TAX": "DEPARTMENT", "dept:DST": "DEPARTMENT"},
            "departments": {"dept:TAX": "TAX", "dept:DST": "DST"}
        }
    }]}))
    .unwrap();
    let mut planned = plan(file.sources, "HUB_IDENTITY_FILE").unwrap();
    planned.remove(0).start().await
}

const VIEWER: &str = "{ viewer { subject role department { code } } }";

async fn ask(url: &str, token: &str, query: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_providers_rotating_key_set_is_followed_and_survives_an_outage() {
    let app = TestApp::spawn().await;
    let (first, second) = (ProviderKey::rsa("k1"), ProviderKey::ec("k2"));
    let provider = Arc::new(Mutex::new(Provider {
        keys: vec![first.jwk()],
        up: true,
        fetches: 0,
    }));
    let jwks_url = serve_provider(provider.clone()).await;
    let (url, _) = app
        .replica_with_sources(vec![keycloak_source(&jwks_url).await])
        .await;
    let fetches = || provider.lock().unwrap().fetches;
    assert_eq!(fetches(), 1, "the key set is fetched at start-up");

    // A Keycloak token: the realm role `dept:TAX` is the hub's DEPARTMENT of TAX.
    let token = first.sign(
        "k1",
        &keycloak_claims("zhang.san", &["offline_access", "dept:TAX"]),
    );
    let (status, answer) = ask(&url, &token, VIEWER).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["viewer"]["role"], "DEPARTMENT");
    assert_eq!(answer["data"]["viewer"]["department"]["code"], "TAX");
    assert_eq!(answer["data"]["viewer"]["subject"], "gov-sso:zhang.san");

    // The provider rotates to a new key: its first token fetches the set again, once.
    provider.lock().unwrap().keys = vec![second.jwk()];
    let rotated = second.sign("k2", &keycloak_claims("li.si", &["gxt-office"]));
    let (status, answer) = ask(&url, &rotated, VIEWER).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["data"]["viewer"]["role"], "OFFICE");
    assert_eq!(fetches(), 2);

    // A stream of made-up kids does not make the hub fetch again and again.
    for kid in ["k3", "k4", "k5"] {
        let forged = second.sign(kid, &keycloak_claims("mallory", &["gxt-office"]));
        let (status, answer) = ask(&url, &forged, VIEWER).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(error_code(&answer).as_deref(), Some("UNAUTHENTICATED"));
    }
    assert_eq!(
        fetches(),
        2,
        "an unknown kid fetches at most every few minutes"
    );

    // The provider goes down: the keys already fetched stay in use.
    provider.lock().unwrap().up = false;
    let (status, answer) = ask(&url, &rotated, VIEWER).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Refused with the reason in the log: no role the hub knows; another issuer; a retired key.
    for token in [
        second.sign("k2", &keycloak_claims("wang.wu", &["offline_access"])),
        second.sign("k2", &json!({"iss": "https://elsewhere.example", "aud": "alliance-hub", "exp": chrono::Utc::now().timestamp() + 60, "preferred_username": "x", "realm_access": {"roles": ["gxt-office"]}})),
        token,
    ] {
        let (status, answer) = ask(&url, &token, VIEWER).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    }
    // The hub's own tokens are still accepted beside the provider's.
    let (status, _) = ask(&url, &app.token(&office()), VIEWER).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_provider_never_reached_makes_its_tokens_unavailable_not_forged() {
    let app = TestApp::spawn().await;
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let jwks_url = format!("http://{}/certs", closed.local_addr().unwrap());
    drop(closed);
    let (url, _) = app
        .replica_with_sources(vec![keycloak_source(&jwks_url).await])
        .await;
    let token = ProviderKey::rsa("k1").sign("k1", &keycloak_claims("zhang.san", &["dept:TAX"]));
    let (status, answer) = ask(&url, &token, VIEWER).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert_eq!(error_code(&answer).as_deref(), Some("UNAVAILABLE"));
}

// ---- API clients ---------------------------------------------------------------------------

const REGISTER: &str = "mutation($input: RegisterApiClientInput!) { registerApiClient(input: $input) { clientSecret client { id clientId role department version } } }";

/// Asks `/oauth/token` with the client's id and secret in HTTP Basic.
async fn client_token(app: &TestApp, client_id: &str, secret: &str) -> reqwest::Response {
    app.client()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
}

async fn access_token(app: &TestApp, client_id: &str, secret: &str) -> String {
    let response = client_token(app, client_id, secret).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_department_system_signs_in_with_client_credentials_and_asks_for_memberships() {
    let app = TestApp::spawn().await;
    let dst = department("DST");
    // A department registers its own system; it may not register another's or an office one.
    let registered = app
        .data_as(
            Some(&dst),
            REGISTER,
            json!({"input": {"name": "科技厅项目库夜间同步", "role": "DEPARTMENT", "department": "DST"}}),
        )
        .await;
    let client = &registered["registerApiClient"]["client"];
    let client_id = client["clientId"].as_str().unwrap().to_owned();
    let secret = registered["registerApiClient"]["clientSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    for input in [
        json!({"name": "x", "role": "OFFICE"}),
        json!({"name": "x", "role": "DEPARTMENT", "department": "TAX"}),
    ] {
        let answer = app
            .query_as(Some(&dst), REGISTER, json!({ "input": input }))
            .await;
        assert_eq!(
            error_code(&answer).as_deref(),
            Some("FORBIDDEN"),
            "{answer}"
        );
    }
    let answer = app
        .query_as(
            Some(&office()),
            REGISTER,
            json!({"input": {"name": "x", "role": "DEPARTMENT"}}),
        )
        .await;
    assert_eq!(
        error_code(&answer).as_deref(),
        Some("BAD_USER_INPUT"),
        "{answer}"
    );

    // The nightly sync: a token for the client's id and secret, then a batch lookup by USCC.
    let token = access_token(&app, &client_id, &secret).await;
    let uscc = app
        .data("{ enterprises(first: 1) { nodes { uscc } } }", json!({}))
        .await["enterprises"]["nodes"][0]["uscc"]
        .clone();
    let (status, answer) = ask(
        &app.url,
        &token,
        &format!("{{ viewer {{ subject role department {{ code }} }} membershipsByUscc(usccs: [{uscc}]) {{ uscc memberships {{ alliance {{ code }} }} }} }}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(answer.get("errors").is_none(), "{answer}");
    assert_eq!(answer["data"]["viewer"]["role"], "DEPARTMENT");
    assert_eq!(
        answer["data"]["viewer"]["subject"],
        format!("client:{client_id}")
    );
    // The same token opens the other entrances: an export.
    let export = app
        .client()
        .get(format!("{}/export/organizations?format=csv", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);

    // Credentials in the form body work too; wrong ones, other grants and other bodies do not.
    let in_body = app
        .client()
        .post(format!("{}/oauth/token", app.url))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(in_body.status(), StatusCode::OK);
    let wrong = client_token(&app, &client_id, "not-the-secret").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().contains_key("www-authenticate"));
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    let password = app
        .client()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(password.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        password.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let json_body = app
        .client()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&client_id, Some(&secret))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_body.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );

    // The department sees its client with its last use; the office sees every client.
    let listed = app
        .data_as(
            Some(&dst),
            "{ apiClients { clientId lastUsedAt } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["apiClients"][0]["clientId"], client_id.as_str());
    assert!(listed["apiClients"][0]["lastUsedAt"].is_string());
    let tax = app
        .data_as(
            Some(&department("TAX")),
            "{ apiClients { clientId } }",
            json!({}),
        )
        .await;
    assert_eq!(tax["apiClients"], json!([]));

    // The audit trail holds every change, never a secret or its hash.
    let audited: Vec<String> = <entity::audit_event::Entity as sea_orm::EntityTrait>::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "api_client")
        .filter_map(|e| e.after_state)
        .collect();
    // The registration (the two refusals are audited too, with no state).
    assert_eq!(audited.len(), 1);
    assert!(
        audited
            .iter()
            .all(|after| !after.contains("argon2") && !after.contains(&secret))
    );
}

#[tokio::test]
async fn a_rotated_secret_keeps_working_for_its_grace_period_and_a_disabled_client_is_shut_out() {
    let app = TestApp::spawn().await;
    let registered = app
        .data(
            REGISTER,
            json!({"input": {"name": "统计局看板", "role": "ANALYST"}}),
        )
        .await;
    let client = registered["registerApiClient"]["client"].clone();
    let client_id = client["clientId"].as_str().unwrap().to_owned();
    let first = registered["registerApiClient"]["clientSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    const ROTATE: &str = "mutation($input: RotateApiClientSecretInput!) { rotateApiClientSecret(input: $input) { clientSecret client { version previousSecretValidUntil } } }";
    let rotated = app
        .data(
            ROTATE,
            json!({"input": {"id": client["id"], "expectedVersion": 1}}),
        )
        .await;
    let second = rotated["rotateApiClientSecret"]["clientSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(rotated["rotateApiClientSecret"]["client"]["previousSecretValidUntil"].is_string());
    access_token(&app, &client_id, &first).await;
    let token = access_token(&app, &client_id, &second).await;
    // Rotated again without grace: only the newest secret works.
    let third = app
        .data(
            ROTATE,
            json!({"input": {"id": client["id"], "expectedVersion": 2, "graceSeconds": 0}}),
        )
        .await["rotateApiClientSecret"]["clientSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        client_token(&app, &client_id, &second).await.status(),
        StatusCode::UNAUTHORIZED
    );
    access_token(&app, &client_id, &third).await;

    // Disabled: the token it holds stops working, and it gets no new one.
    let (status, _) = ask(&app.url, &token, VIEWER).await;
    assert_eq!(status, StatusCode::OK);
    let answer = app
        .query_as(
            Some(&office()),
            "mutation($input: DisableApiClientInput!) { disableApiClient(input: $input) { client { disabledAt } } }",
            json!({"input": {"id": client["id"], "expectedVersion": 3}}),
        )
        .await;
    assert!(
        answer["data"]["disableApiClient"]["client"]["disabledAt"].is_string(),
        "{answer}"
    );
    let (status, _) = ask(&app.url, &token, VIEWER).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        client_token(&app, &client_id, &third).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // A client is found by node id by those who manage it, and only by them.
    let node = "query($id: ID!) { node(id: $id) { ... on ApiClient { clientId } } }";
    let seen = app.data(node, json!({"id": client["id"]})).await;
    assert_eq!(seen["node"]["clientId"], client_id.as_str());
    let hidden = app
        .data_as(Some(&department("DST")), node, json!({"id": client["id"]}))
        .await;
    assert_eq!(hidden["node"], Value::Null);
}

// ---- revocation ----------------------------------------------------------------------------

/// Waits until `replica` knows that the token is revoked (it reads revocations every few
/// seconds); bounded, and woken by the replica itself rather than by sleeping.
async fn until_revoked_on(replica: &alliance_hub::app::App, subject: &str, jti: Option<&str>) {
    let revocations = replica.revocations().clone();
    let mut watch = revocations.watch();
    tokio::time::timeout(Duration::from_secs(20), async {
        while revocations
            .revoked(subject, jti, Some(chrono::Utc::now().timestamp() - 5))
            .is_none()
        {
            watch.changed().await.unwrap();
        }
    })
    .await
    .expect("the replica learns of the revocation");
}

#[tokio::test]
async fn a_revoked_token_or_subject_is_refused_by_every_replica() {
    let app = TestApp::spawn().await;
    let (second_url, second) = app.replica_with_sources(Vec::new()).await;
    let analyst = crate::helpers::analyst();
    let token = app.token(&analyst);
    let claims = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .unwrap()
        .claims;
    let (subject, jti) = (
        claims["sub"].as_str().unwrap().to_owned(),
        claims["jti"].as_str().unwrap().to_owned(),
    );
    for url in [&app.url, &second_url] {
        assert_eq!(ask(url, &token, VIEWER).await.0, StatusCode::OK);
    }
    // Only the office revokes.
    let revoke =
        "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { revocation { jti } } }";
    let answer = app
        .query_as(
            Some(&department("DST")),
            revoke,
            json!({"input": {"token": token}}),
        )
        .await;
    assert_eq!(error_code(&answer).as_deref(), Some("FORBIDDEN"));
    let answer = app
        .data(revoke, json!({"input": {"token": token, "reason": "泄露"}}))
        .await;
    assert_eq!(answer["revokeToken"]["revocation"]["jti"], jti.as_str());
    // Refused at once where it was revoked, and on the other replica once it has read it.
    assert_eq!(
        ask(&app.url, &token, VIEWER).await.0,
        StatusCode::UNAUTHORIZED
    );
    until_revoked_on(&second, &subject, Some(&jti)).await;
    assert_eq!(
        ask(&second_url, &token, VIEWER).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Another token of the same subject still works, until the subject is signed out.
    let other = app.token(&analyst);
    assert_eq!(ask(&second_url, &other, VIEWER).await.0, StatusCode::OK);
    app.data(
        "mutation($input: RevokeSubjectTokensInput!) { revokeSubjectTokens(input: $input) { revocation { subject notBefore } } }",
        json!({"input": {"subject": subject}}),
    )
    .await;
    until_revoked_on(&second, &subject, None).await;
    assert_eq!(
        ask(&second_url, &other, VIEWER).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_subscription_is_closed_when_its_token_is_revoked_or_expires() {
    let app = TestApp::spawn().await;
    let analyst = crate::helpers::analyst();
    let token = app.token(&analyst);
    let mut subscriber = Subscriber::connect(&app.url, Some(&token)).await.unwrap();
    subscriber
        .subscribe("subscription { changes { type } }", json!({}))
        .await;
    app.data(
        "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { revocation { jti } } }",
        json!({"input": {"token": token}}),
    )
    .await;
    let closed = subscriber.closed(Duration::from_secs(10)).await;
    assert_eq!(closed, Some((4403, "Token revoked".to_owned())));

    // A token at the end of its life (accepted within the clock leeway) closes as it expires.
    let mut claims = crate::helpers::claims(&analyst);
    claims.exp = chrono::Utc::now().timestamp() - LEEWAY_SECONDS as i64 + 2;
    let expiring = crate::helpers::keys(crate::helpers::SECRET)
        .sign(&claims)
        .unwrap();
    let mut subscriber = Subscriber::connect(&app.url, Some(&expiring))
        .await
        .unwrap();
    subscriber
        .subscribe("subscription { changes { type } }", json!({}))
        .await;
    let closed = subscriber.closed(Duration::from_secs(10)).await;
    assert_eq!(closed, Some((4403, "Token expired".to_owned())));
}

#[tokio::test]
async fn a_wrong_identity_setting_stops_the_server_at_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("identity.json");
    std::fs::write(
        &file,
        json!({"sources": [{"name": "gov-sso", "issuer": PROVIDER, "audience": "alliance-hub",
            "algorithms": ["HS256"], "jwks_url": "https://sso.nx.example/certs"}]})
        .to_string(),
    )
    .unwrap();
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_alliance-hub"))
        .arg("serve")
        .env("HUB_DATA_DIR", dir.path())
        .env("HUB_LISTEN", "127.0.0.1:0")
        .env("HUB_IDENTITY_FILE", &file)
        .env_remove("DATABASE_URL")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("the server stops by itself")
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("HUB_IDENTITY_FILE: sources[0] (gov-sso).algorithms"),
        "{said}"
    );
}
