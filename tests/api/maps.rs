//! Places on a map: positions in WGS-84 and GCJ-02, PUBLIC's park-or-city precision, and the
//! GeoJSON layers dashboards draw.

use serde_json::{Value, json};

use crate::helpers::{TestApp, analyst, assert_refused, error_code, office};

fn distance(a: &Value, b: &Value) -> f64 {
    let d = |k: &str| a[k].as_f64().unwrap() - b[k].as_f64().unwrap();
    (d("longitude").powi(2) + d("latitude").powi(2)).sqrt()
}

#[tokio::test]
async fn demo_units_stand_inside_their_park_in_both_datums() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ enterprises(first: 30, filter: {park: {}}) { nodes {
                location { longitude latitude precision system }
                gcj: location(system: GCJ02) { longitude latitude system }
                park { location { longitude latitude } } } } }",
            json!({}),
        )
        .await;
    let nodes = data["enterprises"]["nodes"].as_array().unwrap();
    let in_park: Vec<&Value> = nodes.iter().filter(|n| !n["park"].is_null()).collect();
    assert!(in_park.len() >= 10);
    for node in in_park {
        assert_eq!(node["location"]["precision"], "EXACT");
        assert!(distance(&node["location"], &node["park"]["location"]) < 0.03);
        let east = node["gcj"]["longitude"].as_f64().unwrap()
            - node["location"]["longitude"].as_f64().unwrap();
        assert!(
            (0.004..0.008).contains(&east),
            "GCJ-02 lies some 500 m east here"
        );
        assert_eq!(node["gcj"]["system"], "GCJ02");
    }
}

#[tokio::test]
async fn the_public_sees_a_member_unit_only_at_its_parks_or_citys_centre() {
    let app = TestApp::spawn().await;
    let public = app
        .query_as(
            None,
            "{ organizations(first: 50) { nodes { nameZh location { longitude latitude precision } } } }",
            json!({}),
        )
        .await;
    let nodes = public["data"]["organizations"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    let parks = app
        .query_as(
            None,
            "{ parks(first: 100) { nodes { location { longitude latitude } } } }",
            json!({}),
        )
        .await;
    let centres: Vec<Value> = parks["data"]["parks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["location"].clone())
        .collect();
    let cities = app
        .query_as(
            None,
            "{ municipalities { nodes { location { longitude latitude } } } }",
            json!({}),
        )
        .await;
    for node in nodes {
        let location = &node["location"];
        let precision = location["precision"].as_str().unwrap();
        assert!(precision == "PARK" || precision == "MUNICIPALITY", "{node}");
        let pool = if precision == "PARK" {
            centres.clone()
        } else {
            cities["data"]["municipalities"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["location"].clone())
                .collect()
        };
        assert!(pool.iter().any(|c| distance(c, location) < 1e-9), "{node}");
    }
}

const UNITS: &str = "query($after: String, $p: [UnitFeatureProperty!]) { organizationsGeoJson(first: 40, after: $after, properties: $p) }";

#[tokio::test]
async fn a_units_layer_is_geojson_with_the_properties_asked_and_pages_on() {
    let app = TestApp::spawn().await;
    let first = app
        .ok(
            &analyst(),
            UNITS,
            json!({ "p": ["ID", "NAME_ZH", "DESIGNATIONS"] }),
        )
        .await["organizationsGeoJson"]
        .clone();
    assert_eq!(first["type"], "FeatureCollection");
    let features = first["features"].as_array().unwrap();
    assert_eq!(features.len(), 40);
    let feature = &features[0];
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["geometry"]["type"], "Point");
    let [lon, lat] = [0, 1].map(|i| feature["geometry"]["coordinates"][i].as_f64().unwrap());
    assert!((105.0..108.0).contains(&lon) && (37.0..40.0).contains(&lat));
    let mut keys: Vec<&String> = feature["properties"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["designations", "id", "nameZh", "precision"]);
    let next = first["next"].as_str().expect("more units than one page");
    let second = app
        .ok(&analyst(), UNITS, json!({ "after": next, "p": ["ID"] }))
        .await["organizationsGeoJson"]
        .clone();
    let ids = |c: &Value| -> Vec<String> {
        c["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (a, b) = (ids(&first), ids(&second));
    assert!(b.iter().all(|id| !a.contains(id)), "pages do not overlap");
    // The position is the unit's own, as its `location` says.
    let node = app
        .ok(&analyst(), "query($id: ID!) { node(id: $id) { ... on Enterprise { location { longitude latitude } } ... on University { location { longitude latitude } } ... on ResearchInstitute { location { longitude latitude } } } }", json!({ "id": a[0] }))
        .await;
    let location = &node["node"]["location"];
    assert_eq!(location["longitude"].as_f64(), Some(lon));
    assert_eq!(location["latitude"].as_f64(), Some(lat));
    let refused = app
        .query_as(
            Some(&analyst()),
            "{ organizationsGeoJson(first: 50001) }",
            json!({}),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "50000");
}

#[tokio::test]
async fn the_public_layer_holds_member_units_at_park_precision_without_designations() {
    let app = TestApp::spawn().await;
    let answer = app
        .query_as(
            None,
            "{ organizationsGeoJson(properties: [ID, NAME_ZH, PARK]) }",
            json!({}),
        )
        .await;
    let features = answer["data"]["organizationsGeoJson"]["features"]
        .as_array()
        .unwrap();
    let listed = app
        .query_as(
            None,
            "{ organizations(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        json!(features.len()),
        listed["data"]["organizations"]["totalCount"]
    );
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["precision"] != "EXACT")
    );
    let refused = app
        .query_as(
            None,
            "{ organizationsGeoJson(properties: [DESIGNATIONS]) }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused).as_deref(), Some("FORBIDDEN"));
    let parks = app
        .query_as(None, "{ parksGeoJson(system: GCJ02) }", json!({}))
        .await;
    let parks = parks["data"]["parksGeoJson"]["features"]
        .as_array()
        .unwrap();
    assert_eq!(parks.len(), 13);
    assert!(parks.iter().all(|p| p["properties"]["levelZh"].is_string()));
}

#[tokio::test]
async fn a_density_layer_shows_the_protected_statistic_at_each_city() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(
            &analyst(),
            "{ densityGeoJson(level: MUNICIPALITY, by: ANNUAL_REVENUE)
               enterpriseStats(groupBy: [MUNICIPALITY]) { key { value } suppressed annualRevenue { sum } } }",
            json!({}),
        )
        .await;
    let features = data["densityGeoJson"]["features"].as_array().unwrap();
    assert_eq!(features.len(), 4, "the three cities and the base");
    for feature in features {
        let props = &feature["properties"];
        let cell = data["enterpriseStats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"][0]["value"] == props["id"])
            .unwrap();
        assert_eq!(props["suppressed"], cell["suppressed"]);
        assert_eq!(props["value"], cell["annualRevenue"]["sum"]);
        assert_eq!(props["protection"], "PERTURBED");
    }
    let parks = app
        .ok(
            &office(),
            "{ densityGeoJson(level: PARK, year: 2022) }",
            json!({}),
        )
        .await;
    assert!(
        parks["densityGeoJson"]["features"]
            .as_array()
            .unwrap()
            .len()
            >= 10
    );
    let public = app
        .query_as(None, "{ densityGeoJson(level: PARK) }", json!({}))
        .await;
    assert_eq!(error_code(&public).as_deref(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_position_given_in_gcj02_is_stored_in_wgs84_and_one_outside_china_is_refused() {
    let app = TestApp::spawn().await;
    let create = "mutation($l: GeoPointInput) { createOrganization(input: {kind: UNIVERSITY, nameZh: \"宁夏新大学\", municipality: YINCHUAN, location: $l}) { organization { id location { longitude latitude } gcj: location(system: GCJ02) { longitude latitude } } } }";
    let created = app
        .ok(
            &office(),
            create,
            json!({ "l": { "longitude": 106.24, "latitude": 38.49, "system": "GCJ02" } }),
        )
        .await;
    let unit = &created["createOrganization"]["organization"];
    assert!((unit["gcj"]["longitude"].as_f64().unwrap() - 106.24).abs() < 1e-7);
    assert!((unit["gcj"]["latitude"].as_f64().unwrap() - 38.49).abs() < 1e-7);
    assert!(unit["location"]["longitude"].as_f64().unwrap() < 106.24 - 0.004);
    let refused = app
        .query_as(
            Some(&office()),
            create,
            json!({ "l": { "longitude": 2.35, "latitude": 48.85 } }),
        )
        .await;
    assert_refused(&refused, "BAD_USER_INPUT", "outside China");
}
