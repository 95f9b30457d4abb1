//! The GraphQL layer: thin resolvers over the service layer, with DataLoaders for every relation.
//!
//! The schema is built without data ([`build_schema`]), so its SDL can be printed and snapshotted
//! without a database; each request brings its own [`RequestContext`].

pub mod connection;
pub mod enums;
pub mod inputs;
pub mod loader;
pub mod query;
pub mod scalars;
pub mod types;

use std::sync::Arc;

use async_graphql::{
    EmptyMutation, EmptySubscription, ErrorExtensionValues, Response, Schema, Value,
};
use sea_orm::DatabaseConnection;

use crate::{
    error::{Code, Error},
    service::access::Viewer,
};

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest complexity accepted; list fields count `first × child cost`.
pub const MAX_COMPLEXITY: usize = 50_000;

pub type HubSchema = Schema<query::Query, EmptyMutation, EmptySubscription>;

/// Builds the schema with its limits and no data attached.
pub fn build_schema() -> HubSchema {
    Schema::build(query::Query::default(), EmptyMutation, EmptySubscription)
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

/// What every resolver of one request reads: the database, the caller, the loaders.
pub struct RequestContext {
    pub db: DatabaseConnection,
    pub viewer: Arc<Viewer>,
    pub loader: async_graphql::dataloader::DataLoader<loader::HubLoader>,
}

impl RequestContext {
    pub fn new(db: DatabaseConnection, viewer: Viewer) -> Self {
        let viewer = Arc::new(viewer);
        let loader = async_graphql::dataloader::DataLoader::new(
            loader::HubLoader::new(db.clone(), viewer.clone()),
            tokio::spawn,
        );
        Self { db, viewer, loader }
    }
}

/// The request context of a resolver.
pub fn request<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
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
