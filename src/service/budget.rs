//! Cost budgets: each caller may spend so many cost points per minute (the cost model is
//! [`crate::graphql::cost`]), configurable per role, shared by every replica.
//!
//! Each replica counts in memory, so a request costs no query. Every second a replica writes
//! what it charged its callers this minute, where that changed (one row per caller and
//! replica), and reads what the other replicas charged theirs ([`Budgets::reconcile`]); a
//! caller's spending is what this replica counted plus what the others had reported. Across replicas a caller may overrun
//! by at most what the others charged within the last second. A budget is per calendar minute:
//! spending starts again at zero on the minute, which `Retry-After` names.
//!
//! Only PostgreSQL is shared; on SQLite (one process) the counts stay in memory.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, Weak},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use entity::cost_spending;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DbBackend, EntityTrait, QueryFilter, sea_query::OnConflict,
};

use crate::{
    database::Store,
    domain::principal::{Principal, Role},
    error::{Error, Result},
};

/// How often replicas reconcile their counts.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(1);

/// Whom a request is charged to: the token's subject, or the client's address for PUBLIC.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Payer {
    key: String,
    role: Role,
}

impl Payer {
    pub fn of(principal: &Principal, client: Option<IpAddr>) -> Self {
        let key = match (principal.role, client) {
            (Role::Public, Some(address)) => format!("ip:{address}"),
            (Role::Public, None) => "ip:unknown".to_owned(),
            _ => format!("sub:{}", principal.subject),
        };
        Self {
            key,
            role: principal.role,
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }
}

/// Points per minute for each role; `None` is no budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLimits(HashMap<Role, Option<u64>>);

impl Default for BudgetLimits {
    /// The hub's defaults: a reading dashboard spends a few thousand points a minute; PUBLIC is
    /// anonymous and gets the least.
    fn default() -> Self {
        Self(HashMap::from([
            (Role::Public, Some(20_000)),
            (Role::Analyst, Some(100_000)),
            (Role::Department, Some(100_000)),
            (Role::Municipality, Some(100_000)),
            (Role::Secretariat, Some(100_000)),
            (Role::Office, Some(300_000)),
        ]))
    }
}

impl BudgetLimits {
    /// The defaults with some roles set otherwise: `PUBLIC=5000,OFFICE=unlimited`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut limits = Self::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (role, points) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}`: write ROLE=points or ROLE=unlimited"))?;
            let role: Role = serde_json::from_value(serde_json::json!(role.trim()))
                .map_err(|_| format!("`{}` is not a role", role.trim()))?;
            let points = match points.trim() {
                "unlimited" => None,
                number => Some(
                    number
                        .parse::<u64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("`{number}`: a budget is a positive number"))?,
                ),
            };
            limits.0.insert(role, points);
        }
        Ok(limits)
    }

    pub fn of(&self, role: Role) -> Option<u64> {
        self.0.get(&role).copied().flatten()
    }
}

/// A caller's budget after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Points per minute.
    pub limit: u64,
    /// Points left this minute.
    pub remaining: u64,
    /// Seconds until the minute ends and the budget is whole again.
    pub resets_in: u64,
}

/// What a request was charged before it ran, settled when its actual cost is known.
#[derive(Debug)]
#[must_use]
pub struct Charge {
    payer: Option<Payer>,
    minute: i64,
    requested: u64,
    limit: u64,
}

/// The budgets of this replica's callers.
#[derive(Clone)]
pub struct Budgets {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Budgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budgets")
            .field("replica", &self.inner.replica)
            .finish_non_exhaustive()
    }
}

struct Inner {
    db: Store,
    replica: String,
    limits: BudgetLimits,
    ledger: Mutex<Ledger>,
}

/// This minute's accounts.
#[derive(Default)]
struct Ledger {
    minute: i64,
    accounts: HashMap<String, Account>,
}

#[derive(Default, Clone, Copy)]
struct Account {
    /// Charged by this replica.
    local: u64,
    /// What this replica last wrote to the database.
    written: u64,
    /// Charged by the other replicas, as last read.
    others: u64,
}

impl Ledger {
    fn now(&mut self) -> &mut Self {
        let minute = clock().0;
        if minute != self.minute {
            self.minute = minute;
            self.accounts.clear();
        }
        self
    }
}

/// The current minute, and the seconds left in it.
fn clock() -> (i64, u64) {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    ((seconds / 60) as i64, 60 - seconds % 60)
}

impl Budgets {
    /// Budgets with these limits; on PostgreSQL, reconciled with the other replicas every
    /// [`RECONCILE_EVERY`] until the last handle is dropped. Needs a Tokio runtime.
    pub fn start(db: Store, limits: BudgetLimits) -> Self {
        let shared = db.get_database_backend() == DbBackend::Postgres;
        let budgets = Self {
            inner: Arc::new(Inner {
                db,
                replica: format!("{:016x}", rand::random::<u64>()),
                limits,
                ledger: Mutex::default(),
            }),
        };
        if shared {
            let inner = Arc::downgrade(&budgets.inner);
            tokio::spawn(reconcile_forever(inner));
        }
        budgets
    }

    /// Charges `requested` points to the payer before the request runs: refused with
    /// RATE_LIMITED when the minute's budget cannot pay for it, and with BAD_USER_INPUT when no
    /// budget of the role ever could.
    pub fn charge(&self, payer: Option<&Payer>, requested: u64) -> Result<Charge> {
        let unlimited = Charge {
            payer: None,
            minute: 0,
            requested,
            limit: 0,
        };
        let Some(payer) = payer else {
            return Ok(unlimited);
        };
        let Some(limit) = self.inner.limits.of(payer.role) else {
            return Ok(unlimited);
        };
        if requested > limit {
            return Err(Error::bad_input(format!(
                "the request costs {requested} points, more than the {limit} a {} caller may \
                 spend in a minute: ask for smaller pages or fewer fields",
                payer.role.as_str()
            )));
        }
        let mut ledger = self.lock();
        let ledger = ledger.now();
        let account = ledger.accounts.entry(payer.key.clone()).or_default();
        let spent = account.local.saturating_add(account.others);
        if spent.saturating_add(requested) > limit {
            let resets_in = clock().1;
            return Err(Error::RateLimited {
                message: format!(
                    "the cost budget of {limit} points per minute is spent ({} left, {requested} \
                     asked): retry in {resets_in} s",
                    limit.saturating_sub(spent)
                ),
                retry_after: resets_in,
            });
        }
        account.local = account.local.saturating_add(requested);
        Ok(Charge {
            payer: Some(payer.clone()),
            minute: ledger.minute,
            requested,
            limit,
        })
    }

    /// Settles a charge at the request's actual cost (the difference is given back, or taken),
    /// and answers the payer's budget as it now stands (none when unlimited).
    pub fn settle(&self, charge: Charge, actual: u64) -> Option<Standing> {
        let payer = charge.payer?;
        let mut ledger = self.lock();
        let ledger = ledger.now();
        let account = ledger.accounts.entry(payer.key).or_default();
        if ledger.minute == charge.minute {
            account.local = account
                .local
                .saturating_sub(charge.requested)
                .saturating_add(actual);
        }
        Some(Standing {
            limit: charge.limit,
            remaining: charge
                .limit
                .saturating_sub(account.local.saturating_add(account.others)),
            resets_in: clock().1,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // A panic while holding the ledger leaves plain counters behind: still usable.
        self.inner.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes what this replica charged this minute (callers whose spending changed) and reads
    /// what the others charged. Runs every [`RECONCILE_EVERY`] on PostgreSQL; tests call it to
    /// reconcile at a moment of their choosing.
    pub async fn reconcile(&self) -> Result<()> {
        let (minute, changed) = {
            let mut ledger = self.lock();
            let ledger = ledger.now();
            let changed: Vec<(String, u64)> = ledger
                .accounts
                .iter()
                .filter(|(_, account)| account.local != account.written)
                .map(|(key, account)| (key.clone(), account.local))
                .collect();
            (ledger.minute, changed)
        };
        let db = &self.inner.db;
        if !changed.is_empty() {
            let rows = changed
                .iter()
                .map(|(key, spent)| cost_spending::ActiveModel {
                    principal: Set(key.clone()),
                    minute: Set(minute),
                    replica: Set(self.inner.replica.clone()),
                    spent: Set(i64::try_from(*spent).unwrap_or(i64::MAX)),
                });
            cost_spending::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        cost_spending::Column::Minute,
                        cost_spending::Column::Principal,
                        cost_spending::Column::Replica,
                    ])
                    .update_column(cost_spending::Column::Spent)
                    .to_owned(),
                )
                .exec(db)
                .await?;
        }
        let mut others: HashMap<String, u64> = HashMap::new();
        for row in cost_spending::Entity::find()
            .filter(cost_spending::Column::Minute.eq(minute))
            .filter(cost_spending::Column::Replica.ne(self.inner.replica.as_str()))
            .all(db)
            .await?
        {
            let total = others.entry(row.principal).or_default();
            *total = total.saturating_add(u64::try_from(row.spent).unwrap_or(0));
        }
        {
            let mut ledger = self.lock();
            if ledger.minute == minute {
                for (key, spent) in &changed {
                    if let Some(account) = ledger.accounts.get_mut(key) {
                        account.written = *spent;
                    }
                }
                for account in ledger.accounts.values_mut() {
                    account.others = 0;
                }
                // Callers of other replicas too: should they come here, their spending is known.
                for (key, spent) in others {
                    ledger.accounts.entry(key).or_default().others = spent;
                }
            }
        }
        if !changed.is_empty() {
            // Minutes before the last are of no use to anyone.
            cost_spending::Entity::delete_many()
                .filter(cost_spending::Column::Minute.lt(minute - 1))
                .exec(db)
                .await?;
        }
        Ok(())
    }
}

async fn reconcile_forever(inner: Weak<Inner>) {
    let mut ticks = tokio::time::interval(RECONCILE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let budgets = Budgets { inner };
        if let Err(err) = budgets.reconcile().await {
            // Counting goes on in memory; the next tick tries again.
            tracing::warn!(error = %err, "could not reconcile cost budgets");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_the_defaults_with_the_roles_named_set_otherwise() {
        let limits = BudgetLimits::parse("PUBLIC=5000, OFFICE=unlimited").unwrap();
        assert_eq!(limits.of(Role::Public), Some(5000));
        assert_eq!(limits.of(Role::Office), None);
        assert_eq!(limits.of(Role::Analyst), Some(100_000));
        assert!(BudgetLimits::parse("VISITOR=5").is_err());
        assert!(BudgetLimits::parse("PUBLIC=0").is_err());
        assert!(BudgetLimits::parse("PUBLIC").is_err());
    }
}
