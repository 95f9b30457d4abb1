//! The read-permission table of DESIGN.md, in one place.
//!
//! Every query goes through a [`Viewer`]: row scopes (what PUBLIC may see at all) are added to the
//! SQL, and every restricted object comes back [`Guarded`]: fields the viewer may not read are
//! listed as withheld (the API answers `null` and names them in `withheldFields`), and contact
//! details are masked in the value itself. Resolvers never decide; they read the guard.

use std::collections::HashSet;

use entity::{
    alliance, enterprise_profile,
    enums::{AllianceStage, DepartmentCode, MembershipStatus, SupportKind},
    membership, organization, person, post, supply_link, support_measure,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use tokio::sync::OnceCell;

use crate::{
    database::Store,
    domain::principal::{Principal, Role},
    error::{Error, Result},
};

/// A value together with what its viewer may not see of it.
#[derive(Debug, Clone)]
pub struct Guarded<T> {
    pub value: T,
    withheld: Vec<&'static str>,
    masked: Vec<&'static str>,
}

impl<T> Guarded<T> {
    fn new(value: T, withheld: &[&'static str]) -> Self {
        Self {
            value,
            withheld: withheld.to_vec(),
            masked: Vec::new(),
        }
    }

    /// Reads a field the viewer may see, or `None` if it is withheld.
    pub fn show<'a, R>(&'a self, field: &'static str, read: impl FnOnce(&'a T) -> R) -> Option<R> {
        (!self.withheld.contains(&field)).then(|| read(&self.value))
    }

    pub fn withheld(&self) -> Vec<String> {
        self.withheld.iter().map(|f| (*f).to_owned()).collect()
    }

    pub fn masked(&self) -> Vec<String> {
        self.masked.iter().map(|f| (*f).to_owned()).collect()
    }
}

/// The organization fields PUBLIC does not see (it sees units' names only).
const ORGANIZATION_PRIVATE: &[&str] = &[
    "uscc",
    "municipality",
    "park",
    "regionCode",
    "regionName",
    "address",
    "website",
    "segments",
    "people",
    "supportMeasures",
    "suppliers",
    "customers",
    "archivedAt",
    "createdAt",
    "updatedAt",
    "version",
];
/// The enterprise-profile fields PUBLIC does not see.
const PROFILE_PRIVATE: &[&str] = &[
    "scale",
    "isBackbone",
    "isLeading",
    "employees",
    "foundedYear",
    "industryClass",
];
/// What PUBLIC may not filter organizations on: everything but kind and names.
const ORGANIZATION_FILTER_PRIVATE: &[&str] = &[
    "uscc",
    "municipality",
    "park",
    "segments",
    "scale",
    "isBackbone",
    "foundedYear",
    "isDemo",
];
/// Enterprise financial figures (restricted).
const FIGURES: &[&str] = &["annualRevenue", "outputValue", "rndSpend", "taxPaid"];

/// Whether a unit's field is read from its enterprise profile (so a list asking for it reads
/// the profiles too).
pub fn is_profile_field(field: &str) -> bool {
    FIGURES.contains(&field) || PROFILE_PRIVATE.contains(&field)
}
/// The figures the tax service may read.
const TAX_RELATED: &[&str] = &["annualRevenue", "taxPaid"];
/// The alliance fields PUBLIC does not see: all governance detail.
const ALLIANCE_PRIVATE: &[&str] = &[
    "convener",
    "registeredBy",
    "initiativeConfirmedOn",
    "secretariatUnit",
    "chairUnitReason",
    "liabilityUnit",
    "charterVersion",
    "charterAdoptedOn",
    "charterSignedOn",
    "charter",
    "charters",
    "supportingRules",
    "agreement",
    "agreements",
    "results",
    "reports",
    "stageHistory",
    "charterConsents",
    "posts",
    "workingGroups",
    "meetings",
    "projects",
    "supportMeasures",
    "createdAt",
    "updatedAt",
    "version",
];
/// The membership fields PUBLIC does not see.
const MEMBERSHIP_PRIVATE: &[&str] = &[
    "appliedOn",
    "leftOn",
    "decisionReason",
    "posts",
    "createdAt",
    "updatedAt",
    "version",
];
/// Support-measure detail: only OFFICE and the owner (TAX_INCENTIVE: OFFICE and TAX).
const SUPPORT_DETAIL: &[&str] = &["amount", "beneficiaryOrganization"];

/// What the caller may do, as `viewer.capabilities` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    ReadReferenceData,
    ReadFoundedAlliances,
    ReadAllAlliances,
    ReadGovernance,
    ReadReports,
    ReadOrganizations,
    ReadChainGraph,
    ReadPeople,
    ReadAllContactDetails,
    ReadAllianceContactDetails,
    ReadAllEnterpriseFigures,
    ReadTerritoryEnterpriseFigures,
    ReadTaxRelatedFigures,
    ReadAllSupportDetail,
    ReadOwnSupportDetail,
    ReadSupplyLinkValues,
    WriteEverything,
    WriteOwnSupportMeasures,
    WriteTerritoryOrganizations,
    WriteOwnAlliance,
}

/// Who grants a support measure: a department, or a city or the base itself (plan §四(一)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureOwner {
    Department(i64),
    Municipality(i64),
}

impl MeasureOwner {
    /// The owner a stored measure names (the schema holds exactly one).
    pub fn of(model: &support_measure::Model) -> Option<Self> {
        Self::from_columns(model.department_id, model.municipality_id)
    }

    fn from_columns(department: Option<i64>, municipality: Option<i64>) -> Option<Self> {
        match (department, municipality) {
            (Some(id), _) => Some(Self::Department(id)),
            (None, Some(id)) => Some(Self::Municipality(id)),
            (None, None) => None,
        }
    }
}

/// The caller of one request, with the few facts their permissions depend on.
#[derive(Debug)]
pub struct Viewer {
    pub principal: Principal,
    /// Database id of the principal's department (DEPARTMENT tokens).
    department_id: Option<i64>,
    /// Database id of the principal's municipality (MUNICIPALITY tokens).
    municipality_id: Option<i64>,
    /// People holding a current post in the secretariat's alliance, loaded on first need.
    post_holders: OnceCell<HashSet<i64>>,
}

impl Viewer {
    /// Resolves the principal's department and municipality codes to database ids.
    pub async fn new(db: &Store, principal: Principal) -> Result<Self> {
        let department_id = match principal.department {
            Some(code) => entity::department::Entity::find()
                .filter(entity::department::Column::Code.eq(code))
                .one(db)
                .await?
                .map(|d| d.id),
            None => None,
        };
        let municipality_id = match principal.municipality {
            Some(code) => entity::municipality::Entity::find()
                .filter(entity::municipality::Column::Code.eq(code))
                .one(db)
                .await?
                .map(|m| m.id),
            None => None,
        };
        Ok(Self {
            principal,
            department_id,
            municipality_id,
            post_holders: OnceCell::new(),
        })
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    pub fn is_public(&self) -> bool {
        self.role() == Role::Public
    }

    pub fn is_office(&self) -> bool {
        self.role() == Role::Office
    }

    fn is_department(&self, code: DepartmentCode) -> bool {
        self.role() == Role::Department && self.principal.department == Some(code)
    }

    /// PUBLIC may read reference data and founded alliances only.
    /// Alliances' plans and reports are for the office, the departments, the municipalities and
    /// the secretariats: an analyst sees structure and figures, the public neither.
    pub fn sees_reports(&self) -> bool {
        !matches!(self.role(), Role::Public | Role::Analyst)
    }

    pub fn require_reports(&self, what: &str) -> Result<()> {
        if self.sees_reports() {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "{what} are for the office, departments, municipalities and secretariats"
            )))
        }
    }

    pub fn require_signed_in(&self, what: &str) -> Result<()> {
        if self.is_public() {
            Err(Error::forbidden(format!(
                "{what} are not public; sign in with a token"
            )))
        } else {
            Ok(())
        }
    }

    pub fn capabilities(&self) -> Vec<Capability> {
        use Capability::*;
        let mut caps = vec![ReadReferenceData, ReadFoundedAlliances];
        if self.is_public() {
            return caps;
        }
        caps.extend([
            ReadAllAlliances,
            ReadGovernance,
            ReadOrganizations,
            ReadChainGraph,
            ReadPeople,
        ]);
        if self.sees_reports() {
            caps.push(ReadReports);
        }
        match self.role() {
            Role::Office => caps.extend([
                ReadAllContactDetails,
                ReadAllEnterpriseFigures,
                ReadAllSupportDetail,
                ReadSupplyLinkValues,
                WriteEverything,
            ]),
            Role::Department => {
                caps.extend([ReadOwnSupportDetail, WriteOwnSupportMeasures]);
                if self.is_department(DepartmentCode::Tax) {
                    caps.push(ReadTaxRelatedFigures);
                }
            }
            Role::Municipality => caps.extend([
                ReadTerritoryEnterpriseFigures,
                ReadOwnSupportDetail,
                WriteOwnSupportMeasures,
                WriteTerritoryOrganizations,
            ]),
            Role::Secretariat => caps.extend([ReadAllianceContactDetails, WriteOwnAlliance]),
            Role::Analyst | Role::Public => {}
        }
        caps
    }

    /// Changed-field names a change-feed reader may see: names of restricted values only where
    /// the reader may see such values somewhere (the values themselves never travel in the feed).
    pub fn visible_changed_fields(&self, entity: &str, fields: Vec<String>) -> Vec<String> {
        let restricted: &[&str] = match entity {
            "enterprise_profile" | "enterprise_figure"
                if !matches!(self.role(), Role::Office | Role::Municipality)
                    && !self.is_department(DepartmentCode::Tax) =>
            {
                FIGURES
            }
            "support_measure"
                if !matches!(
                    self.role(),
                    Role::Office | Role::Department | Role::Municipality
                ) =>
            {
                &["amount", "beneficiaryOrganization"]
            }
            "supply_link" if !self.is_office() => &["annualValue"],
            "person" if !matches!(self.role(), Role::Office | Role::Secretariat) => {
                &["phone", "email"]
            }
            _ => &[],
        };
        fields
            .into_iter()
            .filter(|f| !restricted.contains(&f.as_str()))
            .collect()
    }

    // ---- write permissions (DESIGN.md's "writes" column) -------------------------------------

    /// OFFICE: everything, including reference data, supply links and alliance creation.
    pub fn may_write_everything(&self) -> bool {
        self.is_office()
    }

    /// Parks and organizations located in a municipality: OFFICE, or that MUNICIPALITY.
    pub fn may_manage_territory(&self, municipality_id: Option<i64>) -> bool {
        self.is_office()
            || (self.role() == Role::Municipality
                && municipality_id.is_some()
                && municipality_id == self.municipality_id)
    }

    /// An enterprise's designation (专精特新, 高新技术企业, …): OFFICE, the municipality where the
    /// unit is located, or the department named as granting it (`department_id`).
    pub fn may_record_designation(
        &self,
        municipality_id: Option<i64>,
        department_id: Option<i64>,
    ) -> bool {
        self.may_manage_territory(municipality_id)
            || (self.role() == Role::Department
                && department_id.is_some()
                && department_id == self.department_id)
    }

    /// An alliance initiative (Annex 2 §二(一)): OFFICE, or a MUNICIPALITY whose territory holds
    /// every initiating unit (`unit_municipalities`); the office then confirms it.
    pub fn may_register_initiative(&self, unit_municipalities: &[Option<i64>]) -> bool {
        self.is_office()
            || (self.role() == Role::Municipality
                && unit_municipalities
                    .iter()
                    .all(|m| self.may_manage_territory(*m)))
    }

    /// The municipality a MUNICIPALITY caller acts for.
    pub fn own_municipality(&self) -> Option<i64> {
        (self.role() == Role::Municipality)
            .then_some(self.municipality_id)
            .flatten()
    }

    /// Support measures of a department or of a city / the base: OFFICE, or that owner.
    pub fn may_manage_support(&self, owner: MeasureOwner) -> bool {
        self.is_office() || self.owns(owner)
    }

    /// The caller is the DEPARTMENT or the MUNICIPALITY that grants a measure.
    fn owns(&self, owner: MeasureOwner) -> bool {
        match owner {
            MeasureOwner::Department(id) => {
                self.role() == Role::Department && self.department_id == Some(id)
            }
            MeasureOwner::Municipality(id) => {
                self.role() == Role::Municipality && self.municipality_id == Some(id)
            }
        }
    }

    /// API clients (credentials for department systems): OFFICE registers and manages any; a
    /// DEPARTMENT those of its own systems (role DEPARTMENT, its own code).
    pub fn may_manage_api_client(&self, role: Role, department: Option<DepartmentCode>) -> bool {
        self.is_office()
            || (self.role() == Role::Department
                && role == Role::Department
                && department.is_some()
                && department == self.principal.department)
    }

    /// Revoking tokens (one by its id, or all of a subject's): OFFICE.
    pub fn may_revoke_tokens(&self) -> bool {
        self.is_office()
    }

    /// An exception to a governance preference of the plan (a chair unit other than the one
    /// Annex 1 §2 prefers): the office's decision alone.
    pub fn may_make_governance_exception(&self) -> bool {
        self.is_office()
    }

    /// An alliance's formation steps, membership decisions, meetings, elections, working groups
    /// and projects: OFFICE, or that alliance's SECRETARIAT.
    pub fn may_govern(&self, alliance_id: i64) -> bool {
        self.is_office()
            || (self.role() == Role::Secretariat && self.principal.alliance == Some(alliance_id))
    }

    /// People: OFFICE; a MUNICIPALITY for people of units in its territory; a SECRETARIAT for
    /// external experts (no unit) and people of units that are members of its alliance.
    pub fn may_manage_person(
        &self,
        unit_municipality: Option<Option<i64>>,
        unit_in_own_alliance: bool,
    ) -> bool {
        match self.role() {
            Role::Office => true,
            Role::Municipality => unit_municipality.is_some_and(|m| self.may_manage_territory(m)),
            Role::Secretariat => unit_municipality.is_none() || unit_in_own_alliance,
            _ => false,
        }
    }

    // ---- row scopes ------------------------------------------------------------------------

    /// Organizations the viewer may see: PUBLIC only active members of founded alliances.
    pub fn organization_scope(&self) -> Condition {
        if !self.is_public() {
            return Condition::all();
        }
        let members = Query::select()
            .column((membership::Entity, membership::Column::OrganizationId))
            .from(membership::Entity)
            .inner_join(
                alliance::Entity,
                Expr::col((alliance::Entity, alliance::Column::Id))
                    .equals((membership::Entity, membership::Column::AllianceId)),
            )
            .and_where(
                Expr::col((membership::Entity, membership::Column::Status))
                    .eq(MembershipStatus::Active.to_value()),
            )
            .and_where(
                Expr::col((alliance::Entity, alliance::Column::Stage))
                    .eq(AllianceStage::Founded.to_value()),
            )
            .to_owned();
        Condition::all().add(organization::Column::Id.in_subquery(members))
    }

    /// Alliances the viewer may see: PUBLIC only founded ones.
    pub fn alliance_scope(&self) -> Condition {
        if self.is_public() {
            Condition::all().add(alliance::Column::Stage.eq(AllianceStage::Founded))
        } else {
            Condition::all()
        }
    }

    /// Rows of the kinds PUBLIC may not read at all (people, projects, governance records, …).
    pub fn private_scope(&self) -> Condition {
        if self.is_public() {
            Condition::all().add(Expr::cust("1 = 0"))
        } else {
            Condition::all()
        }
    }

    /// Plans and reports the viewer may see: none for PUBLIC and ANALYST ([`Viewer::sees_reports`]).
    pub fn report_scope(&self) -> Condition {
        if self.sees_reports() {
            Condition::all()
        } else {
            Condition::all().add(Expr::cust("1 = 0"))
        }
    }

    /// Memberships the viewer may see: PUBLIC only active memberships of founded alliances.
    pub fn membership_scope(&self) -> Condition {
        if !self.is_public() {
            return Condition::all();
        }
        let founded = Query::select()
            .column(alliance::Column::Id)
            .from(alliance::Entity)
            .and_where(Expr::col(alliance::Column::Stage).eq(AllianceStage::Founded.to_value()))
            .to_owned();
        Condition::all()
            .add(membership::Column::Status.eq(MembershipStatus::Active))
            .add(membership::Column::AllianceId.in_subquery(founded))
    }

    /// Organization fields PUBLIC may not filter on (they would reveal withheld values).
    pub fn organization_filter_withheld(&self) -> &'static [&'static str] {
        if self.is_public() {
            ORGANIZATION_FILTER_PRIVATE
        } else {
            &[]
        }
    }

    /// Filtering support measures by beneficiary would reveal withheld detail: OFFICE only.
    pub fn support_filter_withheld(&self) -> &'static [&'static str] {
        if self.is_office() {
            &[]
        } else {
            &["beneficiaryOrganization"]
        }
    }

    // ---- field guards ----------------------------------------------------------------------

    pub fn organization(&self, model: organization::Model) -> Guarded<organization::Model> {
        Guarded::new(
            model,
            if self.is_public() {
                ORGANIZATION_PRIVATE
            } else {
                &[]
            },
        )
    }

    /// An enterprise's profile: financial figures for OFFICE, the enterprise's own MUNICIPALITY,
    /// and (tax-related ones) the TAX department; everyone else sees them only as aggregates.
    pub fn enterprise_profile(
        &self,
        profile: enterprise_profile::Model,
        municipality_id: Option<i64>,
    ) -> Guarded<enterprise_profile::Model> {
        let withheld = self.profile_withheld(municipality_id);
        Guarded::new(profile, &withheld)
    }

    /// An enterprise's figures for one year: withheld as its profile's are.
    pub fn enterprise_figure(
        &self,
        figure: entity::enterprise_figure::Model,
        municipality_id: Option<i64>,
    ) -> Guarded<entity::enterprise_figure::Model> {
        let withheld = self.profile_withheld(municipality_id);
        Guarded::new(figure, &withheld)
    }

    /// The profile fields withheld from this viewer, for an enterprise in `municipality_id`.
    fn profile_withheld(&self, municipality_id: Option<i64>) -> Vec<&'static str> {
        match self.role() {
            Role::Office => Vec::new(),
            Role::Municipality
                if municipality_id.is_some() && municipality_id == self.municipality_id =>
            {
                Vec::new()
            }
            Role::Department if self.is_department(DepartmentCode::Tax) => FIGURES
                .iter()
                .copied()
                .filter(|f| !TAX_RELATED.contains(f))
                .collect(),
            Role::Public => FIGURES.iter().chain(PROFILE_PRIVATE).copied().collect(),
            _ => FIGURES.to_vec(),
        }
    }

    /// PUBLIC sees that a unit is an active member, not the membership's paperwork.
    pub fn membership(&self, model: membership::Model) -> Guarded<membership::Model> {
        Guarded::new(
            model,
            if self.is_public() {
                MEMBERSHIP_PRIVATE
            } else {
                &[]
            },
        )
    }

    pub fn alliance(&self, model: alliance::Model) -> Guarded<alliance::Model> {
        Guarded::new(
            model,
            if self.is_public() {
                ALLIANCE_PRIVATE
            } else if !self.sees_reports() {
                &["reports"]
            } else {
                &[]
            },
        )
    }

    /// Supply-link values are for OFFICE only.
    pub fn supply_link(&self, model: supply_link::Model) -> Guarded<supply_link::Model> {
        Guarded::new(model, self.supply_link_withheld())
    }

    /// Supply links' annual values: OFFICE only.
    pub fn sees_link_values(&self) -> bool {
        self.is_office()
    }

    fn supply_link_withheld(&self) -> &'static [&'static str] {
        if self.sees_link_values() {
            &[]
        } else {
            &["annualValue"]
        }
    }

    /// TAX_INCENTIVE amounts, in detail and in statistics: OFFICE and the TAX department only.
    pub fn sees_tax_incentive_amounts(&self) -> bool {
        self.is_office() || self.is_department(DepartmentCode::Tax)
    }

    /// Exact statistics of confidential figures: OFFICE only; everyone else gets them through
    /// disclosure control (`service::disclosure`).
    /// A unit's own position; PUBLIC sees it at its park's or city's centre (`service::geo`).
    pub fn sees_exact_location(&self) -> bool {
        !self.is_public()
    }

    pub fn sees_exact_statistics(&self) -> bool {
        self.is_office()
    }

    pub fn support_measure(
        &self,
        model: support_measure::Model,
    ) -> Guarded<support_measure::Model> {
        let detail = self.sees_support_detail(model.kind, MeasureOwner::of(&model));
        Guarded::new(model, if detail { &[] } else { SUPPORT_DETAIL })
    }

    /// Support-measure detail for OFFICE and the owner (the department, or the city or base,
    /// that grants it); TAX_INCENTIVE detail only for OFFICE and TAX.
    fn sees_support_detail(&self, kind: SupportKind, owner: Option<MeasureOwner>) -> bool {
        if kind == SupportKind::TaxIncentive {
            self.sees_tax_incentive_amounts()
        } else {
            self.is_office() || owner.is_some_and(|owner| self.owns(owner))
        }
    }

    /// People's phone and e-mail: in clear for OFFICE and for the secretariat of an alliance in
    /// which the person holds a current post; masked (`138****5678`) for everyone else.
    pub async fn person(
        &self,
        db: &Store,
        mut model: person::Model,
    ) -> Result<Guarded<person::Model>> {
        let clear = self.sees_contacts(db, model.id).await?;
        let mut masked = Vec::new();
        if !clear {
            if let Some(phone) = model.phone.as_mut() {
                *phone = mask_phone(phone);
                masked.push("phone");
            }
            if let Some(email) = model.email.as_mut() {
                *email = mask_email(email);
                masked.push("email");
            }
        }
        Ok(Guarded {
            value: model,
            withheld: Vec::new(),
            masked,
        })
    }

    /// Whether this viewer reads a person's phone and e-mail in clear.
    async fn sees_contacts(&self, db: &Store, person_id: i64) -> Result<bool> {
        Ok(match self.role() {
            Role::Office => true,
            Role::Secretariat => self.post_holders(db).await?.contains(&person_id),
            _ => false,
        })
    }

    /// A record's state as the audit trail stored it (a row's columns, snake_case), as this
    /// viewer may read it: the same fields withheld (null) and masked as on the object itself,
    /// so the trail is no way around the column rules.
    pub async fn audited_state(
        &self,
        db: &Store,
        entity: &str,
        mut state: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let Some(columns) = state.as_object_mut() else {
            return Ok(state);
        };
        let id_of = |columns: &serde_json::Map<String, serde_json::Value>, key: &str| {
            columns.get(key).and_then(serde_json::Value::as_i64)
        };
        let withheld: Vec<&'static str> = match entity {
            "person" => {
                let clear = match id_of(columns, "id") {
                    Some(id) => self.sees_contacts(db, id).await?,
                    None => self.is_office(),
                };
                if !clear {
                    for (key, mask) in [
                        ("phone", mask_phone as fn(&str) -> String),
                        ("email", mask_email),
                    ] {
                        if let Some(serde_json::Value::String(value)) = columns.get_mut(key) {
                            *value = mask(value);
                        }
                    }
                }
                Vec::new()
            }
            "enterprise_profile" | "enterprise_figure" => {
                let municipality = match (self.role(), id_of(columns, "organization_id")) {
                    (Role::Municipality, Some(id)) => organization::Entity::find_by_id(id)
                        .one(db)
                        .await?
                        .and_then(|o| o.municipality_id),
                    _ => None,
                };
                self.profile_withheld(municipality)
            }
            "support_measure" => {
                let kind = columns
                    .get("kind")
                    .and_then(|k| serde_json::from_value::<SupportKind>(k.clone()).ok());
                let owner = MeasureOwner::from_columns(
                    id_of(columns, "department_id"),
                    id_of(columns, "municipality_id"),
                );
                let detail = match kind {
                    Some(kind) => self.sees_support_detail(kind, owner),
                    None => self.is_office(),
                };
                if detail {
                    Vec::new()
                } else {
                    SUPPORT_DETAIL.to_vec()
                }
            }
            "supply_link" => self.supply_link_withheld().to_vec(),
            "organization" if self.is_public() => ORGANIZATION_PRIVATE.to_vec(),
            _ => Vec::new(),
        };
        for field in withheld {
            let column = column_of(field);
            for key in [column.clone(), format!("{column}_id")] {
                if let Some(value) = columns.get_mut(&key) {
                    *value = serde_json::Value::Null;
                }
            }
        }
        Ok(state)
    }

    async fn post_holders(&self, db: &Store) -> Result<&HashSet<i64>> {
        self.post_holders
            .get_or_try_init(|| async {
                let Some(alliance_id) = self.principal.alliance else {
                    return Ok(HashSet::new());
                };
                let today = chrono::Utc::now().date_naive();
                let ids: Vec<i64> = post::Entity::find()
                    .select_only()
                    .column(post::Column::PersonId)
                    .filter(post::Column::AllianceId.eq(alliance_id))
                    .filter(post::Column::EndedOn.is_null())
                    .filter(
                        Condition::any()
                            .add(post::Column::TermEnd.is_null())
                            .add(post::Column::TermEnd.gte(today)),
                    )
                    .into_tuple()
                    .all(db)
                    .await?;
                Ok(ids.into_iter().collect())
            })
            .await
    }
}

/// The column behind a GraphQL field name: `annualRevenue` → `annual_revenue`.
fn column_of(field: &str) -> String {
    let mut column = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            column.push('_');
            column.push(c.to_ascii_lowercase());
        } else {
            column.push(c);
        }
    }
    column
}

/// `13812345678` → `138****5678`; short numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() >= 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else {
        let keep = chars.len().min(2);
        let tail: String = chars[chars.len() - keep..].iter().collect();
        format!("{}{tail}", "*".repeat(chars.len() - keep))
    }
}

/// `zhang.wei@example.cn` → `z***@example.cn`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_keeps_its_first_three_and_last_four_digits() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn an_email_keeps_its_first_letter_and_domain() {
        assert_eq!(mask_email("zhang.wei@example.cn"), "z***@example.cn");
    }
}
