//! A provider's published key set (JWKS), fetched from its URL and kept by `kid`.
//!
//! The set is fetched when the server starts and again in the background as the provider's
//! `Cache-Control: max-age` says (held between a floor and a ceiling). A token naming a `kid` the
//! set lacks (the provider has rotated) fetches it again at once, but no more than once per
//! [`JwksTiming::unknown_kid_every`], so a stream of forged kids cannot drive the hub to hammer
//! the provider. While the provider cannot be reached, the keys last fetched stay in use for
//! [`JwksTiming::stale_for`] (each failed refresh is logged); after that its tokens are answered
//! UNAVAILABLE, not refused as forged.

use std::{
    sync::{Arc, RwLock, Weak},
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, jwk::Jwk};
use serde_json::Value;

use crate::error::Error;

/// How a key set is kept fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwksTiming {
    /// The soonest a set is fetched again after a success (`Cache-Control: max-age` below it,
    /// or `no-cache`, counts as this).
    pub min_refresh: Duration,
    /// The latest a set is fetched again (a longer `max-age`, or none, counts as this).
    pub max_refresh: Duration,
    /// How long the last set fetched stays in use while the provider cannot be reached.
    pub stale_for: Duration,
    /// The least time between two fetches caused by unknown kids.
    pub unknown_kid_every: Duration,
}

impl Default for JwksTiming {
    fn default() -> Self {
        Self {
            min_refresh: Duration::from_secs(60),
            max_refresh: Duration::from_secs(3600),
            stale_for: Duration::from_secs(12 * 3600),
            unknown_kid_every: Duration::from_secs(300),
        }
    }
}

impl JwksTiming {
    /// When to fetch again after a success, from the response's `Cache-Control`.
    pub fn next_refresh(&self, cache_control: Option<&str>) -> Duration {
        let directives = cache_control.unwrap_or_default().to_ascii_lowercase();
        let max_age = directives
            .split(',')
            .map(str::trim)
            .find_map(|directive| match directive {
                "no-cache" | "no-store" => Some(0),
                other => other
                    .strip_prefix("max-age=")?
                    .trim_matches('"')
                    .parse()
                    .ok(),
            });
        match max_age {
            Some(seconds) => Duration::from_secs(seconds).clamp(self.min_refresh, self.max_refresh),
            None => self.max_refresh,
        }
    }

    /// When to try again after a failure.
    fn retry(&self) -> Duration {
        self.min_refresh.min(Duration::from_secs(30))
    }
}

/// What a token's key lookup found.
pub enum Lookup {
    Key(DecodingKey),
    /// No key of the set has that kid (or, for a token without kid, no single key fits).
    Unknown,
    /// The set has never been fetched, or is older than the stale window.
    Unavailable,
}

/// One provider's key set.
pub struct Jwks {
    /// The source's name, for the log.
    source: String,
    url: String,
    client: reqwest::Client,
    algorithms: Vec<Algorithm>,
    timing: JwksTiming,
    state: RwLock<State>,
    /// Held while fetching, so that concurrent unknown kids cause one fetch.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    keys: Vec<Entry>,
    fetched_at: Option<Instant>,
    unknown_kid_fetch_at: Option<Instant>,
}

struct Entry {
    kid: Option<String>,
    algorithm: Option<Algorithm>,
    key: DecodingKey,
}

impl Jwks {
    /// Fetches the set once (a failure is logged, and retried in the background) and keeps it
    /// fresh for as long as the returned handle lives. Needs a Tokio runtime.
    pub async fn start(
        source: String,
        url: String,
        client: reqwest::Client,
        algorithms: Vec<Algorithm>,
        timing: JwksTiming,
    ) -> Arc<Self> {
        let jwks = Arc::new(Self {
            source,
            url,
            client,
            algorithms,
            timing,
            state: RwLock::default(),
            fetching: tokio::sync::Mutex::new(()),
        });
        let first = jwks.refresh().await;
        tokio::spawn(refresh_forever(Arc::downgrade(&jwks), first));
        jwks
    }

    /// The key for a token's header: by its kid (fetching the set again if the kid is new and
    /// no such fetch happened lately), or the one key of the token's algorithm if it has none.
    pub async fn key(&self, kid: Option<&str>, algorithm: Algorithm) -> Lookup {
        match self.find(kid, algorithm) {
            Lookup::Unknown if kid.is_some() => {}
            found => return found,
        }
        let _fetching = self.fetching.lock().await;
        // Another request may have fetched the set while this one waited.
        match self.find(kid, algorithm) {
            Lookup::Unknown => {}
            found => return found,
        }
        let due = self
            .read()
            .unknown_kid_fetch_at
            .is_none_or(|at| at.elapsed() >= self.timing.unknown_kid_every);
        if !due {
            return Lookup::Unknown;
        }
        if let Ok(mut state) = self.state.write() {
            state.unknown_kid_fetch_at = Some(Instant::now());
        }
        tracing::info!(source = %self.source, kid = kid.unwrap_or_default(), "unknown key id: fetching the key set again");
        let _ = self.fetch_and_keep().await;
        self.find(kid, algorithm)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn find(&self, kid: Option<&str>, algorithm: Algorithm) -> Lookup {
        let state = self.read();
        let fresh = state
            .fetched_at
            .is_some_and(|at| at.elapsed() <= self.timing.stale_for);
        if !fresh {
            return Lookup::Unavailable;
        }
        let fits = |entry: &&Entry| entry.algorithm.is_none_or(|a| a == algorithm);
        let mut candidates = state
            .keys
            .iter()
            .filter(|entry| kid.is_none() || entry.kid.as_deref() == kid)
            .filter(fits);
        match (candidates.next(), candidates.next()) {
            (Some(entry), None) => Lookup::Key(entry.key.clone()),
            _ => Lookup::Unknown,
        }
    }

    /// Fetches the set and keeps it; answers when to fetch again.
    async fn refresh(&self) -> Duration {
        let _fetching = self.fetching.lock().await;
        match self.fetch_and_keep().await {
            Ok(next) => next,
            Err(()) => self.timing.retry(),
        }
    }

    async fn fetch_and_keep(&self) -> Result<Duration, ()> {
        match self.fetch().await {
            Ok((keys, next)) => {
                tracing::debug!(source = %self.source, keys = keys.len(), "key set fetched");
                if let Ok(mut state) = self.state.write() {
                    state.keys = keys;
                    state.fetched_at = Some(Instant::now());
                }
                Ok(next)
            }
            Err(reason) => {
                let age = self.read().fetched_at.map(|at| at.elapsed().as_secs());
                match age {
                    Some(age) if age <= self.timing.stale_for.as_secs() => tracing::warn!(
                        source = %self.source, url = %self.url, %reason, keys.age_seconds = age,
                        "cannot fetch the key set: the keys last fetched stay in use"
                    ),
                    _ => tracing::error!(
                        source = %self.source, url = %self.url, %reason,
                        "cannot fetch the key set: this source's tokens cannot be verified"
                    ),
                }
                Err(())
            }
        }
    }

    async fn fetch(&self) -> Result<(Vec<Entry>, Duration), String> {
        let response = self
            .client
            .get(&self.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("the provider answered {}", response.status()));
        }
        let cache_control = response
            .headers()
            .get("cache-control")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body: Value = response
            .json()
            .await
            .map_err(|e| format!("not a JSON key set: {e}"))?;
        let keys = usable_keys(&body, &self.algorithms)?;
        Ok((keys, self.timing.next_refresh(cache_control.as_deref())))
    }
}

/// The signing keys of a set that the source's algorithms can use: encryption keys, symmetric
/// keys (a published HMAC secret would let anyone sign) and keys of other algorithms are left
/// out. A set without any usable key is an error, so that it never replaces a good one.
fn usable_keys(body: &Value, algorithms: &[Algorithm]) -> Result<Vec<Entry>, String> {
    let listed = body
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("no `keys` list")?;
    let keys: Vec<Entry> = listed
        .iter()
        .filter(|key| key.get("use").and_then(Value::as_str) != Some("enc"))
        .filter(|key| key.get("kty").and_then(Value::as_str) != Some("oct"))
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter_map(|jwk| {
            let algorithm = match jwk.common.key_algorithm {
                Some(alg) => Some(alg.to_string().parse::<Algorithm>().ok()?),
                None => None,
            };
            if algorithm.is_some_and(|a| !algorithms.contains(&a)) {
                return None;
            }
            Some(Entry {
                kid: jwk.common.key_id.clone(),
                algorithm,
                key: DecodingKey::from_jwk(&jwk).ok()?,
            })
        })
        .collect();
    if keys.is_empty() {
        return Err("the set holds no signing key for the source's algorithms".into());
    }
    Ok(keys)
}

async fn refresh_forever(jwks: Weak<Jwks>, mut wait: Duration) {
    loop {
        tokio::time::sleep(wait).await;
        let Some(jwks) = jwks.upgrade() else {
            return;
        };
        wait = jwks.refresh().await;
    }
}

/// The HTTP client key sets are fetched with: short timeouts (a slow provider must not hold a
/// request), and the extra root certificate an intranet's provider may need.
pub fn client(ca_file: Option<&std::path::Path>) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .user_agent(concat!("alliance-hub/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| Error::bad_input(format!("cannot read {}: {e}", path.display())))?;
        let certificate = reqwest::Certificate::from_pem(&pem).map_err(|e| {
            Error::bad_input(format!("{} is not a PEM certificate: {e}", path.display()))
        })?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_max_age_is_held_between_the_floor_and_the_ceiling() {
        let timing = JwksTiming::default();
        assert_eq!(
            timing.next_refresh(Some("public, max-age=600")),
            Duration::from_secs(600)
        );
        assert_eq!(timing.next_refresh(Some("max-age=5")), timing.min_refresh);
        assert_eq!(
            timing.next_refresh(Some("max-age=864000")),
            timing.max_refresh
        );
        assert_eq!(timing.next_refresh(Some("no-cache")), timing.min_refresh);
        assert_eq!(timing.next_refresh(None), timing.max_refresh);
    }

    #[test]
    fn only_signing_keys_of_the_sources_algorithms_are_kept() {
        let body = serde_json::json!({"keys": [
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            {"kty": "RSA", "use": "enc", "kid": "enc", "n": "AQAB", "e": "AQAB"},
            {"kty": "EC", "crv": "P-256", "kid": "ec", "alg": "ES256",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
             "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
        ]});
        let keys = usable_keys(&body, &[Algorithm::ES256]).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("ec"));
        assert!(usable_keys(&body, &[Algorithm::RS256]).is_err());
    }
}
