//! Chain-gap targeting (`service::gaps`): where the metro area's demand for a segment is met.

use async_graphql::{Context, Object, SimpleObject};
use entity::municipality;

use super::{
    directory::{ChainSegment, Municipality, Organization},
    enums,
    loader::row,
    request,
    scalars::Money,
};
use crate::service::gaps::{self, DEFAULT_GAP_SHARE, Met};

/// Demand met from one side (inside or outside the metro area).
#[derive(SimpleObject)]
pub struct DemandMet {
    /// Supply links.
    pub links: i64,
    /// Customers in the area buying this way.
    pub customers: i64,
    /// Annual value in yuan (OFFICE only; null for others).
    pub value: Option<Money>,
}

impl From<Met> for DemandMet {
    fn from(m: Met) -> Self {
        Self {
            links: m.links,
            customers: m.customers,
            value: m.value.map(Money),
        }
    }
}

/// An outside supplier the area's customers depend on for a segment.
pub struct OutsideSupplier(gaps::OutsideSupplier);

#[Object]
impl OutsideSupplier {
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization).await
    }
    /// Customers in the area it supplies.
    async fn customers(&self) -> i64 {
        self.0.customers
    }
    async fn links(&self) -> i64 {
        self.0.links
    }
}

/// A segment's location quotient in a city.
pub struct LocationQuotient(gaps::LocationQuotient);

#[Object]
impl LocationQuotient {
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(row::<municipality::Model>(ctx, self.0.municipality)
            .await?
            .map(Municipality))
    }
    /// The segment's enterprises (primary segment) in the city.
    async fn enterprises(&self) -> i64 {
        self.0.enterprises
    }
    /// Its share of the city's enterprises over its share of the area's: above 1 the city is
    /// specialised in it (强链), below 1 under-represented (补链).
    async fn quotient(&self) -> Option<f64> {
        self.0.quotient
    }
}

/// One segment's gap analysis.
pub struct SegmentGap(gaps::SegmentGap);

#[Object]
impl SegmentGap {
    async fn segment(&self) -> ChainSegment {
        ChainSegment(self.0.segment.clone())
    }
    /// The area's demand met by suppliers in the area.
    async fn from_inside(&self) -> DemandMet {
        self.0.inside.into()
    }
    /// The area's demand met by suppliers outside the metro area.
    async fn from_outside(&self) -> DemandMet {
        self.0.outside.into()
    }
    /// Share of the area's demand (links) met from outside; null without demand.
    async fn outside_share(&self) -> Option<f64> {
        self.0.outside_share
    }
    /// More of the area's demand is met from outside than `gapShare`: a segment to attract
    /// investment into (招商补链).
    async fn is_gap(&self) -> bool {
        self.0.is_gap
    }
    /// The outside suppliers most of the area's customers depend on (at most five).
    async fn outside_suppliers(&self) -> Vec<OutsideSupplier> {
        self.0
            .outside_suppliers
            .iter()
            .copied()
            .map(OutsideSupplier)
            .collect()
    }
    /// Customers with a single supplier of this segment inside the area (see
    /// `singleSourceDependencies` for who they are).
    async fn single_source_customers(&self) -> i64 {
        self.0.single_source_customers
    }
    /// The segment's location quotient in each city and the base.
    async fn location_quotients(&self) -> Vec<LocationQuotient> {
        self.0
            .quotients
            .iter()
            .copied()
            .map(LocationQuotient)
            .collect()
    }
}

/// Chain-gap targeting.
#[derive(Default)]
pub struct GapsQuery;

#[Object]
impl GapsQuery {
    /// Per segment of a sector, upstream first: how much of the metro area's demand its own
    /// suppliers meet and how much comes from outside, whether that makes it a gap (more than
    /// `gapShare` from outside; the hub's default is one half), the outside suppliers depended
    /// on, single-source customers, and location quotients per city. Link values for OFFICE
    /// only; not public.
    async fn chain_gaps(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
        #[graphql(default_with = "DEFAULT_GAP_SHARE")] gap_share: f64,
    ) -> async_graphql::Result<Vec<SegmentGap>> {
        let request = request(ctx)?;
        let rows = gaps::chain_gaps(
            &request.db,
            &request.stats,
            &request.viewer,
            sector.into(),
            gap_share,
        )
        .await?;
        Ok(rows.into_iter().map(SegmentGap).collect())
    }
}
