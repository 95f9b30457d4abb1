//! `GET /export/{dataset}?format=csv|xlsx|ndjson&headers=en|zh`: a list as a file, for
//! department systems and clerks, with a bearer token. The first batch is read before the answer
//! starts, so a refusal is a proper status with a GraphQL-shaped error; the rest streams (CSV and
//! NDJSON batch by batch; XLSX once its sheet is complete, from a temporary file).

use std::{collections::HashMap, io::Seek, sync::Arc};

use axum::{
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tokio::sync::mpsc;

use super::{refusal, signed_in};
use crate::{
    app::App,
    error::{Error, Result},
    export::{Encoder, Format, Headers},
    service::{
        access::Viewer,
        export::{Dataset, Export},
    },
};

/// Batches encoded ahead of a slow reader: memory stays bounded whatever the list's size.
const BUFFERED_BATCHES: usize = 4;

pub async fn export(
    State(app): State<Arc<App>>,
    Path(dataset): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match start(&app, &dataset, &params, &headers).await {
        Ok(response) => response,
        Err(err) => refusal(err),
    }
}

async fn start(
    app: &App,
    dataset: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response> {
    let principal = signed_in(app, headers, "exports").await?;
    let dataset = Dataset::parse(dataset)?;
    let format = Format::parse(params.get("format").map_or("csv", String::as_str))?;
    let language = params
        .get("headers")
        .map(|h| Headers::parse(h))
        .transpose()?
        .unwrap_or_default();
    if let Some(unknown) = params
        .keys()
        .find(|k| !["format", "headers"].contains(&k.as_str()))
    {
        return Err(Error::bad_input(format!(
            "unknown parameter `{unknown}`: use format and headers"
        )));
    }
    // Exports read from the replica where the caller may, like queries.
    let db = app.reader_for(&principal.subject).await;
    let viewer = Arc::new(Viewer::new(&db, principal).await?);
    let mut export = Export::start(db, viewer, dataset).await?;
    let first = export.next_batch().await?;
    let mut encoder = Encoder::new(format, language, dataset)?;
    let opening = encoder.start()?;
    let file = format!(
        "{}-{}.{}",
        dataset.name(),
        chrono::Utc::now().date_naive(),
        format.extension()
    );
    let body = match format {
        Format::Csv | Format::Ndjson => {
            let (sender, receiver) = mpsc::channel::<std::io::Result<Bytes>>(BUFFERED_BATCHES);
            let mut opening = opening;
            if let Some(batch) = &first {
                opening.extend(encoder.rows(batch)?);
            }
            tokio::spawn(stream_rest(
                export,
                encoder,
                first.is_some(),
                opening,
                sender,
            ));
            Body::from_stream(futures::stream::unfold(
                receiver,
                |mut receiver| async move { receiver.recv().await.map(|chunk| (chunk, receiver)) },
            ))
        }
        Format::Xlsx => {
            if let Some(batch) = &first {
                encoder.rows(batch)?;
            }
            while let Some(batch) = export.next_batch().await? {
                encoder.rows(&batch)?;
            }
            let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File> {
                let mut file = tempfile::tempfile()
                    .map_err(|e| Error::internal(format!("no temporary file: {e}")))?;
                encoder.finish(&mut file)?;
                file.rewind()
                    .map_err(|e| Error::internal(format!("temporary file: {e}")))?;
                Ok(file)
            })
            .await
            .map_err(|e| Error::internal(format!("xlsx task: {e}")))??;
            Body::from_stream(tokio_util::io::ReaderStream::new(
                tokio::fs::File::from_std(file),
            ))
        }
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .map_err(|e| Error::internal(format!("file name: {e}")))?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.media_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// Sends the opening bytes, then each further batch; a failure ends the body early (the client
/// sees an incomplete transfer) and is logged.
async fn stream_rest(
    mut export: Export,
    mut encoder: Encoder,
    more: bool,
    opening: Vec<u8>,
    sender: mpsc::Sender<std::io::Result<Bytes>>,
) {
    if sender.send(Ok(Bytes::from(opening))).await.is_err() || !more {
        return;
    }
    loop {
        let bytes = match export.next_batch().await {
            Ok(Some(batch)) => encoder.rows(&batch),
            Ok(None) => return,
            Err(err) => Err(err),
        };
        let chunk = match bytes {
            Ok(bytes) => Ok(Bytes::from(bytes)),
            Err(err) => {
                tracing::error!(error = %err, "export stopped part way");
                Err(std::io::Error::other("the export stopped part way"))
            }
        };
        let failed = chunk.is_err();
        if sender.send(chunk).await.is_err() || failed {
            return;
        }
    }
}
