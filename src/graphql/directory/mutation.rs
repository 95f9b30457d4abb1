//! The directory's mutations (`service::directory`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::{ChainSegment, Department, Organization, Park, Person, SupplyLink};
use crate::{
    domain::id::{self, Kind},
    error::Result,
    graphql::{
        enums,
        geo::GeoPointInput,
        request,
        scalars::Money,
        write::VersionedInput,
        write::{decode_opt, writer},
    },
    service::directory::{Lifecycle, NewOrganization, OrganizationChanges, ProfileInput},
};

/// Enterprise facts; all required when creating an enterprise, any subset when updating.
#[derive(InputObject)]
pub struct EnterpriseProfileInput {
    pub scale: Option<enums::EnterpriseScale>,
    pub is_backbone: Option<bool>,
    pub is_leading: Option<bool>,
    pub employees: Option<i32>,
    pub annual_revenue: Option<Money>,
    pub rnd_spend: Option<Money>,
    pub tax_paid: Option<Money>,
    pub founded_year: Option<i32>,
    /// GB/T 4754-2017 class, e.g. `C3985`.
    pub industry_class: Option<String>,
}

impl From<EnterpriseProfileInput> for ProfileInput {
    fn from(p: EnterpriseProfileInput) -> Self {
        Self {
            scale: p.scale.map(Into::into),
            is_backbone: p.is_backbone,
            is_leading: p.is_leading,
            employees: p.employees,
            annual_revenue: p.annual_revenue.map(|m| m.0),
            rnd_spend: p.rnd_spend.map(|m| m.0),
            tax_paid: p.tax_paid.map(|m| m.0),
            founded_year: p.founded_year,
            industry_class: p.industry_class,
        }
    }
}

#[derive(InputObject)]
pub struct CreateOrganizationInput {
    pub kind: enums::OrganizationKind,
    pub uscc: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    /// Where in the metro area; leave out for a unit outside it (then give `regionCode`).
    pub municipality: Option<enums::MunicipalityCode>,
    pub park: Option<ID>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    /// Required for (and only for) enterprises.
    pub enterprise: Option<EnterpriseProfileInput>,
    /// Chain segments, the primary one first.
    #[graphql(default)]
    pub segments: Vec<ID>,
    /// Where the unit is (in China; WGS-84 unless `system` says GCJ-02).
    pub location: Option<GeoPointInput>,
}

#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    pub id: ID,
    pub expected_version: i32,
    pub uscc: Option<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub municipality: Option<enums::MunicipalityCode>,
    pub park: Option<ID>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub enterprise: Option<EnterpriseProfileInput>,
    /// Replaces the chain segments (primary first).
    pub segments: Option<Vec<ID>>,
    /// A new position (in China; WGS-84 unless `system` says GCJ-02).
    pub location: Option<GeoPointInput>,
}

#[derive(InputObject)]
pub struct CreateParkInput {
    pub code: String,
    pub municipality: enums::MunicipalityCode,
    pub division_code: String,
    pub level: enums::ParkLevel,
    pub name_zh: String,
    pub name_en: String,
    #[graphql(default)]
    pub main_industries: Vec<String>,
    /// The park's centre.
    pub location: Option<GeoPointInput>,
}

#[derive(InputObject)]
pub struct UpdateParkInput {
    pub id: ID,
    pub expected_version: i32,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub level: Option<enums::ParkLevel>,
    pub main_industries: Option<Vec<String>>,
    /// A new centre.
    pub location: Option<GeoPointInput>,
}

#[derive(InputObject)]
pub struct CreateSupplyLinkInput {
    pub supplier: ID,
    pub customer: ID,
    pub segment: Option<ID>,
    pub product: String,
    pub since_year: i32,
    pub annual_value: Option<Money>,
}

#[derive(InputObject)]
pub struct UpdateSupplyLinkInput {
    pub id: ID,
    pub expected_version: i32,
    pub product: Option<String>,
    pub since_year: Option<i32>,
    pub annual_value: Option<Money>,
}

#[derive(InputObject)]
pub struct CreatePersonInput {
    pub name_zh: String,
    pub name_en: Option<String>,
    /// The unit the person works for; none for an external expert.
    pub organization: Option<ID>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(InputObject)]
pub struct UpdatePersonInput {
    pub id: ID,
    pub expected_version: i32,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub organization: Option<ID>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateDepartmentInput {
    pub id: ID,
    pub expected_version: i32,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
}

#[derive(InputObject)]
pub struct CreateChainSegmentInput {
    pub sector: enums::SectorCode,
    pub code: String,
    pub ordinal: i32,
    pub position: enums::SegmentPosition,
    pub name_zh: String,
    pub name_en: String,
    #[graphql(default)]
    pub industry_classes: Vec<String>,
}

#[derive(InputObject)]
pub struct UpdateChainSegmentInput {
    pub id: ID,
    pub expected_version: i32,
    pub ordinal: Option<i32>,
    pub position: Option<enums::SegmentPosition>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub industry_classes: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct OrganizationPayload {
    pub organization: Organization,
}

#[derive(SimpleObject)]
pub struct ParkPayload {
    pub park: Park,
}

#[derive(SimpleObject)]
pub struct SupplyLinkPayload {
    pub supply_link: SupplyLink,
}

#[derive(SimpleObject)]
pub struct PersonPayload {
    pub person: Person,
}

#[derive(SimpleObject)]
pub struct DepartmentPayload {
    pub department: Department,
}

#[derive(SimpleObject)]
pub struct ChainSegmentPayload {
    pub segment: ChainSegment,
}

#[derive(Default)]
pub struct DirectoryMutation;

#[Object]
impl DirectoryMutation {
    /// Registers a unit (OFFICE; a MUNICIPALITY in its territory).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let new = NewOrganization {
            kind: input.kind.into(),
            uscc: input.uscc,
            name_zh: input.name_zh,
            name_en: input.name_en,
            municipality: input.municipality.map(Into::into),
            park: decode_opt(&input.park, Kind::Park)?,
            region_code: input.region_code,
            address: input.address,
            website: input.website,
            profile: input.enterprise.map(Into::into),
            segments: input
                .segments
                .iter()
                .map(|s| id::decode_as(s, Kind::ChainSegment))
                .collect::<Result<_>>()?,
            location: input.location.map(GeoPointInput::parse).transpose()?,
        };
        let row = writer(ctx)?.create_organization(new).await?;
        Ok(OrganizationPayload {
            organization: Organization::new(&request(ctx)?.viewer, row),
        })
    }

    /// Changes a unit (OFFICE; a MUNICIPALITY in its territory).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let changes = OrganizationChanges {
            expected_version: input.expected_version,
            uscc: input.uscc,
            name_zh: input.name_zh,
            name_en: input.name_en,
            municipality: input.municipality.map(Into::into),
            park: decode_opt(&input.park, Kind::Park)?,
            region_code: input.region_code,
            address: input.address,
            website: input.website,
            profile: input.enterprise.map(Into::into),
            segments: input
                .segments
                .map(|ids| {
                    ids.iter()
                        .map(|s| id::decode_as(s, Kind::ChainSegment))
                        .collect::<Result<_>>()
                })
                .transpose()?,
            location: input.location.map(GeoPointInput::parse).transpose()?,
        };
        let row = writer(ctx)?
            .update_organization(id::decode_as(&input.id, Kind::Organization)?, changes)
            .await?;
        Ok(OrganizationPayload {
            organization: Organization::new(&request(ctx)?.viewer, row),
        })
    }

    /// Archives a unit: it stays in history, leaves lists of live units, frees its USCC.
    async fn archive_organization(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let row = writer(ctx)?
            .archive_organization(
                id::decode_as(&input.id, Kind::Organization)?,
                input.expected_version,
            )
            .await?;
        Ok(OrganizationPayload {
            organization: Organization::new(&request(ctx)?.viewer, row),
        })
    }

    /// Brings an archived unit back into lists of live units; CONFLICT when a live unit holds its
    /// USCC now.
    async fn restore_organization(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let row = writer(ctx)?
            .restore_organization(
                id::decode_as(&input.id, Kind::Organization)?,
                input.expected_version,
            )
            .await?;
        Ok(OrganizationPayload {
            organization: Organization::new(&request(ctx)?.viewer, row),
        })
    }

    async fn create_park(
        &self,
        ctx: &Context<'_>,
        input: CreateParkInput,
    ) -> async_graphql::Result<ParkPayload> {
        let row = writer(ctx)?
            .create_park(
                &input.code,
                input.municipality.into(),
                &input.division_code,
                input.level.into(),
                &input.name_zh,
                &input.name_en,
                &input.main_industries,
                input.location.map(GeoPointInput::parse).transpose()?,
            )
            .await?;
        Ok(ParkPayload { park: Park(row) })
    }

    async fn update_park(
        &self,
        ctx: &Context<'_>,
        input: UpdateParkInput,
    ) -> async_graphql::Result<ParkPayload> {
        let id = id::decode_as(&input.id, Kind::Park)?;
        let row = writer(ctx)?
            .update_park(
                id,
                input.expected_version,
                input.name_zh.as_deref(),
                input.name_en.as_deref(),
                input.level.map(Into::into),
                input.main_industries.as_deref(),
                input.location.map(GeoPointInput::parse).transpose()?,
                Lifecycle::Keep,
            )
            .await?;
        Ok(ParkPayload { park: Park(row) })
    }

    /// Archives a park: it stays in history and leaves lists of live parks.
    async fn archive_park(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<ParkPayload> {
        mark_park(ctx, input, Lifecycle::Archive).await
    }

    /// Brings an archived park back into lists of live parks.
    async fn restore_park(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<ParkPayload> {
        mark_park(ctx, input, Lifecycle::Restore).await
    }

    /// Adds an edge to the chain graph (OFFICE).
    async fn create_supply_link(
        &self,
        ctx: &Context<'_>,
        input: CreateSupplyLinkInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        let row = writer(ctx)?
            .create_supply_link(
                id::decode_as(&input.supplier, Kind::Organization)?,
                id::decode_as(&input.customer, Kind::Organization)?,
                decode_opt(&input.segment, Kind::ChainSegment)?,
                &input.product,
                input.since_year,
                input.annual_value.map(|m| m.0),
            )
            .await?;
        Ok(SupplyLinkPayload {
            supply_link: SupplyLink::new(&request(ctx)?.viewer, row),
        })
    }

    async fn update_supply_link(
        &self,
        ctx: &Context<'_>,
        input: UpdateSupplyLinkInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        let row = writer(ctx)?
            .update_supply_link(
                id::decode_as(&input.id, Kind::SupplyLink)?,
                input.expected_version,
                input.product.as_deref(),
                input.since_year,
                input.annual_value.map(|m| m.0),
                Lifecycle::Keep,
            )
            .await?;
        Ok(SupplyLinkPayload {
            supply_link: SupplyLink::new(&request(ctx)?.viewer, row),
        })
    }

    /// Archives a link: it stays in history and leaves the chain graph.
    async fn archive_supply_link(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        mark_supply_link(ctx, input, Lifecycle::Archive).await
    }

    /// Brings an archived link back into the chain graph; CONFLICT while its supplier or
    /// customer is archived.
    async fn restore_supply_link(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        mark_supply_link(ctx, input, Lifecycle::Restore).await
    }

    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> async_graphql::Result<PersonPayload> {
        let row = writer(ctx)?
            .save_person(
                None,
                Some(&input.name_zh),
                input.name_en.as_deref(),
                decode_opt(&input.organization, Kind::Organization)?,
                input.title.as_deref(),
                input.phone.as_deref(),
                input.email.as_deref(),
            )
            .await?;
        Ok(PersonPayload {
            person: Person::guard(ctx, row).await?,
        })
    }

    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> async_graphql::Result<PersonPayload> {
        let row = writer(ctx)?
            .save_person(
                Some((
                    id::decode_as(&input.id, Kind::Person)?,
                    input.expected_version,
                )),
                input.name_zh.as_deref(),
                input.name_en.as_deref(),
                decode_opt(&input.organization, Kind::Organization)?,
                input.title.as_deref(),
                input.phone.as_deref(),
                input.email.as_deref(),
            )
            .await?;
        Ok(PersonPayload {
            person: Person::guard(ctx, row).await?,
        })
    }

    /// Reference data (OFFICE).
    async fn update_department(
        &self,
        ctx: &Context<'_>,
        input: UpdateDepartmentInput,
    ) -> async_graphql::Result<DepartmentPayload> {
        let row = writer(ctx)?
            .update_department(
                id::decode_as(&input.id, Kind::Department)?,
                input.expected_version,
                input.name_zh.as_deref(),
                input.name_en.as_deref(),
            )
            .await?;
        Ok(DepartmentPayload {
            department: Department(row),
        })
    }

    /// Reference data (OFFICE).
    async fn create_chain_segment(
        &self,
        ctx: &Context<'_>,
        input: CreateChainSegmentInput,
    ) -> async_graphql::Result<ChainSegmentPayload> {
        let row = writer(ctx)?
            .save_chain_segment(
                None,
                Some(input.sector.into()),
                Some(&input.code),
                Some(input.ordinal),
                Some(input.position.into()),
                Some(&input.name_zh),
                Some(&input.name_en),
                Some(&input.industry_classes),
            )
            .await?;
        Ok(ChainSegmentPayload {
            segment: ChainSegment(row),
        })
    }

    /// Reference data (OFFICE).
    async fn update_chain_segment(
        &self,
        ctx: &Context<'_>,
        input: UpdateChainSegmentInput,
    ) -> async_graphql::Result<ChainSegmentPayload> {
        let row = writer(ctx)?
            .save_chain_segment(
                Some((
                    id::decode_as(&input.id, Kind::ChainSegment)?,
                    input.expected_version,
                )),
                None,
                None,
                input.ordinal,
                input.position.map(Into::into),
                input.name_zh.as_deref(),
                input.name_en.as_deref(),
                input.industry_classes.as_deref(),
            )
            .await?;
        Ok(ChainSegmentPayload {
            segment: ChainSegment(row),
        })
    }
}

async fn mark_park(
    ctx: &Context<'_>,
    input: VersionedInput,
    lifecycle: Lifecycle,
) -> async_graphql::Result<ParkPayload> {
    let id = id::decode_as(&input.id, Kind::Park)?;
    let row = writer(ctx)?
        .update_park(
            id,
            input.expected_version,
            None,
            None,
            None,
            None,
            None,
            lifecycle,
        )
        .await?;
    Ok(ParkPayload { park: Park(row) })
}

async fn mark_supply_link(
    ctx: &Context<'_>,
    input: VersionedInput,
    lifecycle: Lifecycle,
) -> async_graphql::Result<SupplyLinkPayload> {
    let id = id::decode_as(&input.id, Kind::SupplyLink)?;
    let row = writer(ctx)?
        .update_supply_link(id, input.expected_version, None, None, None, lifecycle)
        .await?;
    Ok(SupplyLinkPayload {
        supply_link: SupplyLink::new(&request(ctx)?.viewer, row),
    })
}
