//! Plans and reports (Annex 2 §一): submitted by the secretariat or the expert committee,
//! reviewed by the council or the assembly, and the office's list of founded alliances that
//! have not sent theirs.

use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, analyst, assert_refused, department, office, secretariat},
    rules::{Founded, broken, meeting, resolution},
};

const GAPS: &str = "query($y: Int!) { reportGaps(year: $y) { alliance { code } missing } }";

const SUBMIT: &str = "mutation($a: ID!, $k: ReportKind!, $y: Int!) { submitReport(input: {alliance: $a, kind: $k, year: $y, title: \"报告\", submittedOn: \"2026-11-28\"}) { report { id version kind year reviewedOn } } }";

const REVIEW: &str = "mutation($r: ID!, $v: Int!, $res: ID!) { reviewReport(input: {report: $r, expectedVersion: $v, resolution: $res}) { report { reviewedOn reviewedBy { kind } } } }";

#[tokio::test]
async fn the_office_sees_which_founded_alliances_owe_a_plan_or_a_report() {
    let app = TestApp::spawn().await;
    let gaps = |year: i32| {
        let app = &app;
        async move { app.ok(&office(), GAPS, json!({ "y": year })).await["reportGaps"].clone() }
    };
    assert_eq!(
        gaps(2023).await,
        json!([]),
        "the demo alliance reported on 2023 and planned it"
    );
    assert_eq!(
        gaps(2026).await,
        json!([{ "alliance": { "code": "YMA-NMAT" }, "missing": ["WORK_REPORT"] }]),
        "2026's plan is in; its report is not, and the alliances being formed owe nothing"
    );
    assert_eq!(
        gaps(2020).await,
        json!([{ "alliance": { "code": "YMA-NMAT" }, "missing": ["WORK_PLAN", "WORK_REPORT"] }]),
        "founded in November 2020"
    );
    let seen = app.ok(&department("DST"), GAPS, json!({ "y": 2026 })).await;
    assert_eq!(seen["reportGaps"].as_array().unwrap().len(), 1);
    for who in [Some(analyst()), None] {
        let answer = app.query_as(who.as_ref(), GAPS, json!({ "y": 2026 })).await;
        assert_refused(&answer, "FORBIDDEN", "plans and reports");
    }
    let answer = app
        .query_as(Some(&office()), GAPS, json!({ "y": 2018 }))
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "2019");
}

#[tokio::test]
async fn the_secretariat_submits_and_the_council_or_assembly_reviews() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let own = secretariat(&f.id);
    let submitted = app
        .ok(
            &own,
            SUBMIT,
            json!({ "a": f.id, "k": "WORK_REPORT", "y": 2026 }),
        )
        .await;
    let report = submitted["submitReport"]["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.ok(&office(), GAPS, json!({ "y": 2026 })).await["reportGaps"],
        json!([])
    );
    let twice = app
        .query_as(
            Some(&own),
            SUBMIT,
            json!({ "a": f.id, "k": "WORK_REPORT", "y": 2026 }),
        )
        .await;
    assert_refused(&twice, "CONFLICT", "2026");
    let far = app
        .query_as(
            Some(&own),
            SUBMIT,
            json!({ "a": f.id, "k": "WORK_PLAN", "y": 2030 }),
        )
        .await;
    assert_refused(&far, "BAD_USER_INPUT", "year");
    let chem = app.alliance_id("YMA-CHEM").await;
    let early = app
        .query_as(
            Some(&office()),
            SUBMIT,
            json!({ "a": chem, "k": "WORK_PLAN", "y": 2026 }),
        )
        .await;
    assert_refused(&early, "BAD_USER_INPUT", "stage 4");

    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (wrong, _) = resolution(&app, &council, "OTHER", None, None, f.directors.len()).await;
    let rule = broken(&app, REVIEW, json!({ "r": report, "v": 1, "res": wrong })).await;
    assert_eq!(rule, "REPORT_REVIEWED_BY_COUNCIL_OR_ASSEMBLY");
    let (vote, _) = resolution(
        &app,
        &council,
        "REVIEW_REPORT",
        None,
        None,
        f.directors.len(),
    )
    .await;
    let reviewed = app
        .ok(&own, REVIEW, json!({ "r": report, "v": 1, "res": vote }))
        .await;
    assert_eq!(
        reviewed["reviewReport"]["report"],
        json!({ "reviewedOn": "2026-12-01", "reviewedBy": { "kind": "REVIEW_REPORT" } })
    );

    let experts = app
        .ok(
            &own,
            SUBMIT,
            json!({ "a": f.id, "k": "EXPERT_COMMITTEE_REPORT", "y": 2026 }),
        )
        .await;
    let experts = experts["submitReport"]["report"]["id"].clone();
    let answer = app
        .query_as(
            Some(&own),
            REVIEW,
            json!({ "r": experts, "v": 1, "res": vote }),
        )
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "reports to the members");

    let reports =
        "query($a: ID!) { alliance(id: $a) { reports(year: 2026) { kind } withheldFields } }";
    let by_department = app
        .ok(&department("DOF"), reports, json!({ "a": f.id }))
        .await;
    assert_eq!(
        by_department["alliance"]["reports"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let by_analyst = app.ok(&analyst(), reports, json!({ "a": f.id })).await;
    assert_eq!(by_analyst["alliance"]["reports"], Value::Null);
    assert!(
        by_analyst["alliance"]["withheldFields"]
            .as_array()
            .unwrap()
            .contains(&json!("reports"))
    );
    let node = app
        .data_as(
            Some(&analyst()),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": report }),
        )
        .await;
    assert_eq!(node["node"], Value::Null, "no report by id either");
}
