//! One test per rule of DOMAIN.md's table: each breaks the rule and checks `extensions.rule`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, office, rule_of};

/// The founded demo alliance as the tests need it.
pub(crate) struct Founded {
    pub id: String,
    pub association: String,
    pub chair_person: String,
    pub directors: Vec<(String, String)>,
    pub members: Vec<String>,
}

impl Founded {
    pub async fn load(app: &TestApp) -> Self {
        let id = app.alliance_id("YMA-NMAT").await;
        let data = app
            .data(
                r#"query($id: ID!) { alliance(id: $id) {
                    chair: posts(kind: CHAIR, activeOn: "2026-12-01") { person { id } organization { id } }
                    directors: posts(kind: DIRECTOR, activeOn: "2026-12-01") { person { id } organization { id } } }
                  memberships(filter: {alliance: {eq: $id}, status: {eq: ACTIVE}}, first: 100) { nodes { organization { id } } } }"#,
                json!({ "id": id }),
            )
            .await;
        let s = |v: &Value| v.as_str().unwrap().to_owned();
        Self {
            association: s(&data["alliance"]["chair"][0]["organization"]["id"]),
            chair_person: s(&data["alliance"]["chair"][0]["person"]["id"]),
            directors: data["alliance"]["directors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (s(&d["organization"]["id"]), s(&d["person"]["id"])))
                .collect(),
            members: data["memberships"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| s(&m["organization"]["id"]))
                .collect(),
            id,
        }
    }

    pub fn director_units(&self) -> Vec<String> {
        self.directors
            .iter()
            .map(|(unit, _)| unit.clone())
            .collect()
    }
}

pub(crate) async fn meeting(
    app: &TestApp,
    alliance: &str,
    kind: &str,
    attendees: &[String],
) -> String {
    let data = app
        .ok(
            &office(),
            "mutation($a: ID!, $k: MeetingKind!, $who: [ID!]!) { holdMeeting(input: {alliance: $a, kind: $k, title: \"会议\", heldOn: \"2026-12-01\", attendees: $who}) { meeting { id } } }",
            json!({ "a": alliance, "k": kind, "who": attendees }),
        )
        .await;
    data["holdMeeting"]["meeting"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn resolution(
    app: &TestApp,
    meeting: &str,
    kind: &str,
    person: Option<&str>,
    unit: Option<&str>,
    votes_for: usize,
) -> (String, bool) {
    let data = app
        .ok(
            &office(),
            "mutation($m: ID!, $k: ResolutionKind!, $p: ID, $o: ID, $v: Int!) { recordResolution(input: {meeting: $m, kind: $k, subject: \"议题\", votesFor: $v, person: $p, organization: $o}) { resolution { id passed } } }",
            json!({ "m": meeting, "k": kind, "p": person, "o": unit, "v": votes_for }),
        )
        .await;
    let r = &data["recordResolution"]["resolution"];
    (
        r["id"].as_str().unwrap().to_owned(),
        r["passed"].as_bool().unwrap(),
    )
}

pub(crate) async fn broken(app: &TestApp, query: &str, variables: Value) -> String {
    let response = app.query_as(Some(&office()), query, variables).await;
    assert_eq!(
        error_code(&response).as_deref(),
        Some("RULE_VIOLATION"),
        "{response}"
    );
    rule_of(&response).unwrap()
}

const APPLY: &str = "mutation($a: ID!, $o: ID!) { applyForMembership(input: {alliance: $a, organization: $o}) { membership { status } } }";
const ELECT_CHAIR: &str = "mutation($r: ID!, $start: Date, $why: String) { electChair(input: {resolution: $r, termStart: $start, reason: $why}) { post { termStart termEnd } } }";

#[tokio::test]
async fn an_enterprise_outside_the_three_cities_and_one_base_cannot_join() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let outside = app
        .data(
            "{ enterprises(filter: {inMetroArea: {eq: false}}, first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["enterprises"]["nodes"][0]["id"]
        .clone();
    assert_eq!(
        broken(&app, APPLY, json!({ "a": alliance, "o": outside })).await,
        "ENTERPRISE_OUTSIDE_METRO"
    );
}

#[tokio::test]
async fn universities_may_join_from_anywhere_but_financial_institutions_are_partners() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    let tianjin = app.org("天津大学").await;
    let applied = app
        .ok(&office(), APPLY, json!({ "a": alliance, "o": tianjin }))
        .await;
    assert_eq!(
        applied["applyForMembership"]["membership"]["status"],
        "APPLIED"
    );
    let bank = app.org("宁夏银行").await;
    assert_eq!(
        broken(&app, APPLY, json!({ "a": alliance, "o": bank })).await,
        "MEMBER_KIND_NOT_ELIGIBLE"
    );
}

#[tokio::test]
async fn a_unit_holds_one_live_membership_per_alliance() {
    let app = TestApp::spawn().await;
    let founded = Founded::load(&app).await;
    assert_eq!(
        broken(
            &app,
            APPLY,
            json!({ "a": founded.id, "o": founded.association })
        )
        .await,
        "MEMBERSHIP_EXISTS"
    );
}

#[tokio::test]
async fn new_members_are_admitted_only_under_an_adopted_charter() {
    let app = TestApp::spawn().await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let applied = app.data("query($a: ID!) { memberships(filter: {alliance: {eq: $a}, status: {eq: APPLIED}}) { nodes { id version } } }", json!({ "a": chem })).await;
    let membership = applied["memberships"]["nodes"][0]["id"].clone();
    let rule = broken(&app, "mutation($m: ID!) { decideMembership(input: {membership: $m, expectedVersion: 1, approve: true}) { membership { status } } }", json!({ "m": membership })).await;
    assert_eq!(rule, "ADMISSION_NEEDS_CHARTER");
}

#[tokio::test]
async fn formation_stages_advance_one_at_a_time_in_order() {
    let app = TestApp::spawn().await;
    let equipment = app.alliance_id("YMA-EQUIP").await;
    let skip = "mutation($a: ID!) { startCharterDrafting(input: {alliance: $a, expectedVersion: 1, charterVersion: \"v1\"}) { alliance { stage } } }";
    assert_eq!(
        broken(&app, skip, json!({ "a": equipment })).await,
        "STAGE_ORDER"
    );
    let chem = app.alliance_id("YMA-CHEM").await;
    let version = app.version(&chem).await;
    let olefins = app.leader("CHEM-04").await;
    let early = "mutation($a: ID!, $v: Int!, $o: ID!) { formBodies(input: {alliance: $a, expectedVersion: $v, secretariatUnit: $o}) { alliance { stage } } }";
    assert_eq!(
        broken(
            &app,
            early,
            json!({ "a": chem, "v": version, "o": olefins })
        )
        .await,
        "STAGE_ORDER",
        "bodies before the charter is adopted"
    );
}

#[tokio::test]
async fn the_charter_is_adopted_only_with_every_initiating_units_consent() {
    let app = TestApp::spawn().await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let version = app.version(&chem).await;
    let response = app
        .query_as(Some(&office()), "mutation($a: ID!, $v: Int!) { adoptCharter(input: {alliance: $a, expectedVersion: $v}) { alliance { charterAdoptedOn } } }", json!({ "a": chem, "v": version }))
        .await;
    assert_eq!(
        rule_of(&response).as_deref(),
        Some("CHARTER_CONSENT_MISSING")
    );
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("宁夏大学"),
        "{response}"
    );
}

#[tokio::test]
async fn an_alliance_is_founded_only_when_its_founding_assembly_did_its_work() {
    let app = TestApp::spawn().await;
    let (university, institute) = (
        app.org("宁夏大学").await,
        app.org("上海交通大学银川新材料研究院").await,
    );
    let created = app
        .ok(
            &office(),
            r#"mutation($u: [ID!]!, $c: ID!) { initiateAlliance(input: {code: "TEST-R", nameZh: "测试联盟", nameEn: "Test", sector: NEW_MATERIALS, initiatingUnits: $u, convener: $c, formationMode: OTHER, date: "2026-01-01"}) { alliance { id } } }"#,
            json!({ "u": [university, institute], "c": university }),
        )
        .await;
    let id = created["initiateAlliance"]["alliance"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let convener = app.person_of(&university).await;
    let member = json!([{ "organization": institute, "person": app.person_of(&institute).await }]);
    app.ok(&office(), "mutation($a: ID!, $p: ID!, $m: [RepresentativeInput!]!) { formPreparatoryGroup(input: {alliance: $a, expectedVersion: 1, convenerPerson: $p, members: $m, date: \"2026-02-01\"}) { alliance { version } } }", json!({ "a": id, "p": convener, "m": member }))
        .await;
    app.ok(&office(), "mutation($a: ID!) { startCharterDrafting(input: {alliance: $a, expectedVersion: 2, charterVersion: \"v1\", date: \"2026-03-01\"}) { alliance { version } } }", json!({ "a": id })).await;
    for unit in [&university, &institute] {
        app.ok(&office(), "mutation($a: ID!, $o: ID!) { recordCharterConsent(input: {alliance: $a, organization: $o}) { consent { id } } }", json!({ "a": id, "o": unit })).await;
    }
    app.ok(&office(), "mutation($a: ID!) { adoptCharter(input: {alliance: $a, expectedVersion: 3, date: \"2026-04-01\"}) { alliance { version } } }", json!({ "a": id })).await;
    app.ok(&office(), "mutation($a: ID!, $p: ID!, $o: ID!) { appointExpert(input: {alliance: $a, person: $p, representing: $o, termStart: \"2026-04-15\"}) { post { id } } }", json!({ "a": id, "p": convener, "o": university })).await;
    app.ok(&office(), "mutation($a: ID!, $o: ID!) { formBodies(input: {alliance: $a, expectedVersion: 4, secretariatUnit: $o, date: \"2026-05-01\"}) { alliance { version } } }", json!({ "a": id, "o": university })).await;
    let assembly = meeting(
        &app,
        &id,
        "FOUNDING_ASSEMBLY",
        &[university.clone(), institute.clone()],
    )
    .await;
    let response = app
        .query_as(Some(&office()), "mutation($a: ID!, $m: ID!) { foundAlliance(input: {alliance: $a, expectedVersion: 5, foundingAssembly: $m}) { alliance { stage } } }", json!({ "a": id, "m": assembly }))
        .await;
    assert_eq!(
        rule_of(&response).as_deref(),
        Some("FOUNDING_PREREQUISITES"),
        "{response}"
    );
    let message = response["errors"][0]["message"].as_str().unwrap();
    for missing in [
        "charter signed",
        "chair",
        "secretary-general",
        "external liability",
    ] {
        assert!(message.contains(missing), "{message}");
    }
}

#[tokio::test]
async fn director_units_are_elected_by_the_general_assembly() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (vote, _) = resolution(
        &app,
        &council,
        "ELECT_DIRECTORS",
        None,
        None,
        f.directors.len(),
    )
    .await;
    let query = "mutation($r: ID!, $d: [RepresentativeInput!]!) { electDirectors(input: {resolution: $r, directors: $d, termStart: \"2030-11-26\"}) { posts { id } } }";
    let directors = json!([{ "organization": f.directors[0].0, "person": f.directors[0].1 }]);
    assert_eq!(
        broken(&app, query, json!({ "r": vote, "d": directors })).await,
        "DIRECTORS_ELECTED_BY_ASSEMBLY"
    );
}

#[tokio::test]
async fn director_units_are_active_members_with_one_representative_each() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, passed) = resolution(
        &app,
        &assembly,
        "ELECT_DIRECTORS",
        None,
        None,
        f.members.len(),
    )
    .await;
    assert!(passed);
    let query = "mutation($r: ID!, $d: [RepresentativeInput!]!, $start: Date) { electDirectors(input: {resolution: $r, directors: $d, termStart: $start}) { posts { id } } }";
    let outsider = app.leader("CHEM-03").await;
    let not_member =
        json!([{ "organization": outsider, "person": app.person_of(&outsider).await }]);
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "r": vote, "d": not_member, "start": "2030-11-26" })
        )
        .await,
        "DIRECTOR_NOT_ACTIVE_MEMBER"
    );
    let (unit, person) = &f.directors[0];
    let twice = json!([{ "organization": unit, "person": person }, { "organization": unit, "person": person }]);
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "r": vote, "d": twice, "start": "2030-11-26" })
        )
        .await,
        "DIRECTOR_ONE_REPRESENTATIVE"
    );
    let sitting = json!([{ "organization": unit, "person": person }]);
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "r": vote, "d": sitting, "start": null })
        )
        .await,
        "DIRECTOR_ONE_REPRESENTATIVE",
        "already a sitting director unit"
    );
}

#[tokio::test]
async fn the_chair_is_elected_by_the_council_meeting() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (vote, _) = resolution(
        &app,
        &assembly,
        "ELECT_CHAIR",
        Some(&f.chair_person),
        Some(&f.association),
        f.members.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" })
        )
        .await,
        "CHAIR_ELECTED_BY_COUNCIL"
    );
}

#[tokio::test]
async fn one_chair_sits_at_a_time_for_five_years_and_may_be_re_elected() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&f.chair_person),
        Some(&f.association),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(&app, ELECT_CHAIR, json!({ "r": vote })).await,
        "CHAIR_ALREADY_SITTING"
    );
    let again = app
        .ok(
            &office(),
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" }),
        )
        .await;
    assert_eq!(
        again["electChair"]["post"]["termEnd"], "2035-11-25",
        "re-elected for another five years"
    );
}

#[tokio::test]
async fn the_chair_unit_is_an_association_or_else_a_large_backbone_enterprise() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let university = app.org("宁夏大学").await;
    let (vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&app.person_of(&university).await),
        Some(&university),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" })
        )
        .await,
        "CHAIR_UNIT_NOT_ELIGIBLE"
    );
    let backbone = app.leader("NMAT-02").await;
    let (vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&app.person_of(&backbone).await),
        Some(&backbone),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" })
        )
        .await,
        "CHAIR_UNIT_REASON_REQUIRED"
    );
    let with_reason = app
        .ok(
            &office(),
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26", "why": "协会换届未完成，由骨干企业过渡" }),
        )
        .await;
    assert_eq!(with_reason["electChair"]["post"]["termStart"], "2030-11-26");
}

#[tokio::test]
async fn vice_chairs_are_nominated_by_the_sitting_chair_and_approved_by_the_council() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let (unit, person) = f
        .directors
        .iter()
        .find(|(u, _)| *u != f.association)
        .cloned()
        .unwrap();
    let query = "mutation($r: ID!, $by: ID!) { approveViceChair(input: {resolution: $r, nominatedBy: $by}) { post { kind } } }";
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (vote, _) = resolution(
        &app,
        &council,
        "APPROVE_VICE_CHAIRS",
        Some(&person),
        Some(&unit),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(&app, query, json!({ "r": vote, "by": person })).await,
        "VICE_CHAIR_NOMINATED_BY_CHAIR"
    );
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (at_assembly, _) = resolution(
        &app,
        &assembly,
        "APPROVE_VICE_CHAIRS",
        Some(&person),
        Some(&unit),
        f.members.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "r": at_assembly, "by": f.chair_person })
        )
        .await,
        "VICE_CHAIR_APPROVED_BY_COUNCIL"
    );
    let approved = app
        .ok(&office(), query, json!({ "r": vote, "by": f.chair_person }))
        .await;
    assert_eq!(approved["approveViceChair"]["post"]["kind"], "VICE_CHAIR");
}

#[tokio::test]
async fn the_secretary_general_is_nominated_by_the_council_and_elected_by_the_general_assembly() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let candidate = app.person_of(&f.association).await;
    let other = f
        .directors
        .iter()
        .find(|(u, _)| *u != f.association)
        .map(|(_, p)| p.clone())
        .unwrap();
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let n = f.directors.len();
    let m = f.members.len();
    let (nominated, _) = resolution(
        &app,
        &council,
        "NOMINATE_SECRETARY_GENERAL",
        Some(&candidate),
        None,
        n,
    )
    .await;
    let (nominated_by_assembly, _) = resolution(
        &app,
        &assembly,
        "NOMINATE_SECRETARY_GENERAL",
        Some(&candidate),
        None,
        m,
    )
    .await;
    let (elected, _) = resolution(
        &app,
        &assembly,
        "ELECT_SECRETARY_GENERAL",
        Some(&candidate),
        None,
        m,
    )
    .await;
    let (elected_by_council, _) = resolution(
        &app,
        &council,
        "ELECT_SECRETARY_GENERAL",
        Some(&candidate),
        None,
        n,
    )
    .await;
    let (someone_else, _) = resolution(
        &app,
        &assembly,
        "ELECT_SECRETARY_GENERAL",
        Some(&other),
        None,
        m,
    )
    .await;
    let query = "mutation($n: ID!, $e: ID!) { electSecretaryGeneral(input: {nomination: $n, election: $e}) { post { kind } } }";
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "n": nominated_by_assembly, "e": elected })
        )
        .await,
        "SECRETARY_GENERAL_NOMINATED_BY_COUNCIL"
    );
    assert_eq!(
        broken(&app, query, json!({ "n": nominated, "e": someone_else })).await,
        "SECRETARY_GENERAL_NOMINATED_BY_COUNCIL",
        "not the nominee"
    );
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "n": nominated, "e": elected_by_council })
        )
        .await,
        "SECRETARY_GENERAL_ELECTED_BY_ASSEMBLY"
    );
    let post = app
        .ok(&office(), query, json!({ "n": nominated, "e": elected }))
        .await;
    assert_eq!(
        post["electSecretaryGeneral"]["post"]["kind"],
        "SECRETARY_GENERAL"
    );
}

#[tokio::test]
async fn experts_come_from_member_units_or_from_outside() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let outsider = app.leader("CHEM-03").await;
    let query = "mutation($a: ID!, $p: ID!, $o: ID) { appointExpert(input: {alliance: $a, person: $p, representing: $o}) { post { kind } } }";
    let person = app.person_of(&outsider).await;
    assert_eq!(
        broken(
            &app,
            query,
            json!({ "a": f.id, "p": person, "o": outsider })
        )
        .await,
        "EXPERT_FROM_MEMBER_OR_EXTERNAL"
    );
    let external = app
        .ok(
            &office(),
            query,
            json!({ "a": f.id, "p": person, "o": null }),
        )
        .await;
    assert_eq!(
        external["appointExpert"]["post"]["kind"], "EXPERT",
        "the same person appointed as an external expert"
    );
}

#[tokio::test]
async fn key_projects_are_reviewed_by_the_expert_committee_before_approval() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let proposed = app
        .data(
            r#"{ projects(filter: {stage: {eq: PROPOSED}}) { nodes { id version } } }"#,
            json!({}),
        )
        .await;
    let project = proposed["projects"]["nodes"][0]["id"].clone();
    let approve = "mutation($p: ID!) { approveProject(input: {project: $p, expectedVersion: 1}) { project { stage } } }";
    assert_eq!(
        broken(&app, approve, json!({ "p": project })).await,
        "PROJECT_REVIEW_REQUIRED"
    );
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let review = "mutation($p: ID!, $m: ID!) { reviewProject(input: {project: $p, expectedVersion: 1, meeting: $m, feasibility: \"可行\", budget: \"合理\", plan: \"明确\"}) { project { stage } } }";
    assert_eq!(
        broken(&app, review, json!({ "p": project, "m": council })).await,
        "PROJECT_REVIEW_REQUIRED",
        "a council meeting is not the expert committee"
    );
}

#[tokio::test]
async fn an_election_rests_on_a_resolution_that_passed_with_a_quorum() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    // Fewer than half the directors present: no quorum, whatever the votes.
    let few: Vec<String> = f
        .director_units()
        .into_iter()
        .take(f.directors.len() / 2)
        .collect();
    let thin = meeting(&app, &f.id, "COUNCIL", &few).await;
    let (vote, passed) = resolution(
        &app,
        &thin,
        "ELECT_CHAIR",
        Some(&f.chair_person),
        Some(&f.association),
        few.len(),
    )
    .await;
    assert!(!passed, "no quorum");
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" })
        )
        .await,
        "RESOLUTION_NOT_PASSED"
    );
    // A quorum, but no majority of those present.
    let full = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let (_, passed) = resolution(
        &app,
        &full,
        "ELECT_CHAIR",
        Some(&f.chair_person),
        Some(&f.association),
        f.directors.len() / 2,
    )
    .await;
    assert!(!passed, "no majority");
}

/// Annex 2 §一: the chair and the vice-chairs sit on the council, so a member unit that is not
/// a director cannot be elected to either.
#[tokio::test]
async fn the_chair_and_vice_chairs_come_from_the_director_units() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let directors = f.director_units();
    let outsider = f
        .members
        .iter()
        .find(|m| !directors.contains(m))
        .expect("a member that is not a director")
        .clone();
    let person = app.person_of(&outsider).await;
    let council = meeting(&app, &f.id, "COUNCIL", &directors).await;
    let (chair_vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&person),
        Some(&outsider),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": chair_vote, "start": "2030-11-26", "why": "理由" })
        )
        .await,
        "CHAIR_FROM_DIRECTORS"
    );
    let (vice_vote, _) = resolution(
        &app,
        &council,
        "APPROVE_VICE_CHAIRS",
        Some(&person),
        Some(&outsider),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            "mutation($r: ID!, $by: ID!) { approveViceChair(input: {resolution: $r, nominatedBy: $by}) { post { kind } } }",
            json!({ "r": vice_vote, "by": f.chair_person })
        )
        .await,
        "CHAIR_FROM_DIRECTORS"
    );
}

/// Annex 1 §2 reads "无行业协会的" of the alliance's industry: once the only association that
/// joined works in another sector, a large backbone enterprise chairs without an exception,
/// and that association is no longer eligible. Exceptions are the office's: a secretariat that
/// states a reason is refused.
#[tokio::test]
async fn the_chair_unit_rule_asks_for_an_association_of_the_alliances_industry() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let council = meeting(&app, &f.id, "COUNCIL", &f.director_units()).await;
    let backbone = app.leader("NMAT-02").await;
    assert!(f.director_units().contains(&backbone));
    let (vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&app.person_of(&backbone).await),
        Some(&backbone),
        f.directors.len(),
    )
    .await;
    let secretariat = crate::helpers::secretariat(&f.id);
    let refused = app
        .query_as(
            Some(&secretariat),
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26", "why": "秘书处自定理由" }),
        )
        .await;
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("FORBIDDEN"),
        "{refused}"
    );

    // The association now works in chemicals, not in new materials.
    let chemicals = app
        .data("{ sector(code: CHEMICALS) { segments { id } } }", json!({}))
        .await["sector"]["segments"][0]["id"]
        .clone();
    let version = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on IndustryAssociation { version } } }",
            json!({ "id": f.association }),
        )
        .await["node"]["version"]
        .clone();
    app.ok(
        &office(),
        "mutation($id: ID!, $v: Int!, $s: ID!) { updateOrganization(input: {id: $id, expectedVersion: $v, segments: [$s]}) { organization { id } } }",
        json!({ "id": f.association, "v": version, "s": chemicals }),
    )
    .await;
    let (association_vote, _) = resolution(
        &app,
        &council,
        "ELECT_CHAIR",
        Some(&f.chair_person),
        Some(&f.association),
        f.directors.len(),
    )
    .await;
    assert_eq!(
        broken(
            &app,
            ELECT_CHAIR,
            json!({ "r": association_vote, "start": "2030-11-26" })
        )
        .await,
        "CHAIR_UNIT_NOT_ELIGIBLE"
    );
    let elected = app
        .ok(
            &secretariat,
            ELECT_CHAIR,
            json!({ "r": vote, "start": "2030-11-26" }),
        )
        .await;
    assert_eq!(elected["electChair"]["post"]["termEnd"], "2035-11-25");
}
