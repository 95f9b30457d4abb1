//! Statements per request: every relation is read for a whole level at once (preloaded from the
//! selection, or batched by a DataLoader), so a nested query costs the same statements however
//! many parents it fans out from; and a list reads only the columns its selection needs.

use entity::{alliance, enums, membership, organization};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::{Value, json};

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

/// The issue's query a: a page of enterprises with a to-one (park) and a to-many (memberships,
/// each with its alliance) relation.
const PAGE: &str = "{ enterprises(first: 20) { nodes { id nameZh park { nameZh } memberships { status alliance { nameZh } } } } }";

#[tokio::test]
async fn a_nested_page_costs_one_statement_per_relation_and_level_however_many_ask_at_once() {
    let app = TestApp::spawn().await;
    // The first request of a server reads what it keeps for later ones.
    app.data("{ __typename }", json!({})).await;
    let before = app.state.metrics.statements();
    let alone = app.data(PAGE, json!({})).await;
    let one = app.state.metrics.statements() - before;
    // The page with each unit's park; the memberships with their alliances.
    assert_eq!(one, 2, "statements for one page");
    assert!(
        alone["enterprises"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|unit| !unit["memberships"].as_array().unwrap().is_empty())
    );
    // Sixteen at once: no relation waits on a timed window that a busy server could miss.
    let before = app.state.metrics.statements();
    let answers = futures::future::join_all((0..16).map(|_| app.data(PAGE, json!({})))).await;
    assert_eq!(app.state.metrics.statements() - before, 16 * one);
    assert!(answers.iter().all(|answer| *answer == alone));
}

#[tokio::test]
async fn a_batch_of_codes_costs_two_statements_with_units_memberships_and_alliances() {
    let app = TestApp::spawn().await;
    let usccs = some_usccs(&app, 100).await;
    let query = "query($u: [String!]!) { membershipsByUscc(usccs: $u) { uscc organization { nameZh } memberships { status alliance { code } } } }";
    app.data("{ __typename }", json!({})).await;
    let before = app.state.metrics.statements();
    let answer = app.data(query, json!({ "u": usccs })).await;
    assert_eq!(app.state.metrics.statements() - before, 2);
    let answers = answer["membershipsByUscc"].as_array().unwrap();
    assert_eq!(answers.len(), usccs.len());
    assert!(answers.iter().any(|a| {
        a["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["alliance"]["code"].is_string())
    }));
}

#[tokio::test]
async fn a_list_reads_only_the_columns_its_selection_needs() {
    use std::sync::{Arc, Mutex};

    use alliance_hub::{
        domain::principal::{Principal, Role},
        graphql::{Reading, RequestContext},
        service::access::Viewer,
    };
    use async_graphql::Executor;

    let app = TestApp::spawn().await;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut db = app.db().clone();
    let tap = seen.clone();
    db.set_metric_callback(move |info| tap.lock().unwrap().push(info.statement.sql.clone()));
    let office = Principal {
        subject: "columns".into(),
        role: Role::Office,
        department: None,
        municipality: None,
        alliance: None,
    };
    let run = async |query: &str| {
        seen.lock().unwrap().clear();
        let context = RequestContext::new(
            db.clone(),
            Viewer::new(&db, office.clone()).await.unwrap(),
            app.state.bus.clone(),
            app.state.stats.clone(),
            app.state.writes.clone(),
            Reading::Query,
        );
        let response = app
            .state
            .schema
            .execute(async_graphql::Request::new(query).data(context))
            .await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let statements = seen.lock().unwrap().clone();
        let page = statements
            .iter()
            .find(|sql| sql.contains("FROM \"organization\""))
            .cloned()
            .expect("the page's statement");
        (response.data.into_json().unwrap(), page)
    };
    let column = |name: &str| format!("\"organization\".\"{name}\"");

    let (narrow, sql) = run("{ organizations(first: 5) { nodes { nameZh website } } }").await;
    for asked in ["id", "name_zh", "website"] {
        assert!(sql.contains(&column(asked)), "{asked} read: {sql}");
    }
    for unasked in ["uscc", "name_en", "address", "region_name", "created_at"] {
        assert!(!sql.contains(&column(unasked)), "{unasked} read: {sql}");
    }
    // The answer is the one a full read gives.
    let (full, sql) =
        run("{ organizations(first: 5) { nodes { nameZh website address nameEn createdAt } } }")
            .await;
    assert!(sql.contains(&column("address")) && sql.contains(&column("created_at")));
    let nodes = |answer: &serde_json::Value, field: &str| -> Vec<serde_json::Value> {
        answer["organizations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n[field].clone())
            .collect()
    };
    assert_eq!(nodes(&narrow, "nameZh"), nodes(&full, "nameZh"));
    assert_eq!(nodes(&narrow, "website"), nodes(&full, "website"));
    assert!(nodes(&full, "createdAt").iter().all(|a| a.is_string()));
}

/// The codes of the first `count` units that have one.
async fn some_usccs(app: &TestApp, count: usize) -> Vec<String> {
    organization::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|o| o.uscc)
        .take(count)
        .collect()
}

/// The fields of a unit, each of which a pruned read must answer as the whole row does.
const UNIT_FIELDS: [&str; 17] = [
    "kind",
    "uscc",
    "nameZh",
    "nameEn",
    "municipality { code }",
    "park { code }",
    "regionCode",
    "regionName",
    "address",
    "website",
    "isDemo",
    "archivedAt",
    "createdAt",
    "updatedAt",
    "version",
    "withheldFields",
    "... on Enterprise { scale foundedYear annualRevenue }",
];

/// Asks `query` with every unit field, then with each alone, and compares the units found at
/// `units` in each answer.
async fn each_field_alone_answers_as_the_whole_row(
    app: &TestApp,
    query: impl Fn(&str) -> String,
    variables: Value,
    units: impl Fn(&Value) -> Vec<Value>,
) {
    let whole = units(
        &app.data(&query(&UNIT_FIELDS.join(" ")), variables.clone())
            .await,
    );
    assert!(!whole.is_empty());
    for field in UNIT_FIELDS {
        let alone = units(&app.data(&query(field), variables.clone()).await);
        assert_eq!(alone.len(), whole.len());
        for (one, row) in alone.iter().zip(&whole) {
            for (key, value) in one.as_object().unwrap() {
                assert_eq!(value, &row[key], "{field} of {}", row["id"]);
            }
        }
    }
}

/// Every field of a unit read alone through a pruned list answers what the full row answers.
#[tokio::test]
async fn each_field_of_a_unit_read_alone_answers_as_the_whole_row_does() {
    let app = TestApp::spawn().await;
    each_field_alone_answers_as_the_whole_row(
        &app,
        |selection| {
            format!(
                "{{ organizations(first: 30, includeArchived: true) {{ nodes {{ id {selection} }} }} }}"
            )
        },
        json!({}),
        |answer| answer["organizations"]["nodes"].as_array().unwrap().clone(),
    )
    .await;
}

/// The same through `membershipsByUscc`, whose units read only the columns asked of them.
#[tokio::test]
async fn each_field_of_a_unit_found_by_its_code_answers_as_the_whole_row_does() {
    let app = TestApp::spawn().await;
    let usccs = some_usccs(&app, 30).await;
    each_field_alone_answers_as_the_whole_row(
        &app,
        |selection| {
            format!(
                "query($u: [String!]!) {{ membershipsByUscc(usccs: $u) {{ organization {{ id {selection} }} }} }}"
            )
        },
        json!({ "u": usccs }),
        |answer| {
            answer["membershipsByUscc"]
                .as_array()
                .unwrap()
                .iter()
                .map(|found| found["organization"].clone())
                .filter(|unit| !unit.is_null())
                .collect()
        },
    )
    .await;
}
