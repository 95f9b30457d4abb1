//! Networks analysts draw: alliances tied by the units they share (co-membership), and
//! universities and research institutes tied to enterprises by the joint projects they work on
//! together (who works with whom, how often). Alliances as the viewer may see them; projects are
//! not public.

use sea_orm::{EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Statement};

use super::{access::Viewer, chain::id_list};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// Most ties one answer lists.
pub const MAX_TIES: i64 = 1000;

/// Two alliances and the active members they share.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct AllianceTie {
    pub first: i64,
    pub second: i64,
    pub shared: i64,
}

/// An institution, an enterprise, and the joint projects they share.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Collaboration {
    pub institution: i64,
    pub enterprise: i64,
    pub projects: i64,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

fn check_first(first: i64) -> Result<i64> {
    if !(1..=MAX_TIES).contains(&first) {
        return Err(Error::bad_input(format!(
            "`first` must lie between 1 and {MAX_TIES}"
        )));
    }
    Ok(first)
}

/// Pairs of visible alliances sharing active members, most shared first.
pub async fn alliance_ties(db: &Store, viewer: &Viewer, first: i64) -> Result<Vec<AllianceTie>> {
    let first = check_first(first)?;
    let visible: Vec<i64> = entity::alliance::Entity::find()
        .select_only()
        .column(entity::alliance::Column::Id)
        .filter(viewer.alliance_scope())
        .into_tuple()
        .all(db)
        .await?;
    let ids = id_list(&visible);
    Ok(AllianceTie::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT a.alliance_id AS first, b.alliance_id AS second, COUNT(*) AS shared
             FROM membership a JOIN membership b
               ON b.organization_id = a.organization_id AND b.alliance_id > a.alliance_id
             WHERE a.status = 'ACTIVE' AND b.status = 'ACTIVE'
               AND a.alliance_id IN ({ids}) AND b.alliance_id IN ({ids})
             GROUP BY a.alliance_id, b.alliance_id
             ORDER BY COUNT(*) DESC, a.alliance_id, b.alliance_id
             LIMIT {first}"
        ),
    ))
    .all(db)
    .await?)
}

/// Pairs of a university or research institute and an enterprise taking part in the same joint
/// projects (of one alliance, if given), most projects first, with the first and last year the
/// projects were proposed.
pub async fn collaborations(
    db: &Store,
    viewer: &Viewer,
    alliance: Option<i64>,
    first: i64,
) -> Result<Vec<Collaboration>> {
    viewer.require_signed_in("project networks")?;
    let first = check_first(first)?;
    let backend = db.get_database_backend();
    let year = super::stats::year_of(backend, "p.proposed_on");
    let within = alliance.map_or_else(String::new, |a| format!("AND p.alliance_id = {a}"));
    Ok(Collaboration::find_by_statement(Statement::from_string(
        backend,
        format!(
            "SELECT i.organization_id AS institution, e.organization_id AS enterprise,
                    COUNT(DISTINCT p.id) AS projects, MIN({year}) AS first_year, MAX({year}) AS last_year
             FROM project p
             JOIN project_participant i ON i.project_id = p.id
             JOIN organization io ON io.id = i.organization_id
             JOIN project_participant e ON e.project_id = p.id
             JOIN organization eo ON eo.id = e.organization_id
             WHERE io.kind IN ('UNIVERSITY', 'RESEARCH_INSTITUTE') AND eo.kind = 'ENTERPRISE' {within}
             GROUP BY i.organization_id, e.organization_id
             ORDER BY COUNT(DISTINCT p.id) DESC, i.organization_id, e.organization_id
             LIMIT {first}"
        ),
    ))
    .all(db)
    .await?)
}
