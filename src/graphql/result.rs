//! Results of joint work (`service::result`): the type, its holders and funding, the statistics,
//! and the mutations that record a result and put it into production.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{
    enums::ResultKind as StoredKind, industrial_park, joint_result, project, result_holder,
    support_measure,
};

use crate::{
    domain::{
        id::{self, Kind},
        labels::Labelled,
    },
    error::Result,
    graphql::{
        directory::{Organization, Park},
        enums,
        formation::Alliance,
        loader::{children, maybe_row, row},
        project::Project,
        request,
        scalars::Date,
        stats::{StatGroup, Values, groups},
        support::SupportMeasure,
        write::{date, writer},
    },
    service::{
        relation::{FundingOfResult, HoldersOfResult},
        result::{self, NewResult, ResultDimension},
    },
};

/// A result of an alliance's joint work: a patent or other IP, a standard, a new product.
pub struct JointResult(pub joint_result::Model);

#[Object]
impl JointResult {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::JointResult, self.0.id).into())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Project>> {
        Ok(maybe_row::<project::Model>(ctx, self.0.project_id)
            .await?
            .map(Project))
    }
    async fn kind(&self) -> enums::ResultKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// A patent or standard number, where one was granted.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn achieved_on(&self) -> Date {
        Date(self.0.achieved_on)
    }
    /// Licensed to, or shared with, the alliance's members.
    async fn shared_with_members(&self) -> bool {
        self.0.shared_with_members
    }
    /// The units holding it, and their shares.
    async fn holders(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ResultHolder>> {
        Ok(children::<HoldersOfResult>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(ResultHolder)
            .collect())
    }
    /// The support measures that funded it (their detail as the caller may see it).
    async fn funded_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SupportMeasure>> {
        let viewer = request(ctx)?.viewer.clone();
        let mut measures = Vec::new();
        for link in children::<FundingOfResult>(ctx, self.0.id).await? {
            if let Some(m) = row::<support_measure::Model>(ctx, link.support_measure_id).await? {
                measures.push(SupportMeasure::new(&viewer, m));
            }
        }
        Ok(measures)
    }
    /// The park where it is in production (落地).
    async fn landing_park(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Park>> {
        Ok(maybe_row::<industrial_park::Model>(ctx, self.0.park_id)
            .await?
            .map(Park))
    }
    async fn in_production_on(&self) -> Option<Date> {
        self.0.in_production_on.map(Date)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A unit's share of a result.
pub struct ResultHolder(pub result_holder::Model);

#[Object]
impl ResultHolder {
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization_id).await
    }
    /// Its share, in percent.
    async fn share_percent(&self) -> i32 {
        self.0.share_percent
    }
}

/// What result statistics are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::result::ResultDimension")]
pub enum ResultGroupBy {
    Alliance,
    Kind,
    /// The year achieved.
    Year,
    /// The city or base of the park where it is in production (null: not in production).
    Municipality,
}

#[derive(Default)]
pub struct ResultQuery;

#[Object]
impl ResultQuery {
    /// Results of joint work grouped by alliance, kind, year or city (exact counts; results are
    /// not confidential). Signed-in callers.
    async fn result_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<ResultGroupBy>,
    ) -> async_graphql::Result<Vec<StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<ResultDimension> = group_by.iter().map(|d| (*d).into()).collect();
        let rows = result::result_stats(&request.db, &request.viewer, &dims).await?;
        Ok(groups(rows, &group_by, |d| match d {
            ResultGroupBy::Alliance => Values::Rows(Kind::Alliance),
            ResultGroupBy::Kind => Values::Codes(StoredKind::NAME),
            ResultGroupBy::Year => Values::Years,
            ResultGroupBy::Municipality => Values::Rows(Kind::Municipality),
        }))
    }
}

/// A holder and its share.
#[derive(InputObject)]
pub struct ResultHolderInput {
    pub organization: ID,
    /// 1–100; the shares of a result add up to 100.
    pub share_percent: i32,
}

#[derive(InputObject)]
pub struct RecordResultInput {
    pub alliance: ID,
    /// The project it came from (under way or completed); its holders are then its participants.
    pub project: Option<ID>,
    pub kind: enums::ResultKind,
    pub title: String,
    pub reference: Option<String>,
    pub achieved_on: Date,
    #[graphql(default)]
    pub shared_with_members: bool,
    pub holders: Vec<ResultHolderInput>,
    /// Support measures that funded it (live, benefiting the alliance or a holder).
    pub funded_by: Option<Vec<ID>>,
}

#[derive(InputObject)]
pub struct PutResultIntoProductionInput {
    pub result: ID,
    pub expected_version: i32,
    pub park: ID,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct ResultPayload {
    pub result: JointResult,
}

#[derive(Default)]
pub struct ResultMutation;

#[Object]
impl ResultMutation {
    /// Records a result of joint work with its holders and funding.
    async fn record_result(
        &self,
        ctx: &Context<'_>,
        input: RecordResultInput,
    ) -> async_graphql::Result<ResultPayload> {
        let new = NewResult {
            project: input
                .project
                .as_ref()
                .map(|p| id::decode_as(p, Kind::Project))
                .transpose()?,
            kind: input.kind.into(),
            title: input.title,
            reference: input.reference,
            achieved_on: input.achieved_on.0,
            shared_with_members: input.shared_with_members,
            holders: input
                .holders
                .iter()
                .map(|h| {
                    Ok((
                        id::decode_as(&h.organization, Kind::Organization)?,
                        h.share_percent,
                    ))
                })
                .collect::<Result<_>>()?,
            funded_by: input
                .funded_by
                .unwrap_or_default()
                .iter()
                .map(|m| id::decode_as(m, Kind::SupportMeasure))
                .collect::<Result<_>>()?,
        };
        let row = writer(ctx)?
            .record_result(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(ResultPayload {
            result: JointResult(row),
        })
    }

    /// A result is put into production in a park.
    async fn put_result_into_production(
        &self,
        ctx: &Context<'_>,
        input: PutResultIntoProductionInput,
    ) -> async_graphql::Result<ResultPayload> {
        let row = writer(ctx)?
            .put_result_into_production(
                id::decode_as(&input.result, Kind::JointResult)?,
                input.expected_version,
                id::decode_as(&input.park, Kind::Park)?,
                date(input.date),
            )
            .await?;
        Ok(ResultPayload {
            result: JointResult(row),
        })
    }
}
