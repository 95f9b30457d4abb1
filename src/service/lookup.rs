//! Lookups by natural key: USCC, reference codes, and "which alliances is each of these units in".

use std::collections::HashMap;

use entity::{alliance, department, enums, membership, municipality, organization, sector};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::{access::Viewer, load::Scoped};
use crate::{
    domain::uscc::Uscc,
    error::{Error, Result},
};

/// Most codes `membershipsByUscc` answers in one request.
pub const MAX_USCC_BATCH: usize = 100;

/// The live organization with this USCC, if the viewer may see it.
pub async fn organization_by_uscc(
    db: &DatabaseConnection,
    viewer: &Viewer,
    uscc: &str,
) -> Result<Option<organization::Model>> {
    let uscc = Uscc::parse(uscc)?;
    Ok(organization::Entity::find()
        .filter(organization::Column::Uscc.eq(uscc.as_str()))
        .filter(organization::Column::ArchivedAt.is_null())
        .filter(organization::Entity::scope(viewer))
        .one(db)
        .await?)
}

pub async fn department(
    db: &DatabaseConnection,
    code: enums::DepartmentCode,
) -> Result<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn municipality(
    db: &DatabaseConnection,
    code: enums::MunicipalityCode,
) -> Result<Option<municipality::Model>> {
    Ok(municipality::Entity::find()
        .filter(municipality::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn sector(
    db: &DatabaseConnection,
    code: enums::SectorCode,
) -> Result<Option<sector::Model>> {
    Ok(sector::Entity::find()
        .filter(sector::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The answer for one USCC of a batch lookup.
#[derive(Debug, Clone)]
pub struct UsccMemberships {
    /// The code as the caller wrote it, normalised.
    pub uscc: String,
    pub organization: Option<organization::Model>,
    pub memberships: Vec<membership::Model>,
}

/// For up to [`MAX_USCC_BATCH`] codes, the unit and its memberships (all statuses the viewer
/// may see), in two statements. Invalid codes are refused together, each with its reason.
pub async fn memberships_by_uscc(
    db: &DatabaseConnection,
    viewer: &Viewer,
    usccs: &[String],
) -> Result<Vec<UsccMemberships>> {
    if usccs.len() > MAX_USCC_BATCH {
        return Err(Error::bad_input(format!(
            "at most {MAX_USCC_BATCH} codes per request, got {}",
            usccs.len()
        )));
    }
    let mut parsed = Vec::with_capacity(usccs.len());
    let mut problems = Vec::new();
    for code in usccs {
        match Uscc::parse(code) {
            Ok(uscc) => parsed.push(uscc),
            Err(err) => problems.push(err.to_string()),
        }
    }
    if !problems.is_empty() {
        return Err(Error::bad_input(problems.join("; ")));
    }
    let codes: Vec<&str> = parsed.iter().map(Uscc::as_str).collect();
    let organizations: HashMap<String, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Uscc.is_in(codes.iter().copied()))
        .filter(organization::Column::ArchivedAt.is_null())
        .filter(organization::Entity::scope(viewer))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|org| org.uscc.clone().map(|code| (code, org)))
        .collect();
    let ids: Vec<i64> = organizations.values().map(|o| o.id).collect();
    let mut memberships: HashMap<i64, Vec<membership::Model>> = HashMap::new();
    if !ids.is_empty() {
        let alliances = alliance::Entity::find()
            .select_only()
            .column(alliance::Column::Id)
            .filter(alliance::Entity::scope(viewer))
            .into_query();
        let visible_alliances = membership::Column::AllianceId.in_subquery(alliances);
        for row in membership::Entity::find()
            .filter(membership::Column::OrganizationId.is_in(ids))
            .filter(membership::Entity::scope(viewer))
            .filter(visible_alliances)
            .order_by_asc(membership::Column::Id)
            .all(db)
            .await?
        {
            memberships
                .entry(row.organization_id)
                .or_default()
                .push(row);
        }
    }
    Ok(parsed
        .into_iter()
        .map(|uscc| {
            let organization = organizations.get(uscc.as_str()).cloned();
            let memberships = organization
                .as_ref()
                .and_then(|o| memberships.get(&o.id).cloned())
                .unwrap_or_default();
            UsccMemberships {
                uscc: uscc.to_string(),
                organization,
                memberships,
            }
        })
        .collect())
}
