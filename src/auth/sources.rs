//! The identity file (`HUB_IDENTITY_FILE`): the key sources besides the hub's own, each with its
//! issuer, audience, pinned algorithms, keys (a JWKS URL or PEM files) and claim mapping. The
//! simple case of one JWKS with the hub's claim names needs no file (`HUB_JWKS_URL`). A setting
//! that is wrong stops the server at start-up with a message naming it.

use std::{collections::HashSet, path::PathBuf, sync::Arc};

use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use super::{
    Source, SourceKeys,
    claims::{ClaimMap, ClaimMapSettings},
    jwks::{self, Jwks, JwksTiming},
};
use crate::{config::parse_duration, error::Error};

/// The file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityFile {
    pub sources: Vec<SourceSettings>,
}

/// One source, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSettings {
    pub name: String,
    pub issuer: String,
    /// One audience, or a list (a token must name one of them).
    pub audience: Audience,
    /// The algorithms this source signs with (asymmetric only).
    pub algorithms: Vec<String>,
    pub jwks_url: Option<String>,
    /// A root certificate (PEM) to trust for the JWKS URL besides the public ones.
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub refresh: RefreshSettings,
    pub pem_files: Option<Vec<PathBuf>>,
    #[serde(default)]
    pub mapping: ClaimMapSettings,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Several(Vec<String>),
}

/// How a JWKS is kept fresh (durations such as `90s`, `5m`, `12h`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshSettings {
    pub min: Option<String>,
    pub max: Option<String>,
    pub stale: Option<String>,
    pub unknown_kid: Option<String>,
}

/// A source ready to start: everything checked, keys read, the JWKS not fetched yet.
pub struct Planned {
    name: String,
    issuer: String,
    audiences: Vec<String>,
    claims: ClaimMap,
    keys: PlannedKeys,
}

enum PlannedKeys {
    Pem(Vec<(Algorithm, DecodingKey)>),
    Jwks {
        url: String,
        client: reqwest::Client,
        algorithms: Vec<Algorithm>,
        timing: JwksTiming,
    },
}

impl Planned {
    /// Starts the source: a JWKS is fetched once now and kept fresh in the background.
    pub async fn start(self) -> Source {
        let keys = match self.keys {
            PlannedKeys::Pem(keys) => SourceKeys::Pem(keys),
            PlannedKeys::Jwks {
                url,
                client,
                algorithms,
                timing,
            } => {
                let jwks: Arc<Jwks> =
                    Jwks::start(self.name.clone(), url, client, algorithms.clone(), timing).await;
                SourceKeys::Jwks(jwks, algorithms)
            }
        };
        Source {
            name: self.name,
            issuer: self.issuer,
            audiences: self.audiences,
            keys,
            claims: self.claims,
        }
    }
}

/// Reads and checks the identity file; `setting` names it in errors (`HUB_IDENTITY_FILE`).
pub fn read_file(path: &std::path::Path, setting: &str) -> Result<Vec<Planned>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::bad_input(format!("{setting}: cannot read {}: {e}", path.display())))?;
    let file: IdentityFile = serde_json::from_str(&text)
        .map_err(|e| Error::bad_input(format!("{setting}: {}: {e}", path.display())))?;
    plan(file.sources, setting)
}

/// Checks every source; the first wrong setting is the error, named by its place.
pub fn plan(sources: Vec<SourceSettings>, setting: &str) -> Result<Vec<Planned>, Error> {
    let mut names = HashSet::from(["hub".to_owned()]);
    sources
        .into_iter()
        .enumerate()
        .map(|(i, source)| {
            let place = format!("{setting}: sources[{i}] ({})", source.name);
            if !names.insert(source.name.clone()) {
                return Err(Error::bad_input(format!(
                    "{place}: the name is empty, `hub` or used twice"
                )));
            }
            plan_one(source).map_err(|why| Error::bad_input(format!("{place}.{why}")))
        })
        .collect()
}

fn plan_one(source: SourceSettings) -> Result<Planned, String> {
    if source.name.trim().is_empty() {
        return Err("name: give the source a name".into());
    }
    if source.issuer.trim().is_empty() {
        return Err("issuer: name the issuer its tokens carry (`iss`)".into());
    }
    let audiences = match source.audience {
        Audience::One(one) => vec![one],
        Audience::Several(several) => several,
    };
    if audiences.is_empty() || audiences.iter().any(|a| a.trim().is_empty()) {
        return Err("audience: name the audience its tokens carry (`aud`)".into());
    }
    let algorithms = source
        .algorithms
        .iter()
        .map(|name| asymmetric(name).map_err(|why| format!("algorithms: {why}")))
        .collect::<Result<Vec<_>, _>>()?;
    if algorithms.is_empty() {
        return Err(
            "algorithms: pin the algorithms the source signs with, e.g. [\"RS256\"]".into(),
        );
    }
    let keys = match (source.jwks_url, source.pem_files) {
        (Some(url), None) => {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("jwks_url: `{url}` is not an http(s) URL"));
            }
            let client =
                jwks::client(source.ca_file.as_deref()).map_err(|e| format!("ca_file: {e}"))?;
            PlannedKeys::Jwks {
                url,
                client,
                algorithms,
                timing: timing(&source.refresh)?,
            }
        }
        (None, Some(files)) if !files.is_empty() => {
            if source.ca_file.is_some() {
                return Err("ca_file: only a JWKS URL is fetched".into());
            }
            let keys = files
                .iter()
                .map(|path| read_pem(path, &algorithms).map_err(|why| format!("pem_files: {why}")))
                .collect::<Result<Vec<_>, _>>()?;
            PlannedKeys::Pem(keys)
        }
        _ => return Err("jwks_url: give a jwks_url or pem_files (one of them)".into()),
    };
    let claims = ClaimMap::from_settings(source.mapping, format!("{}:", source.name))
        .map_err(|why| format!("mapping.{why}"))?;
    Ok(Planned {
        name: source.name,
        issuer: source.issuer,
        audiences,
        claims,
        keys,
    })
}

/// An algorithm a provider may sign with: a shared secret (HS…) belongs to the hub alone.
fn asymmetric(name: &str) -> Result<Algorithm, String> {
    let algorithm: Algorithm = name
        .parse()
        .map_err(|_| format!("`{name}` is not a JWS algorithm"))?;
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Err(format!(
            "`{name}` needs a shared secret; a provider signs with a public-key algorithm"
        )),
        other => Ok(other),
    }
}

/// A PEM public key, for the first of the source's algorithms whose family it fits.
fn read_pem(
    path: &std::path::Path,
    algorithms: &[Algorithm],
) -> Result<(Algorithm, DecodingKey), String> {
    let pem = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    algorithms
        .iter()
        .find_map(|algorithm| {
            let key = match algorithm {
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512 => DecodingKey::from_rsa_pem(&pem),
                Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(&pem),
                Algorithm::EdDSA => DecodingKey::from_ed_pem(&pem),
                _ => return None,
            };
            key.ok().map(|key| (*algorithm, key))
        })
        .ok_or_else(|| {
            format!(
                "{} is not a PEM public key for {:?}",
                path.display(),
                algorithms
            )
        })
}

fn timing(refresh: &RefreshSettings) -> Result<JwksTiming, String> {
    let defaults = JwksTiming::default();
    let read = |given: &Option<String>, default, what: &str| match given {
        Some(text) => parse_duration(text).map_err(|why| format!("refresh.{what}: {why}")),
        None => Ok(default),
    };
    let timing = JwksTiming {
        min_refresh: read(&refresh.min, defaults.min_refresh, "min")?,
        max_refresh: read(&refresh.max, defaults.max_refresh, "max")?,
        stale_for: read(&refresh.stale, defaults.stale_for, "stale")?,
        unknown_kid_every: read(
            &refresh.unknown_kid,
            defaults.unknown_kid_every,
            "unknown_kid",
        )?,
    };
    if timing.min_refresh.is_zero() || timing.min_refresh > timing.max_refresh {
        return Err("refresh.min: above zero and at most refresh.max".into());
    }
    Ok(timing)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refused(sources: serde_json::Value) -> String {
        let file: IdentityFile = serde_json::from_value(json!({ "sources": sources })).unwrap();
        match plan(file.sources, "HUB_IDENTITY_FILE") {
            Ok(_) => panic!("accepted"),
            Err(err) => err.to_string(),
        }
    }

    fn source() -> serde_json::Value {
        json!({"name": "sso", "issuer": "https://sso.example/realms/gov", "audience": "hub",
               "algorithms": ["RS256"], "jwks_url": "https://sso.example/certs"})
    }

    #[test]
    fn a_wrong_setting_is_named_with_its_place() {
        let with = |key: &str, value: serde_json::Value| {
            let mut s = source();
            s[key] = value;
            refused(json!([s]))
        };
        let error = with("algorithms", json!(["HS256"]));
        assert!(
            error.contains("HUB_IDENTITY_FILE: sources[0] (sso).algorithms:"),
            "{error}"
        );
        let error = with("jwks_url", json!("ftp://sso.example/certs"));
        assert!(error.contains("sources[0] (sso).jwks_url:"), "{error}");
        let error = with("audience", json!([]));
        assert!(error.contains(".audience:"), "{error}");
        let error = with("refresh", json!({"min": "2h", "max": "1h"}));
        assert!(error.contains(".refresh.min:"), "{error}");
        let error = with("mapping", json!({"roles": {"x": "PUBLIC"}}));
        assert!(error.contains(".mapping.roles:"), "{error}");
        let error = with("pem_files", json!(["/nonexistent.pem"]));
        assert!(
            error.contains(".jwks_url: give a jwks_url or pem_files"),
            "{error}"
        );
        let error = refused(json!([source(), source()]));
        assert!(error.contains("sources[1] (sso): the name"), "{error}");
    }

    #[test]
    fn an_unknown_setting_is_refused_rather_than_ignored() {
        let mut s = source();
        s["jwks_uri"] = json!("https://sso.example/certs");
        let parsed = serde_json::from_value::<IdentityFile>(json!({ "sources": [s] }));
        assert!(parsed.unwrap_err().to_string().contains("jwks_uri"));
    }
}
