//! The root lists: each scoped to what the viewer may see, filtered by typed fields, ordered by
//! whitelisted columns, then paged by keyset and counted on demand.

use entity::{
    alliance, audit_event, chain_segment, department, enterprise_designation, enterprise_profile,
    industrial_park, membership, municipality, organization, organization_segment, person, post,
    project, sector, supply_link, support_measure, unit_fact,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
    sea_query::{Expr, Func, SelectStatement},
};

use super::{
    access::Viewer,
    filter::{Field, Filter, Op, on_column},
    load::{self, Columns, Scoped},
    page::{self, Page, PageRequest, Sort},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// A list not yet fetched: scoped, filtered and ordered.
#[derive(Debug, Clone)]
pub struct Listing<E: Scoped> {
    select: Select<E>,
    order: Vec<Sort<E::Column>>,
}

impl<E: Scoped> Listing<E>
where
    E::Model: Sync,
{
    fn new(viewer: &Viewer, condition: Condition, order: Vec<Sort<E::Column>>) -> Self {
        Self {
            select: E::find().filter(E::scope(viewer)).filter(condition),
            order,
        }
    }

    pub async fn page(&self, db: &Store, request: &PageRequest) -> Result<Page<E::Model>> {
        self.page_reading(db, request, Columns::All).await
    }

    /// One page, reading only `columns` of each row (and the id and sort columns the cursors
    /// need); see [`Columns`].
    pub async fn page_reading(
        &self,
        db: &Store,
        request: &PageRequest,
        columns: Columns<E::Column>,
    ) -> Result<Page<E::Model>> {
        page::fetch(
            db,
            self.select.clone(),
            &self.with_keys(columns),
            &self.order,
            request,
            E::id_column(),
        )
        .await
    }

    /// [`Listing::page_reading`], each row with its to-one relation `J` (the row `foreign_key`
    /// names) read in the same statement.
    pub async fn page_joined<J: Scoped>(
        &self,
        db: &Store,
        viewer: &Viewer,
        request: &PageRequest,
        columns: Columns<E::Column>,
        foreign_key: E::Column,
    ) -> Result<Page<(E::Model, Option<J::Model>)>> {
        let columns = self.with_keys(columns).with([foreign_key]);
        page::fetch_joined(
            self.select.clone(),
            &self.order,
            request,
            E::id_column(),
            |select| load::read_joined::<E, J>(db, viewer, select, &columns, foreign_key),
        )
        .await
    }

    /// The columns a page reads: those asked, plus the id and sort columns its cursors are made of.
    fn with_keys(&self, columns: Columns<E::Column>) -> Columns<E::Column> {
        columns
            .with(self.order.iter().map(|sort| sort.column))
            .with([E::id_column()])
    }

    pub async fn count(&self, db: &Store) -> Result<u64> {
        Ok(self.select.clone().count(db).await?)
    }

    /// The next `size` rows after id `after`, in id order: how an export walks a whole list
    /// (keyset, so the last batch costs what the first does).
    pub async fn batch_after(
        &self,
        db: &Store,
        after: Option<i64>,
        size: u64,
    ) -> Result<Vec<E::Model>> {
        let mut select = self.select.clone();
        if let Some(after) = after {
            select = select.filter(E::id_column().gt(after));
        }
        Ok(select
            .order_by_asc(E::id_column())
            .limit(size)
            .all(db)
            .await?)
    }
}

/// A field with a name in the API, so a filter on a withheld field can be refused.
pub trait Named {
    fn api_name(&self) -> &'static str;
}

/// A filter's SQL condition, refused (FORBIDDEN) if it names a field in `withheld`: listings and
/// statistics filter through here.
pub(crate) fn condition_of<F: Field + Named>(
    filter: Option<&Filter<F>>,
    withheld: &[&str],
) -> Result<Condition> {
    condition_reading(filter, withheld, &F::condition)
}

/// [`condition_of`], each comparison read by `read` ([`Filter::condition_reading`]).
pub(crate) fn condition_reading<F: Named>(
    filter: Option<&Filter<F>>,
    withheld: &[&str],
    read: &impl Fn(&F, &Op) -> Condition,
) -> Result<Condition> {
    let Some(filter) = filter else {
        return Ok(Condition::all());
    };
    let names = filter_names(Some(filter));
    if let Some(name) = names.iter().find(|n| withheld.contains(n)) {
        return Err(Error::forbidden(format!("you may not filter on `{name}`")));
    }
    Ok(filter.condition_reading(read))
}

/// The API names of the fields a filter uses, at any depth.
pub(crate) fn filter_names<F: Named>(filter: Option<&Filter<F>>) -> Vec<&'static str> {
    let mut names = Vec::new();
    if let Some(filter) = filter {
        collect_names(filter, &mut names);
    }
    names
}

fn collect_names<F: Named>(filter: &Filter<F>, names: &mut Vec<&'static str>) {
    match filter {
        Filter::Is(field, _) => names.push(field.api_name()),
        Filter::All(parts) | Filter::Any(parts) => {
            parts.iter().for_each(|p| collect_names(p, names))
        }
        Filter::Not(inner) => collect_names(inner, names),
    }
}

/// `column IN (SELECT id FROM table WHERE <op on code>)`: filters on a referenced row's code.
fn via_code<E: Scoped, C: ColumnTrait>(column: C, code: E::Column, op: &Op) -> Condition {
    let ids = E::find()
        .select_only()
        .column(E::id_column())
        .filter(on_column(code, op))
        .into_query();
    Condition::all().add(column.in_subquery(ids))
}

/// A field a list may be sorted by, and the column it sorts.
pub trait SortField: Copy {
    type Column: ColumnTrait;
    fn sort(self, descending: bool) -> Sort<Self::Column>;
}

/// One sort key as the caller chose it: a sortable field and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderBy<F> {
    pub field: F,
    pub descending: bool,
}

fn sorts<F: SortField>(order: &[OrderBy<F>]) -> Vec<Sort<F::Column>> {
    order.iter().map(|o| o.field.sort(o.descending)).collect()
}

macro_rules! sort_fields {
    ($(#[$doc:meta])* $name:ident for $module:ident { $($variant:ident => $column:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl SortField for $name {
            type Column = $module::Column;
            fn sort(self, descending: bool) -> Sort<$module::Column> {
                let column = match self { $(Self::$variant => $module::Column::$column),+ };
                Sort { column, descending }
            }
        }
    };
}

// ---- organizations ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationField {
    Kind,
    NameZh,
    NameEn,
    Uscc,
    Municipality,
    InMetroArea,
    Park,
    Segment,
    Sector,
    Scale,
    IsBackbone,
    FoundedYear,
    /// Holds a designation now (granted, and not ended before this year).
    Designation,
    IsDemo,
}

impl Named for OrganizationField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::NameZh => "nameZh",
            Self::NameEn => "nameEn",
            Self::Uscc => "uscc",
            Self::Municipality | Self::InMetroArea => "municipality",
            Self::Park => "park",
            Self::Segment | Self::Sector => "segments",
            Self::Scale => "scale",
            Self::IsBackbone => "isBackbone",
            Self::FoundedYear => "foundedYear",
            Self::Designation => "designations",
            Self::IsDemo => "isDemo",
        }
    }
}

impl OrganizationField {
    /// The comparison read from each unit's row of `unit_fact` (statistics), or `None` for a
    /// field only the unit's own row holds (names, USCC, the demo flag). Profile fields are read
    /// as `COALESCE(…, FALSE)`, which keeps the lists' meaning under `not`: a unit without a
    /// profile is not in their `id IN (…)`, so it is in its negation.
    pub(crate) fn condition_on_facts(&self, op: &Op) -> Option<Condition> {
        use unit_fact::Column as F;
        let profile = |column: F| {
            Condition::all().add(Expr::from(Func::coalesce([
                Expr::from(on_column(column, op)),
                Expr::cust("FALSE"),
            ])))
        };
        let units = |ids| Condition::all().add(F::OrganizationId.in_subquery(ids));
        Some(match self {
            Self::Kind => on_column(F::Kind, op),
            Self::Municipality => via_code::<municipality::Entity, _>(
                F::MunicipalityId,
                municipality::Column::Code,
                op,
            ),
            Self::InMetroArea => in_metro_area(F::MunicipalityId, op),
            Self::Park => on_column(F::ParkId, op),
            Self::Segment => units(segment_units(op)),
            Self::Sector => units(sector_units(op)),
            Self::Scale => profile(F::Scale),
            Self::IsBackbone => profile(F::IsBackbone),
            Self::FoundedYear => profile(F::FoundedYear),
            Self::Designation => units(designated_units(op)),
            Self::NameZh | Self::NameEn | Self::Uscc | Self::IsDemo => return None,
        })
    }
}

impl Field for OrganizationField {
    fn condition(&self, op: &Op) -> Condition {
        use organization::Column as C;
        let units = |ids| Condition::all().add(C::Id.in_subquery(ids));
        let profile = |column: enterprise_profile::Column| {
            units(
                enterprise_profile::Entity::find()
                    .select_only()
                    .column(enterprise_profile::Column::OrganizationId)
                    .filter(on_column(column, op))
                    .into_query(),
            )
        };
        match self {
            Self::Kind => on_column(C::Kind, op),
            Self::NameZh => on_column(C::NameZh, op),
            Self::NameEn => on_column(C::NameEn, op),
            Self::Uscc => on_column(C::Uscc, op),
            Self::Municipality => via_code::<municipality::Entity, _>(
                C::MunicipalityId,
                municipality::Column::Code,
                op,
            ),
            Self::InMetroArea => in_metro_area(C::MunicipalityId, op),
            Self::Park => on_column(C::ParkId, op),
            Self::Segment => units(segment_units(op)),
            Self::Sector => units(sector_units(op)),
            Self::Scale => profile(enterprise_profile::Column::Scale),
            Self::IsBackbone => profile(enterprise_profile::Column::IsBackbone),
            Self::FoundedYear => profile(enterprise_profile::Column::FoundedYear),
            Self::Designation => units(designated_units(op)),
            Self::IsDemo => on_column(C::IsDemo, op),
        }
    }
}

/// `inMetroArea`: whether the unit has a municipality (`eq: false` asks for those without).
fn in_metro_area(municipality: impl ColumnTrait, op: &Op) -> Condition {
    match op {
        Op::Eq(super::filter::Scalar::Bool(false)) => Condition::all().add(municipality.is_null()),
        _ => Condition::all().add(municipality.is_not_null()),
    }
}

/// The units working in a segment the comparison holds for.
fn segment_units(op: &Op) -> SelectStatement {
    organization_segment::Entity::find()
        .select_only()
        .column(organization_segment::Column::OrganizationId)
        .filter(on_column(organization_segment::Column::SegmentId, op))
        .into_query()
}

/// The units working in a segment of a sector whose code the comparison holds for.
fn sector_units(op: &Op) -> SelectStatement {
    let sectors = sector::Entity::find()
        .select_only()
        .column(sector::Column::Id)
        .filter(on_column(sector::Column::Code, op))
        .into_query();
    let segments = chain_segment::Entity::find()
        .select_only()
        .column(chain_segment::Column::Id)
        .filter(chain_segment::Column::SectorId.in_subquery(sectors))
        .into_query();
    organization_segment::Entity::find()
        .select_only()
        .column(organization_segment::Column::OrganizationId)
        .filter(organization_segment::Column::SegmentId.in_subquery(segments))
        .into_query()
}

/// The units holding now (granted, and not ended before this year) a designation the
/// comparison holds for.
fn designated_units(op: &Op) -> SelectStatement {
    use enterprise_designation::Column as D;
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    enterprise_designation::Entity::find()
        .select_only()
        .column(D::OrganizationId)
        .filter(on_column(D::Kind, op))
        .filter(
            Condition::any()
                .add(D::ValidUntilYear.is_null())
                .add(D::ValidUntilYear.gte(this_year)),
        )
        .into_query()
}

sort_fields!(
    /// Orders of organizations.
    OrganizationOrder for organization { NameZh => NameZh, CreatedAt => CreatedAt, UpdatedAt => UpdatedAt, Id => Id }
);

/// Organizations, optionally of some kinds only (`enterprises`, `universities`).
/// Which rows a list holds: live ones, or archived ones too (history, not public).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Archived {
    #[default]
    Excluded,
    Included,
}

impl Archived {
    pub fn from_flag(include: Option<bool>) -> Self {
        if include.unwrap_or(false) {
            Archived::Included
        } else {
            Archived::Excluded
        }
    }

    /// The condition on a table's `archived_at`; archived rows are for signed-in callers only.
    fn condition(self, viewer: &Viewer, archived_at: impl ColumnTrait) -> Result<Condition> {
        match self {
            Archived::Excluded => Ok(Condition::all().add(archived_at.is_null())),
            Archived::Included => {
                viewer.require_signed_in("archived records")?;
                Ok(Condition::all())
            }
        }
    }
}

pub fn organizations(
    viewer: &Viewer,
    kinds: &[entity::enums::OrganizationKind],
    filter: Option<&Filter<OrganizationField>>,
    order: &[OrderBy<OrganizationOrder>],
    archived: Archived,
) -> Result<Listing<organization::Entity>> {
    let withheld = if viewer.is_public() {
        viewer.organization_filter_withheld()
    } else {
        &[]
    };
    let mut condition = condition_of(filter, withheld)?
        .add(archived.condition(viewer, organization::Column::ArchivedAt)?);
    if !kinds.is_empty() {
        condition = condition.add(organization::Column::Kind.is_in(kinds.iter().copied()));
    }
    Ok(Listing::new(viewer, condition, sorts(order)))
}

// ---- alliances and memberships ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllianceField {
    Code,
    NameZh,
    Sector,
    Stage,
    FoundedOn,
    IsDemo,
}

impl Named for AllianceField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::NameZh => "nameZh",
            Self::Sector => "sector",
            Self::Stage => "stage",
            Self::FoundedOn => "foundedOn",
            Self::IsDemo => "isDemo",
        }
    }
}

impl Field for AllianceField {
    fn condition(&self, op: &Op) -> Condition {
        use alliance::Column as C;
        match self {
            Self::Code => on_column(C::Code, op),
            Self::NameZh => on_column(C::NameZh, op),
            Self::Sector => via_code::<sector::Entity, _>(C::SectorId, sector::Column::Code, op),
            Self::Stage => on_column(C::Stage, op),
            Self::FoundedOn => on_column(C::FoundedOn, op),
            Self::IsDemo => on_column(C::IsDemo, op),
        }
    }
}

sort_fields!(
    /// Orders of alliances.
    AllianceOrder for alliance { NameZh => NameZh, Code => Code, CreatedAt => CreatedAt, Id => Id }
);

pub fn alliances(
    viewer: &Viewer,
    filter: Option<&Filter<AllianceField>>,
    order: &[OrderBy<AllianceOrder>],
) -> Result<Listing<alliance::Entity>> {
    Ok(Listing::new(
        viewer,
        condition_of(filter, &[])?,
        sorts(order),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipField {
    Alliance,
    Organization,
    Status,
    IsInitiator,
    JoinedOn,
}

impl Named for MembershipField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Alliance => "alliance",
            Self::Organization => "organization",
            Self::Status => "status",
            Self::IsInitiator => "isInitiator",
            Self::JoinedOn => "joinedOn",
        }
    }
}

impl Field for MembershipField {
    fn condition(&self, op: &Op) -> Condition {
        use membership::Column as C;
        match self {
            Self::Alliance => on_column(C::AllianceId, op),
            Self::Organization => on_column(C::OrganizationId, op),
            Self::Status => on_column(C::Status, op),
            Self::IsInitiator => on_column(C::IsInitiator, op),
            Self::JoinedOn => on_column(C::JoinedOn, op),
        }
    }
}

sort_fields!(
    /// Orders of memberships.
    MembershipOrder for membership { AppliedOn => AppliedOn, Id => Id }
);

pub fn memberships(
    viewer: &Viewer,
    filter: Option<&Filter<MembershipField>>,
    order: &[OrderBy<MembershipOrder>],
) -> Result<Listing<membership::Entity>> {
    Ok(Listing::new(
        viewer,
        condition_of(filter, &[])?,
        sorts(order),
    ))
}

// ---- reference data --------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParkField {
    Municipality,
    Level,
    NameZh,
}

impl Named for ParkField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Municipality => "municipality",
            Self::Level => "level",
            Self::NameZh => "nameZh",
        }
    }
}

impl Field for ParkField {
    fn condition(&self, op: &Op) -> Condition {
        use industrial_park::Column as C;
        match self {
            Self::Municipality => via_code::<municipality::Entity, _>(
                C::MunicipalityId,
                municipality::Column::Code,
                op,
            ),
            Self::Level => on_column(C::Level, op),
            Self::NameZh => on_column(C::NameZh, op),
        }
    }
}

sort_fields!(
    /// Orders of parks.
    ParkOrder for industrial_park { NameZh => NameZh, Code => Code, Id => Id }
);

pub fn parks(
    viewer: &Viewer,
    filter: Option<&Filter<ParkField>>,
    order: &[OrderBy<ParkOrder>],
    archived: Archived,
) -> Result<Listing<industrial_park::Entity>> {
    let condition = condition_of(filter, &[])?
        .add(archived.condition(viewer, industrial_park::Column::ArchivedAt)?);
    Ok(Listing::new(viewer, condition, sorts(order)))
}

pub fn departments(viewer: &Viewer) -> Listing<department::Entity> {
    Listing::new(viewer, Condition::all(), Vec::new())
}

pub fn municipalities(viewer: &Viewer) -> Listing<municipality::Entity> {
    Listing::new(viewer, Condition::all(), Vec::new())
}

pub fn sectors(viewer: &Viewer) -> Listing<sector::Entity> {
    Listing::new(viewer, Condition::all(), Vec::new())
}

// ---- people, projects, support, supply links (not public) ------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    NameZh,
    Organization,
}

impl Named for PersonField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::NameZh => "nameZh",
            Self::Organization => "organization",
        }
    }
}

impl Field for PersonField {
    fn condition(&self, op: &Op) -> Condition {
        match self {
            Self::NameZh => on_column(person::Column::NameZh, op),
            Self::Organization => on_column(person::Column::OrganizationId, op),
        }
    }
}

sort_fields!(
    /// Orders of people.
    PersonOrder for person { NameZh => NameZh, Id => Id }
);

pub fn people(
    viewer: &Viewer,
    filter: Option<&Filter<PersonField>>,
    order: &[OrderBy<PersonOrder>],
) -> Result<Listing<person::Entity>> {
    viewer.require_signed_in("people")?;
    Ok(Listing::new(
        viewer,
        condition_of(filter, &[])?,
        sorts(order),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectField {
    Alliance,
    Kind,
    Stage,
    Budget,
    ProposedOn,
}

impl Named for ProjectField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Alliance => "alliance",
            Self::Kind => "kind",
            Self::Stage => "stage",
            Self::Budget => "budget",
            Self::ProposedOn => "proposedOn",
        }
    }
}

impl Field for ProjectField {
    fn condition(&self, op: &Op) -> Condition {
        use project::Column as C;
        match self {
            Self::Alliance => on_column(C::AllianceId, op),
            Self::Kind => on_column(C::Kind, op),
            Self::Stage => on_column(C::Stage, op),
            Self::Budget => on_column(C::Budget, op),
            Self::ProposedOn => on_column(C::ProposedOn, op),
        }
    }
}

sort_fields!(
    /// Orders of projects.
    ProjectOrder for project { ProposedOn => ProposedOn, Budget => Budget, Id => Id }
);

pub fn projects(
    viewer: &Viewer,
    filter: Option<&Filter<ProjectField>>,
    order: &[OrderBy<ProjectOrder>],
) -> Result<Listing<project::Entity>> {
    viewer.require_signed_in("projects")?;
    Ok(Listing::new(
        viewer,
        condition_of(filter, &[])?,
        sorts(order),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportField {
    Department,
    Municipality,
    Kind,
    Status,
    GrantedOn,
    BeneficiaryOrganization,
    BeneficiaryAlliance,
}

impl Named for SupportField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::Municipality => "municipality",
            Self::Kind => "kind",
            Self::Status => "status",
            Self::GrantedOn => "grantedOn",
            Self::BeneficiaryOrganization => "beneficiaryOrganization",
            Self::BeneficiaryAlliance => "beneficiaryAlliance",
        }
    }
}

impl Field for SupportField {
    fn condition(&self, op: &Op) -> Condition {
        use support_measure::Column as C;
        match self {
            Self::Department => {
                via_code::<department::Entity, _>(C::DepartmentId, department::Column::Code, op)
            }
            Self::Municipality => via_code::<municipality::Entity, _>(
                C::MunicipalityId,
                municipality::Column::Code,
                op,
            ),
            Self::Kind => on_column(C::Kind, op),
            Self::Status => on_column(C::Status, op),
            Self::GrantedOn => on_column(C::GrantedOn, op),
            Self::BeneficiaryOrganization => on_column(C::BeneficiaryOrganizationId, op),
            Self::BeneficiaryAlliance => on_column(C::BeneficiaryAllianceId, op),
        }
    }
}

sort_fields!(
    /// Orders of support measures.
    SupportOrder for support_measure { GrantedOn => GrantedOn, Id => Id }
);

/// Support measures. Filtering by beneficiary would reveal withheld detail, so it is only
/// offered to OFFICE.
pub fn support_measures(
    viewer: &Viewer,
    filter: Option<&Filter<SupportField>>,
    order: &[OrderBy<SupportOrder>],
) -> Result<Listing<support_measure::Entity>> {
    viewer.require_signed_in("support measures")?;
    let withheld = viewer.support_filter_withheld();
    Ok(Listing::new(
        viewer,
        condition_of(filter, withheld)?,
        sorts(order),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplyLinkField {
    Supplier,
    Customer,
    Segment,
    SinceYear,
    Product,
}

impl Named for SupplyLinkField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Supplier => "supplier",
            Self::Customer => "customer",
            Self::Segment => "segment",
            Self::SinceYear => "sinceYear",
            Self::Product => "product",
        }
    }
}

impl Field for SupplyLinkField {
    fn condition(&self, op: &Op) -> Condition {
        use supply_link::Column as C;
        match self {
            Self::Supplier => on_column(C::SupplierId, op),
            Self::Customer => on_column(C::CustomerId, op),
            Self::Segment => on_column(C::SegmentId, op),
            Self::SinceYear => on_column(C::SinceYear, op),
            Self::Product => on_column(C::Product, op),
        }
    }
}

sort_fields!(
    /// Orders of supply links.
    SupplyLinkOrder for supply_link { SinceYear => SinceYear, Id => Id }
);

pub fn supply_links(
    viewer: &Viewer,
    filter: Option<&Filter<SupplyLinkField>>,
    order: &[OrderBy<SupplyLinkOrder>],
    archived: Archived,
) -> Result<Listing<supply_link::Entity>> {
    viewer.require_signed_in("supply links")?;
    let condition = condition_of(filter, &[])?
        .add(archived.condition(viewer, supply_link::Column::ArchivedAt)?);
    Ok(Listing::new(viewer, condition, sorts(order)))
}

// ---- the change feed and the audit trail -----------------------------------------------------

/// Committed changes of the given tables after a cursor, in commit order (not public).
pub fn changes(viewer: &Viewer, tables: &[&'static str]) -> Result<Listing<audit_event::Entity>> {
    viewer.require_signed_in("changes")?;
    let condition = Condition::all()
        .add(audit_event::Column::Outcome.eq(entity::enums::AuditOutcome::Allowed))
        .add(audit_event::Column::Entity.is_in(tables.iter().copied()));
    Ok(Listing::new(
        viewer,
        condition,
        vec![Sort::asc(audit_event::Column::Id)],
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditField {
    /// The table the event is about (the API calls it `entity`).
    Table,
    Operation,
    Outcome,
    Actor,
    Alliance,
}

impl Named for AuditField {
    fn api_name(&self) -> &'static str {
        match self {
            Self::Table => "entity",
            Self::Operation => "operation",
            Self::Outcome => "outcome",
            Self::Actor => "actor",
            Self::Alliance => "alliance",
        }
    }
}

impl Field for AuditField {
    fn condition(&self, op: &Op) -> Condition {
        use audit_event::Column as C;
        match self {
            Self::Table => on_column(C::Entity, op),
            Self::Operation => on_column(C::Operation, op),
            Self::Outcome => on_column(C::Outcome, op),
            Self::Actor => on_column(C::Actor, op),
            Self::Alliance => on_column(C::AllianceId, op),
        }
    }
}

/// The audit trail, newest first: OFFICE sees every event, others their own actions.
pub fn audit_events(
    viewer: &Viewer,
    filter: Option<&Filter<AuditField>>,
) -> Result<Listing<audit_event::Entity>> {
    viewer.require_signed_in("audit events")?;
    let mut condition = condition_of(filter, &[])?;
    if !viewer.is_office() {
        condition = condition.add(audit_event::Column::Actor.eq(viewer.principal.subject.clone()));
    }
    Ok(Listing::new(
        viewer,
        condition,
        vec![Sort {
            column: audit_event::Column::Id,
            descending: true,
        }],
    ))
}

/// Posts whose term ends within `days` from `today` and that are still held, soonest first: the
/// office's dashboard of coming elections (not public).
pub fn expiring_posts(
    viewer: &Viewer,
    today: chrono::NaiveDate,
    days: i32,
    alliance: Option<i64>,
) -> Result<Listing<post::Entity>> {
    viewer.require_signed_in("posts")?;
    if !(1..=3660).contains(&days) {
        return Err(Error::bad_input("`withinDays` must be between 1 and 3660"));
    }
    let until = today + chrono::Days::new(days as u64);
    let mut condition = Condition::all()
        .add(post::Column::EndedOn.is_null())
        .add(post::Column::TermStart.lte(today))
        .add(post::Column::TermEnd.gte(today))
        .add(post::Column::TermEnd.lte(until));
    if let Some(alliance) = alliance {
        condition = condition.add(post::Column::AllianceId.eq(alliance));
    }
    Ok(Listing::new(
        viewer,
        condition,
        vec![Sort::asc(post::Column::TermEnd)],
    ))
}
