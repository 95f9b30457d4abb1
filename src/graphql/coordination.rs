//! Coordination mechanisms (`service::coordination`): the type, the list, and the mutations
//! that record a mechanism and a city's joining it.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{coordination_mechanism, mechanism_member, municipality};

use crate::{
    domain::id::{self, Kind},
    graphql::{
        directory::Municipality,
        enums,
        loader::{children, row},
        request,
        scalars::Date,
        write::{date, writer},
    },
    service::{
        coordination::{self, NewMechanism},
        relation::MembersOfMechanism,
    },
};

/// An arrangement of the cities and the Ningdong base to push the alliances forward (协调机制,
/// plan §四(一)).
pub struct CoordinationMechanism(pub coordination_mechanism::Model);

#[Object]
impl CoordinationMechanism {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::CoordinationMechanism, self.0.id).into())
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> Option<&str> {
        self.0.name_en.as_deref()
    }
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    async fn established_on(&self) -> Date {
        Date(self.0.established_on)
    }
    /// The city or base that convenes it.
    async fn lead(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(row::<municipality::Model>(ctx, self.0.lead_municipality_id)
            .await?
            .map(Municipality))
    }
    /// The cities and the base taking part, by when they joined.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MechanismMember>> {
        Ok(children::<MembersOfMechanism>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(MechanismMember)
            .collect())
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A city or the base in a mechanism.
pub struct MechanismMember(pub mechanism_member::Model);

#[Object]
impl MechanismMember {
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(row::<municipality::Model>(ctx, self.0.municipality_id)
            .await?
            .map(Municipality))
    }
    async fn joined_on(&self) -> Date {
        Date(self.0.joined_on)
    }
}

#[derive(Default)]
pub struct CoordinationQuery;

#[Object]
impl CoordinationQuery {
    /// Every coordination mechanism, oldest first (public, like the reference data).
    async fn coordination_mechanisms(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CoordinationMechanism>> {
        let request = request(ctx)?;
        Ok(coordination::mechanisms(&request.db)
            .await?
            .into_iter()
            .map(CoordinationMechanism)
            .collect())
    }
}

#[derive(InputObject)]
pub struct EstablishCoordinationMechanismInput {
    pub name_zh: String,
    pub name_en: Option<String>,
    pub purpose: Option<String>,
    pub established_on: Date,
    /// The city or base that convenes it.
    pub lead: enums::MunicipalityCode,
    /// The others taking part (the lead is included by itself).
    pub members: Vec<enums::MunicipalityCode>,
}

#[derive(InputObject)]
pub struct JoinCoordinationMechanismInput {
    pub mechanism: ID,
    pub municipality: enums::MunicipalityCode,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct CoordinationMechanismPayload {
    pub mechanism: CoordinationMechanism,
}

#[derive(SimpleObject)]
pub struct MechanismMemberPayload {
    pub member: MechanismMember,
}

#[derive(Default)]
pub struct CoordinationMutation;

#[Object]
impl CoordinationMutation {
    /// Records a coordination mechanism (OFFICE, or the MUNICIPALITY that leads it).
    async fn establish_coordination_mechanism(
        &self,
        ctx: &Context<'_>,
        input: EstablishCoordinationMechanismInput,
    ) -> async_graphql::Result<CoordinationMechanismPayload> {
        let new = NewMechanism {
            name_zh: input.name_zh,
            name_en: input.name_en,
            purpose: input.purpose,
            established_on: input.established_on.0,
            lead: input.lead.into(),
            members: input.members.into_iter().map(Into::into).collect(),
        };
        let row = writer(ctx)?.establish_coordination_mechanism(new).await?;
        Ok(CoordinationMechanismPayload {
            mechanism: CoordinationMechanism(row),
        })
    }

    /// A city or the base joins a mechanism (OFFICE, or that MUNICIPALITY).
    async fn join_coordination_mechanism(
        &self,
        ctx: &Context<'_>,
        input: JoinCoordinationMechanismInput,
    ) -> async_graphql::Result<MechanismMemberPayload> {
        let row = writer(ctx)?
            .join_coordination_mechanism(
                id::decode_as(&input.mechanism, Kind::CoordinationMechanism)?,
                input.municipality.into(),
                date(input.date),
            )
            .await?;
        Ok(MechanismMemberPayload {
            member: MechanismMember(row),
        })
    }
}
