//! Authentication at the edge: a bearer token verified and turned into the [`Principal`] that the
//! service layer authorizes (who the caller is lives in [`crate::domain::principal`]).
//!
//! A missing token is [`Role::Public`]. A token that is present but malformed, expired, forged,
//! from another issuer or audience, or that names an unknown role, is an error: never a silent
//! downgrade to PUBLIC.

use std::collections::HashSet;

use entity::enums::{DepartmentCode, MunicipalityCode};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{
    domain::principal::{Principal, Role},
    error::Error,
};

/// The claims of DESIGN.md, as they travel in the token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muni: Option<String>,
    /// The alliance's GraphQL `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alliance: Option<String>,
    pub exp: i64,
    pub iat: i64,
    /// Not before: the token is refused until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub iss: String,
    pub aud: String,
    /// Present in OpenID Connect ID tokens, which are no access tokens.
    #[serde(default, skip_serializing)]
    pub nonce: Option<serde_json::Value>,
}

/// How far clocks may disagree: `exp`, `nbf` and `iat` are honoured with this leeway.
pub const LEEWAY_SECONDS: u64 = 30;

/// The `typ` headers accepted by default: RFC 9068's access-token type and plain `JWT` (a token
/// without `typ` is accepted too). A refresh or ID token typed as such is refused.
pub const ACCEPTED_TYPES: [&str; 2] = ["at+jwt", "JWT"];

/// A public key for an asymmetric algorithm, given as PEM (EdDSA: an Ed25519 public key).
#[derive(Debug, Clone)]
pub struct PublicKey {
    pub algorithm: Algorithm,
    pub pem: String,
}

/// The keys the server verifies with (and signs with, for `token`).
#[derive(Clone)]
pub struct JwtKeys {
    secret: Vec<u8>,
    /// The secret being rotated out: still accepted, never used to sign.
    previous_secret: Option<Vec<u8>>,
    public_keys: Vec<(Algorithm, DecodingKey)>,
    issuer: String,
    audience: String,
    /// `typ` headers accepted (compared without case and without an `application/` prefix).
    types: Vec<String>,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    pub fn new(
        secret: Vec<u8>,
        public_keys: &[PublicKey],
        issuer: String,
        audience: String,
    ) -> Result<Self, Error> {
        let public_keys = public_keys
            .iter()
            .map(|key| {
                let decoding = match key.algorithm {
                    Algorithm::RS256 => DecodingKey::from_rsa_pem(key.pem.as_bytes()),
                    Algorithm::ES256 => DecodingKey::from_ec_pem(key.pem.as_bytes()),
                    Algorithm::EdDSA => DecodingKey::from_ed_pem(key.pem.as_bytes()),
                    other => {
                        return Err(Error::bad_input(format!(
                            "unsupported public-key algorithm {other:?}"
                        )));
                    }
                };
                decoding.map(|d| (key.algorithm, d)).map_err(|e| {
                    Error::bad_input(format!(
                        "the {:?} public key is not valid PEM: {e}",
                        key.algorithm
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            secret,
            previous_secret: None,
            public_keys,
            issuer,
            audience,
            types: ACCEPTED_TYPES.map(str::to_owned).to_vec(),
        })
    }

    /// Also accepts tokens signed with the secret being rotated out (`HUB_JWT_PREVIOUS_SECRET`).
    pub fn with_previous_secret(mut self, previous: Option<Vec<u8>>) -> Self {
        self.previous_secret = previous;
        self
    }

    /// Accepts these `typ` headers instead of [`ACCEPTED_TYPES`] (`HUB_JWT_TYPES`).
    pub fn with_types(mut self, types: Vec<String>) -> Self {
        if !types.is_empty() {
            self.types = types;
        }
        self
    }

    fn accepts_type(&self, typ: Option<&str>) -> bool {
        let plain = |t: &str| {
            let t = t.trim().to_ascii_lowercase();
            t.strip_prefix("application/")
                .map(str::to_owned)
                .unwrap_or(t)
        };
        match typ {
            None => true,
            Some(typ) => self
                .types
                .iter()
                .any(|accepted| plain(accepted) == plain(typ)),
        }
    }

    /// Verifies a bearer token and turns it into a [`Principal`]. The algorithm is pinned by the
    /// keys configured: HS256 with the secret, or the algorithm of a configured public key.
    /// `exp` is required and `nbf` and `iat` honoured (numbers only, with [`LEEWAY_SECONDS`]);
    /// the `typ` header must be an accepted one, and an ID token (`nonce`) is refused. The
    /// error's text is the reason, for the server's log: the edge answers only "invalid token".
    pub fn verify(&self, token: &str) -> Result<Principal, Error> {
        let unauthenticated = |why: &str| Error::Unauthenticated(format!("invalid token: {why}"));
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| unauthenticated("malformed"))?;
        if !self.accepts_type(header.typ.as_deref()) {
            return Err(unauthenticated(&format!(
                "typ `{}` is not an access token's",
                header.typ.unwrap_or_default()
            )));
        }
        let hmac;
        let key = if header.alg == Algorithm::HS256 {
            hmac = DecodingKey::from_secret(self.hs256_secret(header.kid.as_deref())?);
            &hmac
        } else {
            self.public_keys
                .iter()
                .find(|(alg, _)| *alg == header.alg)
                .map(|(_, key)| key)
                .ok_or_else(|| unauthenticated("algorithm not accepted"))?
        };
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => unauthenticated("expired"),
                K::ImmatureSignature => unauthenticated("not valid yet (nbf)"),
                K::InvalidIssuer => unauthenticated("wrong issuer"),
                K::InvalidAudience => unauthenticated("wrong audience"),
                K::InvalidSignature => unauthenticated("bad signature"),
                K::MissingRequiredClaim(claim) => {
                    unauthenticated(&format!("missing claim `{claim}`"))
                }
                _ => unauthenticated("malformed"),
            }
        })?;
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp();
        if claims.iat > now.saturating_add(LEEWAY_SECONDS as i64) {
            return Err(unauthenticated("issued in the future (iat)"));
        }
        if claims.nonce.is_some() {
            return Err(unauthenticated(
                "an ID token (nonce) is not an access token",
            ));
        }
        principal_from_claims(&claims).map_err(|e| unauthenticated(&e))
    }

    /// The HS256 secret a token's `kid` names: the current secret's or the previous one's; a
    /// token without `kid` (signed before rotation was configured) is checked with the current.
    fn hs256_secret(&self, kid: Option<&str>) -> Result<&[u8], Error> {
        let Some(kid) = kid else {
            return Ok(&self.secret);
        };
        if kid == key_id(&self.secret) {
            return Ok(&self.secret);
        }
        match &self.previous_secret {
            Some(previous) if kid == key_id(previous) => Ok(previous),
            _ => Err(Error::Unauthenticated(
                "invalid token: unknown key id (kid)".into(),
            )),
        }
    }

    /// Signs claims with the HS256 secret, typed `at+jwt` and naming the secret by its key id
    /// (the `token` subcommand and the tests).
    pub fn sign(&self, claims: &Claims) -> Result<String, Error> {
        let header = Header {
            typ: Some("at+jwt".into()),
            kid: Some(key_id(&self.secret)),
            ..Header::new(Algorithm::HS256)
        };
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(&self.secret))
            .map_err(Error::internal)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }
}

/// A secret's key id: the first 8 bytes of its SHA-256, in hex. It names the key without
/// revealing it, so a verifier holding two secrets during a rotation picks the right one.
pub fn key_id(secret: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the role-specific claims: a DEPARTMENT needs `dept`, a MUNICIPALITY `muni`, a
/// SECRETARIAT `alliance`; `PUBLIC` is not a role a token can carry.
fn principal_from_claims(claims: &Claims) -> Result<Principal, String> {
    let role = match claims.role.as_str() {
        "OFFICE" => Role::Office,
        "DEPARTMENT" => Role::Department,
        "MUNICIPALITY" => Role::Municipality,
        "SECRETARIAT" => Role::Secretariat,
        "ANALYST" => Role::Analyst,
        other => return Err(format!("unknown role `{other}`")),
    };
    let department = claims
        .dept
        .as_deref()
        .map(|code| {
            parse_code::<DepartmentCode>(code).ok_or(format!("unknown department `{code}`"))
        })
        .transpose()?;
    let municipality = claims
        .muni
        .as_deref()
        .map(|code| {
            parse_code::<MunicipalityCode>(code).ok_or(format!("unknown municipality `{code}`"))
        })
        .transpose()?;
    let alliance = claims
        .alliance
        .as_deref()
        .map(|id| {
            crate::domain::id::decode_as(id, crate::domain::id::Kind::Alliance)
                .map_err(|_| format!("bad alliance id `{id}`"))
        })
        .transpose()?;
    let missing = match role {
        Role::Department if department.is_none() => Some("dept"),
        Role::Municipality if municipality.is_none() => Some("muni"),
        Role::Secretariat if alliance.is_none() => Some("alliance"),
        _ => None,
    };
    if let Some(claim) = missing {
        return Err(format!(
            "a {} token needs the `{claim}` claim",
            role.as_str()
        ));
    }
    Ok(Principal {
        subject: claims.sub.clone(),
        role,
        department,
        municipality,
        alliance,
    })
}

/// Parses a SCREAMING_SNAKE_CASE code into one of the entity enums.
pub fn parse_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// The roles that may appear in a token (for the CLI's help and validation).
pub fn token_roles() -> HashSet<&'static str> {
    [
        "OFFICE",
        "DEPARTMENT",
        "MUNICIPALITY",
        "SECRETARIAT",
        "ANALYST",
    ]
    .into_iter()
    .collect()
}
