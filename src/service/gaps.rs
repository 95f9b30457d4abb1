//! Chain-gap targeting (补链 / 强链 / 招商): per segment of a sector, how much of the metro area's
//! demand (supply links whose customer is in the area) its own suppliers meet and how much comes
//! from outside; the segments where it comes mostly from outside (the gaps to attract investment
//! into) and the outside suppliers the area depends on; the segment's location quotient in each
//! city; and the customers with a single supplier inside the area. Link counts are structure, for
//! every signed-in caller; link values are for OFFICE only, as on the links themselves.

use std::collections::HashMap;

use entity::chain_segment;
use sea_orm::{FromQueryResult, Statement};

use super::{
    access::Viewer,
    chain::{id_list, sector_segments},
    stats::{Statistics, cached},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// Outside suppliers listed per segment.
const OUTSIDE_SUPPLIERS: usize = 5;

/// The hub's default: a segment is a gap when more than half of the area's demand for it is met
/// from outside (documented in `docs/dashboards.md`; the caller may choose another share).
pub const DEFAULT_GAP_SHARE: f64 = 0.5;

/// Demand for one segment met from one side.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Met {
    pub links: i64,
    pub customers: i64,
    /// Annual value in yuan (OFFICE only).
    pub value: Option<i64>,
}

/// An outside supplier the area's customers buy a segment from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutsideSupplier {
    pub organization: i64,
    pub customers: i64,
    pub links: i64,
}

/// One segment's gap analysis.
#[derive(Debug, Clone)]
pub struct SegmentGap {
    pub segment: chain_segment::Model,
    pub inside: Met,
    pub outside: Met,
    /// Share of the area's demand (links) met from outside; `None` without demand.
    pub outside_share: Option<f64>,
    pub is_gap: bool,
    pub outside_suppliers: Vec<OutsideSupplier>,
    /// Customers whose only supplier of the segment inside the area is one unit.
    pub single_source_customers: i64,
    /// Enterprises of the segment (primary) per city, and the location quotient.
    pub quotients: Vec<LocationQuotient>,
}

/// How concentrated a segment is in a city compared with the whole area: its share of the
/// city's enterprises over its share of the area's (1 = as everywhere, above 1 = specialised).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocationQuotient {
    pub municipality: i64,
    pub enterprises: i64,
    pub quotient: Option<f64>,
}

#[derive(Debug, FromQueryResult)]
struct DemandRow {
    segment_id: i64,
    inside: i32,
    links: i64,
    customers: i64,
    value: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct SupplierRow {
    segment_id: i64,
    supplier_id: i64,
    customers: i64,
    links: i64,
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    segment_id: i64,
    municipality_id: Option<i64>,
    n: i64,
}

/// The gap analysis of a sector's segments, upstream first: four statements, kept like the
/// statistics (`stats::cached`) until a change is committed.
pub async fn chain_gaps(
    db: &Store,
    statistics: &Statistics,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
    gap_share: f64,
) -> Result<Vec<SegmentGap>> {
    viewer.require_signed_in("chain maps")?;
    if !(0.0..1.0).contains(&gap_share) {
        return Err(Error::bad_input("`gapShare` must lie in [0, 1)"));
    }
    let class = format!("link-values:{}", viewer.sees_link_values());
    cached(
        db,
        statistics,
        &class,
        format!("gaps|{sector:?}|{gap_share}"),
        compute(db, viewer, sector, gap_share),
    )
    .await
}

async fn compute(
    db: &Store,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
    gap_share: f64,
) -> Result<Vec<SegmentGap>> {
    let segments = sector_segments(db, sector).await?;
    let ids = id_list(&segments.iter().map(|s| s.id).collect::<Vec<_>>());
    let backend = db.get_database_backend();
    let live = "l.segment_id IN ({ids}) AND l.archived_at IS NULL AND s.archived_at IS NULL \
                AND c.archived_at IS NULL AND c.municipality_id IS NOT NULL"
        .replace("{ids}", &ids);
    let links = "supply_link l JOIN organization s ON s.id = l.supplier_id \
                 JOIN organization c ON c.id = l.customer_id";
    let demand = DemandRow::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT l.segment_id, CASE WHEN s.municipality_id IS NULL THEN 0 ELSE 1 END AS inside,
                    COUNT(*) AS links, COUNT(DISTINCT l.customer_id) AS customers,
                    CAST(SUM(l.annual_value) AS BIGINT) AS value
             FROM {links} WHERE {live}
             GROUP BY l.segment_id, CASE WHEN s.municipality_id IS NULL THEN 0 ELSE 1 END"
        ),
    ))
    .all(db)
    .await?;
    let suppliers = SupplierRow::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT l.segment_id, l.supplier_id, COUNT(DISTINCT l.customer_id) AS customers, COUNT(*) AS links
             FROM {links} WHERE {live} AND s.municipality_id IS NULL
             GROUP BY l.segment_id, l.supplier_id
             ORDER BY l.segment_id, COUNT(DISTINCT l.customer_id) DESC, COUNT(*) DESC, l.supplier_id"
        ),
    ))
    .all(db)
    .await?;
    let single = CountRow::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT t.segment_id, CAST(NULL AS BIGINT) AS municipality_id, COUNT(*) AS n FROM (
                SELECT l.customer_id, l.segment_id FROM {links}
                WHERE {live} AND s.municipality_id IS NOT NULL
                GROUP BY l.customer_id, l.segment_id HAVING COUNT(DISTINCT l.supplier_id) = 1
             ) t GROUP BY t.segment_id"
        ),
    ))
    .all(db)
    .await?;
    // Every segment's enterprises per city: the quotients' denominators are the whole economy.
    let counts = CountRow::find_by_statement(Statement::from_string(
        backend,
        "SELECT os.segment_id, o.municipality_id, COUNT(*) AS n FROM organization_segment os
         JOIN organization o ON o.id = os.organization_id
         WHERE os.is_primary AND o.kind = 'ENTERPRISE' AND o.archived_at IS NULL
           AND o.municipality_id IS NOT NULL
         GROUP BY os.segment_id, o.municipality_id"
            .to_owned(),
    ))
    .all(db)
    .await?;
    let mut per_city: HashMap<i64, i64> = HashMap::new();
    let mut per_segment: HashMap<i64, i64> = HashMap::new();
    for row in &counts {
        if let Some(city) = row.municipality_id {
            *per_city.entry(city).or_default() += row.n;
            *per_segment.entry(row.segment_id).or_default() += row.n;
        }
    }
    let area: i64 = per_city.values().sum();
    let mut cities: Vec<i64> = per_city.keys().copied().collect();
    cities.sort();
    let values = viewer.sees_link_values();
    Ok(segments
        .into_iter()
        .map(|segment| {
            let met = |inside: i32| {
                demand
                    .iter()
                    .find(|d| d.segment_id == segment.id && d.inside == inside)
                    .map_or_else(Met::default, |d| Met {
                        links: d.links,
                        customers: d.customers,
                        value: d.value.filter(|_| values),
                    })
            };
            let (inside, outside) = (met(1), met(0));
            let total = inside.links + outside.links;
            let outside_share = (total > 0).then(|| outside.links as f64 / total as f64);
            let in_segment = per_segment.get(&segment.id).copied().unwrap_or(0);
            let quotients = cities
                .iter()
                .map(|&city| {
                    let enterprises = counts
                        .iter()
                        .find(|c| c.segment_id == segment.id && c.municipality_id == Some(city))
                        .map_or(0, |c| c.n);
                    let in_city = per_city.get(&city).copied().unwrap_or(0);
                    let quotient = (in_city > 0 && in_segment > 0 && area > 0).then(|| {
                        (enterprises as f64 / in_city as f64) / (in_segment as f64 / area as f64)
                    });
                    LocationQuotient {
                        municipality: city,
                        enterprises,
                        quotient,
                    }
                })
                .collect();
            SegmentGap {
                outside_suppliers: suppliers
                    .iter()
                    .filter(|s| s.segment_id == segment.id)
                    .take(OUTSIDE_SUPPLIERS)
                    .map(|s| OutsideSupplier {
                        organization: s.supplier_id,
                        customers: s.customers,
                        links: s.links,
                    })
                    .collect(),
                single_source_customers: single
                    .iter()
                    .find(|s| s.segment_id == segment.id)
                    .map_or(0, |s| s.n),
                is_gap: outside_share.is_some_and(|share| share > gap_share),
                segment,
                inside,
                outside,
                outside_share,
                quotients,
            }
        })
        .collect())
}
