//! Backups and restores of the hub's database: a consistent snapshot taken while the service
//! runs (SQLite's `VACUUM INTO`; PostgreSQL's `pg_dump` in custom format), and a restore that
//! reads the snapshot's migration level and row counts before it replaces anything.

use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::{
    database,
    error::{Error, Result},
};

/// The tables a snapshot's summary counts.
const COUNTED: &[&str] = &[
    "organization",
    "alliance",
    "membership",
    "post",
    "meeting",
    "project",
    "support_measure",
    "supply_link",
    "person",
    "audit_event",
];

/// What a snapshot holds: the migrations applied to it, in order, and its rows per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub migrations: Vec<String>,
    pub rows: Vec<(&'static str, i64)>,
}

impl std::fmt::Display for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "migration level: {}",
            self.migrations.last().map_or("none", String::as_str)
        )?;
        for (table, rows) in &self.rows {
            writeln!(f, "{table}: {rows}")?;
        }
        Ok(())
    }
}

/// Takes a consistent snapshot of the database at `url` into the new file `to`; writes may go on
/// meanwhile. PostgreSQL needs `pg_dump` (PostgreSQL's client tools) on the path.
pub async fn backup(url: &str, to: &Path) -> Result<Snapshot> {
    if to.exists() {
        return Err(Error::Conflict(format!(
            "{} exists: a backup never overwrites a file",
            to.display()
        )));
    }
    if url.starts_with("sqlite") {
        let db = database::connect(url).await?;
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [to.display().to_string().into()],
        ))
        .await?;
        db.close().await?;
    } else {
        run(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                &format!("--file={}", to.display()),
                &format!("--dbname={url}"),
            ],
        )
        .await?;
    }
    inspect(to).await
}

/// Replaces the database at `url` with the snapshot `from`, after checking that this version of
/// the hub knows every migration the snapshot has (an older snapshot is migrated after the
/// restore); the restored database is checked to hold the snapshot's rows. Stop every replica
/// first: a restore is not meant to run under a live service.
pub async fn restore(url: &str, from: &Path) -> Result<Snapshot> {
    let snapshot = inspect(from).await?;
    check_level(&snapshot)?;
    let sqlite_snapshot = is_sqlite_file(from)?;
    if sqlite_snapshot != url.starts_with("sqlite") {
        return Err(Error::bad_input(
            "a SQLite snapshot restores into SQLite, a pg_dump archive into PostgreSQL",
        ));
    }
    if sqlite_snapshot {
        let target = sqlite_path(url)?;
        let staged = target.with_extension("restoring");
        std::fs::copy(from, &staged).map_err(|e| io_error(&staged, e))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                std::fs::remove_file(&side).map_err(|e| io_error(&side, e))?;
            }
        }
        std::fs::rename(&staged, &target).map_err(|e| io_error(&target, e))?;
    } else {
        run(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                &format!("--dbname={url}"),
                &from.display().to_string(),
            ],
        )
        .await?;
    }
    let db = database::connect(url).await?;
    database::migrate(&db).await?;
    let restored = count_rows(&db).await?;
    db.close().await?;
    if restored != snapshot.rows {
        return Err(Error::internal(format!(
            "the restored database holds {restored:?}, the snapshot {:?}",
            snapshot.rows
        )));
    }
    Ok(snapshot)
}

/// Reads a snapshot's migration level and row counts without restoring it.
pub async fn inspect(path: &Path) -> Result<Snapshot> {
    if is_sqlite_file(path)? {
        // Read-only and as it is: none of the pool's settings (WAL) may touch the snapshot.
        let db = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", path.display()))
            .await
            .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))?;
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT version FROM seaql_migrations ORDER BY version",
            ))
            .await?;
        let migrations = rows
            .iter()
            .map(|r| r.try_get::<String>("", "version").map_err(Error::internal))
            .collect::<Result<_>>()?;
        let counts = count_rows(&db).await?;
        db.close().await?;
        return Ok(Snapshot {
            migrations,
            rows: counts,
        });
    }
    // A pg_dump archive: the rows of a table are the lines of its COPY block.
    let mut migrations: Vec<String> = copy_lines(path, "seaql_migrations")
        .await?
        .into_iter()
        .filter_map(|line| line.split('\t').next().map(str::to_owned))
        .collect();
    migrations.sort();
    let mut rows = Vec::new();
    for table in COUNTED {
        rows.push((*table, copy_lines(path, table).await?.len() as i64));
    }
    Ok(Snapshot { migrations, rows })
}

/// Refuses a snapshot taken by a newer version of the hub.
fn check_level(snapshot: &Snapshot) -> Result<()> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if snapshot.migrations.is_empty() {
        return Err(Error::bad_input(
            "the snapshot holds no migrated hub database",
        ));
    }
    match snapshot.migrations.iter().find(|m| !known.contains(m)) {
        Some(unknown) => Err(Error::bad_input(format!(
            "the snapshot was taken by a newer version of the hub (migration {unknown} is unknown here): restore it with that version"
        ))),
        None => Ok(()),
    }
}

async fn count_rows(db: &impl ConnectionTrait) -> Result<Vec<(&'static str, i64)>> {
    let mut rows = Vec::new();
    for table in COUNTED {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"),
            ))
            .await?
            .ok_or_else(|| Error::internal("COUNT(*) returned nothing"))?;
        rows.push((
            *table,
            row.try_get::<i64>("", "n").map_err(Error::internal)?,
        ));
    }
    Ok(rows)
}

/// The data lines of one table in a pg_dump archive.
async fn copy_lines(archive: &Path, table: &str) -> Result<Vec<String>> {
    let text = run(
        "pg_restore",
        &[
            "--data-only",
            &format!("--table={table}"),
            "--file=-",
            &archive.display().to_string(),
        ],
    )
    .await?;
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            if line == "\\." {
                inside = false;
            } else {
                lines.push(line.to_owned());
            }
        } else if line.starts_with("COPY ") && line.ends_with("FROM stdin;") {
            inside = true;
        }
    }
    Ok(lines)
}

/// Runs a PostgreSQL client tool; its standard output, or an error naming what went wrong.
async fn run(tool: &'static str, args: &[&str]) -> Result<String> {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let output =
        tokio::task::spawn_blocking(move || std::process::Command::new(tool).args(&args).output())
            .await
            .map_err(Error::internal)?;
    match output {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Unavailable(format!(
            "{tool} is not installed: install PostgreSQL's client tools (Debian: postgresql-client-15)"
        ))),
        Err(e) => Err(Error::internal(format!("{tool}: {e}"))),
        Ok(out) if !out.status.success() => Err(Error::internal(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
        Ok(out) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
    }
}

fn is_sqlite_file(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let read = file.read(&mut header).map_err(|e| io_error(path, e))?;
    if read == 16 && &header == b"SQLite format 3\0" {
        Ok(true)
    } else if read >= 5 && &header[..5] == b"PGDMP" {
        Ok(false)
    } else {
        Err(Error::bad_input(format!(
            "{} is neither a SQLite database nor a pg_dump archive",
            path.display()
        )))
    }
}

fn sqlite_path(url: &str) -> Result<PathBuf> {
    url.strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| Error::bad_input(format!("`{url}` names no SQLite file")))
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::internal(format!("{}: {e}", path.display()))
}
