//! Statistics for dashboards, computed in SQL with GROUP BY and made safe to publish:
//! below OFFICE, a group of fewer than [`MIN_CELL`] enterprises (or beneficiaries) is returned
//! suppressed, without figures, and complementary suppression makes sure no suppressed cell can be
//! recovered by subtraction: along every line of the table (all dimensions fixed but one) there
//! are either no suppressed cells or at least two.

use std::collections::HashMap;

use entity::{enterprise_profile, organization};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, QueryResult,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};

use super::{
    access::Viewer,
    filter::Filter,
    listing::{OrganizationField, condition_of},
};
use crate::error::{Error, Result};

/// Smallest group whose figures are published below OFFICE.
pub const MIN_CELL: i64 = 3;

/// Statistics answered since the last committed change. The key is the request's shape and the
/// viewer's suppression class; an entry is good while the audit trail's highest id (which every
/// write on every replica moves) is unchanged. Writes made outside the API are not seen.
#[derive(Debug, Default)]
pub struct StatsCache {
    entries: std::sync::Mutex<HashMap<String, (i64, Vec<Group>)>>,
}

/// Most entries kept; beyond, the cache starts afresh.
const CACHE_ENTRIES: usize = 1000;

impl StatsCache {
    fn get(&self, key: &str, watermark: i64) -> Option<Vec<Group>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(mark, _)| *mark == watermark)
            .map(|(_, groups)| groups.clone())
    }

    fn put(&self, key: String, watermark: i64, groups: &[Group]) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CACHE_ENTRIES {
                entries.clear();
            }
            entries.insert(key, (watermark, groups.to_vec()));
        }
    }
}

/// The audit trail's highest id: it moves with every committed change.
async fn watermark(db: &DatabaseConnection) -> Result<i64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS mark FROM audit_event",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "mark"))
        .transpose()
        .map_err(Error::internal)?
        .unwrap_or(0))
}

/// Who sees what of a statistic: exactly the two permissions that change its answer.
fn viewer_class(viewer: &Viewer) -> String {
    format!(
        "small-cells:{},tax-incentives:{}",
        viewer.sees_small_cells(),
        viewer.sees_tax_incentive_amounts()
    )
}

/// Answers from the cache, or computes and keeps the answer.
async fn cached<F>(
    db: &DatabaseConnection,
    cache: &StatsCache,
    viewer: &Viewer,
    shape: String,
    compute: F,
) -> Result<Vec<Group>>
where
    F: std::future::Future<Output = Result<Vec<Group>>>,
{
    let key = format!("{}|{shape}", viewer_class(viewer));
    let mark = watermark(db).await?;
    if let Some(groups) = cache.get(&key, mark) {
        return Ok(groups);
    }
    let groups = compute.await?;
    cache.put(key, mark, &groups);
    Ok(groups)
}

/// What enterprise statistics may be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnterpriseDimension {
    Municipality,
    Park,
    Sector,
    Segment,
    Scale,
    Kind,
    FoundedYear,
}

/// What support statistics may be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SupportDimension {
    Department,
    Kind,
    Year,
    Alliance,
    Municipality,
}

/// count, sum, average, min and max of one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Aggregate {
    pub sum: Option<f64>,
    pub avg: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A group key: one value per dimension asked for, in the order asked (`None` = no value).
pub type Key = Vec<Option<String>>;

/// One group of a statistics table.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: Key,
    /// Units in the group (organizations; support measures).
    pub count: i64,
    /// Enterprises (or distinct beneficiaries) the figures are computed over.
    pub subjects: i64,
    pub figures: Vec<(&'static str, Aggregate)>,
    pub suppressed: bool,
}

fn aggregate(row: &QueryResult, name: &str) -> Result<Aggregate> {
    let get = |suffix: &str| {
        row.try_get::<Option<f64>>("", &format!("{name}_{suffix}"))
            .map_err(Error::internal)
    };
    Ok(Aggregate {
        sum: get("sum")?,
        avg: get("avg")?,
        min: get("min")?,
        max: get("max")?,
    })
}

fn add_aggregates(select: &mut SelectStatement, name: &str, column: &str) {
    for (suffix, function) in [
        ("sum", "SUM"),
        ("avg", "AVG"),
        ("min", "MIN"),
        ("max", "MAX"),
    ] {
        select.expr_as(
            Expr::cust(format!("CAST({function}({column}) AS DOUBLE PRECISION)")),
            Alias::new(format!("{name}_{suffix}")),
        );
    }
}

fn key_of(row: &QueryResult, dimensions: usize) -> Result<Key> {
    (0..dimensions)
        .map(|i| {
            let name = format!("d{i}");
            if let Ok(v) = row.try_get::<Option<i64>>("", &name) {
                return Ok(v.map(|v| v.to_string()));
            }
            if let Ok(v) = row.try_get::<Option<i32>>("", &name) {
                return Ok(v.map(|v| v.to_string()));
            }
            row.try_get::<Option<String>>("", &name)
                .map_err(Error::internal)
        })
        .collect()
}

/// Applies primary and complementary suppression for viewers below OFFICE.
pub fn suppress(groups: &mut [Group], viewer: &Viewer) {
    if viewer.sees_small_cells() {
        return;
    }
    for group in groups.iter_mut() {
        group.suppressed = group.subjects > 0 && group.subjects < MIN_CELL;
    }
    let dimensions = groups.first().map_or(0, |g| g.key.len());
    // A lone suppressed cell in a line (or the whole table, with one dimension) could be
    // recovered from the line's total: suppress the smallest other cell too, until stable.
    loop {
        let mut changed = false;
        for free in 0..dimensions {
            let mut lines: HashMap<Key, Vec<usize>> = HashMap::new();
            for (i, group) in groups.iter().enumerate() {
                let mut line = group.key.clone();
                line.remove(free);
                lines.entry(line).or_default().push(i);
            }
            for cells in lines.values() {
                let hidden = cells.iter().filter(|i| groups[**i].suppressed).count();
                if hidden == 1 {
                    let partner = cells
                        .iter()
                        .filter(|i| !groups[**i].suppressed && groups[**i].subjects > 0)
                        .min_by_key(|i| groups[**i].subjects);
                    if let Some(&i) = partner {
                        groups[i].suppressed = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    for group in groups.iter_mut().filter(|g| g.suppressed) {
        group
            .figures
            .iter_mut()
            .for_each(|(_, a)| *a = Aggregate::default());
    }
}

/// Enterprise statistics grouped by `dimensions` (organizations of every kind are counted;
/// figures come from enterprises). One statement.
pub async fn enterprise_stats(
    db: &DatabaseConnection,
    cache: &StatsCache,
    viewer: &Viewer,
    dimensions: &[EnterpriseDimension],
    filter: Option<&Filter<OrganizationField>>,
) -> Result<Vec<Group>> {
    viewer.require_signed_in("statistics")?;
    let condition = condition_of(filter, viewer.organization_filter_withheld())?;
    cached(
        db,
        cache,
        viewer,
        format!("enterprise|{dimensions:?}|{filter:?}"),
        compute_enterprise_stats(db, viewer, dimensions, condition),
    )
    .await
}

async fn compute_enterprise_stats(
    db: &DatabaseConnection,
    viewer: &Viewer,
    dimensions: &[EnterpriseDimension],
    condition: sea_orm::Condition,
) -> Result<Vec<Group>> {
    if dimensions.len() > 4 {
        return Err(Error::bad_input("group by at most four dimensions"));
    }
    let mut select = Query::select();
    select
        .from(organization::Entity)
        .left_join(
            enterprise_profile::Entity,
            Expr::col((
                enterprise_profile::Entity,
                enterprise_profile::Column::OrganizationId,
            ))
            .equals((organization::Entity, organization::Column::Id)),
        )
        .and_where(Expr::col((organization::Entity, organization::Column::ArchivedAt)).is_null());
    let needs_segment = dimensions.iter().any(|d| {
        matches!(
            d,
            EnterpriseDimension::Sector | EnterpriseDimension::Segment
        )
    });
    if needs_segment {
        // Each unit counts once: under its primary segment.
        select
            .left_join(Alias::new("organization_segment"), Expr::cust("organization_segment.organization_id = organization.id AND organization_segment.is_primary"))
            .left_join(Alias::new("chain_segment"), Expr::cust("chain_segment.id = organization_segment.segment_id"));
    }
    for (i, dimension) in dimensions.iter().enumerate() {
        let column = match dimension {
            EnterpriseDimension::Municipality => "organization.municipality_id",
            EnterpriseDimension::Park => "organization.park_id",
            EnterpriseDimension::Sector => "chain_segment.sector_id",
            EnterpriseDimension::Segment => "organization_segment.segment_id",
            EnterpriseDimension::Scale => "enterprise_profile.scale",
            EnterpriseDimension::Kind => "organization.kind",
            EnterpriseDimension::FoundedYear => "enterprise_profile.founded_year",
        };
        select.expr_as(Expr::cust(column.to_owned()), Alias::new(format!("d{i}")));
        select.add_group_by([Expr::cust(column.to_owned())]);
    }
    select.expr_as(Expr::cust("COUNT(*)"), Alias::new("units"));
    select.expr_as(
        Expr::cust("COUNT(enterprise_profile.organization_id)"),
        Alias::new("subjects"),
    );
    let figures = [
        ("employees", "enterprise_profile.employees"),
        ("annualRevenue", "enterprise_profile.annual_revenue"),
        ("rndSpend", "enterprise_profile.rnd_spend"),
        ("taxPaid", "enterprise_profile.tax_paid"),
    ];
    for (name, column) in figures {
        add_aggregates(&mut select, name, column);
    }
    select.cond_where(condition);
    let rows = db
        .query_all_raw(db.get_database_backend().build(&select))
        .await?;
    let names: Vec<&'static str> = figures.iter().map(|(name, _)| *name).collect();
    groups_of(&rows, dimensions.len(), &names, viewer)
}

/// The groups of a grouped statement's rows (keys `d0…`, counts `units` and `subjects`, the
/// aggregates of each figure), in key order and suppressed for the viewer.
fn groups_of(
    rows: &[QueryResult],
    dimensions: usize,
    figures: &[&'static str],
    viewer: &Viewer,
) -> Result<Vec<Group>> {
    let mut groups = rows
        .iter()
        .map(|row| {
            Ok(Group {
                key: key_of(row, dimensions)?,
                count: row.try_get("", "units").map_err(Error::internal)?,
                subjects: row.try_get("", "subjects").map_err(Error::internal)?,
                figures: figures
                    .iter()
                    .map(|name| Ok((*name, aggregate(row, name)?)))
                    .collect::<Result<_>>()?,
                suppressed: false,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    groups.sort_by(|a, b| a.key.cmp(&b.key));
    suppress(&mut groups, viewer);
    Ok(groups)
}

/// Support statistics grouped by `dimensions`: count and amount aggregates of measures not
/// revoked. Amounts of TAX_INCENTIVE measures enter the figures only for OFFICE and TAX.
pub async fn support_stats(
    db: &DatabaseConnection,
    cache: &StatsCache,
    viewer: &Viewer,
    dimensions: &[SupportDimension],
) -> Result<Vec<Group>> {
    viewer.require_signed_in("statistics")?;
    cached(
        db,
        cache,
        viewer,
        format!("support|{dimensions:?}"),
        compute_support_stats(db, viewer, dimensions),
    )
    .await
}

async fn compute_support_stats(
    db: &DatabaseConnection,
    viewer: &Viewer,
    dimensions: &[SupportDimension],
) -> Result<Vec<Group>> {
    if dimensions.len() > 4 {
        return Err(Error::bad_input("group by at most four dimensions"));
    }
    let backend = db.get_database_backend();
    let year = year_of(backend, "support_measure.granted_on");
    let year = year.as_str();
    let mut select = Query::select();
    select
        .from(Alias::new("support_measure"))
        .left_join(
            Alias::new("organization"),
            Expr::cust("organization.id = support_measure.beneficiary_organization_id"),
        )
        .left_join(
            Alias::new("department"),
            Expr::cust("department.id = support_measure.department_id"),
        )
        .and_where(Expr::cust("support_measure.status <> 'REVOKED'"));
    for (i, dimension) in dimensions.iter().enumerate() {
        let column = match dimension {
            SupportDimension::Department => "department.code",
            SupportDimension::Kind => "support_measure.kind",
            SupportDimension::Year => year,
            SupportDimension::Alliance => "support_measure.beneficiary_alliance_id",
            SupportDimension::Municipality => "organization.municipality_id",
        };
        select.expr_as(Expr::cust(column.to_owned()), Alias::new(format!("d{i}")));
        select.add_group_by([Expr::cust(column.to_owned())]);
    }
    let amount = if viewer.sees_tax_incentive_amounts() {
        "support_measure.amount"
    } else {
        "CASE WHEN support_measure.kind = 'TAX_INCENTIVE' THEN NULL ELSE support_measure.amount END"
    };
    select.expr_as(Expr::cust("COUNT(*)"), Alias::new("units"));
    select.expr_as(
        Expr::cust("COUNT(DISTINCT COALESCE(CAST(support_measure.beneficiary_organization_id AS VARCHAR(20)), 'a' || CAST(support_measure.beneficiary_alliance_id AS VARCHAR(20))))"),
        Alias::new("subjects"),
    );
    add_aggregates(&mut select, "amount", amount);
    let rows = db.query_all_raw(backend.build(&select)).await?;
    groups_of(&rows, dimensions.len(), &["amount"], viewer)
}

/// Members of one alliance, by kind and city (active memberships).
#[derive(Debug, Clone, Default)]
pub struct AllianceMembers {
    pub alliance: i64,
    pub active: i64,
    pub by_kind: Vec<(String, i64)>,
    pub by_municipality: Vec<(Option<i64>, i64)>,
}

/// Memberships per year: joined, left, and active at the year's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembersInYear {
    pub year: i32,
    pub joined: i64,
    pub left: i64,
    pub active: i64,
}

/// The calendar year of a date column, as an integer (NULL stays NULL).
fn year_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"),
        _ => format!("CAST(strftime('%Y', {column}) AS INTEGER)"),
    }
}

/// Members by alliance, kind and city, and over time (structure, not figures: no suppression),
/// from two grouped statements: active members by (alliance, kind, city), and memberships by
/// (year joined, year left).
pub async fn alliance_stats(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<(Vec<AllianceMembers>, Vec<MembersInYear>)> {
    use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
    viewer.require_signed_in("statistics")?;
    let backend = db.get_database_backend();
    let alliances: Vec<i64> = entity::alliance::Entity::find()
        .select_only()
        .column(entity::alliance::Column::Id)
        .filter(viewer.alliance_scope())
        .order_by_asc(entity::alliance::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let visible = || {
        Expr::col((Alias::new("membership"), Alias::new("alliance_id"))).in_subquery(
            entity::alliance::Entity::find()
                .select_only()
                .column(entity::alliance::Column::Id)
                .filter(viewer.alliance_scope())
                .into_query(),
        )
    };

    let mut members = Query::select();
    members
        .from(Alias::new("membership"))
        .inner_join(
            Alias::new("organization"),
            Expr::cust("organization.id = membership.organization_id"),
        )
        .expr_as(Expr::cust("membership.alliance_id"), Alias::new("alliance"))
        .expr_as(Expr::cust("organization.kind"), Alias::new("kind"))
        .expr_as(
            Expr::cust("organization.municipality_id"),
            Alias::new("municipality"),
        )
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .and_where(Expr::cust("membership.status = 'ACTIVE'"))
        .and_where(visible())
        .add_group_by([
            Expr::cust("membership.alliance_id"),
            Expr::cust("organization.kind"),
            Expr::cust("organization.municipality_id"),
        ]);
    let mut cells: Vec<(i64, String, Option<i64>, i64)> = Vec::new();
    for row in db.query_all_raw(backend.build(&members)).await? {
        cells.push((
            row.try_get("", "alliance").map_err(Error::internal)?,
            row.try_get("", "kind").map_err(Error::internal)?,
            row.try_get("", "municipality").map_err(Error::internal)?,
            row.try_get("", "n").map_err(Error::internal)?,
        ));
    }
    let per_alliance = alliances
        .iter()
        .map(|&alliance| {
            let mut kinds: HashMap<String, i64> = HashMap::new();
            let mut cities: HashMap<Option<i64>, i64> = HashMap::new();
            for (_, kind, city, n) in cells.iter().filter(|c| c.0 == alliance) {
                *kinds.entry(kind.clone()).or_default() += n;
                *cities.entry(*city).or_default() += n;
            }
            let mut by_kind: Vec<(String, i64)> = kinds.into_iter().collect();
            by_kind.sort();
            let mut by_municipality: Vec<(Option<i64>, i64)> = cities.into_iter().collect();
            by_municipality.sort();
            AllianceMembers {
                alliance,
                active: by_kind.iter().map(|(_, n)| n).sum(),
                by_kind,
                by_municipality,
            }
        })
        .collect();

    let (joined, left) = (
        year_of(backend, "membership.joined_on"),
        year_of(backend, "membership.left_on"),
    );
    let mut spans = Query::select();
    spans
        .from(Alias::new("membership"))
        .expr_as(Expr::cust(joined.clone()), Alias::new("joined"))
        .expr_as(Expr::cust(left.clone()), Alias::new("left_in"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .and_where(Expr::cust(
            "(membership.joined_on IS NOT NULL OR membership.left_on IS NOT NULL)",
        ))
        .and_where(visible())
        .add_group_by([Expr::cust(joined), Expr::cust(left)]);
    // (year joined, year left, memberships)
    let mut years: Vec<(Option<i32>, Option<i32>, i64)> = Vec::new();
    for row in db.query_all_raw(backend.build(&spans)).await? {
        years.push((
            row.try_get("", "joined").map_err(Error::internal)?,
            row.try_get("", "left_in").map_err(Error::internal)?,
            row.try_get("", "n").map_err(Error::internal)?,
        ));
    }
    let seen = years.iter().flat_map(|(j, l, _)| [*j, *l]).flatten();
    let over_time = match (seen.clone().min(), seen.max()) {
        (Some(first), Some(last)) => (first..=last)
            .map(|year| {
                let count = |keep: &dyn Fn(Option<i32>, Option<i32>) -> bool| -> i64 {
                    years
                        .iter()
                        .filter(|(j, l, _)| keep(*j, *l))
                        .map(|(_, _, n)| n)
                        .sum()
                };
                MembersInYear {
                    year,
                    joined: count(&|j, _| j == Some(year)),
                    left: count(&|_, l| l == Some(year)),
                    active: count(&|j, l| {
                        j.is_some_and(|j| j <= year) && l.is_none_or(|l| l > year)
                    }),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok((per_alliance, over_time))
}
