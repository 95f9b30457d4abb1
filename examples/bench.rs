//! The benchmark: serves the real app on a database of a chosen scale, drives it over HTTP with
//! concurrent clients, and reports per operation requests/s, p50/p99 latency and SQL statements
//! per request, next to the same lookups as raw SQL (the floor).
//!
//! ```sh
//! cargo run --release -- seed --scale 100000                  # once, into ./data (SQLite)
//! cargo run --release --example bench -- --seconds 5 --clients 8,64
//! DATABASE_URL=postgres://… cargo run --release --example bench
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use alliance_hub::{
    App,
    auth::{Claims, JwtKeys},
    database,
    service::page::encode_cursor,
};
use clap::Parser;

/// The server binary's allocator, so that the app is measured as it is served.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sea_orm::{FromQueryResult, Statement, Value};
use serde_json::{Value as Json, json};

#[derive(Debug, Parser)]
struct Args {
    /// Database to serve (default: the embedded SQLite file under ./data).
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Seconds per operation.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Concurrent clients: each operation runs once per count (`8,64`).
    #[arg(long, value_delimiter = ',', default_value = "8,64")]
    clients: Vec<usize>,
    /// Run only the operations whose name contains this text (e.g. `neighbourhood`).
    #[arg(long)]
    only: Option<String>,
}

/// One operation: a GraphQL request (varying with the request number) and its raw-SQL floor.
struct Operation {
    name: &'static str,
    /// Asked as an ANALYST (statistics through disclosure control) instead of the OFFICE.
    analyst: bool,
    graphql: Box<dyn Fn(usize) -> Json + Send + Sync>,
    sql: Option<Box<dyn Fn(usize) -> String + Send + Sync>>,
}

impl Operation {
    /// The most clients an operation runs with: an aggregate computed afresh takes hundreds of
    /// milliseconds, and 64 of them at once only queue for the pool's connections.
    fn most_clients(&self) -> usize {
        if self.name.contains("uncached") || self.name.contains("GeoJSON") {
            8
        } else {
            usize::MAX
        }
    }

    /// Whether its raw-SQL floor runs with this many clients: a statistic's floor is the whole
    /// aggregate, which 64 clients at once only queue for.
    fn floor_runs_with(&self, clients: usize) -> bool {
        self.sql.is_some() && (clients <= 8 || !self.name.contains("stats"))
    }
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    uscc: Option<String>,
    name_zh: String,
}

struct Report {
    requests: usize,
    rate: f64,
    p50: Duration,
    p99: Duration,
    /// Machine-wide busy CPU time per request (server, database and clients together), when the
    /// platform tells: steadier than latency on a machine the three share.
    cpu_per_request: Option<Duration>,
}

/// Busy CPU time of the whole machine so far (Linux: `/proc/stat`, in clock ticks of 10 ms).
fn busy_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
    let busy: u64 = ticks.iter().take(8).sum::<u64>() - ticks.get(3)? - ticks.get(4)?;
    Some(Duration::from_millis(busy * 10))
}

async fn drive<S, Open, Opened, F, Fut>(clients: usize, seconds: u64, open: Open, call: F) -> Report
where
    S: Send + 'static,
    Open: Fn() -> Opened,
    Opened: std::future::Future<Output = S>,
    F: Fn(S, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = S> + Send,
{
    let call = Arc::new(call);
    let mut states = Vec::with_capacity(clients);
    for _ in 0..clients {
        states.push(open().await);
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let cpu_before = busy_cpu();
    let tasks: Vec<_> = states
        .into_iter()
        .enumerate()
        .map(|(client, mut state)| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = client;
                while Instant::now() < deadline {
                    let start = Instant::now();
                    state = call(state, n).await;
                    latencies.push(start.elapsed());
                    n += clients;
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_per_request = cpu_before
        .zip(busy_cpu())
        .map(|(before, after)| (after - before) / latencies.len().max(1) as u32);
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Report {
        requests: latencies.len(),
        rate: latencies.len() as f64 / elapsed,
        p50: at(0.5),
        p99: at(0.99),
        cpu_per_request,
    }
}

/// A keep-alive HTTP/1.1 connection that writes a ready-made request and reads the whole answer,
/// as `wrk` does: the load generator shares the two cores with the server and the database, so
/// it should cost as little as the one the peers were measured with (a general HTTP client with
/// pooling and header maps took about a fifth of the machine).
struct Connection {
    stream: tokio::net::TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(address: std::net::SocketAddr) -> Self {
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            stream,
            buffer: Vec::with_capacity(16 * 1024),
        }
    }

    /// POSTs a GraphQL request as the bearer of `token`; answers the status and the body.
    async fn post(&mut self, token: &str, body: &[u8]) -> (u16, Vec<u8>) {
        use tokio::io::AsyncWriteExt;
        let mut request = format!(
            "POST /graphql HTTP/1.1\r\nhost: bench\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        self.stream.write_all(&request).await.unwrap();
        self.buffer.clear();
        // The head, then as much of the body as its framing says.
        let head_end = loop {
            if let Some(at) = find(&self.buffer, b"\r\n\r\n") {
                break at + 4;
            }
            self.read_more().await;
        };
        let head = std::str::from_utf8(&self.buffer[..head_end])
            .unwrap()
            .to_ascii_lowercase();
        let status: u16 = head[9..12].parse().unwrap();
        let header = |name: &str| {
            head.lines()
                .find_map(|line| line.strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        if let Some(length) = header("content-length:") {
            let end = head_end + length.parse::<usize>().unwrap();
            while self.buffer.len() < end {
                self.read_more().await;
            }
            return (status, self.buffer[head_end..end].to_vec());
        }
        assert_eq!(header("transfer-encoding:").as_deref(), Some("chunked"));
        let (mut body, mut at) = (Vec::new(), head_end);
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buffer[at..], b"\r\n") {
                    break at + i;
                }
                self.read_more().await;
            };
            let size = usize::from_str_radix(
                std::str::from_utf8(&self.buffer[at..line_end])
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            let end = line_end + 2 + size + 2;
            while self.buffer.len() < end {
                self.read_more().await;
            }
            body.extend_from_slice(&self.buffer[line_end + 2..end - 2]);
            at = end;
            if size == 0 {
                return (status, body);
            }
        }
    }

    async fn read_more(&mut self) {
        use tokio::io::AsyncReadExt;
        let mut chunk = [0u8; 16 * 1024];
        let read = self.stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the server closed the connection");
        self.buffer.extend_from_slice(&chunk[..read]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| "sqlite://./data/alliance-hub.db?mode=rwc".into());
    let db = database::connect(&url).await.expect("connect");
    database::ensure_migrated(&db)
        .await
        .expect("a migrated, seeded database (alliance-hub seed --scale N)");
    let secret = b"a-benchmark-secret-of-at-least-32-bytes".to_vec();
    let keys = JwtKeys::new(
        secret.clone(),
        &[],
        "alliance-hub".into(),
        "alliance-hub".into(),
    )
    .unwrap();
    // Budgets are charged as in production, with one too large to run out: the benchmark
    // measures what counting costs, not what a spent budget refuses.
    let edge = alliance_hub::config::ServeConfig {
        cost_budgets: alliance_hub::service::budget::BudgetLimits::parse(
            "OFFICE=unlimited,ANALYST=unlimited",
        )
        .unwrap(),
        ..Default::default()
    };
    let app = App::serving(db.clone(), keys.clone(), edge).unwrap();
    let metrics = app.metrics.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            alliance_hub::app(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: "bench".into(),
        role: "OFFICE".into(),
        dept: None,
        muni: None,
        alliance: None,
        exp: now + 3600,
        iat: now,
        iss: "alliance-hub".into(),
        aud: "alliance-hub".into(),
        nbf: None,
        jti: None,
        client_id: None,
        nonce: None,
    };
    let token = keys.sign(&claims).unwrap();
    let analyst_token = keys
        .sign(&Claims {
            sub: "bench-analyst".into(),
            role: "ANALYST".into(),
            ..claims
        })
        .unwrap();

    let backend = db.get_database_backend();
    let units = Row::find_by_statement(Statement::from_string(
        backend,
        "SELECT id, uscc, name_zh FROM organization WHERE uscc IS NOT NULL ORDER BY id".to_owned(),
    ))
    .all(&db)
    .await
    .unwrap();
    let count = units.len();
    println!(
        "backend: {backend:?}, organizations: {count}, clients: {:?}, seconds per operation: {}",
        args.clients, args.seconds
    );
    let usccs: Arc<Vec<String>> = Arc::new(units.iter().filter_map(|u| u.uscc.clone()).collect());
    let ids: Arc<Vec<i64>> = Arc::new(units.iter().map(|u| u.id).collect());
    // The cursor after row 99 980 in NAME_ZH order: page 5000 of 20.
    let deep = Row::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT id, uscc, name_zh FROM organization ORDER BY name_zh, id LIMIT 1 OFFSET {}",
            (20 * 4999).min(count - 1)
        ),
    ))
    .one(&db)
    .await
    .unwrap()
    .unwrap();
    let deep_cursor = encode_cursor(&[
        Value::String(Some(deep.name_zh.clone())),
        Value::BigInt(Some(deep.id)),
    ]);
    let global = |id: i64| {
        alliance_hub::domain::id::encode(alliance_hub::domain::id::Kind::Organization, id)
    };

    let list = |ids: &[String]| {
        ids.iter()
            .map(|u| format!("'{u}'"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let operations: Vec<Operation> = vec![
        {
            let (ids, sql_ids) = (ids.clone(), ids.clone());
            Operation {
                name: "e. point lookup (organization(id:))",
                analyst: false,
                graphql: Box::new(
                    move |n| json!({ "query": "query($o: ID!) { organization(id: $o) { id nameZh uscc } }", "variables": { "o": global(ids[n * 7919 % ids.len()]) } }),
                ),
                sql: Some(Box::new(move |n| {
                    format!(
                        "SELECT id, uscc, name_zh FROM organization WHERE id = {}",
                        sql_ids[n * 7919 % sql_ids.len()]
                    )
                })),
            }
        },
        Operation {
            name: "a. nested page (park, memberships, alliance)",
            analyst: false,
            graphql: Box::new(
                |_| json!({ "query": "{ enterprises(first: 20) { nodes { id nameZh park { nameZh } memberships { status alliance { nameZh } } } } }" }),
            ),
            sql: Some(Box::new(|_| {
                "SELECT o.id, o.uscc, o.name_zh FROM (SELECT * FROM organization WHERE kind = 'ENTERPRISE' AND archived_at IS NULL ORDER BY id LIMIT 21) o LEFT JOIN industrial_park p ON p.id = o.park_id LEFT JOIN membership ms ON ms.organization_id = o.id LEFT JOIN alliance a ON a.id = ms.alliance_id".into()
            })),
        },
        {
            let (usccs, sql_usccs) = (usccs.clone(), usccs.clone());
            Operation {
                name: "b. membership lookup of 100 USCCs",
                analyst: false,
                graphql: Box::new(move |n| {
                    let batch: Vec<&String> = (0..100)
                        .map(|i| &usccs[(n * 100 + i) * 31 % usccs.len()])
                        .collect();
                    json!({ "query": "query($u: [String!]!) { membershipsByUscc(usccs: $u) { uscc organization { nameZh } memberships { status alliance { nameZh } } } }", "variables": { "u": batch } })
                }),
                sql: Some(Box::new(move |n| {
                    let batch: Vec<String> = (0..100)
                        .map(|i| sql_usccs[(n * 100 + i) * 31 % sql_usccs.len()].clone())
                        .collect();
                    format!(
                        "SELECT o.id, o.uscc, o.name_zh FROM organization o LEFT JOIN membership m ON m.organization_id = o.id WHERE o.uscc IN ({})",
                        list(&batch)
                    )
                })),
            }
        },
        {
            // Twenty starting units, as a dashboard showing a handful of leading enterprises would.
            let starts: Arc<Vec<i64>> =
                Arc::new((0..20).map(|k| ids[k * 104_729 % ids.len()]).collect());
            let sql_starts = starts.clone();
            Operation {
                name: "f. 3-hop downstream neighbourhood",
                analyst: false,
                graphql: Box::new(
                    move |n| json!({ "query": "query($o: ID!) { chainNeighborhood(organizationId: $o, direction: DOWNSTREAM, maxDepth: 3) { nodes { depth organization { id nameZh kind } } } }", "variables": { "o": global(starts[n % starts.len()]) } }),
                ),
                sql: Some(Box::new(move |n| {
                    format!(
                        "WITH RECURSIVE walk(org, depth) AS (SELECT CAST({} AS BIGINT), 0 UNION SELECT l.customer_id, w.depth + 1 FROM walk w JOIN supply_link l ON l.supplier_id = w.org WHERE w.depth < 3) SELECT o.id, o.uscc, o.name_zh FROM walk JOIN organization o ON o.id = walk.org",
                        sql_starts[n % sql_starts.len()]
                    )
                })),
            }
        },
        Operation {
            name: "c. grouped stats (municipality × sector), cached",
            analyst: false,
            graphql: Box::new(
                |_| json!({ "query": "{ enterpriseStats(groupBy: [MUNICIPALITY, SECTOR]) { key { dimension value } count annualRevenue { sum } } }" }),
            ),
            sql: Some(Box::new(|_| {
                "SELECT COUNT(*) AS id, CAST(SUM(annual_revenue) AS VARCHAR) AS uscc, '' AS name_zh FROM unit_fact GROUP BY municipality_id, sector_id".into()
            })),
        },
        Operation {
            // A filter that differs on every request gives every request its own cache key: this is
            // the aggregate computed afresh, as after a write.
            name: "c. grouped stats (municipality × sector), uncached",
            analyst: false,
            graphql: Box::new(
                |n| json!({ "query": "query($y: Int!) { enterpriseStats(groupBy: [MUNICIPALITY, SECTOR], filter: {foundedYear: {lte: $y}}) { key { dimension value } count annualRevenue { sum } } }", "variables": { "y": 3000 + n } }),
            ),
            sql: Some(Box::new(|n| {
                format!(
                    "SELECT COUNT(*) AS id, CAST(SUM(annual_revenue) AS VARCHAR) AS uscc, '' AS name_zh FROM unit_fact WHERE COALESCE(founded_year <= {}, FALSE) GROUP BY municipality_id, sector_id",
                    3000 + n
                )
            })),
        },
        Operation {
            // The same, as an ANALYST: disclosure control's noise, dominance and suppression.
            name: "grouped stats, uncached, disclosure-controlled (ANALYST)",
            analyst: true,
            graphql: Box::new(
                |n| json!({ "query": "query($y: Int!) { enterpriseStats(groupBy: [MUNICIPALITY, SECTOR], filter: {foundedYear: {lte: $y}}) { key { dimension value } count protection annualRevenue { sum } } }", "variables": { "y": 3000 + n } }),
            ),
            sql: None,
        },
        Operation {
            name: "d. keyset page 1 (NAME_ZH)",
            analyst: false,
            graphql: Box::new(
                |_| json!({ "query": "{ organizations(first: 20, orderBy: [{field: NAME_ZH}]) { nodes { nameZh } } }" }),
            ),
            sql: Some(Box::new(|_| {
                "SELECT id, uscc, name_zh FROM organization ORDER BY name_zh, id LIMIT 21".into()
            })),
        },
        {
            let cursor = deep_cursor.clone();
            let (name, id) = (deep.name_zh.clone(), deep.id);
            Operation {
                name: "d. keyset page 5000 (NAME_ZH)",
                analyst: false,
                graphql: Box::new(
                    move |_| json!({ "query": "query($c: String!) { organizations(first: 20, after: $c, orderBy: [{field: NAME_ZH}]) { nodes { nameZh } } }", "variables": { "c": cursor } }),
                ),
                sql: Some(Box::new(move |_| {
                    format!(
                        "SELECT id, uscc, name_zh FROM organization WHERE name_zh > '{name}' OR (name_zh = '{name}' AND id > {id}) ORDER BY name_zh, id LIMIT 21"
                    )
                })),
            }
        },
        // The dashboards' heavy questions (issue 12), as an ANALYST sees them.
        Operation {
            name: "g. yearly series (year × municipality, 2019–2025), cached",
            analyst: true,
            graphql: Box::new(
                |_| json!({ "query": "{ enterpriseStats(groupBy: [YEAR, MUNICIPALITY], years: {from: 2019, to: 2025}) { key { value } count protection annualRevenue { sum } outputValue { sum } } }" }),
            ),
            sql: None,
        },
        Operation {
            name: "g. yearly series (year × municipality), uncached",
            analyst: true,
            graphql: Box::new(
                |n| json!({ "query": "query($y: Int!) { enterpriseStats(groupBy: [YEAR, MUNICIPALITY], years: {from: 2019, to: 2025}, filter: {foundedYear: {lte: $y}}) { key { value } count protection annualRevenue { sum } outputValue { sum } } }", "variables": { "y": 3000 + n } }),
            ),
            sql: Some(Box::new(|n| {
                format!(
                    "SELECT COUNT(*) AS id, CAST(NULL AS VARCHAR) AS uscc, '' AS name_zh FROM unit_fact u JOIN enterprise_figure f ON f.organization_id = u.organization_id WHERE f.year BETWEEN 2019 AND 2025 AND u.founded_year <= {} GROUP BY f.year, u.municipality_id",
                    3000 + n
                )
            })),
        },
        Operation {
            name: "h. GeoJSON of 50 000 units (one page)",
            analyst: true,
            graphql: Box::new(
                |_| json!({ "query": "{ organizationsGeoJson(first: 50000, properties: [ID, NAME_ZH, KIND]) }" }),
            ),
            sql: Some(Box::new(|_| {
                "SELECT id, uscc, name_zh FROM organization WHERE archived_at IS NULL ORDER BY id LIMIT 50001".into()
            })),
        },
        Operation {
            name: "i. chain gaps of a sector, cached",
            analyst: true,
            graphql: Box::new(
                |_| json!({ "query": "{ chainGaps(sector: CHEMICALS) { segment { code } fromInside { links } fromOutside { links } outsideShare isGap outsideSuppliers { customers } locationQuotients { quotient } } }" }),
            ),
            sql: None,
        },
        Operation {
            name: "i. chain gaps of a sector, uncached",
            analyst: true,
            graphql: Box::new(
                |n| json!({ "query": "query($g: Float!) { chainGaps(sector: CHEMICALS, gapShare: $g) { segment { code } fromInside { links } fromOutside { links } outsideShare isGap } }", "variables": { "g": (n % 1000) as f64 / 1000.0 } }),
            ),
            sql: None,
        },
    ];

    println!(
        "\n| operation | clients | GraphQL req/s | p50 | p99 | CPU/request | SQL/request | raw SQL req/s | raw p50 | GraphQL / raw |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let chosen = operations.into_iter().filter(|o| {
        args.only
            .as_ref()
            .is_none_or(|only| o.name.contains(only.as_str()))
    });
    for operation in chosen {
        let operation = Arc::new(operation);
        let token = if operation.analyst {
            &analyst_token
        } else {
            &token
        };
        // Warm up, and fail loudly on an error rather than timing it.
        let (status, probe) = Connection::open(address)
            .await
            .post(token, &serde_json::to_vec(&(operation.graphql)(0)).unwrap())
            .await;
        let probe: Json = serde_json::from_slice(&probe).unwrap();
        assert!(
            status == 200 && probe.get("errors").is_none(),
            "{}: {status} {probe}",
            operation.name
        );
        for &clients in args
            .clients
            .iter()
            .filter(|c| **c <= operation.most_clients())
        {
            let (before_requests, before_statements) = (metrics.requests(), metrics.statements());
            let (t, op) = (token.clone(), operation.clone());
            let graphql = drive(
                clients,
                args.seconds,
                || Connection::open(address),
                move |mut connection, n| {
                    let (t, op) = (t.clone(), op.clone());
                    async move {
                        let body = serde_json::to_vec(&(op.graphql)(n)).unwrap();
                        let (status, _) = connection.post(&t, &body).await;
                        assert_eq!(status, 200, "{}", op.name);
                        connection
                    }
                },
            )
            .await;
            let requests = metrics.requests() - before_requests;
            let statements = metrics.statements() - before_statements;
            let (raw_rate, raw_p50) = match &operation.sql {
                Some(_) if operation.floor_runs_with(clients) => {
                    let (db, op) = (db.clone(), operation.clone());
                    let raw = drive(
                        clients,
                        args.seconds,
                        || async {},
                        move |(), n| {
                            let (db, op) = (db.clone(), op.clone());
                            async move {
                                let sql = (op.sql.as_ref().unwrap())(n);
                                let _ = Row::find_by_statement(Statement::from_string(
                                    db.get_database_backend(),
                                    sql,
                                ))
                                .all(&db)
                                .await
                                .unwrap();
                            }
                        },
                    )
                    .await;
                    (
                        format!("{:.0}", raw.rate),
                        format!("{:.2} ms", raw.p50.as_secs_f64() * 1e3),
                    )
                }
                _ => ("—".into(), "—".into()),
            };
            let ratio = raw_rate
                .parse::<f64>()
                .map(|r| format!("{:.0}%", graphql.rate / r * 100.0))
                .unwrap_or_default();
            let cpu = graphql
                .cpu_per_request
                .map(|c| format!("{:.2} ms", c.as_secs_f64() * 1e3))
                .unwrap_or_else(|| "—".into());
            println!(
                "| {} | {clients} | {:.0} | {:.2} ms | {:.2} ms | {cpu} | {:.1} | {raw_rate} | {raw_p50} | {ratio} |",
                operation.name,
                graphql.rate,
                graphql.p50.as_secs_f64() * 1e3,
                graphql.p99.as_secs_f64() * 1e3,
                statements as f64 / requests.max(1) as f64,
            );
            let _ = graphql.requests;
        }
    }
    println!("\nresident memory after the run: {}", resident_memory());
}

/// This process's resident memory (server, clients and pools together), from `/proc`.
fn resident_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .map(|line| line.trim_start_matches("VmRSS:").trim().to_owned())
        })
        .unwrap_or_else(|| "—".into())
}
