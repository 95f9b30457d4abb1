//! Connecting to the database, migrating it, and preparing the embedded default.

mod store;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    sqlx::sqlite::SqliteJournalMode,
};

pub use store::Store;

use crate::{
    config::Config,
    error::{Error, Result},
};

/// Opens a pool on `url`. Every SQLite connection gets WAL (readers never block the writer),
/// reads through memory-mapped I/O (no system call per page), enforced foreign keys and a busy
/// timeout (the last two are sqlx's defaults); every PostgreSQL connection plans each statement
/// once, not on every execution (see `connect_with`).
pub async fn connect(url: &str) -> Result<Store> {
    connect_with(url, None).await
}

/// [`connect`], with every PostgreSQL statement limited to `statement_timeout` (the server's
/// request deadline), so a statement the hub has given up on does not go on running.
pub async fn connect_with(
    url: &str,
    statement_timeout: Option<std::time::Duration>,
) -> Result<Store> {
    let sqlite_file = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next());
    if let Some(parent) = sqlite_file.and_then(|path| std::path::Path::new(path).parent()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", parent.display())))?;
    }
    let explicit_tls = url.contains("sslmode=");
    let explicit_plans = url.contains("plan_cache_mode");
    let mut options = ConnectOptions::new(url.to_owned());
    let pooled = if url.starts_with("sqlite") { 8 } else { 20 };
    options
        .max_connections(pooled)
        // An unreachable database fails a request in 2 s (UNAVAILABLE), not the pool's 30.
        .acquire_timeout(UNREACHABLE_AFTER)
        .connect_timeout(UNREACHABLE_AFTER)
        // sqlx pings a connection on every checkout by default: a round trip before every
        // statement. A busy connection is known to be alive; only one idle long enough to have
        // been dropped by the server or a firewall is pinged first.
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR)
        .map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                // Only another process can hold the write lock (the hub queues its own
                // writers): wait for it briefly, then the writer is told to retry.
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
        })
        .map_sqlx_postgres_opts(move |postgres| {
            // TLS to a database on this host protects nothing and costs every statement a
            // round of encryption: off, unless the URL names an `sslmode` itself.
            let postgres = if !explicit_tls && is_local(postgres.get_host()) {
                postgres.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable)
            } else {
                postgres
            };
            // One plan per prepared statement, made once per connection. By default PostgreSQL
            // plans a statement afresh on every execution while its generic plan's estimate
            // looks worse than the custom ones', as it always does for a bound `LIMIT` (taken
            // as a tenth of the table) or an array of one id: planning then costs several times
            // the execution. The hub's statements are written so one plan serves every value
            // (ids bound as one array, keyset pages); a URL naming `plan_cache_mode` wins.
            let postgres = if explicit_plans {
                postgres
            } else {
                postgres.options([("plan_cache_mode", "force_generic_plan")])
            };
            match statement_timeout {
                Some(limit) => {
                    postgres.options([("statement_timeout", format!("{}ms", limit.as_millis()))])
                }
                None => postgres,
            }
        })
        .sqlx_logging(false);
    let connection = Database::connect(options)
        .await
        .map_err(|e| Error::internal(format!("cannot connect to the database: {e}")))?;
    // PostgreSQL reads keep up to three quarters of the pool; the rest stays free for writers.
    Ok(Store::new(connection, pooled as usize * 3 / 4))
}

/// A PostgreSQL host on this machine: a Unix socket directory, `localhost` or a loopback address.
fn is_local(host: &str) -> bool {
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// How long a request waits for a database connection before it is told the database is
/// unreachable.
pub const UNREACHABLE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// A connection idle at least this long may have been dropped by the server or a firewall: the
/// pool pings it before handing it out, and the store hands a kept one back to the pool.
const PING_IF_IDLE_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// How long an SQLite write waits for another process's write lock.
const SQLITE_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// How much of an SQLite database file is read through memory mapping (a walk of the chain
/// graph at scale 100 000 reads 1.5× faster than through `read()`).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Refuses to serve a database whose schema is behind the code.
pub async fn ensure_migrated(db: &DatabaseConnection) -> Result<()> {
    let pending = Migrator::get_pending_migrations(db).await?.len();
    if pending > 0 {
        return Err(Error::bad_input(format!(
            "the database has {pending} pending migration(s): run `alliance-hub migrate` first"
        )));
    }
    Ok(())
}

/// Whether the demo dataset (or any reference data) is already there.
pub async fn has_data(db: &DatabaseConnection) -> Result<bool> {
    Ok(entity::department::Entity::find().count(db).await? > 0)
}

/// Opens the configured database; the embedded default is created, migrated and seeded on first
/// start, an external one must already be migrated.
pub async fn open(config: &Config, statement_timeout: std::time::Duration) -> Result<Store> {
    let db = connect_with(&config.database_url(), Some(statement_timeout)).await?;
    if config.is_embedded() {
        migrate(&db).await?;
        if !has_data(&db).await? {
            tracing::info!("first start of the embedded database: loading the demo dataset");
            crate::seed::load_demo(&db).await?;
        }
    } else {
        ensure_migrated(&db).await?;
    }
    Ok(db)
}

/// Opens the configured read replica (`DATABASE_READ_URL`), if any: PostgreSQL only, beside a
/// PostgreSQL primary, and at the primary's migration level.
pub async fn open_read(
    config: &Config,
    statement_timeout: std::time::Duration,
) -> Result<Option<Store>> {
    let Some(url) = &config.database_read_url else {
        return Ok(None);
    };
    if !url.starts_with("postgres") || !config.database_url().starts_with("postgres") {
        return Err(Error::bad_input(
            "DATABASE_READ_URL is a PostgreSQL replica of a PostgreSQL DATABASE_URL",
        ));
    }
    let db = connect_with(url, Some(statement_timeout)).await?;
    ensure_migrated(&db).await?;
    Ok(Some(db))
}

/// A database URL fit for a message: any password replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

    use super::*;

    #[test]
    fn only_hosts_on_this_machine_count_as_local() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.0.0.53",
            "::1",
            "[::1]",
            "/var/run/postgresql",
        ] {
            assert!(is_local(host), "{host}");
        }
        for host in ["db.example.cn", "10.0.0.5", "postgres", "::2"] {
            assert!(!is_local(host), "{host}");
        }
    }

    #[tokio::test]
    async fn every_pooled_sqlite_connection_reads_through_memory_mapping() {
        let dir = std::env::temp_dir().join(format!("alliance-hub-mmap-{}", std::process::id()));
        let db = connect(&format!("sqlite://{}/hub.db?mode=rwc", dir.display()))
            .await
            .unwrap();
        // Three open transactions hold three different connections of the pool.
        let mut held = Vec::new();
        for _ in 0..3 {
            let txn = db.begin().await.unwrap();
            let row = txn
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA mmap_size",
                ))
                .await
                .unwrap()
                .unwrap();
            let bytes: i64 = row.try_get_by_index(0).unwrap();
            assert_eq!(bytes as u64, SQLITE_MMAP_BYTES);
            held.push(txn);
        }
        drop(held);
        db.close().await.unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
