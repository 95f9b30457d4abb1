//! GraphiQL, served whole by the hub: the page and its pinned JavaScript and CSS are embedded at
//! build time (`assets/graphiql/`, with their licences), so nothing is fetched from another host.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use crate::error::Code;

/// The console page (`GET /graphql` from a browser).
pub(super) fn page() -> Response {
    Html(include_str!("../../assets/graphiql/index.html")).into_response()
}

/// The console's files, by name: `(name, media type, contents)`.
const FILES: [(&str, &str, &[u8]); 5] = [
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "graphql-ws.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphql-ws.min.js"),
    ),
];

/// `GET /graphiql/{file}`. The files change only with the binary, so browsers may keep them a day.
pub(super) async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, media, contents)) => (
            [
                (header::CONTENT_TYPE, *media),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *contents,
        )
            .into_response(),
        None => super::refuse(
            StatusCode::NOT_FOUND,
            Code::NotFound,
            "no such console file",
        ),
    }
}
