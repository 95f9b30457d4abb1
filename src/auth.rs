//! Authentication at the edge: a bearer token verified and turned into the [`Principal`] that the
//! service layer authorizes (who the caller is lives in [`crate::domain::principal`]).
//!
//! A missing token is [`Role::Public`]. A token that is present but malformed, expired, forged,
//! from another issuer or audience, revoked, or that names an unknown role, is an error: never a
//! silent downgrade to PUBLIC.
//!
//! Tokens come from key sources ([`Source`]): the hub's own (its HS256 secret, and the PEM keys
//! configured for its issuer), and any number of providers named in the identity file ([`sources`]),
//! each with its issuer, audience, pinned algorithms, keys (PEM files or a JWKS URL, [`jwks`]) and
//! claim mapping ([`claims`]). [`Identity`] picks the source by the token's issuer.

mod accepted;
pub mod claims;
pub mod jwks;
pub mod sources;

use std::{collections::HashSet, sync::Arc};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::{
    accepted::Accepted,
    claims::ClaimMap,
    jwks::{Jwks, Lookup},
};
use crate::{
    domain::principal::Principal,
    error::Error,
    service::revocation::{Revocations, Revoked},
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
    /// The token's id, by which it can be revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// The API client a token was issued to (RFC 9068 §2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Present in OpenID Connect ID tokens, which are no access tokens.
    #[serde(default, skip_serializing)]
    pub nonce: Option<serde_json::Value>,
}

/// A new random token id.
pub fn new_jti() -> String {
    format!("{:032x}", rand::random::<u128>())
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

    /// Verifies a token of the hub's own source (the CLI's check of a token it was given; the
    /// server verifies through [`Identity`], which also honours revocations).
    pub fn verify(&self, token: &str) -> Result<Principal, Error> {
        let source = Source::hub(self.clone());
        let header = header_of(token, &self.types)?;
        let key = self.key_for(&header)?;
        source.accept(token, &header, &key).map(|v| v.principal)
    }

    /// The key a hub token's header names: the HS256 secret of its kid, or the configured
    /// public key of its algorithm.
    fn key_for(&self, header: &Header) -> Result<DecodingKey, Error> {
        if header.alg == Algorithm::HS256 {
            return Ok(DecodingKey::from_secret(
                self.hs256_secret(header.kid.as_deref())?,
            ));
        }
        self.public_keys
            .iter()
            .find(|(alg, _)| *alg == header.alg)
            .map(|(_, key)| key.clone())
            .ok_or_else(|| unauthenticated("algorithm not accepted"))
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

/// Parses a SCREAMING_SNAKE_CASE code into one of the entity enums.
pub fn parse_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// The refusal of a token; the reason goes to the log (see [`Identity::verify`]).
fn unauthenticated(why: &str) -> Error {
    Error::Unauthenticated(format!("invalid token: {why}"))
}

/// A token's header, if its `typ` is one of `types` (compared without case and without an
/// `application/` prefix; a token without `typ` passes).
fn header_of(token: &str, types: &[String]) -> Result<Header, Error> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| unauthenticated("malformed"))?;
    let plain = |t: &str| {
        let t = t.trim().to_ascii_lowercase();
        t.strip_prefix("application/")
            .map(str::to_owned)
            .unwrap_or(t)
    };
    if let Some(typ) = &header.typ
        && !types.iter().any(|accepted| plain(accepted) == plain(typ))
    {
        return Err(unauthenticated(&format!(
            "typ `{typ}` is not an access token's"
        )));
    }
    Ok(header)
}

/// A verified token: the caller, and what revocation and open subscriptions need of it.
#[derive(Debug, Clone)]
pub struct Verified {
    pub principal: Principal,
    /// `exp`, in Unix seconds.
    pub expires_at: i64,
    pub jti: Option<String>,
    /// `iat`, in Unix seconds.
    pub issued_at: Option<i64>,
}

/// Where tokens come from: an issuer, its audiences, its keys and its claim mapping.
pub struct Source {
    /// For the log and the subject prefix (`hub` for the hub's own).
    pub name: String,
    issuer: String,
    audiences: Vec<String>,
    keys: SourceKeys,
    claims: ClaimMap,
}

enum SourceKeys {
    /// The hub's HS256 secrets and the public keys configured for its issuer.
    Hub(JwtKeys),
    /// Public keys read from PEM files, one algorithm each.
    Pem(Vec<(Algorithm, DecodingKey)>),
    /// A provider's published key set, with the algorithms pinned for it.
    Jwks(Arc<Jwks>, Vec<Algorithm>),
}

impl Source {
    /// The hub's own source: its issuer and audience, the hub's claim names.
    pub fn hub(keys: JwtKeys) -> Self {
        Self {
            name: "hub".into(),
            issuer: keys.issuer.clone(),
            audiences: vec![keys.audience.clone()],
            keys: SourceKeys::Hub(keys),
            claims: ClaimMap::hub(),
        }
    }

    async fn key(&self, header: &Header) -> Result<DecodingKey, Error> {
        match &self.keys {
            SourceKeys::Hub(keys) => keys.key_for(header),
            SourceKeys::Pem(keys) => keys
                .iter()
                .find(|(alg, _)| *alg == header.alg)
                .map(|(_, key)| key.clone())
                .ok_or_else(|| unauthenticated("algorithm not accepted")),
            SourceKeys::Jwks(jwks, algorithms) => {
                if !algorithms.contains(&header.alg) {
                    return Err(unauthenticated("algorithm not accepted"));
                }
                match jwks.key(header.kid.as_deref(), header.alg).await {
                    Lookup::Key(key) => Ok(key),
                    Lookup::Unknown => Err(unauthenticated("unknown key id (kid)")),
                    Lookup::Unavailable => Err(Error::Unavailable(format!(
                        "the keys of {} cannot be fetched: try again later",
                        self.name
                    ))),
                }
            }
        }
    }

    /// Checks the token's signature and claims with `key`: the algorithm is the header's, which
    /// the key lookup has pinned; `exp`, `iss` and `aud` are required and `nbf` and `iat`
    /// honoured (numbers only, with [`LEEWAY_SECONDS`]); an ID token (`nonce`) is refused.
    fn accept(&self, token: &str, header: &Header, key: &DecodingKey) -> Result<Verified, Error> {
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        let data = jsonwebtoken::decode::<Value>(token, key, &validation).map_err(|e| {
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
        let number = |name: &str| claims.get(name).and_then(Value::as_i64);
        let issued_at = number("iat");
        if claims.get("iat").is_some() && issued_at.is_none() {
            return Err(unauthenticated("iat is not a number"));
        }
        let now = chrono::Utc::now().timestamp();
        if issued_at.is_some_and(|iat| iat > now.saturating_add(LEEWAY_SECONDS as i64)) {
            return Err(unauthenticated("issued in the future (iat)"));
        }
        if claims.get("nonce").is_some() {
            return Err(unauthenticated(
                "an ID token (nonce) is not an access token",
            ));
        }
        let principal = self
            .claims
            .principal(&claims)
            .map_err(|reason| unauthenticated(&format!("{}: {reason}", self.name)))?;
        Ok(Verified {
            principal,
            expires_at: number("exp").unwrap_or(now),
            jti: claims.get("jti").and_then(Value::as_str).map(str::to_owned),
            issued_at,
        })
    }
}

/// Every key source the server accepts tokens from, and the revocations it honours.
pub struct Identity {
    sources: Vec<Source>,
    types: Vec<String>,
    revocations: Revocations,
    /// Tokens verified in the last minute ([`accepted`]).
    accepted: Accepted,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.sources.iter().map(|s| s.name.as_str()).collect();
        f.debug_struct("Identity")
            .field("sources", &names)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The hub's own source first, then `others` in the order configured.
    pub fn new(hub: JwtKeys, others: Vec<Source>, revocations: Revocations) -> Self {
        let types = hub.types.clone();
        let mut sources = vec![Source::hub(hub)];
        sources.extend(others);
        Self {
            sources,
            types,
            revocations,
            accepted: Accepted::default(),
        }
    }

    pub fn revocations(&self) -> &Revocations {
        &self.revocations
    }

    /// Verifies a bearer token: its source is the one of its issuer (`iss`, read before the
    /// signature is checked only to choose the keys), then its signature, claims, mapping and
    /// revocation. UNAUTHENTICATED says why (for the server's log: the edge answers only
    /// "invalid token"); UNAVAILABLE when the source's keys or the revocations cannot be read.
    pub async fn verify(&self, token: &str) -> Result<Verified, Error> {
        if let Some(verified) = self.accepted.get(token) {
            return self.unrevoked(verified).await;
        }
        let (verified, keys_fixed) = self.verify_afresh(token).await?;
        if keys_fixed {
            self.accepted.keep(token, &verified);
        }
        self.unrevoked(verified).await
    }

    /// [`Self::verify`] without its cache or the revocation check; also whether the keys that
    /// verified it are fixed for the process's life (the hub's own and PEM files: a token a
    /// provider's key set verified is verified again each time, so a retired key is refused at
    /// once).
    async fn verify_afresh(&self, token: &str) -> Result<(Verified, bool), Error> {
        let header = header_of(token, &self.types)?;
        let unverified = jsonwebtoken::dangerous::insecure_decode::<Value>(token)
            .map_err(|_| unauthenticated("malformed"))?;
        let issuer = unverified
            .claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(|| unauthenticated("missing claim `iss`"))?;
        let mut refusal = unauthenticated("wrong issuer");
        for source in self.sources.iter().filter(|s| s.issuer == issuer) {
            let verified = match source.key(&header).await {
                Ok(key) => source.accept(token, &header, &key),
                Err(err) => Err(err),
            };
            match verified {
                Ok(verified) => {
                    return Ok((verified, !matches!(source.keys, SourceKeys::Jwks(..))));
                }
                Err(err) => refusal = err,
            }
        }
        Err(refusal)
    }

    async fn unrevoked(&self, verified: Verified) -> Result<Verified, Error> {
        let revoked = self
            .revocations
            .check(
                &verified.principal.subject,
                verified.jti.as_deref(),
                verified.issued_at,
            )
            .await?;
        match revoked {
            None => Ok(verified),
            Some(Revoked::Token) => Err(unauthenticated("revoked")),
            Some(Revoked::Subject) => Err(unauthenticated("revoked: its subject was signed out")),
        }
    }
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
