//! Reads on kept connections (`database::Store`, PostgreSQL): reused without a round trip,
//! bounded, and never reused after a statement that did not finish. SQLite reads use the pool.

use alliance_hub::database::Store;
use futures::FutureExt;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use crate::helpers::TestApp;

/// An app whose reads keep connections (PostgreSQL). On SQLite, none: having checked that no
/// read keeps one, the test stops.
async fn app_keeping_connections() -> Option<TestApp> {
    let app = TestApp::spawn().await;
    if app.db().get_database_backend() == DbBackend::Postgres {
        return Some(app);
    }
    let db = store(&app, 3);
    assert_eq!(answer(&db, "1").await, 1);
    assert_eq!(db.kept(), 0, "SQLite reads go through the pool");
    None
}

/// A store of its own on the test's pool: the app's background tasks (budgets, revocations) read
/// through the app's store, never through this one's shelf.
fn store(app: &TestApp, keep: usize) -> Store {
    Store::new(app.db().connection().clone(), keep)
}

fn statement(db: &Store, sql: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), sql)
}

/// A statement that takes a while on either database.
const LONG: &str = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000) \
                    SELECT COUNT(*) FROM c";

/// The value of `expression`, read through the store.
async fn answer(db: &Store, expression: &str) -> i32 {
    let sql = format!("SELECT CAST({expression} AS INTEGER)");
    let row = db
        .query_one_raw(statement(db, &sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i32>(0).unwrap()
}

#[tokio::test]
async fn reads_one_after_another_run_on_one_kept_connection() {
    let Some(app) = app_keeping_connections().await else {
        return;
    };
    let db = store(&app, 3);
    // A temporary table lives on the connection that made it: only that one can read it.
    db.query_all_raw(statement(
        &db,
        "CREATE TEMP TABLE kept_probe AS SELECT 7 AS x",
    ))
    .await
    .unwrap();
    assert_eq!(db.kept(), 1);
    for _ in 0..5 {
        assert_eq!(
            answer(&db, "(SELECT COUNT(x) * 7 FROM kept_probe)").await,
            7
        );
    }
    assert_eq!(
        db.kept(),
        1,
        "no other connection was kept for reads in turn"
    );
}

#[tokio::test]
async fn many_reads_at_once_keep_part_of_the_pool_and_leave_the_rest_to_writers() {
    let Some(app) = app_keeping_connections().await else {
        return;
    };
    // A pool of its own: nothing else holds its connections.
    let pool = alliance_hub::database::connect(&app.database_url)
        .await
        .unwrap();
    let db = Store::new(pool.connection().clone(), 3);
    let queries: Vec<String> = (0..40).map(|n| n.to_string()).collect();
    let answers = futures::future::join_all(queries.iter().map(|sql| answer(&db, sql))).await;
    assert_eq!(answers, (0..40).collect::<Vec<i32>>());
    // Three at most (fewer when the first reads are done before the last of the first three
    // starts, on a busy machine).
    let kept = db.kept();
    assert!(
        (1..=3).contains(&kept),
        "forty reads at once keep {kept} connections"
    );
    // Writers still find the rest of the pool: as many transactions as it has beyond what reads
    // keep, all open at the same time.
    let size = db
        .get_postgres_connection_pool()
        .options()
        .get_max_connections() as usize;
    let mut open = Vec::new();
    for _ in 0..size - kept {
        open.push(db.begin().await.unwrap());
    }
    drop(open);
    db.close().await.unwrap();
}

#[tokio::test]
async fn a_read_waits_its_turn_when_every_kept_connection_is_busy() {
    let Some(app) = app_keeping_connections().await else {
        return;
    };
    let db = store(&app, 1);
    assert_eq!(answer(&db, "1").await, 1);
    let mut first = Box::pin(db.query_all_raw(statement(&db, LONG)));
    assert!((&mut first).now_or_never().is_none());
    let mut second = Box::pin(answer(&db, "5"));
    assert!(
        (&mut second).now_or_never().is_none(),
        "the only kept connection is busy"
    );
    let (first, second) = futures::join!(first, second);
    assert_eq!(first.unwrap().len(), 1);
    assert_eq!(second, 5);
    assert_eq!(db.kept(), 1, "one connection answered both, in turn");
}

#[tokio::test]
async fn a_read_given_up_mid_statement_is_not_reused() {
    let Some(app) = app_keeping_connections().await else {
        return;
    };
    let db = store(&app, 3);
    assert_eq!(answer(&db, "1").await, 1);
    assert_eq!(db.kept(), 1);
    // Polled once: it took the idle connection and sent its statement; then the request gave up.
    let given_up = db.query_all_raw(statement(&db, LONG));
    assert!(given_up.now_or_never().is_none());
    assert_eq!(
        db.kept(),
        0,
        "the connection went back to the pool, not the shelf"
    );
    // The next read answers its own statement, not the abandoned one.
    assert_eq!(answer(&db, "3").await, 3);
    assert_eq!(db.kept(), 1);
}

#[tokio::test]
async fn a_read_the_database_refuses_keeps_its_connection_and_reports_the_error() {
    let Some(app) = app_keeping_connections().await else {
        return;
    };
    let db = store(&app, 3);
    assert_eq!(answer(&db, "1").await, 1);
    let refused = db
        .query_all_raw(statement(&db, "SELECT * FROM no_such_table"))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("no_such_table"), "{refused}");
    assert_eq!(db.kept(), 1);
    assert_eq!(answer(&db, "4").await, 4);
    assert_eq!(db.kept(), 1);
}
