//! Graph export for analysts' tools: `GET /export/graph/{view}` and `alliance-hub export
//! …-graph`, in GraphML, CSV node and edge lists and JSON Graph, with link values withheld below
//! the office.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, office};

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[tokio::test]
async fn a_sectors_chain_exports_alike_in_every_format_with_values_for_the_office_only() {
    let app = TestApp::spawn().await;
    let path = "/export/graph/sector?sector=CHEMICALS";
    let (status, media, body) = app
        .download(Some(&analyst()), &format!("{path}&format=json"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/json");
    let graph: Value = serde_json::from_slice(&body).unwrap();
    let nodes = graph["graph"]["nodes"].as_object().unwrap();
    let edges = graph["graph"]["edges"].as_array().unwrap();
    assert!(edges.len() > 10);
    // The same links the API counts for the sector.
    let flows = app
        .ok(
            &analyst(),
            "{ crossMunicipalityFlows(sector: CHEMICALS) { links } }",
            json!({}),
        )
        .await;
    let links: i64 = flows["crossMunicipalityFlows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["links"].as_i64().unwrap())
        .sum();
    assert_eq!(edges.len() as i64, links);
    let ends: HashSet<&str> = edges
        .iter()
        .flat_map(|e| [e["source"].as_str().unwrap(), e["target"].as_str().unwrap()])
        .collect();
    assert_eq!(ends.len(), nodes.len(), "every node is an end of a link");
    assert!(edges.iter().all(|e| e["metadata"]["annualValue"].is_null()));
    assert!(nodes.values().all(|n| n["label"].is_string()));

    let (_, media, xml) = app
        .download(Some(&analyst()), &format!("{path}&format=graphml"))
        .await;
    assert_eq!(media, "application/graphml+xml");
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<node ").count(), nodes.len());
    assert_eq!(xml.matches("<edge ").count(), edges.len());
    assert!(!xml.contains("e_annualValue\">"));

    let (_, _, node_list) = app
        .download(Some(&analyst()), &format!("{path}&format=nodes-csv"))
        .await;
    let (_, _, edge_list) = app
        .download(Some(&analyst()), &format!("{path}&format=edges-csv"))
        .await;
    assert_eq!(csv_rows(&node_list).len(), nodes.len());
    let edge_rows = csv_rows(&edge_list);
    assert_eq!(edge_rows.len(), edges.len());
    assert!(
        edge_rows.iter().all(|r| r.get(6) == Some("")),
        "annualValue withheld"
    );

    let (_, _, exact) = app
        .download(Some(&office()), &format!("{path}&format=json"))
        .await;
    let exact: Value = serde_json::from_slice(&exact).unwrap();
    assert!(
        exact["graph"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["metadata"]["annualValue"].is_i64())
    );
}

#[tokio::test]
async fn a_units_neighbourhood_exports_the_links_chain_neighborhood_walks() {
    let app = TestApp::spawn().await;
    let start = app.leader("CHEM-03").await;
    let walked = app
        .ok(
            &analyst(),
            "query($id: ID!) { chainNeighborhood(organizationId: $id, direction: DOWNSTREAM, maxDepth: 2) { edges { link { id } } } }",
            json!({ "id": start }),
        )
        .await;
    let links = walked["chainNeighborhood"]["edges"]
        .as_array()
        .unwrap()
        .len();
    let (status, _, body) = app.download(Some(&analyst()),
        &format!(
            "/export/graph/neighborhood?from={start}&direction=DOWNSTREAM&maxDepth=2&format=json"
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let graph: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(graph["graph"]["edges"].as_array().unwrap().len(), links);
    let depths: Vec<i64> = graph["graph"]["nodes"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n["metadata"]["depth"].as_i64().unwrap())
        .collect();
    assert_eq!(depths.iter().filter(|d| **d == 0).count(), 1, "the start");
    assert!(depths.iter().all(|d| (0..=2).contains(d)));
}

#[tokio::test]
async fn a_graph_export_needs_a_token_and_sound_parameters() {
    let app = TestApp::spawn().await;
    let (status, _, _) = app
        .download(None, "/export/graph/sector?sector=CHEMICALS")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for (path, words) in [
        ("/export/graph/sector?sector=STEEL", "unknown sector"),
        ("/export/graph/sector", "needs `sector`"),
        (
            "/export/graph/sector?sector=CHEMICALS&format=pdf",
            "unknown graph format",
        ),
        (
            "/export/graph/sector?sector=CHEMICALS&color=red",
            "unknown parameter",
        ),
        ("/export/graph/neighborhood?from=nope", "not a valid id"),
        ("/export/graph/galaxy", "unknown graph"),
    ] {
        let (status, _, body) = app.download(Some(&analyst()), path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(String::from_utf8_lossy(&body).contains(words), "{path}");
    }
}

#[tokio::test]
async fn the_command_line_writes_a_graphml_file() {
    use clap::Parser;
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("equipment.graphml");
    let cli = alliance_hub::cli::Cli::try_parse_from([
        "alliance-hub",
        "--database-url",
        &app.database_url,
        "export",
        "sector-graph",
        "--sector",
        "EQUIPMENT",
        "--output",
        path.to_str().unwrap(),
    ])
    .unwrap();
    alliance_hub::cli::run(cli).await.unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("<graph id=\"sector-EQUIPMENT\" edgedefault=\"directed\">"));
    assert!(
        written.contains("e_annualValue\">"),
        "the operator acts as the office"
    );
}
