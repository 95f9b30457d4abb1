//! The alliance agreement (Annex 1 §4): signed by members, naming the liable unit, acceded to by
//! members admitted later.

use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, assert_refused, office},
    rules::{Founded, broken, meeting, resolution},
};

const AGREEMENT: &str = "query($a: ID!) { alliance(id: $a) { agreement { agreementVersion signedOn liableUnit { id } parties { organization { id } tasks acceded_on: accededOn accededOnAdmission } } agreements { agreementVersion } } }";

const SIGN: &str = "mutation($a: ID!, $label: String!, $liable: ID!, $parties: [AgreementPartyInput!]!) { signAgreement(input: {alliance: $a, agreementVersion: $label, signedOn: \"2026-12-01\", liableUnit: $liable, parties: $parties}) { agreement { agreementVersion parties { organization { id } } } } }";

fn parties(units: &[String]) -> Value {
    units
        .iter()
        .map(|u| json!({ "organization": u, "tasks": "联合攻关" }))
        .collect()
}

#[tokio::test]
async fn the_founders_signed_the_agreement_and_a_later_member_acceded() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let data = app.ok(&office(), AGREEMENT, json!({ "a": f.id })).await;
    let a = &data["alliance"]["agreement"];
    assert_eq!(a["agreementVersion"], "v1.0");
    assert_eq!(a["signedOn"], "2020-11-26");
    assert_eq!(a["liableUnit"]["id"], f.association.as_str());
    let parties = a["parties"].as_array().unwrap();
    let acceded: Vec<&Value> = parties
        .iter()
        .filter(|p| p["accededOnAdmission"] == true)
        .collect();
    assert_eq!(acceded.len(), 1);
    assert_eq!(acceded[0]["acceded_on"], "2022-12-09");
    for member in &f.members {
        assert!(
            parties
                .iter()
                .any(|p| p["organization"]["id"] == member.as_str()),
            "every current member is a party"
        );
    }
    let public = app.data_as(None, AGREEMENT, json!({ "a": f.id })).await;
    assert_eq!(public["alliance"]["agreement"], Value::Null);
}

#[tokio::test]
async fn an_agreement_binds_members_and_names_the_unit_the_assembly_named() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let outsider = app.org("天津大学").await;
    let members = &f.members[..3];
    let other = members
        .iter()
        .find(|m| **m != f.association)
        .unwrap()
        .clone();
    let with_association: Vec<String> = std::iter::once(f.association.clone())
        .chain(members.iter().filter(|m| **m != f.association).cloned())
        .collect();
    let cases = [
        (
            json!({ "a": f.id, "label": "v2.0", "liable": f.association, "parties": parties(&[f.association.clone(), outsider.clone()]) }),
            "AGREEMENT_PARTIES_ARE_MEMBERS",
        ),
        (
            json!({ "a": f.id, "label": "v2.0", "liable": f.association, "parties": parties(std::slice::from_ref(&f.association)) }),
            "AGREEMENT_PARTIES_ARE_MEMBERS",
        ),
        (
            json!({ "a": f.id, "label": "v2.0", "liable": other, "parties": parties(&with_association[1..]) }),
            "AGREEMENT_NAMES_LIABLE_UNIT",
        ),
        (
            json!({ "a": f.id, "label": "v2.0", "liable": other, "parties": parties(&with_association) }),
            "AGREEMENT_NAMES_LIABLE_UNIT",
        ),
    ];
    for (variables, rule) in cases {
        assert_eq!(broken(&app, SIGN, variables).await, rule);
    }
    let again = app
        .query_as(Some(&office()), SIGN, json!({ "a": f.id, "label": "v1.0", "liable": f.association, "parties": parties(&with_association) }))
        .await;
    assert_refused(&again, "CONFLICT", "v1.0");
    app.ok(&office(), SIGN, json!({ "a": f.id, "label": "v2.0", "liable": f.association, "parties": parties(&with_association) }))
        .await;
    let data = app.ok(&office(), AGREEMENT, json!({ "a": f.id })).await;
    assert_eq!(
        data["alliance"]["agreement"]["agreementVersion"], "v2.0",
        "the version in force"
    );
    assert_eq!(data["alliance"]["agreements"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_admitted_member_accedes_to_the_agreement_in_force() {
    let app = TestApp::spawn().await;
    let f = Founded::load(&app).await;
    let applied = app
        .data("query($a: ID!) { memberships(filter: {alliance: {eq: $a}, status: {eq: APPLIED}}, first: 10) { nodes { id version organization { id } } } }", json!({ "a": f.id }))
        .await;
    let pending = &applied["memberships"]["nodes"][0];
    let unit = pending["organization"]["id"].as_str().unwrap().to_owned();
    let accede = "mutation($a: ID!, $o: ID!) { accedeToAgreement(input: {alliance: $a, organization: $o, tasks: \"参与标准制定\", date: \"2026-12-01\"}) { party { tasks accededOnAdmission } } }";
    let rule = broken(&app, accede, json!({ "a": f.id, "o": unit })).await;
    assert_eq!(rule, "AGREEMENT_PARTIES_ARE_MEMBERS", "not yet a member");

    let assembly = meeting(&app, &f.id, "GENERAL_ASSEMBLY", &f.members).await;
    let (admit, _) = resolution(
        &app,
        &assembly,
        "ADMIT_MEMBERS",
        None,
        Some(&unit),
        f.members.len(),
    )
    .await;
    app.ok(
        &office(),
        "mutation($m: ID!, $v: Int!, $r: ID!) { decideMembership(input: {membership: $m, expectedVersion: $v, approve: true, resolution: $r}) { membership { status } } }",
        json!({ "m": pending["id"], "v": pending["version"], "r": admit }),
    )
    .await;
    let data = app.ok(&office(), AGREEMENT, json!({ "a": f.id })).await;
    let party = data["alliance"]["agreement"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["organization"]["id"] == unit.as_str())
        .cloned()
        .expect("the new member is a party");
    assert_eq!(party["accededOnAdmission"], true);
    assert_eq!(party["acceded_on"], "2026-12-01");
    let twice = app
        .query_as(Some(&office()), accede, json!({ "a": f.id, "o": unit }))
        .await;
    assert_refused(&twice, "CONFLICT", "already a party");
}
