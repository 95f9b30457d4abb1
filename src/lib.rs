//! alliance-hub: the GraphQL data hub of the Yinchuan Metropolitan Area key-industry alliances.
//!
//! Data flows one way: HTTP → GraphQL → services → entities.
//!
//! - [`http`]: routes, limits, authentication at the edge ([`auth`]), tracing;
//! - [`graphql`]: the schema, thin resolvers and DataLoaders, in the same areas as the services;
//! - [`service`]: permissions ([`service::access`]), rules, listings, lookups, batched loads, writes;
//! - [`domain`]: values every layer shares (USCC, global ids, divisions, the caller's `Principal`);
//! - [`seed`]: the deterministic demo dataset;
//! - [`database`], [`config`], [`cli`], [`app`]: wiring; [`backup`]: snapshots and restores;
//!   [`export`] and [`import`]: the exchange file formats (CSV, XLSX, NDJSON) over
//!   `service::export` and `service::import`; [`graph_export`]: the chain graph for analysts'
//!   tools (GraphML, CSV node and edge lists, JSON Graph) over `service::graph`;
//! - [`error`]: the one error type and its `extensions.code` vocabulary.
//!
//! Entities live in the `entity` crate, migrations in `migration`.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod database;
pub mod domain;
pub mod error;
pub mod export;
pub mod graph_export;
pub mod graphql;
pub mod http;
pub mod import;
pub mod seed;
pub mod service;

pub use app::App;
pub use http::app;

/// Serves `app` on `listen` until Ctrl-C or SIGTERM, then drains (see [`http::server`]).
pub async fn serve(app: App, listen: std::net::SocketAddr) -> error::Result<()> {
    let listener = http::server::bind(listen).await?;
    // The bound address, not the configured one: with port 0 the system picks the port.
    let listen = listener.local_addr().map_err(error::Error::internal)?;
    tracing::info!(
        %listen,
        "serving GraphQL at http://{listen}/graphql (GraphiQL in a browser), subscriptions at ws://{listen}/graphql/ws"
    );
    http::server::serve(app, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
