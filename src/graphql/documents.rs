//! Which document a request runs: its text, or a document named by its SHA-256.
//!
//! - **Automatic persisted queries** (Apollo's convention): a client sends
//!   `extensions.persistedQuery = {version: 1, sha256Hash}` without the text; on a miss the answer
//!   is `PersistedQueryNotFound`, and the client sends text and hash together, which registers
//!   the document in the database for every replica. Known documents are kept in memory, so a
//!   hit costs no query.
//! - **Trusted documents** (`HUB_TRUSTED_DOCUMENTS`, the manifest GraphQL Code Generator's client
//!   preset writes: `{"sha256:<hex>": "<document>"}`): only the listed documents run, by hash
//!   (`extensions.persistedQuery` or the body's `documentId`) or by text; OFFICE may still run any
//!   document. Nothing is registered in this mode.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, RwLock},
};

use async_graphql::{Request, Value};
use sha2::{Digest, Sha256};

use crate::{
    database::Store,
    error::{Error, Result},
    service::documents,
};

/// How many registered documents a replica keeps in memory (dashboards send a few dozen).
const CACHE_LIMIT: usize = 10_000;

/// The message clients' persisted-query links look for.
pub const NOT_FOUND: &str = "PersistedQueryNotFound";

/// The documents this replica knows: registered ones (cached) and, in allow-list mode, the
/// trusted manifest.
pub struct Documents {
    db: Store,
    cache: RwLock<HashMap<String, Arc<str>>>,
    trusted: Option<HashMap<String, Arc<str>>>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents")
            .field("trusted", &self.trusted.as_ref().map(HashMap::len))
            .finish_non_exhaustive()
    }
}

/// The SHA-256 of a document's text, as lower-case hex.
pub fn hash_of(document: &str) -> String {
    Sha256::digest(document.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A hash as clients write it (`sha256:<hex>` or `<hex>`), if it is one.
fn parse_hash(text: &str) -> Option<String> {
    let hex = text
        .strip_prefix("sha256:")
        .unwrap_or(text)
        .to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

impl Documents {
    /// Without a manifest: automatic persisted queries.
    pub fn new(db: Store) -> Self {
        Self {
            db,
            cache: RwLock::new(HashMap::new()),
            trusted: None,
        }
    }

    /// Allow-list mode from a manifest file; a manifest that is unreadable, not a JSON object of
    /// hashes to documents, or whose hashes do not match their documents stops start-up.
    pub fn trusted(db: Store, manifest: &Path) -> Result<Self> {
        let setting = |why: String| {
            Error::bad_input(format!(
                "HUB_TRUSTED_DOCUMENTS ({}): {why}",
                manifest.display()
            ))
        };
        let text = std::fs::read_to_string(manifest).map_err(|e| setting(e.to_string()))?;
        let entries: HashMap<String, String> =
            serde_json::from_str(&text).map_err(|e| setting(format!("not a manifest: {e}")))?;
        let mut trusted = HashMap::with_capacity(entries.len());
        for (key, document) in entries {
            let hash = parse_hash(&key).ok_or_else(|| setting(format!("`{key}` is no SHA-256")))?;
            if hash_of(&document) != hash {
                return Err(setting(format!("the document of `{key}` has another hash")));
            }
            trusted.insert(hash, Arc::from(document));
        }
        Ok(Self {
            trusted: Some(trusted),
            ..Self::new(db)
        })
    }

    /// Puts the text of the document the request names into it, or says why it may not run.
    /// `any_document`: the caller may run documents outside the allow-list (OFFICE).
    pub async fn resolve(&self, request: &mut Request, any_document: bool) -> Result<()> {
        let hash = requested_hash(request)?;
        let has_text = !request.query.trim().is_empty();
        match (hash, has_text) {
            (None, false) => Err(Error::bad_input("the request has no document")),
            (None, true) => self.check_text(&request.query, any_document),
            (Some(hash), true) => {
                if hash_of(&request.query) != hash {
                    return Err(Error::bad_input(
                        "provided sha256Hash does not match the document",
                    ));
                }
                self.check_text(&request.query, any_document)?;
                if self.trusted.is_none() {
                    self.register(&hash, &request.query).await?;
                }
                Ok(())
            }
            (Some(hash), false) => match self.known(&hash).await? {
                Some(document) => {
                    request.query = document.to_string();
                    Ok(())
                }
                None => Err(Error::bad_input(NOT_FOUND)),
            },
        }
    }

    /// In allow-list mode, refuses a text that is not a trusted document.
    fn check_text(&self, text: &str, any_document: bool) -> Result<()> {
        match &self.trusted {
            Some(trusted) if !any_document && !trusted.contains_key(&hash_of(text)) => {
                Err(Error::forbidden(
                    "only trusted documents run on this server: send a document of its manifest",
                ))
            }
            _ => Ok(()),
        }
    }

    /// The document registered (or trusted) under a hash.
    async fn known(&self, hash: &str) -> Result<Option<Arc<str>>> {
        if let Some(trusted) = &self.trusted {
            return Ok(trusted.get(hash).cloned());
        }
        if let Some(hit) = self.cache.read().ok().and_then(|c| c.get(hash).cloned()) {
            return Ok(Some(hit));
        }
        let Some(document) = documents::find(&self.db, hash).await? else {
            return Ok(None);
        };
        let document: Arc<str> = Arc::from(document);
        self.remember(hash, document.clone());
        Ok(Some(document))
    }

    async fn register(&self, hash: &str, document: &str) -> Result<()> {
        let cached = self.cache.read().is_ok_and(|c| c.contains_key(hash));
        if !cached {
            documents::register(&self.db, hash, document).await?;
            self.remember(hash, Arc::from(document));
        }
        Ok(())
    }

    fn remember(&self, hash: &str, document: Arc<str>) {
        if let Ok(mut cache) = self.cache.write() {
            // A full cache starts over rather than grow: the database still knows everything.
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(hash.to_owned(), document);
        }
    }
}

/// The hash a request names: `extensions.persistedQuery.sha256Hash` (version 1) or `documentId`
/// (carried into the same extension by the HTTP edge).
fn requested_hash(request: &Request) -> Result<Option<String>> {
    let Some(Value::Object(persisted)) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    if let Some(version) = persisted.get("version")
        && *version != Value::from(1)
    {
        return Err(Error::bad_input(
            "persistedQuery version 1 is the one supported",
        ));
    }
    match persisted.get("sha256Hash") {
        Some(Value::String(text)) => parse_hash(text)
            .map(Some)
            .ok_or_else(|| Error::bad_input("persistedQuery.sha256Hash is no SHA-256")),
        _ => Err(Error::bad_input("persistedQuery needs a sha256Hash")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lower_case_hex_sha256() {
        assert_eq!(
            hash_of("{ viewer { role } }"),
            hash_of("{ viewer { role } }").to_lowercase()
        );
        assert_eq!(hash_of("").len(), 64);
        assert_eq!(
            hash_of(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let hex = hash_of("x");
        assert_eq!(parse_hash(&format!("sha256:{hex}")), Some(hex.clone()));
        assert_eq!(parse_hash(&hex.to_uppercase()), Some(hex));
        assert_eq!(parse_hash("sha256:abc"), None);
    }
}
