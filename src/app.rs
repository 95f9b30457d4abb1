//! The application state shared by every request.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::DatabaseConnection;

use crate::{
    auth::JwtKeys,
    config::ServeConfig,
    error::Result,
    graphql::ServedSchema,
    graphql::documents::Documents,
    service::{changes::ChangeBus, stats::StatsCache},
};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The database connection pool.
    pub db: DatabaseConnection,
    /// Keys that bearer tokens are verified with.
    pub keys: Arc<JwtKeys>,
    /// The GraphQL schema as served (built once, no data attached).
    pub schema: ServedSchema,
    /// Counters served at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Committed changes, for subscriptions (fed by LISTEN/NOTIFY on PostgreSQL).
    pub bus: ChangeBus,
    /// Statistics answered since the last committed change.
    pub stats: Arc<StatsCache>,
    /// The edge's settings: introspection, CORS origins.
    pub edge: Arc<ServeConfig>,
    /// Persisted and trusted documents.
    pub documents: Arc<Documents>,
}

impl App {
    /// Builds the state, hooks the SQL statement counter into the connection and starts the
    /// change bus. Needs a Tokio runtime.
    pub fn new(db: DatabaseConnection, keys: JwtKeys) -> Self {
        let documents = Documents::new(db.clone());
        Self::build(db, keys, ServeConfig::default(), documents)
    }

    /// The state with the edge configured as given (`serve`); a bad trusted-documents manifest
    /// stops it.
    pub fn serving(db: DatabaseConnection, keys: JwtKeys, edge: ServeConfig) -> Result<Self> {
        let documents = match &edge.trusted_documents {
            Some(manifest) => Documents::trusted(db.clone(), manifest)?,
            None => Documents::new(db.clone()),
        };
        Ok(Self::build(db, keys, edge, documents))
    }

    fn build(
        mut db: DatabaseConnection,
        keys: JwtKeys,
        edge: ServeConfig,
        documents: Documents,
    ) -> Self {
        let metrics = Arc::new(Metrics::default());
        let counter = metrics.clone();
        db.set_metric_callback(move |info| counter.record_statement(info.elapsed, info.failed));
        let bus = ChangeBus::start(&db);
        let stats = Arc::new(StatsCache::default());
        Self {
            db,
            keys: Arc::new(keys),
            schema: ServedSchema::new(edge.introspection),
            metrics,
            bus,
            stats,
            edge: Arc::new(edge),
            documents: Arc::new(documents),
        }
    }
}

/// Process-wide counters (Prometheus text at `/metrics`).
#[derive(Debug, Default)]
pub struct Metrics {
    /// GraphQL requests answered.
    pub requests: AtomicU64,
    /// GraphQL requests answered with at least one error.
    pub requests_with_errors: AtomicU64,
    /// Requests refused for a bad token.
    pub unauthenticated: AtomicU64,
    /// Requests stopped at the deadline.
    pub timeouts: AtomicU64,
    /// SQL statements executed.
    pub sql_statements: AtomicU64,
    /// SQL statements that failed.
    pub sql_failures: AtomicU64,
    /// Total time spent in SQL, in microseconds.
    pub sql_micros: AtomicU64,
}

impl Metrics {
    fn record_statement(&self, elapsed: std::time::Duration, failed: bool) {
        self.sql_statements.fetch_add(1, Ordering::Relaxed);
        self.sql_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        if failed {
            self.sql_failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many SQL statements ran so far (tests compare before and after a request).
    pub fn statements(&self) -> u64 {
        self.sql_statements.load(Ordering::SeqCst)
    }

    /// The counters in Prometheus' text format.
    pub fn render(&self) -> String {
        let counters = [
            (
                "hub_graphql_requests_total",
                "GraphQL requests answered.",
                &self.requests,
            ),
            (
                "hub_graphql_requests_with_errors_total",
                "GraphQL requests answered with errors.",
                &self.requests_with_errors,
            ),
            (
                "hub_unauthenticated_total",
                "Requests refused for a bad token.",
                &self.unauthenticated,
            ),
            (
                "hub_timeouts_total",
                "Requests stopped at the deadline.",
                &self.timeouts,
            ),
            (
                "hub_sql_statements_total",
                "SQL statements executed.",
                &self.sql_statements,
            ),
            (
                "hub_sql_failures_total",
                "SQL statements that failed.",
                &self.sql_failures,
            ),
            (
                "hub_sql_time_microseconds_total",
                "Time spent in SQL.",
                &self.sql_micros,
            ),
        ];
        counters
            .iter()
            .map(|(name, help, value)| {
                format!(
                    "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                    value.load(Ordering::Relaxed)
                )
            })
            .collect()
    }
}
