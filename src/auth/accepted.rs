//! Tokens verified in the last minute, so that a client sending the same token with every request
//! is not decoded and checked again each time (two JSON decodes and a signature cost as much CPU as
//! a small query).
//!
//! Only what cannot change while a token is kept is taken from here: its signature, issuer,
//! audience, type and claims. Its expiry is looked at again on every request, and revocation is
//! checked by the caller on every request as before. Only tokens verified with keys fixed for the
//! process's life (the hub's own, PEM files) are kept: a provider's key set can retire a key at
//! any moment, so its tokens are verified each time.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::{LEEWAY_SECONDS, Verified};

/// How long a verified token is kept before it is verified afresh.
pub const KEPT_FOR: Duration = Duration::from_secs(60);

/// The most tokens kept; past it the cache starts afresh (callers verify again, nothing is lost).
const MOST_KEPT: usize = 4096;

#[derive(Default)]
pub struct Accepted(Mutex<HashMap<Box<str>, (Verified, Instant)>>);

impl Accepted {
    /// The token as it was verified, if that was less than [`KEPT_FOR`] ago and it has not
    /// expired since.
    pub fn get(&self, token: &str) -> Option<Verified> {
        let cache = self.0.lock().ok()?;
        let (verified, at) = cache.get(token)?;
        let now = chrono::Utc::now().timestamp();
        let live = now < verified.expires_at.saturating_add(LEEWAY_SECONDS as i64);
        (live && at.elapsed() < KEPT_FOR).then(|| verified.clone())
    }

    pub fn keep(&self, token: &str, verified: &Verified) {
        if let Ok(mut cache) = self.0.lock() {
            if cache.len() >= MOST_KEPT {
                cache.clear();
            }
            cache.insert(token.into(), (verified.clone(), Instant::now()));
        }
    }
}
