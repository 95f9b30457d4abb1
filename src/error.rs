//! The one error type every layer returns, and its fixed vocabulary of `extensions.code`.
//!
//! Which variant goes where:
//! - the caller sent something malformed (a bad USCC, `first: 500`): [`Error::BadInput`];
//! - the caller is not allowed: [`Error::Forbidden`]; their token is bad: [`Error::Unauthenticated`];
//! - the thing does not exist (or the caller may not know it exists): [`Error::NotFound`];
//! - a stale `expectedVersion` or a unique-key race: [`Error::Conflict`];
//! - a rule of DOMAIN.md is broken: [`Error::Rule`] with its stable rule id;
//! - the request ran out of time: [`Error::Timeout`]; something it needs is down:
//!   [`Error::Unavailable`] (both worth retrying);
//! - anything else (database down, a bug): [`Error::Internal`]. It is logged once, where it is
//!   turned into a response, and the client only ever sees "internal error".

use std::fmt;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No valid credentials where they are needed (HTTP 401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's role may not do or see this.
    #[error("{0}")]
    Forbidden(String),
    /// Malformed input; the message says what and why.
    #[error("{0}")]
    BadInput(String),
    /// No such object (or not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// The row changed underneath the caller, or a unique key is taken.
    #[error("{0}")]
    Conflict(String),
    /// A rule of the seed plan would be broken.
    #[error("{message}")]
    Rule { rule: &'static str, message: String },
    /// The caller's cost budget is spent; it is whole again in `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// The request ran out of time and was stopped (retryable).
    #[error("{0}")]
    Timeout(String),
    /// A resource the request needs is unreachable for now (retryable).
    #[error("{0}")]
    Unavailable(String),
    /// Anything unexpected. The inner text is for the log only.
    #[error("internal error")]
    Internal(String),
}

/// The fixed vocabulary of `extensions.code` (DESIGN.md, API conventions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Unauthenticated,
    Forbidden,
    BadUserInput,
    NotFound,
    Conflict,
    RuleViolation,
    RateLimited,
    Timeout,
    Unavailable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Forbidden => "FORBIDDEN",
            Code::BadUserInput => "BAD_USER_INPUT",
            Code::NotFound => "NOT_FOUND",
            Code::Conflict => "CONFLICT",
            Code::RuleViolation => "RULE_VIOLATION",
            Code::RateLimited => "RATE_LIMITED",
            Code::Timeout => "TIMEOUT",
            Code::Unavailable => "UNAVAILABLE",
            Code::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Unauthenticated(_) => Code::Unauthenticated,
            Error::Forbidden(_) => Code::Forbidden,
            Error::BadInput(_) => Code::BadUserInput,
            Error::NotFound(_) => Code::NotFound,
            Error::Conflict(_) => Code::Conflict,
            Error::Rule { .. } => Code::RuleViolation,
            Error::RateLimited { .. } => Code::RateLimited,
            Error::Timeout(_) => Code::Timeout,
            Error::Unavailable(_) => Code::Unavailable,
            Error::Internal(_) => Code::Internal,
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Error::BadInput(message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound(message.into())
    }

    pub fn internal(detail: impl fmt::Display) -> Self {
        Error::Internal(detail.to_string())
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        if unreachable(&err) {
            tracing::warn!(error.detail = %err, "database unreachable");
            return Error::Unavailable("the database is unreachable; retry shortly".into());
        }
        if lock_timed_out(&err) {
            return Error::Unavailable(
                "other writes held the database too long; retry shortly".into(),
            );
        }
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("a record with the same unique key already exists".into())
            }
            _ => Error::Internal(err.to_string()),
        }
    }
}

/// Whether the database could not be reached (no connection within the pool's acquire timeout,
/// or the connection broke): worth retrying, not a bug.
fn unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout | ConnAcquireErr::ConnectionClosed) => {
            true
        }
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => matches!(
            e.as_ref(),
            sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::PoolTimedOut
                | sea_orm::sqlx::Error::PoolClosed
                | sea_orm::sqlx::Error::WorkerCrashed
        ),
        DbErr::Conn(_) => true,
        _ => false,
    }
}

/// Whether a writer gave up waiting for the write lock (PostgreSQL's `lock_timeout`, SQLSTATE
/// 55P03; SQLite's busy timeout, "database is locked").
fn lock_timed_out(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            e.as_database_error().is_some_and(|db| {
                db.code().as_deref() == Some("55P03") || db.message().contains("database is locked")
            })
        }
        _ => false,
    }
}
