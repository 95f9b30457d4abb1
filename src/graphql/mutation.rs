//! The mutations: each takes one `input:` object, calls one service function (which authorizes,
//! checks the rules and audits), and answers a payload with the changed object(s).

use async_graphql::{Context, ID, InputObject, MergedObject, Object, SimpleObject};
use entity::enums::ProjectStage;

use super::{
    enums, request,
    scalars::{Date, Money},
    types::{
        activity::{Person, Project, SupplyLink, SupportMeasure},
        alliance::{Alliance, CharterConsent, Meeting, Membership, Post, Resolution, WorkingGroup},
        organization::Organization,
        reference::{ChainSegment, Department, Park},
    },
};
use crate::{
    domain::id::{self, Kind},
    error::Result,
    service::{
        directory::{NewOrganization, OrganizationChanges, ProfileInput},
        formation::{NewAlliance, NewProject},
        governance::{NewMeeting, NewResolution},
        support::{NewSupport, SupportChanges},
        write::Writer,
    },
};

/// The root mutation type.
#[derive(MergedObject, Default)]
pub struct Mutation(
    DirectoryMutation,
    SupportMutation,
    FormationMutation,
    GovernanceMutation,
);

fn writer<'a>(ctx: &Context<'a>) -> async_graphql::Result<Writer<'a>> {
    let request = request(ctx)?;
    Ok(Writer {
        db: &request.db,
        viewer: &request.viewer,
        bus: &request.bus,
    })
}

fn decode(global: &ID, kind: Kind) -> Result<i64> {
    id::decode_as(global, kind)
}

fn decode_opt(global: &Option<ID>, kind: Kind) -> Result<Option<i64>> {
    global.as_ref().map(|g| decode(g, kind)).transpose()
}

fn date(value: Option<Date>) -> Option<chrono::NaiveDate> {
    value.map(|d| d.0)
}

/// An object and the version the caller last read (for archive/revoke-style changes).
#[derive(InputObject)]
pub struct VersionedInput {
    pub id: ID,
    pub expected_version: i32,
}

/// A unit and the person representing it.
#[derive(InputObject)]
pub struct RepresentativeInput {
    pub organization: ID,
    pub person: ID,
}

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
}

#[derive(InputObject)]
pub struct UpdateParkInput {
    pub id: ID,
    pub expected_version: i32,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub level: Option<enums::ParkLevel>,
    pub main_industries: Option<Vec<String>>,
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
                .map(|s| decode(s, Kind::ChainSegment))
                .collect::<Result<_>>()?,
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
                        .map(|s| decode(s, Kind::ChainSegment))
                        .collect::<Result<_>>()
                })
                .transpose()?,
        };
        let row = writer(ctx)?
            .update_organization(decode(&input.id, Kind::Organization)?, changes)
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
                decode(&input.id, Kind::Organization)?,
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
            )
            .await?;
        Ok(ParkPayload { park: Park(row) })
    }

    async fn update_park(
        &self,
        ctx: &Context<'_>,
        input: UpdateParkInput,
    ) -> async_graphql::Result<ParkPayload> {
        let id = decode(&input.id, Kind::Park)?;
        let row = writer(ctx)?
            .update_park(
                id,
                input.expected_version,
                input.name_zh.as_deref(),
                input.name_en.as_deref(),
                input.level.map(Into::into),
                input.main_industries.as_deref(),
                false,
            )
            .await?;
        Ok(ParkPayload { park: Park(row) })
    }

    async fn archive_park(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<ParkPayload> {
        let row = writer(ctx)?
            .update_park(
                decode(&input.id, Kind::Park)?,
                input.expected_version,
                None,
                None,
                None,
                None,
                true,
            )
            .await?;
        Ok(ParkPayload { park: Park(row) })
    }

    /// Adds an edge to the chain graph (OFFICE).
    async fn create_supply_link(
        &self,
        ctx: &Context<'_>,
        input: CreateSupplyLinkInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        let row = writer(ctx)?
            .create_supply_link(
                decode(&input.supplier, Kind::Organization)?,
                decode(&input.customer, Kind::Organization)?,
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
                decode(&input.id, Kind::SupplyLink)?,
                input.expected_version,
                input.product.as_deref(),
                input.since_year,
                input.annual_value.map(|m| m.0),
                false,
            )
            .await?;
        Ok(SupplyLinkPayload {
            supply_link: SupplyLink::new(&request(ctx)?.viewer, row),
        })
    }

    async fn archive_supply_link(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<SupplyLinkPayload> {
        let row = writer(ctx)?
            .update_supply_link(
                decode(&input.id, Kind::SupplyLink)?,
                input.expected_version,
                None,
                None,
                None,
                true,
            )
            .await?;
        Ok(SupplyLinkPayload {
            supply_link: SupplyLink::new(&request(ctx)?.viewer, row),
        })
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
                Some((decode(&input.id, Kind::Person)?, input.expected_version)),
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
                decode(&input.id, Kind::Department)?,
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
                    decode(&input.id, Kind::ChainSegment)?,
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

#[derive(InputObject)]
pub struct CreateSupportMeasureInput {
    /// The owning department (a DEPARTMENT caller: its own).
    pub department: enums::DepartmentCode,
    pub kind: enums::SupportKind,
    pub title: String,
    pub beneficiary_organization: Option<ID>,
    pub beneficiary_alliance: Option<ID>,
    pub amount: Money,
    pub granted_on: Date,
    #[graphql(default_with = "enums::SupportStatus::Granted")]
    pub status: enums::SupportStatus,
}

#[derive(InputObject)]
pub struct UpdateSupportMeasureInput {
    pub id: ID,
    pub expected_version: i32,
    pub title: Option<String>,
    pub amount: Option<Money>,
    pub granted_on: Option<Date>,
    pub status: Option<enums::SupportStatus>,
}

#[derive(SimpleObject)]
pub struct SupportMeasurePayload {
    pub support_measure: SupportMeasure,
}

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Records a support measure (OFFICE; a DEPARTMENT its own).
    async fn create_support_measure(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportMeasureInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let new = NewSupport {
            department: input.department.into(),
            kind: input.kind.into(),
            title: input.title,
            beneficiary_organization: decode_opt(
                &input.beneficiary_organization,
                Kind::Organization,
            )?,
            beneficiary_alliance: decode_opt(&input.beneficiary_alliance, Kind::Alliance)?,
            amount: input.amount.0,
            granted_on: input.granted_on.0,
            status: input.status.into(),
        };
        let row = writer(ctx)?.create_support_measure(new).await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }

    async fn update_support_measure(
        &self,
        ctx: &Context<'_>,
        input: UpdateSupportMeasureInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let changes = SupportChanges {
            expected_version: input.expected_version,
            title: input.title,
            amount: input.amount.map(|m| m.0),
            granted_on: date(input.granted_on),
            status: input.status.map(Into::into),
        };
        let row = writer(ctx)?
            .update_support_measure(decode(&input.id, Kind::SupportMeasure)?, changes, false)
            .await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }

    /// Marks a measure REVOKED (measures are never deleted).
    async fn revoke_support_measure(
        &self,
        ctx: &Context<'_>,
        input: VersionedInput,
    ) -> async_graphql::Result<SupportMeasurePayload> {
        let changes = SupportChanges {
            expected_version: input.expected_version,
            ..Default::default()
        };
        let row = writer(ctx)?
            .update_support_measure(decode(&input.id, Kind::SupportMeasure)?, changes, true)
            .await?;
        Ok(SupportMeasurePayload {
            support_measure: SupportMeasure::new(&request(ctx)?.viewer, row),
        })
    }
}

#[derive(InputObject)]
pub struct InitiateAllianceInput {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sector: enums::SectorCode,
    pub initiating_units: Vec<ID>,
    /// One of the initiating units, coordinating the formation.
    pub convener: ID,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct FormPreparatoryGroupInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// The person of the convener unit who coordinates the group.
    pub convener_person: ID,
    /// Representatives of the other initiating units.
    #[graphql(default)]
    pub members: Vec<RepresentativeInput>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct StartCharterDraftingInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// The draft's version label, e.g. `v1.0`.
    pub charter_version: String,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct CharterConsentInput {
    pub alliance: ID,
    /// An initiating unit.
    pub organization: ID,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct AllianceStepInput {
    pub alliance: ID,
    pub expected_version: i32,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct FoundAllianceInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// The FOUNDING_ASSEMBLY meeting that signed the charter and elected the council.
    pub founding_assembly: ID,
}

#[derive(InputObject)]
pub struct DissolveAllianceInput {
    pub alliance: ID,
    pub expected_version: i32,
    pub reason: String,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct ApplyForMembershipInput {
    pub alliance: ID,
    pub organization: ID,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct DecideMembershipInput {
    pub membership: ID,
    pub expected_version: i32,
    pub approve: bool,
    /// Required for a rejection.
    pub reason: Option<String>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct WithdrawMembershipInput {
    pub membership: ID,
    pub expected_version: i32,
    pub reason: Option<String>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct ParticipantInput {
    pub organization: ID,
    pub role: enums::ParticipantRole,
}

#[derive(InputObject)]
pub struct ProposeProjectInput {
    pub alliance: ID,
    pub code: String,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub kind: enums::ProjectKind,
    pub budget: Money,
    pub summary: Option<String>,
    /// Active member units; exactly one LEAD.
    pub participants: Vec<ParticipantInput>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct ReviewProjectInput {
    pub project: ID,
    pub expected_version: i32,
    /// The expert committee's EXPERT_REVIEW meeting.
    pub meeting: ID,
    pub feasibility: String,
    pub budget: String,
    pub plan: String,
}

#[derive(InputObject)]
pub struct ProjectStepInput {
    pub project: ID,
    pub expected_version: i32,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct AlliancePayload {
    pub alliance: Alliance,
}

#[derive(SimpleObject)]
pub struct CharterConsentPayload {
    pub consent: CharterConsent,
}

#[derive(SimpleObject)]
pub struct MembershipPayload {
    pub membership: Membership,
}

#[derive(SimpleObject)]
pub struct ProjectPayload {
    pub project: Project,
}

#[derive(Default)]
pub struct FormationMutation;

impl FormationMutation {
    async fn project_step(
        ctx: &Context<'_>,
        input: ProjectStepInput,
        to: ProjectStage,
    ) -> async_graphql::Result<ProjectPayload> {
        let row = writer(ctx)?
            .advance_project(
                decode(&input.project, Kind::Project)?,
                input.expected_version,
                to,
                date(input.date),
            )
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }

    fn alliance(
        ctx: &Context<'_>,
        row: entity::alliance::Model,
    ) -> async_graphql::Result<AlliancePayload> {
        Ok(AlliancePayload {
            alliance: Alliance::new(&request(ctx)?.viewer, row),
        })
    }
}

#[Object]
impl FormationMutation {
    /// Stage 1: units propose an alliance; the convener coordinates its formation (OFFICE).
    async fn initiate_alliance(
        &self,
        ctx: &Context<'_>,
        input: InitiateAllianceInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let new = NewAlliance {
            code: input.code,
            name_zh: input.name_zh,
            name_en: input.name_en,
            sector: input.sector.into(),
            initiators: input
                .initiating_units
                .iter()
                .map(|u| decode(u, Kind::Organization))
                .collect::<Result<_>>()?,
            convener: decode(&input.convener, Kind::Organization)?,
            date: date(input.date),
        };
        Self::alliance(ctx, writer(ctx)?.initiate_alliance(new).await?)
    }

    /// Stage 2: the preparatory working group is formed.
    async fn form_preparatory_group(
        &self,
        ctx: &Context<'_>,
        input: FormPreparatoryGroupInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let members = input
            .members
            .iter()
            .map(|m| {
                Ok((
                    decode(&m.organization, Kind::Organization)?,
                    decode(&m.person, Kind::Person)?,
                ))
            })
            .collect::<Result<_>>()?;
        let row = writer(ctx)?
            .form_preparatory_group(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                decode(&input.convener_person, Kind::Person)?,
                members,
                date(input.date),
            )
            .await?;
        Self::alliance(ctx, row)
    }

    /// Stage 3: the charter is drafted.
    async fn start_charter_drafting(
        &self,
        ctx: &Context<'_>,
        input: StartCharterDraftingInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .start_charter_drafting(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                &input.charter_version,
                date(input.date),
            )
            .await?;
        Self::alliance(ctx, row)
    }

    /// An initiating unit consents to the charter draft.
    async fn record_charter_consent(
        &self,
        ctx: &Context<'_>,
        input: CharterConsentInput,
    ) -> async_graphql::Result<CharterConsentPayload> {
        let row = writer(ctx)?
            .record_charter_consent(
                decode(&input.alliance, Kind::Alliance)?,
                decode(&input.organization, Kind::Organization)?,
                date(input.date),
            )
            .await?;
        Ok(CharterConsentPayload {
            consent: CharterConsent(row),
        })
    }

    /// Adopts the charter, with every initiating unit's consent.
    async fn adopt_charter(
        &self,
        ctx: &Context<'_>,
        input: AllianceStepInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .adopt_charter(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Self::alliance(ctx, row)
    }

    /// Stage 4: the bodies are formed.
    async fn form_bodies(
        &self,
        ctx: &Context<'_>,
        input: AllianceStepInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .form_bodies(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Self::alliance(ctx, row)
    }

    /// Stage 5: declares the alliance founded, after its founding assembly.
    async fn found_alliance(
        &self,
        ctx: &Context<'_>,
        input: FoundAllianceInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .found_alliance(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                decode(&input.founding_assembly, Kind::Meeting)?,
            )
            .await?;
        Self::alliance(ctx, row)
    }

    /// Dissolves an alliance at any stage (OFFICE).
    async fn dissolve_alliance(
        &self,
        ctx: &Context<'_>,
        input: DissolveAllianceInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .dissolve_alliance(
                decode(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
                &input.reason,
            )
            .await?;
        Self::alliance(ctx, row)
    }

    async fn apply_for_membership(
        &self,
        ctx: &Context<'_>,
        input: ApplyForMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .apply_for_membership(
                decode(&input.alliance, Kind::Alliance)?,
                decode(&input.organization, Kind::Organization)?,
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }

    async fn decide_membership(
        &self,
        ctx: &Context<'_>,
        input: DecideMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .decide_membership(
                decode(&input.membership, Kind::Membership)?,
                input.expected_version,
                input.approve,
                input.reason.as_deref(),
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }

    async fn withdraw_membership(
        &self,
        ctx: &Context<'_>,
        input: WithdrawMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .withdraw_membership(
                decode(&input.membership, Kind::Membership)?,
                input.expected_version,
                input.reason.as_deref(),
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }

    async fn propose_project(
        &self,
        ctx: &Context<'_>,
        input: ProposeProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        let new = NewProject {
            code: input.code,
            title_zh: input.title_zh,
            title_en: input.title_en,
            kind: input.kind.into(),
            budget: input.budget.0,
            summary: input.summary,
            participants: input
                .participants
                .iter()
                .map(|p| Ok((decode(&p.organization, Kind::Organization)?, p.role.into())))
                .collect::<Result<_>>()?,
            date: date(input.date),
        };
        let row = writer(ctx)?
            .propose_project(decode(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }

    /// Records the expert committee's review (feasibility, budget, plan).
    async fn review_project(
        &self,
        ctx: &Context<'_>,
        input: ReviewProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        let row = writer(ctx)?
            .review_project(
                decode(&input.project, Kind::Project)?,
                input.expected_version,
                decode(&input.meeting, Kind::Meeting)?,
                &input.feasibility,
                &input.budget,
                &input.plan,
            )
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }

    async fn approve_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::project_step(ctx, input, ProjectStage::Approved).await
    }

    async fn reject_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::project_step(ctx, input, ProjectStage::Rejected).await
    }

    async fn start_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::project_step(ctx, input, ProjectStage::InProgress).await
    }

    async fn complete_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::project_step(ctx, input, ProjectStage::Completed).await
    }
}

#[derive(InputObject)]
pub struct HoldMeetingInput {
    pub alliance: ID,
    pub kind: enums::MeetingKind,
    pub title: String,
    pub held_on: Date,
    pub location: Option<String>,
    /// Units present (assemblies, council) or people present (expert review).
    pub attendees: Vec<ID>,
}

#[derive(InputObject)]
pub struct RecordResolutionInput {
    pub meeting: ID,
    pub kind: enums::ResolutionKind,
    pub subject: String,
    pub votes_for: i32,
    #[graphql(default)]
    pub votes_against: i32,
    #[graphql(default)]
    pub votes_abstain: i32,
    /// Whom the resolution is about: the person elected or nominated.
    pub person: Option<ID>,
    /// The unit elected, nominated, or named (e.g. bearing external liability).
    pub organization: Option<ID>,
}

#[derive(InputObject)]
pub struct ElectDirectorsInput {
    /// A passed ELECT_DIRECTORS resolution of a general (or founding) assembly.
    pub resolution: ID,
    pub directors: Vec<RepresentativeInput>,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct ElectChairInput {
    /// A passed ELECT_CHAIR resolution of a council meeting naming the person and unit.
    pub resolution: ID,
    pub term_start: Option<Date>,
    /// Why an enterprise is chair unit although an industry association is a member.
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct ApproveViceChairInput {
    /// A passed APPROVE_VICE_CHAIRS resolution of a council meeting naming the person.
    pub resolution: ID,
    /// The sitting chair who nominated the vice-chair.
    pub nominated_by: ID,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct ElectSecretaryGeneralInput {
    /// The council's passed NOMINATE_SECRETARY_GENERAL resolution.
    pub nomination: ID,
    /// The general assembly's passed ELECT_SECRETARY_GENERAL resolution, for the same person.
    pub election: ID,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct AppointExpertInput {
    pub alliance: ID,
    pub person: ID,
    /// The member unit the expert represents; leave out for an external expert.
    pub representing: Option<ID>,
    pub term_start: Option<Date>,
}

#[derive(InputObject)]
pub struct CreateWorkingGroupInput {
    pub alliance: ID,
    pub kind: enums::WorkingGroupKind,
    pub name_zh: String,
    pub name_en: String,
    pub purpose: Option<String>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct AppointToWorkingGroupInput {
    pub working_group: ID,
    pub person: ID,
    pub organization: Option<ID>,
    #[graphql(default)]
    pub lead: bool,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct DatedVersionedInput {
    pub id: ID,
    pub expected_version: i32,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct MeetingPayload {
    pub meeting: Meeting,
}

#[derive(SimpleObject)]
pub struct ResolutionPayload {
    pub resolution: Resolution,
}

#[derive(SimpleObject)]
pub struct PostPayload {
    pub post: Post,
}

#[derive(SimpleObject)]
pub struct PostsPayload {
    pub posts: Vec<Post>,
}

#[derive(SimpleObject)]
pub struct WorkingGroupPayload {
    pub working_group: WorkingGroup,
}

#[derive(Default)]
pub struct GovernanceMutation;

#[Object]
impl GovernanceMutation {
    /// Records a meeting and who attended; its body's size is the quorum's base.
    async fn hold_meeting(
        &self,
        ctx: &Context<'_>,
        input: HoldMeetingInput,
    ) -> async_graphql::Result<MeetingPayload> {
        let by_person = input.kind == enums::MeetingKind::ExpertReview;
        let kind = if by_person {
            Kind::Person
        } else {
            Kind::Organization
        };
        let new = NewMeeting {
            kind: input.kind.into(),
            title: input.title,
            held_on: input.held_on.0,
            location: input.location,
            attendees: input
                .attendees
                .iter()
                .map(|a| decode(a, kind))
                .collect::<Result<_>>()?,
        };
        let row = writer(ctx)?
            .hold_meeting(decode(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(MeetingPayload {
            meeting: Meeting(row),
        })
    }

    /// Records a vote; it passes with a quorum and a majority of those present.
    async fn record_resolution(
        &self,
        ctx: &Context<'_>,
        input: RecordResolutionInput,
    ) -> async_graphql::Result<ResolutionPayload> {
        let new = NewResolution {
            kind: input.kind.into(),
            subject: input.subject,
            votes_for: input.votes_for,
            votes_against: input.votes_against,
            votes_abstain: input.votes_abstain,
            person: decode_opt(&input.person, Kind::Person)?,
            organization: decode_opt(&input.organization, Kind::Organization)?,
        };
        let row = writer(ctx)?
            .record_resolution(decode(&input.meeting, Kind::Meeting)?, new)
            .await?;
        Ok(ResolutionPayload {
            resolution: Resolution(row),
        })
    }

    /// Director units elected by the general assembly.
    async fn elect_directors(
        &self,
        ctx: &Context<'_>,
        input: ElectDirectorsInput,
    ) -> async_graphql::Result<PostsPayload> {
        let directors = input
            .directors
            .iter()
            .map(|d| {
                Ok((
                    decode(&d.organization, Kind::Organization)?,
                    decode(&d.person, Kind::Person)?,
                ))
            })
            .collect::<Result<_>>()?;
        let rows = writer(ctx)?
            .elect_directors(
                decode(&input.resolution, Kind::Resolution)?,
                directors,
                date(input.term_start),
            )
            .await?;
        Ok(PostsPayload {
            posts: rows.into_iter().map(Post).collect(),
        })
    }

    /// The chair, elected by the council for five years.
    async fn elect_chair(
        &self,
        ctx: &Context<'_>,
        input: ElectChairInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .elect_chair(
                decode(&input.resolution, Kind::Resolution)?,
                date(input.term_start),
                input.reason.as_deref(),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// A vice-chair nominated by the sitting chair and approved by the council.
    async fn approve_vice_chair(
        &self,
        ctx: &Context<'_>,
        input: ApproveViceChairInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .approve_vice_chair(
                decode(&input.resolution, Kind::Resolution)?,
                decode(&input.nominated_by, Kind::Person)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// The secretary-general nominated by the council and elected by the general assembly.
    async fn elect_secretary_general(
        &self,
        ctx: &Context<'_>,
        input: ElectSecretaryGeneralInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .elect_secretary_general(
                decode(&input.nomination, Kind::Resolution)?,
                decode(&input.election, Kind::Resolution)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    /// An expert-committee member from a member unit, or an external expert.
    async fn appoint_expert(
        &self,
        ctx: &Context<'_>,
        input: AppointExpertInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .appoint_expert(
                decode(&input.alliance, Kind::Alliance)?,
                decode(&input.person, Kind::Person)?,
                decode_opt(&input.representing, Kind::Organization)?,
                date(input.term_start),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    async fn create_working_group(
        &self,
        ctx: &Context<'_>,
        input: CreateWorkingGroupInput,
    ) -> async_graphql::Result<WorkingGroupPayload> {
        let row = writer(ctx)?
            .create_working_group(
                decode(&input.alliance, Kind::Alliance)?,
                input.kind.into(),
                &input.name_zh,
                &input.name_en,
                input.purpose.as_deref(),
                date(input.date),
            )
            .await?;
        Ok(WorkingGroupPayload {
            working_group: WorkingGroup(row),
        })
    }

    async fn appoint_to_working_group(
        &self,
        ctx: &Context<'_>,
        input: AppointToWorkingGroupInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .appoint_to_working_group(
                decode(&input.working_group, Kind::WorkingGroup)?,
                decode(&input.person, Kind::Person)?,
                decode_opt(&input.organization, Kind::Organization)?,
                input.lead,
                date(input.date),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }

    async fn dissolve_working_group(
        &self,
        ctx: &Context<'_>,
        input: DatedVersionedInput,
    ) -> async_graphql::Result<WorkingGroupPayload> {
        let row = writer(ctx)?
            .dissolve_working_group(
                decode(&input.id, Kind::WorkingGroup)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Ok(WorkingGroupPayload {
            working_group: WorkingGroup(row),
        })
    }

    /// Ends a post before its term does.
    async fn end_post(
        &self,
        ctx: &Context<'_>,
        input: DatedVersionedInput,
    ) -> async_graphql::Result<PostPayload> {
        let row = writer(ctx)?
            .end_post(
                decode(&input.id, Kind::Post)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        Ok(PostPayload { post: Post(row) })
    }
}
