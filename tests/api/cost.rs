//! The cost model from outside: reported on every answer, bounded per request, budgeted per
//! caller and minute across replicas, and the document limits that share its walk.

use std::time::{SystemTime, UNIX_EPOCH};

use alliance_hub::{config::ServeConfig, service::budget::BudgetLimits};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, assert_refused, error_code, office};

fn budgets(text: &str) -> ServeConfig {
    ServeConfig {
        cost_budgets: BudgetLimits::parse(text).unwrap(),
        ..Default::default()
    }
}

/// Posts a query as PUBLIC to `url`, answering the status, the `Retry-After` header and the body.
async fn public(url: &str, query: &str) -> (StatusCode, Option<u64>, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry_after, response.json().await.unwrap())
}

fn minute() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60
}

#[tokio::test]
async fn every_answer_reports_its_cost_requested_and_actual_and_the_budget_left() {
    let app = TestApp::spawn().await;
    // Seven departments of a page of twenty: asked for 20, answered 7.
    let query = "{ departments(first: 20) { totalCount nodes { code nameZh } } }";
    let answer = app.query_as(Some(&analyst()), query, json!({})).await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let cost = &answer["extensions"]["cost"];
    assert_eq!(cost["requested"], 1 + 1 + 1 + 20 * 2, "{cost}");
    assert_eq!(cost["actual"], 1 + 1 + 1 + 7 * 2, "{cost}");
    assert_eq!(cost["budget"]["limit"], 100_000, "{cost}");
    assert_eq!(cost["budget"]["remaining"], 100_000 - 17, "{cost}");
    let resets_in = cost["budget"]["resetsIn"].as_u64().unwrap();
    assert!((1..=60).contains(&resets_in), "{cost}");
    // The next answer has the first one's actual cost taken off.
    let again = app.query_as(Some(&analyst()), query, json!({})).await;
    assert_eq!(
        again["extensions"]["cost"]["budget"]["remaining"].as_u64(),
        Some(100_000 - 34)
    );
}

#[tokio::test]
async fn a_spent_budget_answers_429_with_retry_after_and_other_callers_go_on() {
    let app = TestApp::spawn_with(budgets("PUBLIC=60")).await;
    // 1 + 1 + 7 × 2 = 16 points a time, charged 1 + 1 + 20 × 2 = 42 up front.
    let query = "{ departments { nodes { code nameZh } } }";
    let mut refused = None;
    for _ in 0..20 {
        let (status, retry_after, body) = public(&app.url, query).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((retry_after, body));
            break;
        }
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
    }
    let (retry_after, body) = refused.expect("the budget runs out");
    let retry_after = retry_after.expect("a Retry-After header");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(error_code(&body).as_deref(), Some("RATE_LIMITED"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);
    assert!(body["data"].is_null(), "{body}");
    // The refusal reports what was asked and that nothing was spent.
    assert_eq!(body["extensions"]["cost"]["actual"], 0, "{body}");
    // The GraphQL-over-HTTP media type gets the same status.
    let answer = app
        .client()
        .post(format!("{}/graphql", app.url))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.headers().contains_key("retry-after"));
    // Another caller has a budget of its own.
    let other = app.query_as(Some(&analyst()), query, json!({})).await;
    assert!(other.get("errors").is_none(), "{other}");
}

#[tokio::test]
async fn a_request_that_no_budget_of_the_role_could_pay_is_refused_as_bad_input() {
    let app = TestApp::spawn_with(budgets("PUBLIC=30,OFFICE=unlimited")).await;
    let (status, _, body) = public(&app.url, "{ departments(first: 50) { nodes { code } } }").await;
    assert_eq!(status, StatusCode::OK);
    assert_refused(&body, "BAD_USER_INPUT", "30 a PUBLIC caller may spend");
    // Unlimited: the cost is reported, no budget.
    let office = app
        .query_as(Some(&office()), "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(office["extensions"]["cost"]["requested"], 2, "{office}");
    assert!(office["extensions"]["cost"]["budget"].is_null(), "{office}");
}

#[tokio::test]
async fn replicas_share_a_callers_budget_through_the_database() {
    let app = TestApp::spawn_with(budgets("PUBLIC=100")).await;
    if !app.database_url.starts_with("postgres") {
        // One SQLite file serves one process: replicas need PostgreSQL (HUB_TEST_DATABASE_URL).
        return;
    }
    let (second_url, second) = app.replica(budgets("PUBLIC=100")).await;
    // 16 points a time, 42 charged up front: four requests leave 36, too few for another on a
    // replica that reconciled (a replica that knew nothing of them would run it).
    let query = "{ departments { nodes { code nameZh } } }";
    for attempt in 0.. {
        let started = minute();
        for _ in 0..4 {
            let (status, _, body) = public(&app.url, query).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        app.state.budgets.reconcile().await.unwrap();
        second.budgets.reconcile().await.unwrap();
        let (status, retry_after, body) = public(&second_url, query).await;
        if minute() != started && attempt == 0 {
            // The budgets started again on the minute; run once more within one.
            continue;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(retry_after.is_some());
        break;
    }
}

#[tokio::test]
async fn aliases_fields_and_directives_are_limited_and_unknown_directives_refused() {
    let app = TestApp::spawn().await;
    let refused = |query: String| {
        let app = &app;
        async move {
            let answer = app.query_as(Some(&office()), &query, json!({})).await;
            assert_eq!(
                error_code(&answer).as_deref(),
                Some("BAD_USER_INPUT"),
                "{answer}"
            );
            assert!(answer["data"].is_null(), "{answer}");
            answer["errors"][0]["message"].as_str().unwrap().to_owned()
        }
    };
    let aliases: String = (0..31).map(|i| format!("a{i}: __typename ")).collect();
    assert!(
        refused(format!("{{ {aliases} }}"))
            .await
            .contains("31 aliases")
    );
    let fields = "viewer { role } ".repeat(300);
    assert!(
        refused(format!("{{ {fields} }}"))
            .await
            .contains("600 fields")
    );
    let includes = "@include(if: true) ".repeat(1000);
    let message = refused(format!("{{ __typename {includes} }}")).await;
    assert!(message.contains("@include"), "{message}");
    let message = refused("{ __typename @aa @aa }".into()).await;
    assert!(message.contains("unknown directive @aa"), "{message}");
    let directives: String = (0..51)
        .map(|i| format!("a{i}: __typename @skip(if: false) "))
        .collect();
    let _ = refused(format!("{{ {directives} }}")).await;
    // Within the limits, the same shapes run.
    let aliases: String = (0..30).map(|i| format!("a{i}: __typename ")).collect();
    let answer = app
        .query_as(Some(&office()), &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert!(answer.get("errors").is_none(), "{answer}");
}

#[tokio::test]
async fn fragment_fan_out_is_refused_without_expanding_it() {
    let app = TestApp::spawn().await;
    // 2^40 fields in under 2 kB: counted per fragment, refused at once.
    let mut query = String::from("query { viewer { ...F0 } }");
    for level in 0..40 {
        query.push_str(&format!(
            " fragment F{level} on Viewer {{ ...F{n} ...F{n} }}",
            n = level + 1
        ));
    }
    query.push_str(" fragment F40 on Viewer { role }");
    let answer = app.query_as(Some(&office()), &query, json!({})).await;
    assert_refused(&answer, "BAD_USER_INPUT", "fields");
}

#[tokio::test]
async fn analytics_cost_by_their_arguments_so_aliases_multiply_it() {
    let app = TestApp::spawn().await;
    let unit = app.leader("NMAT-04").await;
    let walk = |depth: u32| {
        format!(
            "n{depth}: chainNeighborhood(organizationId: \"{unit}\", maxDepth: {depth}) {{ __typename }}"
        )
    };
    let one = app
        .query_as(Some(&office()), &format!("{{ {} }}", walk(1)), json!({}))
        .await;
    let six = app
        .query_as(Some(&office()), &format!("{{ {} }}", walk(6)), json!({}))
        .await;
    let requested = |answer: &Value| answer["extensions"]["cost"]["requested"].as_u64().unwrap();
    assert_eq!(requested(&six) - 1, 6 * (requested(&one) - 1), "{six}");
    // Nine deep walks cost more than one request may.
    let many: String = (0..9)
        .map(|i| {
            format!(
                "w{i}: chainNeighborhood(organizationId: \"{unit}\", maxDepth: 6) {{ __typename }} "
            )
        })
        .collect();
    let answer = app
        .query_as(Some(&office()), &format!("{{ {many} }}"), json!({}))
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "costs");
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_replaced_by_a_refusal() {
    let app = TestApp::spawn_with(ServeConfig {
        max_response_bytes: 2048,
        ..Default::default()
    })
    .await;
    let big = app
        .query_as(
            Some(&office()),
            "{ organizations(first: 100) { nodes { nameZh nameEn } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&big).as_deref(), Some("BAD_USER_INPUT"), "{big}");
    assert!(big["data"].is_null());
    assert!(
        big["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ask for smaller pages"),
        "{big}"
    );
    let small = app
        .query_as(Some(&office()), "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(small["data"]["viewer"]["role"], "OFFICE", "{small}");
}
