//! Change notices for subscriptions. Every committed change is announced once, to every replica:
//! on PostgreSQL through `NOTIFY hub_changes` sent inside the writing transaction (delivered only
//! if it commits) and received by each replica's `LISTEN` task; on SQLite (one process) through
//! the in-process channel directly after commit.
//!
//! The same notices tell where a caller may read (a PostgreSQL read replica): [`ChangeBus`]
//! keeps each writer's last audit id, and a caller's reads go to the replica only once the
//! replica holds that audit row, which commits with the write it records (read your writes).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use entity::audit_event;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QuerySelect, Statement,
};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::{database::Store, error::Result};

/// The PostgreSQL channel notices travel on.
const CHANNEL: &str = "hub_changes";

/// One committed change: which audit event, about what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNotice {
    /// The audit event's id (the change feed's sequence number).
    pub id: i64,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub alliance_id: Option<i64>,
    /// Who wrote it (the token's subject), for read-your-writes across replicas.
    #[serde(default)]
    pub actor: Option<String>,
}

impl ChangeNotice {
    /// The audit event this notice announces (none if it has gone, which an append-only trail
    /// does not do; a subscriber skips such a notice).
    pub async fn event(&self, db: &Store) -> Result<Option<audit_event::Model>> {
        Ok(audit_event::Entity::find_by_id(self.id).one(db).await?)
    }
}

/// Fan-out of change notices to this replica's subscribers, and the writers' last changes.
#[derive(Debug, Clone)]
pub struct ChangeBus {
    sender: broadcast::Sender<ChangeNotice>,
    postgres: bool,
    /// Each recent writer's last audit id, kept (shared by every clone, the listener's too)
    /// once reads may go to a replica.
    writers: Arc<Mutex<Option<Writers>>>,
    /// How many committed changes this process has learnt of (its own at once, the other
    /// replicas' as their notices arrive): what a cached answer was computed at.
    generation: Arc<AtomicU64>,
}

/// A writer is forgotten this long after its last write: a replica further behind than this is
/// broken, not lagging.
const WRITER_MEMORY: Duration = Duration::from_secs(300);

/// Writer (token subject) → its last audit id, and when.
type Writers = HashMap<String, (i64, Instant)>;

impl ChangeBus {
    /// A bus for `db`; on PostgreSQL it starts the task that listens for other replicas' (and
    /// this one's) notices.
    pub fn start(db: &Store) -> Self {
        let (sender, _) = broadcast::channel(1024);
        let postgres = db.get_database_backend() == DbBackend::Postgres;
        let bus = Self {
            sender,
            postgres,
            writers: Arc::default(),
            generation: Arc::default(),
        };
        if postgres {
            tokio::spawn(
                bus.clone()
                    .listen(db.get_postgres_connection_pool().clone()),
            );
        }
        bus
    }

    /// The changes this process has learnt of so far: it moves with every change committed
    /// here (before the writer is answered) and with every other replica's notice.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Whether reads may go to a replica (which may lag behind the notices).
    pub fn reads_from_replica(&self) -> bool {
        self.writers.lock().is_ok_and(|writers| writers.is_some())
    }

    /// Starts remembering writers, for a server that reads from a replica.
    pub fn remember_writers(self) -> Self {
        if let Ok(mut writers) = self.writers.lock() {
            writers.get_or_insert_default();
        }
        self
    }

    fn remember(&self, notice: &ChangeNotice) {
        let Some(actor) = &notice.actor else { return };
        let Ok(mut guard) = self.writers.lock() else {
            return;
        };
        let Some(writers) = guard.as_mut() else {
            return;
        };
        let now = Instant::now();
        if writers.len() > 10_000 {
            writers.retain(|_, (_, at)| now.duration_since(*at) < WRITER_MEMORY);
        }
        let entry = writers.entry(actor.clone()).or_insert((notice.id, now));
        if notice.id >= entry.0 {
            *entry = (notice.id, now);
        }
    }

    /// Whether `replica` already holds everything `subject` wrote (always, for a caller that
    /// has not written lately): the audit row of its last write commits with the write, so the
    /// replica holding it holds the whole write.
    pub async fn replica_has_writes_of(&self, replica: &Store, subject: &str) -> Result<bool> {
        let last = self
            .writers
            .lock()
            .ok()
            .and_then(|w| w.as_ref().and_then(|w| w.get(subject).copied()))
            .filter(|(_, at)| at.elapsed() < WRITER_MEMORY);
        let Some((id, _)) = last else {
            return Ok(true);
        };
        let held = audit_event::Entity::find_by_id(id)
            .select_only()
            .column(audit_event::Column::Id)
            .into_tuple::<i64>()
            .one(replica)
            .await?
            .is_some();
        if held
            && let Ok(mut guard) = self.writers.lock()
            && let Some(writers) = guard.as_mut()
            && writers.get(subject).is_some_and(|(last, _)| *last == id)
        {
            writers.remove(subject);
        }
        Ok(held)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ChangeNotice> {
        self.sender.subscribe()
    }

    /// Announces a change from inside its transaction (PostgreSQL: delivered on commit).
    pub(crate) async fn announce(
        &self,
        txn: &DatabaseTransaction,
        notice: &ChangeNotice,
    ) -> Result<()> {
        if self.postgres {
            let payload = serde_json::to_string(notice).map_err(crate::error::Error::internal)?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Publishes committed changes in-process (SQLite; PostgreSQL's come back through LISTEN),
    /// and remembers their writer at once (its next read on this replica must see them).
    pub(crate) fn committed(&self, notices: Vec<ChangeNotice>) {
        if !notices.is_empty() {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        for notice in &notices {
            self.remember(notice);
        }
        if !self.postgres {
            for notice in notices {
                // No subscriber is not an error.
                let _ = self.sender.send(notice);
            }
        }
    }

    async fn listen(self, pool: sea_orm::sqlx::PgPool) {
        use sea_orm::sqlx::postgres::PgListener;
        loop {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot listen for changes; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(err) = listener.listen(CHANNEL).await {
                tracing::warn!(error = %err, "LISTEN failed; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
            // Notices sent while no one listened are lost: count them as a change.
            self.generation.fetch_add(1, Ordering::AcqRel);
            loop {
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<ChangeNotice>(notification.payload()) {
                            Ok(notice) => {
                                self.generation.fetch_add(1, Ordering::AcqRel);
                                self.remember(&notice);
                                let _ = self.sender.send(notice);
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "ignoring a malformed change notice")
                            }
                        }
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "change listener lost its connection; reconnecting");
                        break;
                    }
                }
            }
        }
    }
}

/// What kinds of change a department system can follow (each a set of tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Reference,
    Organization,
    Park,
    SupplyLink,
    SupportMeasure,
    Person,
    Alliance,
    Membership,
    Governance,
    Project,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 10] = [
        ChangeKind::Reference,
        ChangeKind::Organization,
        ChangeKind::Park,
        ChangeKind::SupplyLink,
        ChangeKind::SupportMeasure,
        ChangeKind::Person,
        ChangeKind::Alliance,
        ChangeKind::Membership,
        ChangeKind::Governance,
        ChangeKind::Project,
    ];

    /// The audited tables of this kind.
    pub fn entities(self) -> &'static [&'static str] {
        match self {
            ChangeKind::Reference => &[
                "department",
                "municipality",
                "sector",
                "chain_segment",
                "coordination_mechanism",
                "mechanism_member",
            ],
            ChangeKind::Organization => &[
                "organization",
                "enterprise_profile",
                "enterprise_figure",
                "enterprise_designation",
            ],
            ChangeKind::Park => &["industrial_park"],
            ChangeKind::SupplyLink => &["supply_link"],
            ChangeKind::SupportMeasure => &["support_measure"],
            ChangeKind::Person => &["person"],
            ChangeKind::Alliance => &[
                "agreement",
                "agreement_party",
                "alliance",
                "alliance_report",
                "alliance_stage_event",
                "charter",
                "charter_consent",
                "supporting_rule",
            ],
            ChangeKind::Membership => &["membership"],
            ChangeKind::Governance => &["post", "meeting", "resolution", "working_group"],
            ChangeKind::Project => &["project", "joint_result", "result_holder", "result_funding"],
        }
    }

    /// The kind an audited table belongs to.
    pub fn of(entity: &str) -> Option<ChangeKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.entities().contains(&entity))
    }

    /// The tables of several kinds (all tables when `kinds` is empty).
    pub fn tables(kinds: &[ChangeKind]) -> Vec<&'static str> {
        let kinds: &[ChangeKind] = if kinds.is_empty() { &Self::ALL } else { kinds };
        kinds
            .iter()
            .flat_map(|k| k.entities().iter().copied())
            .collect()
    }
}

/// The API names of the fields that differ between two audited states.
pub fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |text: Option<&str>| {
        text.and_then(|t| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok()
        })
        .unwrap_or_default()
    };
    let (before, after) = (parse(before), parse(after));
    let mut fields: Vec<String> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, _)| key.as_str())
        .chain(
            before
                .keys()
                .filter(|key| !after.contains_key(*key))
                .map(String::as_str),
        )
        .filter(|key| !matches!(*key, "id" | "version" | "created_at" | "updated_at"))
        .map(camel_case)
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// `annual_revenue` → `annualRevenue`; a trailing `_id` names the relation (`park_id` → `park`).
fn camel_case(column: &str) -> String {
    let column = column.strip_suffix("_id").unwrap_or(column);
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    match out.as_str() {
        "beforeState" => "before".into(),
        "afterState" => "after".into(),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_are_named_as_in_the_api() {
        let before = r#"{"id":1,"name_zh":"甲","park_id":3,"version":1,"annual_revenue":5}"#;
        let after = r#"{"id":1,"name_zh":"乙","park_id":4,"version":2,"annual_revenue":5}"#;
        assert_eq!(
            changed_fields(Some(before), Some(after)),
            vec!["nameZh".to_owned(), "park".to_owned()]
        );
    }

    #[test]
    fn every_audited_table_has_a_kind() {
        assert_eq!(
            ChangeKind::of("enterprise_profile"),
            Some(ChangeKind::Organization)
        );
        assert_eq!(
            ChangeKind::tables(&[]).len(),
            ChangeKind::ALL
                .iter()
                .map(|k| k.entities().len())
                .sum::<usize>()
        );
    }
}
