//! Invariants of the demo dataset.

use std::collections::{BTreeSet, HashMap};

use alliance_hub::database::Store;
use alliance_hub::domain::uscc::Uscc;
use entity::{
    alliance, department, enums, industrial_park, membership, organization, person, sector,
    supply_link, support_measure,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Statement,
};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn every_uscc_in_the_demo_data_is_valid_and_ningxia_enterprises_carry_a_ningxia_code() {
    let app = TestApp::spawn().await;
    let organizations = organization::Entity::find().all(app.db()).await.unwrap();
    for org in &organizations {
        if let Some(code) = &org.uscc {
            let parsed = Uscc::parse(code).unwrap_or_else(|e| panic!("{}: {e}", org.name_zh));
            if org.kind == enums::OrganizationKind::Enterprise && org.region_code.starts_with("64")
            {
                assert!(
                    parsed.division_code().starts_with("64"),
                    "{} has {code}",
                    org.name_zh
                );
                assert_eq!(parsed.division_code(), org.region_code, "{}", org.name_zh);
            }
        }
    }
    let enterprises = organizations
        .iter()
        .filter(|o| o.kind == enums::OrganizationKind::Enterprise)
        .count();
    assert!(enterprises >= 120, "{enterprises} enterprises");
    assert!(
        organizations
            .iter()
            .filter(|o| o.kind == enums::OrganizationKind::Enterprise)
            .all(|o| o.is_demo && o.uscc.is_some()),
        "fictional enterprises are marked demo"
    );
}

#[tokio::test]
async fn every_enterprise_member_is_inside_the_metro_area() {
    let app = TestApp::spawn().await;
    let organizations: HashMap<i64, organization::Model> = organization::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let memberships = membership::Entity::find()
        .filter(membership::Column::Status.is_in([
            enums::MembershipStatus::Active,
            enums::MembershipStatus::Applied,
            enums::MembershipStatus::Withdrawn,
        ]))
        .all(app.db())
        .await
        .unwrap();
    assert!(memberships.len() > 25);
    for m in memberships {
        let org = &organizations[&m.organization_id];
        if org.kind == enums::OrganizationKind::Enterprise {
            assert!(
                org.municipality_id.is_some(),
                "{} is a member but outside the metro area",
                org.name_zh
            );
        }
    }
}

#[tokio::test]
async fn the_founded_alliance_has_one_sitting_chair_whose_term_is_five_years() {
    let app = TestApp::spawn().await;
    let id = app.alliance_id("YMA-NMAT").await;
    let today = chrono::Utc::now().date_naive().to_string();
    let data = app
        .data("query($id: ID!, $today: Date!) { alliance(id: $id) { stage posts(kind: CHAIR, activeOn: $today) { termStart termEnd person { nameZh } } } }", json!({ "id": id, "today": today }))
        .await;
    assert_eq!(data["alliance"]["stage"], "FOUNDED");
    let chairs = data["alliance"]["posts"].as_array().unwrap();
    assert_eq!(chairs.len(), 1);
    let start: chrono::NaiveDate = chairs[0]["termStart"].as_str().unwrap().parse().unwrap();
    let end: chrono::NaiveDate = chairs[0]["termEnd"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        start
            .checked_add_months(chrono::Months::new(60))
            .unwrap()
            .pred_opt()
            .unwrap(),
        end,
        "a five-year term"
    );
}

#[tokio::test]
async fn the_dataset_has_the_size_and_shape_the_plan_needs() {
    let app = TestApp::spawn().await;
    let db = app.db();
    assert_eq!(department::Entity::find().count(db).await.unwrap(), 7);
    assert!(industrial_park::Entity::find().count(db).await.unwrap() >= 12);
    let real_institutions = organization::Entity::find()
        .filter(organization::Column::Kind.ne(enums::OrganizationKind::Enterprise))
        .filter(organization::Column::IsDemo.eq(false))
        .all(db)
        .await
        .unwrap();
    assert!(real_institutions.len() >= 12);
    assert!(
        real_institutions
            .iter()
            .any(|o| o.municipality_id.is_none()),
        "some from outside Ningxia's metro area"
    );
    let data = app
        .data(
            "{ sectors { nodes { code segments { code } } } }",
            json!({}),
        )
        .await;
    for s in data["sectors"]["nodes"].as_array().unwrap() {
        let n = s["segments"].as_array().unwrap().len();
        assert!((8..=10).contains(&n), "{} has {n} segments", s["code"]);
    }
    assert_eq!(sector::Entity::find().count(db).await.unwrap(), 3);

    let links = supply_link::Entity::find().all(db).await.unwrap();
    assert!(links.len() >= 250, "{} links", links.len());
    let city: HashMap<i64, Option<i64>> = organization::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.id, o.municipality_id))
        .collect();
    let crossing = links
        .iter()
        .filter(|l| city[&l.supplier_id] != city[&l.customer_id])
        .count();
    assert!(
        crossing * 4 >= links.len(),
        "only {crossing} of {} links cross city lines",
        links.len()
    );

    let people = person::Entity::find().all(db).await.unwrap();
    assert!(
        people.len() >= 150
            && people
                .iter()
                .all(|p| p.phone.is_some() && p.email.is_some() && p.is_demo)
    );

    let stages: BTreeSet<String> = alliance::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|a| format!("{:?}", a.stage))
        .collect();
    assert_eq!(
        stages,
        ["CharterDrafting", "Founded", "Initiative"]
            .into_iter()
            .map(String::from)
            .collect()
    );

    let departments: BTreeSet<i64> = support_measure::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .filter_map(|m| m.department_id)
        .collect();
    assert_eq!(
        departments.len(),
        7,
        "support measures from every department"
    );
}

/// Names, codes and links, in a stable order: equal fingerprints, equal datasets.
async fn fingerprint(db: &Store) -> Vec<String> {
    let mut rows: Vec<String> = organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| format!("{} {} {:?} {:?}", o.id, o.name_zh, o.uscc, o.park_id))
        .collect();
    rows.extend(
        supply_link::Entity::find()
            .order_by_asc(supply_link::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| {
                format!(
                    "{} {} {} {:?}",
                    l.supplier_id, l.customer_id, l.product, l.annual_value
                )
            }),
    );
    rows
}

#[tokio::test]
async fn the_seed_is_deterministic() {
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("alliance-hub-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("again.db");
    let _ = std::fs::remove_file(&path);
    let again = alliance_hub::database::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    alliance_hub::database::migrate(&again).await.unwrap();
    alliance_hub::seed::load_demo(&again).await.unwrap();
    assert_eq!(fingerprint(app.db()).await, fingerprint(&again).await);
    again.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn seeding_a_database_that_has_data_fails_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let before = fingerprint(app.db()).await;
    assert!(alliance_hub::seed::load_demo(app.db()).await.is_err());
    assert_eq!(before, fingerprint(app.db()).await);
}

#[tokio::test]
async fn a_bulk_loaded_database_leaves_the_planner_its_statistics() {
    // Without them PostgreSQL walks the chain by scanning every link at each level.
    let app = TestApp::spawn_scaled(500).await;
    let sql = match app.db().get_database_backend() {
        DbBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = 'supply_link'"
        }
        _ => "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'supply_link'",
    };
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let statistics: i64 = row.try_get("", "n").unwrap();
    assert!(statistics > 0, "no statistics on supply_link");
}

/// No fictional person carries a number a network could have assigned (who attends which
/// meeting is judged with every other decision in `replay.rs`).
#[tokio::test]
async fn demo_phones_are_unassigned_numbers() {
    let app = TestApp::spawn().await;
    for person in person::Entity::find().all(app.db()).await.unwrap() {
        if let Some(phone) = &person.phone {
            assert!(
                person.is_demo && phone.starts_with("100") && phone.len() == 11,
                "{}: {phone}",
                person.name_zh
            );
        }
    }
}
