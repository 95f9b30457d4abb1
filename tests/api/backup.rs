//! Backups taken while writes run, and restores that check what they restore (both databases).

use alliance_hub::error::Error;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{TestApp, office, spare_database};

/// A directory of this test's own, removed at the end.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("alliance-hub-backup-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn count(url: &str, sql: &str) -> i64 {
    let db = alliance_hub::database::connect(url).await.unwrap();
    let n = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    db.close().await.unwrap();
    n
}

/// Units created while the backup runs are in the snapshot with their audit events, or neither;
/// the restore reproduces the snapshot's rows and migration level exactly.
#[tokio::test]
async fn a_backup_taken_while_writes_run_restores_to_a_consistent_database() {
    let app = TestApp::spawn().await;
    let scratch = Scratch::new("consistent");
    let file = scratch.0.join("snapshot");
    let (client, url, token) = (app.client().clone(), app.url.clone(), app.token(&office()));
    let writes = tokio::spawn(async move {
        for n in 0..40 {
            let response: serde_json::Value = client
                .post(format!("{url}/graphql"))
                .bearer_auth(&token)
                .json(&json!({ "query": "mutation($n: String!) { createOrganization(input: {kind: UNIVERSITY, nameZh: $n, regionCode: \"640104\"}) { organization { id } } }", "variables": { "n": format!("备份测试大学{n}") } }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(response.get("errors").is_none(), "{response}");
        }
    });
    let snapshot = alliance_hub::backup::backup(&app.database_url, &file)
        .await
        .unwrap();
    writes.await.unwrap();
    let known: Vec<String> = {
        use migration::MigratorTrait;
        migration::Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect()
    };
    assert_eq!(snapshot.migrations, known);

    let spare = spare_database().await;
    let restored = alliance_hub::backup::restore(&spare.url, &file)
        .await
        .unwrap();
    assert_eq!(restored, snapshot);
    let units = count(
        &spare.url,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM organization WHERE name_zh LIKE '备份测试大学%'",
    )
    .await;
    let events = count(&spare.url, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM audit_event WHERE operation = 'createOrganization'").await;
    assert_eq!(
        units, events,
        "every unit in the snapshot has its audit event"
    );
    assert!(units <= 40);

    // A backup never overwrites; a file that is no snapshot is refused before anything changes.
    assert!(matches!(
        alliance_hub::backup::backup(&app.database_url, &file).await,
        Err(Error::Conflict(_))
    ));
    let junk = scratch.0.join("junk");
    std::fs::write(&junk, "not a snapshot").unwrap();
    assert!(matches!(
        alliance_hub::backup::restore(&spare.url, &junk).await,
        Err(Error::BadInput(_))
    ));
}

/// A snapshot taken by a newer version of the hub (a migration this one does not know) is
/// refused, and the database it would have replaced is untouched.
#[tokio::test]
async fn a_snapshot_from_a_newer_version_is_refused() {
    let app = TestApp::spawn().await;
    if !app.database_url.starts_with("sqlite") {
        // The same check reads a pg_dump archive's migrations; a SQLite file is simpler to
        // make "newer" by hand.
        return;
    }
    let scratch = Scratch::new("newer");
    let file = scratch.0.join("snapshot.db");
    alliance_hub::backup::backup(&app.database_url, &file)
        .await
        .unwrap();
    let snapshot_url = format!("sqlite://{}?mode=rw", file.display());
    let db = alliance_hub::database::connect(&snapshot_url)
        .await
        .unwrap();
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_future', 0)",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let target = scratch.0.join("target.db");
    let target_url = format!("sqlite://{}?mode=rwc", target.display());
    let refused = alliance_hub::backup::restore(&target_url, &file).await;
    assert!(
        matches!(&refused, Err(Error::BadInput(m)) if m.contains("newer version")),
        "{refused:?}"
    );
    assert!(!target.exists(), "nothing was replaced");
}
