//! The root query fields of DESIGN.md, grouped by area and merged into one `Query`.

use std::sync::Arc;

use async_graphql::{Context, ID, MergedObject, Object};
use entity::{enums::OrganizationKind, organization};

use super::{
    connection::{Conn, TotalCount, connection, page_cost},
    enums,
    inputs::{
        AllianceFilter, AllianceOrderBy, AuditEventFilter, MembershipFilter, MembershipOrderBy,
        OrganizationFilter, OrganizationOrderBy, ParkFilter, ParkOrderBy, PersonFilter,
        PersonOrderBy, ProjectFilter, ProjectOrderBy, SupplyLinkFilter, SupplyLinkOrderBy,
        SupportMeasureFilter, SupportMeasureOrderBy,
    },
    request,
    types::{
        self,
        activity::{Person, Project, SupplyLink, SupportMeasure},
        alliance::{Alliance, Membership, Post},
        change::{AuditEvent, Change, ChangeType},
        node::Node,
        organization::{Enterprise, Organization, University},
        reference::{Department, Municipality, Park, Sector},
        row,
        viewer::Viewer,
    },
};
use crate::{
    domain::id::{self, Kind},
    error::Error,
    service::{
        chain,
        listing::{self, Listing},
        load::Scoped,
        lookup,
        page::{Page, PageRequest},
    },
};

/// The root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    ReferenceQuery,
    OrganizationQuery,
    AllianceQuery,
    ActivityQuery,
    FeedQuery,
    ChainQuery,
    StatsQuery,
);

/// Pages a listing and wraps it as a connection with a lazy `totalCount`.
async fn list<E, N>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    page: PageRequest,
    node: impl FnMut(E::Model) -> N,
) -> async_graphql::Result<Conn<N>>
where
    E: Scoped,
    E::Model: Sync,
    N: async_graphql::OutputType,
{
    let request = request(ctx)?;
    let rows: Page<E::Model> = listing.page(&request.db, &page).await?;
    Ok(connection(
        rows,
        TotalCount::Listing(Arc::new(listing)),
        node,
    ))
}

fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageRequest {
    PageRequest {
        first,
        after,
        last,
        before,
    }
}

fn decode(global: &ID, kind: Kind) -> Result<i64, Error> {
    id::decode_as(global, kind)
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The caller: who they are and what they may do.
    async fn viewer(&self) -> Viewer {
        Viewer
    }

    /// Any object by its global id (null if absent or not visible to the caller).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        Node::load(ctx, &id).await
    }

    /// Objects by global id, in the order asked (null where absent or not visible). At most 100.
    #[graphql(complexity = "ids.len() * child_complexity + 1")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(Error::bad_input("at most 100 ids per request").into());
        }
        let lookups = ids.iter().map(|id| Node::load(ctx, id));
        futures::future::try_join_all(lookups).await
    }
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The participating departments.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Department>> {
        let listing = listing::departments(&request(ctx)?.viewer);
        list(ctx, listing, page(first, after, last, before), Department).await
    }

    async fn department(
        &self,
        ctx: &Context<'_>,
        code: enums::DepartmentCode,
    ) -> async_graphql::Result<Option<Department>> {
        Ok(lookup::department(&request(ctx)?.db, code.into())
            .await?
            .map(Department))
    }

    /// The three cities and one base.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn municipalities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Municipality>> {
        let listing = listing::municipalities(&request(ctx)?.viewer);
        list(ctx, listing, page(first, after, last, before), Municipality).await
    }

    async fn municipality(
        &self,
        ctx: &Context<'_>,
        code: enums::MunicipalityCode,
    ) -> async_graphql::Result<Option<Municipality>> {
        Ok(lookup::municipality(&request(ctx)?.db, code.into())
            .await?
            .map(Municipality))
    }

    /// The key industries.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Sector>> {
        let listing = listing::sectors(&request(ctx)?.viewer);
        list(ctx, listing, page(first, after, last, before), Sector).await
    }

    async fn sector(
        &self,
        ctx: &Context<'_>,
        code: enums::SectorCode,
    ) -> async_graphql::Result<Option<Sector>> {
        Ok(lookup::sector(&request(ctx)?.db, code.into())
            .await?
            .map(Sector))
    }

    /// Industrial parks and development zones.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn parks(
        &self,
        ctx: &Context<'_>,
        filter: Option<ParkFilter>,
        order_by: Option<Vec<ParkOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Park>> {
        let filter = ParkFilter::convert(filter)?;
        let listing = listing::parks(
            &request(ctx)?.viewer,
            filter.as_ref(),
            &ParkOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), Park).await
    }

    async fn park(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Park>> {
        Ok(
            row::<entity::industrial_park::Entity>(ctx, decode(&id, Kind::Park)?)
                .await?
                .map(Park),
        )
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

impl OrganizationQuery {
    /// Organizations of some kinds (all kinds when empty), each made into its API node.
    async fn organizations_of<N: async_graphql::OutputType>(
        ctx: &Context<'_>,
        kinds: &[OrganizationKind],
        filter: Option<OrganizationFilter>,
        order_by: Option<Vec<OrganizationOrderBy>>,
        page: PageRequest,
        node: impl FnMut(organization::Model) -> N,
    ) -> async_graphql::Result<Conn<N>> {
        let filter = OrganizationFilter::convert(filter)?;
        let order = OrganizationOrderBy::sorts(order_by);
        let listing =
            listing::organizations(&request(ctx)?.viewer, kinds, filter.as_ref(), &order)?;
        list(ctx, listing, page, node).await
    }
}

#[Object]
impl OrganizationQuery {
    /// Every unit, of every kind.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        order_by: Option<Vec<OrganizationOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Organization>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        Self::organizations_of(ctx, &[], filter, order_by, page, |m| {
            Organization::new(&viewer, m)
        })
        .await
    }

    /// Enterprises only.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn enterprises(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        order_by: Option<Vec<OrganizationOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Enterprise>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        let kinds = [OrganizationKind::Enterprise];
        Self::organizations_of(ctx, &kinds, filter, order_by, page, |m| {
            Enterprise(viewer.organization(m))
        })
        .await
    }

    /// Universities and colleges only.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn universities(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        order_by: Option<Vec<OrganizationOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<University>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        let kinds = [OrganizationKind::University];
        Self::organizations_of(ctx, &kinds, filter, order_by, page, |m| {
            University(viewer.organization(m))
        })
        .await
    }

    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, decode(&id, Kind::Organization)?).await
    }

    /// The live unit with this Unified Social Credit Code (input is trimmed, full-width folded,
    /// upper-cased and checksum-validated).
    async fn organization_by_uscc(
        &self,
        ctx: &Context<'_>,
        uscc: String,
    ) -> async_graphql::Result<Option<Organization>> {
        let request = request(ctx)?;
        let found = lookup::organization_by_uscc(&request.db, &request.viewer, &uscc).await?;
        Ok(found.map(|m| Organization::new(&request.viewer, m)))
    }
}

/// The answer for one code of `membershipsByUscc`.
pub struct UsccMemberships(lookup::UsccMemberships);

#[Object]
impl UsccMemberships {
    /// The code, normalised.
    async fn uscc(&self) -> &str {
        &self.0.uscc
    }
    /// The unit, if one with this code is registered (and visible to the caller).
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let viewer = request(ctx)?.viewer.clone();
        Ok(self
            .0
            .organization
            .clone()
            .map(|m| Organization::new(&viewer, m)))
    }
    /// Its memberships, with their posts.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        let viewer = request(ctx)?.viewer.clone();
        Ok(self
            .0
            .memberships
            .iter()
            .cloned()
            .map(|m| Membership::new(&viewer, m))
            .collect())
    }
}

#[derive(Default)]
pub struct AllianceQuery;

#[Object]
impl AllianceQuery {
    /// Alliances (PUBLIC: founded ones only).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        filter: Option<AllianceFilter>,
        order_by: Option<Vec<AllianceOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Alliance>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = AllianceFilter::convert(filter)?;
        let listing =
            listing::alliances(&viewer, filter.as_ref(), &AllianceOrderBy::sorts(order_by))?;
        list(ctx, listing, page(first, after, last, before), |m| {
            Alliance::new(&viewer, m)
        })
        .await
    }

    async fn alliance(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, decode(&id, Kind::Alliance)?).await
    }

    /// Posts still held whose term ends within `withinDays` (default 90), soonest first: coming
    /// elections for the office's dashboard. Optionally of one alliance. Not public.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn expiring_posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 90)] within_days: i32,
        alliance: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Post>> {
        let alliance = alliance.map(|a| decode(&a, Kind::Alliance)).transpose()?;
        let today = chrono::Utc::now().date_naive();
        let listing = listing::expiring_posts(&request(ctx)?.viewer, today, within_days, alliance)?;
        list(ctx, listing, PageRequest::forward(first, after), Post).await
    }

    /// Memberships of every alliance (PUBLIC: active memberships of founded alliances).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        filter: Option<MembershipFilter>,
        order_by: Option<Vec<MembershipOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Membership>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = MembershipFilter::convert(filter)?;
        let listing = listing::memberships(
            &viewer,
            filter.as_ref(),
            &MembershipOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), |m| {
            Membership::new(&viewer, m)
        })
        .await
    }

    /// "Which alliances is each of these units in, since when, in which post?" for up to 100
    /// USCCs in one request, answered in the order asked.
    #[graphql(complexity = "usccs.len() * child_complexity + 1")]
    async fn memberships_by_uscc(
        &self,
        ctx: &Context<'_>,
        usccs: Vec<String>,
    ) -> async_graphql::Result<Vec<UsccMemberships>> {
        let request = request(ctx)?;
        Ok(
            lookup::memberships_by_uscc(&request.db, &request.viewer, &usccs)
                .await?
                .into_iter()
                .map(UsccMemberships)
                .collect(),
        )
    }
}

#[derive(Default)]
pub struct ActivityQuery;

#[Object]
impl ActivityQuery {
    /// People (not public). Contact details are masked unless the caller may see them.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn people(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonFilter>,
        order_by: Option<Vec<PersonOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Person>> {
        let request = request(ctx)?;
        let filter = PersonFilter::convert(filter)?;
        let listing = listing::people(
            &request.viewer,
            filter.as_ref(),
            &PersonOrderBy::sorts(order_by),
        )?;
        let rows = listing
            .page(&request.db, &page(first, after, last, before))
            .await?;
        let mut guarded = Vec::with_capacity(rows.items.len());
        for (cursor, model) in rows.items {
            guarded.push((cursor, Person::guard(ctx, model).await?));
        }
        let rows = Page {
            items: guarded,
            has_next: rows.has_next,
            has_previous: rows.has_previous,
        };
        Ok(connection(
            rows,
            TotalCount::Listing(Arc::new(listing)),
            |p| p,
        ))
    }

    /// Joint projects (not public).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<Vec<ProjectOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Project>> {
        let filter = ProjectFilter::convert(filter)?;
        let listing = listing::projects(
            &request(ctx)?.viewer,
            filter.as_ref(),
            &ProjectOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), Project).await
    }

    /// Departments' support measures (not public; detail only for OFFICE and the owner).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn support_measures(
        &self,
        ctx: &Context<'_>,
        filter: Option<SupportMeasureFilter>,
        order_by: Option<Vec<SupportMeasureOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<SupportMeasure>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = SupportMeasureFilter::convert(filter)?;
        let listing = listing::support_measures(
            &viewer,
            filter.as_ref(),
            &SupportMeasureOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), |m| {
            SupportMeasure::new(&viewer, m)
        })
        .await
    }

    /// The industrial-chain graph's edges (not public; values for OFFICE only).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn supply_links(
        &self,
        ctx: &Context<'_>,
        filter: Option<SupplyLinkFilter>,
        order_by: Option<Vec<SupplyLinkOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<SupplyLink>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = SupplyLinkFilter::convert(filter)?;
        let listing = listing::supply_links(
            &viewer,
            filter.as_ref(),
            &SupplyLinkOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), |m| {
            SupplyLink::new(&viewer, m)
        })
        .await
    }
}

#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// What changed since `after`, in commit order, for department systems to sync from (not
    /// public). Each change names the object; read it through `node` with your permissions.
    /// Resume from the last `cursor` (or `pageInfo.endCursor`): every change comes exactly once.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        types: Option<Vec<ChangeType>>,
        first: Option<i32>,
    ) -> async_graphql::Result<Conn<Change>> {
        let kinds: Vec<_> = types
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let tables = crate::service::changes::ChangeKind::tables(&kinds);
        let listing = listing::changes(&request(ctx)?.viewer, &tables)?;
        list(ctx, listing, PageRequest::forward(first, after), Change).await
    }

    /// The audit trail, newest first: every mutation, allowed or denied. OFFICE sees all; others
    /// their own actions.
    #[graphql(complexity = "page_cost(first, None, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<AuditEvent>> {
        let filter = AuditEventFilter::convert(filter)?;
        let listing = listing::audit_events(&request(ctx)?.viewer, filter.as_ref())?;
        list(ctx, listing, PageRequest::forward(first, after), AuditEvent).await
    }
}

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
        #[graphql(default_with = "types::chain::ChainDirection::Both")]
        direction: types::chain::ChainDirection,
        #[graphql(default = 3)] max_depth: i32,
        sectors: Option<Vec<enums::SectorCode>>,
        segments: Option<Vec<ID>>,
    ) -> async_graphql::Result<types::chain::ChainNeighborhood> {
        let request = request(ctx)?;
        let start = decode(&organization_id, Kind::Organization)?;
        let sectors: Vec<_> = sectors
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let segments: Vec<i64> = segments
            .unwrap_or_default()
            .iter()
            .map(|s| decode(s, Kind::ChainSegment))
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
        Ok(types::chain::ChainNeighborhood(found))
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
    ) -> async_graphql::Result<Vec<types::chain::ChainPath>> {
        let request = request(ctx)?;
        let (from, to) = (
            decode(&from_id, Kind::Organization)?,
            decode(&to_id, Kind::Organization)?,
        );
        let first = usize::try_from(first)
            .map_err(|_| Error::bad_input("`first` must be between 1 and 100"))?;
        let paths =
            chain::shortest_paths(&request.db, &request.viewer, from, to, max_depth, first).await?;
        Ok(paths.into_iter().map(types::chain::ChainPath).collect())
    }

    /// A sector's chain upstream → downstream: per segment its enterprises per city, leaders,
    /// concentration, and the gaps (segments with no enterprise in the metro area, or in
    /// `municipality`). Not public.
    async fn sector_chain(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
        municipality: Option<enums::MunicipalityCode>,
    ) -> async_graphql::Result<types::chain::SectorChain> {
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
        Ok(types::chain::SectorChain {
            segments,
            municipality,
        })
    }

    /// Supplier city × customer city counts of the sector's supply links. Not public.
    async fn cross_municipality_flows(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
    ) -> async_graphql::Result<Vec<types::chain::Flow>> {
        let request = request(ctx)?;
        Ok(
            chain::cross_municipality_flows(&request.db, &request.viewer, sector.into())
                .await?
                .into_iter()
                .map(types::chain::Flow)
                .collect(),
        )
    }

    /// Customers whose only in-area supplier for a segment of the sector is one unit. Not public.
    async fn single_source_dependencies(
        &self,
        ctx: &Context<'_>,
        sector: enums::SectorCode,
        #[graphql(default = 100)] first: i32,
    ) -> async_graphql::Result<Vec<types::chain::SingleSourceDependency>> {
        let request = request(ctx)?;
        let found = chain::single_source_dependencies(
            &request.db,
            &request.viewer,
            sector.into(),
            i64::from(first),
        )
        .await?;
        Ok(found
            .into_iter()
            .map(types::chain::SingleSourceDependency)
            .collect())
    }
}

#[derive(Default)]
pub struct StatsQuery;

/// The API form of a raw group-key value: codes stay codes, ids become global ids.
fn key_value(kind: Option<Kind>, raw: &Option<String>) -> Option<String> {
    match (kind, raw) {
        (Some(kind), Some(raw)) => raw.parse::<i64>().ok().map(|id| id::encode(kind, id)),
        (None, raw) => raw.clone(),
        (_, None) => None,
    }
}

fn groups<D: Copy>(
    rows: Vec<crate::service::stats::Group>,
    dims: &[D],
    name: impl Fn(D) -> (String, Option<Kind>),
) -> Vec<types::stats::StatGroup> {
    let named: Vec<(String, Option<Kind>)> = dims.iter().map(|d| name(*d)).collect();
    rows.into_iter()
        .map(|group| {
            let values = group
                .key
                .iter()
                .zip(&named)
                .map(|(raw, (_, kind))| key_value(*kind, raw))
                .collect();
            types::stats::StatGroup {
                dimensions: named.iter().map(|(n, _)| n.clone()).collect(),
                values,
                group,
            }
        })
        .collect()
}

#[Object]
impl StatsQuery {
    /// Units and enterprise figures grouped by up to four dimensions, computed in SQL. Figures
    /// (count, sum, average, min, max) are aggregates for every role; below OFFICE, groups of
    /// fewer than three enterprises come back suppressed, as do cells that would reveal them.
    async fn enterprise_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<types::stats::EnterpriseGroupBy>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<Vec<types::stats::StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<crate::service::stats::EnterpriseDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let filter = OrganizationFilter::convert(filter)?;
        let rows = crate::service::stats::enterprise_stats(
            &request.db,
            &request.stats,
            &request.viewer,
            &dims,
            filter.as_ref(),
        )
        .await?;
        Ok(groups(rows, &group_by, |d| {
            use types::stats::EnterpriseGroupBy as G;
            let kind = match d {
                G::Municipality => Some(Kind::Municipality),
                G::Park => Some(Kind::Park),
                G::Sector => Some(Kind::Sector),
                G::Segment => Some(Kind::ChainSegment),
                _ => None,
            };
            (async_graphql::Value::from(d).to_string(), kind)
        }))
    }

    /// Members by alliance, kind and city, and per year.
    async fn alliance_stats(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<types::stats::AllianceStats> {
        let request = request(ctx)?;
        let (alliances, over_time) =
            crate::service::stats::alliance_stats(&request.db, &request.viewer).await?;
        Ok(types::stats::AllianceStats {
            alliances,
            over_time,
        })
    }

    /// Support measures (not revoked) grouped by up to four dimensions: count and amount figures,
    /// with the same suppression; TAX_INCENTIVE amounts count only for OFFICE and TAX.
    async fn support_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<types::stats::SupportGroupBy>,
    ) -> async_graphql::Result<Vec<types::stats::StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<crate::service::stats::SupportDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let rows = crate::service::stats::support_stats(
            &request.db,
            &request.stats,
            &request.viewer,
            &dims,
        )
        .await?;
        Ok(groups(rows, &group_by, |d| {
            use types::stats::SupportGroupBy as G;
            let kind = match d {
                G::Alliance => Some(Kind::Alliance),
                G::Municipality => Some(Kind::Municipality),
                _ => None,
            };
            (async_graphql::Value::from(d).to_string(), kind)
        }))
    }
}
