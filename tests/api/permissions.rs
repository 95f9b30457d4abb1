//! The read-permission table of DESIGN.md: every role × every restricted field, and PUBLIC's view.

use serde_json::{Value, json};

use crate::helpers::{
    As, TestApp, analyst, department, error_code, municipality, office, secretariat,
};

/// What a caller gets for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// The real value.
    Visible,
    /// `null`, and named in `withheldFields`.
    Withheld,
    /// A masked form (`138****5678`), named in `maskedFields`.
    Masked,
    /// The object itself is not visible.
    Hidden,
}
use Seen::{Hidden as H, Masked as M, Visible as V, Withheld as W};

const NODE: &str = r#"query($id: ID!) { node(id: $id) {
    ... on Enterprise { annualRevenue rndSpend taxPaid withheldFields }
    ... on SupportMeasure { amount beneficiaryOrganization { id } withheldFields }
    ... on SupplyLink { annualValue withheldFields }
    ... on Person { phone email maskedFields withheldFields }
} }"#;

async fn observe(app: &TestApp, who: Option<&As>, id: &str, field: &str) -> Seen {
    let data = app.data_as(who, NODE, json!({ "id": id })).await;
    let node = &data["node"];
    if node.is_null() {
        return Seen::Hidden;
    }
    let listed = |list: &str| {
        node[list]
            .as_array()
            .is_some_and(|l| l.contains(&json!(field)))
    };
    let value = &node[field];
    if listed("withheldFields") {
        assert!(
            value.is_null(),
            "{field} is withheld but has a value: {node}"
        );
        Seen::Withheld
    } else if listed("maskedFields") {
        assert!(
            value.as_str().is_some_and(|v| v.contains("***")),
            "{field} is masked but reads {value}"
        );
        Seen::Masked
    } else {
        assert!(
            !value.is_null(),
            "{field} is neither shown nor withheld: {node}"
        );
        Seen::Visible
    }
}

/// The string at a JSON pointer of an OFFICE query's data.
async fn first_id(app: &TestApp, query: &str, pointer: &str) -> String {
    let data = app.data(query, json!({})).await;
    data.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no id at {pointer}: {data}"))
        .to_owned()
}

#[tokio::test]
async fn every_role_sees_exactly_what_the_permission_table_allows() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    let chem = app.alliance_id("YMA-CHEM").await;
    // A Shizuishan enterprise (the rare-metal leader), active member of the founded alliance.
    let enterprise = first_id(
        &app,
        r#"{ enterprises(filter: {municipality: {eq: SHIZUISHAN}, isBackbone: {eq: true}, sector: {eq: NEW_MATERIALS}, nameZh: {contains: "稀有金属"}}, first: 1) { nodes { id } } }"#,
        "/enterprises/nodes/0/id",
    )
    .await;
    let rnd_fund = first_id(&app, r#"{ supportMeasures(filter: {department: {eq: DST}, kind: {eq: RND_FUND}}, first: 1) { nodes { id } } }"#, "/supportMeasures/nodes/0/id").await;
    let tax_incentive = first_id(
        &app,
        r#"{ supportMeasures(filter: {kind: {eq: TAX_INCENTIVE}}, first: 1) { nodes { id } } }"#,
        "/supportMeasures/nodes/0/id",
    )
    .await;
    // Shizuishan's own talent subsidy (plan §四(一)).
    let city_fund = first_id(
        &app,
        r#"{ supportMeasures(filter: {municipality: {eq: SHIZUISHAN}}, first: 1) { nodes { id } } }"#,
        "/supportMeasures/nodes/0/id",
    )
    .await;
    let link = first_id(
        &app,
        "{ supplyLinks(first: 1) { nodes { id } } }",
        "/supplyLinks/nodes/0/id",
    )
    .await;
    let chair = first_id(
        &app,
        &format!(r#"{{ node(id: "{nmat}") {{ ... on Alliance {{ posts(kind: CHAIR, activeOn: "{}") {{ person {{ id }} }} }} }} }}"#, chrono::Utc::now().date_naive()),
        "/node/posts/0/person/id",
    )
    .await;

    let roles: Vec<(&str, Option<As>)> = vec![
        ("OFFICE", Some(office())),
        ("DEPARTMENT DST", Some(department("DST"))),
        ("DEPARTMENT TAX", Some(department("TAX"))),
        ("MUNICIPALITY SHIZUISHAN", Some(municipality("SHIZUISHAN"))),
        ("MUNICIPALITY YINCHUAN", Some(municipality("YINCHUAN"))),
        (
            "SECRETARIAT of the founded alliance",
            Some(secretariat(&nmat)),
        ),
        ("SECRETARIAT of another alliance", Some(secretariat(&chem))),
        ("ANALYST", Some(analyst())),
        ("PUBLIC", None),
    ];
    //                                                        OFF DST TAX SZS YC  SEC SEC2 ANA PUB
    let table: Vec<(&str, &str, [Seen; 9])> = vec![
        (&enterprise, "annualRevenue", [V, W, V, V, W, W, W, W, W]),
        (&enterprise, "rndSpend", [V, W, W, V, W, W, W, W, W]),
        (&enterprise, "taxPaid", [V, W, V, V, W, W, W, W, W]),
        (&rnd_fund, "amount", [V, V, W, W, W, W, W, W, H]),
        (
            &rnd_fund,
            "beneficiaryOrganization",
            [V, V, W, W, W, W, W, W, H],
        ),
        (&tax_incentive, "amount", [V, W, V, W, W, W, W, W, H]),
        (&city_fund, "amount", [V, W, W, V, W, W, W, W, H]),
        (
            &city_fund,
            "beneficiaryOrganization",
            [V, W, W, V, W, W, W, W, H],
        ),
        (&link, "annualValue", [V, W, W, W, W, W, W, W, H]),
        (&chair, "phone", [V, M, M, M, M, V, M, M, H]),
        (&chair, "email", [V, M, M, M, M, V, M, M, H]),
    ];
    let mut wrong = Vec::new();
    for (id, field, expected) in &table {
        for ((name, who), want) in roles.iter().zip(expected) {
            let got = observe(&app, who.as_ref(), id, field).await;
            if got != *want {
                wrong.push(format!("{name} / {field}: expected {want:?}, got {got:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "permission table violated:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_secretariat_sees_contacts_only_of_people_holding_posts_in_its_alliance() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    // People of an enterprise outside every alliance hold no post.
    let data = app.data_as(Some(&secretariat(&nmat)), r#"{ people(first: 100) { nodes { phone maskedFields posts { alliance { code } isActive } } } }"#, json!({})).await;
    for person in data["people"]["nodes"].as_array().unwrap() {
        let holds = person["posts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["alliance"]["code"] == "YMA-NMAT" && p["isActive"] == true);
        let masked = person["maskedFields"]
            .as_array()
            .unwrap()
            .contains(&json!("phone"));
        assert_eq!(holds, !masked, "post holder ⇔ unmasked, for {person}");
    }
}

#[tokio::test]
async fn public_sees_founded_alliances_only() {
    let app = TestApp::spawn().await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let data = app
        .data_as(
            None,
            "{ alliances { totalCount nodes { code stage posts { id } withheldFields } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["alliances"]["totalCount"], 1);
    assert_eq!(data["alliances"]["nodes"][0]["stage"], "FOUNDED");
    assert!(data["alliances"]["nodes"][0]["posts"].is_null());
    assert!(
        data["alliances"]["nodes"][0]["withheldFields"]
            .as_array()
            .unwrap()
            .contains(&json!("posts"))
    );
    let hidden = app
        .data_as(
            None,
            "query($id: ID!) { node(id: $id) { id } alliance(id: $id) { id } }",
            json!({ "id": chem }),
        )
        .await;
    assert!(hidden["node"].is_null() && hidden["alliance"].is_null());
}

#[tokio::test]
async fn public_sees_only_the_names_of_active_members_of_founded_alliances() {
    let app = TestApp::spawn().await;
    let everyone = app
        .data("{ organizations { totalCount } }", json!({}))
        .await;
    let founded = app.alliance_id("YMA-NMAT").await;
    let members = app.data("query($a: ID!) { memberships(filter: {status: {eq: ACTIVE}, alliance: {eq: $a}}) { totalCount } }", json!({ "a": founded })).await;
    let public = app.data_as(None, "{ organizations(first: 100) { totalCount nodes { nameZh uscc municipality { code } withheldFields } } }", json!({})).await;
    let count = public["organizations"]["totalCount"].as_i64().unwrap();
    assert!(count > 0 && count < everyone["organizations"]["totalCount"].as_i64().unwrap());
    assert_eq!(
        count,
        members["memberships"]["totalCount"].as_i64().unwrap()
    );
    for org in public["organizations"]["nodes"].as_array().unwrap() {
        assert!(org["nameZh"].is_string());
        assert!(
            org["uscc"].is_null() && org["municipality"].is_null(),
            "{org}"
        );
    }
    let memberships = app
        .data_as(
            None,
            "{ memberships(first: 100) { nodes { status } } }",
            json!({}),
        )
        .await;
    assert!(
        memberships["memberships"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "ACTIVE")
    );
}

#[tokio::test]
async fn public_reads_reference_data() {
    let app = TestApp::spawn().await;
    let data = app
        .data_as(None, "{ departments { totalCount } municipalities { totalCount } sectors { totalCount nodes { segments { code } } } parks { totalCount } }", json!({}))
        .await;
    assert_eq!(data["departments"]["totalCount"], 7);
    assert_eq!(data["municipalities"]["totalCount"], 4);
    assert_eq!(data["sectors"]["totalCount"], 3);
    assert!(data["parks"]["totalCount"].as_i64().unwrap() >= 12);
}

#[tokio::test]
async fn public_may_not_list_people_projects_support_or_supply_links() {
    let app = TestApp::spawn().await;
    for root in ["people", "projects", "supportMeasures", "supplyLinks"] {
        let response = app
            .query_as(None, &format!("{{ {root} {{ totalCount }} }}"), json!({}))
            .await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("FORBIDDEN"),
            "{root}: {response}"
        );
    }
}

#[tokio::test]
async fn public_may_not_filter_on_what_it_cannot_see() {
    let app = TestApp::spawn().await;
    let response = app
        .query_as(
            None,
            "{ organizations(filter: {municipality: {eq: YINCHUAN}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("FORBIDDEN"));
    let nested = app.query_as(None, r#"{ organizations(filter: {or: [{nameZh: {contains: "宁夏"}}, {uscc: {eq: "x"}}]}) { totalCount } }"#, json!({})).await;
    assert_eq!(error_code(&nested).as_deref(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn only_the_office_may_filter_support_by_beneficiary() {
    let app = TestApp::spawn().await;
    let org = app
        .data("{ organizations(first: 1) { nodes { id } } }", json!({}))
        .await["organizations"]["nodes"][0]["id"]
        .clone();
    let query = "query($id: ID!) { supportMeasures(filter: {beneficiaryOrganization: {eq: $id}}) { totalCount } }";
    assert!(
        app.query_as(Some(&office()), query, json!({ "id": org }))
            .await
            .get("errors")
            .is_none()
    );
    let response = app
        .query_as(Some(&department("DST")), query, json!({ "id": org }))
        .await;
    assert_eq!(error_code(&response).as_deref(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn figures_withheld_on_a_list_are_named_per_row() {
    let app = TestApp::spawn().await;
    let data = app.data_as(Some(&municipality("YINCHUAN")), "{ enterprises(first: 100) { nodes { annualRevenue municipality { code } withheldFields } } }", json!({})).await;
    let rows: &Vec<Value> = data["enterprises"]["nodes"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["municipality"]["code"] == "YINCHUAN"));
    for row in rows {
        let own = row["municipality"]["code"] == "YINCHUAN";
        assert_eq!(own, !row["annualRevenue"].is_null(), "{row}");
        assert_eq!(
            own,
            !row["withheldFields"]
                .as_array()
                .unwrap()
                .contains(&json!("annualRevenue")),
            "{row}"
        );
    }
}

/// The audit trail applies the column rules of the objects it records: a municipality that
/// writes a person's contacts reads them masked in its own audit events, as on `Person`.
#[tokio::test]
async fn the_audit_trail_masks_what_the_object_masks() {
    let app = TestApp::spawn().await;
    let unit = app
        .data(
            "{ organizations(filter: {municipality: {eq: YINCHUAN}}, first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["organizations"]["nodes"][0]["id"]
        .clone();
    let yinchuan = crate::helpers::municipality("YINCHUAN");
    let created = app
        .ok(
            &yinchuan,
            r#"mutation($u: ID!) { createPerson(input: {nameZh: "联络员", organization: $u, phone: "13912345678", email: "liaison@example.cn"}) { person { id phone email } } }"#,
            json!({ "u": unit }),
        )
        .await;
    let person = &created["createPerson"]["person"];
    assert_eq!(person["phone"], "139****5678", "{created}");
    let trail = "{ auditEvents(first: 1) { nodes { entity before after } } }";
    for (who, phone, email) in [
        (&yinchuan, "139****5678", "l***@example.cn"),
        (&office(), "13912345678", "liaison@example.cn"),
    ] {
        let events = app.ok(who, trail, json!({})).await;
        let event = &events["auditEvents"]["nodes"][0];
        assert_eq!(event["entity"], "person", "{events}");
        assert_eq!(event["after"]["phone"], phone, "{events}");
        assert_eq!(event["after"]["email"], email, "{events}");
        assert!(event["before"].is_null());
    }
}
