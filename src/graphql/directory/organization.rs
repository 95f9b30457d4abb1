//! Organizations: one `Organization` interface, one object type per kind of unit.

use std::borrow::Cow;

use async_graphql::{Context, ID, InputType, Interface, Object, OutputType};
use chrono::{DateTime, Utc};
use entity::{
    chain_segment, enterprise_profile, enums::OrganizationKind, industrial_park, municipality,
    organization,
};

use super::{
    ChainSegment, EnterpriseDesignation, EnterpriseYear, Municipality, Park, Person, SupplyLink,
};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::unwrap_shared,
        enums,
        geo::{CoordinateSystem, GeoPoint},
        loader::{ById, children, maybe_row, row},
        membership::Membership,
        plain::{Answer, Plain},
        request,
        scalars::Money,
        stats::YearRange,
        support::SupportMeasure,
    },
    service::{
        access::{Guarded, Viewer},
        geo,
        relation::{
            DesignationsOfOrganization, FiguresOfOrganization, LinksBoughtBy, LinksSuppliedBy,
            MembershipsOfOrganization, PeopleOfOrganization, SegmentLinksOfOrganization,
            SupportForOrganization,
        },
    },
};

/// Any unit: enterprise, university, research institute, association, financial institution.
/// Fields the caller may not read are `null` and named in `withheldFields`.
// The field list repeats `ty` strings; clippy reads that as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID"),
    field(name = "kind", ty = "enums::OrganizationKind"),
    field(
        name = "uscc",
        ty = "Option<String>",
        desc = "Unified Social Credit Code (GB 32100-2015)."
    ),
    field(name = "name_zh", ty = "String"),
    field(name = "name_en", ty = "Option<String>"),
    field(
        name = "municipality",
        ty = "Option<Municipality>",
        desc = "Where in the metro area; null outside it."
    ),
    field(name = "park", ty = "Option<Park>"),
    field(
        name = "region_code",
        ty = "Option<String>",
        desc = "GB/T 2260 code of the unit's region."
    ),
    field(name = "region_name", ty = "Option<String>"),
    field(name = "address", ty = "Option<String>"),
    field(name = "website", ty = "Option<String>"),
    field(
        name = "is_demo",
        ty = "bool",
        desc = "Fictional record of the demo dataset."
    ),
    field(
        name = "location",
        ty = "Option<GeoPoint>",
        desc = "Where the unit is on a map: its own position for signed-in callers; for PUBLIC, its park's centre, else its city's (see `precision`).",
        arg(name = "system", ty = "CoordinateSystem", default)
    ),
    field(name = "segments", ty = "Option<Vec<ChainSegment>>"),
    field(name = "memberships", ty = "Vec<Membership>"),
    field(name = "people", ty = "Option<Vec<Person>>"),
    field(
        name = "suppliers",
        ty = "Option<Vec<SupplyLink>>",
        desc = "Links where this unit buys."
    ),
    field(
        name = "customers",
        ty = "Option<Vec<SupplyLink>>",
        desc = "Links where this unit supplies."
    ),
    field(name = "support_measures", ty = "Option<Vec<SupportMeasure>>"),
    field(name = "archived_at", ty = "Option<DateTime<Utc>>"),
    field(name = "created_at", ty = "Option<DateTime<Utc>>"),
    field(name = "updated_at", ty = "Option<DateTime<Utc>>"),
    field(name = "version", ty = "Option<i32>"),
    field(
        name = "withheld_fields",
        ty = "Vec<String>",
        desc = "Fields withheld from this caller."
    )
)]
pub enum Organization {
    Enterprise(Enterprise),
    University(University),
    ResearchInstitute(ResearchInstitute),
    IndustryAssociation(IndustryAssociation),
    SocialOrganization(SocialOrganization),
    FinancialInstitution(FinancialInstitution),
}

impl Organization {
    /// The API object for a row, guarded for the viewer.
    pub fn new(viewer: &Viewer, model: organization::Model) -> Self {
        let kind = model.kind;
        let guarded = viewer.organization(model);
        match kind {
            OrganizationKind::Enterprise => Self::Enterprise(Enterprise(guarded)),
            OrganizationKind::University => Self::University(University(guarded)),
            OrganizationKind::ResearchInstitute => {
                Self::ResearchInstitute(ResearchInstitute(guarded))
            }
            OrganizationKind::IndustryAssociation => {
                Self::IndustryAssociation(IndustryAssociation(guarded))
            }
            OrganizationKind::SocialOrganization => {
                Self::SocialOrganization(SocialOrganization(guarded))
            }
            OrganizationKind::FinancialInstitution => {
                Self::FinancialInstitution(FinancialInstitution(guarded))
            }
        }
    }

    /// Loads an organization by id through the loader.
    pub async fn load(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Self>> {
        let viewer = request(ctx)?.viewer.clone();
        Ok(row::<organization::Model>(ctx, id)
            .await?
            .map(|m| Self::new(&viewer, m)))
    }
}

/// What every kind of unit answers from its own guarded row: read by its resolvers and by its
/// one-pass answer alike, so the two cannot disagree.
pub(super) mod own {
    use super::*;

    type Unit = Guarded<organization::Model>;

    pub fn id(unit: &Unit) -> ID {
        id::encode(Kind::Organization, unit.value.id).into()
    }
    pub fn kind(unit: &Unit) -> enums::OrganizationKind {
        unit.value.kind.into()
    }
    pub fn uscc(unit: &Unit) -> Option<String> {
        unit.show("uscc", |o| o.uscc.clone()).flatten()
    }
    pub fn name_zh(unit: &Unit) -> String {
        unit.value.name_zh.clone()
    }
    pub fn name_en(unit: &Unit) -> Option<String> {
        unit.value.name_en.clone()
    }
    pub fn region_code(unit: &Unit) -> Option<String> {
        unit.show("regionCode", |o| o.region_code.clone())
    }
    pub fn region_name(unit: &Unit) -> Option<String> {
        unit.show("regionName", |o| o.region_name.clone())
    }
    pub fn address(unit: &Unit) -> Option<String> {
        unit.show("address", |o| o.address.clone()).flatten()
    }
    pub fn website(unit: &Unit) -> Option<String> {
        unit.show("website", |o| o.website.clone()).flatten()
    }
    pub fn is_demo(unit: &Unit) -> bool {
        unit.value.is_demo
    }
    pub fn archived_at(unit: &Unit) -> Option<DateTime<Utc>> {
        unit.show("archivedAt", |o| o.archived_at).flatten()
    }
    pub fn created_at(unit: &Unit) -> Option<DateTime<Utc>> {
        unit.show("createdAt", |o| o.created_at)
    }
    pub fn updated_at(unit: &Unit) -> Option<DateTime<Utc>> {
        unit.show("updatedAt", |o| o.updated_at)
    }
    pub fn version(unit: &Unit) -> Option<i32> {
        unit.show("version", |o| o.version)
    }
    /// The id of the unit's park, if it has one the caller may know of.
    pub fn park_id(unit: &Unit) -> Option<i64> {
        unit.show("park", |o| o.park_id).flatten()
    }

    /// The unit's own fields, answered at once; its relations, its location and its profile
    /// need the loader.
    pub fn plain(unit: &Unit, field: &str) -> Option<Answer<'static>> {
        // Strings the accessors made move into the answer (`to_value` would copy each again).
        let value = match field {
            "id" => id(unit).0.into(),
            "kind" => kind(unit).to_value(),
            "uscc" => uscc(unit).into(),
            "nameZh" => name_zh(unit).into(),
            "nameEn" => name_en(unit).into(),
            "regionCode" => region_code(unit).into(),
            "regionName" => region_name(unit).into(),
            "address" => address(unit).into(),
            "website" => website(unit).into(),
            "isDemo" => is_demo(unit).to_value(),
            "archivedAt" => archived_at(unit).to_value(),
            "createdAt" => created_at(unit).to_value(),
            "updatedAt" => updated_at(unit).to_value(),
            "version" => version(unit).to_value(),
            _ => return None,
        };
        Some(Answer::Value(value))
    }
}

/// A unit's API object of any kind: its guarded row, which every field answers from.
pub trait UnitObject: OutputType {
    fn unit(&self) -> &Guarded<organization::Model>;
}

/// Every kind, and the interface, answers its own fields in one pass alike.
impl<T: UnitObject> Plain for T {
    fn concrete_type(&self) -> Cow<'static, str> {
        self.introspection_type_name()
    }

    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        own::plain(self.unit(), field)
    }
}

impl UnitObject for Organization {
    fn unit(&self) -> &Guarded<organization::Model> {
        match self {
            Self::Enterprise(Enterprise(unit))
            | Self::University(University(unit))
            | Self::ResearchInstitute(ResearchInstitute(unit))
            | Self::IndustryAssociation(IndustryAssociation(unit))
            | Self::SocialOrganization(SocialOrganization(unit))
            | Self::FinancialInstitution(FinancialInstitution(unit)) => unit,
        }
    }
}

/// The enterprise profile of an organization, guarded (enterprises only).
pub async fn profile(
    ctx: &Context<'_>,
    org: &Guarded<organization::Model>,
) -> async_graphql::Result<Option<Guarded<enterprise_profile::Model>>> {
    if org.value.kind != OrganizationKind::Enterprise {
        return Ok(None);
    }
    let viewer = request(ctx)?.viewer.clone();
    let municipality = org.value.municipality_id;
    Ok(row::<enterprise_profile::Model>(ctx, org.value.id)
        .await?
        .map(|p| viewer.enterprise_profile(p, municipality)))
}

/// Declares an organization kind: the interface's fields plus `$extra` resolvers.
macro_rules! organization_kind {
    ($(#[$doc:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$doc])*
        pub struct $name(pub Guarded<organization::Model>);

        impl UnitObject for $name {
            fn unit(&self) -> &Guarded<organization::Model> {
                &self.0
            }
        }

        #[Object]
        impl $name {
            pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
                Ok(own::id(&self.0))
            }
            pub async fn kind(&self, _ctx: &Context<'_>) -> async_graphql::Result<enums::OrganizationKind> {
                Ok(own::kind(&self.0))
            }
            pub async fn uscc(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::uscc(&self.0))
            }
            pub async fn name_zh(&self, _ctx: &Context<'_>) -> async_graphql::Result<String> {
                Ok(own::name_zh(&self.0))
            }
            pub async fn name_en(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::name_en(&self.0))
            }
            pub async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
                let id = self.0.show("municipality", |o| o.municipality_id).flatten();
                Ok(maybe_row::<municipality::Model>(ctx, id).await?.map(Municipality))
            }
            pub async fn park(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Park>> {
                Ok(maybe_row::<industrial_park::Model>(ctx, own::park_id(&self.0)).await?.map(Park))
            }
            pub async fn region_code(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::region_code(&self.0))
            }
            pub async fn region_name(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::region_name(&self.0))
            }
            pub async fn address(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::address(&self.0))
            }
            pub async fn website(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
                Ok(own::website(&self.0))
            }
            pub async fn is_demo(&self, _ctx: &Context<'_>) -> async_graphql::Result<bool> {
                Ok(own::is_demo(&self.0))
            }
            /// Where the unit is on a map: its own position for signed-in callers; for PUBLIC,
            /// its park's centre, else its city's (see `precision`).
            pub async fn location(&self, ctx: &Context<'_>, #[graphql(default)] system: CoordinateSystem) -> async_graphql::Result<Option<GeoPoint>> {
                let viewer = request(ctx)?.viewer.clone();
                let park = maybe_row::<industrial_park::Model>(ctx, self.0.value.park_id).await?;
                let city = maybe_row::<municipality::Model>(ctx, self.0.value.municipality_id).await?;
                let centre = |longitude: Option<f64>, latitude: Option<f64>| geo::own_place(longitude, latitude).map(|p| p.point);
                Ok(geo::unit_place(
                    &viewer,
                    &self.0.value,
                    park.and_then(|p| centre(p.longitude, p.latitude)),
                    city.and_then(|c| centre(c.longitude, c.latitude)),
                )
                .map(|place| GeoPoint::of(place, system)))
            }
            /// The chain segments the unit works in, its primary segment first.
            pub async fn segments(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<ChainSegment>>> {
                if self.0.show("segments", |_| ()).is_none() {
                    return Ok(None);
                }
                let keys: Vec<ById<chain_segment::Model>> = children::<SegmentLinksOfOrganization>(ctx, self.0.value.id)
                    .await?
                    .iter()
                    .map(|link| ById::new(link.segment_id))
                    .collect();
                let mut found = request(ctx)?.loader.load_many(keys.clone()).await.map_err(unwrap_shared)?;
                Ok(Some(keys.iter().filter_map(|k| found.remove(k).flatten()).map(ChainSegment).collect()))
            }
            /// Memberships of alliances (those the caller may see).
            pub async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
                let viewer = request(ctx)?.viewer.clone();
                Ok(children::<MembershipsOfOrganization>(ctx, self.0.value.id).await?.into_iter().map(|m| Membership::new(&viewer, m)).collect())
            }
            pub async fn people(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Person>>> {
                if self.0.show("people", |_| ()).is_none() {
                    return Ok(None);
                }
                Ok(Some(Person::guard_all(ctx, children::<PeopleOfOrganization>(ctx, self.0.value.id).await?).await?))
            }
            pub async fn suppliers(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<SupplyLink>>> {
                if self.0.show("suppliers", |_| ()).is_none() {
                    return Ok(None);
                }
                let viewer = request(ctx)?.viewer.clone();
                Ok(Some(children::<LinksBoughtBy>(ctx, self.0.value.id).await?.into_iter().map(|l| SupplyLink::new(&viewer, l)).collect()))
            }
            pub async fn customers(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<SupplyLink>>> {
                if self.0.show("customers", |_| ()).is_none() {
                    return Ok(None);
                }
                let viewer = request(ctx)?.viewer.clone();
                Ok(Some(children::<LinksSuppliedBy>(ctx, self.0.value.id).await?.into_iter().map(|l| SupplyLink::new(&viewer, l)).collect()))
            }
            /// Support measures this unit benefits from.
            pub async fn support_measures(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<SupportMeasure>>> {
                if self.0.show("supportMeasures", |_| ()).is_none() {
                    return Ok(None);
                }
                let viewer = request(ctx)?.viewer.clone();
                Ok(Some(children::<SupportForOrganization>(ctx, self.0.value.id).await?.into_iter().map(|m| SupportMeasure::new(&viewer, m)).collect()))
            }
            pub async fn archived_at(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
                Ok(own::archived_at(&self.0))
            }
            pub async fn created_at(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
                Ok(own::created_at(&self.0))
            }
            pub async fn updated_at(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
                Ok(own::updated_at(&self.0))
            }
            /// Row version, for `expectedVersion` in updates.
            pub async fn version(&self, _ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
                Ok(own::version(&self.0))
            }
            pub async fn withheld_fields(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
                let mut fields = self.0.withheld();
                if let Some(profile) = profile(ctx, &self.0).await? {
                    fields.extend(profile.withheld());
                }
                Ok(fields)
            }
            $($extra)*
        }
    };
}

organization_kind!(
    /// An enterprise located in (or outside) the metro area. Its financial figures are restricted.
    Enterprise {
        pub async fn scale(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<enums::EnterpriseScale>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("scale", |p| p.scale.into())))
        }
        /// A large backbone enterprise (eligible as chair unit where no association exists).
        pub async fn is_backbone(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("isBackbone", |p| p.is_backbone)))
        }
        /// A leading enterprise of its chain segment (链主).
        pub async fn is_leading(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("isLeading", |p| p.is_leading)))
        }
        pub async fn employees(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("employees", |p| p.employees)))
        }
        pub async fn founded_year(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("foundedYear", |p| p.founded_year)))
        }
        /// Primary GB/T 4754-2017 class, e.g. `C3985`.
        pub async fn industry_class(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("industryClass", |p| p.industry_class.clone())))
        }
        /// Annual revenue in yuan (restricted).
        pub async fn annual_revenue(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("annualRevenue", |p| Money(p.annual_revenue))))
        }
        /// Annual R&D spending in yuan (restricted).
        pub async fn rnd_spend(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("rndSpend", |p| Money(p.rnd_spend))))
        }
        /// Taxes paid last year in yuan (restricted).
        pub async fn tax_paid(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
            Ok(profile(ctx, &self.0).await?.and_then(|p| p.show("taxPaid", |p| Money(p.tax_paid))))
        }
        /// Figures year by year, oldest first (`years` narrows them); the latest year's are the
        /// profile's. Restricted figures are withheld as on the profile; null for PUBLIC.
        pub async fn figures(&self, ctx: &Context<'_>, years: Option<YearRange>) -> async_graphql::Result<Option<Vec<EnterpriseYear>>> {
            let viewer = request(ctx)?.viewer.clone();
            if viewer.is_public() {
                return Ok(None);
            }
            let municipality = self.0.value.municipality_id;
            Ok(Some(children::<FiguresOfOrganization>(ctx, self.0.value.id).await?
                .into_iter()
                .filter(|f| years.is_none_or(|y| (y.from..=y.to).contains(&f.year)))
                .map(|f| EnterpriseYear::new(&viewer, f, municipality))
                .collect()))
        }
        /// Designations held in `year` (this year by default), or all ever granted with
        /// `year: null` and `all: true`; null for PUBLIC.
        pub async fn designations(&self, ctx: &Context<'_>, year: Option<i32>, #[graphql(default = false)] all: bool) -> async_graphql::Result<Option<Vec<EnterpriseDesignation>>> {
            if request(ctx)?.viewer.is_public() {
                return Ok(None);
            }
            Ok(Some(children::<DesignationsOfOrganization>(ctx, self.0.value.id).await?
                .into_iter()
                .filter(|d| all || crate::service::figures::holds_in(d, year))
                .map(EnterpriseDesignation)
                .collect()))
        }
    }
);

organization_kind!(
    /// A university or college.
    University {}
);
organization_kind!(
    /// A research institute or laboratory.
    ResearchInstitute {}
);
organization_kind!(
    /// An industry association (a social organisation; preferred as chair unit).
    IndustryAssociation {}
);
organization_kind!(
    /// Another social organisation.
    SocialOrganization {}
);
organization_kind!(
    /// A bank, fund or other financial institution (an outside partner).
    FinancialInstitution {}
);
