//! Supply links: the edges of the industrial-chain graph.

use async_graphql::{Context, ID, Object};
use entity::{chain_segment, supply_link};

use super::{ChainSegment, Organization};
use crate::{
    domain::id::{self, Kind},
    graphql::{loader::maybe_row, scalars::Money},
    service::access::{Guarded, Viewer},
};

/// An edge of the industrial-chain graph: a supplier selling to a customer.
pub struct SupplyLink(pub Guarded<supply_link::Model>);

impl SupplyLink {
    pub fn new(viewer: &Viewer, model: supply_link::Model) -> Self {
        Self(viewer.supply_link(model))
    }
}

#[Object]
impl SupplyLink {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::SupplyLink, self.0.value.id).into())
    }
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.supplier_id).await
    }
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.customer_id).await
    }
    /// The chain segment of what is supplied.
    async fn segment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ChainSegment>> {
        Ok(
            maybe_row::<chain_segment::Model>(ctx, self.0.value.segment_id)
                .await?
                .map(ChainSegment),
        )
    }
    async fn product(&self) -> &str {
        &self.0.value.product
    }
    async fn since_year(&self) -> i32 {
        self.0.value.since_year
    }
    /// Annual value in yuan (OFFICE only).
    async fn annual_value(&self) -> Option<Money> {
        self.0
            .show("annualValue", |l| l.annual_value.map(Money))
            .flatten()
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.value.archived_at
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}
