//! Tokens: none is PUBLIC; anything wrong is 401 UNAUTHENTICATED, never a silent PUBLIC.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, claims, department, error_code, keys, office};

async fn status_and_body(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app
        .post("/graphql")
        .await
        .bearer_auth(token)
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn assert_refused(app: &TestApp, token: &str, why: &str) {
    let (status, body) = status_and_body(app, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_eq!(
        error_code(&body).as_deref(),
        Some("UNAUTHENTICATED"),
        "{why}: {body}"
    );
    assert!(
        body.get("data").is_none(),
        "{why}: a refused request must not run: {body}"
    );
}

#[tokio::test]
async fn no_token_is_public() {
    let app = TestApp::spawn().await;
    let data = app
        .data_as(None, "{ viewer { role subject capabilities } }", json!({}))
        .await;
    assert_eq!(data["viewer"]["role"], "PUBLIC");
    assert_eq!(
        data["viewer"]["capabilities"],
        json!(["READ_REFERENCE_DATA", "READ_FOUNDED_ALLIANCES"])
    );
}

#[tokio::test]
async fn a_valid_token_is_its_role() {
    let app = TestApp::spawn().await;
    let data = app
        .data_as(
            Some(&department("DST")),
            "{ viewer { role department { code } capabilities } }",
            json!({}),
        )
        .await;
    assert_eq!(data["viewer"]["role"], "DEPARTMENT");
    assert_eq!(data["viewer"]["department"]["code"], "DST");
    assert!(
        data["viewer"]["capabilities"]
            .as_array()
            .unwrap()
            .contains(&json!("WRITE_OWN_SUPPORT_MEASURES"))
    );
}

#[tokio::test]
async fn garbage_is_refused() {
    let app = TestApp::spawn().await;
    assert_refused(&app, "not-a-token", "garbage").await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let mut expired = claims(&office());
    expired.exp = chrono::Utc::now().timestamp() - 3600;
    assert_refused(
        &app,
        &keys(crate::helpers::SECRET).sign(&expired).unwrap(),
        "expired",
    )
    .await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let mut other = claims(&office());
    other.iss = "someone-else".into();
    assert_refused(
        &app,
        &keys(crate::helpers::SECRET).sign(&other).unwrap(),
        "wrong issuer",
    )
    .await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let app = TestApp::spawn().await;
    let mut other = claims(&office());
    other.aud = "another-service".into();
    assert_refused(
        &app,
        &keys(crate::helpers::SECRET).sign(&other).unwrap(),
        "wrong audience",
    )
    .await;
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = TestApp::spawn().await;
    let forged = keys("a-different-secret-of-enough-length!!")
        .sign(&claims(&office()))
        .unwrap();
    assert_refused(&app, &forged, "wrong key").await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = TestApp::spawn().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(&office())).unwrap());
    assert_refused(&app, &format!("{header}.{payload}."), "alg none").await;
}

#[tokio::test]
async fn an_unknown_role_is_refused() {
    let app = TestApp::spawn().await;
    let token = keys(crate::helpers::SECRET)
        .sign(&claims(&As {
            role: "SUPERUSER",
            ..Default::default()
        }))
        .unwrap();
    assert_refused(&app, &token, "unknown role").await;
    let token = keys(crate::helpers::SECRET)
        .sign(&claims(&As {
            role: "PUBLIC",
            ..Default::default()
        }))
        .unwrap();
    assert_refused(&app, &token, "PUBLIC is no token role").await;
}

#[tokio::test]
async fn a_department_token_without_dept_is_refused() {
    let app = TestApp::spawn().await;
    let token = keys(crate::helpers::SECRET)
        .sign(&claims(&As {
            role: "DEPARTMENT",
            ..Default::default()
        }))
        .unwrap();
    assert_refused(&app, &token, "no dept").await;
    let token = keys(crate::helpers::SECRET)
        .sign(&claims(&As {
            role: "DEPARTMENT",
            dept: Some("NOPE"),
            ..Default::default()
        }))
        .unwrap();
    assert_refused(&app, &token, "unknown dept").await;
}

#[tokio::test]
async fn a_malformed_authorization_header_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/graphql")
        .await
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_secretariat_token_names_its_alliance() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let data = app
        .data_as(
            Some(&crate::helpers::secretariat(&alliance)),
            "{ viewer { role alliance { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["viewer"]["alliance"]["code"], "YMA-NMAT");
}

mod asymmetric_keys {
    use alliance_hub::{
        auth::{JwtKeys, PublicKey},
        domain::principal::Role,
    };
    use jsonwebtoken::{Algorithm, EncodingKey, Header};

    use crate::helpers::{ISSUER, claims, office};

    const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/keys/");

    fn pem(name: &str) -> String {
        std::fs::read_to_string(format!("{KEYS}{name}")).unwrap()
    }

    fn server_keys() -> JwtKeys {
        let public = [
            PublicKey {
                algorithm: Algorithm::RS256,
                pem: pem("rs256.pub.pem"),
            },
            PublicKey {
                algorithm: Algorithm::ES256,
                pem: pem("es256.pub.pem"),
            },
            PublicKey {
                algorithm: Algorithm::EdDSA,
                pem: pem("ed25519.pub.pem"),
            },
        ];
        JwtKeys::new(
            crate::helpers::SECRET.as_bytes().to_vec(),
            &public,
            ISSUER.into(),
            ISSUER.into(),
        )
        .unwrap()
    }

    fn sign(algorithm: Algorithm, key: &EncodingKey) -> String {
        jsonwebtoken::encode(&Header::new(algorithm), &claims(&office()), key).unwrap()
    }

    #[test]
    fn tokens_signed_with_a_configured_rs256_es256_or_eddsa_key_are_accepted() {
        let keys = server_keys();
        let rs = EncodingKey::from_rsa_pem(pem("rs256.pem").as_bytes()).unwrap();
        let es = EncodingKey::from_ec_pem(pem("es256.pem").as_bytes()).unwrap();
        let ed = EncodingKey::from_ed_pem(pem("ed25519.pem").as_bytes()).unwrap();
        for (algorithm, key) in [
            (Algorithm::RS256, rs),
            (Algorithm::ES256, es),
            (Algorithm::EdDSA, ed),
        ] {
            let principal = keys
                .verify(&sign(algorithm, &key))
                .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
            assert_eq!(principal.role, Role::Office);
        }
    }

    #[test]
    fn an_asymmetric_token_is_refused_when_its_key_is_not_configured() {
        let keys = JwtKeys::new(
            crate::helpers::SECRET.as_bytes().to_vec(),
            &[],
            ISSUER.into(),
            ISSUER.into(),
        )
        .unwrap();
        let ed = EncodingKey::from_ed_pem(pem("ed25519.pem").as_bytes()).unwrap();
        assert!(keys.verify(&sign(Algorithm::EdDSA, &ed)).is_err());
    }

    #[test]
    fn the_public_key_used_as_an_hmac_secret_is_refused() {
        // The classic algorithm-confusion forgery: HS256 "signed" with the server's public key.
        let forged = sign(
            Algorithm::HS256,
            &EncodingKey::from_secret(pem("rs256.pub.pem").as_bytes()),
        );
        assert!(server_keys().verify(&forged).is_err());
    }

    #[test]
    fn a_token_of_an_algorithm_without_a_configured_key_is_refused() {
        let other = EncodingKey::from_ed_pem(pem("ed25519.pem").as_bytes()).unwrap();
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some("unknown".into());
        let token = jsonwebtoken::encode(&header, &claims(&office()), &other).unwrap();
        let keys = JwtKeys::new(
            crate::helpers::SECRET.as_bytes().to_vec(),
            &[PublicKey {
                algorithm: Algorithm::RS256,
                pem: pem("rs256.pub.pem"),
            }],
            ISSUER.into(),
            ISSUER.into(),
        )
        .unwrap();
        assert!(keys.verify(&token).is_err());
    }
}

/// A token of any claims and `typ`, signed with the server's secret.
fn signed(claims: Value, typ: Option<&str>) -> String {
    let header = jsonwebtoken::Header {
        typ: typ.map(str::to_owned),
        ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
    };
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::SECRET.as_bytes()),
    )
    .unwrap()
}

/// The claims of a valid OFFICE token, to spoil one at a time.
fn office_claims() -> Value {
    serde_json::to_value(claims(&office())).unwrap()
}

#[tokio::test]
async fn dates_are_checked_in_full_and_must_be_numbers() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let with = |name: &str, value: Value| {
        let mut claims = office_claims();
        claims[name] = value;
        signed(claims, Some("JWT"))
    };
    assert_refused(&app, &with("nbf", json!(now + 3600)), "nbf in an hour").await;
    assert_refused(
        &app,
        &with("nbf", json!((now + 3600).to_string())),
        "nbf as text",
    )
    .await;
    assert_refused(
        &app,
        &with("exp", json!((now + 3600).to_string())),
        "exp as text",
    )
    .await;
    assert_refused(&app, &with("iat", json!(now + 3600)), "issued in an hour").await;
    let mut no_exp = office_claims();
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_refused(&app, &signed(no_exp, None), "no exp").await;
    // Within the leeway, and in the past, they are honoured.
    let (status, body) = status_and_body(&app, &with("nbf", json!(now + 5))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = status_and_body(&app, &with("nbf", json!(now - 60))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn only_access_tokens_are_accepted() {
    let app = TestApp::spawn().await;
    for typ in ["refresh+jwt", "id_token+jwt", "dpop+jwt"] {
        assert_refused(&app, &signed(office_claims(), Some(typ)), typ).await;
    }
    let mut id_token = office_claims();
    id_token["nonce"] = json!("n-0S6_WzA2Mj");
    assert_refused(&app, &signed(id_token, Some("JWT")), "an ID token").await;
    for typ in [
        Some("at+jwt"),
        Some("application/at+JWT"),
        Some("JWT"),
        None,
    ] {
        let (status, body) = status_and_body(&app, &signed(office_claims(), typ)).await;
        assert_eq!(status, StatusCode::OK, "{typ:?}: {body}");
        assert_eq!(body["data"]["viewer"]["role"], "OFFICE", "{body}");
    }
}

#[tokio::test]
async fn a_refusal_names_no_reason_to_the_caller() {
    let app = TestApp::spawn().await;
    let mut expired = office_claims();
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let (status, body) = status_and_body(&app, &signed(expired, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["message"], "invalid token", "{body}");
}

/// A key rotation: the new secret signs, the previous one still verifies the tokens it signed
/// (each token names its key by `kid`), and once it is dropped its tokens are refused.
#[test]
fn during_a_rotation_tokens_of_the_previous_secret_stay_valid_until_it_is_dropped() {
    use alliance_hub::auth::{JwtKeys, key_id};
    const OLD: &str = "the-secret-being-rotated-out-of-service!!";
    const NEW: &str = "the-secret-that-signs-from-today-onwards!!";
    let keys = |secret: &str, previous: Option<&str>| {
        JwtKeys::new(
            secret.as_bytes().to_vec(),
            &[],
            crate::helpers::ISSUER.into(),
            crate::helpers::ISSUER.into(),
        )
        .unwrap()
        .with_previous_secret(previous.map(|p| p.as_bytes().to_vec()))
    };
    let claims = crate::helpers::claims(&office());
    let old_token = keys(OLD, None).sign(&claims).unwrap();
    let new_token = keys(NEW, None).sign(&claims).unwrap();
    let header = jsonwebtoken::decode_header(&old_token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(key_id(OLD.as_bytes()).as_str()));
    assert_ne!(key_id(OLD.as_bytes()), key_id(NEW.as_bytes()));

    let rotating = keys(NEW, Some(OLD));
    assert!(rotating.verify(&old_token).is_ok());
    assert!(rotating.verify(&new_token).is_ok());
    let rotated = keys(NEW, None);
    let refused = rotated.verify(&old_token).unwrap_err().to_string();
    assert!(refused.contains("kid"), "{refused}");
    assert!(rotated.verify(&new_token).is_ok());
    // A token without `kid` (minted before rotations) is checked with the current secret.
    let plain = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            typ: Some("at+jwt".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(NEW.as_bytes()),
    )
    .unwrap();
    assert!(rotated.verify(&plain).is_ok());
}
