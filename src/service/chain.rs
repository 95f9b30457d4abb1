//! Questions about the industrial-chain graph, answered in the database: neighbourhoods and
//! shortest supply paths (recursive CTEs, cycle safe because each level keeps distinct units and
//! the depth is capped), and the plan's "coordinated development" maps.

use std::collections::{HashMap, HashSet};

use entity::{chain_segment, organization, sector, supply_link};
use sea_orm::{
    ColumnTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryResult,
    Statement, Value,
};

use super::{access::Viewer, load::Columns};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// Which way along the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards customers.
    Downstream,
    /// Towards suppliers.
    Upstream,
    Both,
}

/// Deepest traversal allowed.
pub const MAX_DEPTH: i32 = 6;
/// Most units a neighbourhood answers with.
pub const MAX_NODES: usize = 5000;

/// A unit reached, how far and in which direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub organization: i64,
    pub depth: i32,
    pub direction: Direction,
}

/// A unit's neighbourhood: the units reached and the links (by id) that reach them. Their rows
/// are loaded on demand: [`Neighborhood::links`], [`Neighborhood::nodes_with_units`].
#[derive(Debug, Clone)]
pub struct Neighborhood {
    pub nodes: Vec<Reached>,
    /// (link id, depth of the unit it reaches), level by level.
    pub edges: Vec<(i64, i32)>,
}

impl Neighborhood {
    /// The level-to-level links, in one statement.
    pub async fn links(&self, db: &Store) -> Result<Vec<(supply_link::Model, i32)>> {
        let mut rows = links_by_id(db, self.edges.iter().map(|(l, _)| *l)).await?;
        Ok(self
            .edges
            .iter()
            .filter_map(|(l, depth)| rows.remove(l).map(|link| (link, *depth)))
            .collect())
    }

    /// The nodes, each with its unit's row if the viewer may see it, read in one statement
    /// (only `columns` of each row; see [`Columns`]).
    pub async fn nodes_with_units(
        &self,
        db: &Store,
        viewer: &Viewer,
        columns: &Columns<organization::Column>,
    ) -> Result<Vec<(Reached, Option<organization::Model>)>> {
        // A unit reached both upstream and downstream is two nodes: count them, so that each row is
        // moved into its last node and cloned only for the others.
        let mut nodes_of: HashMap<i64, usize> = HashMap::new();
        for node in &self.nodes {
            *nodes_of.entry(node.organization).or_default() += 1;
        }
        let ids: Vec<i64> = nodes_of.keys().copied().collect();
        let rows =
            super::load::read_by_ids::<organization::Entity>(db, viewer, &ids, columns).await?;
        // Rows stay where they were read, found by id, until each moves into its node: a
        // thousand wide rows moved through a map on the way cost more than reading them.
        let at: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut rows: Vec<Option<organization::Model>> = rows.into_iter().map(Some).collect();
        Ok(self
            .nodes
            .iter()
            .map(|node| {
                let left = nodes_of.entry(node.organization).or_default();
                *left -= 1;
                let row = at.get(&node.organization).and_then(|&i| {
                    if *left == 0 {
                        rows[i].take()
                    } else {
                        rows[i].clone()
                    }
                });
                (node.clone(), row)
            })
            .collect())
    }
}

/// One shortest supply path.
#[derive(Debug, Clone)]
pub struct SupplyPath {
    pub organizations: Vec<i64>,
    pub links: Vec<supply_link::Model>,
}

/// A statement with `?` placeholders, numbered for PostgreSQL.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            for (n, part) in sql.split('?').enumerate() {
                if n > 0 {
                    numbered.push_str(&format!("${n}"));
                }
                numbered.push_str(part);
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[derive(Debug)]
struct Step {
    /// 1 for a step downstream, 0 upstream.
    downstream: i32,
    org: i64,
    depth: i32,
    link: Option<i64>,
    source: Option<i64>,
}

/// Read by position, in the order the walk selects them: by name, each of a thousand rows would
/// look every column up again.
impl FromQueryResult for Step {
    fn from_query_result(row: &QueryResult, _: &str) -> std::result::Result<Self, DbErr> {
        Ok(Self {
            downstream: row.try_get_by_index(0)?,
            org: row.try_get_by_index(1)?,
            depth: row.try_get_by_index(2)?,
            link: row.try_get_by_index(3)?,
            source: row.try_get_by_index(4)?,
        })
    }
}

/// A walk from one unit: each unit's shortest distance, and the links from one level to the next.
struct Walk {
    distance: HashMap<i64, i32>,
    /// (link id, depth of the unit it reaches, the unit it comes from).
    edges: Vec<(i64, i32, i64)>,
}

/// The segments a traversal may follow: those given, those of the sectors given; None = all.
pub async fn segment_scope(
    db: &Store,
    sectors: &[entity::enums::SectorCode],
    segments: &[i64],
) -> Result<Option<Vec<i64>>> {
    if sectors.is_empty() && segments.is_empty() {
        return Ok(None);
    }
    let mut ids: Vec<i64> = segments.to_vec();
    if !sectors.is_empty() {
        let sector_ids: Vec<i64> = sector::Entity::find()
            .filter(sector::Column::Code.is_in(sectors.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        ids.extend(
            chain_segment::Entity::find()
                .filter(chain_segment::Column::SectorId.is_in(sector_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|s| s.id),
        );
    }
    Ok(Some(ids))
}

/// The walks from one unit: downstream and upstream (either empty when not asked for).
struct Walks {
    down: Walk,
    up: Walk,
}

/// Walks up to `max_depth` links from `start`, one way or both, in one statement: a recursive CTE
/// per direction, each starting from the unit's own row, so no row at all means no such unit
/// (`None`). Each level keeps distinct (unit, depth, link) rows and the depth is capped, so
/// cycles end; the shortest distances and the level-to-level links are then read off the rows.
async fn walk(
    db: &Store,
    start: i64,
    direction: Direction,
    max_depth: i32,
    segments: &Option<Vec<i64>>,
) -> Result<Option<Walks>> {
    // Segment ids come from our own tables: integers, safe to inline.
    let segment_filter = match segments {
        Some(ids) if ids.is_empty() => " AND 1 = 0".to_owned(),
        Some(ids) => format!(
            " AND l.segment_id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
        None => String::new(),
    };
    let ways: &[(&str, &str, &str, i32)] = match direction {
        Direction::Downstream => &[("down", "supplier_id", "customer_id", 1)],
        Direction::Upstream => &[("up", "customer_id", "supplier_id", 0)],
        Direction::Both => &[
            ("down", "supplier_id", "customer_id", 1),
            ("up", "customer_id", "supplier_id", 0),
        ],
    };
    let mut values: Vec<Value> = Vec::new();
    let ctes: Vec<String> = ways
        .iter()
        .map(|(name, from, to, _)| {
            values.extend([start.into(), max_depth.into()]);
            format!(
                "{name}(org, depth, link, source) AS (
                    SELECT id, 0, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM organization WHERE id = ?
                    UNION
                    SELECT l.{to}, w.depth + 1, l.id, w.org FROM {name} w JOIN supply_link l ON l.{from} = w.org
                    WHERE w.depth < ? AND l.archived_at IS NULL{segment_filter}
                )"
            )
        })
        .collect();
    let selects: Vec<String> = ways
        .iter()
        .map(|(name, _, _, downstream)| {
            format!("SELECT {downstream} AS downstream, org, depth, link, source FROM {name}")
        })
        .collect();
    let sql = format!(
        "WITH RECURSIVE {} {}",
        ctes.join(", "),
        selects.join(" UNION ALL ")
    );
    let steps = Step::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await?;
    if steps.is_empty() {
        return Ok(None);
    }
    let (down, up): (Vec<Step>, Vec<Step>) = steps.into_iter().partition(|s| s.downstream == 1);
    Ok(Some(Walks {
        down: Walk::from_steps(&down),
        up: Walk::from_steps(&up),
    }))
}

impl Walk {
    fn from_steps(steps: &[Step]) -> Self {
        let mut distance: HashMap<i64, i32> = HashMap::new();
        for step in steps {
            let d = distance.entry(step.org).or_insert(step.depth);
            *d = (*d).min(step.depth);
        }
        let edges = steps
            .iter()
            .filter_map(|s| {
                let (link, source) = (s.link?, s.source?);
                (distance.get(&s.org) == Some(&s.depth)
                    && distance.get(&source) == Some(&(s.depth - 1)))
                .then_some((link, s.depth, source))
            })
            .collect();
        Self { distance, edges }
    }
}

async fn links_by_id(
    db: &Store,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, supply_link::Model>> {
    let ids: Vec<i64> = ids.collect::<HashSet<_>>().into_iter().collect();
    Ok(supply_link::Entity::find()
        .filter(super::load::among(
            db.get_database_backend(),
            supply_link::Column::Id,
            &ids,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

fn no_such_unit() -> Error {
    Error::not_found("no organization with that id")
}

fn check_depth(depth: i32) -> Result<()> {
    if (1..=MAX_DEPTH).contains(&depth) {
        Ok(())
    } else {
        Err(Error::bad_input(format!(
            "`maxDepth` must be between 1 and {MAX_DEPTH}"
        )))
    }
}

/// The units within `max_depth` links of `start`, and the links that reach them level by level.
pub async fn neighborhood(
    db: &Store,
    viewer: &Viewer,
    start: i64,
    direction: Direction,
    max_depth: i32,
    segments: Option<Vec<i64>>,
) -> Result<Neighborhood> {
    viewer.require_signed_in("the chain graph")?;
    check_depth(max_depth)?;
    let Walks { down, up } = walk(db, start, direction, max_depth, &segments)
        .await?
        .ok_or_else(no_such_unit)?;
    let mut nodes = vec![Reached {
        organization: start,
        depth: 0,
        direction,
    }];
    let reached = |distances: &HashMap<i64, i32>, direction| {
        distances
            .iter()
            .filter(|(_, d)| **d > 0)
            .map(move |(o, d)| Reached {
                organization: *o,
                depth: *d,
                direction,
            })
            .collect::<Vec<_>>()
    };
    nodes.extend(reached(&down.distance, Direction::Downstream));
    nodes.extend(reached(&up.distance, Direction::Upstream));
    nodes.sort_by_key(|n| (n.depth, n.organization));
    let ids: Vec<i64> = down
        .distance
        .keys()
        .chain(up.distance.keys())
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.len() > MAX_NODES {
        return Err(Error::bad_input(format!(
            "the neighbourhood has {} units, more than {MAX_NODES}: lower `maxDepth` or follow fewer sectors",
            ids.len()
        )));
    }
    let mut edges: Vec<(i64, i32)> = down
        .edges
        .iter()
        .chain(&up.edges)
        .map(|(link, depth, _)| (*link, *depth))
        .collect();
    edges.sort_by_key(|(link, depth)| (*depth, *link));
    Ok(Neighborhood { nodes, edges })
}

/// Up to `first` shortest downstream supply paths from `from` to `to`, within `max_depth` links.
pub async fn shortest_paths(
    db: &Store,
    viewer: &Viewer,
    from: i64,
    to: i64,
    max_depth: i32,
    first: usize,
) -> Result<Vec<SupplyPath>> {
    viewer.require_signed_in("the chain graph")?;
    check_depth(max_depth)?;
    if !(1..=100).contains(&first) {
        return Err(Error::bad_input("`first` must be between 1 and 100"));
    }
    let forward = walk(db, from, Direction::Downstream, max_depth, &None)
        .await?
        .ok_or_else(no_such_unit)?
        .down;
    let Some(&length) = forward.distance.get(&to).filter(|_| from != to) else {
        // Not reached: an answer of no paths, if `to` exists at all.
        organization::Entity::find_by_id(to)
            .one(db)
            .await?
            .ok_or_else(no_such_unit)?;
        return Ok(Vec::new());
    };
    let backward = walk(db, to, Direction::Upstream, length, &None)
        .await?
        .ok_or_else(no_such_unit)?
        .up;
    // Units on some shortest path: their distance from `from` plus their distance to `to` is the length.
    let on_path = |unit: &i64| matches!((forward.distance.get(unit), backward.distance.get(unit)), (Some(f), Some(b)) if f + b == length);
    let steps: Vec<(i64, i64)> = forward
        .edges
        .iter()
        .filter(|(_, _, source)| on_path(source))
        .map(|(link, _, source)| (*link, *source))
        .collect();
    let mut links = links_by_id(db, steps.iter().map(|(l, _)| *l)).await?;
    let mut next: HashMap<i64, Vec<supply_link::Model>> = HashMap::new();
    for (link, source) in steps {
        if let Some(link) = links.remove(&link).filter(|l| on_path(&l.customer_id)) {
            next.entry(source).or_default().push(link);
        }
    }
    for links in next.values_mut() {
        links.sort_by_key(|l| (l.customer_id, l.id));
    }
    let mut paths = Vec::new();
    let mut stack: Vec<(i64, Vec<supply_link::Model>)> = vec![(from, Vec::new())];
    while let Some((unit, links)) = stack.pop() {
        if paths.len() == first {
            break;
        }
        if unit == to {
            let mut organizations = vec![from];
            organizations.extend(links.iter().map(|l| l.customer_id));
            paths.push(SupplyPath {
                organizations,
                links,
            });
            continue;
        }
        for link in next.get(&unit).into_iter().flatten().rev() {
            let mut longer = links.clone();
            longer.push(link.clone());
            stack.push((link.customer_id, longer));
        }
    }
    Ok(paths)
}

// ---- chain maps ------------------------------------------------------------------------------

#[derive(Debug, FromQueryResult)]
struct SegmentCount {
    segment_id: i64,
    municipality_id: Option<i64>,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct SegmentLeader {
    segment_id: i64,
    organization_id: i64,
}

/// How one chain segment is covered by enterprises of the metro area.
#[derive(Debug, Clone)]
pub struct SegmentCoverage {
    pub segment: chain_segment::Model,
    /// Enterprises working in the segment, per municipality (`None`: outside the metro area).
    pub by_municipality: Vec<(Option<i64>, i64)>,
    pub in_metro: i64,
    /// Leading enterprises whose primary segment this is.
    pub leaders: Vec<i64>,
    /// Concentration of the segment's metro enterprises across cities: Σ share², 0–10000.
    pub hhi: Option<i64>,
}

/// How a segment is laid out across the metro area's cities, read in the plan's words (§二 一是:
/// 减少同质化竞争……实现错位发展). The thresholds are the hub's, not the plan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentPattern {
    /// No enterprise of the metro area works in it: a gap in the chain.
    Absent,
    /// One city holds at least [`SPECIALISED_SHARE`] of the segment's metro enterprises:
    /// differentiated development (错位发展), each city building its own strengths.
    Specialised,
    /// Built up in at least [`DUPLICATED_CITIES`] cities with none holding half: the same
    /// segment duplicated across cities, the homogeneous competition (同质化竞争) the plan wants
    /// reduced.
    Duplicated,
    /// Neither: shared by a few cities.
    Mixed,
}

/// The share of one city above which a segment counts as that city's specialisation.
pub const SPECIALISED_SHARE: f64 = 0.6;
/// Host cities from which a segment with no dominant city counts as duplicated.
pub const DUPLICATED_CITIES: i64 = 3;

impl SegmentCoverage {
    /// Metro-area cities with at least one enterprise in the segment.
    pub fn host_cities(&self) -> i64 {
        self.by_municipality
            .iter()
            .filter(|(m, n)| m.is_some() && *n > 0)
            .count() as i64
    }

    /// The largest city's share of the segment's metro enterprises.
    pub fn leading_share(&self) -> Option<f64> {
        let top = self
            .by_municipality
            .iter()
            .filter(|(m, _)| m.is_some())
            .map(|(_, n)| *n)
            .max()?;
        (self.in_metro > 0).then(|| top as f64 / self.in_metro as f64)
    }

    pub fn pattern(&self) -> SegmentPattern {
        match self.leading_share() {
            None => SegmentPattern::Absent,
            Some(share) if share >= SPECIALISED_SHARE => SegmentPattern::Specialised,
            Some(share) if share < 0.5 && self.host_cities() >= DUPLICATED_CITIES => {
                SegmentPattern::Duplicated
            }
            Some(_) => SegmentPattern::Mixed,
        }
    }
}

impl SegmentCoverage {
    pub fn count_in(&self, municipality: i64) -> i64 {
        self.by_municipality
            .iter()
            .filter(|(m, _)| *m == Some(municipality))
            .map(|(_, n)| n)
            .sum()
    }
}

pub(crate) async fn sector_segments(
    db: &Store,
    sector: entity::enums::SectorCode,
) -> Result<Vec<chain_segment::Model>> {
    use sea_orm::QueryOrder;
    let sector = sector::Entity::find()
        .filter(sector::Column::Code.eq(sector))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("no such sector"))?;
    Ok(chain_segment::Entity::find()
        .filter(chain_segment::Column::SectorId.eq(sector.id))
        .order_by_asc(chain_segment::Column::Ordinal)
        .all(db)
        .await?)
}

pub(crate) fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        "NULL".into()
    } else {
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }
}

/// The sector's chain upstream → downstream: per segment, its enterprises per city, its leaders
/// and how concentrated it is. Two statements.
pub async fn sector_chain(
    db: &Store,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
) -> Result<Vec<SegmentCoverage>> {
    viewer.require_signed_in("chain maps")?;
    let segments = sector_segments(db, sector).await?;
    let ids = id_list(&segments.iter().map(|s| s.id).collect::<Vec<_>>());
    let backend = db.get_database_backend();
    let counts = SegmentCount::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT os.segment_id, o.municipality_id, COUNT(*) AS n FROM organization_segment os
             JOIN organization o ON o.id = os.organization_id
             WHERE os.segment_id IN ({ids}) AND o.kind = 'ENTERPRISE' AND o.archived_at IS NULL
             GROUP BY os.segment_id, o.municipality_id"
        ),
    ))
    .all(db)
    .await?;
    let leaders = SegmentLeader::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT os.segment_id, os.organization_id FROM organization_segment os
             JOIN enterprise_profile p ON p.organization_id = os.organization_id
             JOIN organization o ON o.id = os.organization_id
             WHERE os.segment_id IN ({ids}) AND os.is_primary AND p.is_leading AND o.archived_at IS NULL
             ORDER BY os.organization_id"
        ),
    ))
    .all(db)
    .await?;
    Ok(segments
        .into_iter()
        .map(|segment| {
            let mut by_municipality: Vec<(Option<i64>, i64)> = counts
                .iter()
                .filter(|c| c.segment_id == segment.id)
                .map(|c| (c.municipality_id, c.n))
                .collect();
            by_municipality.sort();
            let in_metro: i64 = by_municipality
                .iter()
                .filter(|(m, _)| m.is_some())
                .map(|(_, n)| n)
                .sum();
            let hhi = (in_metro > 0).then(|| {
                let squares: i64 = by_municipality
                    .iter()
                    .filter(|(m, _)| m.is_some())
                    .map(|(_, n)| n * n)
                    .sum();
                squares * 10_000 / (in_metro * in_metro)
            });
            let leaders = leaders
                .iter()
                .filter(|l| l.segment_id == segment.id)
                .map(|l| l.organization_id)
                .collect();
            SegmentCoverage {
                segment,
                by_municipality,
                in_metro,
                leaders,
                hhi,
            }
        })
        .collect())
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Flow {
    pub supplier_municipality: Option<i64>,
    pub customer_municipality: Option<i64>,
    pub links: i64,
}

/// Supplier city × customer city counts of the sector's live supply links (`None`: outside).
pub async fn cross_municipality_flows(
    db: &Store,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
) -> Result<Vec<Flow>> {
    viewer.require_signed_in("chain maps")?;
    let segments = sector_segments(db, sector).await?;
    let ids = id_list(&segments.iter().map(|s| s.id).collect::<Vec<_>>());
    Ok(Flow::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT s.municipality_id AS supplier_municipality, c.municipality_id AS customer_municipality, COUNT(*) AS links
             FROM supply_link l JOIN organization s ON s.id = l.supplier_id JOIN organization c ON c.id = l.customer_id
             WHERE l.segment_id IN ({ids}) AND l.archived_at IS NULL
             GROUP BY s.municipality_id, c.municipality_id
             ORDER BY COUNT(*) DESC"
        ),
    ))
    .all(db)
    .await?)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct SingleSource {
    pub customer_id: i64,
    pub segment_id: i64,
    pub supplier_id: i64,
}

/// Customers whose only supplier inside the metro area for a segment of the sector is one unit.
pub async fn single_source_dependencies(
    db: &Store,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
    first: i64,
) -> Result<Vec<SingleSource>> {
    viewer.require_signed_in("chain maps")?;
    if !(1..=1000).contains(&first) {
        return Err(Error::bad_input("`first` must be between 1 and 1000"));
    }
    let segments = sector_segments(db, sector).await?;
    let ids = id_list(&segments.iter().map(|s| s.id).collect::<Vec<_>>());
    Ok(SingleSource::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT l.customer_id, l.segment_id, MIN(l.supplier_id) AS supplier_id
             FROM supply_link l JOIN organization s ON s.id = l.supplier_id
             WHERE l.segment_id IN ({ids}) AND l.archived_at IS NULL AND s.municipality_id IS NOT NULL
             GROUP BY l.customer_id, l.segment_id
             HAVING COUNT(DISTINCT l.supplier_id) = 1
             ORDER BY l.customer_id, l.segment_id
             LIMIT {first}"
        ),
    ))
    .all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgresql_only() {
        let sql = "SELECT ? WHERE a = ? AND b < ?";
        let numbered = statement(DbBackend::Postgres, sql, Vec::new());
        assert_eq!(numbered.sql, "SELECT $1 WHERE a = $2 AND b < $3");
        assert_eq!(statement(DbBackend::Sqlite, sql, Vec::new()).sql, sql);
    }
}
