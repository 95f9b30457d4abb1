//! Writes to the directory: organizations (with enterprise profile and chain segments), parks,
//! supply links, people and reference data. Archiving instead of deleting keeps history.

use entity::{
    chain_segment, department, enterprise_profile,
    enums::{EnterpriseScale, MunicipalityCode, OrganizationKind, ParkLevel, SegmentPosition},
    industrial_park, membership, municipality, organization, organization_segment, person, sector,
    supply_link,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};

use super::write::{Tx, Writer, check_version};
use crate::domain::geo::Point;
use crate::{
    domain::uscc::Uscc,
    error::{Error, Result},
};

/// A required text field, by the one text rule ([`crate::domain::text::clean`]).
pub fn text(value: &str, field: &str, max: usize) -> Result<String> {
    crate::domain::text::clean(value, field, max)
}

/// An optional text field: blank means none.
pub fn optional_text(value: Option<&str>, field: &str, max: usize) -> Result<Option<String>> {
    crate::domain::text::clean_optional(value, field, max)
}

/// What a change does to a row's archive mark: archived rows stay in history and leave lists of
/// live rows until restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Keep,
    Archive,
    Restore,
}

impl Lifecycle {
    /// The operation's name in the audit trail, of its names to update, archive and restore.
    fn operation(self, [update, archive, restore]: [&'static str; 3]) -> &'static str {
        match self {
            Self::Keep => update,
            Self::Archive => archive,
            Self::Restore => restore,
        }
    }

    /// The row's new archive mark (None: unchanged); CONFLICT when it already is where it is
    /// asked to go.
    fn archived_at(
        self,
        current: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
        what: &str,
    ) -> Result<Option<Option<chrono::DateTime<chrono::Utc>>>> {
        match (self, current) {
            (Self::Keep, _) => Ok(None),
            (Self::Archive, None) => Ok(Some(Some(now))),
            (Self::Restore, Some(_)) => Ok(Some(None)),
            (Self::Archive, Some(_)) => {
                Err(Error::Conflict(format!("the {what} is already archived")))
            }
            (Self::Restore, None) => Err(Error::Conflict(format!("the {what} is not archived"))),
        }
    }
}

/// A unit the caller may archive or restore (`verb`): the office, or the municipality where it
/// is located; at the version the caller last read.
async fn unit_to_manage(
    tx: &mut Tx<'_>,
    id: i64,
    expected_version: i32,
    verb: &str,
) -> Result<organization::Model> {
    let unit = tx.find::<organization::Entity>(id, "organization").await?;
    let why =
        format!("only the office, or the municipality where the unit is located, may {verb} it");
    tx.authorize(
        tx.viewer.may_manage_territory(unit.municipality_id),
        "organization",
        Some(id),
        &why,
    )?;
    check_version(unit.version, expected_version, "organization")?;
    Ok(unit)
}

fn non_negative(value: i64, field: &str) -> Result<i64> {
    if value < 0 {
        Err(Error::bad_input(format!("`{field}` must not be negative")))
    } else {
        Ok(value)
    }
}

/// A GB/T 2260 division code and its name.
fn division_of(code: &str) -> Result<(String, &'static str)> {
    let code = code.trim();
    let name = (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| crate::domain::division::division_name(code))
        .flatten();
    match name {
        Some(name) => Ok((code.to_owned(), name)),
        None => Err(Error::bad_input(format!(
            "`{code}` is not a GB/T 2260 division code (six digits, starting with a province's two)"
        ))),
    }
}

fn industry_class(code: &str) -> Result<String> {
    let code = code.trim().to_ascii_uppercase();
    let mut chars = code.chars();
    let section_ok = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let digits: String = chars.collect();
    if section_ok && (2..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(Error::bad_input(format!(
            "`{code}` is not a GB/T 4754 class (a section letter and 2–4 digits, e.g. C3985)"
        )))
    }
}

async fn municipality_id(tx: &Tx<'_>, code: Option<MunicipalityCode>) -> Result<Option<i64>> {
    match code {
        Some(code) => Ok(Some(tx.municipality_of(code).await?)),
        None => Ok(None),
    }
}

/// A live organization with this USCC other than `except` is a CONFLICT.
async fn uscc_free(tx: &Tx<'_>, uscc: &Uscc, except: Option<i64>) -> Result<()> {
    let mut query = organization::Entity::find()
        .filter(organization::Column::Uscc.eq(uscc.as_str()))
        .filter(organization::Column::ArchivedAt.is_null());
    if let Some(id) = except {
        query = query.filter(organization::Column::Id.ne(id));
    }
    if query.count(&tx.db).await? > 0 {
        return Err(Error::Conflict(format!(
            "an organization with USCC {uscc} is already registered"
        )));
    }
    Ok(())
}

/// Enterprise facts (all required when creating an enterprise).
#[derive(Debug, Clone)]
pub struct ProfileInput {
    pub scale: Option<EnterpriseScale>,
    pub is_backbone: Option<bool>,
    pub is_leading: Option<bool>,
    pub employees: Option<i32>,
    pub annual_revenue: Option<i64>,
    pub rnd_spend: Option<i64>,
    pub tax_paid: Option<i64>,
    pub founded_year: Option<i32>,
    pub industry_class: Option<String>,
}

/// A new organization.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub kind: OrganizationKind,
    pub uscc: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub municipality: Option<MunicipalityCode>,
    pub park: Option<i64>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub profile: Option<ProfileInput>,
    /// Chain segments, the primary one first.
    pub segments: Vec<i64>,
    /// Its position (WGS-84).
    pub location: Option<Point>,
}

/// Changes to an organization; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganizationChanges {
    pub expected_version: i32,
    pub uscc: Option<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub municipality: Option<MunicipalityCode>,
    pub park: Option<i64>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub profile: Option<ProfileInput>,
    pub segments: Option<Vec<i64>>,
    /// A new position (WGS-84).
    pub location: Option<Point>,
}

/// The park a unit is placed in must lie in the unit's municipality.
async fn check_park(
    tx: &Tx<'_>,
    park: Option<i64>,
    municipality: Option<i64>,
) -> Result<Option<industrial_park::Model>> {
    let Some(park_id) = park else { return Ok(None) };
    let park = tx.find::<industrial_park::Entity>(park_id, "park").await?;
    if Some(park.municipality_id) != municipality || park.archived_at.is_some() {
        return Err(Error::bad_input(
            "the park must be a live park in the organization's municipality",
        ));
    }
    Ok(Some(park))
}

async fn set_segments(tx: &mut Tx<'_>, organization: i64, segments: &[i64]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for segment in segments {
        if !seen.insert(*segment) {
            return Err(Error::bad_input("a chain segment is listed twice"));
        }
        tx.find::<chain_segment::Entity>(*segment, "chain segment")
            .await?;
    }
    organization_segment::Entity::delete_many()
        .filter(organization_segment::Column::OrganizationId.eq(organization))
        .exec(&tx.db)
        .await?;
    for (i, segment) in segments.iter().enumerate() {
        organization_segment::ActiveModel {
            organization_id: Set(organization),
            segment_id: Set(*segment),
            is_primary: Set(i == 0),
            created_at: Set(tx.now),
            ..Default::default()
        }
        .insert(&tx.db)
        .await?;
    }
    Ok(())
}

fn new_profile(
    organization: i64,
    p: &ProfileInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<enterprise_profile::ActiveModel> {
    let need = |what: &str| Error::bad_input(format!("an enterprise needs `{what}`"));
    Ok(enterprise_profile::ActiveModel {
        organization_id: Set(organization),
        scale: Set(p.scale.ok_or_else(|| need("scale"))?),
        is_backbone: Set(p.is_backbone.unwrap_or(false)),
        is_leading: Set(p.is_leading.unwrap_or(false)),
        employees: Set(non_negative(
            i64::from(p.employees.ok_or_else(|| need("employees"))?),
            "employees",
        )? as i32),
        annual_revenue: Set(non_negative(
            p.annual_revenue.ok_or_else(|| need("annualRevenue"))?,
            "annualRevenue",
        )?),
        rnd_spend: Set(non_negative(p.rnd_spend.unwrap_or(0), "rndSpend")?),
        tax_paid: Set(non_negative(p.tax_paid.unwrap_or(0), "taxPaid")?),
        founded_year: Set(p.founded_year.ok_or_else(|| need("foundedYear"))?),
        industry_class: Set(industry_class(
            p.industry_class
                .as_deref()
                .ok_or_else(|| need("industryClass"))?,
        )?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

fn apply_profile(row: &mut enterprise_profile::ActiveModel, p: &ProfileInput) -> Result<()> {
    if let Some(v) = p.scale {
        row.scale = Set(v);
    }
    if let Some(v) = p.is_backbone {
        row.is_backbone = Set(v);
    }
    if let Some(v) = p.is_leading {
        row.is_leading = Set(v);
    }
    if let Some(v) = p.employees {
        row.employees = Set(non_negative(i64::from(v), "employees")? as i32);
    }
    if let Some(v) = p.annual_revenue {
        row.annual_revenue = Set(non_negative(v, "annualRevenue")?);
    }
    if let Some(v) = p.rnd_spend {
        row.rnd_spend = Set(non_negative(v, "rndSpend")?);
    }
    if let Some(v) = p.tax_paid {
        row.tax_paid = Set(non_negative(v, "taxPaid")?);
    }
    if let Some(v) = p.founded_year {
        row.founded_year = Set(v);
    }
    if let Some(v) = &p.industry_class {
        row.industry_class = Set(industry_class(v)?);
    }
    Ok(())
}

impl<'a> Writer<'a> {
    pub async fn create_organization(self, new: NewOrganization) -> Result<organization::Model> {
        let mut tx = self.begin("createOrganization").await?;
        let outcome = tx.create_organization(new).await;
        tx.finish(outcome).await
    }

    pub async fn update_organization(
        self,
        id: i64,
        changes: OrganizationChanges,
    ) -> Result<organization::Model> {
        let mut tx = self.begin("updateOrganization").await?;
        let outcome = tx.update_organization(id, changes).await;
        tx.finish(outcome).await
    }

    pub async fn archive_organization(
        self,
        id: i64,
        expected_version: i32,
    ) -> Result<organization::Model> {
        let mut tx = self.begin("archiveOrganization").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = unit_to_manage(tx, id, expected_version, "archive").await?;
            let mark =
                Lifecycle::Archive.archived_at(before.archived_at, tx.now, "organization")?;
            let mut row = before.clone().into_active_model();
            row.archived_at = Set(mark.flatten());
            let after = tx.save("organization", id, None, &before, row).await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Brings an archived unit back into lists, unless a live unit holds its USCC now.
    pub async fn restore_organization(
        self,
        id: i64,
        expected_version: i32,
    ) -> Result<organization::Model> {
        let mut tx = self.begin("restoreOrganization").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = unit_to_manage(tx, id, expected_version, "restore").await?;
            Lifecycle::Restore.archived_at(before.archived_at, tx.now, "organization")?;
            if let Some(uscc) = &before.uscc {
                let holder = organization::Entity::find()
                    .filter(organization::Column::Uscc.eq(uscc.as_str()))
                    .filter(organization::Column::ArchivedAt.is_null())
                    .one(&tx.db)
                    .await?;
                if holder.is_some() {
                    return Err(Error::Conflict(format!(
                        "a live unit holds the USCC {uscc} now: archive it first"
                    )));
                }
            }
            let mut row = before.clone().into_active_model();
            row.archived_at = Set(None);
            let after = tx.save("organization", id, None, &before, row).await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn create_park(
        self,
        code: &str,
        municipality: MunicipalityCode,
        division: &str,
        level: ParkLevel,
        name_zh: &str,
        name_en: &str,
        industries: &[String],
        location: Option<Point>,
    ) -> Result<industrial_park::Model> {
        let mut tx = self.begin("createPark").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let municipality_id = municipality_id(tx, Some(municipality)).await?;
            tx.authorize(
                tx.viewer.may_manage_territory(municipality_id),
                "industrial_park",
                None,
                "only the office or the park's municipality may register a park",
            )?;
            let code = text(code, "code", 40)?.to_ascii_uppercase();
            if industrial_park::Entity::find()
                .filter(industrial_park::Column::Code.eq(&code))
                .count(&tx.db)
                .await?
                > 0
            {
                return Err(Error::Conflict(format!("a park with code {code} exists")));
            }
            let row = industrial_park::ActiveModel {
                code: Set(code),
                municipality_id: Set(municipality_id.unwrap_or_default()),
                division_code: Set(division_of(division)?.0),
                level: Set(level),
                name_zh: Set(text(name_zh, "nameZh", 200)?),
                name_en: Set(text(name_en, "nameEn", 300)?),
                main_industries: Set(industries
                    .iter()
                    .map(|i| i.trim())
                    .filter(|i| !i.is_empty())
                    .collect::<Vec<_>>()
                    .join(",")),
                longitude: Set(location.map(|p| p.longitude)),
                latitude: Set(location.map(|p| p.latitude)),
                archived_at: Set(None),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("industrial_park", row.id, None, None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn update_park(
        self,
        id: i64,
        expected_version: i32,
        name_zh: Option<&str>,
        name_en: Option<&str>,
        level: Option<ParkLevel>,
        industries: Option<&[String]>,
        location: Option<Point>,
        lifecycle: Lifecycle,
    ) -> Result<industrial_park::Model> {
        let mut tx = self
            .begin(lifecycle.operation(["updatePark", "archivePark", "restorePark"]))
            .await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<industrial_park::Entity>(id, "park").await?;
            tx.authorize(
                tx.viewer.may_manage_territory(Some(before.municipality_id)),
                "industrial_park",
                Some(id),
                "only the office or the park's municipality may change it",
            )?;
            check_version(before.version, expected_version, "park")?;
            let mut row = before.clone().into_active_model();
            if let Some(v) = name_zh {
                row.name_zh = Set(text(v, "nameZh", 200)?);
            }
            if let Some(v) = name_en {
                row.name_en = Set(text(v, "nameEn", 300)?);
            }
            if let Some(v) = level {
                row.level = Set(v);
            }
            if let Some(v) = industries {
                row.main_industries = Set(v.join(","));
            }
            if let Some(point) = location {
                row.longitude = Set(Some(point.longitude));
                row.latitude = Set(Some(point.latitude));
            }
            if let Some(mark) = lifecycle.archived_at(before.archived_at, tx.now, "park")? {
                row.archived_at = Set(mark);
            }
            let after = tx.save("industrial_park", id, None, &before, row).await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn create_supply_link(
        self,
        supplier: i64,
        customer: i64,
        segment: Option<i64>,
        product: &str,
        since_year: i32,
        annual_value: Option<i64>,
    ) -> Result<supply_link::Model> {
        let mut tx = self.begin("createSupplyLink").await?;
        let outcome = tx
            .create_supply_link(
                supplier,
                customer,
                segment,
                product,
                since_year,
                annual_value,
            )
            .await;
        tx.finish(outcome).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn update_supply_link(
        self,
        id: i64,
        expected_version: i32,
        product: Option<&str>,
        since_year: Option<i32>,
        annual_value: Option<i64>,
        lifecycle: Lifecycle,
    ) -> Result<supply_link::Model> {
        let mut tx = self
            .begin(lifecycle.operation([
                "updateSupplyLink",
                "archiveSupplyLink",
                "restoreSupplyLink",
            ]))
            .await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            tx.authorize(
                tx.viewer.may_write_everything(),
                "supply_link",
                Some(id),
                "only the office maintains the chain graph",
            )?;
            let before = tx.find::<supply_link::Entity>(id, "supply link").await?;
            check_version(before.version, expected_version, "supply link")?;
            let mut row = before.clone().into_active_model();
            if let Some(v) = product {
                row.product = Set(text(v, "product", 200)?);
            }
            if let Some(v) = since_year {
                row.since_year = Set(v);
            }
            if let Some(v) = annual_value {
                row.annual_value = Set(Some(non_negative(v, "annualValue")?));
            }
            if let Some(mark) = lifecycle.archived_at(before.archived_at, tx.now, "link")? {
                if lifecycle == Lifecycle::Restore {
                    for unit in [before.supplier_id, before.customer_id] {
                        let unit = tx
                            .find::<organization::Entity>(unit, "organization")
                            .await?;
                        if unit.archived_at.is_some() {
                            return Err(Error::Conflict(format!(
                                "{} is archived: restore it before its links",
                                unit.name_zh
                            )));
                        }
                    }
                }
                row.archived_at = Set(mark);
            }
            let after = tx.save("supply_link", id, None, &before, row).await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Creates (`id` None) or updates a person.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_person(
        self,
        id: Option<(i64, i32)>,
        name_zh: Option<&str>,
        name_en: Option<&str>,
        organization: Option<i64>,
        title: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<person::Model> {
        let mut tx = self
            .begin(if id.is_some() {
                "updatePerson"
            } else {
                "createPerson"
            })
            .await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = match id {
                Some((id, _)) => Some(tx.find::<person::Entity>(id, "person").await?),
                None => None,
            };
            let unit_id = organization.or(before.as_ref().and_then(|p| p.organization_id));
            let unit = match unit_id {
                Some(u) => Some(tx.find::<organization::Entity>(u, "organization").await?),
                None => None,
            };
            let in_own_alliance = match (unit_id, tx.viewer.principal.alliance) {
                (Some(unit), Some(alliance)) => {
                    membership::Entity::find()
                        .filter(membership::Column::OrganizationId.eq(unit))
                        .filter(membership::Column::AllianceId.eq(alliance))
                        .count(&tx.db)
                        .await?
                        > 0
                }
                _ => false,
            };
            let allowed = tx
                .viewer
                .may_manage_person(unit.as_ref().map(|u| u.municipality_id), in_own_alliance);
            tx.authorize(
                allowed,
                "person",
                id.map(|(i, _)| i),
                "you may not manage this person's record",
            )?;
            if let (Some((_, expected)), Some(before)) = (id, &before) {
                check_version(before.version, expected, "person")?;
            }
            let phone_ok = |p: &str| {
                p.trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+- ".contains(c))
            };
            if phone.is_some_and(|p| !phone_ok(p)) {
                return Err(Error::bad_input(
                    "`phone` may hold digits, spaces, + and - only",
                ));
            }
            let email_ok =
                |e: &str| e.trim().is_empty() || (e.contains('@') && !e.trim().contains(' '));
            if email.is_some_and(|e| !email_ok(e)) {
                return Err(Error::bad_input("`email` is not an e-mail address"));
            }
            let mut row = match &before {
                Some(b) => b.clone().into_active_model(),
                None => person::ActiveModel {
                    name_zh: Set(text(name_zh.unwrap_or_default(), "nameZh", 100)?),
                    is_demo: Set(false),
                    version: Set(0),
                    created_at: Set(tx.now),
                    ..Default::default()
                },
            };
            if let Some(v) = name_zh {
                row.name_zh = Set(text(v, "nameZh", 100)?);
            }
            if name_en.is_some() || before.is_none() {
                row.name_en = Set(optional_text(name_en, "nameEn", 200)?);
            }
            if organization.is_some() || before.is_none() {
                row.organization_id = Set(organization);
            }
            if title.is_some() || before.is_none() {
                row.title = Set(optional_text(title, "title", 100)?);
            }
            if phone.is_some() || before.is_none() {
                row.phone = Set(optional_text(phone, "phone", 40)?);
            }
            if email.is_some() || before.is_none() {
                row.email = Set(optional_text(email, "email", 200)?);
            }
            row.version = Set(before.as_ref().map_or(1, |b| b.version + 1));
            row.updated_at = Set(tx.now);
            let after = match before {
                Some(_) => row.update(&tx.db).await?,
                None => row.insert(&tx.db).await?,
            };
            tx.record("person", after.id, None, before.as_ref(), Some(&after))
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Renames a department (reference data: OFFICE only).
    pub async fn update_department(
        self,
        id: i64,
        expected_version: i32,
        name_zh: Option<&str>,
        name_en: Option<&str>,
    ) -> Result<department::Model> {
        let mut tx = self.begin("updateDepartment").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            tx.authorize(
                tx.viewer.may_write_everything(),
                "department",
                Some(id),
                "only the office manages reference data",
            )?;
            let before = tx.find::<department::Entity>(id, "department").await?;
            check_version(before.version, expected_version, "department")?;
            let mut row = before.clone().into_active_model();
            if let Some(v) = name_zh {
                row.name_zh = Set(text(v, "nameZh", 200)?);
            }
            if let Some(v) = name_en {
                row.name_en = Set(text(v, "nameEn", 300)?);
            }
            let after = tx.save("department", id, None, &before, row).await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Adds or changes a chain segment (reference data: OFFICE only).
    #[allow(clippy::too_many_arguments)]
    pub async fn save_chain_segment(
        self,
        id: Option<(i64, i32)>,
        sector_code: Option<entity::enums::SectorCode>,
        code: Option<&str>,
        ordinal: Option<i32>,
        position: Option<SegmentPosition>,
        name_zh: Option<&str>,
        name_en: Option<&str>,
        classes: Option<&[String]>,
    ) -> Result<chain_segment::Model> {
        let mut tx = self
            .begin(if id.is_some() {
                "updateChainSegment"
            } else {
                "createChainSegment"
            })
            .await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            tx.authorize(
                tx.viewer.may_write_everything(),
                "chain_segment",
                id.map(|(i, _)| i),
                "only the office manages reference data",
            )?;
            let before = match id {
                Some((id, expected)) => {
                    let row = tx
                        .find::<chain_segment::Entity>(id, "chain segment")
                        .await?;
                    check_version(row.version, expected, "chain segment")?;
                    Some(row)
                }
                None => None,
            };
            let mut row = match &before {
                Some(b) => b.clone().into_active_model(),
                None => {
                    let sector =
                        sector::Entity::find()
                            .filter(sector::Column::Code.eq(sector_code.ok_or_else(|| {
                                Error::bad_input("a new segment needs its `sector`")
                            })?))
                            .one(&tx.db)
                            .await?
                            .ok_or_else(|| Error::not_found("no such sector"))?;
                    chain_segment::ActiveModel {
                        sector_id: Set(sector.id),
                        code: Set(text(code.unwrap_or_default(), "code", 40)?.to_ascii_uppercase()),
                        ordinal: Set(ordinal.ok_or_else(|| {
                            Error::bad_input("a new segment needs its `ordinal`")
                        })?),
                        position: Set(position.ok_or_else(|| {
                            Error::bad_input("a new segment needs its `position`")
                        })?),
                        name_zh: Set(text(name_zh.unwrap_or_default(), "nameZh", 200)?),
                        name_en: Set(text(name_en.unwrap_or_default(), "nameEn", 300)?),
                        industry_classes: Set(String::new()),
                        created_at: Set(tx.now),
                        ..Default::default()
                    }
                }
            };
            if let (Some(v), Some(_)) = (ordinal, &before) {
                row.ordinal = Set(v);
            }
            if let (Some(v), Some(_)) = (position, &before) {
                row.position = Set(v);
            }
            if let (Some(v), Some(_)) = (name_zh, &before) {
                row.name_zh = Set(text(v, "nameZh", 200)?);
            }
            if let (Some(v), Some(_)) = (name_en, &before) {
                row.name_en = Set(text(v, "nameEn", 300)?);
            }
            if let Some(classes) = classes {
                let parsed: Vec<String> = classes
                    .iter()
                    .map(|c| industry_class(c))
                    .collect::<Result<_>>()?;
                row.industry_classes = Set(parsed.join(","));
            }
            row.version = Set(before.as_ref().map_or(1, |b| b.version + 1));
            row.updated_at = Set(tx.now);
            let after = match before {
                Some(_) => row.update(&tx.db).await?,
                None => row.insert(&tx.db).await?,
            };
            tx.record(
                "chain_segment",
                after.id,
                None,
                before.as_ref(),
                Some(&after),
            )
            .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// The bodies of the mutations above, for a caller that runs several in one transaction (an
/// import).
impl Tx<'_> {
    pub async fn create_organization(
        &mut self,
        new: NewOrganization,
    ) -> Result<organization::Model> {
        let tx = self;
        let municipality_id = municipality_id(tx, new.municipality).await?;
        let why = "only the office, or the municipality where the unit is located, may register it";
        tx.authorize(
            tx.viewer.may_manage_territory(municipality_id),
            "organization",
            None,
            why,
        )?;
        let park = check_park(tx, new.park, municipality_id).await?;
        let uscc = new.uscc.as_deref().map(Uscc::parse).transpose()?;
        if let Some(uscc) = &uscc {
            uscc_free(tx, uscc, None).await?;
        }
        if (new.kind == OrganizationKind::Enterprise) != new.profile.is_some() {
            return Err(Error::bad_input(
                "an enterprise (and only an enterprise) has an `enterprise` profile",
            ));
        }
        let region = match (&new.region_code, &park, municipality_id) {
            (Some(code), _, _) => division_of(code)?.0,
            (None, Some(park), _) => park.division_code.clone(),
            (None, None, Some(id)) => {
                tx.find::<municipality::Entity>(id, "municipality")
                    .await?
                    .division_code
            }
            (None, None, None) => {
                return Err(Error::bad_input(
                    "a unit outside the metro area needs its `regionCode`",
                ));
            }
        };
        let (region, region_name) = division_of(&region)?;
        let row = organization::ActiveModel {
            kind: Set(new.kind),
            uscc: Set(uscc.map(|u| u.to_string())),
            name_zh: Set(text(&new.name_zh, "nameZh", 200)?),
            name_en: Set(optional_text(new.name_en.as_deref(), "nameEn", 300)?),
            municipality_id: Set(municipality_id),
            park_id: Set(park.map(|p| p.id)),
            region_name: Set(region_name.to_owned()),
            region_code: Set(region),
            address: Set(optional_text(new.address.as_deref(), "address", 300)?),
            website: Set(optional_text(new.website.as_deref(), "website", 300)?),
            longitude: Set(new.location.map(|p| p.longitude)),
            latitude: Set(new.location.map(|p| p.latitude)),
            is_demo: Set(false),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(tx.now),
            updated_at: Set(tx.now),
            ..Default::default()
        }
        .insert(&tx.db)
        .await?;
        if let Some(profile) = &new.profile {
            let profile = new_profile(row.id, profile, tx.now)?.insert(&tx.db).await?;
            tx.record("enterprise_profile", row.id, None, None, Some(&profile))
                .await?;
        }
        set_segments(tx, row.id, &new.segments).await?;
        tx.record("organization", row.id, None, None, Some(&row))
            .await?;
        Ok(row)
    }

    pub async fn update_organization(
        &mut self,
        id: i64,
        changes: OrganizationChanges,
    ) -> Result<organization::Model> {
        let tx = self;
        let before = tx.find::<organization::Entity>(id, "organization").await?;
        let why = "only the office, or the municipality where the unit is located, may change it";
        tx.authorize(
            tx.viewer.may_manage_territory(before.municipality_id),
            "organization",
            Some(id),
            why,
        )?;
        let municipality_id = match changes.municipality {
            Some(code) => municipality_id(tx, Some(code)).await?,
            None => before.municipality_id,
        };
        tx.authorize(
            tx.viewer.may_manage_territory(municipality_id),
            "organization",
            Some(id),
            "a municipality cannot move a unit out of its territory",
        )?;
        check_version(before.version, changes.expected_version, "organization")?;
        let mut row = before.clone().into_active_model();
        if let Some(code) = &changes.uscc {
            let uscc = Uscc::parse(code)?;
            uscc_free(tx, &uscc, Some(id)).await?;
            row.uscc = Set(Some(uscc.to_string()));
        }
        if let Some(v) = &changes.name_zh {
            row.name_zh = Set(text(v, "nameZh", 200)?);
        }
        if let Some(v) = &changes.name_en {
            row.name_en = Set(optional_text(Some(v), "nameEn", 300)?);
        }
        if changes.municipality.is_some() || changes.park.is_some() {
            let park = check_park(
                tx,
                changes
                    .park
                    .or(before.park_id.filter(|_| changes.municipality.is_none())),
                municipality_id,
            )
            .await?;
            row.municipality_id = Set(municipality_id);
            row.park_id = Set(park.map(|p| p.id));
        }
        if let Some(v) = &changes.region_code {
            let (code, name) = division_of(v)?;
            row.region_name = Set(name.to_owned());
            row.region_code = Set(code);
        }
        if let Some(v) = &changes.address {
            row.address = Set(optional_text(Some(v), "address", 300)?);
        }
        if let Some(v) = &changes.website {
            row.website = Set(optional_text(Some(v), "website", 300)?);
        }
        if let Some(point) = changes.location {
            row.longitude = Set(Some(point.longitude));
            row.latitude = Set(Some(point.latitude));
        }
        let after = tx.save("organization", id, None, &before, row).await?;
        if let Some(p) = &changes.profile {
            let profile = enterprise_profile::Entity::find_by_id(id)
                .one(&tx.db)
                .await?
                .ok_or_else(|| {
                    Error::bad_input("only an enterprise has an `enterprise` profile")
                })?;
            let mut changed = profile.clone().into_active_model();
            apply_profile(&mut changed, p)?;
            let profile = tx
                .save("enterprise_profile", id, None, &profile, changed)
                .await?;
            tx.follow_profile_figures(&profile).await?;
        }
        if let Some(segments) = &changes.segments {
            set_segments(tx, id, segments).await?;
        }
        Ok(after)
    }

    pub async fn create_supply_link(
        &mut self,
        supplier: i64,
        customer: i64,
        segment: Option<i64>,
        product: &str,
        since_year: i32,
        annual_value: Option<i64>,
    ) -> Result<supply_link::Model> {
        let tx = self;
        tx.authorize(
            tx.viewer.may_write_everything(),
            "supply_link",
            None,
            "only the office maintains the chain graph",
        )?;
        if supplier == customer {
            return Err(Error::bad_input("a unit cannot supply itself"));
        }
        for id in [supplier, customer] {
            let unit = tx.find::<organization::Entity>(id, "organization").await?;
            if unit.archived_at.is_some() {
                return Err(Error::bad_input(format!("{} is archived", unit.name_zh)));
            }
        }
        if let Some(segment) = segment {
            tx.find::<chain_segment::Entity>(segment, "chain segment")
                .await?;
        }
        let row = supply_link::ActiveModel {
            supplier_id: Set(supplier),
            customer_id: Set(customer),
            segment_id: Set(segment),
            product: Set(text(product, "product", 200)?),
            since_year: Set(since_year),
            annual_value: Set(annual_value
                .map(|v| non_negative(v, "annualValue"))
                .transpose()?),
            is_demo: Set(false),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(tx.now),
            updated_at: Set(tx.now),
            ..Default::default()
        }
        .insert(&tx.db)
        .await?;
        tx.record("supply_link", row.id, None, None, Some(&row))
            .await?;
        Ok(row)
    }
}
