//! Networks: alliances tied by shared members, institutions tied to enterprises by projects.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use crate::helpers::{TestApp, analyst, assert_refused, error_code};

#[tokio::test]
async fn alliances_are_tied_by_exactly_the_active_members_they_share() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ allianceNetwork { first { code } second { code } sharedMembers }
               memberships(first: 100, filter: {status: {eq: ACTIVE}}) { nodes { alliance { code } organization { id } } } }",
            json!({}),
        )
        .await;
    let mut members: HashMap<String, HashSet<String>> = HashMap::new();
    for m in data["memberships"]["nodes"].as_array().unwrap() {
        members
            .entry(m["alliance"]["code"].as_str().unwrap().to_owned())
            .or_default()
            .insert(m["organization"]["id"].as_str().unwrap().to_owned());
    }
    let mut expected = Vec::new();
    let codes: Vec<&String> = members.keys().collect();
    for (i, a) in codes.iter().enumerate() {
        for b in &codes[i + 1..] {
            let shared = members[*a].intersection(&members[*b]).count();
            if shared > 0 {
                let mut pair = [a.as_str(), b.as_str()];
                pair.sort();
                expected.push((pair, shared as i64));
            }
        }
    }
    let mut found: Vec<([&str; 2], i64)> = data["allianceNetwork"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut pair = [
                t["first"]["code"].as_str().unwrap(),
                t["second"]["code"].as_str().unwrap(),
            ];
            pair.sort();
            (pair, t["sharedMembers"].as_i64().unwrap())
        })
        .collect();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
}

#[tokio::test]
async fn institutions_and_enterprises_are_tied_by_the_projects_they_share() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ collaborationNetwork { projects firstYear lastYear
                 institution { __typename id } enterprise { __typename id } }
               projects(first: 100) { nodes { proposedOn participants { organization { __typename id } } } } }",
            json!({}),
        )
        .await;
    let mut expected: HashMap<(String, String), i64> = HashMap::new();
    for project in data["projects"]["nodes"].as_array().unwrap() {
        let units: Vec<(&str, &str)> = project["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["organization"]["__typename"].as_str().unwrap(),
                    p["organization"]["id"].as_str().unwrap(),
                )
            })
            .collect();
        for (kind, institution) in &units {
            if *kind != "University" && *kind != "ResearchInstitute" {
                continue;
            }
            for (other, enterprise) in &units {
                if *other == "Enterprise" {
                    *expected
                        .entry((institution.to_string(), enterprise.to_string()))
                        .or_default() += 1;
                }
            }
        }
    }
    let ties = data["collaborationNetwork"].as_array().unwrap();
    assert!(
        !ties.is_empty(),
        "the demo's projects join institutes and enterprises"
    );
    assert_eq!(ties.len(), expected.len().min(100));
    for tie in ties {
        let key = (
            tie["institution"]["id"].as_str().unwrap().to_owned(),
            tie["enterprise"]["id"].as_str().unwrap().to_owned(),
        );
        assert_eq!(
            tie["projects"].as_i64(),
            expected.get(&key).copied(),
            "{tie}"
        );
        assert!(tie["firstYear"].as_i64() <= tie["lastYear"].as_i64());
    }
    let public = app
        .query_as(None, "{ collaborationNetwork { projects } }", json!({}))
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
    let refused = app
        .query_as(
            Some(&analyst()),
            "{ allianceNetwork(first: 0) { sharedMembers } }",
            json!({}),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "between 1 and 1000");
}
