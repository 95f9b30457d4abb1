//! The application state shared by every request.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::{
    auth::{Identity, JwtKeys, Source},
    config::ServeConfig,
    database::Store,
    error::Result,
    graphql::ServedSchema,
    graphql::documents::Documents,
    service::{
        budget::Budgets, changes::ChangeBus, revocation::Revocations, stats::Statistics,
        write::WriteQueue,
    },
};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The database connection pool (the primary: every write goes here).
    pub db: Store,
    /// A PostgreSQL read replica for queries, statistics and exports (`DATABASE_READ_URL`).
    pub read_db: Option<Store>,
    /// The hub's own keys: it signs API clients' tokens with them.
    pub keys: Arc<JwtKeys>,
    /// The key sources bearer tokens are verified with, and the revocations honoured.
    pub identity: Arc<Identity>,
    /// The GraphQL schema as served (built once, no data attached).
    pub schema: ServedSchema,
    /// Counters served at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Committed changes, for subscriptions (fed by LISTEN/NOTIFY on PostgreSQL).
    pub bus: ChangeBus,
    /// Statistics: their disclosure rules, and the answers given since the last committed change.
    pub stats: Arc<Statistics>,
    /// The edge's settings: introspection, CORS origins.
    pub edge: Arc<ServeConfig>,
    /// Persisted and trusted documents.
    pub documents: Arc<Documents>,
    /// Callers' cost budgets (also held by the schema, which charges them).
    pub budgets: Budgets,
    /// Where this process's writers wait their turn.
    pub writes: WriteQueue,
    /// Set when the server stops: subscriptions close.
    pub stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// One permit per GraphQL request that may run at once (`HUB_MAX_IN_FLIGHT`).
    pub in_flight: Arc<tokio::sync::Semaphore>,
}

impl App {
    /// Builds the state, hooks the SQL statement counter into the connection and starts the
    /// change bus. Needs a Tokio runtime.
    pub fn new(db: Store, keys: JwtKeys) -> Self {
        let documents = Documents::new(db.clone());
        Self::build(db, keys, ServeConfig::default(), documents)
    }

    /// The state with the edge configured as given (`serve`); a bad trusted-documents manifest
    /// stops it.
    pub fn serving(db: Store, keys: JwtKeys, edge: ServeConfig) -> Result<Self> {
        let documents = match &edge.trusted_documents {
            Some(manifest) => Documents::trusted(db.clone(), manifest)?,
            None => Documents::new(db.clone()),
        };
        Ok(Self::build(db, keys, edge, documents))
    }

    /// Also accepts tokens from these sources (the identity file's, HUB_JWKS_URL's).
    pub fn with_sources(mut self, sources: Vec<Source>) -> Self {
        let revocations = self.identity.revocations().clone();
        self.identity = Arc::new(Identity::new((*self.keys).clone(), sources, revocations));
        self
    }

    pub fn revocations(&self) -> &Revocations {
        self.identity.revocations()
    }

    /// Serves reads from `replica` (a streaming replica of the primary) where a caller may.
    pub fn with_read_replica(mut self, mut replica: Store) -> Self {
        let counter = self.metrics.clone();
        replica
            .set_metric_callback(move |info| counter.record_statement(info.elapsed, info.failed));
        self.read_db = Some(replica);
        self.bus = self.bus.remember_writers();
        self
    }

    /// Where `subject`'s reads go: the replica, unless it does not yet hold the caller's own
    /// latest write (or cannot be asked), then the primary.
    pub async fn reader_for(&self, subject: &str) -> Store {
        let Some(replica) = &self.read_db else {
            return self.db.clone();
        };
        match self.bus.replica_has_writes_of(replica, subject).await {
            Ok(true) => replica.clone(),
            Ok(false) => self.db.clone(),
            Err(err) => {
                tracing::warn!(error = %err, "the read replica did not answer; reading from the primary");
                self.db.clone()
            }
        }
    }

    fn build(mut db: Store, keys: JwtKeys, edge: ServeConfig, documents: Documents) -> Self {
        // Before the statement counter is hooked in: reconciling budgets is no request's work.
        let budgets = Budgets::start(db.clone(), edge.cost_budgets.clone());
        let metrics = Arc::new(Metrics::default());
        let counter = metrics.clone();
        db.set_metric_callback(move |info| counter.record_statement(info.elapsed, info.failed));
        let bus = ChangeBus::start(&db);
        let revocations = Revocations::start(db.clone());
        let stats = Arc::new(Statistics::new(edge.disclosure(), bus.clone()));
        Self {
            schema: ServedSchema::with_running_cost(
                edge.introspection,
                Some(budgets.clone()),
                edge.max_in_flight_cost,
            ),
            budgets,
            writes: WriteQueue::default(),
            stopping: Arc::new(tokio::sync::watch::Sender::new(false)),
            db,
            read_db: None,
            identity: Arc::new(Identity::new(keys.clone(), Vec::new(), revocations)),
            keys: Arc::new(keys),
            metrics,
            bus,
            stats,
            in_flight: Arc::new(tokio::sync::Semaphore::new(edge.max_in_flight)),
            edge: Arc::new(edge),
            documents: Arc::new(documents),
        }
    }
}

/// What `/metrics` serves, recorded with the `metrics` crate into this app's own Prometheus
/// recorder (not a process-global one, so that several apps in one process, as in the tests,
/// count apart). Two counters are also kept as plain numbers, which the tests and the benchmark
/// read exactly: requests answered and SQL statements run.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// Operation names seen so far: past [`MAX_OPERATION_LABELS`] new ones count as `other`.
    operations: Mutex<HashSet<String>>,
    requests: AtomicU64,
    sql_statements: AtomicU64,
}

/// How many distinct operation names label the latency histogram (clients choose the names).
const MAX_OPERATION_LABELS: usize = 200;

/// Latency buckets of the request histogram, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("requests", &self.requests)
            .field("sql_statements", &self.sql_statements)
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &LATENCY_BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        let metrics = Self {
            recorder,
            handle,
            operations: Mutex::new(HashSet::new()),
            requests: AtomicU64::new(0),
            sql_statements: AtomicU64::new(0),
        };
        metrics.record(|| {
            describe_counter!(REQUESTS, "GraphQL requests answered.");
            describe_counter!(
                REQUESTS_WITH_ERRORS,
                "GraphQL requests answered with errors."
            );
            describe_counter!(UNAUTHENTICATED, "Requests refused for a bad token.");
            describe_counter!(TIMEOUTS, "Requests stopped at the deadline.");
            describe_gauge!(IN_FLIGHT, "GraphQL requests running now.");
            describe_counter!(SQL_STATEMENTS, "SQL statements executed.");
            describe_counter!(SQL_FAILURES, "SQL statements that failed.");
            describe_histogram!(SQL_SECONDS, Unit::Seconds, "Time spent in SQL statements.");
            describe_histogram!(
                REQUEST_SECONDS,
                Unit::Seconds,
                "GraphQL request latency by operation name."
            );
            // Present from the start, so a scrape shows zeros rather than nothing.
            for name in [REQUESTS, REQUESTS_WITH_ERRORS, UNAUTHENTICATED, TIMEOUTS] {
                counter!(name).absolute(0);
            }
        });
        metrics
    }
}

const REQUESTS: &str = "hub_graphql_requests_total";
const REQUESTS_WITH_ERRORS: &str = "hub_graphql_requests_with_errors_total";
const UNAUTHENTICATED: &str = "hub_unauthenticated_total";
const TIMEOUTS: &str = "hub_timeouts_total";
const SQL_STATEMENTS: &str = "hub_sql_statements_total";
const SQL_FAILURES: &str = "hub_sql_failures_total";
const SQL_SECONDS: &str = "hub_sql_statement_duration_seconds";
const REQUEST_SECONDS: &str = "hub_graphql_request_duration_seconds";
const IN_FLIGHT: &str = "hub_graphql_requests_in_flight";

impl Metrics {
    fn record(&self, f: impl FnOnce()) {
        metrics::with_local_recorder(&self.recorder, f);
    }

    fn record_statement(&self, elapsed: std::time::Duration, failed: bool) {
        self.sql_statements.fetch_add(1, Ordering::Relaxed);
        self.record(|| {
            counter!(SQL_STATEMENTS).increment(1);
            histogram!(SQL_SECONDS).record(elapsed.as_secs_f64());
            if failed {
                counter!(SQL_FAILURES).increment(1);
            }
        });
    }

    /// A GraphQL request answered, with its operation name (if any) and how long it took.
    pub fn request_answered(
        &self,
        operation: Option<&str>,
        elapsed: std::time::Duration,
        with_errors: bool,
    ) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let operation = self.operation_label(operation);
        self.record(|| {
            counter!(REQUESTS).increment(1);
            if with_errors {
                counter!(REQUESTS_WITH_ERRORS).increment(1);
            }
            histogram!(REQUEST_SECONDS, "operation" => operation).record(elapsed.as_secs_f64());
        });
    }

    /// A request refused for a bad token.
    pub fn unauthenticated(&self) {
        self.record(|| counter!(UNAUTHENTICATED).increment(1));
    }

    /// A request stopped at its deadline.
    pub fn timed_out(&self) {
        self.record(|| counter!(TIMEOUTS).increment(1));
    }

    /// The label of an operation name: the name itself while few names have been seen.
    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation
            .filter(|n| n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        else {
            return if operation.is_some() {
                "other"
            } else {
                "anonymous"
            }
            .to_owned();
        };
        match self.operations.lock() {
            Ok(mut seen) if seen.contains(name) || seen.len() < MAX_OPERATION_LABELS => {
                seen.insert(name.to_owned());
                name.to_owned()
            }
            _ => "other".to_owned(),
        }
    }

    /// How many SQL statements ran so far (tests compare before and after a request).
    pub fn statements(&self) -> u64 {
        self.sql_statements.load(Ordering::SeqCst)
    }

    /// How many GraphQL requests were answered so far (the benchmark's denominator).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Everything recorded, in Prometheus' text format, with the requests running now.
    pub fn render(&self, in_flight: usize) -> String {
        self.record(|| gauge!(IN_FLIGHT).set(in_flight as f64));
        self.handle.render()
    }
}
