//! The GraphQL layer: thin resolvers over the service layer, with DataLoaders for every relation.
//!
//! The schema is built without data ([`build_schema`]), so its SDL can be printed and snapshotted
//! without a database; each request brings its own [`RequestContext`].

pub mod connection;
pub mod enums;
pub mod inputs;
pub mod loader;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use std::sync::Arc;

use async_graphql::{
    Data, ErrorExtensionValues, Executor, Request, Response, Schema, Value,
    futures_util::stream::BoxStream,
};
use futures::StreamExt;
use sea_orm::DatabaseConnection;

use crate::{
    error::{Code, Error},
    service::{access::Viewer, changes::ChangeBus, stats::StatsCache},
};

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest complexity accepted; list fields count `first × child cost`.
pub const MAX_COMPLEXITY: usize = 50_000;

pub type HubSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// Builds the schema with its limits and no data attached.
pub fn build_schema() -> HubSchema {
    Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::Subscription,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(64)
    .disable_suggestions()
    .finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema().sdl()
}

/// What every resolver of one request (or subscription connection) reads: the database, the
/// caller, the loaders, and the change bus.
pub struct RequestContext {
    pub db: DatabaseConnection,
    pub viewer: Arc<Viewer>,
    pub loader: async_graphql::dataloader::DataLoader<loader::HubLoader>,
    pub bus: ChangeBus,
    pub stats: Arc<StatsCache>,
}

impl RequestContext {
    pub fn new(
        db: DatabaseConnection,
        viewer: Viewer,
        bus: ChangeBus,
        stats: Arc<StatsCache>,
    ) -> Self {
        let viewer = Arc::new(viewer);
        // Large batches keep one statement per level even for a big neighbourhood (≤ 5000 units).
        let loader = async_graphql::dataloader::DataLoader::new(
            loader::HubLoader::new(db.clone(), viewer.clone()),
            tokio::spawn,
        )
        .max_batch_size(10_000);
        Self {
            db,
            viewer,
            loader,
            bus,
            stats,
        }
    }
}

/// The request context of a resolver.
pub fn request<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
}

/// The schema as served over HTTP and WebSocket: every response, subscription events included,
/// leaves through [`finalize_errors`]. This is not a schema extension on purpose: with any
/// extension installed, async-graphql runs every field of every object through the extension
/// chain (a boxed future and a registry lookup each), which large answers paid for dearly.
#[derive(Clone)]
pub struct ServedSchema(HubSchema);

impl ServedSchema {
    pub fn new() -> Self {
        Self(build_schema())
    }
}

impl Default for ServedSchema {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor for ServedSchema {
    async fn execute(&self, request: Request) -> Response {
        let mut response = self.0.execute(request).await;
        finalize_errors(&mut response);
        response
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.0
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(|mut response| {
                finalize_errors(&mut response);
                response
            })
            .boxed()
    }
}

/// Gives every error of a response its `extensions.code` (and `rule`), and replaces the text of
/// internal errors with a generic message after logging them. This is the one place errors are
/// turned into what clients see.
pub fn finalize_errors(response: &mut Response) {
    for error in &mut response.errors {
        let ours = error
            .source::<Error>()
            .or_else(|| error.source::<Arc<Error>>().map(AsRef::as_ref));
        let (code, rule) = match ours {
            Some(Error::Internal(detail)) => {
                tracing::error!(error.detail = %detail, graphql.path = ?error.path, "internal error");
                error.message = "internal error".into();
                (Code::Internal, None)
            }
            Some(ours) => (ours.code(), rule_of(ours)),
            // Raised by async-graphql itself: parse and validation errors, limits, arguments of
            // the wrong type. All of them are the caller's to fix.
            None => (Code::BadUserInput, None),
        };
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        extensions.set("code", Value::from(code.as_str()));
        if let Some(rule) = rule {
            extensions.set("rule", Value::from(rule));
        }
    }
}

fn rule_of(error: &Error) -> Option<&'static str> {
    match error {
        Error::Rule { rule, .. } => Some(rule),
        _ => None,
    }
}
