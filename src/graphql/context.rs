//! What every resolver of one request (or subscription connection) reads.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::loader::HubLoader;
use crate::service::{access::Viewer, changes::ChangeBus, stats::Statistics, write::WriteQueue};

/// What every resolver of one request (or subscription connection) reads: the database, the
/// caller, the loaders, and the change bus.
pub struct RequestContext {
    pub db: DatabaseConnection,
    pub viewer: Arc<Viewer>,
    pub loader: async_graphql::dataloader::DataLoader<HubLoader>,
    pub bus: ChangeBus,
    pub stats: Arc<Statistics>,
    /// Where this process's writers wait their turn.
    pub writes: WriteQueue,
}

impl RequestContext {
    pub fn new(
        db: DatabaseConnection,
        viewer: Viewer,
        bus: ChangeBus,
        stats: Arc<Statistics>,
        writes: WriteQueue,
    ) -> Self {
        let viewer = Arc::new(viewer);
        // Large batches keep one statement per level even for a big neighbourhood (≤ 5000 units).
        let loader = async_graphql::dataloader::DataLoader::new(
            HubLoader::new(db.clone(), viewer.clone()),
            tokio::spawn,
        )
        .max_batch_size(10_000);
        Self {
            db,
            viewer,
            loader,
            bus,
            stats,
            writes,
        }
    }
}

/// The request context of a resolver.
pub fn request<'a>(ctx: &async_graphql::Context<'a>) -> async_graphql::Result<&'a RequestContext> {
    ctx.data::<RequestContext>()
}
