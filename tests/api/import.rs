//! Imports as a department clerk and a department system meet them: a real spreadsheet (written
//! with an XLSX writer, read back with a spreadsheet reader) and CSV files posted to
//! `/import/{dataset}`, checked row by row, written all at once or not at all, through the
//! mutations' own rules and audit trail.

use alliance_hub::domain::uscc::Uscc;
use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use crate::helpers::{As, TestApp, department, error_code, municipality, office, secretariat};

/// A valid USCC of a Yinchuan enterprise that is not in the demo data.
fn new_uscc(n: u32) -> String {
    Uscc::complete(&format!("916401000{n:08}"))
        .unwrap()
        .as_str()
        .to_owned()
}

/// A spreadsheet as a clerk would make it: one sheet, a header row, text cells.
fn spreadsheet(rows: &[&[&str]]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn csv_file(rows: &[&[&str]]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(*row).unwrap();
    }
    writer.into_inner().unwrap()
}

/// Posts a file; answers the status and the body (JSON, or the raw bytes of a spreadsheet).
async fn post(app: &TestApp, who: Option<&As>, path: &str, file: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let mut request = app.client().post(format!("{}{path}", app.url)).body(file);
    if let Some(who) = who {
        request = request.bearer_auth(app.token(who));
    }
    let answer = request.send().await.unwrap();
    (answer.status(), answer.bytes().await.unwrap().to_vec())
}

async fn report(app: &TestApp, who: &As, path: &str, file: Vec<u8>) -> (StatusCode, Value) {
    let (status, body) = post(app, Some(who), path, file).await;
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{status}: {}", String::from_utf8_lossy(&body)));
    (status, body)
}

async fn organization_count(app: &TestApp) -> i64 {
    app.ok(&office(), "{ organizations { totalCount } }", json!({}))
        .await["organizations"]["totalCount"]
        .as_i64()
        .unwrap()
}

fn problem_rows(report: &Value) -> Vec<i64> {
    let mut rows: Vec<i64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["row"].as_i64().unwrap())
        .collect();
    rows.dedup();
    rows
}

const HEADER: &[&str] = &[
    "统一社会信用代码",
    "单位类型",
    "单位名称",
    "所在市",
    "产业链环节",
    "企业规模",
    "从业人员",
    "营业收入",
    "成立年份",
    "行业代码",
];

#[tokio::test]
async fn a_clerks_spreadsheet_is_checked_row_by_row_and_written_only_when_every_row_is_valid() {
    let app = TestApp::spawn().await;
    let before = organization_count(&app).await;
    let good = new_uscc(1);
    // Full-width digits, as a Chinese input method types them.
    let full_width: String = new_uscc(2)
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    let mut bad_check = new_uscc(3);
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '1' { '2' } else { '1' });
    let segment = app
        .ok(
            &office(),
            "{ sectors { nodes { segments { code } } } }",
            json!({}),
        )
        .await["sectors"]["nodes"][0]["segments"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let rows: Vec<Vec<String>> = vec![
        HEADER.iter().map(|h| h.to_string()).collect(),
        // 2: valid, with Chinese labels for codes
        vec![
            &good,
            "企业",
            "宁夏导入测试装备有限公司",
            "银川市",
            &segment,
            "中型",
            "230",
            "58000000",
            "2015",
            "C3411",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        // 3: valid, full-width USCC
        vec![
            &full_width,
            "ENTERPRISE",
            "宁夏全角测试材料有限公司",
            "YINCHUAN",
            &segment,
            "SMALL",
            "40",
            "9000000",
            "2019",
            "C3099",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        // 4: wrong check character
        vec![
            &bad_check,
            "企业",
            "校验位错误公司",
            "银川市",
            &segment,
            "小型",
            "10",
            "100",
            "2020",
            "C3099",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        // 5: the same unit as row 2
        vec![
            &good,
            "企业",
            "宁夏导入测试装备有限公司",
            "银川市",
            &segment,
            "中型",
            "230",
            "58000000",
            "2015",
            "C3411",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        // 6: an unknown segment and a revenue that is not a number
        vec![
            &new_uscc(4),
            "企业",
            "环节未知公司",
            "银川市",
            "NO-SUCH",
            "小型",
            "10",
            "一百万",
            "2020",
            "C3099",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        // 7: an enterprise without its profile facts (the mutation's own check)
        vec![
            &new_uscc(5),
            "企业",
            "缺少规模公司",
            "银川市",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    ];
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let cells: Vec<&[&str]> = cells.iter().map(Vec::as_slice).collect();
    let file = spreadsheet(&cells);

    let (status, checked) = report(&app, &office(), "/import/organizations", file.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{checked}");
    assert_eq!(checked["applied"], false);
    assert_eq!(checked["rows"], 6);
    assert_eq!(problem_rows(&checked), vec![4, 5, 6, 7], "{checked}");
    let problems = checked["problems"].as_array().unwrap();
    let of = |row: i64| -> Vec<&Value> { problems.iter().filter(|p| p["row"] == row).collect() };
    assert_eq!(of(4)[0]["column"], "统一社会信用代码");
    assert!(
        of(4)[0]["message"]
            .as_str()
            .unwrap()
            .contains("check character")
    );
    assert_eq!(of(5)[0]["code"], "CONFLICT");
    assert!(of(5)[0]["message"].as_str().unwrap().contains("row 2"));
    let row6: Vec<&str> = of(6)
        .iter()
        .map(|p| p["column"].as_str().unwrap())
        .collect();
    assert_eq!(row6, ["产业链环节", "营业收入"]);
    assert_eq!(of(7)[0]["code"], "BAD_USER_INPUT");
    assert!(of(7)[0]["message"].as_str().unwrap().contains("scale"));

    // Asked to apply, a file with a problem writes nothing.
    let (status, refused) = report(
        &app,
        &office(),
        "/import/organizations?apply=true",
        file.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["applied"], false);
    assert_eq!(organization_count(&app).await, before);

    // The spreadsheet report: the rows as sent and an errors column, filled exactly where a
    // row has a problem.
    let (status, sheet) = post(
        &app,
        Some(&office()),
        "/import/organizations?report=xlsx",
        file,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let sheet = read_sheet(sheet);
    assert_eq!(sheet[0].last().unwrap(), "errors");
    for (r, row) in sheet.iter().enumerate().skip(1) {
        assert_eq!(
            row.last().unwrap().is_empty(),
            r + 1 == 2 || r + 1 == 3,
            "row {}: {row:?}",
            r + 1
        );
    }

    // The clerk deletes the bad rows and sends the file again: both units are written, through
    // the mutation's audit trail and change feed.
    let fixed = spreadsheet(&cells[..3]);
    let (status, written) =
        report(&app, &office(), "/import/organizations?apply=true", fixed).await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written["applied"], true);
    assert_eq!(written["created"], 2);
    assert_eq!(organization_count(&app).await, before + 2);
    let found = app
        .ok(
            &office(),
            "query($u: String!) { organizationByUscc(uscc: $u) { nameZh municipality { code } ... on Enterprise { scale annualRevenue } } }",
            json!({ "u": new_uscc(2) }),
        )
        .await;
    assert_eq!(
        found["organizationByUscc"]["nameZh"],
        "宁夏全角测试材料有限公司"
    );
    assert_eq!(found["organizationByUscc"]["scale"], "SMALL");
    assert_eq!(found["organizationByUscc"]["annualRevenue"], 9000000);
    let trail = app
        .ok(
            &office(),
            "{ auditEvents(first: 100, filter: {operation: {eq: \"importOrganizations\"}}) { totalCount } changes(first: 100, types: [ORGANIZATION]) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        trail["auditEvents"]["totalCount"], 4,
        "unit and profile, twice"
    );
    assert_eq!(trail["changes"]["totalCount"], 2, "one change per unit");
}

fn read_sheet(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// An office export, imported back as it is (CSV with Chinese headers, and XLSX), changes
/// nothing: every row is recognised by its USCC and found equal.
#[tokio::test]
async fn an_exported_file_imports_back_without_a_change() {
    let app = TestApp::spawn().await;
    for path in [
        "/export/organizations?headers=zh",
        "/export/organizations?format=xlsx",
    ] {
        let exported = app
            .client()
            .get(format!("{}{path}", app.url))
            .bearer_auth(app.token(&office()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let (status, checked) = report(&app, &office(), "/import/organizations", exported).await;
        assert_eq!(status, StatusCode::OK, "{path}: {checked}");
        assert_eq!(checked["unchanged"], checked["rows"], "{path}: {checked}");
        assert_eq!(checked["created"], 0);
        assert_eq!(checked["updated"], 0);
    }
}

/// Each row goes through the mutation's permission: a city imports units of its territory, a
/// department its own support measures, a secretariat applications to its alliance.
#[tokio::test]
async fn each_row_is_allowed_or_refused_as_its_mutation_would_be() {
    let app = TestApp::spawn().await;
    let units = csv_file(&[
        &["uscc", "kind", "name_zh", "municipality", "region_code"],
        &[
            &new_uscc(10),
            "UNIVERSITY",
            "银川导入测试学院",
            "YINCHUAN",
            "",
        ],
        &[
            &new_uscc(11),
            "UNIVERSITY",
            "吴忠导入测试学院",
            "WUZHONG",
            "",
        ],
    ]);
    let (status, checked) = report(
        &app,
        &municipality("YINCHUAN"),
        "/import/organizations?apply=true",
        units.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_rows(&checked), vec![3]);
    assert_eq!(checked["problems"][0]["code"], "FORBIDDEN");
    let (_, by_department) = report(&app, &department("DST"), "/import/organizations", units).await;
    assert_eq!(problem_rows(&by_department), vec![2, 3]);

    let unit = new_uscc(10);
    let measures = csv_file(&[
        &[
            "department",
            "kind",
            "title",
            "beneficiary_uscc",
            "amount",
            "granted_on",
        ],
        &["DST", "RND_FUND", "导入研发资金", "", "500000", "2026/10/8"],
        &[
            "DOC",
            "MARKET_EXPANSION",
            "他人的措施",
            "",
            "1000",
            "2026-10-08",
        ],
        &[
            "DST",
            "TALENT",
            "受益单位不存在",
            &unit,
            "1000",
            "2026-10-08",
        ],
    ]);
    let (_, checked) = report(
        &app,
        &department("DST"),
        "/import/support-measures",
        measures,
    )
    .await;
    assert_eq!(problem_rows(&checked), vec![2, 3, 4], "{checked}");
    let codes: Vec<&str> = checked["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["BAD_USER_INPUT", "FORBIDDEN", "BAD_USER_INPUT"],
        "{checked}"
    );
    // Sent twice, a measure is recorded once: the second time it is a conflict.
    let once = csv_file(&[
        &[
            "department",
            "kind",
            "title",
            "amount",
            "granted_on",
            "beneficiary_alliance",
        ],
        &[
            "DST",
            "RND_FUND",
            "导入研发资金",
            "500000",
            "2026-10-08",
            "YMA-NMAT",
        ],
    ]);
    let (status, first) = report(
        &app,
        &department("DST"),
        "/import/support-measures?apply=true",
        once.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, again) = report(&app, &department("DST"), "/import/support-measures", once).await;
    assert_eq!(again["problems"][0]["code"], "CONFLICT", "{again}");

    let nmat = app.alliance_id("YMA-NMAT").await;
    // Supply links: the office only; a link already recorded is a conflict, not a second link.
    let links = app
        .ok(
            &office(),
            "{ supplyLinks(first: 1) { nodes { product sinceYear supplier { uscc } customer { uscc } } } }",
            json!({}),
        )
        .await;
    let link = &links["supplyLinks"]["nodes"][0];
    let (supplier, customer) = (
        link["supplier"]["uscc"].as_str().unwrap(),
        link["customer"]["uscc"].as_str().unwrap(),
    );
    let since = link["sinceYear"].to_string();
    let file = csv_file(&[
        &["supplier_uscc", "customer_uscc", "product", "since_year"],
        &[
            supplier,
            customer,
            link["product"].as_str().unwrap(),
            &since,
        ],
        &[supplier, customer, "导入的新产品", "2025"],
    ]);
    let (_, checked) = report(&app, &office(), "/import/supply-links", file.clone()).await;
    assert_eq!(problem_rows(&checked), vec![2], "{checked}");
    assert_eq!(checked["problems"][0]["code"], "CONFLICT");
    assert_eq!(checked["created"], 1);
    let (_, by_city) = report(
        &app,
        &municipality("YINCHUAN"),
        "/import/supply-links",
        file,
    )
    .await;
    assert_eq!(by_city["problems"][1]["code"], "FORBIDDEN", "{by_city}");

    let units = all_enterprises(&app).await;
    let outside = units
        .iter()
        .find(|u| u["municipality"].is_null() && u["uscc"].is_string())
        .expect("the demo has enterprises outside the metro area")["uscc"]
        .as_str()
        .unwrap()
        .to_owned();
    let applications = csv_file(&[
        &["alliance", "organization_uscc", "status"],
        &["YMA-NMAT", &outside, ""],
        &["YMA-NMAT", &outside, "ACTIVE"],
    ]);
    let (_, checked) = report(
        &app,
        &secretariat(&nmat),
        "/import/memberships",
        applications,
    )
    .await;
    let problems = checked["problems"].as_array().unwrap();
    assert_eq!(problems[0]["rule"], "ENTERPRISE_OUTSIDE_METRO", "{checked}");
    assert_eq!(problems[1]["column"], "status");
}

async fn all_enterprises(app: &TestApp) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .ok(
                &office(),
                "query($a: String) { enterprises(first: 100, after: $a) { pageInfo { hasNextPage endCursor } nodes { uscc municipality { code } } } }",
                json!({ "a": after }),
            )
            .await;
        let page = &page["enterprises"];
        all.extend(page["nodes"].as_array().unwrap().iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return all;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_file_the_hub_cannot_read_is_refused_before_any_row() {
    let app = TestApp::spawn().await;
    // (caller, path, file, status, code)
    type Case = (Option<As>, &'static str, Vec<u8>, StatusCode, &'static str);
    let cases: Vec<Case> = vec![
        (
            None,
            "/import/organizations",
            b"uscc\n".to_vec(),
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
        ),
        (
            Some(office()),
            "/import/contracts",
            b"uscc\n".to_vec(),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            Some(office()),
            "/import/alliances",
            b"code\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        // 单位名称 in GBK, as Excel's plain "CSV" writes it on a Chinese Windows.
        (
            Some(office()),
            "/import/organizations",
            vec![0xB5, 0xA5, 0xCE, 0xBB, 0xC3, 0xFB, 0xB3, 0xC6, b'\n'],
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            Some(office()),
            "/import/organizations",
            b"PK\x03\x04 not a zip".to_vec(),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            Some(office()),
            "/import/organizations",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            Some(office()),
            "/import/organizations?apply=yes",
            b"uscc\n".to_vec(),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ];
    for (who, path, file, status, code) in cases {
        let (got, body) = post(&app, who.as_ref(), path, file).await;
        assert_eq!(got, status, "{path}: {}", String::from_utf8_lossy(&body));
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error_code(&body).as_deref(), Some(code), "{path}: {body}");
    }
    // Unknown and missing columns are reported against the header row.
    let (status, checked) = report(
        &app,
        &office(),
        "/import/organizations",
        csv_file(&[
            &["统一社会信用代码", "单位名称", "颜色"],
            &["", "某单位", "红"],
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_rows(&checked), vec![1]);
    let messages = checked["problems"].to_string();
    assert!(
        messages.contains("颜色") && messages.contains("`kind` is missing"),
        "{messages}"
    );
    // A file over 20 MiB is refused by size.
    let (status, _) = post(
        &app,
        Some(&office()),
        "/import/organizations",
        vec![b'x'; 21 * 1024 * 1024],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_command_line_checks_then_applies_a_file() {
    use clap::Parser;
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("units.csv");
    std::fs::write(
        &file,
        [
            alliance_hub::export::BOM,
            &csv_file(&[
                &["uscc", "kind", "name_zh", "municipality"],
                &[
                    &new_uscc(20),
                    "RESEARCH_INSTITUTE",
                    "命令行导入研究院",
                    "SHIZUISHAN",
                ],
                &[
                    "91640100XXXXXXXXX1",
                    "RESEARCH_INSTITUTE",
                    "坏代码",
                    "SHIZUISHAN",
                ],
            ]),
        ]
        .concat(),
    )
    .unwrap();
    let report_file = dir.path().join("report.xlsx");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "alliance-hub",
            "--database-url",
            &app.database_url,
            "import",
            "organizations",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        alliance_hub::cli::Cli::try_parse_from(args).unwrap()
    };
    let checked = alliance_hub::cli::run(run(&["--report", report_file.to_str().unwrap()])).await;
    assert!(checked.is_err(), "a problem fails the command");
    let sheet = read_sheet(std::fs::read(&report_file).unwrap());
    assert!(sheet[1].last().unwrap().is_empty() && !sheet[2].last().unwrap().is_empty());

    std::fs::write(
        &file,
        csv_file(&[
            &["uscc", "kind", "name_zh", "municipality"],
            &[
                &new_uscc(20),
                "RESEARCH_INSTITUTE",
                "命令行导入研究院",
                "SHIZUISHAN",
            ],
        ]),
    )
    .unwrap();
    alliance_hub::cli::run(run(&[])).await.unwrap();
    let absent = app
        .ok(
            &office(),
            "query($u: String!) { organizationByUscc(uscc: $u) { id } }",
            json!({ "u": new_uscc(20) }),
        )
        .await;
    assert!(
        absent["organizationByUscc"].is_null(),
        "a check writes nothing"
    );
    alliance_hub::cli::run(run(&["--apply"])).await.unwrap();
    let present = app
        .ok(
            &office(),
            "query($u: String!) { organizationByUscc(uscc: $u) { nameZh } }",
            json!({ "u": new_uscc(20) }),
        )
        .await;
    assert_eq!(present["organizationByUscc"]["nameZh"], "命令行导入研究院");
}
