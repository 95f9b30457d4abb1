//! Rankings for dashboards: the top enterprises by a figure, the top groups (cities, parks,
//! sectors, …) by a protected statistic, and alliances by members, projects, results and support.
//! A ranking of units by a restricted figure would publish each unit's figure in order, so below
//! OFFICE it is refused ([`disclosure::check_unit_ranking`]); a ranking of groups is a statistic
//! and follows its protection: suppressed groups are left out, and figures carry their noise.

use entity::organization;
use sea_orm::{
    ConnectionTrait,
    sea_query::{Alias, Expr, ExprTrait, Order, Query},
};

use super::{
    access::Viewer,
    disclosure,
    filter::Filter,
    listing::OrganizationField,
    stats::{
        self, EnterpriseDimension, Group, Statistics, SupportDimension, YearRange, figure_column,
    },
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// Most entries a ranking gives.
pub const MAX_RANKED: u64 = 100;

/// What a ranking of groups is ordered by (and a map's density layer shows): the units
/// counted, or the sum of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupMeasure {
    Count,
    Sum(&'static str),
}

impl GroupMeasure {
    /// The figures the statistic must compute for it.
    pub fn asked(self) -> Vec<stats::Asked> {
        match self {
            Self::Count => Vec::new(),
            Self::Sum(figure) => vec![(figure, stats::Parts::SUM)],
        }
    }

    /// Its value in a group as published (`None` for a suppressed group).
    pub fn value_of(self, group: &Group) -> Option<f64> {
        if group.suppressed() {
            return None;
        }
        match self {
            Self::Count => Some(group.count as f64),
            Self::Sum(name) => group
                .figures
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, a)| a.sum),
        }
    }
}

fn check_first(first: u64) -> Result<u64> {
    if first == 0 || first > MAX_RANKED {
        return Err(Error::bad_input(format!(
            "`first` must lie between 1 and {MAX_RANKED}"
        )));
    }
    Ok(first)
}

/// The enterprises with the highest `figure` (its profile value, or that of `year`), in
/// order, with the value: `(organization id, value)`.
pub async fn enterprise_ranking(
    db: &Store,
    viewer: &Viewer,
    figure: &'static str,
    first: u64,
    year: Option<i32>,
    filter: Option<&Filter<OrganizationField>>,
) -> Result<Vec<(i64, i64)>> {
    viewer.require_signed_in("rankings")?;
    disclosure::check_unit_ranking(viewer, figure)?;
    let first = check_first(first)?;
    let condition = super::listing::condition_of(filter, viewer.organization_filter_withheld())?;
    let column = figure_column(figure, year.is_some())
        .ok_or_else(|| Error::bad_input(format!("`{figure}` is recorded by year: give `year`")))?;
    let mut select = Query::select();
    select
        .from(organization::Entity)
        .expr_as(Expr::cust("organization.id"), Alias::new("id"))
        .expr_as(
            Expr::cust(format!("CAST({column} AS BIGINT)")),
            Alias::new("value"),
        )
        .and_where(Expr::cust("organization.archived_at IS NULL"))
        .and_where(Expr::cust(format!("{column} IS NOT NULL")))
        .cond_where(condition)
        .order_by_expr(Expr::cust(column), Order::Desc)
        .order_by_expr(Expr::cust("organization.id"), Order::Asc)
        .limit(first);
    match year {
        Some(year) => select.inner_join(
            Alias::new("enterprise_figure"),
            Expr::cust(format!(
                "enterprise_figure.organization_id = organization.id AND enterprise_figure.year = {year}"
            )),
        ),
        None => select.inner_join(
            Alias::new("enterprise_profile"),
            Expr::cust("enterprise_profile.organization_id = organization.id"),
        ),
    };
    let rows = db
        .query_all_raw(db.get_database_backend().build(&select))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "id").map_err(Error::internal)?,
                row.try_get("", "value").map_err(Error::internal)?,
            ))
        })
        .collect()
}

/// The groups of one dimension with the highest measure, from the same (cached, protected)
/// statistic `enterpriseStats` answers; suppressed groups are not ranked.
#[allow(clippy::too_many_arguments)]
pub async fn group_ranking(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    dimension: EnterpriseDimension,
    measure: GroupMeasure,
    first: u64,
    years: Option<YearRange>,
    filter: Option<&Filter<OrganizationField>>,
) -> Result<Vec<Group>> {
    let first = check_first(first)?;
    if dimension == EnterpriseDimension::Year {
        return Err(Error::bad_input(
            "rank cities, parks, sectors, segments, scales, kinds or designations; a series by year is `enterpriseStats`",
        ));
    }
    let groups = stats::enterprise_stats(
        db,
        statistics,
        viewer,
        &[dimension],
        filter,
        years,
        &measure.asked(),
    )
    .await?;
    Ok(ranked(groups, measure, first))
}

/// Alliances by support received (the protected `supportStats` by alliance).
pub async fn alliances_by_support(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    first: u64,
) -> Result<Vec<Group>> {
    let first = check_first(first)?;
    let groups =
        stats::support_stats(db, statistics, viewer, &[SupportDimension::Alliance]).await?;
    Ok(ranked(groups, GroupMeasure::Sum("amount"), first)
        .into_iter()
        .filter(|g| g.key.first().is_some_and(Option::is_some))
        .collect())
}

fn ranked(groups: Vec<Group>, measure: GroupMeasure, first: u64) -> Vec<Group> {
    let mut groups: Vec<(f64, Group)> = groups
        .into_iter()
        .filter_map(|g| measure.value_of(&g).map(|v| (v, g)))
        .collect();
    groups.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.key.cmp(&b.1.key)));
    groups
        .into_iter()
        .take(first as usize)
        .map(|(_, g)| g)
        .collect()
}

/// What alliances are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllianceCount {
    /// Active members.
    Members,
    /// Joint projects (any stage).
    Projects,
    /// Results of joint work.
    Results,
}

/// Alliances the viewer may see, by a count (structure, not figures: no suppression), highest
/// first: `(alliance id, count)`.
pub async fn alliances_by_count(
    db: &Store,
    viewer: &Viewer,
    count: AllianceCount,
    first: u64,
) -> Result<Vec<(i64, i64)>> {
    use sea_orm::{EntityTrait, QueryFilter, QuerySelect, QueryTrait};
    viewer.require_signed_in("rankings")?;
    let first = check_first(first)?;
    let (table, live) = match count {
        AllianceCount::Members => ("membership", "membership.status = 'ACTIVE'"),
        AllianceCount::Projects => ("project", "1 = 1"),
        AllianceCount::Results => ("joint_result", "1 = 1"),
    };
    let visible = entity::alliance::Entity::find()
        .select_only()
        .column(entity::alliance::Column::Id)
        .filter(viewer.alliance_scope())
        .into_query();
    let mut select = Query::select();
    select
        .from(entity::alliance::Entity)
        .left_join(
            Alias::new(table),
            Expr::cust(format!("{table}.alliance_id = alliance.id AND {live}")),
        )
        .expr_as(Expr::cust("alliance.id"), Alias::new("id"))
        .expr_as(Expr::cust(format!("COUNT({table}.id)")), Alias::new("n"))
        .and_where(
            Expr::col((entity::alliance::Entity, entity::alliance::Column::Id))
                .in_subquery(visible),
        )
        .add_group_by([Expr::cust("alliance.id")])
        .order_by_expr(Expr::cust(format!("COUNT({table}.id)")), Order::Desc)
        .order_by_expr(Expr::cust("alliance.id"), Order::Asc)
        .limit(first);
    let rows = db
        .query_all_raw(db.get_database_backend().build(&select))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "id").map_err(Error::internal)?,
                row.try_get("", "n").map_err(Error::internal)?,
            ))
        })
        .collect()
}
