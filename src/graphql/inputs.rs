//! Filter and order inputs, turned into the service layer's typed filters and sorts.

use async_graphql::{Enum, ID, InputObject, InputType};

use super::{
    enums::{self, Code},
    scalars::Date,
};
use crate::{
    domain::id::{self, Kind},
    error::{Error, Result},
    service::{
        filter::{Filter, Op, Scalar},
        listing::{
            self as svc, AllianceField, AuditField, MembershipField, OrderBy, OrganizationField,
            ParkField, PersonField, ProjectField, SupplyLinkField, SupportField,
        },
    },
};

/// Comparisons on a text field.
#[derive(InputObject, Debug, Default)]
pub struct StringFilter {
    pub eq: Option<String>,
    #[graphql(name = "in")]
    pub any_of: Option<Vec<String>>,
    /// Case-insensitive substring.
    pub contains: Option<String>,
}

/// Comparisons on a whole number.
#[derive(InputObject, Debug, Default)]
pub struct IntFilter {
    pub eq: Option<i64>,
    #[graphql(name = "in")]
    pub any_of: Option<Vec<i64>>,
    pub gte: Option<i64>,
    pub lte: Option<i64>,
}

/// Comparisons on a date.
#[derive(InputObject, Debug, Default)]
pub struct DateFilter {
    pub eq: Option<Date>,
    pub gte: Option<Date>,
    pub lte: Option<Date>,
}

/// Comparison on a flag.
#[derive(InputObject, Debug, Default)]
pub struct BooleanFilter {
    pub eq: Option<bool>,
}

/// Comparisons on a reference to another object, by its `id`.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "IDFilter")]
pub struct IdFilter {
    pub eq: Option<ID>,
    #[graphql(name = "in")]
    pub any_of: Option<Vec<ID>>,
}

/// Comparisons on a coded value.
#[derive(InputObject, Debug)]
#[graphql(concrete(name = "OrganizationKindFilter", params(enums::OrganizationKind)))]
#[graphql(concrete(name = "MunicipalityCodeFilter", params(enums::MunicipalityCode)))]
#[graphql(concrete(name = "SectorCodeFilter", params(enums::SectorCode)))]
#[graphql(concrete(name = "DepartmentCodeFilter", params(enums::DepartmentCode)))]
#[graphql(concrete(name = "EnterpriseScaleFilter", params(enums::EnterpriseScale)))]
#[graphql(concrete(name = "DesignationFilter", params(enums::Designation)))]
#[graphql(concrete(name = "AllianceStageFilter", params(enums::AllianceStage)))]
#[graphql(concrete(name = "MembershipStatusFilter", params(enums::MembershipStatus)))]
#[graphql(concrete(name = "ParkLevelFilter", params(enums::ParkLevel)))]
#[graphql(concrete(name = "ProjectKindFilter", params(enums::ProjectKind)))]
#[graphql(concrete(name = "ProjectStageFilter", params(enums::ProjectStage)))]
#[graphql(concrete(name = "SupportKindFilter", params(enums::SupportKind)))]
#[graphql(concrete(name = "SupportStatusFilter", params(enums::SupportStatus)))]
#[graphql(concrete(name = "AuditOutcomeFilter", params(enums::AuditOutcome)))]
pub struct EnumFilter<T: InputType> {
    pub eq: Option<T>,
    #[graphql(name = "in")]
    pub any_of: Option<Vec<T>>,
}

/// A scalar filter as a list of comparisons (all must hold).
trait Comparisons {
    fn comparisons(self, kind: Option<Kind>) -> Result<Vec<Op>>;
}

fn no_empty_in<T>(values: &Option<Vec<T>>) -> Result<()> {
    match values {
        Some(v) if v.is_empty() => Err(Error::bad_input("`in` needs at least one value")),
        Some(v) if v.len() > 1000 => Err(Error::bad_input("`in` takes at most 1000 values")),
        _ => Ok(()),
    }
}

impl Comparisons for StringFilter {
    fn comparisons(self, _: Option<Kind>) -> Result<Vec<Op>> {
        no_empty_in(&self.any_of)?;
        let mut ops = Vec::new();
        ops.extend(self.eq.map(|v| Op::Eq(Scalar::Text(v))));
        ops.extend(
            self.any_of
                .map(|v| Op::In(v.into_iter().map(Scalar::Text).collect())),
        );
        ops.extend(self.contains.map(Op::Contains));
        Ok(ops)
    }
}

impl Comparisons for IntFilter {
    fn comparisons(self, _: Option<Kind>) -> Result<Vec<Op>> {
        no_empty_in(&self.any_of)?;
        let mut ops = Vec::new();
        ops.extend(self.eq.map(|v| Op::Eq(Scalar::Int(v))));
        ops.extend(
            self.any_of
                .map(|v| Op::In(v.into_iter().map(Scalar::Int).collect())),
        );
        ops.extend(self.gte.map(|v| Op::Gte(Scalar::Int(v))));
        ops.extend(self.lte.map(|v| Op::Lte(Scalar::Int(v))));
        Ok(ops)
    }
}

impl Comparisons for DateFilter {
    fn comparisons(self, _: Option<Kind>) -> Result<Vec<Op>> {
        let mut ops = Vec::new();
        ops.extend(self.eq.map(|v| Op::Eq(Scalar::Date(v.0))));
        ops.extend(self.gte.map(|v| Op::Gte(Scalar::Date(v.0))));
        ops.extend(self.lte.map(|v| Op::Lte(Scalar::Date(v.0))));
        Ok(ops)
    }
}

impl Comparisons for BooleanFilter {
    fn comparisons(self, _: Option<Kind>) -> Result<Vec<Op>> {
        Ok(self
            .eq
            .map(|v| Op::Eq(Scalar::Bool(v)))
            .into_iter()
            .collect())
    }
}

impl Comparisons for IdFilter {
    fn comparisons(self, kind: Option<Kind>) -> Result<Vec<Op>> {
        no_empty_in(&self.any_of)?;
        let decode = |global: &ID| match kind {
            Some(kind) => id::decode_as(global, kind).map(Scalar::Int),
            None => id::decode(global).map(|(_, id)| Scalar::Int(id)),
        };
        let mut ops = Vec::new();
        if let Some(v) = &self.eq {
            ops.push(Op::Eq(decode(v)?));
        }
        if let Some(values) = &self.any_of {
            ops.push(Op::In(values.iter().map(decode).collect::<Result<_>>()?));
        }
        Ok(ops)
    }
}

impl<T: InputType + Code + Copy> Comparisons for EnumFilter<T> {
    fn comparisons(self, _: Option<Kind>) -> Result<Vec<Op>> {
        no_empty_in(&self.any_of)?;
        let mut ops = Vec::new();
        ops.extend(self.eq.map(|v| Op::Eq(Scalar::Text(v.code()))));
        ops.extend(
            self.any_of
                .map(|v| Op::In(v.into_iter().map(|c| Scalar::Text(c.code())).collect())),
        );
        Ok(ops)
    }
}

/// Declares a filter input: its fields (each a scalar filter on one service field, optionally an
/// id of a kind) plus `and`, `or` and `not`.
macro_rules! filter_input {
    ($(#[$doc:meta])* $name:ident => $field:ident {
        $($(#[$fdoc:meta])* $input:ident : $ty:ty => $variant:ident $(@ $kind:ident)?),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(InputObject, Debug, Default)]
        pub struct $name {
            $($(#[$fdoc])* pub $input: Option<$ty>,)*
            /// Every one of these must match.
            pub and: Option<Vec<$name>>,
            /// At least one of these must match.
            pub or: Option<Vec<$name>>,
            /// This must not match.
            pub not: Option<Box<$name>>,
        }

        impl $name {
            pub fn into_filter(self) -> Result<Filter<$field>> {
                let mut parts = Vec::new();
                $(
                    if let Some(filter) = self.$input {
                        for op in filter.comparisons(filter_input!(@kind $($kind)?))? {
                            parts.push(Filter::Is($field::$variant, op));
                        }
                    }
                )*
                if let Some(all) = self.and {
                    parts.push(Filter::All(all.into_iter().map(Self::into_filter).collect::<Result<_>>()?));
                }
                if let Some(any) = self.or {
                    parts.push(Filter::Any(any.into_iter().map(Self::into_filter).collect::<Result<_>>()?));
                }
                if let Some(not) = self.not {
                    parts.push(Filter::Not(Box::new(not.into_filter()?)));
                }
                Ok(Filter::All(parts))
            }

            /// The optional argument as a service filter.
            pub fn convert(filter: Option<Self>) -> Result<Option<Filter<$field>>> {
                filter.map(Self::into_filter).transpose()
            }
        }
    };
    (@kind) => { None };
    (@kind $kind:ident) => { Some(Kind::$kind) };
}

filter_input!(
    /// Which organizations to list.
    OrganizationFilter => OrganizationField {
        kind: EnumFilter<enums::OrganizationKind> => Kind,
        name_zh: StringFilter => NameZh,
        name_en: StringFilter => NameEn,
        uscc: StringFilter => Uscc,
        /// The city or base the unit is located in.
        municipality: EnumFilter<enums::MunicipalityCode> => Municipality,
        /// `true`: located in the three cities and one base; `false`: outside.
        in_metro_area: BooleanFilter => InMetroArea,
        park: IdFilter => Park @ Park,
        /// Works in this chain segment.
        segment: IdFilter => Segment @ ChainSegment,
        /// Works in a segment of this sector.
        sector: EnumFilter<enums::SectorCode> => Sector,
        scale: EnumFilter<enums::EnterpriseScale> => Scale,
        is_backbone: BooleanFilter => IsBackbone,
        founded_year: IntFilter => FoundedYear,
        /// Holds this designation now (专精特新, 高新技术企业, …).
        designation: EnumFilter<enums::Designation> => Designation,
        is_demo: BooleanFilter => IsDemo,
    }
);

filter_input!(
    /// Which alliances to list.
    AllianceFilter => AllianceField {
        code: StringFilter => Code,
        name_zh: StringFilter => NameZh,
        sector: EnumFilter<enums::SectorCode> => Sector,
        stage: EnumFilter<enums::AllianceStage> => Stage,
        founded_on: DateFilter => FoundedOn,
        is_demo: BooleanFilter => IsDemo,
    }
);

filter_input!(
    /// Which memberships to list.
    MembershipFilter => MembershipField {
        alliance: IdFilter => Alliance @ Alliance,
        organization: IdFilter => Organization @ Organization,
        status: EnumFilter<enums::MembershipStatus> => Status,
        is_initiator: BooleanFilter => IsInitiator,
        joined_on: DateFilter => JoinedOn,
    }
);

filter_input!(
    /// Which parks to list.
    ParkFilter => ParkField {
        municipality: EnumFilter<enums::MunicipalityCode> => Municipality,
        level: EnumFilter<enums::ParkLevel> => Level,
        name_zh: StringFilter => NameZh,
    }
);

filter_input!(
    /// Which people to list.
    PersonFilter => PersonField {
        name_zh: StringFilter => NameZh,
        organization: IdFilter => Organization @ Organization,
    }
);

filter_input!(
    /// Which projects to list.
    ProjectFilter => ProjectField {
        alliance: IdFilter => Alliance @ Alliance,
        kind: EnumFilter<enums::ProjectKind> => Kind,
        stage: EnumFilter<enums::ProjectStage> => Stage,
        budget: IntFilter => Budget,
        proposed_on: DateFilter => ProposedOn,
    }
);

filter_input!(
    /// Which support measures to list.
    SupportMeasureFilter => SupportField {
        /// The granting department.
        department: EnumFilter<enums::DepartmentCode> => Department,
        /// The granting city or base (its own measures).
        municipality: EnumFilter<enums::MunicipalityCode> => Municipality,
        kind: EnumFilter<enums::SupportKind> => Kind,
        status: EnumFilter<enums::SupportStatus> => Status,
        granted_on: DateFilter => GrantedOn,
        /// OFFICE only: other roles do not see beneficiaries of others' measures.
        beneficiary_organization: IdFilter => BeneficiaryOrganization @ Organization,
        beneficiary_alliance: IdFilter => BeneficiaryAlliance @ Alliance,
    }
);

filter_input!(
    /// Which supply links to list.
    SupplyLinkFilter => SupplyLinkField {
        supplier: IdFilter => Supplier @ Organization,
        customer: IdFilter => Customer @ Organization,
        segment: IdFilter => Segment @ ChainSegment,
        since_year: IntFilter => SinceYear,
        product: StringFilter => Product,
    }
);

filter_input!(
    /// Which audit events to list.
    AuditEventFilter => AuditField {
        /// The table, e.g. `organization`, `membership`.
        entity: StringFilter => Table,
        /// The mutation, e.g. `updateOrganization`.
        operation: StringFilter => Operation,
        outcome: EnumFilter<enums::AuditOutcome> => Outcome,
        /// The token subject who acted.
        actor: StringFilter => Actor,
        alliance: IdFilter => Alliance @ Alliance,
    }
);

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    #[default]
    Asc,
    Desc,
}

/// Declares an order input (`{field, direction}`) over the service's sortable fields.
macro_rules! order_input {
    ($(#[$doc:meta])* $name:ident, $field_enum:ident => $service:ident { $($variant:ident),+ $(,)? }) => {
        /// A field to sort by.
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $field_enum { $($variant),+ }

        $(#[$doc])*
        #[derive(InputObject, Debug)]
        pub struct $name {
            pub field: $field_enum,
            #[graphql(default)]
            pub direction: OrderDirection,
        }

        impl $name {
            /// The sort keys for an optional `orderBy` list (default: the natural order).
            pub fn sorts(order: Option<Vec<Self>>) -> Vec<OrderBy<svc::$service>> {
                order
                    .unwrap_or_default()
                    .into_iter()
                    .map(|o| OrderBy {
                        field: match o.field { $($field_enum::$variant => svc::$service::$variant),+ },
                        descending: o.direction == OrderDirection::Desc,
                    })
                    .collect()
            }
        }
    };
}

order_input!(/** Order of organizations. */ OrganizationOrderBy, OrganizationOrderField => OrganizationOrder { NameZh, CreatedAt, UpdatedAt, Id });
order_input!(/** Order of alliances. */ AllianceOrderBy, AllianceOrderField => AllianceOrder { NameZh, Code, CreatedAt, Id });
order_input!(/** Order of memberships. */ MembershipOrderBy, MembershipOrderField => MembershipOrder { AppliedOn, Id });
order_input!(/** Order of parks. */ ParkOrderBy, ParkOrderField => ParkOrder { NameZh, Code, Id });
order_input!(/** Order of people. */ PersonOrderBy, PersonOrderField => PersonOrder { NameZh, Id });
order_input!(/** Order of projects. */ ProjectOrderBy, ProjectOrderField => ProjectOrder { ProposedOn, Budget, Id });
order_input!(/** Order of support measures. */ SupportMeasureOrderBy, SupportMeasureOrderField => SupportOrder { GrantedOn, Id });
order_input!(/** Order of supply links. */ SupplyLinkOrderBy, SupplyLinkOrderField => SupplyLinkOrder { SinceYear, Id });
