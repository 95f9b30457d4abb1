//! An alliance formed through the API alone, stage by stage, as Annex 2 §二 describes it.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_refused, municipality, office, secretariat};

/// The ids of units and people the story needs.
struct Cast {
    association: String,
    rare_metals: String,
    crystals: String,
    batteries: String,
    university: String,
    institute: String,
}

impl Cast {
    async fn find(app: &TestApp) -> Self {
        Self {
            association: app.org("宁夏新材料行业协会").await,
            rare_metals: app.leader("NMAT-02").await,
            crystals: app.leader("NMAT-04").await,
            batteries: app.leader("NMAT-07").await,
            university: app.org("宁夏大学").await,
            institute: app.org("上海交通大学银川新材料研究院").await,
        }
    }

    fn initiators(&self) -> Vec<&str> {
        vec![
            &self.association,
            &self.rare_metals,
            &self.crystals,
            &self.batteries,
            &self.university,
            &self.institute,
        ]
    }
}

const FORM_BODIES: &str = "mutation($alliance: ID!, $version: Int!, $host: ID!) { formBodies(input: {alliance: $alliance, expectedVersion: $version, secretariatUnit: $host, date: \"2026-05-10\"}) { alliance { stage secretariatUnit { id } stageHistory { note } } } }";

fn id(data: &Value, pointer: &str) -> String {
    data.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {data}"))
        .to_owned()
}

#[tokio::test]
async fn the_new_materials_alliance_is_formed_again_through_the_api_alone() {
    let app = TestApp::spawn().await;
    let cast = Cast::find(&app).await;

    // 1. Initiative: six units propose the alliance; the association convenes it (the office registers it).
    let initiated = app
        .ok(
            &office(),
            r#"mutation($units: [ID!]!, $convener: ID!) { initiateAlliance(input: {
                code: "YMA-NMAT-II", nameZh: "银川都市圈新材料产业联盟（重建）", nameEn: "New Materials Alliance, rebuilt",
                sector: NEW_MATERIALS, initiatingUnits: $units, convener: $convener, formationMode: OTHER, date: "2026-01-05" }) {
                alliance { id stage version formationMode initiativeConfirmedOn registeredBy { code } members { totalCount } } } }"#,
            json!({ "units": cast.initiators(), "convener": cast.association }),
        )
        .await;
    let alliance = id(&initiated, "/initiateAlliance/alliance/id");
    assert_eq!(
        initiated["initiateAlliance"]["alliance"]["stage"],
        "INITIATIVE"
    );
    assert_eq!(
        initiated["initiateAlliance"]["alliance"]["members"]["totalCount"],
        6
    );
    assert_eq!(
        initiated["initiateAlliance"]["alliance"]["initiativeConfirmedOn"], "2026-01-05",
        "the office's own registration needs no confirmation"
    );
    // From here on the alliance's own secretariat runs it.
    let secretariat = secretariat(&alliance);
    let step = |version: i64| json!({ "alliance": alliance, "version": version });

    // 2. Consultation: the convener and the initiating units form the preparatory working group.
    let convener_person = app.person_of(&cast.association).await;
    let mut members = Vec::new();
    for unit in &cast.initiators()[1..] {
        members.push(json!({ "organization": unit, "person": app.person_of(unit).await }));
    }
    let consulted = app
        .ok(
            &secretariat,
            r#"mutation($alliance: ID!, $version: Int!, $convener: ID!, $members: [RepresentativeInput!]!) {
                formPreparatoryGroup(input: {alliance: $alliance, expectedVersion: $version, convenerPerson: $convener, members: $members, date: "2026-02-01"}) {
                alliance { stage version workingGroups { kind } posts(body: PREPARATORY_GROUP) { kind } } } }"#,
            json!({ "alliance": alliance, "version": 1, "convener": convener_person, "members": members }),
        )
        .await;
    let a = &consulted["formPreparatoryGroup"]["alliance"];
    assert_eq!(a["stage"], "CONSULTATION");
    assert_eq!(
        a["posts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["kind"] == "CONVENER")
            .count(),
        1
    );

    // 3. Charter drafting: every initiating unit is consulted and consents; the charter is adopted.
    let drafting = app
        .ok(&secretariat, r#"mutation($alliance: ID!, $version: Int!) { startCharterDrafting(input: {alliance: $alliance, expectedVersion: $version, charterVersion: "v1.0", date: "2026-03-01", parameters: {directorTermYears: 5, viceChairTermYears: 5, secretaryGeneralTermYears: 5, admissionBody: GENERAL_ASSEMBLY}}) { alliance { stage version charterVersion } } }"#, step(a["version"].as_i64().unwrap()))
        .await;
    assert_eq!(
        drafting["startCharterDrafting"]["alliance"]["stage"],
        "CHARTER_DRAFTING"
    );
    for unit in cast.initiators() {
        app.ok(&secretariat, "mutation($a: ID!, $o: ID!) { recordCharterConsent(input: {alliance: $a, organization: $o}) { consent { charterVersion } } }", json!({ "a": alliance, "o": unit }))
            .await;
    }
    let version = app.version(&alliance).await;
    let adopted = app.ok(&secretariat, "mutation($alliance: ID!, $version: Int!) { adoptCharter(input: {alliance: $alliance, expectedVersion: $version, date: \"2026-04-20\"}) { alliance { charterAdoptedOn version } } }", step(version)).await;
    assert_eq!(
        adopted["adoptCharter"]["alliance"]["charterAdoptedOn"],
        "2026-04-20"
    );

    // Open membership under the adopted charter's admission rule: more units join.
    let joiners = [
        app.leader("NMAT-01").await,
        app.leader("NMAT-03").await,
        app.leader("NMAT-06").await,
    ];
    for unit in &joiners {
        let applied = app.ok(&secretariat, "mutation($a: ID!, $o: ID!) { applyForMembership(input: {alliance: $a, organization: $o, date: \"2026-04-25\"}) { membership { id version status } } }", json!({ "a": alliance, "o": unit })).await;
        let membership = id(&applied, "/applyForMembership/membership/id");
        let decided = app
            .ok(&secretariat, "mutation($m: ID!) { decideMembership(input: {membership: $m, expectedVersion: 1, approve: true, date: \"2026-05-01\"}) { membership { status joinedOn } } }", json!({ "m": membership }))
            .await;
        assert_eq!(
            decided["decideMembership"]["membership"]["status"],
            "ACTIVE"
        );
    }

    // 4. Bodies: expert committee (a member's expert and an external one), working groups, then
    //    the bodies are declared formed with the secretariat hosted by the association.
    let version = app.version(&alliance).await;
    let early = app
        .query_as(
            Some(&secretariat),
            FORM_BODIES,
            json!({ "alliance": alliance, "version": version, "host": cast.association }),
        )
        .await;
    assert_eq!(
        early["errors"][0]["extensions"]["rule"], "BODIES_INCOMPLETE",
        "{early}"
    );
    let expert = app.person_of(&cast.university).await;
    app.ok(&secretariat, "mutation($a: ID!, $p: ID!, $o: ID!) { appointExpert(input: {alliance: $a, person: $p, representing: $o, termStart: \"2026-05-08\"}) { post { kind } } }", json!({ "a": alliance, "p": expert, "o": cast.university }))
        .await;
    let outsider = app.ok(&secretariat, r#"mutation { createPerson(input: {nameZh: "外聘专家", title: "研究员", phone: "13900000000", email: "expert@example.cn"}) { person { id } } }"#, json!({})).await;
    let outsider = id(&outsider, "/createPerson/person/id");
    app.ok(&secretariat, "mutation($a: ID!, $p: ID!) { appointExpert(input: {alliance: $a, person: $p, termStart: \"2026-05-08\"}) { post { kind organization { id } } } }", json!({ "a": alliance, "p": outsider }))
        .await;
    app.ok(&secretariat, r#"mutation($a: ID!) { createWorkingGroup(input: {alliance: $a, kind: STANDARDS, nameZh: "标准工作组", nameEn: "Standards group", date: "2026-05-08"}) { workingGroup { id } } }"#, json!({ "a": alliance }))
        .await;
    let formed = app
        .ok(
            &secretariat,
            FORM_BODIES,
            json!({ "alliance": alliance, "version": version, "host": cast.association }),
        )
        .await;
    let a = &formed["formBodies"]["alliance"];
    assert_eq!(a["stage"], "BODIES_FORMED");
    assert_eq!(a["secretariatUnit"]["id"], cast.association.as_str());
    assert_eq!(
        a["stageHistory"][3]["note"], "组建专家委员会（2人）、秘书处和工作组：标准工作组",
        "the stage records the bodies formed"
    );

    // 5. The founding assembly: signs the charter, elects directors, names the liable unit; the first
    //    council elects the chair, approves a vice-chair, nominates the secretary-general, whom the
    //    assembly then elects.
    let mut present: Vec<String> = cast.initiators().iter().map(|s| s.to_string()).collect();
    present.extend(joiners.iter().cloned());
    let assembly = app
        .ok(&secretariat, r#"mutation($a: ID!, $who: [ID!]!) { holdMeeting(input: {alliance: $a, kind: FOUNDING_ASSEMBLY, title: "成立大会", heldOn: "2026-06-18", attendees: $who}) { meeting { id bodySize } } }"#, json!({ "a": alliance, "who": present }))
        .await;
    assert_eq!(assembly["holdMeeting"]["meeting"]["bodySize"], 9);
    let assembly = id(&assembly, "/holdMeeting/meeting/id");
    let resolve = |kind: &str,
                   subject: &str,
                   person: Option<&str>,
                   unit: Option<&str>,
                   votes: i64| {
        json!({ "m": assembly, "k": kind, "s": subject, "p": person, "o": unit, "v": votes })
    };
    const RESOLVE: &str = "mutation($m: ID!, $k: ResolutionKind!, $s: String!, $p: ID, $o: ID, $v: Int!) { recordResolution(input: {meeting: $m, kind: $k, subject: $s, votesFor: $v, person: $p, organization: $o}) { resolution { id passed } } }";
    let signed = app
        .ok(
            &secretariat,
            RESOLVE,
            resolve("SIGN_CHARTER", "签署章程", None, None, 9),
        )
        .await;
    assert_eq!(signed["recordResolution"]["resolution"]["passed"], true);
    let directors_vote = app
        .ok(
            &secretariat,
            RESOLVE,
            resolve("ELECT_DIRECTORS", "选举理事单位", None, None, 8),
        )
        .await;
    let directors: Vec<Value> = {
        let mut list = Vec::new();
        for unit in [
            &cast.association,
            &cast.rare_metals,
            &cast.crystals,
            &cast.batteries,
            &cast.university,
        ] {
            list.push(json!({ "organization": unit, "person": app.person_of(unit).await }));
        }
        list
    };
    let elected = app
        .ok(&secretariat, "mutation($r: ID!, $d: [RepresentativeInput!]!) { electDirectors(input: {resolution: $r, directors: $d}) { posts { kind termEnd } } }", json!({ "r": id(&directors_vote, "/recordResolution/resolution/id"), "d": directors }))
        .await;
    assert_eq!(
        elected["electDirectors"]["posts"].as_array().unwrap().len(),
        5
    );
    assert_eq!(
        elected["electDirectors"]["posts"][0]["termEnd"],
        "2031-06-17"
    );
    app.ok(
        &secretariat,
        RESOLVE,
        resolve(
            "NAME_LIABILITY_UNIT",
            "确定对外承担责任的主体",
            None,
            Some(&cast.association),
            9,
        ),
    )
    .await;

    let director_units: Vec<&str> = vec![
        &cast.association,
        &cast.rare_metals,
        &cast.crystals,
        &cast.batteries,
        &cast.university,
    ];
    let council = app
        .ok(&secretariat, r#"mutation($a: ID!, $who: [ID!]!) { holdMeeting(input: {alliance: $a, kind: COUNCIL, title: "第一届理事会第一次会议", heldOn: "2026-06-18", attendees: $who}) { meeting { id bodySize } } }"#, json!({ "a": alliance, "who": director_units }))
        .await;
    let council = id(&council, "/holdMeeting/meeting/id");
    let chair_person = app.person_of(&cast.association).await;
    let council_vote = |kind: &str, person: &str, unit: &str| json!({ "m": council, "k": kind, "s": kind, "p": person, "o": unit, "v": 5 });
    let chair_vote = app
        .ok(
            &secretariat,
            RESOLVE,
            council_vote("ELECT_CHAIR", &chair_person, &cast.association),
        )
        .await;
    let chair = app.ok(&secretariat, "mutation($r: ID!) { electChair(input: {resolution: $r}) { post { kind termStart termEnd decidedHow } } }", json!({ "r": id(&chair_vote, "/recordResolution/resolution/id") })).await;
    assert_eq!(chair["electChair"]["post"]["termStart"], "2026-06-18");
    assert_eq!(
        chair["electChair"]["post"]["termEnd"], "2031-06-17",
        "a five-year term"
    );
    let vice_person = app.person_of(&cast.rare_metals).await;
    let vice_vote = app
        .ok(
            &secretariat,
            RESOLVE,
            council_vote("APPROVE_VICE_CHAIRS", &vice_person, &cast.rare_metals),
        )
        .await;
    app.ok(&secretariat, "mutation($r: ID!, $by: ID!) { approveViceChair(input: {resolution: $r, nominatedBy: $by}) { post { kind } } }", json!({ "r": id(&vice_vote, "/recordResolution/resolution/id"), "by": chair_person }))
        .await;
    let sg_person = app.data("query($o: ID!) { people(filter: {organization: {eq: $o}}, first: 2) { nodes { id } } }", json!({ "o": cast.association })).await["people"]["nodes"][1]["id"].as_str().unwrap().to_owned();
    let nomination = app
        .ok(
            &secretariat,
            RESOLVE,
            council_vote("NOMINATE_SECRETARY_GENERAL", &sg_person, &cast.association),
        )
        .await;
    let election = app
        .ok(
            &secretariat,
            RESOLVE,
            resolve(
                "ELECT_SECRETARY_GENERAL",
                "选举秘书长",
                Some(&sg_person),
                Some(&cast.association),
                9,
            ),
        )
        .await;
    app.ok(
        &secretariat,
        "mutation($n: ID!, $e: ID!) { electSecretaryGeneral(input: {nomination: $n, election: $e}) { post { kind body } } }",
        json!({ "n": id(&nomination, "/recordResolution/resolution/id"), "e": id(&election, "/recordResolution/resolution/id") }),
    )
    .await;

    // … and declares the alliance founded.
    let version = app.version(&alliance).await;
    let founded = app
        .ok(
            &secretariat,
            "mutation($a: ID!, $v: Int!, $m: ID!) { foundAlliance(input: {alliance: $a, expectedVersion: $v, foundingAssembly: $m}) { alliance {
                stage foundedOn charterSignedOn chairUnit { id } liabilityUnit { id }
                stageHistory { toStage } posts(activeOn: \"2026-07-01\") { kind body } workingGroups { kind dissolvedOn } } } }",
            json!({ "a": alliance, "v": version, "m": assembly }),
        )
        .await;
    let a = &founded["foundAlliance"]["alliance"];
    assert_eq!(a["stage"], "FOUNDED");
    assert_eq!(a["foundedOn"], "2026-06-18");
    assert_eq!(a["chairUnit"]["id"], cast.association.as_str());
    assert_eq!(a["liabilityUnit"]["id"], cast.association.as_str());
    let stages: Vec<&str> = a["stageHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["toStage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "INITIATIVE",
            "CONSULTATION",
            "CHARTER_DRAFTING",
            "BODIES_FORMED",
            "FOUNDED"
        ]
    );
    let kinds: Vec<&str> = a["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "CHAIR",
        "VICE_CHAIR",
        "DIRECTOR",
        "SECRETARY_GENERAL",
        "EXPERT",
    ] {
        assert!(
            kinds.contains(&kind),
            "{kind} sits after founding: {kinds:?}"
        );
    }
    assert!(
        !a["posts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["body"] == "PREPARATORY_GROUP"),
        "the preparatory group ends at founding"
    );

    // A joint project: proposed, reviewed by the expert committee, approved, started.
    let proposed = app
        .ok(
            &secretariat,
            r#"mutation($a: ID!, $lead: ID!, $u: ID!) { proposeProject(input: {alliance: $a, code: "YMA-NMAT-II-P1", titleZh: "高纯钽粉联合攻关", kind: JOINT_RND, budget: 12000000,
                participants: [{organization: $lead, role: LEAD}, {organization: $u, role: PARTICIPANT}]}) { project { id stage version } } }"#,
            json!({ "a": alliance, "lead": cast.rare_metals, "u": cast.university }),
        )
        .await;
    let project = id(&proposed, "/proposeProject/project/id");
    let review = app
        .ok(&secretariat, r#"mutation($a: ID!, $who: [ID!]!) { holdMeeting(input: {alliance: $a, kind: EXPERT_REVIEW, title: "专家评审会", heldOn: "2026-07-08", attendees: $who}) { meeting { id } } }"#, json!({ "a": alliance, "who": [expert, outsider] }))
        .await;
    let reviewed = app
        .ok(
            &secretariat,
            r#"mutation($p: ID!, $m: ID!) { reviewProject(input: {project: $p, expectedVersion: 1, meeting: $m, feasibility: "可行", budget: "合理", plan: "明确"}) { project { stage version review { reviewedOn } } } }"#,
            json!({ "p": project, "m": id(&review, "/holdMeeting/meeting/id") }),
        )
        .await;
    assert_eq!(
        reviewed["reviewProject"]["project"]["stage"],
        "UNDER_REVIEW"
    );
    let approved = app.ok(&secretariat, "mutation($p: ID!) { approveProject(input: {project: $p, expectedVersion: 2}) { project { stage } } }", json!({ "p": project })).await;
    assert_eq!(approved["approveProject"]["project"]["stage"], "APPROVED");
    let started = app.ok(&secretariat, "mutation($p: ID!) { startProject(input: {project: $p, expectedVersion: 3}) { project { stage } } }", json!({ "p": project })).await;
    assert_eq!(started["startProject"]["project"]["stage"], "IN_PROGRESS");

    // Everything above is in the audit trail, by the secretariat.
    let trail = app
        .ok(
            &secretariat,
            "{ auditEvents(first: 100) { totalCount nodes { role outcome } } }",
            json!({}),
        )
        .await;
    assert!(trail["auditEvents"]["totalCount"].as_i64().unwrap() > 40);
    assert!(
        trail["auditEvents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["role"] == "SECRETARIAT" && e["outcome"] == "ALLOWED")
    );
}

/// Two enterprises located in `city`, and one outside it.
async fn units_of(app: &TestApp, city: &str) -> (Vec<String>, String) {
    let ids = |data: &Value| -> Vec<String> {
        data["organizations"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let inside = app
        .data("query($c: MunicipalityCode!) { organizations(filter: {kind: {eq: ENTERPRISE}, municipality: {eq: $c}}, first: 2) { nodes { id } } }", json!({ "c": city }))
        .await;
    let outside = app
        .data("query($c: MunicipalityCode!) { organizations(filter: {kind: {eq: ENTERPRISE}, inMetroArea: {eq: true}, not: {municipality: {eq: $c}}}, first: 1) { nodes { id } } }", json!({ "c": city }))
        .await;
    (ids(&inside), ids(&outside).remove(0))
}

const INITIATE: &str = r#"mutation($units: [ID!]!, $convener: ID!) { initiateAlliance(input: {
    code: "SZS-NEW", nameZh: "石嘴山倡议联盟", nameEn: "A Shizuishan initiative", sector: EQUIPMENT,
    initiatingUnits: $units, convener: $convener, formationMode: GOVERNMENT_ORGANISED, date: "2026-11-02" }) {
    alliance { id version formationMode initiativeConfirmedOn registeredBy { code } } } }"#;

#[tokio::test]
async fn a_municipality_registers_an_initiative_of_its_units_and_the_office_confirms_it() {
    let app = TestApp::spawn().await;
    let city = municipality("SHIZUISHAN");
    let (inside, outside) = units_of(&app, "SHIZUISHAN").await;
    assert_eq!(inside.len(), 2);
    let mixed = json!({ "units": [inside[0], outside], "convener": inside[0] });
    let refused = app.query_as(Some(&city), INITIATE, mixed).await;
    assert_refused(&refused, "FORBIDDEN", "units in its territory");

    let registered = app
        .ok(
            &city,
            INITIATE,
            json!({ "units": inside, "convener": inside[0] }),
        )
        .await;
    let a = &registered["initiateAlliance"]["alliance"];
    assert_eq!(a["formationMode"], "GOVERNMENT_ORGANISED");
    assert_eq!(a["registeredBy"]["code"], "SHIZUISHAN");
    assert_eq!(
        a["initiativeConfirmedOn"],
        Value::Null,
        "awaiting the office"
    );
    let alliance = a["id"].as_str().unwrap().to_owned();

    // Until the office confirms it, the preparatory group cannot form. Its convener may be a
    // person of any unit: here someone from a university.
    let convener = app.person_of(&app.org("宁夏大学").await).await;
    let members = json!([{ "organization": inside[1], "person": app.person_of(&inside[1]).await }]);
    let prepare = "mutation($a: ID!, $v: Int!, $p: ID!, $m: [RepresentativeInput!]!) { formPreparatoryGroup(input: {alliance: $a, expectedVersion: $v, convenerPerson: $p, members: $m, date: \"2026-11-20\"}) { alliance { stage posts(kind: CONVENER) { person { id } organization { nameZh } } } } }";
    let early = app
        .query_as(
            Some(&office()),
            prepare,
            json!({ "a": alliance, "v": 1, "p": convener, "m": members }),
        )
        .await;
    assert_eq!(
        early["errors"][0]["extensions"]["rule"], "INITIATIVE_NOT_CONFIRMED",
        "{early}"
    );
    let confirm = "mutation($a: ID!, $v: Int!) { confirmInitiative(input: {alliance: $a, expectedVersion: $v, date: \"2026-11-10\"}) { alliance { initiativeConfirmedOn version } } }";
    let by_city = app
        .query_as(Some(&city), confirm, json!({ "a": alliance, "v": 1 }))
        .await;
    assert_refused(&by_city, "FORBIDDEN", "only the office confirms");
    let confirmed = app
        .ok(&office(), confirm, json!({ "a": alliance, "v": 1 }))
        .await;
    assert_eq!(
        confirmed["confirmInitiative"]["alliance"]["initiativeConfirmedOn"],
        "2026-11-10"
    );
    let again = app
        .query_as(Some(&office()), confirm, json!({ "a": alliance, "v": 2 }))
        .await;
    assert_refused(&again, "CONFLICT", "confirmed on 2026-11-10");

    let formed = app
        .ok(
            &office(),
            prepare,
            json!({ "a": alliance, "v": 2, "p": convener, "m": members }),
        )
        .await;
    let a = &formed["formPreparatoryGroup"]["alliance"];
    assert_eq!(a["stage"], "CONSULTATION");
    assert_eq!(a["posts"][0]["person"]["id"], convener.as_str());
    assert_eq!(a["posts"][0]["organization"]["nameZh"], "宁夏大学");
}
