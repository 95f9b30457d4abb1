//! Dashboard statistics: grouped counts and figures, with suppressed cells marked.

use async_graphql::{Context, Enum, Object, SimpleObject};
use entity::municipality;

use crate::{
    domain::id::{self, Kind},
    graphql::{
        directory::Municipality, formation::Alliance, inputs::OrganizationFilter,
        loader::maybe_row, request,
    },
    service::stats::{self, Aggregate},
};

/// What enterprise statistics are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::stats::EnterpriseDimension")]
pub enum EnterpriseGroupBy {
    Municipality,
    Park,
    /// The sector of the unit's primary chain segment.
    Sector,
    /// The unit's primary chain segment.
    Segment,
    Scale,
    Kind,
    FoundedYear,
}

/// What support statistics are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::stats::SupportDimension")]
pub enum SupportGroupBy {
    Department,
    Kind,
    /// The year granted.
    Year,
    /// The alliance benefiting.
    Alliance,
    /// The beneficiary unit's city.
    Municipality,
}

/// Aggregates of one figure over a group (null when suppressed or empty).
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Figure {
    pub sum: Option<f64>,
    pub avg: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl From<Aggregate> for Figure {
    fn from(a: Aggregate) -> Self {
        Self {
            sum: a.sum,
            avg: a.avg,
            min: a.min,
            max: a.max,
        }
    }
}

/// One dimension's value in a group's key.
#[derive(SimpleObject, Debug, Clone)]
pub struct GroupKey {
    /// The dimension, as in `groupBy`.
    pub dimension: String,
    /// Its value: a code (`YINCHUAN`, `LARGE`), a year, or a global id; null for none.
    pub value: Option<String>,
}

/// One group of a statistics table.
pub struct StatGroup {
    pub group: stats::Group,
    pub dimensions: Vec<String>,
    /// The key's values in their API form (codes, years, global ids), one per dimension.
    pub values: Vec<Option<String>>,
}

#[Object]
impl StatGroup {
    async fn key(&self) -> Vec<GroupKey> {
        self.dimensions
            .iter()
            .zip(&self.values)
            .map(|(d, v)| GroupKey {
                dimension: d.clone(),
                value: v.clone(),
            })
            .collect()
    }
    /// Units in the group (null when suppressed).
    async fn count(&self) -> Option<i64> {
        (!self.group.suppressed).then_some(self.group.count)
    }
    /// Fewer than three enterprises (or beneficiaries) — or a cell that would reveal one by
    /// subtraction: no figures are given.
    async fn suppressed(&self) -> bool {
        self.group.suppressed
    }
    async fn employees(&self) -> Option<Figure> {
        self.figure("employees")
    }
    async fn annual_revenue(&self) -> Option<Figure> {
        self.figure("annualRevenue")
    }
    async fn rnd_spend(&self) -> Option<Figure> {
        self.figure("rndSpend")
    }
    async fn tax_paid(&self) -> Option<Figure> {
        self.figure("taxPaid")
    }
    /// Support amounts (support statistics).
    async fn amount(&self) -> Option<Figure> {
        self.figure("amount")
    }
}

impl StatGroup {
    fn figure(&self, name: &str) -> Option<Figure> {
        self.group
            .figures
            .iter()
            .find(|(n, _)| *n == name)
            .filter(|_| !self.group.suppressed)
            .map(|(_, a)| (*a).into())
    }
}

/// Members of one alliance.
pub struct AllianceMemberStats(pub stats::AllianceMembers);

#[derive(SimpleObject)]
pub struct KindCount {
    pub kind: String,
    pub members: i64,
}

pub struct MunicipalityMembers(Option<i64>, i64);

#[Object]
impl MunicipalityMembers {
    /// Null: outside the metro area.
    async fn municipality(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Municipality>> {
        Ok(maybe_row::<municipality::Model>(ctx, self.0)
            .await?
            .map(Municipality))
    }
    async fn members(&self) -> i64 {
        self.1
    }
}

#[Object]
impl AllianceMemberStats {
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance).await
    }
    /// Active members.
    async fn members(&self) -> i64 {
        self.0.active
    }
    async fn by_kind(&self) -> Vec<KindCount> {
        self.0
            .by_kind
            .iter()
            .map(|(kind, members)| KindCount {
                kind: kind.clone(),
                members: *members,
            })
            .collect()
    }
    async fn by_municipality(&self) -> Vec<MunicipalityMembers> {
        self.0
            .by_municipality
            .iter()
            .map(|(m, n)| MunicipalityMembers(*m, *n))
            .collect()
    }
}

/// Memberships in one year.
#[derive(SimpleObject)]
pub struct MembersInYear {
    pub year: i32,
    pub joined: i64,
    pub left: i64,
    /// Active at the year's end.
    pub active: i64,
}

/// Members by alliance, stage, kind and city, and over time.
pub struct AllianceStats {
    pub alliances: Vec<stats::AllianceMembers>,
    pub over_time: Vec<stats::MembersInYear>,
}

#[Object]
impl AllianceStats {
    async fn alliances(&self) -> Vec<AllianceMemberStats> {
        self.alliances
            .iter()
            .cloned()
            .map(AllianceMemberStats)
            .collect()
    }
    async fn over_time(&self) -> Vec<MembersInYear> {
        self.over_time
            .iter()
            .map(|y| MembersInYear {
                year: y.year,
                joined: y.joined,
                left: y.left,
                active: y.active,
            })
            .collect()
    }
}

/// The API form of a raw group-key value: codes stay codes, ids become global ids.
fn key_value(kind: Option<Kind>, raw: &Option<String>) -> Option<String> {
    match (kind, raw) {
        (Some(kind), Some(raw)) => raw.parse::<i64>().ok().map(|id| id::encode(kind, id)),
        (None, raw) => raw.clone(),
        (_, None) => None,
    }
}

fn groups<D: Copy>(
    rows: Vec<crate::service::stats::Group>,
    dims: &[D],
    name: impl Fn(D) -> (String, Option<Kind>),
) -> Vec<StatGroup> {
    let named: Vec<(String, Option<Kind>)> = dims.iter().map(|d| name(*d)).collect();
    rows.into_iter()
        .map(|group| {
            let values = group
                .key
                .iter()
                .zip(&named)
                .map(|(raw, (_, kind))| key_value(*kind, raw))
                .collect();
            StatGroup {
                dimensions: named.iter().map(|(n, _)| n.clone()).collect(),
                values,
                group,
            }
        })
        .collect()
}

/// Dashboard statistics (`service::stats`).
#[derive(Default)]
pub struct StatsQuery;

#[Object]
impl StatsQuery {
    /// Units and enterprise figures grouped by up to four dimensions, computed in SQL. Figures
    /// (count, sum, average, min, max) are aggregates for every role; below OFFICE, groups of
    /// fewer than three enterprises come back suppressed, as do cells that would reveal them.
    async fn enterprise_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<EnterpriseGroupBy>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<Vec<StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<crate::service::stats::EnterpriseDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let filter = OrganizationFilter::convert(filter)?;
        let rows = crate::service::stats::enterprise_stats(
            &request.db,
            &request.stats,
            &request.viewer,
            &dims,
            filter.as_ref(),
        )
        .await?;
        Ok(groups(rows, &group_by, |d| {
            use EnterpriseGroupBy as G;
            let kind = match d {
                G::Municipality => Some(Kind::Municipality),
                G::Park => Some(Kind::Park),
                G::Sector => Some(Kind::Sector),
                G::Segment => Some(Kind::ChainSegment),
                _ => None,
            };
            (async_graphql::Value::from(d).to_string(), kind)
        }))
    }

    /// Members by alliance, kind and city, and per year.
    async fn alliance_stats(&self, ctx: &Context<'_>) -> async_graphql::Result<AllianceStats> {
        let request = request(ctx)?;
        let (alliances, over_time) =
            crate::service::stats::alliance_stats(&request.db, &request.viewer).await?;
        Ok(AllianceStats {
            alliances,
            over_time,
        })
    }

    /// Support measures (not revoked) grouped by up to four dimensions: count and amount figures,
    /// with the same suppression; TAX_INCENTIVE amounts count only for OFFICE and TAX.
    async fn support_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<SupportGroupBy>,
    ) -> async_graphql::Result<Vec<StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<crate::service::stats::SupportDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let rows = crate::service::stats::support_stats(
            &request.db,
            &request.stats,
            &request.viewer,
            &dims,
        )
        .await?;
        Ok(groups(rows, &group_by, |d| {
            use SupportGroupBy as G;
            let kind = match d {
                G::Alliance => Some(Kind::Alliance),
                G::Municipality => Some(Kind::Municipality),
                _ => None,
            };
            (async_graphql::Value::from(d).to_string(), kind)
        }))
    }
}
