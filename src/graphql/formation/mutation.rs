//! The formation steps, from initiative to founding and dissolution (`service::formation`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::{Alliance, CharterConsent, CharterParametersInput};
use crate::{
    domain::id::{self, Kind},
    error::Result,
    graphql::{
        enums, request,
        scalars::Date,
        write::RepresentativeInput,
        write::{date, writer},
    },
    service::formation::NewAlliance,
};

#[derive(InputObject)]
pub struct InitiateAllianceInput {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sector: enums::SectorCode,
    pub initiating_units: Vec<ID>,
    /// One of the initiating units, coordinating the formation.
    pub convener: ID,
    /// How the alliance is organised (by government, by enterprises, otherwise).
    pub formation_mode: enums::FormationMode,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct FormPreparatoryGroupInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// The person who convenes the group (召集人), from any unit.
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
    /// The governance parameters the draft proposes (left out: the hub's defaults).
    pub parameters: Option<CharterParametersInput>,
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
pub struct FormBodiesInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// The active member unit hosting the secretariat (秘书处).
    pub secretariat_unit: ID,
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

#[derive(SimpleObject)]
pub struct AlliancePayload {
    pub alliance: Alliance,
}

#[derive(SimpleObject)]
pub struct CharterConsentPayload {
    pub consent: CharterConsent,
}

#[derive(Default)]
pub struct FormationMutation;

/// The payload of a step that changed the alliance.
pub(super) fn alliance_payload(
    ctx: &Context<'_>,
    row: entity::alliance::Model,
) -> async_graphql::Result<AlliancePayload> {
    Ok(AlliancePayload {
        alliance: Alliance::new(&request(ctx)?.viewer, row),
    })
}

#[Object]
impl FormationMutation {
    /// Stage 1: units propose an alliance; the convener coordinates its formation. The office
    /// registers it, or a MUNICIPALITY for units in its territory (then `confirmInitiative`).
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
                .map(|u| id::decode_as(u, Kind::Organization))
                .collect::<Result<_>>()?,
            convener: id::decode_as(&input.convener, Kind::Organization)?,
            formation_mode: input.formation_mode.into(),
            date: date(input.date),
        };
        alliance_payload(ctx, writer(ctx)?.initiate_alliance(new).await?)
    }

    /// The office confirms an initiative a municipality registered.
    async fn confirm_initiative(
        &self,
        ctx: &Context<'_>,
        input: AllianceStepInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .confirm_initiative(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
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
                    id::decode_as(&m.organization, Kind::Organization)?,
                    id::decode_as(&m.person, Kind::Person)?,
                ))
            })
            .collect::<Result<_>>()?;
        let row = writer(ctx)?
            .form_preparatory_group(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                id::decode_as(&input.convener_person, Kind::Person)?,
                members,
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// Stage 3: the charter is drafted.
    async fn start_charter_drafting(
        &self,
        ctx: &Context<'_>,
        input: StartCharterDraftingInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .start_charter_drafting(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                &input.charter_version,
                input.parameters.unwrap_or_default().into(),
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// An initiating unit consents to the charter draft.
    async fn record_charter_consent(
        &self,
        ctx: &Context<'_>,
        input: CharterConsentInput,
    ) -> async_graphql::Result<CharterConsentPayload> {
        let row = writer(ctx)?
            .record_charter_consent(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                id::decode_as(&input.organization, Kind::Organization)?,
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
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// Stage 4: the bodies are formed: the expert committee (experts appointed before), the
    /// secretariat and the working groups.
    async fn form_bodies(
        &self,
        ctx: &Context<'_>,
        input: FormBodiesInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .form_bodies(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                id::decode_as(&input.secretariat_unit, Kind::Organization)?,
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// Stage 5: declares the alliance founded, after its founding assembly.
    async fn found_alliance(
        &self,
        ctx: &Context<'_>,
        input: FoundAllianceInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .found_alliance(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                id::decode_as(&input.founding_assembly, Kind::Meeting)?,
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// Dissolves an alliance at any stage (OFFICE).
    async fn dissolve_alliance(
        &self,
        ctx: &Context<'_>,
        input: DissolveAllianceInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .dissolve_alliance(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                date(input.date),
                &input.reason,
            )
            .await?;
        alliance_payload(ctx, row)
    }
}
