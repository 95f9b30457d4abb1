//! Masked and withheld columns read the same on every path a value can take: the object itself,
//! the change feed, a subscription, the audit trail (before, after and message) and the errors a
//! caller meets. Each column's secret is a value that appears nowhere else, so a path leaks it
//! exactly when the secret shows up in that path's answer.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{As, TestApp, analyst, department, municipality, office, secretariat};
use crate::subscriptions::{Subscriber, first_event};

const PHONE: &str = "13987654321";
const PHONE_MASKED: &str = "139****4321";
const EMAIL: &str = "secret.liaison@example.cn";
const REVENUE: &str = "987654321012";
const RND: &str = "876543210987";
const FUND: &str = "55555555";
const TAX_RELIEF: &str = "44444444";
const CITY_FUND: &str = "66666666";
const LINK_VALUE: &str = "33333333";

/// What every path selects of the five guarded records.
const FIELDS: &str = "id
    ... on Person { phone email }
    ... on Enterprise { annualRevenue rndSpend taxPaid }
    ... on SupportMeasure { amount }
    ... on SupplyLink { annualValue }";

/// A caller of the matrix, with the secrets it may read in clear.
struct Reader {
    name: &'static str,
    who: Option<As>,
    clear: &'static [&'static str],
}

/// The records the office sets up, and the alliances around the person's post.
struct Scene {
    person: String,
    enterprise: String,
    fund: String,
    tax_relief: String,
    /// Yinchuan's own measure (plan §四(一)).
    city_fund: String,
    link: String,
    /// The alliance where the person holds a post, and one where they hold none.
    post_alliance: String,
    other_alliance: String,
}

impl Scene {
    fn ids(&self) -> Vec<&str> {
        vec![
            &self.person,
            &self.enterprise,
            &self.fund,
            &self.tax_relief,
            &self.city_fund,
            &self.link,
        ]
    }

    fn readers(&self) -> Vec<Reader> {
        let leak_none: &[&str] = &[];
        vec![
            Reader {
                name: "PUBLIC",
                who: None,
                clear: leak_none,
            },
            Reader {
                name: "ANALYST",
                who: Some(analyst()),
                clear: leak_none,
            },
            Reader {
                name: "DEPARTMENT DST",
                who: Some(department("DST")),
                clear: &[FUND],
            },
            Reader {
                name: "DEPARTMENT TAX",
                who: Some(department("TAX")),
                clear: &[REVENUE, TAX_RELIEF],
            },
            Reader {
                name: "DEPARTMENT DOC",
                who: Some(department("DOC")),
                clear: leak_none,
            },
            Reader {
                name: "MUNICIPALITY YINCHUAN",
                who: Some(municipality("YINCHUAN")),
                clear: &[REVENUE, RND, CITY_FUND],
            },
            Reader {
                name: "MUNICIPALITY WUZHONG",
                who: Some(municipality("WUZHONG")),
                clear: leak_none,
            },
            Reader {
                name: "SECRETARIAT of the post",
                who: Some(secretariat(&self.post_alliance)),
                clear: &[PHONE, EMAIL],
            },
            Reader {
                name: "SECRETARIAT elsewhere",
                who: Some(secretariat(&self.other_alliance)),
                clear: leak_none,
            },
            Reader {
                name: "OFFICE",
                who: Some(office()),
                clear: &[
                    PHONE, EMAIL, REVENUE, RND, FUND, TAX_RELIEF, CITY_FUND, LINK_VALUE,
                ],
            },
        ]
    }
}

/// A secret as the `Money` scalar takes it.
fn money(secret: &str) -> Value {
    json!(secret.parse::<i64>().unwrap())
}

const SECRETS: &[&str] = &[
    PHONE, EMAIL, REVENUE, RND, FUND, TAX_RELIEF, CITY_FUND, LINK_VALUE,
];

/// Fails naming the reader, the path and the secret when a secret shows where it must not, or
/// is missing where the reader must see it (`complete`: the path shows every record).
fn check(reader: &Reader, path: &str, answer: &Value, complete: bool) {
    let text = answer.to_string();
    for secret in SECRETS {
        let may = reader.clear.contains(secret);
        if !may {
            assert!(
                !text.contains(secret),
                "{} reads {secret} through {path}: {text}",
                reader.name
            );
        } else if complete {
            assert!(
                text.contains(secret),
                "{} misses {secret} through {path}: {text}",
                reader.name
            );
        }
    }
}

/// A person in Yinchuan with a current post, and an alliance where they hold none.
async fn person_with_a_post(app: &TestApp) -> (String, String, String) {
    let data = app
        .ok(
            &office(),
            "{ people(first: 100) { nodes { id organization { municipality { code } } posts { isActive alliance { id } } } } alliances { nodes { id } } }",
            json!({}),
        )
        .await;
    let alliances: Vec<&str> = data["alliances"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    for person in data["people"]["nodes"].as_array().unwrap() {
        if person["organization"]["municipality"]["code"] != "YINCHUAN" {
            continue;
        }
        let held: Vec<&str> = person["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["isActive"] == true)
            .filter_map(|p| p["alliance"]["id"].as_str())
            .collect();
        let Some(post) = held.first() else { continue };
        let other = alliances.iter().find(|a| !held.contains(a)).unwrap();
        return (
            person["id"].as_str().unwrap().to_owned(),
            (*post).to_owned(),
            (*other).to_owned(),
        );
    }
    panic!("the demo data has a person in Yinchuan holding a post");
}

/// The office writes the secrets; DST records its own fund and a tax relief it may not read;
/// Yinchuan records a fund of its own.
async fn set_the_scene(app: &TestApp) -> Scene {
    let (person, post_alliance, other_alliance) = person_with_a_post(app).await;
    let version = node_version(app, &person).await;
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $p: String!, $e: String!) { updatePerson(input: {id: $id, expectedVersion: $v, phone: $p, email: $e}) { person { id } } }",
        json!({ "id": person, "v": version, "p": PHONE, "e": EMAIL })).await;

    let found = app.ok(&office(), "{ enterprises(filter: {municipality: {eq: YINCHUAN}}, first: 1) { nodes { id version } } supplyLinks(first: 1) { nodes { id version } } }", json!({})).await;
    let enterprise = found["enterprises"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $r: Money!, $d: Money!) { updateOrganization(input: {id: $id, expectedVersion: $v, enterprise: {annualRevenue: $r, rndSpend: $d}}) { organization { id } } }",
        json!({ "id": enterprise, "v": found["enterprises"]["nodes"][0]["version"], "r": money(REVENUE), "d": money(RND) })).await;
    let link = found["supplyLinks"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.ok(&office(), "mutation($id: ID!, $v: Int!, $a: Money!) { updateSupplyLink(input: {id: $id, expectedVersion: $v, annualValue: $a}) { supplyLink { id } } }",
        json!({ "id": link, "v": found["supplyLinks"]["nodes"][0]["version"], "a": money(LINK_VALUE) })).await;

    let record = "mutation($k: SupportKind!, $a: Money!, $b: ID!) { createSupportMeasure(input: {department: DST, kind: $k, title: \"测试支持\", beneficiaryOrganization: $b, amount: $a, grantedOn: \"2026-11-01\"}) { supportMeasure { id } } }";
    let measure = |kind: &'static str, amount: &'static str| {
        let enterprise = enterprise.clone();
        async move {
            app.ok(
                &department("DST"),
                record,
                json!({ "k": kind, "a": money(amount), "b": enterprise }),
            )
            .await["createSupportMeasure"]["supportMeasure"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let fund = measure("RND_FUND", FUND).await;
    let tax_relief = measure("TAX_INCENTIVE", TAX_RELIEF).await;
    let city_fund = app
        .ok(
            &municipality("YINCHUAN"),
            "mutation($a: Money!, $b: ID!) { createSupportMeasure(input: {municipality: YINCHUAN, kind: TALENT, title: \"测试支持\", beneficiaryOrganization: $b, amount: $a, grantedOn: \"2026-11-01\"}) { supportMeasure { id } } }",
            json!({ "a": money(CITY_FUND), "b": enterprise }),
        )
        .await["createSupportMeasure"]["supportMeasure"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Scene {
        person,
        enterprise,
        fund,
        tax_relief,
        city_fund,
        link,
        post_alliance,
        other_alliance,
    }
}

/// The object path: `nodes(ids:)`, and the lists each record appears in.
#[tokio::test]
async fn objects_show_each_secret_only_to_the_roles_that_may_read_it() {
    let app = TestApp::spawn().await;
    let scene = set_the_scene(&app).await;
    let query = format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {FIELDS} }} }}");
    let lists = "{ people(first: 100) { nodes { phone email } } enterprises(first: 100, filter: {municipality: {eq: YINCHUAN}}) { nodes { annualRevenue rndSpend } } supportMeasures(first: 100) { nodes { amount } } supplyLinks(first: 100) { nodes { annualValue } } }";
    for reader in scene.readers() {
        let answer = app
            .query_as(reader.who.as_ref(), &query, json!({ "ids": scene.ids() }))
            .await;
        check(&reader, "nodes(ids:)", &answer, true);
        if reader.who.is_some() {
            assert!(answer.get("errors").is_none(), "{}: {answer}", reader.name);
            let person = &answer["data"]["nodes"][0];
            if !reader.clear.contains(&PHONE) {
                assert_eq!(person["phone"], PHONE_MASKED, "{}", reader.name);
            }
        }
        let answer = app.query_as(reader.who.as_ref(), lists, json!({})).await;
        check(&reader, "the lists", &answer, reader.who.is_some());
    }
}

/// The feed path: `changes` names each record, and its `node` reads like the object.
#[tokio::test]
async fn the_change_feed_reads_each_record_as_the_object_does() {
    let app = TestApp::spawn().await;
    let scene = set_the_scene(&app).await;
    let query = format!(
        "{{ changes(first: 100) {{ nodes {{ entityId changedFields node {{ {FIELDS} }} }} }} }}"
    );
    for reader in scene.readers() {
        let answer = app.query_as(reader.who.as_ref(), &query, json!({})).await;
        if reader.who.is_none() {
            assert!(answer["data"].is_null(), "the feed is not public: {answer}");
            continue;
        }
        check(&reader, "changes", &answer, true);
        let changed: Vec<&str> = answer["data"]["changes"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["entityId"].as_str())
            .collect();
        for id in scene.ids() {
            assert!(
                changed.contains(&id),
                "{}: {id} is in the feed",
                reader.name
            );
        }
    }
}

/// The subscription path: the `changes` subscription's `node`, for every signed-in reader.
#[tokio::test]
async fn subscriptions_read_each_record_as_the_object_does() {
    let app = TestApp::spawn().await;
    let scene = set_the_scene(&app).await;
    let query = format!("subscription {{ changes {{ entityId node {{ {FIELDS} }} }} }}");
    for reader in scene.readers() {
        let Some(who) = &reader.who else { continue };
        let mut subscriber = Subscriber::connect(&app.url, Some(&app.token(who)))
            .await
            .unwrap();
        subscriber.subscribe(&query, json!({})).await;
        // Touch each record again (a harmless change) until the subscriber is listening, then
        // collect one event per record.
        let touch = || touch_all(&app, &scene);
        let mut events = vec![first_event(&mut subscriber, touch).await];
        touch_all(&app, &scene).await;
        while let Some(event) = subscriber.event(Duration::from_secs(10)).await {
            events.push(event);
            let seen: Vec<&Value> = events
                .iter()
                .map(|e| &e["data"]["changes"]["entityId"])
                .collect();
            if scene.ids().iter().all(|id| seen.contains(&&json!(id))) {
                break;
            }
        }
        check(&reader, "the changes subscription", &json!(events), true);
    }
}

/// A change to every record that keeps its secret: the title, product or website.
async fn touch_all(app: &TestApp, scene: &Scene) {
    let touch = [
        (
            &scene.person,
            "mutation($id: ID!, $v: Int!) { updatePerson(input: {id: $id, expectedVersion: $v, title: \"联络员\"}) { person { id } } }",
        ),
        (
            &scene.enterprise,
            "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, website: \"https://touched.example\"}) { organization { id } } }",
        ),
        (
            &scene.fund,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, title: \"测试支持\"}) { supportMeasure { id } } }",
        ),
        (
            &scene.tax_relief,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, title: \"测试支持\"}) { supportMeasure { id } } }",
        ),
        (
            &scene.city_fund,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, title: \"测试支持\"}) { supportMeasure { id } } }",
        ),
        (
            &scene.link,
            "mutation($id: ID!, $v: Int!) { updateSupplyLink(input: {id: $id, expectedVersion: $v, product: \"测试产品\"}) { supplyLink { id } } }",
        ),
    ];
    for (id, mutation) in touch {
        let version = node_version(app, id).await;
        app.ok(&office(), mutation, json!({ "id": id, "v": version }))
            .await;
    }
}

async fn node_version(app: &TestApp, id: &str) -> i64 {
    let data = app
        .ok(&office(), "query($id: ID!) { node(id: $id) { ... on Person { version } ... on Enterprise { version } ... on SupportMeasure { version } ... on SupplyLink { version } } }", json!({ "id": id }))
        .await;
    data["node"]["version"].as_i64().unwrap()
}

/// The audit and error paths: every reader tries to change every record (allowed or not, and
/// once with a stale version); its answers, and its own audit events (before, after, message),
/// show no secret it may not read.
#[tokio::test]
async fn the_audit_trail_and_errors_show_no_secret_a_role_may_not_read() {
    let app = TestApp::spawn().await;
    let scene = set_the_scene(&app).await;
    let attempts = [
        (
            &scene.person,
            "mutation($id: ID!, $v: Int!) { updatePerson(input: {id: $id, expectedVersion: $v, title: \"秘书\"}) { person { id phone email } } }",
        ),
        (
            &scene.enterprise,
            "mutation($id: ID!, $v: Int!) { updateOrganization(input: {id: $id, expectedVersion: $v, enterprise: {employees: 321}}) { organization { id ... on Enterprise { annualRevenue rndSpend } } } }",
        ),
        (
            &scene.fund,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, status: GRANTED}) { supportMeasure { id amount } } }",
        ),
        (
            &scene.tax_relief,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, status: GRANTED}) { supportMeasure { id amount } } }",
        ),
        (
            &scene.city_fund,
            "mutation($id: ID!, $v: Int!) { updateSupportMeasure(input: {id: $id, expectedVersion: $v, status: GRANTED}) { supportMeasure { id amount } } }",
        ),
        (
            &scene.link,
            "mutation($id: ID!, $v: Int!) { updateSupplyLink(input: {id: $id, expectedVersion: $v, sinceYear: 2015}) { supplyLink { id annualValue } } }",
        ),
    ];
    let trail =
        "{ auditEvents(first: 100) { nodes { actor entity outcome before after message } } }";
    for reader in scene.readers() {
        let mut answers = Vec::new();
        for (id, mutation) in attempts {
            let version = node_version(&app, id).await;
            for v in [version + 7, version] {
                answers.push(
                    app.query_as(reader.who.as_ref(), mutation, json!({ "id": id, "v": v }))
                        .await,
                );
            }
        }
        check(
            &reader,
            "mutation answers and errors",
            &json!(answers),
            false,
        );
        let Some(who) = &reader.who else { continue };
        let events = app.ok(who, trail, json!({})).await;
        check(&reader, "auditEvents", &events, who.role == "OFFICE");
        // Where the reader changed the person, its trail shows the contacts, masked or not.
        let contacts = if reader.clear.contains(&PHONE) {
            PHONE
        } else {
            PHONE_MASKED
        };
        let wrote_person = events["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity"] == "person" && e["outcome"] == "ALLOWED");
        assert_eq!(
            wrote_person,
            ["OFFICE", "MUNICIPALITY YINCHUAN", "SECRETARIAT of the post"].contains(&reader.name),
            "{}: {events}",
            reader.name
        );
        if wrote_person {
            assert!(
                events.to_string().contains(contacts),
                "{}: {events}",
                reader.name
            );
        }
        if who.role != "OFFICE" {
            let subject = crate::helpers::claims(who).sub;
            for event in events["auditEvents"]["nodes"].as_array().unwrap() {
                assert_eq!(
                    event["actor"],
                    subject.as_str(),
                    "{}: only its own events",
                    reader.name
                );
            }
        }
    }
}
