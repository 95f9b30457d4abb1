//! The directory's root lists and lookups.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use entity::{enums::OrganizationKind, industrial_park, organization};

use super::{
    Department, Enterprise, Municipality, Organization, Park, Person, Sector, SupplyLink, Unit,
    UnitObject, University, organization_columns, preload_organizations,
};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, TotalCount, connection, list, page},
        enums,
        inputs::{
            OrganizationFilter, OrganizationOrderBy, ParkFilter, ParkOrderBy, PersonFilter,
            PersonOrderBy, SupplyLinkFilter, SupplyLinkOrderBy,
        },
        loader::row,
        preload::{self, Selection},
        request,
    },
    service::{
        listing::{self, Archived},
        lookup,
        page::{Page, PageRequest},
    },
};

/// Reference data and parks.
#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The participating departments.
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
        #[graphql(desc = "Archived ones too (history; not public).")] include_archived: Option<
            bool,
        >,
    ) -> async_graphql::Result<Conn<Park>> {
        let filter = ParkFilter::convert(filter)?;
        let listing = listing::parks(
            &request(ctx)?.viewer,
            filter.as_ref(),
            &ParkOrderBy::sorts(order_by),
            Archived::from_flag(include_archived),
        )?;
        list(ctx, listing, page(first, after, last, before), Park).await
    }

    async fn park(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Park>> {
        Ok(
            row::<industrial_park::Model>(ctx, id::decode_as(&id, Kind::Park)?)
                .await?
                .map(Park),
        )
    }
}

/// Organizations, of every kind or one.
#[derive(Default)]
pub struct OrganizationQuery;

impl OrganizationQuery {
    /// Organizations of some kinds (all kinds when empty), each made into its API node.
    async fn organizations_of<N: UnitObject>(
        ctx: &Context<'_>,
        kinds: &[OrganizationKind],
        filter: Option<OrganizationFilter>,
        order_by: Option<Vec<OrganizationOrderBy>>,
        page: PageRequest,
        include_archived: Option<bool>,
        mut node: impl FnMut(organization::Model) -> N,
    ) -> async_graphql::Result<Conn<Unit<N>>> {
        let filter = OrganizationFilter::convert(filter)?;
        let order = OrganizationOrderBy::sorts(order_by);
        let request = request(ctx)?;
        let listing = listing::organizations(
            &request.viewer,
            kinds,
            filter.as_ref(),
            &order,
            Archived::from_flag(include_archived),
        )?;
        let selection = Selection::of_connection(ctx);
        let columns = organization_columns(&selection);
        // A unit's park is read with the unit, in the page's statement.
        let (rows, parks) = if selection.has("park") && preload::preloads(ctx) {
            let rows = listing
                .page_joined::<industrial_park::Entity>(
                    &request.db,
                    &request.viewer,
                    &page,
                    columns,
                    organization::Column::ParkId,
                )
                .await?;
            let parks: Vec<(i64, Option<industrial_park::Model>)> = rows
                .items
                .iter()
                .filter_map(|(_, (unit, park))| unit.park_id.map(|id| (id, park.clone())))
                .collect();
            preload::feed(ctx, parks.clone()).await?;
            let parks = parks.into_iter().filter_map(|(_, park)| park).collect();
            (rows.map(|(unit, _)| unit), Some(parks))
        } else {
            let rows = listing.page_reading(&request.db, &page, columns).await?;
            (rows, None)
        };
        let units: Vec<&organization::Model> = rows.items.iter().map(|(_, unit)| unit).collect();
        let mut held = preload_organizations(ctx, &units, &selection, parks).await?;
        let viewer = &request.viewer;
        Ok(connection(
            rows,
            TotalCount::Listing(Arc::new(listing)),
            |row| held.unit(viewer, node(row)),
        ))
    }
}

#[Object]
impl OrganizationQuery {
    /// Every unit, of every kind.
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
        #[graphql(desc = "Archived ones too (history; not public).")] include_archived: Option<
            bool,
        >,
    ) -> async_graphql::Result<Conn<Unit<Organization>>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        Self::organizations_of(ctx, &[], filter, order_by, page, include_archived, |m| {
            Organization::new(&viewer, m)
        })
        .await
    }

    /// Enterprises only.
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
        #[graphql(desc = "Archived ones too (history; not public).")] include_archived: Option<
            bool,
        >,
    ) -> async_graphql::Result<Conn<Unit<Enterprise>>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        let kinds = [OrganizationKind::Enterprise];
        Self::organizations_of(ctx, &kinds, filter, order_by, page, include_archived, |m| {
            Enterprise(viewer.organization(m))
        })
        .await
    }

    /// Universities and colleges only.
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
        #[graphql(desc = "Archived ones too (history; not public).")] include_archived: Option<
            bool,
        >,
    ) -> async_graphql::Result<Conn<Unit<University>>> {
        let viewer = request(ctx)?.viewer.clone();
        let page = page(first, after, last, before);
        let kinds = [OrganizationKind::University];
        Self::organizations_of(ctx, &kinds, filter, order_by, page, include_archived, |m| {
            University(viewer.organization(m))
        })
        .await
    }

    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Organization>> {
        let id = id::decode_as(&id, Kind::Organization)?;
        let viewer = request(ctx)?.viewer.clone();
        // Read at once, not batched: a root lookup has no siblings for a batching window to
        // gather.
        Ok(preload::rows::<organization::Model>(ctx, [id])
            .await?
            .pop()
            .map(|m| Organization::new(&viewer, m)))
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

/// `people`.
#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// People (not public). Contact details are masked unless the caller may see them.
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
}

/// `supplyLinks`: the chain graph's edges as a list.
#[derive(Default)]
pub struct SupplyLinkQuery;

#[Object]
impl SupplyLinkQuery {
    /// The industrial-chain graph's edges (not public; values for OFFICE only).
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
        #[graphql(desc = "Archived ones too (history; not public).")] include_archived: Option<
            bool,
        >,
    ) -> async_graphql::Result<Conn<SupplyLink>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = SupplyLinkFilter::convert(filter)?;
        let listing = listing::supply_links(
            &viewer,
            filter.as_ref(),
            &SupplyLinkOrderBy::sorts(order_by),
            Archived::from_flag(include_archived),
        )?;
        list(ctx, listing, page(first, after, last, before), |m| {
            SupplyLink::new(&viewer, m)
        })
        .await
    }
}
