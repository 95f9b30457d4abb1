//! The write path every mutation takes, in one place:
//!
//! 1. one transaction, serialized with every other write (SQLite `BEGIN IMMEDIATE`, PostgreSQL a
//!    transaction-scoped advisory lock), so audit ids follow commit order and the change feed
//!    never skips a late commit. Writers queue in the hub ([`WriteQueue`]) before they take a
//!    connection, so waiting writers never hold the connections readers need, and a writer waits
//!    at most [`WRITE_WAIT`] in all (in the queue, then for PostgreSQL's lock, which other
//!    replicas' writers hold) before a retryable UNAVAILABLE. On SQLite only another process can
//!    hold the lock; it is waited for up to the connection's busy timeout (2 s) more;
//! 2. the body authorizes against the target it loaded ([`Tx::authorize`]), checks
//!    `expectedVersion` ([`check_version`]) and the plan's rules, and writes;
//! 3. every change is audited in the same transaction ([`Tx::record`]), and announced;
//! 4. any error rolls everything back; a denial is then audited in a transaction of its own.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{audit_event, enums::AuditOutcome};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, DbBackend,
    EntityTrait, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{
    access::Viewer,
    changes::{ChangeBus, ChangeNotice},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// Any number; writers take this advisory lock on PostgreSQL.
pub const WRITE_LOCK: i64 = 0x616c_6c69_616e_6365;

/// The longest a writer waits for its turn before it is told to retry.
pub const WRITE_WAIT: Duration = Duration::from_secs(5);

/// This process's writers, one at a time, waiting in memory rather than on a pooled connection.
#[derive(Clone, Debug)]
pub struct WriteQueue {
    turn: Arc<Semaphore>,
    wait: Duration,
}

impl Default for WriteQueue {
    fn default() -> Self {
        Self::new(WRITE_WAIT)
    }
}

impl WriteQueue {
    pub fn new(wait: Duration) -> Self {
        Self {
            turn: Arc::new(Semaphore::new(1)),
            wait,
        }
    }

    /// Waits for this writer's turn, at most the queue's wait; answers the turn and how much of
    /// the wait is left (for the database's own lock).
    async fn enter(&self) -> Result<(OwnedSemaphorePermit, Duration)> {
        let started = std::time::Instant::now();
        let busy = || {
            Error::Unavailable(format!(
                "other writes held the database for {} s; retry shortly",
                self.wait.as_secs()
            ))
        };
        let turn = tokio::time::timeout(self.wait, self.turn.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let left = self
            .wait
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(100));
        Ok((turn, left))
    }
}

/// What a mutation needs from its request.
#[derive(Clone, Copy)]
pub struct Writer<'a> {
    pub db: &'a Store,
    pub viewer: &'a Viewer,
    pub bus: &'a ChangeBus,
    pub queue: &'a WriteQueue,
}

/// One mutation's transaction.
pub struct Tx<'a> {
    pub db: DatabaseTransaction,
    pub viewer: &'a Viewer,
    operation: &'static str,
    writer: Writer<'a>,
    notices: Vec<ChangeNotice>,
    /// The object a denial is about, for its audit event.
    target: Option<(&'static str, Option<i64>)>,
    pub now: DateTime<Utc>,
    /// This writer's turn, held until the transaction ends.
    turn: OwnedSemaphorePermit,
}

impl<'a> Writer<'a> {
    /// Starts the mutation named `operation`. Its body runs against the returned [`Tx`], and
    /// [`Tx::finish`] then commits it, or rolls it back (auditing a denial).
    pub async fn begin(self, operation: &'static str) -> Result<Tx<'a>> {
        let (turn, left) = self.queue.enter().await?;
        let db = begin_serialized(self.db, left).await?;
        Ok(Tx {
            turn,
            db,
            viewer: self.viewer,
            operation,
            writer: self,
            notices: Vec::new(),
            target: None,
            now: Utc::now(),
        })
    }

    async fn record_denial(
        &self,
        operation: &'static str,
        target: Option<(&'static str, Option<i64>)>,
        message: &str,
    ) -> Result<()> {
        let (entity, entity_id) = target.unwrap_or(("unknown", None));
        audit_row(
            self.viewer,
            operation,
            entity,
            entity_id,
            None,
            AuditOutcome::Denied,
            None,
            None,
            Some(message.to_owned()),
            Utc::now(),
        )
        .insert(self.db)
        .await?;
        tracing::info!(
            audit.operation = operation,
            audit.entity = entity,
            auth.role = self.viewer.role().as_str(),
            "mutation denied"
        );
        Ok(())
    }
}

async fn begin_serialized(db: &Store, wait: Duration) -> Result<DatabaseTransaction> {
    match db.get_database_backend() {
        DbBackend::Sqlite => Ok(db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?),
        _ => {
            let txn = db.begin().await?;
            // Other replicas' writers hold the same lock: wait for it as long as for our own.
            txn.execute_unprepared(&format!(
                "SET LOCAL lock_timeout = '{}ms'",
                wait.as_millis()
            ))
            .await?;
            txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1)",
                [WRITE_LOCK.into()],
            ))
            .await?;
            Ok(txn)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn audit_row(
    viewer: &Viewer,
    operation: &str,
    entity: &str,
    entity_id: Option<i64>,
    alliance_id: Option<i64>,
    outcome: AuditOutcome,
    before: Option<String>,
    after: Option<String>,
    message: Option<String>,
    at: DateTime<Utc>,
) -> audit_event::ActiveModel {
    let principal = &viewer.principal;
    audit_event::ActiveModel {
        at: Set(at),
        actor: Set(principal.subject.clone()),
        role: Set(principal.role.as_str().into()),
        department: Set(principal
            .department
            .map(|d| sea_orm::ActiveEnum::to_value(&d))
            .or_else(|| {
                principal
                    .municipality
                    .map(|m| sea_orm::ActiveEnum::to_value(&m))
            })),
        operation: Set(operation.into()),
        entity: Set(entity.into()),
        entity_id: Set(entity_id),
        alliance_id: Set(alliance_id),
        outcome: Set(outcome),
        before_state: Set(before),
        after_state: Set(after),
        message: Set(message),
        ..Default::default()
    }
}

impl Tx<'_> {
    /// Commits a successful body and announces its changes; rolls back a failed one, auditing
    /// a denial in a transaction of its own.
    pub async fn finish<T>(self, outcome: Result<T>) -> Result<T> {
        let Tx {
            db,
            writer,
            notices,
            target,
            operation,
            turn: _turn,
            ..
        } = self;
        match outcome {
            Ok(value) => {
                db.commit().await?;
                writer.bus.committed(notices);
                Ok(value)
            }
            Err(err) => {
                db.rollback().await?;
                if let Error::Forbidden(message) = &err {
                    writer.record_denial(operation, target, message).await?;
                }
                Err(err)
            }
        }
    }

    /// Ends the transaction without a trace: everything its body wrote is rolled back and nothing
    /// is announced (an import's dry run, or one with invalid rows).
    pub async fn discard(self) -> Result<()> {
        self.db.rollback().await?;
        Ok(())
    }

    /// Marks where one step of a larger write begins (an import's row), so that a failed step
    /// can be undone alone; answers the mark to pass back.
    pub async fn begin_step(&mut self) -> Result<usize> {
        self.db.execute_unprepared("SAVEPOINT step").await?;
        Ok(self.notices.len())
    }

    /// Keeps the step's work ([`Tx::begin_step`]).
    pub async fn keep_step(&mut self) -> Result<()> {
        self.db.execute_unprepared("RELEASE SAVEPOINT step").await?;
        Ok(())
    }

    /// Undoes the step's work and forgets its announcements.
    pub async fn undo_step(&mut self, mark: usize) -> Result<()> {
        self.db
            .execute_unprepared("ROLLBACK TO SAVEPOINT step")
            .await?;
        self.db.execute_unprepared("RELEASE SAVEPOINT step").await?;
        self.notices.truncate(mark);
        Ok(())
    }

    /// Today, for dates a caller leaves out.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Refuses unless `allowed`; the denial names `entity` (and its id) in the audit trail.
    pub fn authorize(
        &mut self,
        allowed: bool,
        entity: &'static str,
        id: Option<i64>,
        why: &str,
    ) -> Result<()> {
        self.target = Some((entity, id));
        if allowed {
            Ok(())
        } else {
            Err(Error::forbidden(why.to_owned()))
        }
    }

    /// The row `id` of `E`, or NOT_FOUND naming `what`.
    pub async fn find<E: EntityTrait>(&self, id: i64, what: &str) -> Result<E::Model>
    where
        <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
    {
        E::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::not_found(format!("no {what} with that id")))
    }

    /// Writes `row`, a changed copy of `before`, with the next `version` and a fresh
    /// `updated_at`, and audits the change.
    pub async fn save<A>(
        &mut self,
        entity: &'static str,
        id: i64,
        alliance: Option<i64>,
        before: &<A::Entity as EntityTrait>::Model,
        mut row: A,
    ) -> Result<<A::Entity as EntityTrait>::Model>
    where
        A: ActiveModelTrait + sea_orm::ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A> + Serialize,
    {
        use sea_orm::{Iterable, ModelTrait};
        let column = |name: &str| {
            <A::Entity as EntityTrait>::Column::iter()
                .find(|c| sea_orm::IdenStatic::as_str(c) == name)
        };
        let (Some(version), Some(updated_at)) = (column("version"), column("updated_at")) else {
            return Err(Error::internal(format!("{entity} has no version")));
        };
        let sea_orm::Value::Int(Some(current)) = before.get(version) else {
            return Err(Error::internal(format!("{entity} has no version")));
        };
        row.set(version, (current + 1).into());
        row.set(updated_at, self.now.into());
        let after = row.update(&self.db).await?;
        self.record(entity, id, alliance, Some(before), Some(&after))
            .await?;
        Ok(after)
    }

    /// Audits one change (`before` → `after`) of `entity` `id` and announces it.
    pub async fn record<M: Serialize>(
        &mut self,
        entity: &'static str,
        id: i64,
        alliance: Option<i64>,
        before: Option<&M>,
        after: Option<&M>,
    ) -> Result<()> {
        let json = |m: Option<&M>| {
            m.map(|m| serde_json::to_string(m).map_err(Error::internal))
                .transpose()
        };
        let row = audit_row(
            self.viewer,
            self.operation,
            entity,
            Some(id),
            alliance,
            AuditOutcome::Allowed,
            json(before)?,
            json(after)?,
            None,
            self.now,
        )
        .insert(&self.db)
        .await?;
        let notice = ChangeNotice {
            id: row.id,
            entity: entity.into(),
            entity_id: Some(id),
            alliance_id: alliance,
            actor: Some(self.viewer.principal.subject.clone()),
        };
        self.writer.bus.announce(&self.db, &notice).await?;
        self.notices.push(notice);
        Ok(())
    }
}

/// CONFLICT unless the caller read the row's current version.
pub fn check_version(current: i32, expected: i32, what: &str) -> Result<()> {
    if current == expected {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "the {what} was changed by someone else (now version {current}, you sent {expected}); reload it and try again"
        )))
    }
}
