//! The charter as data (`service::charter`): its versions with the governance parameters they
//! set, its supporting rules, and the mutations that revise, amend and add to them.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{charter, supporting_rule};

use super::{AlliancePayload, mutation::alliance_payload};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        enums,
        governance::Resolution,
        loader::row,
        scalars::Date,
        write::{date, decode_opt, writer},
    },
    service::charter::{NewSupportingRule, Parameters, Voting},
};

/// One version of an alliance's charter (章程) and the governance parameters it sets. The plan's
/// annexes are reference outlines: only the chair's five-year renewable term is the plan's; every
/// other parameter is the charter's (the hub's defaults where it is silent).
pub struct Charter(pub charter::Model);

impl Charter {
    fn parameters(&self) -> Parameters {
        Parameters::of(&self.0)
    }
}

#[Object]
impl Charter {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Charter, self.0.id).into())
    }
    /// The version's label, e.g. `v1.0`.
    async fn charter_version(&self) -> &str {
        &self.0.charter_version
    }
    async fn drafted_on(&self) -> Date {
        Date(self.0.drafted_on)
    }
    /// When this version was adopted (null: a draft, in force only until one is adopted).
    async fn adopted_on(&self) -> Option<Date> {
        self.0.adopted_on.map(Date)
    }
    /// When the founding assembly signed it.
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Date)
    }
    /// The general-assembly resolution that adopted this amendment.
    async fn amended_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resolution>> {
        match self.0.resolution_id {
            Some(id) => Ok(row::<entity::resolution::Model>(ctx, id)
                .await?
                .map(Resolution)),
            None => Ok(None),
        }
    }
    /// Term of each council post, in years (null: no fixed term).
    async fn terms(&self) -> CharterTerms {
        let p = self.parameters();
        CharterTerms {
            chair_years: 5,
            director_years: p.director_term_years,
            vice_chair_years: p.vice_chair_term_years,
            secretary_general_years: p.secretary_general_term_years,
            expert_years: p.expert_term_years,
        }
    }
    /// Quorum and majority of the general assembly (and the founding assembly).
    async fn assembly(&self) -> VotingRule {
        self.parameters().assembly.into()
    }
    async fn council(&self) -> VotingRule {
        self.parameters().council.into()
    }
    async fn expert_review(&self) -> VotingRule {
        self.parameters().expert_review.into()
    }
    /// Who admits new members.
    async fn admission_body(&self) -> enums::AdmissionBody {
        self.0.admission_body.into()
    }
    /// Whether the chair unit should be an industry association of the alliance's industry, or
    /// else a large backbone enterprise (Annex 1 §2).
    async fn chair_unit_preference(&self) -> bool {
        self.0.chair_unit_preference
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Terms of the council's posts, in years; null where the charter fixes none.
#[derive(SimpleObject)]
pub struct CharterTerms {
    /// Five years, renewable: the plan's fixed point (理事长每届任期五年，可连选连任).
    pub chair_years: i32,
    pub director_years: Option<i32>,
    pub vice_chair_years: Option<i32>,
    pub secretary_general_years: Option<i32>,
    pub expert_years: Option<i32>,
}

/// What a body's resolution needs: a quorum of the body present, a majority of those present.
#[derive(SimpleObject)]
pub struct VotingRule {
    pub quorum: enums::Threshold,
    pub majority: enums::Threshold,
}

impl From<Voting> for VotingRule {
    fn from(v: Voting) -> Self {
        Self {
            quorum: v.quorum.into(),
            majority: v.majority.into(),
        }
    }
}

/// One version of a supporting rule of the charter (配套制度).
pub struct SupportingRule(pub supporting_rule::Model);

#[Object]
impl SupportingRule {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::SupportingRule, self.0.id).into())
    }
    async fn kind(&self) -> enums::SupportingRuleKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn rule_version(&self) -> &str {
        &self.0.rule_version
    }
    async fn adopted_on(&self) -> Date {
        Date(self.0.adopted_on)
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The general-assembly resolution that adopted it, if a meeting did.
    async fn adopted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resolution>> {
        match self.0.resolution_id {
            Some(id) => Ok(row::<entity::resolution::Model>(ctx, id)
                .await?
                .map(Resolution)),
            None => Ok(None),
        }
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A body's quorum and majority; each defaults to MORE_THAN_HALF (the hub's default).
#[derive(InputObject)]
pub struct VotingRuleInput {
    #[graphql(default_with = "enums::Threshold::MoreThanHalf")]
    pub quorum: enums::Threshold,
    #[graphql(default_with = "enums::Threshold::MoreThanHalf")]
    pub majority: enums::Threshold,
}

/// The governance parameters a charter sets. Every field may be left out: the hub's default then
/// applies (no fixed terms besides the chair's, more than half present and more than half of
/// those present, admission by the secretariat, the plan's chair-unit preference).
#[derive(InputObject, Default)]
pub struct CharterParametersInput {
    /// 1–10 years; left out: no fixed term.
    pub director_term_years: Option<i32>,
    pub vice_chair_term_years: Option<i32>,
    pub secretary_general_term_years: Option<i32>,
    pub expert_term_years: Option<i32>,
    pub assembly: Option<VotingRuleInput>,
    pub council: Option<VotingRuleInput>,
    pub expert_review: Option<VotingRuleInput>,
    pub admission_body: Option<enums::AdmissionBody>,
    pub chair_unit_preference: Option<bool>,
}

impl From<CharterParametersInput> for Parameters {
    fn from(input: CharterParametersInput) -> Self {
        let defaults = Parameters::default();
        let voting = |given: Option<VotingRuleInput>, default: Voting| {
            given.map_or(default, |v| Voting {
                quorum: v.quorum.into(),
                majority: v.majority.into(),
            })
        };
        Parameters {
            director_term_years: input.director_term_years,
            vice_chair_term_years: input.vice_chair_term_years,
            secretary_general_term_years: input.secretary_general_term_years,
            expert_term_years: input.expert_term_years,
            assembly: voting(input.assembly, defaults.assembly),
            council: voting(input.council, defaults.council),
            expert_review: voting(input.expert_review, defaults.expert_review),
            admission_body: input
                .admission_body
                .map_or(defaults.admission_body, Into::into),
            chair_unit_preference: input
                .chair_unit_preference
                .unwrap_or(defaults.chair_unit_preference),
        }
    }
}

#[derive(InputObject)]
pub struct ReviseCharterDraftInput {
    pub alliance: ID,
    pub expected_version: i32,
    /// A new label for the revised draft; initiating units consent to it afresh.
    pub charter_version: String,
    pub parameters: Option<CharterParametersInput>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct AmendCharterInput {
    pub alliance: ID,
    pub expected_version: i32,
    pub charter_version: String,
    /// The passed AMEND_CHARTER resolution of a general assembly.
    pub resolution: ID,
    /// The amended charter's parameters in full (left-out fields take the hub's defaults).
    pub parameters: Option<CharterParametersInput>,
}

#[derive(InputObject)]
pub struct RecordSupportingRuleInput {
    pub alliance: ID,
    pub kind: enums::SupportingRuleKind,
    pub title: String,
    pub rule_version: String,
    /// Before founding: when the drafters agreed it. After: taken from `resolution`'s meeting.
    pub adopted_on: Date,
    pub summary: Option<String>,
    /// The passed ADOPT_SUPPORTING_RULE resolution of a general assembly (needed after founding).
    pub resolution: Option<ID>,
}

#[derive(SimpleObject)]
pub struct SupportingRulePayload {
    pub supporting_rule: SupportingRule,
}

#[derive(Default)]
pub struct CharterMutation;

#[Object]
impl CharterMutation {
    /// A revised charter draft while drafting, under a new version label.
    async fn revise_charter_draft(
        &self,
        ctx: &Context<'_>,
        input: ReviseCharterDraftInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .revise_charter_draft(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                &input.charter_version,
                input.parameters.unwrap_or_default().into(),
                date(input.date),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// A founded alliance's charter amended by its general assembly.
    async fn amend_charter(
        &self,
        ctx: &Context<'_>,
        input: AmendCharterInput,
    ) -> async_graphql::Result<AlliancePayload> {
        let row = writer(ctx)?
            .amend_charter(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                input.expected_version,
                &input.charter_version,
                id::decode_as(&input.resolution, Kind::Resolution)?,
                input.parameters.unwrap_or_default().into(),
            )
            .await?;
        alliance_payload(ctx, row)
    }

    /// A version of a supporting rule (decision-making, financial management, admission).
    async fn record_supporting_rule(
        &self,
        ctx: &Context<'_>,
        input: RecordSupportingRuleInput,
    ) -> async_graphql::Result<SupportingRulePayload> {
        let new = NewSupportingRule {
            kind: input.kind.into(),
            title: input.title,
            rule_version: input.rule_version,
            adopted_on: input.adopted_on.0,
            summary: input.summary,
            resolution: decode_opt(&input.resolution, Kind::Resolution)?,
        };
        let row = writer(ctx)?
            .record_supporting_rule(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(SupportingRulePayload {
            supporting_rule: SupportingRule(row),
        })
    }
}
