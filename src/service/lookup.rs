//! Lookups by natural key: USCC, reference codes, and "which alliances is each of these units in".

use std::collections::HashMap;

use entity::{alliance, department, enums, membership, municipality, organization, sector};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    access::Viewer,
    decode,
    load::{self, Columns, Scoped},
};
use crate::{
    database::Store,
    domain::uscc::Uscc,
    error::{Error, Result},
};

/// Most codes `membershipsByUscc` answers in one request.
pub const MAX_USCC_BATCH: usize = 100;

/// The live organization with this USCC, if the viewer may see it.
pub async fn organization_by_uscc(
    db: &Store,
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
    db: &Store,
    code: enums::DepartmentCode,
) -> Result<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn municipality(
    db: &Store,
    code: enums::MunicipalityCode,
) -> Result<Option<municipality::Model>> {
    Ok(municipality::Entity::find()
        .filter(municipality::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn sector(db: &Store, code: enums::SectorCode) -> Result<Option<sector::Model>> {
    Ok(sector::Entity::find()
        .filter(sector::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// What a batch lookup found for one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccStatus {
    /// A unit with this code is registered and visible to the caller.
    Found,
    /// The code is valid, but no live unit the caller may see carries it.
    Unknown,
    /// The code is not a valid USCC (length, alphabet or check character).
    Invalid,
}

/// The answer for one USCC of a batch lookup.
#[derive(Debug, Clone)]
pub struct UsccMemberships {
    /// The code as the caller wrote it, normalised (trimmed, full-width folded, upper-cased).
    pub uscc: String,
    pub status: UsccStatus,
    /// Why an invalid code is invalid.
    pub reason: Option<String>,
    /// The unit, read with only the columns asked for (see [`Columns`]).
    pub organization: Option<organization::Model>,
    /// Its memberships, each with its alliance (read with it).
    pub memberships: Vec<(membership::Model, alliance::Model)>,
}

/// For up to [`MAX_USCC_BATCH`] codes, the unit and its memberships (all statuses the viewer
/// may see), in two statements. Each code is answered on its own: an invalid code is reported
/// as such, with its reason, and never hides the others.
pub async fn memberships_by_uscc(
    db: &Store,
    viewer: &Viewer,
    usccs: &[String],
    columns: Columns<organization::Column>,
) -> Result<Vec<UsccMemberships>> {
    if usccs.len() > MAX_USCC_BATCH {
        return Err(Error::bad_input(format!(
            "at most {MAX_USCC_BATCH} codes per request, got {}",
            usccs.len()
        )));
    }
    let parsed: Vec<Result<Uscc, Error>> = usccs.iter().map(|code| Uscc::parse(code)).collect();
    let codes: Vec<&str> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(Uscc::as_str)
        .collect();
    if codes.is_empty() {
        // Nothing valid to look up: no statement at all.
        return Ok(usccs
            .iter()
            .zip(parsed)
            .map(|(code, p)| answer(code, p, None, Vec::new()))
            .collect());
    }
    let select = organization::Entity::find()
        .filter(organization::Column::Uscc.is_in(codes.iter().copied()))
        .filter(organization::Column::ArchivedAt.is_null())
        .filter(organization::Entity::scope(viewer));
    let organizations: HashMap<String, organization::Model> =
        decode::read(db, select, &columns.with([organization::Column::Uscc]))
            .await?
            .into_iter()
            .filter_map(|org| org.uscc.clone().map(|code| (code, org)))
            .collect();
    let ids: Vec<i64> = organizations.values().map(|o| o.id).collect();
    let mut memberships: HashMap<i64, Vec<(membership::Model, alliance::Model)>> = HashMap::new();
    if !ids.is_empty() {
        // Each membership with its alliance, in one statement; a membership of an alliance the
        // viewer may not see is not listed.
        let select = membership::Entity::find()
            .filter(membership::Column::OrganizationId.is_in(ids))
            .filter(membership::Entity::scope(viewer))
            .order_by_asc(membership::Column::Id);
        let rows = load::read_joined::<membership::Entity, alliance::Entity>(
            db,
            viewer,
            select,
            &Columns::All,
            membership::Column::AllianceId,
        )
        .await?;
        for (row, alliance) in rows {
            let Some(alliance) = alliance else { continue };
            memberships
                .entry(row.organization_id)
                .or_default()
                .push((row, alliance));
        }
    }
    Ok(usccs
        .iter()
        .zip(parsed)
        .map(|(code, parsed)| {
            let organization = parsed
                .as_ref()
                .ok()
                .and_then(|uscc| organizations.get(uscc.as_str()).cloned());
            let found = organization
                .as_ref()
                .and_then(|o| memberships.get(&o.id).cloned())
                .unwrap_or_default();
            answer(code, parsed, organization, found)
        })
        .collect())
}

fn answer(
    code: &str,
    parsed: Result<Uscc, Error>,
    organization: Option<organization::Model>,
    memberships: Vec<(membership::Model, alliance::Model)>,
) -> UsccMemberships {
    let (status, reason) = match (&parsed, &organization) {
        (Err(err), _) => (UsccStatus::Invalid, Some(err.to_string())),
        (Ok(_), Some(_)) => (UsccStatus::Found, None),
        (Ok(_), None) => (UsccStatus::Unknown, None),
    };
    UsccMemberships {
        uscc: Uscc::normalize(code),
        status,
        reason,
        organization,
        memberships,
    }
}
