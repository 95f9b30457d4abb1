//! The chain graph as analysts take it to their own tools (Gephi, yEd, NetworkX): the
//! neighbourhood of a unit or a sector's whole chain, as nodes (units) and edges (supply links),
//! with values withheld as the role requires (a link's annual value for OFFICE only). The formats
//! are in `crate::graph_export`; the same graph serves `GET /export/graph/…` and
//! `alliance-hub export`.

use std::collections::{HashMap, HashSet};

use entity::{enums::OrganizationKind, organization, organization_segment, supply_link};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    access::Viewer,
    chain::{self, Direction},
    export::Codes,
    load::Columns,
};
use crate::{
    database::Store,
    domain::labels::Labelled,
    error::{Error, Result},
};

/// Most links a sector graph holds; a larger one is refused (follow a neighbourhood instead).
pub const MAX_EDGES: usize = 200_000;

/// A unit of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    pub id: i64,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub kind: OrganizationKind,
    /// City or base code; `None` outside the metro area.
    pub municipality: Option<String>,
    pub park: Option<String>,
    /// Primary chain segment code.
    pub segment: Option<String>,
    /// Steps from the start (neighbourhoods only).
    pub depth: Option<i32>,
}

/// A supply link of the graph: `source` supplies `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    pub id: i64,
    pub source: i64,
    pub target: i64,
    pub product: String,
    pub segment: Option<String>,
    pub since_year: i32,
    /// Withheld (`None`) unless the viewer may read link values.
    pub annual_value: Option<i64>,
}

/// A graph to export.
#[derive(Debug, Clone)]
pub struct Graph {
    /// What it shows, e.g. `sector-CHEMICALS`.
    pub name: String,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

async fn nodes_of(
    db: &Store,
    codes: &Codes,
    units: Vec<organization::Model>,
    depths: &HashMap<i64, i32>,
) -> Result<Vec<GraphNode>> {
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let mut primary: HashMap<i64, i64> = HashMap::new();
    for chunk in ids.chunks(10_000) {
        for link in organization_segment::Entity::find()
            .filter(organization_segment::Column::OrganizationId.is_in(chunk.to_vec()))
            .filter(organization_segment::Column::IsPrimary.eq(true))
            .all(db)
            .await?
        {
            primary.insert(link.organization_id, link.segment_id);
        }
    }
    Ok(units
        .into_iter()
        .map(|u| GraphNode {
            municipality: u
                .municipality_id
                .and_then(|m| codes.municipalities.get(&m).cloned()),
            park: u.park_id.and_then(|p| codes.parks.get(&p).cloned()),
            segment: primary
                .get(&u.id)
                .and_then(|s| codes.segments.get(s).cloned()),
            depth: depths.get(&u.id).copied(),
            id: u.id,
            name_zh: u.name_zh,
            name_en: u.name_en,
            kind: u.kind,
        })
        .collect())
}

fn edge_of(viewer: &Viewer, codes: &Codes, link: supply_link::Model) -> GraphEdge {
    let guarded = viewer.supply_link(link);
    let annual_value = guarded.show("annualValue", |l| l.annual_value).flatten();
    let link = guarded.value;
    GraphEdge {
        id: link.id,
        source: link.supplier_id,
        target: link.customer_id,
        segment: link
            .segment_id
            .and_then(|s| codes.segments.get(&s).cloned()),
        product: link.product,
        since_year: link.since_year,
        annual_value,
    }
}

/// A unit's neighbourhood (as `chainNeighborhood` walks it) as a graph; each node carries the
/// fewest steps it is from the start.
pub async fn neighborhood_graph(
    db: &Store,
    viewer: &Viewer,
    start: i64,
    direction: Direction,
    max_depth: i32,
) -> Result<Graph> {
    let walked = chain::neighborhood(db, viewer, start, direction, max_depth, None).await?;
    let codes = Codes::load(db).await?;
    let mut depths: HashMap<i64, i32> = HashMap::new();
    for node in &walked.nodes {
        let depth = depths.entry(node.organization).or_insert(node.depth);
        *depth = (*depth).min(node.depth);
    }
    let mut units: Vec<organization::Model> = walked
        .nodes_with_units(db, viewer, &Columns::All)
        .await?
        .into_iter()
        .filter_map(|(_, unit)| unit)
        .collect::<Vec<_>>();
    let mut seen = HashSet::new();
    units.retain(|u| seen.insert(u.id));
    units.sort_by_key(|u| u.id);
    let mut edges: Vec<GraphEdge> = walked
        .links(db)
        .await?
        .into_iter()
        .map(|(link, _)| edge_of(viewer, &codes, link))
        .collect();
    edges.sort_by_key(|e| e.id);
    edges.dedup_by_key(|e| e.id);
    Ok(Graph {
        name: format!("neighborhood-{start}"),
        nodes: nodes_of(db, &codes, units, &depths).await?,
        edges,
    })
}

/// A sector's whole chain: every live link of its segments and the units they join.
pub async fn sector_graph(
    db: &Store,
    viewer: &Viewer,
    sector: entity::enums::SectorCode,
) -> Result<Graph> {
    viewer.require_signed_in("the chain graph")?;
    let segments: Vec<i64> = chain::sector_segments(db, sector)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let links = supply_link::Entity::find()
        .filter(supply_link::Column::SegmentId.is_in(segments))
        .filter(supply_link::Column::ArchivedAt.is_null())
        .order_by_asc(supply_link::Column::Id)
        .all(db)
        .await?;
    if links.len() > MAX_EDGES {
        return Err(Error::bad_input(format!(
            "the sector's chain has {} links, more than {MAX_EDGES}: export a unit's neighbourhood instead",
            links.len()
        )));
    }
    let codes = Codes::load(db).await?;
    let ids: Vec<i64> = links
        .iter()
        .flat_map(|l| [l.supplier_id, l.customer_id])
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut units = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(10_000) {
        units.extend(
            organization::Entity::find()
                .filter(organization::Column::Id.is_in(chunk.to_vec()))
                .filter(viewer.organization_scope())
                .all(db)
                .await?,
        );
    }
    units.sort_by_key(|u| u.id);
    let visible: HashSet<i64> = units.iter().map(|u| u.id).collect();
    let edges = links
        .into_iter()
        .filter(|l| visible.contains(&l.supplier_id) && visible.contains(&l.customer_id))
        .map(|l| edge_of(viewer, &codes, l))
        .collect();
    Ok(Graph {
        name: format!("sector-{}", sector.code()),
        nodes: nodes_of(db, &codes, units, &HashMap::new()).await?,
        edges,
    })
}

/// Which graph: a unit's neighbourhood, or a sector's chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphView {
    Neighborhood {
        start: i64,
        direction: Direction,
        max_depth: i32,
    },
    Sector(entity::enums::SectorCode),
}

impl GraphView {
    /// The view named `view` (`neighborhood` or `sector`) with its parameters as a URL or the
    /// command line gives them: `from` (a unit's id), `direction` (DOWNSTREAM, UPSTREAM, BOTH:
    /// the default) and `maxDepth` (2 by default); or `sector` (EQUIPMENT, CHEMICALS,
    /// NEW_MATERIALS).
    pub fn parse(view: &str, parameter: impl Fn(&str) -> Option<String>) -> Result<Self> {
        match view {
            "neighborhood" => {
                let from = parameter("from")
                    .ok_or_else(|| Error::bad_input("a neighbourhood needs `from`, a unit's id"))?;
                let start =
                    crate::domain::id::decode_as(&from, crate::domain::id::Kind::Organization)?;
                let direction = match parameter("direction").as_deref().unwrap_or("BOTH") {
                    "DOWNSTREAM" => Direction::Downstream,
                    "UPSTREAM" => Direction::Upstream,
                    "BOTH" => Direction::Both,
                    other => {
                        return Err(Error::bad_input(format!(
                            "unknown direction `{other}`: use DOWNSTREAM, UPSTREAM or BOTH"
                        )));
                    }
                };
                let max_depth = parameter("maxDepth")
                    .map(|d| {
                        d.parse::<i32>()
                            .map_err(|_| Error::bad_input("`maxDepth` is a whole number"))
                    })
                    .transpose()?
                    .unwrap_or(2);
                Ok(Self::Neighborhood {
                    start,
                    direction,
                    max_depth,
                })
            }
            "sector" => {
                let code = parameter("sector").ok_or_else(|| {
                    Error::bad_input(
                        "a sector's chain needs `sector`: EQUIPMENT, CHEMICALS or NEW_MATERIALS",
                    )
                })?;
                entity::enums::SectorCode::parse(&code)
                    .map(Self::Sector)
                    .ok_or_else(|| Error::bad_input(format!("unknown sector `{code}`")))
            }
            other => Err(Error::bad_input(format!(
                "unknown graph `{other}`: use neighborhood or sector"
            ))),
        }
    }

    /// The parameters this view reads, to refuse any other.
    pub fn parameters(view: &str) -> &'static [&'static str] {
        match view {
            "neighborhood" => &["from", "direction", "maxDepth"],
            _ => &["sector"],
        }
    }

    pub async fn build(self, db: &Store, viewer: &Viewer) -> Result<Graph> {
        match self {
            Self::Neighborhood {
                start,
                direction,
                max_depth,
            } => neighborhood_graph(db, viewer, start, direction, max_depth).await,
            Self::Sector(sector) => sector_graph(db, viewer, sector).await,
        }
    }
}
