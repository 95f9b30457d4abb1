//! `POST /import/{dataset}?apply=true&report=json|xlsx`: a CSV or XLSX file as the request body
//! (at most 20 MiB, its own limit), checked row by row and written only with `apply=true` when
//! every row is valid (`service::import`). The answer is the validation report: JSON, or the
//! file's rows with an `errors` column as a spreadsheet. 200 when nothing is wrong (a dry run, or
//! the rows written), 422 when a row has a problem (nothing written).

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{refusal, signed_in};
use crate::{
    app::App,
    error::{Error, Result},
    import::{read_table, report_xlsx},
    service::{access::Viewer, export::Dataset, write::Writer},
};

pub async fn import(
    State(app): State<Arc<App>>,
    Path(dataset): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&app, &dataset, &params, &headers, &body).await {
        Ok(response) => response,
        Err(err) => refusal(err),
    }
}

async fn run(
    app: &App,
    dataset: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response> {
    let principal = signed_in(app, headers, "imports").await?;
    let dataset = Dataset::parse(dataset)?;
    if let Some(unknown) = params
        .keys()
        .find(|k| !["apply", "report"].contains(&k.as_str()))
    {
        return Err(Error::bad_input(format!(
            "unknown parameter `{unknown}`: use apply and report"
        )));
    }
    let apply = match params.get("apply").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Error::bad_input(format!(
                "`apply` is true or false, not `{other}`"
            )));
        }
    };
    let spreadsheet = match params.get("report").map(String::as_str) {
        None | Some("json") => false,
        Some("xlsx") => true,
        Some(other) => {
            return Err(Error::bad_input(format!(
                "`report` is json or xlsx, not `{other}`"
            )));
        }
    };
    let table = read_table(body)?;
    let viewer = Arc::new(Viewer::new(&app.db, principal).await?);
    let writer = Writer {
        db: &app.db,
        viewer: &viewer,
        bus: &app.bus,
        queue: &app.writes,
    };
    let report = writer.import(dataset, &table, apply).await?;
    tracing::info!(
        import.dataset = report.dataset,
        import.rows = report.rows,
        import.problems = report.problems.len(),
        import.applied = report.applied,
        "import checked"
    );
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if spreadsheet {
        let file = HeaderValue::from_str(&format!(
            "attachment; filename=\"{}-report.xlsx\"",
            dataset.name()
        ))
        .map_err(|e| Error::internal(format!("file name: {e}")))?;
        return Ok((
            status,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(crate::export::Format::Xlsx.media_type()),
                ),
                (header::CONTENT_DISPOSITION, file),
            ],
            report_xlsx(&table, &report)?,
        )
            .into_response());
    }
    Ok((status, axum::Json(report)).into_response())
}
