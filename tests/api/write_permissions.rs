//! The write column of DESIGN.md's role table: every role × every mutation, allowed or FORBIDDEN,
//! and every denial audited with nothing changed.

use entity::{audit_event, enums::AuditOutcome};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{
    As, TestApp, analyst, department, error_code, municipality, office, secretariat,
};

/// The rows the mutations act on: chosen so that each role's own area is the target.
struct Targets {
    vars: Value,
}

async fn targets(app: &TestApp) -> Targets {
    let alliance = app.alliance_id("YMA-NMAT").await;
    // A mechanism of two other cities, which Shizuishan may join.
    let mechanism = app
        .ok(
            &office(),
            r#"mutation { establishCoordinationMechanism(input: {nameZh: "银吴协调机制", establishedOn: "2026-01-01", lead: YINCHUAN, members: [WUZHONG]}) { mechanism { id } } }"#,
            json!({}),
        )
        .await["establishCoordinationMechanism"]["mechanism"]["id"]
        .clone();
    // A system of the department DST, which DST manages.
    let api_client = app
        .ok(
            &office(),
            r#"mutation { registerApiClient(input: {name: "科技厅项目库", role: DEPARTMENT, department: DST}) { client { id } } }"#,
            json!({}),
        )
        .await["registerApiClient"]["client"]["id"]
        .clone();
    // A Shizuishan enterprise that is a member of the founded alliance, and its people.
    let unit = app.leader("NMAT-02").await;
    let person = app.person_of(&unit).await;
    let park = app
        .data(
            r#"{ parks(filter: {municipality: {eq: SHIZUISHAN}}, first: 1) { nodes { id } } }"#,
            json!({}),
        )
        .await["parks"]["nodes"][0]["id"]
        .clone();
    let link = app
        .data("{ supplyLinks(first: 1) { nodes { id } } }", json!({}))
        .await["supplyLinks"]["nodes"][0]["id"]
        .clone();
    let department = app
        .data("{ department(code: DST) { id } }", json!({}))
        .await["department"]["id"]
        .clone();
    let segment = app
        .data("{ sector(code: EQUIPMENT) { segments { id } } }", json!({}))
        .await["sector"]["segments"][0]["id"]
        .clone();
    let measure = app
        .data(
            "{ supportMeasures(filter: {department: {eq: DST}}, first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["supportMeasures"]["nodes"][0]["id"]
        .clone();
    let governance = app
        .data(
            r#"query($a: ID!) { alliance(id: $a) {
                meetings { id kind resolutions { id kind } }
                posts(activeOn: "2026-12-01") { id kind person { id } }
                workingGroups { id dissolvedOn }
                projects { id stage }
                reports { id }
                results { id } }
              memberships(filter: {alliance: {eq: $a}}, first: 100) { nodes { id status } } }"#,
            json!({ "a": alliance }),
        )
        .await;
    let a = &governance["alliance"];
    let find = |list: &Value, pred: &dyn Fn(&Value) -> bool| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|v| pred(v))
            .map(|v| v["id"].clone())
            .unwrap()
    };
    let resolutions: Vec<Value> = a["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["resolutions"].as_array().unwrap().clone())
        .collect();
    let resolution = |kind: &str| {
        resolutions
            .iter()
            .rev()
            .find(|r| r["kind"] == kind)
            .map(|r| r["id"].clone())
            .unwrap()
    };
    let memberships = &governance["memberships"]["nodes"];
    let designation = app
        .ok(
            &office(),
            "mutation($u: ID!) { designateEnterprise(input: {enterpriseId: $u, designation: HIGH_TECH, grantedYear: 1990, validUntilYear: 1992, department: DST}) { designation { id } } }",
            json!({ "u": unit }),
        )
        .await["designateEnterprise"]["designation"]["id"]
        .clone();
    Targets {
        vars: json!({
            "alliance": alliance, "unit": unit, "person": person, "park": park, "link": link, "department": department,
            "segment": segment, "measure": measure,
            "applied": find(memberships, &|m| m["status"] == "APPLIED"),
            "active": find(memberships, &|m| m["status"] == "ACTIVE"),
            "meeting": find(&a["meetings"], &|m| m["kind"] == "EXPERT_REVIEW"),
            "post": find(&a["posts"], &|p| p["kind"] == "EXPERT"),
            "group": find(&a["workingGroups"], &|g| g["dissolvedOn"].is_null()),
            "project": find(&a["projects"], &|p| p["stage"] == "PROPOSED"),
            "chairPerson": a["posts"].as_array().unwrap().iter().find(|p| p["kind"] == "CHAIR").map(|p| p["person"]["id"].clone()).unwrap(),
            "directorsVote": resolution("ELECT_DIRECTORS"), "chairVote": resolution("ELECT_CHAIR"),
            "viceVote": resolution("APPROVE_VICE_CHAIRS"), "nomination": resolution("NOMINATE_SECRETARY_GENERAL"),
            "election": resolution("ELECT_SECRETARY_GENERAL"),
            "report": a["reports"][0]["id"].clone(),
            "result": a["results"][0]["id"].clone(),
            "mechanism": mechanism,
            "apiClient": api_client,
            "designation": designation,
        }),
    }
}

/// Who may run a mutation on the targets above.
#[derive(Clone, Copy)]
enum May {
    Office,
    /// OFFICE and the MUNICIPALITY of the target (Shizuishan).
    Territory,
    /// OFFICE and the owning DEPARTMENT (DST).
    Department,
    /// OFFICE and the alliance's SECRETARIAT.
    Alliance,
    /// OFFICE, the MUNICIPALITY and the SECRETARIAT (people of a member unit in Shizuishan).
    People,
    /// OFFICE, the MUNICIPALITY of the unit and the granting DEPARTMENT (DST).
    Granting,
}

const MUTATIONS: &[(&str, May, &str)] = &[
    (
        "recordEnterpriseFigures",
        May::Territory,
        "recordEnterpriseFigures(input: {enterpriseId: $unit, year: 2026, employees: 10}) { enterpriseYear { id } }",
    ),
    (
        "designateEnterprise",
        May::Granting,
        "designateEnterprise(input: {enterpriseId: $unit, designation: TECH_SME, grantedYear: 1995, validUntilYear: 1996, department: DST}) { designation { id } }",
    ),
    (
        "removeDesignation",
        May::Granting,
        "removeDesignation(input: {id: $designation, expectedVersion: 1}) { designation { id } }",
    ),
    (
        "createOrganization",
        May::Territory,
        r#"createOrganization(input: {kind: UNIVERSITY, nameZh: "新大学", municipality: SHIZUISHAN}) { organization { id } }"#,
    ),
    (
        "updateOrganization",
        May::Territory,
        r#"updateOrganization(input: {id: $unit, expectedVersion: 1, website: "https://x.example"}) { organization { id } }"#,
    ),
    (
        "archiveOrganization",
        May::Territory,
        "archiveOrganization(input: {id: $unit, expectedVersion: 1}) { organization { id } }",
    ),
    (
        "restoreOrganization",
        May::Territory,
        "restoreOrganization(input: {id: $unit, expectedVersion: 1}) { organization { id } }",
    ),
    (
        "createPark",
        May::Territory,
        r#"createPark(input: {code: "SZS-NEW", municipality: SHIZUISHAN, divisionCode: "640202", level: REGIONAL, nameZh: "新园区", nameEn: "New park"}) { park { id } }"#,
    ),
    (
        "updatePark",
        May::Territory,
        r#"updatePark(input: {id: $park, expectedVersion: 1, nameEn: "Renamed"}) { park { id } }"#,
    ),
    (
        "archivePark",
        May::Territory,
        "archivePark(input: {id: $park, expectedVersion: 1}) { park { id } }",
    ),
    (
        "restorePark",
        May::Territory,
        "restorePark(input: {id: $park, expectedVersion: 1}) { park { id } }",
    ),
    (
        "createSupplyLink",
        May::Office,
        r#"createSupplyLink(input: {supplier: $unit, customer: $unit, product: "x", sinceYear: 2020}) { supplyLink { id } }"#,
    ),
    (
        "updateSupplyLink",
        May::Office,
        r#"updateSupplyLink(input: {id: $link, expectedVersion: 1, product: "y"}) { supplyLink { id } }"#,
    ),
    (
        "archiveSupplyLink",
        May::Office,
        "archiveSupplyLink(input: {id: $link, expectedVersion: 1}) { supplyLink { id } }",
    ),
    (
        "restoreSupplyLink",
        May::Office,
        "restoreSupplyLink(input: {id: $link, expectedVersion: 1}) { supplyLink { id } }",
    ),
    (
        "createPerson",
        May::People,
        r#"createPerson(input: {nameZh: "新人", organization: $unit}) { person { id } }"#,
    ),
    (
        "updatePerson",
        May::People,
        r#"updatePerson(input: {id: $person, expectedVersion: 1, title: "总监"}) { person { id } }"#,
    ),
    (
        "updateDepartment",
        May::Office,
        r#"updateDepartment(input: {id: $department, expectedVersion: 1, nameEn: "Renamed"}) { department { id } }"#,
    ),
    (
        "createChainSegment",
        May::Office,
        r#"createChainSegment(input: {sector: EQUIPMENT, code: "EQUIP-11", ordinal: 11, position: DOWNSTREAM, nameZh: "新环节", nameEn: "New"}) { segment { id } }"#,
    ),
    (
        "updateChainSegment",
        May::Office,
        r#"updateChainSegment(input: {id: $segment, expectedVersion: 1, nameEn: "Renamed"}) { segment { id } }"#,
    ),
    (
        "createSupportMeasure",
        May::Department,
        r#"createSupportMeasure(input: {department: DST, kind: RND_FUND, title: "新项目", beneficiaryOrganization: $unit, amount: 1000, grantedOn: "2026-11-01"}) { supportMeasure { id } }"#,
    ),
    (
        "updateSupportMeasure",
        May::Department,
        r#"updateSupportMeasure(input: {id: $measure, expectedVersion: 1, title: "改名"}) { supportMeasure { id } }"#,
    ),
    (
        "revokeSupportMeasure",
        May::Department,
        "revokeSupportMeasure(input: {id: $measure, expectedVersion: 1}) { supportMeasure { id } }",
    ),
    (
        "initiateAlliance",
        May::Territory,
        r#"initiateAlliance(input: {code: "NEW", nameZh: "新联盟", nameEn: "New", sector: EQUIPMENT, initiatingUnits: [$unit], convener: $unit, formationMode: ENTERPRISE_ORGANISED}) { alliance { id } }"#,
    ),
    (
        "confirmInitiative",
        May::Office,
        "confirmInitiative(input: {alliance: $alliance, expectedVersion: 1}) { alliance { id } }",
    ),
    (
        "formPreparatoryGroup",
        May::Alliance,
        "formPreparatoryGroup(input: {alliance: $alliance, expectedVersion: 1, convenerPerson: $person}) { alliance { id } }",
    ),
    (
        "startCharterDrafting",
        May::Alliance,
        r#"startCharterDrafting(input: {alliance: $alliance, expectedVersion: 1, charterVersion: "v2"}) { alliance { id } }"#,
    ),
    (
        "recordCharterConsent",
        May::Alliance,
        "recordCharterConsent(input: {alliance: $alliance, organization: $unit}) { consent { id } }",
    ),
    (
        "adoptCharter",
        May::Alliance,
        "adoptCharter(input: {alliance: $alliance, expectedVersion: 1}) { alliance { id } }",
    ),
    (
        "formBodies",
        May::Alliance,
        "formBodies(input: {alliance: $alliance, expectedVersion: 1, secretariatUnit: $unit}) { alliance { id } }",
    ),
    (
        "reviseCharterDraft",
        May::Alliance,
        r#"reviseCharterDraft(input: {alliance: $alliance, expectedVersion: 1, charterVersion: "v9"}) { alliance { id } }"#,
    ),
    (
        "amendCharter",
        May::Alliance,
        r#"amendCharter(input: {alliance: $alliance, expectedVersion: 1, charterVersion: "v9", resolution: $chairVote}) { alliance { id } }"#,
    ),
    (
        "recordSupportingRule",
        May::Alliance,
        r#"recordSupportingRule(input: {alliance: $alliance, kind: OTHER, title: "制度", ruleVersion: "v9", adoptedOn: "2026-01-01"}) { supportingRule { id } }"#,
    ),
    (
        "foundAlliance",
        May::Alliance,
        "foundAlliance(input: {alliance: $alliance, expectedVersion: 1, foundingAssembly: $meeting}) { alliance { id } }",
    ),
    (
        "dissolveAlliance",
        May::Office,
        r#"dissolveAlliance(input: {alliance: $alliance, expectedVersion: 1, reason: "test"}) { alliance { id } }"#,
    ),
    (
        "applyForMembership",
        May::Alliance,
        "applyForMembership(input: {alliance: $alliance, organization: $unit}) { membership { id } }",
    ),
    (
        "decideMembership",
        May::Alliance,
        r#"decideMembership(input: {membership: $applied, expectedVersion: 1, approve: false, reason: "no"}) { membership { id } }"#,
    ),
    (
        "withdrawMembership",
        May::Alliance,
        "withdrawMembership(input: {membership: $active, expectedVersion: 1}) { membership { id } }",
    ),
    (
        "proposeProject",
        May::Alliance,
        r#"proposeProject(input: {alliance: $alliance, code: "P-NEW", titleZh: "新项目", kind: STANDARD, budget: 1, participants: [{organization: $unit, role: LEAD}]}) { project { id } }"#,
    ),
    (
        "reviewProject",
        May::Alliance,
        r#"reviewProject(input: {project: $project, expectedVersion: 1, meeting: $meeting, feasibility: "a", budget: "b", plan: "c"}) { project { id } }"#,
    ),
    (
        "approveProject",
        May::Alliance,
        "approveProject(input: {project: $project, expectedVersion: 1}) { project { id } }",
    ),
    (
        "rejectProject",
        May::Alliance,
        "rejectProject(input: {project: $project, expectedVersion: 1}) { project { id } }",
    ),
    (
        "startProject",
        May::Alliance,
        "startProject(input: {project: $project, expectedVersion: 1}) { project { id } }",
    ),
    (
        "completeProject",
        May::Alliance,
        "completeProject(input: {project: $project, expectedVersion: 1}) { project { id } }",
    ),
    (
        "holdMeeting",
        May::Alliance,
        r#"holdMeeting(input: {alliance: $alliance, kind: GENERAL_ASSEMBLY, title: "t", heldOn: "2026-12-01", attendees: [$unit]}) { meeting { id } }"#,
    ),
    (
        "recordResolution",
        May::Alliance,
        r#"recordResolution(input: {meeting: $meeting, kind: OTHER, subject: "s", votesFor: 1}) { resolution { id } }"#,
    ),
    (
        "electDirectors",
        May::Alliance,
        "electDirectors(input: {resolution: $directorsVote, directors: [{organization: $unit, person: $person}]}) { posts { id } }",
    ),
    (
        "electChair",
        May::Alliance,
        "electChair(input: {resolution: $chairVote}) { post { id } }",
    ),
    (
        "approveViceChair",
        May::Alliance,
        "approveViceChair(input: {resolution: $viceVote, nominatedBy: $chairPerson}) { post { id } }",
    ),
    (
        "electSecretaryGeneral",
        May::Alliance,
        "electSecretaryGeneral(input: {nomination: $nomination, election: $election}) { post { id } }",
    ),
    (
        "appointExpert",
        May::Alliance,
        "appointExpert(input: {alliance: $alliance, person: $person, representing: $unit}) { post { id } }",
    ),
    (
        "createWorkingGroup",
        May::Alliance,
        r#"createWorkingGroup(input: {alliance: $alliance, kind: OTHER, nameZh: "组", nameEn: "G"}) { workingGroup { id } }"#,
    ),
    (
        "appointToWorkingGroup",
        May::Alliance,
        "appointToWorkingGroup(input: {workingGroup: $group, person: $person, organization: $unit}) { post { id } }",
    ),
    (
        "dissolveWorkingGroup",
        May::Alliance,
        "dissolveWorkingGroup(input: {id: $group, expectedVersion: 1}) { workingGroup { id } }",
    ),
    (
        "signAgreement",
        May::Alliance,
        r#"signAgreement(input: {alliance: $alliance, agreementVersion: "v9", signedOn: "2026-12-01", liableUnit: $unit, parties: []}) { agreement { id } }"#,
    ),
    (
        "accedeToAgreement",
        May::Alliance,
        "accedeToAgreement(input: {alliance: $alliance, organization: $unit}) { party { id } }",
    ),
    (
        "recordResult",
        May::Alliance,
        r#"recordResult(input: {alliance: $alliance, kind: PATENT, title: "x", achievedOn: "2026-01-01", holders: [{organization: $unit, sharePercent: 100}]}) { result { id } }"#,
    ),
    (
        "putResultIntoProduction",
        May::Alliance,
        "putResultIntoProduction(input: {result: $result, expectedVersion: 1, park: $park}) { result { id } }",
    ),
    (
        "establishCoordinationMechanism",
        May::Territory,
        r#"establishCoordinationMechanism(input: {nameZh: "石宁协调机制", establishedOn: "2026-01-01", lead: SHIZUISHAN, members: [NINGDONG]}) { mechanism { id } }"#,
    ),
    (
        "joinCoordinationMechanism",
        May::Territory,
        "joinCoordinationMechanism(input: {mechanism: $mechanism, municipality: SHIZUISHAN}) { member { joinedOn } }",
    ),
    (
        "submitReport",
        May::Alliance,
        r#"submitReport(input: {alliance: $alliance, kind: EXPERT_COMMITTEE_REPORT, year: 2026, title: "报告"}) { report { id } }"#,
    ),
    (
        "reviewReport",
        May::Alliance,
        "reviewReport(input: {report: $report, expectedVersion: 1, resolution: $chairVote}) { report { id } }",
    ),
    (
        "endPost",
        May::Alliance,
        "endPost(input: {id: $post, expectedVersion: 1}) { post { id } }",
    ),
    (
        "registerApiClient",
        May::Department,
        r#"registerApiClient(input: {name: "科技厅同步", role: DEPARTMENT, department: DST}) { client { id } }"#,
    ),
    (
        "rotateApiClientSecret",
        May::Department,
        "rotateApiClientSecret(input: {id: $apiClient, expectedVersion: 1}) { client { id } }",
    ),
    (
        "disableApiClient",
        May::Department,
        "disableApiClient(input: {id: $apiClient, expectedVersion: 2}) { client { id } }",
    ),
    (
        "revokeToken",
        May::Office,
        r#"revokeToken(input: {jti: "a-leaked-token"}) { revocation { jti } }"#,
    ),
    (
        "revokeSubjectTokens",
        May::Office,
        r#"revokeSubjectTokens(input: {subject: "someone-who-left"}) { revocation { subject } }"#,
    ),
];

const VARIABLES: &str = "$unit: ID!, $person: ID!, $park: ID!, $link: ID!, $department: ID!, $segment: ID!, $measure: ID!, $alliance: ID!, $applied: ID!, $active: ID!, $meeting: ID!, $post: ID!, $group: ID!, $project: ID!, $chairPerson: ID!, $directorsVote: ID!, $chairVote: ID!, $viceVote: ID!, $nomination: ID!, $election: ID!, $report: ID!, $result: ID!, $mechanism: ID!, $apiClient: ID!, $designation: ID!";

fn allowed(may: May, role: &str) -> bool {
    matches!(
        (may, role),
        (_, "OFFICE")
            | (May::Territory | May::People, "MUNICIPALITY")
            | (May::Granting, "MUNICIPALITY")
            | (May::Department | May::Granting, "DEPARTMENT")
            | (May::Alliance | May::People, "SECRETARIAT")
    )
}

async fn audit_count(app: &TestApp, outcome: AuditOutcome) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Outcome.eq(outcome))
        .count(app.db())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_mutation_of_the_schema_is_in_the_table() {
    let app = TestApp::spawn().await;
    let schema = app
        .data(
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let listed: Vec<&str> = MUTATIONS.iter().map(|(name, _, _)| *name).collect();
    let missing: Vec<String> = schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .filter(|name| !listed.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "not in the permission table: {missing:?}"
    );
}

async fn check_role(name: &str, who: Option<As>) {
    let app = TestApp::spawn().await;
    let targets = targets(&app).await;
    let role = who.as_ref().map_or("PUBLIC", |w| w.role);
    let mut wrong = Vec::new();
    for (mutation, may, body) in MUTATIONS {
        // Only the variables this mutation uses are declared, as GraphQL requires.
        let used: Vec<&str> = VARIABLES
            .split(", ")
            .filter(|d| body.contains(d.split(':').next().unwrap()))
            .collect();
        let query = format!("mutation({}) {{ {body} }}", used.join(", "));
        let (denied_before, allowed_before) = (
            audit_count(&app, AuditOutcome::Denied).await,
            audit_count(&app, AuditOutcome::Allowed).await,
        );
        let response = app
            .query_as(who.as_ref(), &query, targets.vars.clone())
            .await;
        let code = error_code(&response);
        assert_ne!(
            code.as_deref(),
            Some("INTERNAL"),
            "{name} / {mutation}: {response}"
        );
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            !message.contains("Variable") && !message.contains("Unknown"),
            "{mutation}: the test's query is malformed: {response}"
        );
        if allowed(*may, role) {
            if code.as_deref() == Some("FORBIDDEN") {
                wrong.push(format!(
                    "{name} may {mutation}, but was refused: {response}"
                ));
            }
        } else if code.as_deref() != Some("FORBIDDEN") {
            wrong.push(format!("{name} may not {mutation}, but got {response}"));
        } else {
            let denials = audit_count(&app, AuditOutcome::Denied).await - denied_before;
            let changes = audit_count(&app, AuditOutcome::Allowed).await - allowed_before;
            if denials != 1 || changes != 0 {
                wrong.push(format!(
                    "{name} / {mutation}: {denials} denials audited, {changes} changes made"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "write permissions violated:\n{}",
        wrong.join("\n")
    );
}

#[tokio::test]
async fn the_office_may_run_every_mutation() {
    check_role("OFFICE", Some(office())).await;
}

#[tokio::test]
async fn a_department_writes_only_its_own_support_measures() {
    check_role("DEPARTMENT DST", Some(department("DST"))).await;
}

#[tokio::test]
async fn a_municipality_writes_only_parks_and_organizations_in_its_territory() {
    check_role("MUNICIPALITY SHIZUISHAN", Some(municipality("SHIZUISHAN"))).await;
}

#[tokio::test]
async fn a_secretariat_governs_only_its_own_alliance() {
    let app = TestApp::spawn().await;
    let alliance = app.alliance_id("YMA-NMAT").await;
    drop(app);
    check_role("SECRETARIAT", Some(secretariat(&alliance))).await;
}

#[tokio::test]
async fn an_analyst_writes_nothing() {
    check_role("ANALYST", Some(analyst())).await;
}

#[tokio::test]
async fn the_public_writes_nothing() {
    check_role("PUBLIC", None).await;
}

#[tokio::test]
async fn others_are_refused_outside_their_own_area() {
    let app = TestApp::spawn().await;
    let targets = targets(&app).await;
    let chem = app.alliance_id("YMA-CHEM").await;
    let cases: Vec<(As, &str, Value)> = vec![
        (
            municipality("YINCHUAN"),
            "mutation($unit: ID!) { updateOrganization(input: {id: $unit, expectedVersion: 1, website: \"https://x.example\"}) { organization { id } } }",
            targets.vars.clone(),
        ),
        (
            department("MIIT"),
            "mutation($measure: ID!) { revokeSupportMeasure(input: {id: $measure, expectedVersion: 1}) { supportMeasure { id } } }",
            targets.vars.clone(),
        ),
        (
            department("MIIT"),
            "mutation($unit: ID!) { createSupportMeasure(input: {department: DST, kind: RND_FUND, title: \"x\", beneficiaryOrganization: $unit, amount: 1, grantedOn: \"2026-01-01\"}) { supportMeasure { id } } }",
            targets.vars.clone(),
        ),
        (
            secretariat(&chem),
            "mutation($alliance: ID!, $unit: ID!) { applyForMembership(input: {alliance: $alliance, organization: $unit}) { membership { id } } }",
            targets.vars.clone(),
        ),
        (
            municipality("SHIZUISHAN"),
            "mutation { createOrganization(input: {kind: UNIVERSITY, nameZh: \"别处\", municipality: YINCHUAN}) { organization { id } } }",
            json!({}),
        ),
    ];
    for (who, query, vars) in cases {
        let response = app.query_as(Some(&who), query, vars).await;
        assert_eq!(
            error_code(&response).as_deref(),
            Some("FORBIDDEN"),
            "{who:?}: {response}"
        );
    }
}
