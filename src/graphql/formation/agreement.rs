//! The alliance agreement (`service::agreement`): its versions, its parties and what each
//! undertakes, and the mutations that sign it and accede to it.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{agreement, agreement_party};

use crate::{
    domain::id::{self, Kind},
    error::Result,
    graphql::{
        directory::Organization,
        loader::children,
        scalars::Date,
        write::{date, writer},
    },
    service::{
        agreement::{NewAgreement, Terms},
        relation::PartiesOfAgreement,
    },
};

/// One version of the alliance agreement (联盟协议): legally binding among its parties, naming
/// the body that bears the alliance's external liability (Annex 1 §4).
pub struct Agreement(pub agreement::Model);

#[Object]
impl Agreement {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Agreement, self.0.id).into())
    }
    async fn agreement_version(&self) -> &str {
        &self.0.agreement_version
    }
    async fn signed_on(&self) -> Date {
        Date(self.0.signed_on)
    }
    /// The body bearing the alliance's external liability (对外承担责任的主体).
    async fn liable_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.liable_unit_id).await
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The signatories, then the members that acceded later.
    async fn parties(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AgreementParty>> {
        Ok(children::<PartiesOfAgreement>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(AgreementParty)
            .collect())
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A party to the agreement and what it undertakes (null: the agreement's general terms).
pub struct AgreementParty(pub agreement_party::Model);

#[Object]
impl AgreementParty {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::AgreementParty, self.0.id).into())
    }
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization_id).await
    }
    async fn rights(&self) -> Option<&str> {
        self.0.rights.as_deref()
    }
    async fn duties(&self) -> Option<&str> {
        self.0.duties.as_deref()
    }
    async fn tasks(&self) -> Option<&str> {
        self.0.tasks.as_deref()
    }
    /// The signing day, or the day a later member acceded.
    async fn acceded_on(&self) -> Date {
        Date(self.0.acceded_on)
    }
    /// Whether the unit acceded on admission rather than signing.
    async fn acceded_on_admission(&self) -> bool {
        self.0.membership_id.is_some()
    }
}

/// A party and its undertakings.
#[derive(InputObject)]
pub struct AgreementPartyInput {
    pub organization: ID,
    pub rights: Option<String>,
    pub duties: Option<String>,
    pub tasks: Option<String>,
}

#[derive(InputObject)]
pub struct SignAgreementInput {
    pub alliance: ID,
    /// The version's label, e.g. `v1.0`.
    pub agreement_version: String,
    pub signed_on: Date,
    /// The unit bearing external liability: a party (and the one the assembly named, if any).
    pub liable_unit: ID,
    pub summary: Option<String>,
    pub parties: Vec<AgreementPartyInput>,
}

#[derive(InputObject)]
pub struct AccedeToAgreementInput {
    pub alliance: ID,
    pub organization: ID,
    pub rights: Option<String>,
    pub duties: Option<String>,
    pub tasks: Option<String>,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct AgreementPayload {
    pub agreement: Agreement,
}

#[derive(SimpleObject)]
pub struct AgreementPartyPayload {
    pub party: AgreementParty,
}

#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// The members sign a version of the alliance agreement.
    async fn sign_agreement(
        &self,
        ctx: &Context<'_>,
        input: SignAgreementInput,
    ) -> async_graphql::Result<AgreementPayload> {
        let parties = input
            .parties
            .into_iter()
            .map(|p| {
                Ok((
                    id::decode_as(&p.organization, Kind::Organization)?,
                    Terms {
                        rights: p.rights,
                        duties: p.duties,
                        tasks: p.tasks,
                    },
                ))
            })
            .collect::<Result<_>>()?;
        let new = NewAgreement {
            agreement_version: input.agreement_version,
            signed_on: input.signed_on.0,
            liable_unit: id::decode_as(&input.liable_unit, Kind::Organization)?,
            summary: input.summary,
            parties,
        };
        let row = writer(ctx)?
            .sign_agreement(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(AgreementPayload {
            agreement: Agreement(row),
        })
    }

    /// A member accedes to the agreement in force on its own terms (admission makes a new member
    /// accede to the general terms by itself).
    async fn accede_to_agreement(
        &self,
        ctx: &Context<'_>,
        input: AccedeToAgreementInput,
    ) -> async_graphql::Result<AgreementPartyPayload> {
        let terms = Terms {
            rights: input.rights,
            duties: input.duties,
            tasks: input.tasks,
        };
        let row = writer(ctx)?
            .accede_to_agreement(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                id::decode_as(&input.organization, Kind::Organization)?,
                terms,
                date(input.date),
            )
            .await?;
        Ok(AgreementPartyPayload {
            party: AgreementParty(row),
        })
    }
}
