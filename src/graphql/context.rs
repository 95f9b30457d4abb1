//! What every resolver of one request (or subscription connection) reads.

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache};

use super::loader::HubLoader;
use crate::{
    database::Store,
    service::{access::Viewer, changes::ChangeBus, stats::Statistics, write::WriteQueue},
};

/// What every resolver of one request (or subscription connection) reads: the database, the
/// caller, the loaders, and the change bus.
pub struct RequestContext {
    pub db: Store,
    pub viewer: Arc<Viewer>,
    pub loader: DataLoader<HubLoader, HashMapCache>,
    /// Whether the loader keeps what it read for the rest of the request (queries), so that
    /// [`preload`](super::preload) can read a list's relations once per level. A mutation's rows
    /// change under it and a subscription connection outlives any read: they keep nothing.
    pub preloads: bool,
    pub bus: ChangeBus,
    pub stats: Arc<Statistics>,
    /// Where this process's writers wait their turn.
    pub writes: WriteQueue,
}

impl RequestContext {
    pub fn new(
        db: Store,
        viewer: Viewer,
        bus: ChangeBus,
        stats: Arc<Statistics>,
        writes: WriteQueue,
        reading: Reading,
    ) -> Self {
        let viewer = Arc::new(viewer);
        // Large batches keep one statement per level even for a big neighbourhood (≤ 5000 units).
        let loader = DataLoader::with_cache(
            HubLoader::new(db.clone(), viewer.clone()),
            tokio::spawn,
            HashMapCache::default(),
        )
        .max_batch_size(10_000);
        let preloads = reading == Reading::Query;
        loader.enable_all_cache(preloads);
        Self {
            db,
            viewer,
            loader,
            preloads,
            bus,
            stats,
            writes,
        }
    }
}

/// What a context serves: one query, or operations whose reads may change under them (a
/// mutation; every operation of a subscription connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Query,
    Changing,
}

/// The request context of a resolver.
pub fn request<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
}
