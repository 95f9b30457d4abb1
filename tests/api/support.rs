//! The cities' and the base's own support measures (plan §四(一)) beside the departments'.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{TestApp, analyst, assert_refused, department, municipality, office};

const CREATE: &str = "mutation($d: DepartmentCode, $m: MunicipalityCode, $b: ID!) { createSupportMeasure(input: {department: $d, municipality: $m, kind: TALENT, title: \"产业人才补贴\", beneficiaryOrganization: $b, amount: 120000, grantedOn: \"2026-10-01\"}) { supportMeasure { id version amount department { code } municipality { code } beneficiaryOrganization { id } } } }";

const UPDATE: &str = "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, amount: 150000, status: DISBURSED}) { supportMeasure { id version amount status } } }";

/// An enterprise located in a city, by the office's listing.
async fn enterprise_in(app: &TestApp, city: &str) -> String {
    let data = app
        .ok(
            &office(),
            "query($c: MunicipalityCode!) { enterprises(first: 1, filter: {municipality: {eq: $c}}) { nodes { id } } }",
            json!({ "c": city }),
        )
        .await;
    data["enterprises"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_city_records_changes_and_revokes_its_own_support_measures() {
    let app = TestApp::spawn().await;
    let unit = enterprise_in(&app, "YINCHUAN").await;
    let yinchuan = municipality("YINCHUAN");
    let made = app
        .ok(&yinchuan, CREATE, json!({ "m": "YINCHUAN", "b": unit }))
        .await;
    let measure = &made["createSupportMeasure"]["supportMeasure"];
    assert_eq!(measure["municipality"]["code"], "YINCHUAN");
    assert!(measure["department"].is_null(), "{measure}");
    assert_eq!(measure["amount"], 120000, "the owner reads its detail");
    assert_eq!(measure["beneficiaryOrganization"]["id"], unit.as_str());
    let id = measure["id"].as_str().unwrap().to_owned();

    let changed = app.ok(&yinchuan, UPDATE, json!({ "id": id, "v": 1 })).await;
    assert_eq!(
        changed["updateSupportMeasure"]["supportMeasure"]["amount"],
        150000
    );
    let stale = app
        .query_as(Some(&yinchuan), UPDATE, json!({ "id": id, "v": 1 }))
        .await;
    assert_refused(&stale, "CONFLICT", "version");
    let revoked = app
        .ok(
            &yinchuan,
            "mutation($id: ID!) { revokeSupportMeasure(input: {id: $id, expectedVersion: 2}) { supportMeasure { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        revoked["revokeSupportMeasure"]["supportMeasure"]["status"],
        "REVOKED"
    );

    // The trail names the city as the actor's municipality and the measure as changed.
    let trail = app
        .ok(
            &office(),
            "{ auditEvents(first: 100, filter: {entity: {eq: \"support_measure\"}}) { nodes { operation outcome after } } }",
            json!({}),
        )
        .await;
    let operations: Vec<&str> = trail["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "ALLOWED" && e["after"]["title"] == "产业人才补贴")
        .filter_map(|e| e["operation"].as_str())
        .collect();
    for operation in [
        "createSupportMeasure",
        "updateSupportMeasure",
        "revokeSupportMeasure",
    ] {
        assert!(operations.contains(&operation), "{operations:?}");
    }
}

#[tokio::test]
async fn a_city_grants_in_its_own_name_only_and_a_department_in_its_own() {
    let app = TestApp::spawn().await;
    let unit = enterprise_in(&app, "YINCHUAN").await;
    let refused = [
        (
            municipality("YINCHUAN"),
            json!({ "m": "WUZHONG", "b": unit }),
        ),
        (municipality("YINCHUAN"), json!({ "d": "DST", "b": unit })),
        (department("DST"), json!({ "m": "YINCHUAN", "b": unit })),
        (analyst(), json!({ "m": "YINCHUAN", "b": unit })),
    ];
    for (who, variables) in refused {
        let answer = app.query_as(Some(&who), CREATE, variables).await;
        assert_refused(&answer, "FORBIDDEN", "its own support measures");
    }
    let ningdong = app
        .ok(&office(), CREATE, json!({ "m": "NINGDONG", "b": unit }))
        .await;
    let id = ningdong["createSupportMeasure"]["supportMeasure"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for who in [municipality("YINCHUAN"), department("DST")] {
        let answer = app
            .query_as(Some(&who), UPDATE, json!({ "id": id, "v": 1 }))
            .await;
        assert_refused(&answer, "FORBIDDEN", "its own support measures");
    }
    app.ok(
        &municipality("NINGDONG"),
        UPDATE,
        json!({ "id": id, "v": 1 }),
    )
    .await;
}

#[tokio::test]
async fn a_measure_names_exactly_one_grantor() {
    let app = TestApp::spawn().await;
    let unit = enterprise_in(&app, "YINCHUAN").await;
    for variables in [
        json!({ "b": unit }),
        json!({ "d": "DST", "m": "YINCHUAN", "b": unit }),
    ] {
        let answer = app.query_as(Some(&office()), CREATE, variables).await;
        assert_refused(&answer, "BAD_USER_INPUT", "exactly one");
    }
}

/// The demo's city measures: detail for the office and the granting city, aggregates and the
/// grantor's name for everyone else; filtered and grouped by the granting city.
#[tokio::test]
async fn a_citys_measures_are_listed_filtered_and_grouped_by_the_granting_city() {
    let app = TestApp::spawn().await;
    let list = "{ supportMeasures(first: 100, filter: {municipality: {eq: YINCHUAN}}) { totalCount nodes { amount withheldFields department { code } municipality { code } } } }";
    let as_office = app.ok(&office(), list, json!({})).await;
    let count = as_office["supportMeasures"]["totalCount"].as_i64().unwrap();
    assert!(
        count >= 1,
        "the demo has a measure of Yinchuan's: {as_office}"
    );
    for (who, detail) in [
        (municipality("YINCHUAN"), true),
        (municipality("SHIZUISHAN"), false),
        (department("DST"), false),
        (analyst(), false),
    ] {
        let answer = app.ok(&who, list, json!({})).await;
        let nodes = answer["supportMeasures"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len() as i64, count, "{who:?}");
        for node in nodes {
            assert_eq!(node["municipality"]["code"], "YINCHUAN");
            assert!(node["department"].is_null());
            assert_eq!(node["amount"].is_null(), !detail, "{who:?}: {node}");
            let withheld = node["withheldFields"].to_string();
            assert_eq!(withheld.contains("amount"), !detail, "{who:?}: {node}");
        }
    }

    let stats = app
        .ok(
            &office(),
            "{ supportStats(groupBy: [GRANTING_MUNICIPALITY]) { key { code } count } supportMeasures(first: 100, filter: {status: {in: [PLANNED, GRANTED, DISBURSED]}}) { nodes { municipality { code } } } }",
            json!({}),
        )
        .await;
    let groups = stats["supportStats"].as_array().unwrap();
    let live = stats["supportMeasures"]["nodes"].as_array().unwrap();
    for city in ["YINCHUAN", "SHIZUISHAN", "WUZHONG", "NINGDONG"] {
        let expected = live
            .iter()
            .filter(|m| m["municipality"]["code"] == city)
            .count() as i64;
        let group = groups.iter().find(|g| g["key"][0]["code"] == city);
        let counted = group.map_or(0, |g| g["count"].as_i64().unwrap());
        assert_eq!(counted, expected, "{city}: {stats}");
    }
    let departments = groups
        .iter()
        .find(|g| g["key"][0]["code"].is_null())
        .expect("the departments' measures have no granting city");
    let by_departments = live.iter().filter(|m| m["municipality"].is_null()).count() as i64;
    assert_eq!(departments["count"].as_i64().unwrap(), by_departments);

    let capabilities = app
        .ok(
            &municipality("WUZHONG"),
            "{ viewer { capabilities } }",
            json!({}),
        )
        .await;
    let capabilities = capabilities["viewer"]["capabilities"].to_string();
    assert!(
        capabilities.contains("WRITE_OWN_SUPPORT_MEASURES"),
        "{capabilities}"
    );
    assert!(
        capabilities.contains("READ_OWN_SUPPORT_DETAIL"),
        "{capabilities}"
    );
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = app.db();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The migration that lets a city own a measure, down and up again on a database full of
/// measures that results of joint work refer to: refused while a city's measure exists, then
/// nothing lost, references, record keys and the one-grantor check in place.
#[tokio::test]
async fn the_city_measures_migration_goes_down_and_up_keeping_every_measure() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let fingerprint = "SELECT CAST(SUM(id * 7 + amount + record_key % 1000) AS BIGINT) FROM support_measure WHERE municipality_id IS NULL";
    let before = scalar(&app, fingerprint).await;
    let funded = scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM result_funding").await;
    assert!(
        funded >= 1,
        "the demo's results name the measures that funded them"
    );

    // The identity tables, the yearly figures, the places, the unit facts and the chain walk's
    // indexes came after; they go first.
    Migrator::down(db.connection(), Some(5)).await.unwrap();
    let refused = Migrator::down(db.connection(), Some(1)).await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("own support measures"),
        "going down while a city's measure exists"
    );
    db.execute_unprepared("DELETE FROM support_measure WHERE municipality_id IS NOT NULL")
        .await
        .unwrap();
    Migrator::down(db.connection(), Some(1)).await.unwrap();
    let ownerless = db
        .execute_unprepared("UPDATE support_measure SET department_id = NULL")
        .await;
    assert!(
        ownerless.is_err(),
        "down again: every measure has a department"
    );
    Migrator::up(db.connection(), None).await.unwrap();

    assert_eq!(scalar(&app, fingerprint).await, before);
    assert_eq!(
        scalar(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM result_funding JOIN support_measure ON support_measure.id = result_funding.support_measure_id").await,
        funded,
        "results still refer to their measures"
    );
    for broken in [
        "UPDATE support_measure SET municipality_id = (SELECT MIN(id) FROM municipality)",
        "UPDATE support_measure SET department_id = NULL",
        "UPDATE support_measure SET municipality_id = 999999, department_id = NULL",
        "DELETE FROM support_measure WHERE id IN (SELECT support_measure_id FROM result_funding)",
    ] {
        assert!(db.execute_unprepared(broken).await.is_err(), "{broken}");
    }
    // A new measure still draws its own record key.
    let unit = enterprise_in(&app, "WUZHONG").await;
    app.ok(
        &municipality("WUZHONG"),
        CREATE,
        json!({ "m": "WUZHONG", "b": unit }),
    )
    .await;
    assert_eq!(
        scalar(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM support_measure WHERE record_key = 0"
        )
        .await,
        0
    );
}
