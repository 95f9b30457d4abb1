//! The API's object types. Each wraps a (guarded) row and resolves its relations via loaders.

pub mod activity;
pub mod alliance;
pub mod chain;
pub mod change;
pub mod node;
pub mod organization;
pub mod reference;
pub mod stats;
pub mod viewer;

use std::sync::Arc;

use async_graphql::{Context, dataloader::Loader};

use super::{
    connection::unwrap_shared,
    loader::{ById, HubLoader},
    request,
};
use crate::{error::Error, service::load::Scoped};

/// One row by id through the loader (within the viewer's scope).
pub(crate) async fn row<E: Scoped>(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<E::Model>>
where
    E::Model: Sync,
{
    request(ctx)?
        .loader
        .load_one(ById::<E>::new(id))
        .await
        .map_err(unwrap_shared)
}

/// An optional reference (a nullable foreign key) through the loader.
pub(crate) async fn maybe_row<E: Scoped>(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<E::Model>>
where
    E::Model: Sync,
{
    match id {
        Some(id) => row::<E>(ctx, id).await,
        None => Ok(None),
    }
}

/// The children of one parent through a `children!` loader.
pub(crate) async fn children<K, M>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<M>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    HubLoader: Loader<K, Value = Vec<M>, Error = Arc<Error>>,
    M: Send + Sync + Clone + 'static,
{
    Ok(request(ctx)?
        .loader
        .load_one(key)
        .await
        .map_err(unwrap_shared)?
        .unwrap_or_default())
}

/// Splits a comma-separated stored list (`"C3391,C3392"`) into its items.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
