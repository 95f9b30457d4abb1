//! The charter as data: the parameters each alliance's charter sets (terms, quorum and majority,
//! who admits members, the chair-unit preference) and the rules that read them; drafts, amendments
//! and supporting rules.

use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, assert_refused, office},
    rules::{Founded, broken, meeting, resolution},
};

const CHARTER: &str = "query($a: ID!) { alliance(id: $a) { charterVersion charter { charterVersion adoptedOn signedOn terms { chairYears directorYears viceChairYears secretaryGeneralYears expertYears } assembly { quorum majority } council { quorum majority } admissionBody chairUnitPreference amendedBy { kind } } charters { charterVersion adoptedOn } supportingRules { kind ruleVersion adoptedOn adoptedBy { kind } } } }";

const AMEND: &str = "mutation($a: ID!, $v: Int!, $label: String!, $r: ID!, $p: CharterParametersInput) { amendCharter(input: {alliance: $a, expectedVersion: $v, charterVersion: $label, resolution: $r, parameters: $p}) { alliance { charterVersion } } }";

const ELECT_DIRECTORS: &str = "mutation($r: ID!, $d: [RepresentativeInput!]!, $start: Date) { electDirectors(input: {resolution: $r, directors: $d, termStart: $start}) { posts { termStart termEnd } } }";

async fn charter(app: &TestApp, alliance: &str) -> Value {
    app.data(CHARTER, json!({ "a": alliance })).await["alliance"].clone()
}

/// Amends the founded alliance's charter through a general assembly; returns nothing of note.
async fn amend(app: &TestApp, f: &Founded, label: &str, parameters: Value) {
    let assembly = meeting(app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, passed) =
        resolution(app, &assembly, "AMEND_CHARTER", None, None, f.members.len()).await;
    assert!(passed);
    let v = app.version(&f.id).await;
    app.ok(
        &office(),
        AMEND,
        json!({ "a": f.id, "v": v, "label": label, "r": vote, "p": parameters }),
    )
    .await;
}

#[tokio::test]
async fn the_demo_charters_carry_their_own_parameters() {
    let app = TestApp::spawn().await;
    let nmat = charter(&app, &app.alliance_id("YMA-NMAT").await).await;
    let c = &nmat["charter"];
    assert_eq!(c["charterVersion"], "v1.0");
    assert_eq!(c["adoptedOn"], "2020-08-28");
    assert_eq!(c["signedOn"], "2020-11-26");
    assert_eq!(
        c["terms"],
        json!({ "chairYears": 5, "directorYears": 5, "viceChairYears": 5, "secretaryGeneralYears": 5, "expertYears": null })
    );
    assert_eq!(c["admissionBody"], "GENERAL_ASSEMBLY");
    assert_eq!(
        c["council"],
        json!({ "quorum": "MORE_THAN_HALF", "majority": "MORE_THAN_HALF" })
    );
    let kinds: Vec<&str> = nmat["supportingRules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "DECISION_MAKING",
            "FINANCIAL_MANAGEMENT",
            "MEMBER_ADMISSION"
        ]
    );
    let chem = charter(&app, &app.alliance_id("YMA-CHEM").await).await;
    assert_eq!(chem["charter"]["charterVersion"], "v0.9");
    assert_eq!(chem["charter"]["adoptedOn"], Value::Null, "a draft");
    assert_eq!(
        chem["charter"]["terms"]["directorYears"],
        Value::Null,
        "the hub's default: no term"
    );
    let public = app
        .data_as(
            None,
            CHARTER,
            json!({ "a": app.alliance_id("YMA-NMAT").await }),
        )
        .await;
    assert_eq!(public["alliance"]["charter"], Value::Null, "{public}");
}

#[tokio::test]
async fn terms_other_than_the_chairs_are_the_charters() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let directors: Vec<Value> = f
        .directors
        .iter()
        .map(|(o, p)| json!({ "organization": o, "person": p }))
        .collect();
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, _) = resolution(
        &app,
        &assembly,
        "ELECT_DIRECTORS",
        None,
        None,
        f.members.len(),
    )
    .await;
    let five = app
        .ok(
            &office(),
            ELECT_DIRECTORS,
            json!({ "r": vote, "d": directors, "start": "2030-11-26" }),
        )
        .await;
    assert_eq!(
        five["electDirectors"]["posts"][0]["termEnd"], "2035-11-25",
        "v1.0: five years"
    );

    amend(&app, &f, "v2.0", json!({ "directorTermYears": 3 })).await;
    let amended = charter(&app, &f.id).await;
    assert_eq!(amended["charterVersion"], "v2.0");
    assert_eq!(amended["charter"]["charterVersion"], "v2.0");
    assert_eq!(amended["charter"]["amendedBy"]["kind"], "AMEND_CHARTER");
    assert_eq!(amended["charter"]["terms"]["viceChairYears"], Value::Null);
    assert_eq!(amended["charters"].as_array().unwrap().len(), 2);

    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, _) = resolution(
        &app,
        &assembly,
        "ELECT_DIRECTORS",
        None,
        None,
        f.members.len(),
    )
    .await;
    let three = app
        .ok(
            &office(),
            ELECT_DIRECTORS,
            json!({ "r": vote, "d": directors[..1], "start": "2035-11-26" }),
        )
        .await;
    assert_eq!(
        three["electDirectors"]["posts"][0]["termEnd"], "2038-11-25",
        "v2.0: three years"
    );
}

#[tokio::test]
async fn a_charters_quorum_decides_whether_a_resolution_passes() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let units = f.director_units();
    let just_over_half = &units[..units.len() / 2 + 1];
    let council = meeting(&app, &f.id, "COUNCIL", just_over_half).await;
    let (_, passed) = resolution(&app, &council, "OTHER", None, None, just_over_half.len()).await;
    assert!(passed, "the hub's default: more than half present");

    amend(
        &app,
        &f,
        "v2.0",
        json!({ "council": { "quorum": "AT_LEAST_TWO_THIRDS", "majority": "AT_LEAST_TWO_THIRDS" } }),
    )
    .await;
    let council = meeting(&app, &f.id, "COUNCIL", just_over_half).await;
    let (_, passed) = resolution(&app, &council, "OTHER", None, None, just_over_half.len()).await;
    assert!(
        !passed,
        "{} of {} is no two-thirds quorum",
        just_over_half.len(),
        units.len()
    );
    let two_thirds = &units[..(units.len() * 2).div_ceil(3)];
    let council = meeting(&app, &f.id, "COUNCIL", two_thirds).await;
    let (_, passed) = resolution(&app, &council, "OTHER", None, None, two_thirds.len()).await;
    assert!(passed);
}

#[tokio::test]
async fn the_assemblys_powers_are_only_the_assemblys() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    for kind in [
        "SET_TECHNICAL_DIRECTION",
        "RAISE_AND_USE_FUNDS",
        "COMMERCIALISE_RESULTS",
        "AMEND_CHARTER",
    ] {
        let rule = broken(
            &app,
            "mutation($m: ID!, $k: ResolutionKind!) { recordResolution(input: {meeting: $m, kind: $k, subject: \"议题\", votesFor: 1}) { resolution { id } } }",
            json!({ "m": council, "k": kind }),
        )
        .await;
        assert_eq!(rule, "ASSEMBLY_POWER", "{kind}");
    }
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, _) = resolution(&app, &assembly, "ELECT_CHAIR", None, None, f.members.len()).await;
    let v = app.version(&f.id).await;
    let rule = broken(
        &app,
        AMEND,
        json!({ "a": f.id, "v": v, "label": "v2.0", "r": vote }),
    )
    .await;
    assert_eq!(rule, "CHARTER_AMENDED_BY_ASSEMBLY");
}

#[tokio::test]
async fn new_members_are_admitted_by_the_body_the_charter_names() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    // The demo's pending application (October 2026).
    let applied = app
        .data("query($a: ID!) { memberships(filter: {alliance: {eq: $a}, status: {eq: APPLIED}}, first: 10) { nodes { id organization { id } } } }", json!({ "a": f.id }))
        .await;
    let pending = &applied["memberships"]["nodes"][0];
    let membership = pending["id"].clone();
    let applicant = pending["organization"]["id"].as_str().unwrap().to_owned();
    let decide = "mutation($m: ID!, $v: Int!, $r: ID) { decideMembership(input: {membership: $m, expectedVersion: $v, approve: true, resolution: $r}) { membership { status joinedOn } } }";
    let v = app.version(membership.as_str().unwrap()).await;
    let rule = broken(&app, decide, json!({ "m": membership, "v": v })).await;
    assert_eq!(
        rule, "ADMISSION_BY_CHARTER_BODY",
        "v1.0: the general assembly admits"
    );

    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (by_council, _) = resolution(
        &app,
        &council,
        "ADMIT_MEMBERS",
        None,
        Some(&applicant),
        f.directors.len(),
    )
    .await;
    let rule = broken(
        &app,
        decide,
        json!({ "m": membership, "v": v, "r": by_council }),
    )
    .await;
    assert_eq!(rule, "ADMISSION_BY_CHARTER_BODY");

    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (someone_else, _) = resolution(
        &app,
        &assembly,
        "ADMIT_MEMBERS",
        None,
        Some(&f.association),
        f.members.len(),
    )
    .await;
    let answer = app
        .query_as(
            Some(&office()),
            decide,
            json!({ "m": membership, "v": v, "r": someone_else }),
        )
        .await;
    assert_refused(&answer, "BAD_USER_INPUT", "admits another unit");
    let (by_assembly, _) = resolution(
        &app,
        &assembly,
        "ADMIT_MEMBERS",
        None,
        Some(&applicant),
        f.members.len(),
    )
    .await;
    let admitted = app
        .ok(
            &office(),
            decide,
            json!({ "m": membership, "v": v, "r": by_assembly }),
        )
        .await;
    assert_eq!(
        admitted["decideMembership"]["membership"],
        json!({ "status": "ACTIVE", "joinedOn": "2026-12-01" }),
        "joins on the assembly's day"
    );
}

/// Elects `unit` (a director) chair at `council` for the term after the sitting chair's.
async fn elect_chair(app: &TestApp, f: &Founded, unit: &str, council: &str) -> Value {
    let (vote, _) = resolution(
        app,
        council,
        "ELECT_CHAIR",
        Some(&app.person_of(unit).await),
        Some(unit),
        f.directors.len(),
    )
    .await;
    app.query_as(
        Some(&office()),
        "mutation($r: ID!) { electChair(input: {resolution: $r, termStart: \"2030-11-26\"}) { post { termEnd } } }",
        json!({ "r": vote }),
    )
    .await
}

#[tokio::test]
async fn a_charter_may_drop_the_chair_unit_preference() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let university = app.org("宁夏大学").await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let refused = elect_chair(&app, &f, &university, &council).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["rule"], "CHAIR_UNIT_NOT_ELIGIBLE",
        "{refused}"
    );
    amend(&app, &f, "v2.0", json!({ "chairUnitPreference": false })).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let elected = elect_chair(&app, &f, &university, &council).await;
    assert_eq!(
        elected["data"]["electChair"]["post"]["termEnd"], "2035-11-25",
        "any director unit may chair; the term stays the plan's five years: {elected}"
    );
}

#[tokio::test]
async fn a_revised_draft_needs_every_initiators_consent_afresh() {
    let app = TestApp::spawn().await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let revise = "mutation($a: ID!, $v: Int!, $label: String!, $p: CharterParametersInput) { reviseCharterDraft(input: {alliance: $a, expectedVersion: $v, charterVersion: $label, parameters: $p, date: \"2026-11-01\"}) { alliance { charterVersion } } }";
    let v = app.version(&chem).await;
    for (parameters, words) in [
        (json!({ "directorTermYears": 0 }), "directorTermYears"),
        (json!({ "expertTermYears": 11 }), "expertTermYears"),
        (
            json!({ "assembly": { "majority": "NONE" } }),
            "assembly.majority",
        ),
    ] {
        let answer = app
            .query_as(
                Some(&office()),
                revise,
                json!({ "a": chem, "v": v, "label": "v1.0", "p": parameters }),
            )
            .await;
        assert_refused(&answer, "BAD_USER_INPUT", words);
    }
    let answer = app
        .query_as(
            Some(&office()),
            revise,
            json!({ "a": chem, "v": v, "label": "v0.9" }),
        )
        .await;
    assert_refused(&answer, "CONFLICT", "v0.9");
    app.ok(
        &office(),
        revise,
        json!({ "a": chem, "v": v, "label": "v1.0", "p": { "directorTermYears": 4, "admissionBody": "COUNCIL" } }),
    )
    .await;
    let adopt = "mutation($a: ID!, $v: Int!) { adoptCharter(input: {alliance: $a, expectedVersion: $v, date: \"2026-11-20\"}) { alliance { charterAdoptedOn } } }";
    let initiators = app
        .data("query($a: ID!) { memberships(filter: {alliance: {eq: $a}}, first: 50) { nodes { isInitiator organization { id } } } }", json!({ "a": chem }))
        .await;
    let initiators: Vec<String> = initiators["memberships"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["isInitiator"] == true)
        .map(|m| m["organization"]["id"].as_str().unwrap().to_owned())
        .collect();
    for (i, unit) in initiators.iter().enumerate() {
        let v = app.version(&chem).await;
        let answer = app
            .query_as(Some(&office()), adopt, json!({ "a": chem, "v": v }))
            .await;
        assert_eq!(
            answer["errors"][0]["extensions"]["rule"],
            "CHARTER_CONSENT_MISSING",
            "{i} of {} consented to v1.0 (consents to v0.9 do not count): {answer}",
            initiators.len()
        );
        app.ok(
            &office(),
            "mutation($a: ID!, $o: ID!) { recordCharterConsent(input: {alliance: $a, organization: $o, date: \"2026-11-10\"}) { consent { charterVersion } } }",
            json!({ "a": chem, "o": unit }),
        )
        .await;
    }
    let v = app.version(&chem).await;
    app.ok(&office(), adopt, json!({ "a": chem, "v": v })).await;
    let adopted = charter(&app, &chem).await;
    assert_eq!(adopted["charter"]["charterVersion"], "v1.0");
    assert_eq!(adopted["charter"]["adoptedOn"], "2026-11-20");
    assert_eq!(adopted["charter"]["terms"]["directorYears"], 4);
    assert_eq!(adopted["charter"]["admissionBody"], "COUNCIL");
    let versions: Vec<&str> = adopted["charters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["charterVersion"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["v0.9", "v1.0"]);
}

#[tokio::test]
async fn after_founding_the_assembly_adopts_supporting_rules() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let record = "mutation($a: ID!, $r: ID, $version: String!) { recordSupportingRule(input: {alliance: $a, kind: FINANCIAL_MANAGEMENT, title: \"财务管理办法（修订）\", ruleVersion: $version, adoptedOn: \"2026-11-30\", resolution: $r}) { supportingRule { ruleVersion adoptedOn adoptedBy { kind } } } }";
    let rule = broken(&app, record, json!({ "a": f.id, "version": "v2.0" })).await;
    assert_eq!(rule, "SUPPORTING_RULE_ADOPTED_BY_ASSEMBLY");
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, _) = resolution(
        &app,
        &assembly,
        "ADOPT_SUPPORTING_RULE",
        None,
        None,
        f.members.len(),
    )
    .await;
    let answer = app
        .query_as(
            Some(&office()),
            record,
            json!({ "a": f.id, "r": vote, "version": "v1.0" }),
        )
        .await;
    assert_refused(&answer, "CONFLICT", "v1.0");
    let recorded = app
        .ok(
            &office(),
            record,
            json!({ "a": f.id, "r": vote, "version": "v2.0" }),
        )
        .await;
    assert_eq!(
        recorded["recordSupportingRule"]["supportingRule"],
        json!({ "ruleVersion": "v2.0", "adoptedOn": "2026-12-01", "adoptedBy": { "kind": "ADOPT_SUPPORTING_RULE" } }),
        "adopted on the assembly's day"
    );
    assert_eq!(
        charter(&app, &f.id).await["supportingRules"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}
