//! Revocation: a token refused before it expires, by its `jti`, or every token of a subject
//! issued before a moment (a leaked credential, a person who left, a disabled API client).
//!
//! The office writes revocations to `token_revocation`; every replica holds them in memory, so
//! that checking a token costs no query, and reads what was added every [`RECONCILE_EVERY`]
//! (the pattern of the cost budgets). A revocation written on this replica counts here at once;
//! on the others within that interval.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock, Weak},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::token_revocation;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::write::Writer;
use crate::{
    database::Store,
    error::{Error, Result},
};

/// How often a replica reads the revocations the others wrote.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(2);

/// The revocations this replica honours.
#[derive(Clone)]
pub struct Revocations {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Revocations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revocations").finish_non_exhaustive()
    }
}

struct Inner {
    db: Store,
    known: RwLock<Known>,
    /// Bumped whenever a revocation becomes known here (open subscriptions look again).
    changed: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct Known {
    loaded: bool,
    /// The highest row read, and when the last read began (rows committed late, with a lower
    /// id, are caught by reading a minute back).
    seen: i64,
    read_from: Option<DateTime<Utc>>,
    /// Revoked token ids, with when each token would have expired anyway.
    tokens: HashMap<String, Option<i64>>,
    /// Subjects whose tokens issued before this moment (Unix seconds) are refused.
    subjects: HashMap<String, i64>,
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    Token,
    Subject,
}

impl Revocations {
    /// Starts reading revocations (at once, then every [`RECONCILE_EVERY`]) for as long as a
    /// handle lives. Needs a Tokio runtime.
    pub fn start(db: Store) -> Self {
        let revocations = Self {
            inner: Arc::new(Inner {
                db,
                known: RwLock::default(),
                changed: tokio::sync::watch::Sender::new(0),
            }),
        };
        tokio::spawn(reconcile_forever(Arc::downgrade(&revocations.inner)));
        revocations
    }

    /// Whether a token of `subject`, with this `jti` and issued at `issued_at`, is revoked.
    /// Waits for the first read of the table (UNAVAILABLE if it cannot be read): before it,
    /// nothing can be known.
    pub async fn check(
        &self,
        subject: &str,
        jti: Option<&str>,
        issued_at: Option<i64>,
    ) -> Result<Option<Revoked>> {
        if !self.read().loaded {
            let mut changed = self.inner.changed.subscribe();
            let loaded = tokio::time::timeout(RECONCILE_EVERY * 2, async {
                while !self.read().loaded {
                    if changed.changed().await.is_err() {
                        break;
                    }
                }
            })
            .await;
            if loaded.is_err() || !self.read().loaded {
                return Err(Error::Unavailable(
                    "revoked tokens cannot be read yet".into(),
                ));
            }
        }
        Ok(self.revoked(subject, jti, issued_at))
    }

    /// As [`Self::check`], for what is known now (an open subscription looks again).
    pub fn revoked(
        &self,
        subject: &str,
        jti: Option<&str>,
        issued_at: Option<i64>,
    ) -> Option<Revoked> {
        let known = self.read();
        if jti.is_some_and(|jti| known.tokens.contains_key(jti)) {
            return Some(Revoked::Token);
        }
        match known.subjects.get(subject) {
            // A token without `iat` cannot show it was issued after the revocation.
            Some(not_before) if issued_at.is_none_or(|at| at < *not_before) => {
                Some(Revoked::Subject)
            }
            _ => None,
        }
    }

    /// Tells when a revocation becomes known here.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Known> {
        self.inner
            .known
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads the revocations written since the last read.
    pub async fn reconcile(&self) -> Result<()> {
        reconcile(&self.inner).await
    }
}

async fn reconcile(inner: &Inner) -> Result<()> {
    let started = Utc::now();
    let (seen, read_from, loaded) = {
        let known = inner.known.read().unwrap_or_else(|p| p.into_inner());
        (known.seen, known.read_from, known.loaded)
    };
    let now = started.timestamp();
    let query = token_revocation::Entity::find().order_by_asc(token_revocation::Column::Id);
    let rows = if loaded {
        let late = read_from.unwrap_or(started) - chrono::Duration::minutes(1);
        query
            .filter(
                Condition::any()
                    .add(token_revocation::Column::Id.gt(seen))
                    .add(token_revocation::Column::CreatedAt.gte(late)),
            )
            .all(&inner.db)
            .await?
    } else {
        query
            .filter(
                Condition::any()
                    .add(token_revocation::Column::ExpiresAt.is_null())
                    .add(token_revocation::Column::ExpiresAt.gt(started)),
            )
            .all(&inner.db)
            .await?
    };
    let mut added = false;
    {
        let mut known = inner.known.write().unwrap_or_else(|p| p.into_inner());
        for row in rows {
            known.seen = known.seen.max(row.id);
            if let Some(jti) = row.jti {
                added |= known
                    .tokens
                    .insert(jti, row.expires_at.map(|at| at.timestamp()))
                    .is_none();
            }
            if let (Some(subject), Some(not_before)) = (row.subject, row.not_before) {
                let not_before = not_before.timestamp();
                let current = known.subjects.entry(subject).or_insert(i64::MIN);
                if not_before > *current {
                    *current = not_before;
                    added = true;
                }
            }
        }
        known
            .tokens
            .retain(|_, expires| expires.is_none_or(|at| at > now));
        known.read_from = Some(started);
        added |= !known.loaded;
        known.loaded = true;
    }
    if added {
        inner.changed.send_modify(|generation| *generation += 1);
    }
    Ok(())
}

async fn reconcile_forever(inner: Weak<Inner>) {
    loop {
        let Some(strong) = inner.upgrade() else {
            return;
        };
        if let Err(err) = reconcile(&strong).await {
            tracing::warn!(error = %err, "cannot read revoked tokens");
        }
        drop(strong);
        tokio::time::sleep(RECONCILE_EVERY).await;
    }
}

/// A token to revoke.
#[derive(Debug, Clone)]
pub struct TokenRevocation {
    pub jti: String,
    /// When the token expires (the revocation may be forgotten after).
    pub expires_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

impl Writer<'_> {
    /// Revokes one token by its `jti` (office only).
    pub async fn revoke_token(
        self,
        revocation: TokenRevocation,
    ) -> Result<token_revocation::Model> {
        let jti = revocation.jti.trim().to_owned();
        if jti.is_empty() || jti.len() > 200 {
            return Err(Error::bad_input("a jti is 1 to 200 characters"));
        }
        self.revoke(Some(jti), None, revocation.expires_at, revocation.reason)
            .await
    }

    /// Refuses every token of `subject` issued until now (office only): the subject must sign
    /// in again.
    pub async fn revoke_subject(
        self,
        subject: String,
        reason: Option<String>,
    ) -> Result<token_revocation::Model> {
        let subject = subject.trim().to_owned();
        if subject.is_empty() {
            return Err(Error::bad_input("name the subject whose tokens to revoke"));
        }
        self.revoke(None, Some(subject), None, reason).await
    }

    async fn revoke(
        self,
        jti: Option<String>,
        subject: Option<String>,
        expires_at: Option<DateTime<Utc>>,
        reason: Option<String>,
    ) -> Result<token_revocation::Model> {
        let operation = if jti.is_some() {
            "revokeToken"
        } else {
            "revokeSubjectTokens"
        };
        let mut tx = self.begin(operation).await?;
        let outcome = async {
            let allowed = tx.viewer.may_revoke_tokens();
            tx.authorize(
                allowed,
                "token_revocation",
                None,
                "only the office revokes tokens",
            )?;
            let not_before = subject
                .as_ref()
                .map(|_| tx.now + chrono::Duration::seconds(1));
            let row = revocation_row(
                &tx.viewer.principal.subject,
                jti,
                subject,
                not_before,
                expires_at,
                reason,
                tx.now,
            )
            .insert(&tx.db)
            .await?;
            tx.record("token_revocation", row.id, None, None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// A revocation row (also written when an API client is disabled).
pub(super) fn revocation_row(
    by: &str,
    jti: Option<String>,
    subject: Option<String>,
    not_before: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> token_revocation::ActiveModel {
    token_revocation::ActiveModel {
        jti: Set(jti),
        subject: Set(subject),
        not_before: Set(not_before),
        expires_at: Set(expires_at),
        reason: Set(reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())),
        created_by: Set(by.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
}
