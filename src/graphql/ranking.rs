//! Rankings for dashboards (`service::ranking`).

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::{
    directory::Organization,
    formation::Alliance,
    inputs::OrganizationFilter,
    request,
    scalars::Money,
    stats::{EnterpriseGroupBy, StatGroup, groups},
};
use crate::service::ranking::{self, AllianceCount, GroupMeasure};

/// A figure enterprises are ranked by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankFigure {
    Employees,
    /// Restricted: units are ranked by it for OFFICE only.
    AnnualRevenue,
    /// Restricted; recorded by year (give `year`).
    OutputValue,
    /// Restricted.
    RndSpend,
    /// Restricted.
    TaxPaid,
}

impl RankFigure {
    fn name(self) -> &'static str {
        match self {
            Self::Employees => "employees",
            Self::AnnualRevenue => "annualRevenue",
            Self::OutputValue => "outputValue",
            Self::RndSpend => "rndSpend",
            Self::TaxPaid => "taxPaid",
        }
    }
}

/// What groups are ranked by: the units counted, or a figure's (protected) sum.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupRankBy {
    Count,
    Employees,
    AnnualRevenue,
    OutputValue,
    RndSpend,
    TaxPaid,
}

impl From<GroupRankBy> for GroupMeasure {
    fn from(by: GroupRankBy) -> Self {
        match by {
            GroupRankBy::Count => Self::Count,
            GroupRankBy::Employees => Self::Sum("employees"),
            GroupRankBy::AnnualRevenue => Self::Sum("annualRevenue"),
            GroupRankBy::OutputValue => Self::Sum("outputValue"),
            GroupRankBy::RndSpend => Self::Sum("rndSpend"),
            GroupRankBy::TaxPaid => Self::Sum("taxPaid"),
        }
    }
}

/// What alliances are ranked by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllianceRankBy {
    /// Active members.
    Members,
    /// Joint projects, any stage.
    Projects,
    /// Results of joint work (patents, standards, products).
    Results,
    /// Support granted to the alliance itself, not revoked: protected like `supportStats`, so
    /// below OFFICE, where an alliance's amount is one beneficiary's figure (a suppressed cell),
    /// no alliance is ranked by it.
    SupportAmount,
}

/// An enterprise's place in a ranking.
pub struct EnterpriseRank {
    rank: i32,
    id: i64,
    value: i64,
}

#[Object]
impl EnterpriseRank {
    /// 1 for the highest.
    async fn rank(&self) -> i32 {
        self.rank
    }
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.id).await
    }
    /// The figure ranked by (yuan, or people for employees).
    async fn value(&self) -> Money {
        Money(self.value)
    }
}

/// A group's place in a ranking: its statistics cell.
#[derive(SimpleObject)]
pub struct GroupRank {
    /// 1 for the highest.
    pub rank: i32,
    pub group: StatGroup,
}

/// An alliance's place in a ranking.
pub struct AllianceRank {
    rank: i32,
    id: i64,
    value: Option<f64>,
}

#[Object]
impl AllianceRank {
    /// 1 for the highest.
    async fn rank(&self) -> i32 {
        self.rank
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.id).await
    }
    /// The count, or the support amount in yuan (with noise below OFFICE).
    async fn value(&self) -> Option<f64> {
        self.value
    }
}

/// Rankings.
#[derive(Default)]
pub struct RankingQuery;

#[Object]
impl RankingQuery {
    /// The enterprises with the highest figure (the latest, or that of `year`), at most 100.
    /// Ranking units by a restricted figure (revenue, output value, R&D spend, taxes) is for
    /// OFFICE only: below it FORBIDDEN (rank groups with `groupRanking` instead).
    async fn enterprise_ranking(
        &self,
        ctx: &Context<'_>,
        by: RankFigure,
        #[graphql(default = 10)] first: i32,
        year: Option<i32>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<Vec<EnterpriseRank>> {
        let request = request(ctx)?;
        let filter = OrganizationFilter::convert(filter)?;
        let rows = ranking::enterprise_ranking(
            &request.db,
            &request.viewer,
            by.name(),
            u64::try_from(first).unwrap_or(0),
            year,
            filter.as_ref(),
        )
        .await?;
        Ok(rows
            .into_iter()
            .zip(1..)
            .map(|((id, value), rank)| EnterpriseRank { rank, id, value })
            .collect())
    }

    /// The cities, parks, sectors, segments, scales, kinds or designations with the highest
    /// count or figure, from the same statistic as `enterpriseStats` (cached, and protected
    /// below OFFICE: suppressed groups are not ranked, figures carry their noise).
    async fn group_ranking(
        &self,
        ctx: &Context<'_>,
        group_by: EnterpriseGroupBy,
        by: GroupRankBy,
        #[graphql(default = 10)] first: i32,
        year: Option<i32>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<Vec<GroupRank>> {
        let request = request(ctx)?;
        let filter = OrganizationFilter::convert(filter)?;
        let rows = ranking::group_ranking(
            &request.db,
            &request.stats,
            &request.viewer,
            group_by.into(),
            by.into(),
            u64::try_from(first).unwrap_or(0),
            year.map(|y| crate::service::stats::YearRange { from: y, to: y }),
            filter.as_ref(),
        )
        .await?;
        Ok(groups(rows, &[group_by], EnterpriseGroupBy::values)
            .into_iter()
            .zip(1..)
            .map(|(group, rank)| GroupRank { rank, group })
            .collect())
    }

    /// Alliances by members, projects, results or support received, highest first.
    async fn alliance_ranking(
        &self,
        ctx: &Context<'_>,
        by: AllianceRankBy,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<AllianceRank>> {
        let request = request(ctx)?;
        let first = u64::try_from(first).unwrap_or(0);
        let count = match by {
            AllianceRankBy::Members => AllianceCount::Members,
            AllianceRankBy::Projects => AllianceCount::Projects,
            AllianceRankBy::Results => AllianceCount::Results,
            AllianceRankBy::SupportAmount => {
                let rows = ranking::alliances_by_support(
                    &request.db,
                    &request.stats,
                    &request.viewer,
                    first,
                )
                .await?;
                return Ok(rows
                    .into_iter()
                    .zip(1..)
                    .filter_map(|(group, rank)| {
                        let id = group.key.first()?.as_ref()?.parse().ok()?;
                        let value = group
                            .figures
                            .iter()
                            .find(|(n, _)| *n == "amount")
                            .and_then(|(_, a)| a.sum);
                        Some(AllianceRank { rank, id, value })
                    })
                    .collect());
            }
        };
        let rows = ranking::alliances_by_count(&request.db, &request.viewer, count, first).await?;
        Ok(rows
            .into_iter()
            .zip(1..)
            .map(|((id, n), rank)| AllianceRank {
                rank,
                id,
                value: Some(n as f64),
            })
            .collect())
    }
}
