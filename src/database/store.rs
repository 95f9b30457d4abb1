//! The database as the hub uses it: sea-orm's pool, with reads run on connections the hub keeps.
//!
//! sqlx tests every connection it takes back into its pool with a round trip to the server (a
//! `Sync` and its answer on PostgreSQL), so each statement cost two round trips: on this
//! project's machine a pooled point lookup ran at 22 000 statements/s where one connection held
//! by its task ran 50 000–58 000. On PostgreSQL a [`Store`] runs each read on a connection it
//! keeps checked out of the pool and puts it back on its own shelf when the statement is done, so
//! the next read takes it without a round trip. Writes, transactions and anything else go through
//! the pool as before. On SQLite the pool's test is a message to the connection's worker thread in
//! this process; kept connections did not pay there (the USCC lookup read 15–25 % less), so SQLite
//! reads use the pool.
//!
//! What keeps this as safe as the pool's test: a connection goes back on the shelf only after
//! its statement finished with the server's answer (rows or a database error); one whose
//! statement failed otherwise, or whose request gave up mid-statement (the future was dropped),
//! goes back to the pool, which tests it. Reads run at most [`Store::new`]'s `keep` at once and
//! so keep at most that many connections; the rest of the pool stays free for writers. A reader
//! that finds every kept connection busy waits its turn (first come, first served) as long as
//! the pool would have let it wait; a kept connection idle as long as the pool would ping one
//! (`PING_IF_IDLE_FOR`) is handed back to the pool, which tests it.

use std::{
    ops::Deref,
    sync::{Arc, Mutex, MutexGuard},
    time::Instant,
};

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult,
    RuntimeErr, Statement, metric,
    sqlx::{self, PgPool, Postgres, pool::PoolConnection},
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::PING_IF_IDLE_FOR;

/// Records one statement: how long it took and whether it failed.
type Metric = Arc<dyn Fn(&metric::Info<'_>) + Send + Sync>;

/// sea-orm's connection pool, with reads on kept connections. Cheap to clone (clones share the
/// pool and the shelf); derefs to the pool for transactions and everything else.
#[derive(Clone)]
pub struct Store {
    connection: DatabaseConnection,
    shelf: Shelf,
    metric: Option<Metric>,
}

/// Where reads run.
#[derive(Clone)]
enum Shelf {
    Postgres(Arc<Keeper>),
    /// SQLite: reads go through the pool (see the module's note).
    Pool,
}

impl Store {
    /// Wraps a pool, keeping at most `keep` of its connections for reads (PostgreSQL).
    pub fn new(connection: DatabaseConnection, keep: usize) -> Self {
        let shelf = match connection.get_database_backend() {
            DbBackend::Postgres => Shelf::Postgres(Arc::new(Keeper::new(
                connection.get_postgres_connection_pool().clone(),
                keep,
            ))),
            _ => Shelf::Pool,
        };
        Self {
            connection,
            shelf,
            metric: None,
        }
    }

    /// Calls `callback` after every statement, kept or pooled.
    pub fn set_metric_callback<F>(&mut self, callback: F)
    where
        F: Fn(&metric::Info<'_>) + Send + Sync + 'static,
    {
        let callback: Metric = Arc::new(callback);
        let pooled = callback.clone();
        self.connection
            .set_metric_callback(move |info| pooled(info));
        self.metric = Some(callback);
    }

    /// The pool itself.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// How many connections the shelf holds now, busy or idle.
    pub fn kept(&self) -> usize {
        match &self.shelf {
            Shelf::Postgres(keeper) => keeper.lock().held,
            Shelf::Pool => 0,
        }
    }

    /// Hands the kept connections back and closes the pool (every clone's).
    pub async fn close(self) -> Result<(), DbErr> {
        match &self.shelf {
            Shelf::Postgres(keeper) => keeper.close(),
            Shelf::Pool => {}
        }
        self.connection.close_by_ref().await
    }

    /// A read on a kept connection, counted as sea-orm counts its own.
    async fn read(
        &self,
        keeper: &Keeper,
        statement: &Statement,
    ) -> Result<Vec<QueryResult>, DbErr> {
        let started = self.metric.is_some().then(Instant::now);
        let result = keeper.fetch_all(statement).await;
        if let (Some(started), Some(metric)) = (started, &self.metric) {
            metric(&metric::Info {
                elapsed: started.elapsed(),
                statement,
                failed: result.is_err(),
            });
        }
        result
    }
}

impl Deref for Store {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.connection
    }
}

/// As sea-orm's connection is (an export's state, for one, derives `Debug`).
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("kept", &self.kept()).finish()
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Store {
    fn get_database_backend(&self) -> DbBackend {
        self.connection.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.connection.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.connection.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        match &self.shelf {
            Shelf::Postgres(keeper) => Ok(self.read(keeper, &statement).await?.into_iter().next()),
            Shelf::Pool => self.connection.query_one_raw(statement).await,
        }
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match &self.shelf {
            Shelf::Postgres(keeper) => self.read(keeper, &statement).await,
            Shelf::Pool => self.connection.query_all_raw(statement).await,
        }
    }

    fn support_returning(&self) -> bool {
        self.connection.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.connection.is_mock_connection()
    }
}

/// The connections kept out of one sqlx pool.
struct Keeper {
    pool: PgPool,
    /// One per read running at once, at most as many as connections may be kept; readers wait
    /// for one in turn (first come, first served).
    permits: Semaphore,
    state: Mutex<Kept>,
}

struct Kept {
    /// Idle kept connections, the most recently used last, with the moment each was put back.
    idle: Vec<(PoolConnection<Postgres>, Instant)>,
    /// How many connections are kept, busy or idle (never more than the permits).
    held: usize,
    /// Set by `close`: nothing is kept any more.
    closed: bool,
}

/// A kept connection out for one statement. Dropped before [`Lease::put_back`] (the statement
/// failed, or its request gave up on it) it goes back to the pool, which tests it.
struct Lease<'a> {
    connection: Option<PoolConnection<Postgres>>,
    keeper: &'a Keeper,
    /// Released after the connection is back on the shelf, for the next reader in line.
    _permit: SemaphorePermit<'a>,
}

impl Keeper {
    fn new(pool: PgPool, keep: usize) -> Self {
        Self {
            pool,
            permits: Semaphore::new(keep),
            state: Mutex::new(Kept {
                idle: Vec::new(),
                held: 0,
                closed: false,
            }),
        }
    }

    /// The state; a panic elsewhere while it was locked leaves it consistent (every change is
    /// one push, pop or count).
    fn lock(&self) -> MutexGuard<'_, Kept> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The most recently used idle connection, or a new one from the pool. A reader waits its
    /// turn as long as the pool would let it wait for a connection.
    async fn lease(&self) -> Result<Lease<'_>, DbErr> {
        let timeout = self.pool.options().get_acquire_timeout();
        let permit = tokio::time::timeout(timeout, self.permits.acquire())
            .await
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))?;
        let stale = {
            let mut state = self.lock();
            match state.idle.pop() {
                Some((connection, since)) if since.elapsed() < PING_IF_IDLE_FOR => {
                    return Ok(Lease {
                        connection: Some(connection),
                        keeper: self,
                        _permit: permit,
                    });
                }
                // The most recent is stale: so are the others.
                Some(newest) => {
                    let mut stale = std::mem::take(&mut state.idle);
                    stale.push(newest);
                    state.held -= stale.len();
                    stale
                }
                None => Vec::new(),
            }
        };
        // Back to the pool (outside the lock: dropping spawns the pool's test).
        drop(stale);
        let connection = self.pool.acquire().await.map_err(|err| match err {
            sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            err => DbErr::Conn(RuntimeErr::SqlxError(Arc::new(err))),
        })?;
        self.lock().held += 1;
        Ok(Lease {
            connection: Some(connection),
            keeper: self,
            _permit: permit,
        })
    }

    /// Runs a read on a kept connection.
    async fn fetch_all(&self, statement: &Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut lease = self.lease().await?;
        let values = statement
            .values
            .clone()
            .unwrap_or(sea_orm::sea_query::Values(Vec::new()));
        let query = sqlx::query_with(
            sqlx::AssertSqlSafe(statement.sql.as_str()),
            SqlxValues(values),
        );
        let connection = lease
            .connection
            .as_mut()
            .ok_or_else(|| DbErr::Custom("a lease without its connection".into()))?;
        match query.fetch_all(&mut **connection).await {
            Ok(rows) => {
                lease.put_back();
                Ok(rows.into_iter().map(QueryResult::from).collect())
            }
            Err(err) => {
                // The server answered with an error: the connection is ready for the next.
                if matches!(err, sqlx::Error::Database(_)) {
                    lease.put_back();
                }
                Err(DbErr::Query(RuntimeErr::SqlxError(Arc::new(err))))
            }
        }
    }

    /// Hands every idle connection back; from now on none is kept.
    fn close(&self) {
        let idle = {
            let mut state = self.lock();
            state.closed = true;
            state.held -= state.idle.len();
            std::mem::take(&mut state.idle)
        };
        drop(idle);
    }
}

impl Lease<'_> {
    /// The statement is done and the server answered: the connection is ready for the next.
    fn put_back(mut self) {
        let Some(connection) = self.connection.take() else {
            return;
        };
        let mut state = self.keeper.lock();
        if state.closed {
            state.held -= 1;
            drop(state);
            drop(connection);
        } else {
            state.idle.push((connection, Instant::now()));
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if self.connection.is_some() {
            self.keeper.lock().held -= 1;
        }
    }
}
