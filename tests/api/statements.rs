//! Every relation goes through a DataLoader: a nested query costs the same number of SQL
//! statements however many parents it fans out from.

use entity::{alliance, enums, membership, organization};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::json;

use crate::helpers::TestApp;

const NESTED: &str = r#"query($n: Int!) { alliances(first: $n) { nodes { code
    members(first: 20) { nodes { status organization { nameZh park { nameZh municipality { nameZh code } } } } } } } }"#;

async fn statements_for(app: &TestApp, alliances: i64) -> u64 {
    let before = app.state.metrics.statements();
    let data = app.data(NESTED, json!({ "n": alliances })).await;
    let after = app.state.metrics.statements();
    assert_eq!(
        data["alliances"]["nodes"].as_array().unwrap().len() as i64,
        alliances
    );
    after - before
}

/// Adds alliances, each with members spread over many parks, until there are `total`.
async fn grow_to(app: &TestApp, total: usize) {
    let now = chrono::Utc::now();
    let organizations: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .into_tuple()
        .all(app.db())
        .await
        .unwrap();
    let existing = alliance::Entity::find().all(app.db()).await.unwrap();
    let sector = existing[0].sector_id;
    for n in existing.len()..total {
        let row = alliance::ActiveModel {
            code: Set(format!("TEST-{n}")),
            name_zh: Set(format!("测试联盟{n}")),
            name_en: Set(format!("Test alliance {n}")),
            sector_id: Set(sector),
            stage: Set(enums::AllianceStage::Founded),
            is_demo: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .unwrap();
        for k in 0..8 {
            membership::ActiveModel {
                alliance_id: Set(row.id),
                organization_id: Set(organizations[(n * 7 + k * 13) % organizations.len()]),
                status: Set(enums::MembershipStatus::Active),
                is_initiator: Set(false),
                applied_on: Set(now.date_naive()),
                joined_on: Set(Some(now.date_naive())),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(app.db())
            .await
            .unwrap();
        }
    }
}

#[tokio::test]
async fn a_nested_query_costs_the_same_statements_for_3_alliances_as_for_30() {
    let app = TestApp::spawn().await;
    grow_to(&app, 30).await;
    let three = statements_for(&app, 3).await;
    let thirty = statements_for(&app, 30).await;
    assert_eq!(
        three, thirty,
        "statements: {three} for 3 alliances, {thirty} for 30"
    );
    assert!(three <= 6, "one statement per level expected, got {three}");
}

#[tokio::test]
async fn total_counts_of_nested_connections_are_batched_too() {
    let app = TestApp::spawn().await;
    grow_to(&app, 30).await;
    let query = "query($n: Int!) { alliances(first: $n) { totalCount nodes { members(first: 2) { totalCount } } } }";
    let mut costs = Vec::new();
    for n in [3, 30] {
        let before = app.state.metrics.statements();
        app.data(query, json!({ "n": n })).await;
        costs.push(app.state.metrics.statements() - before);
    }
    assert_eq!(costs[0], costs[1], "{costs:?}");
}
