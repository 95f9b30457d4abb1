//! `GET /export/graph/{view}?format=graphml|nodes-csv|edges-csv|json&…`: the chain graph as a
//! file for analysts' tools (`service::graph`), with a bearer token: `view` is `neighborhood`
//! (`from`, `direction`, `maxDepth`) or `sector` (`sector`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};

use super::{refusal, signed_in};
use crate::{
    app::App,
    error::{Error, Result},
    graph_export::{GraphFormat, encode},
    service::{access::Viewer, graph::GraphView},
};

pub async fn graph(
    State(app): State<Arc<App>>,
    Path(view): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match answer(&app, &view, &params, &headers).await {
        Ok(response) => response,
        Err(err) => refusal(err),
    }
}

async fn answer(
    app: &App,
    view: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response> {
    let principal = signed_in(app, headers, "graph exports").await?;
    let format = GraphFormat::parse(params.get("format").map_or("graphml", String::as_str))?;
    let graph_view = GraphView::parse(view, |name| params.get(name).cloned())?;
    let known = GraphView::parameters(view);
    if let Some(unknown) = params
        .keys()
        .find(|k| k.as_str() != "format" && !known.contains(&k.as_str()))
    {
        return Err(Error::bad_input(format!(
            "unknown parameter `{unknown}`: use format, {}",
            known.join(", ")
        )));
    }
    let db = app.reader_for(&principal.subject).await;
    let viewer = Viewer::new(&db, principal).await?;
    let graph = graph_view.build(&db, &viewer).await?;
    let body = encode(&graph, format)?;
    let file = format!("{}.{}", graph.name, format.extension());
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .map_err(Error::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.media_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
