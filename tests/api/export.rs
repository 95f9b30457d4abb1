//! Exports as department systems and clerks meet them: `GET /export/{dataset}` with a token, and
//! `alliance-hub export`; the files read back with a CSV reader and a spreadsheet reader, and
//! every role's file shows exactly what that role's GraphQL answer shows.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    As, TestApp, analyst, department, error_code, municipality, office, secretariat,
};

/// The NDJSON export of a dataset as objects keyed by their `id`.
async fn ndjson(app: &TestApp, who: &As, dataset: &str) -> HashMap<String, Value> {
    let (status, media, body) = app
        .download(Some(who), &format!("/export/{dataset}?format=ndjson"))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(media, "application/x-ndjson");
    String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            (row["id"].as_str().unwrap().to_owned(), row)
        })
        .collect()
}

/// Every node of a GraphQL list, paging through it.
async fn all_nodes(app: &TestApp, who: &As, root: &str, fields: &str) -> Vec<Value> {
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let query = format!(
            "query($after: String) {{ {root}(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id {fields} }} }} }}"
        );
        let data = app.ok(who, &query, json!({ "after": after })).await;
        let page = &data[root];
        nodes.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn an_organizations_csv_opens_in_excel_with_chinese_headers_and_every_unit() {
    let app = TestApp::spawn().await;
    let (status, media, body) = app
        .download(
            Some(&office()),
            "/export/organizations?format=csv&headers=zh",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "text/csv; charset=utf-8");
    assert!(
        body.starts_with(b"\xEF\xBB\xBF"),
        "a UTF-8 byte-order mark for Excel"
    );
    let mut reader = csv::Reader::from_reader(&body[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &headers[..4],
        ["编号", "统一社会信用代码", "单位类型", "单位名称"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let units = all_nodes(&app, &office(), "organizations", "nameZh").await;
    assert_eq!(rows.len(), units.len());
    let revenue = headers.iter().position(|h| h == "营业收入").unwrap();
    assert!(
        rows.iter().any(|r| !r[revenue].is_empty()),
        "the office reads enterprises' revenue"
    );
    let names: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
    for unit in &units {
        assert!(names.contains(&unit["nameZh"].as_str().unwrap()));
    }
}

/// One decision: for every role, each exported value is the value its GraphQL object shows
/// (withheld fields empty, contacts masked alike).
#[tokio::test]
async fn each_role_exports_exactly_what_its_graphql_answers_show() {
    let app = TestApp::spawn().await;
    let nmat = app.alliance_id("YMA-NMAT").await;
    let roles = [
        office(),
        department("DST"),
        department("TAX"),
        municipality("SHIZUISHAN"),
        secretariat(&nmat),
        analyst(),
    ];
    // (dataset, GraphQL root, the GraphQL field and export key pairs compared)
    type Pairs = &'static [(&'static str, &'static str)];
    let checks: [(&str, &str, Pairs); 4] = [
        (
            "organizations",
            "enterprises",
            &[
                ("annualRevenue", "annual_revenue"),
                ("rndSpend", "rnd_spend"),
                ("taxPaid", "tax_paid"),
                ("uscc", "uscc"),
            ],
        ),
        (
            "people",
            "people",
            &[("phone", "phone"), ("email", "email")],
        ),
        (
            "support-measures",
            "supportMeasures",
            &[("amount", "amount")],
        ),
        (
            "supply-links",
            "supplyLinks",
            &[("annualValue", "annual_value")],
        ),
    ];
    for who in &roles {
        for (dataset, root, pairs) in checks {
            let fields: Vec<&str> = pairs.iter().map(|(field, _)| *field).collect();
            let nodes = all_nodes(&app, who, root, &fields.join(" ")).await;
            let exported = ndjson(&app, who, dataset).await;
            for node in &nodes {
                let id = node["id"].as_str().unwrap();
                let row = exported
                    .get(id)
                    .unwrap_or_else(|| panic!("{who:?}: {id} is missing from {dataset}"));
                for (field, key) in pairs.iter() {
                    assert_eq!(
                        row[*key], node[*field],
                        "{who:?} {dataset} {id}: {key} exported as {} where GraphQL shows {}",
                        row[*key], node[*field]
                    );
                }
            }
            if root != "enterprises" {
                assert_eq!(exported.len(), nodes.len(), "{who:?}: {dataset}");
            }
        }
    }
}

#[tokio::test]
async fn an_xlsx_export_reads_back_as_the_same_rows_as_the_csv() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::spawn().await;
    let (status, media, body) = app
        .download(
            Some(&municipality("YINCHUAN")),
            "/export/support-measures?format=xlsx",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        media,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).unwrap();
    let sheet = workbook.worksheet_range("support-measures").unwrap();
    let sheet_rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(n) => n.to_string(),
                    Data::Bool(b) => b.to_string(),
                    // Excel counts days from 1899-12-30.
                    Data::DateTime(d) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                        + chrono::Days::new(d.as_f64() as u64))
                    .to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();

    let (_, _, csv_body) = app
        .download(Some(&municipality("YINCHUAN")), "/export/support-measures")
        .await;
    let mut reader = csv::Reader::from_reader(&csv_body[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(sheet_rows[0], header);
    assert_eq!(&sheet_rows[1..], &csv_rows[..]);
    let amount = header.iter().position(|h| h == "amount").unwrap();
    let city = header.iter().position(|h| h == "municipality").unwrap();
    for row in &csv_rows {
        assert_eq!(
            row[amount].is_empty(),
            row[city] != "YINCHUAN",
            "Yinchuan reads the amounts of its own measures only: {row:?}"
        );
    }
}

#[tokio::test]
async fn an_export_needs_a_token_a_known_dataset_and_format() {
    let app = TestApp::spawn().await;
    let refused = [
        (
            None,
            "/export/organizations",
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
        ),
        (
            Some(office()),
            "/export/contracts",
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            Some(office()),
            "/export/organizations?format=pdf",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            Some(office()),
            "/export/organizations?limit=5",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ];
    for (who, path, status, code) in refused {
        let (got, _, body) = app.download(who.as_ref(), path).await;
        assert_eq!(got, status, "{path}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error_code(&body).as_deref(), Some(code), "{path}: {body}");
    }
    // A forged token is refused like at /graphql.
    let forged = app
        .client()
        .get(format!("{}/export/people", app.url))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_audit_export_shows_a_role_its_own_events_with_secrets_withheld() {
    let app = TestApp::spawn().await;
    let dst = department("DST");
    let unit = app
        .ok(
            &office(),
            "{ enterprises(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["enterprises"]["nodes"][0]["id"]
        .clone();
    app.ok(
        &dst,
        "mutation($b: ID!) { createSupportMeasure(input: {department: DST, kind: RND_FUND, title: \"导出测试\", beneficiaryOrganization: $b, amount: 7777777, grantedOn: \"2026-11-01\"}) { supportMeasure { id } } }",
        json!({ "b": unit }),
    )
    .await;
    app.ok(
        &office(),
        "mutation($b: ID!) { createSupportMeasure(input: {department: DOC, kind: MARKET_EXPANSION, title: \"办公室录入\", beneficiaryOrganization: $b, amount: 1000, grantedOn: \"2026-11-02\"}) { supportMeasure { id } } }",
        json!({ "b": unit }),
    )
    .await;
    let theirs = ndjson(&app, &dst, "audit-events").await;
    assert!(!theirs.is_empty());
    let subject = crate::helpers::claims(&dst).sub;
    assert!(theirs.values().all(|e| e["actor"] == subject.as_str()));
    let everyone = ndjson(&app, &office(), "audit-events").await;
    assert!(everyone.len() > theirs.len());
    let others = ndjson(&app, &department("DOC"), "audit-events").await;
    assert!(!format!("{others:?}").contains("7777777"));
    assert!(
        format!("{theirs:?}").contains("7777777"),
        "DST reads its own measure"
    );
}

#[tokio::test]
async fn the_command_line_writes_an_export_file_as_the_office() {
    use clap::Parser;
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memberships.ndjson");
    let cli = alliance_hub::cli::Cli::try_parse_from([
        "alliance-hub",
        "--database-url",
        &app.database_url,
        "export",
        "memberships",
        "--format",
        "ndjson",
        "--output",
        path.to_str().unwrap(),
    ])
    .unwrap();
    alliance_hub::cli::run(cli).await.unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    let memberships = all_nodes(&app, &office(), "memberships", "status").await;
    assert_eq!(written.lines().count(), memberships.len());
    assert!(
        written.contains("COUNCIL/"),
        "posts travel with their memberships"
    );

    // An existing file is never overwritten.
    let again = alliance_hub::cli::Cli::try_parse_from([
        "alliance-hub",
        "--database-url",
        &app.database_url,
        "export",
        "memberships",
        "--output",
        path.to_str().unwrap(),
    ])
    .unwrap();
    assert!(alliance_hub::cli::run(again).await.is_err());
}
