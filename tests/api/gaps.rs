//! Chain-gap targeting: demand met inside and outside the area, gaps, outside suppliers and
//! location quotients.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, assert_refused, error_code, office};

const GAPS: &str =
    "query($s: SectorCode!, $share: Float! = 0.5) { chainGaps(sector: $s, gapShare: $share) {
    segment { code }
    fromInside { links customers value } fromOutside { links customers value }
    outsideShare isGap singleSourceCustomers
    outsideSuppliers { customers links organization { nameZh municipality { code } } }
    locationQuotients { municipality { code } enterprises quotient } } }";

fn links(gap: &Value, side: &str) -> i64 {
    gap[side]["links"].as_i64().unwrap()
}

#[tokio::test]
async fn the_areas_demand_per_segment_is_split_between_inside_and_outside_suppliers() {
    let app = TestApp::spawn().await;
    for sector in ["EQUIPMENT", "CHEMICALS", "NEW_MATERIALS"] {
        let data = app.ok(&analyst(), GAPS, json!({ "s": sector })).await;
        let gaps = data["chainGaps"].as_array().unwrap();
        let flows = app
            .ok(
                &analyst(),
                "query($s: SectorCode!) { sector(code: $s) { segments { code } }
                   crossMunicipalityFlows(sector: $s) { supplierMunicipality { code } customerMunicipality { code } links } }",
                json!({ "s": sector }),
            )
            .await;
        assert_eq!(
            gaps.len(),
            flows["sector"]["segments"].as_array().unwrap().len()
        );
        let sum = |inside: bool| -> i64 {
            flows["crossMunicipalityFlows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| !f["customerMunicipality"].is_null())
                .filter(|f| f["supplierMunicipality"].is_null() != inside)
                .map(|f| f["links"].as_i64().unwrap())
                .sum()
        };
        let inside: i64 = gaps.iter().map(|g| links(g, "fromInside")).sum();
        let outside: i64 = gaps.iter().map(|g| links(g, "fromOutside")).sum();
        assert_eq!((inside, outside), (sum(true), sum(false)), "{sector}");
        for gap in gaps {
            assert!(
                gap["fromInside"]["value"].is_null(),
                "values are for the office"
            );
            let total = links(gap, "fromInside") + links(gap, "fromOutside");
            match gap["outsideShare"].as_f64() {
                Some(share) => {
                    assert!((share - links(gap, "fromOutside") as f64 / total as f64).abs() < 1e-9);
                    assert_eq!(gap["isGap"], share > 0.5);
                }
                None => assert_eq!(total, 0),
            }
            for supplier in gap["outsideSuppliers"].as_array().unwrap() {
                assert!(
                    supplier["organization"]["municipality"].is_null(),
                    "outside the area"
                );
            }
        }
    }
    let outside_anywhere = app
        .ok(
            &analyst(),
            GAPS,
            json!({ "s": "NEW_MATERIALS", "share": 0.0 }),
        )
        .await;
    for gap in outside_anywhere["chainGaps"].as_array().unwrap() {
        assert_eq!(gap["isGap"], links(gap, "fromOutside") > 0);
    }
}

#[tokio::test]
async fn location_quotients_compare_a_citys_share_with_the_areas() {
    let app = TestApp::spawn().await;
    let mut cells: Vec<(String, String, i64, Option<f64>)> = Vec::new();
    for sector in ["EQUIPMENT", "CHEMICALS", "NEW_MATERIALS"] {
        let data = app.ok(&analyst(), GAPS, json!({ "s": sector })).await;
        for gap in data["chainGaps"].as_array().unwrap() {
            for q in gap["locationQuotients"].as_array().unwrap() {
                cells.push((
                    gap["segment"]["code"].as_str().unwrap().to_owned(),
                    q["municipality"]["code"].as_str().unwrap().to_owned(),
                    q["enterprises"].as_i64().unwrap(),
                    q["quotient"].as_f64(),
                ));
            }
        }
    }
    let mut per_city: HashMap<&str, i64> = HashMap::new();
    let mut per_segment: HashMap<&str, i64> = HashMap::new();
    for (segment, city, n, _) in &cells {
        *per_city.entry(city).or_default() += n;
        *per_segment.entry(segment).or_default() += n;
    }
    let area: i64 = per_city.values().sum();
    assert!(area > 0);
    let mut specialised = 0;
    for (segment, city, n, quotient) in &cells {
        let expected = (*n as f64 / per_city[city.as_str()] as f64)
            / (per_segment[segment.as_str()] as f64 / area as f64);
        match quotient {
            Some(q) => {
                assert!((q - expected).abs() < 1e-9, "{segment} in {city}");
                if *q > 1.0 {
                    specialised += 1;
                }
            }
            None => assert_eq!(per_segment[segment.as_str()], 0),
        }
    }
    assert!(specialised > 0);
}

#[tokio::test]
async fn link_values_of_the_gaps_are_the_offices_and_the_public_sees_none() {
    let app = TestApp::spawn().await;
    let data = app.ok(&office(), GAPS, json!({ "s": "CHEMICALS" })).await;
    assert!(
        data["chainGaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["fromInside"]["value"].is_i64())
    );
    let public = app.query_as(None, GAPS, json!({ "s": "CHEMICALS" })).await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
    let refused = app
        .query_as(
            Some(&analyst()),
            GAPS,
            json!({ "s": "CHEMICALS", "share": 1.5 }),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "gapShare");
}
