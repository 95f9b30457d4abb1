//! Connecting to the database, migrating it, and preparing the embedded default.

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait,
};

use crate::{
    config::Config,
    error::{Error, Result},
};

/// Opens a pool on `url`. SQLite gets WAL and a busy timeout so readers never block writers.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let sqlite_file = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next());
    if let Some(parent) = sqlite_file.and_then(|path| std::path::Path::new(path).parent()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|e| Error::internal(format!("cannot connect to the database: {e}")))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
        )
        .await?;
    }
    Ok(db)
}

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
pub async fn open(config: &Config) -> Result<DatabaseConnection> {
    let db = connect(&config.database_url()).await?;
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
