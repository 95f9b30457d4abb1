//! The chain analytics' objects: neighbourhoods, paths, sector maps, flows, dependencies.

use std::borrow::Cow;

use async_graphql::{Context, Enum, ID, InputType, Object, OutputType};
use entity::{chain_segment, municipality, organization};

use crate::{
    domain::id::{self, Kind},
    error::{Error, Result},
    graphql::{
        directory::{
            ChainSegment, Municipality, Organization, SupplyLink, organization_columns,
            preload_organizations,
        },
        enums,
        loader::{maybe_row, row},
        plain::{Answer, Plain, PlainList},
        preload::Selection,
        request,
    },
    service::{
        chain::{self, SegmentCoverage},
        lookup,
    },
};

/// Which way along the chain.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::chain::Direction")]
pub enum ChainDirection {
    /// Towards customers.
    Downstream,
    /// Towards suppliers.
    Upstream,
    Both,
}

/// A unit reached from the starting unit.
pub struct ChainNode(pub chain::Reached, pub Option<Organization>);

impl Plain for ChainNode {
    fn concrete_type(&self) -> Cow<'static, str> {
        <Self as OutputType>::type_name()
    }

    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        Some(match field {
            "organization" => Answer::Object(self.1.as_ref().map(|unit| unit as &dyn Plain)),
            "depth" => Answer::Value(self.0.depth.into()),
            "direction" => Answer::Value(ChainDirection::from(self.0.direction).to_value()),
            _ => return None,
        })
    }
}

#[Object]
impl ChainNode {
    /// The unit (null if the caller may not see it).
    async fn organization(&self) -> Option<&Organization> {
        self.1.as_ref()
    }
    /// Links away from the starting unit (0 for the unit itself).
    async fn depth(&self) -> i32 {
        self.0.depth
    }
    async fn direction(&self) -> ChainDirection {
        self.0.direction.into()
    }
}

/// A supply link on the way, at the depth of the unit it reaches.
pub struct ChainEdge(pub SupplyLink, pub i32);

#[Object]
impl ChainEdge {
    async fn link(&self) -> &SupplyLink {
        &self.0
    }
    async fn depth(&self) -> i32 {
        self.1
    }
}

/// A unit's neighbourhood in the chain graph.
pub struct ChainNeighborhood(pub chain::Neighborhood);

#[Object]
impl ChainNeighborhood {
    /// The units reached, nearest first (the starting unit at depth 0).
    async fn nodes(&self, ctx: &Context<'_>) -> async_graphql::Result<PlainList<ChainNode>> {
        let request = request(ctx)?;
        // The units' rows are read (in one statement, only the columns asked for) only when the
        // query asks for them.
        let selection = Selection::of_field(ctx).field("organization");
        if selection.is_empty() {
            return Ok(PlainList(
                self.0
                    .nodes
                    .iter()
                    .map(|n| ChainNode(n.clone(), None))
                    .collect(),
            ));
        }
        let viewer = &request.viewer;
        let nodes = self
            .0
            .nodes_with_units(&request.db, viewer, &organization_columns(&selection))
            .await?;
        let units: Vec<&organization::Model> =
            nodes.iter().filter_map(|(_, unit)| unit.as_ref()).collect();
        preload_organizations(ctx, &units, &selection, None).await?;
        Ok(PlainList(
            nodes
                .into_iter()
                .map(|(node, unit)| ChainNode(node, unit.map(|m| Organization::new(viewer, m))))
                .collect(),
        ))
    }
    /// The links from each level to the next.
    async fn edges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ChainEdge>> {
        let request = request(ctx)?;
        let viewer = request.viewer.clone();
        Ok(self
            .0
            .links(&request.db)
            .await?
            .into_iter()
            .map(|(link, depth)| ChainEdge(SupplyLink::new(&viewer, link), depth))
            .collect())
    }
}

/// One shortest supply path, supplier first.
pub struct ChainPath(pub chain::SupplyPath);

#[Object]
impl ChainPath {
    /// Number of links.
    async fn length(&self) -> i32 {
        self.0.links.len() as i32
    }
    async fn organizations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Option<Organization>>> {
        let mut units = Vec::with_capacity(self.0.organizations.len());
        for id in &self.0.organizations {
            units.push(Organization::load(ctx, *id).await?);
        }
        Ok(units)
    }
    async fn links(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SupplyLink>> {
        let viewer = request(ctx)?.viewer.clone();
        Ok(self
            .0
            .links
            .iter()
            .cloned()
            .map(|l| SupplyLink::new(&viewer, l))
            .collect())
    }
}

/// How many enterprises of a segment are in one city.
pub struct MunicipalityCount {
    municipality: Option<i64>,
    enterprises: i64,
    share: Option<f64>,
}

#[Object]
impl MunicipalityCount {
    /// Null: outside the metro area.
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(maybe_row::<municipality::Model>(ctx, self.municipality)
            .await?
            .map(Municipality))
    }
    async fn enterprises(&self) -> i64 {
        self.enterprises
    }
    /// Share of the segment's metro-area enterprises (null outside the metro area).
    async fn share(&self) -> Option<f64> {
        self.share
    }
}

/// How a segment is laid out across the metro area's cities (`service::chain::SegmentPattern`).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::chain::SegmentPattern")]
pub enum SegmentPattern {
    /// No enterprise of the metro area works in it: a gap.
    Absent,
    /// One city holds at least 60 % of its metro enterprises: differentiated development (错位发展).
    Specialised,
    /// Three or more cities host it, none holding half: duplication, the homogeneous
    /// competition (同质化竞争) the plan wants reduced.
    Duplicated,
    /// Shared by a few cities without either sign.
    Mixed,
}

/// One segment of a sector map.
pub struct SegmentMap {
    coverage: SegmentCoverage,
    municipality: Option<i64>,
}

#[Object]
impl SegmentMap {
    async fn segment(&self) -> ChainSegment {
        ChainSegment(self.coverage.segment.clone())
    }
    /// Enterprises working in the segment, per city (and outside the metro area).
    async fn by_municipality(&self) -> Vec<MunicipalityCount> {
        let total = self.coverage.in_metro as f64;
        self.coverage
            .by_municipality
            .iter()
            .map(|(m, n)| MunicipalityCount {
                municipality: *m,
                enterprises: *n,
                share: m.map(|_| *n as f64 / total),
            })
            .collect()
    }
    /// Enterprises in the metro area.
    async fn enterprises_in_metro(&self) -> i64 {
        self.coverage.in_metro
    }
    /// In the city asked about (null when none was).
    async fn enterprises_in_municipality(&self) -> Option<i64> {
        self.municipality.map(|m| self.coverage.count_in(m))
    }
    /// Leading enterprises of the segment.
    async fn leaders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organization>> {
        let mut units = Vec::new();
        for id in &self.coverage.leaders {
            units.extend(Organization::load(ctx, *id).await?);
        }
        Ok(units)
    }
    /// No enterprise of the metro area works in this segment.
    async fn gap_in_metro(&self) -> bool {
        self.coverage.in_metro == 0
    }
    /// No enterprise of the city asked about works in this segment.
    async fn gap_in_municipality(&self) -> Option<bool> {
        self.municipality.map(|m| self.coverage.count_in(m) == 0)
    }
    /// How concentrated the segment's enterprises are across cities (Herfindahl–Hirschman,
    /// 0–10000; 10000 = all in one city, a city's specialisation, 错位发展). Low values with
    /// several host cities mean the same segment built up in many places (see `pattern`).
    async fn concentration(&self) -> Option<i64> {
        self.coverage.hhi
    }
    /// Metro-area cities with at least one enterprise in the segment.
    async fn host_cities(&self) -> i64 {
        self.coverage.host_cities()
    }
    /// The largest city's share of the segment's metro-area enterprises (null: none).
    async fn leading_share(&self) -> Option<f64> {
        self.coverage.leading_share()
    }
    /// Specialised (one city holds at least 60 %: 错位发展), duplicated (three or more cities,
    /// none holding half: 同质化竞争), mixed, or absent (a gap). Thresholds are the hub's.
    async fn pattern(&self) -> SegmentPattern {
        self.coverage.pattern().into()
    }
}

/// A sector's chain map: its segments upstream → downstream and where they are missing.
pub struct SectorChain {
    pub segments: Vec<SegmentCoverage>,
    pub municipality: Option<i64>,
}

#[Object]
impl SectorChain {
    async fn segments(&self) -> Vec<SegmentMap> {
        self.segments
            .iter()
            .cloned()
            .map(|coverage| SegmentMap {
                coverage,
                municipality: self.municipality,
            })
            .collect()
    }
    /// Segments with no enterprise in the metro area (or, with `municipality`, in that city).
    async fn gaps(&self) -> Vec<ChainSegment> {
        self.segments
            .iter()
            .filter(|c| match self.municipality {
                Some(m) => c.count_in(m) == 0,
                None => c.in_metro == 0,
            })
            .map(|c| ChainSegment(c.segment.clone()))
            .collect()
    }
}

/// Supply links from units of one city to units of another.
pub struct Flow(pub chain::Flow);

#[Object]
impl Flow {
    /// Null: outside the metro area.
    async fn supplier_municipality(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Municipality>> {
        Ok(
            maybe_row::<municipality::Model>(ctx, self.0.supplier_municipality)
                .await?
                .map(Municipality),
        )
    }
    async fn customer_municipality(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Municipality>> {
        Ok(
            maybe_row::<municipality::Model>(ctx, self.0.customer_municipality)
                .await?
                .map(Municipality),
        )
    }
    async fn links(&self) -> i64 {
        self.0.links
    }
    /// Supplier and customer are in different cities (or one is outside).
    async fn crosses_municipality(&self) -> bool {
        self.0.supplier_municipality != self.0.customer_municipality
    }
}

/// A customer whose only in-area supplier for a segment is one unit.
pub struct SingleSourceDependency(pub chain::SingleSource);

#[Object]
impl SingleSourceDependency {
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.customer_id).await
    }
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.supplier_id).await
    }
    async fn segment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ChainSegment>> {
        Ok(row::<chain_segment::Model>(ctx, self.0.segment_id)
            .await?
            .map(ChainSegment))
    }
}

/// Chain analytics (`service::chain`).
#[derive(Default)]
pub struct ChainQuery;

#[Object]
impl ChainQuery {
    /// The units within `maxDepth` (1–6, default 3) supply links of a unit, computed in the
    /// database; optionally following only links of some sectors or segments. Not public; link
    /// values for OFFICE only.
    #[allow(clippy::too_many_arguments)]
    async fn chain_neighborhood(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        #[graphql(default_with = "ChainDirection::Both")] direction: ChainDirection,
        #[graphql(default = 3)] max_depth: i32,
        sectors: Option<Vec<enums::SectorCode>>,
        segments: Option<Vec<ID>>,
    ) -> async_graphql::Result<ChainNeighborhood> {
        let request = request(ctx)?;
        let start = id::decode_as(&organization_id, Kind::Organization)?;
        let sectors: Vec<_> = sectors
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let segments: Vec<i64> = segments
            .unwrap_or_default()
            .iter()
            .map(|s| id::decode_as(s, Kind::ChainSegment))
            .collect::<Result<_, _>>()?;
        let scope = chain::segment_scope(&request.db, &sectors, &segments).await?;
        let found = chain::neighborhood(
            &request.db,
            &request.viewer,
            start,
            direction.into(),
            max_depth,
            scope,
        )
        .await?;
        Ok(ChainNeighborhood(found))
    }

    /// Up to `first` (default 10) shortest supply paths from a supplier to a customer, within
    /// `maxDepth` (1–6, default 6) links. Not public.
    async fn chain_paths(
        &self,
        ctx: &Context<'_>,
        from_id: ID,
        to_id: ID,
        #[graphql(default = 6)] max_depth: i32,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<ChainPath>> {
        let request = request(ctx)?;
        let (from, to) = (
            id::decode_as(&from_id, Kind::Organization)?,
            id::decode_as(&to_id, Kind::Organization)?,
        );
        let first = usize::try_from(first)
            .map_err(|_| Error::bad_input("`first` must be between 1 and 100"))?;
        let paths =
            chain::shortest_paths(&request.db, &request.viewer, from, to, max_depth, first).await?;
        Ok(paths.into_iter().map(ChainPath).collect())
    }

    /// A sector's chain upstream → downstream: per segment its enterprises per city, leaders,
    /// concentration, and the gaps (segments with no enterprise in the metro area, or in
    /// `municipality`). Not public.
    async fn sector_chain(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
        municipality: Option<enums::MunicipalityCode>,
    ) -> async_graphql::Result<SectorChain> {
        let request = request(ctx)?;
        let segments = chain::sector_chain(&request.db, &request.viewer, sector.into()).await?;
        let municipality = match municipality {
            Some(code) => Some(
                lookup::municipality(&request.db, code.into())
                    .await?
                    .ok_or_else(|| Error::not_found("no such municipality"))?
                    .id,
            ),
            None => None,
        };
        Ok(SectorChain {
            segments,
            municipality,
        })
    }

    /// Supplier city × customer city counts of the sector's supply links. Not public.
    async fn cross_municipality_flows(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
    ) -> async_graphql::Result<Vec<Flow>> {
        let request = request(ctx)?;
        Ok(
            chain::cross_municipality_flows(&request.db, &request.viewer, sector.into())
                .await?
                .into_iter()
                .map(Flow)
                .collect(),
        )
    }

    /// Customers whose only in-area supplier for a segment of the sector is one unit. Not public.
    async fn single_source_dependencies(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
        #[graphql(default = 100)] first: i32,
    ) -> async_graphql::Result<Vec<SingleSourceDependency>> {
        let request = request(ctx)?;
        let found = chain::single_source_dependencies(
            &request.db,
            &request.viewer,
            sector.into(),
            i64::from(first),
        )
        .await?;
        Ok(found.into_iter().map(SingleSourceDependency).collect())
    }
}
