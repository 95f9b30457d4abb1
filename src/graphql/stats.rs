//! Dashboard statistics: grouped counts and figures, with suppressed cells marked.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use entity::{
    alliance, chain_segment,
    enums::{DepartmentCode, Designation, EnterpriseScale, OrganizationKind, SupportKind},
    industrial_park, municipality, sector,
};

use crate::{
    domain::{
        id::{self, Kind},
        labels::{self, Labelled},
    },
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
    /// The year of the figures: one point per year, over the enterprises with figures recorded
    /// for it (see `years`).
    Year,
    /// A designation held (in the figures' year, or now): a unit counts under each designation
    /// it holds, and under null when it holds none.
    Designation,
}

impl EnterpriseGroupBy {
    /// What the dimension's raw values are.
    pub(crate) fn values(self) -> Values {
        match self {
            Self::Municipality => Values::Rows(Kind::Municipality),
            Self::Park => Values::Rows(Kind::Park),
            Self::Sector => Values::Rows(Kind::Sector),
            Self::Segment => Values::Rows(Kind::ChainSegment),
            Self::Scale => Values::Codes(EnterpriseScale::NAME),
            Self::Kind => Values::Codes(OrganizationKind::NAME),
            Self::FoundedYear | Self::Year => Values::Years,
            Self::Designation => Values::Codes(Designation::NAME),
        }
    }
}

/// Years of figures, both included.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

/// What support statistics are grouped by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::stats::SupportDimension")]
pub enum SupportGroupBy {
    /// The granting department (null for the cities' and the base's own measures).
    Department,
    /// The city or base granting its own measure (null for the departments' measures).
    GrantingMunicipality,
    Kind,
    /// The year granted.
    Year,
    /// The alliance benefiting.
    Alliance,
    /// The beneficiary unit's city.
    Municipality,
}

/// How a statistics cell was protected (`service::disclosure`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::disclosure::Protection")]
pub enum CellProtection {
    /// Exact figures: OFFICE, or a cell without confidential figures.
    None,
    /// Suppressed: fewer enterprises (or beneficiaries) than the threshold (3 by default).
    SuppressedThreshold,
    /// Suppressed: one contributor dominates a confidential figure (p % rule).
    SuppressedDominance,
    /// Suppressed so that another suppressed cell of its line cannot be recovered.
    SuppressedSecondary,
    /// Confidential figures (revenue, R&D spend, taxes, support amounts) carry noise: each
    /// contributor's figure is off by at least p % (10 % by default), the same in every answer.
    Perturbed,
}

/// Aggregates of one figure over a group (null when suppressed or empty). Below OFFICE, the
/// sum and average of a confidential figure carry noise and its min and max are null: each is
/// one unit's figure.
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

/// What a dimension's raw values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Values {
    /// Ids of rows of this kind (their code and names come from the row).
    Rows(Kind),
    /// Codes of the named enumeration (labelled in `domain::labels`).
    Codes(&'static str),
    /// Years.
    Years,
}

/// A dimension of a statistics table, as asked for in `groupBy`.
#[derive(Debug, Clone)]
struct Dimension {
    name: String,
    values: Values,
}

/// One dimension's value in a group's key, with what a chart shows for it.
pub struct GroupKey {
    dimension: String,
    values: Values,
    /// The raw value: a code, a year, or a database id; `None` for none.
    raw: Option<String>,
}

/// A value's code and names.
struct Named {
    code: String,
    zh: String,
    en: String,
}

#[Object]
impl GroupKey {
    /// The dimension, as in `groupBy`.
    async fn dimension(&self) -> &str {
        &self.dimension
    }
    /// Its value: a code (`LARGE`), a year, or a global id (municipalities, parks, sectors,
    /// segments, alliances); null for none (e.g. a unit outside the metro area).
    async fn value(&self) -> Option<String> {
        match (self.values, &self.raw) {
            (Values::Rows(kind), Some(raw)) => {
                raw.parse::<i64>().ok().map(|id| id::encode(kind, id))
            }
            (_, raw) => raw.clone(),
        }
    }
    /// The value's code: `YINCHUAN`, `NEW_MATERIALS`, a park's or an alliance's code, `LARGE`,
    /// a year.
    async fn code(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.named(ctx).await?.map(|n| n.code))
    }
    /// Its name in Chinese (银川市, 大型, 2020年).
    async fn label_zh(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.named(ctx).await?.map(|n| n.zh))
    }
    /// Its name in English (Yinchuan, Large, 2020).
    async fn label_en(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.named(ctx).await?.map(|n| n.en))
    }
}

impl GroupKey {
    async fn named(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Named>> {
        let Some(raw) = &self.raw else {
            return Ok(None);
        };
        let named = |code: String, zh: &str, en: &str| Named {
            code,
            zh: zh.to_owned(),
            en: en.to_owned(),
        };
        let id = || raw.parse::<i64>().ok();
        Ok(match self.values {
            Values::Years => Some(named(raw.clone(), &format!("{raw}年"), raw)),
            Values::Codes(enumeration) => labels::label_of(enumeration, raw)
                .map(|label| named(raw.clone(), label.zh, label.en)),
            // Municipalities and sectors are fixed enumerations: their names are the labels'.
            Values::Rows(Kind::Municipality) => maybe_row::<municipality::Model>(ctx, id())
                .await?
                .map(|m| (m.code.code(), m.code.label()))
                .map(|(code, label)| named(code, label.zh, label.en)),
            Values::Rows(Kind::Sector) => maybe_row::<sector::Model>(ctx, id())
                .await?
                .map(|s| (s.code.code(), s.code.label()))
                .map(|(code, label)| named(code, label.zh, label.en)),
            Values::Rows(Kind::Park) => maybe_row::<industrial_park::Model>(ctx, id())
                .await?
                .map(|p| named(p.code.clone(), &p.name_zh, &p.name_en)),
            Values::Rows(Kind::ChainSegment) => maybe_row::<chain_segment::Model>(ctx, id())
                .await?
                .map(|s| named(s.code.clone(), &s.name_zh, &s.name_en)),
            Values::Rows(Kind::Alliance) => maybe_row::<alliance::Model>(ctx, id())
                .await?
                .map(|a| named(a.code.clone(), &a.name_zh, &a.name_en)),
            Values::Rows(_) => None,
        })
    }
}

/// One group of a statistics table.
pub struct StatGroup {
    group: stats::Group,
    dimensions: Vec<Dimension>,
}

#[Object]
impl StatGroup {
    /// One value per dimension, in the order of `groupBy`.
    async fn key(&self) -> Vec<GroupKey> {
        self.dimensions
            .iter()
            .zip(&self.group.key)
            .map(|(d, raw)| GroupKey {
                dimension: d.name.clone(),
                values: d.values,
                raw: raw.clone(),
            })
            .collect()
    }
    /// Units in the group (null when suppressed).
    async fn count(&self) -> Option<i64> {
        (!self.group.suppressed()).then_some(self.group.count)
    }
    /// No figures are given: too few enterprises (or beneficiaries), one of them dominating a
    /// figure, or a cell that would reveal such a cell by subtraction. See `protection`.
    async fn suppressed(&self) -> bool {
        self.group.suppressed()
    }
    /// What disclosure control did to this cell (below OFFICE).
    async fn protection(&self) -> CellProtection {
        self.group.protection.into()
    }
    async fn employees(&self) -> Option<Figure> {
        self.figure("employees")
    }
    async fn annual_revenue(&self) -> Option<Figure> {
        self.figure("annualRevenue")
    }
    /// Industrial output value (工业总产值), recorded by year: null unless the statistic reads
    /// yearly figures (`years`, or grouped by YEAR).
    async fn output_value(&self) -> Option<Figure> {
        self.figure("outputValue")
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
    /// Project budgets (project statistics).
    async fn budget(&self) -> Option<Figure> {
        self.figure("budget")
    }
}

impl StatGroup {
    fn figure(&self, name: &str) -> Option<Figure> {
        self.group
            .figures
            .iter()
            .find(|(n, _)| *n == name)
            .filter(|_| !self.group.suppressed())
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

pub(crate) fn groups<D: Copy>(
    rows: Vec<stats::Group>,
    dims: &[D],
    describe: impl Fn(D) -> Values,
) -> Vec<StatGroup>
where
    async_graphql::Value: From<D>,
{
    let dimensions: Vec<Dimension> = dims
        .iter()
        .map(|d| Dimension {
            name: async_graphql::Value::from(*d).to_string(),
            values: describe(*d),
        })
        .collect();
    rows.into_iter()
        .map(|group| StatGroup {
            group,
            dimensions: dimensions.clone(),
        })
        .collect()
}

/// Dashboard statistics (`service::stats`).
#[derive(Default)]
pub struct StatsQuery;

#[Object]
impl StatsQuery {
    /// Units and enterprise figures grouped by up to four dimensions, computed in SQL. Figures
    /// (count, sum, average, min, max) are exact for OFFICE; below OFFICE every cell passes
    /// disclosure control (see `protection`), and `filter` may use classifying fields only
    /// (not `uscc`, `nameZh`, `nameEn`: FORBIDDEN).
    ///
    /// Without `years` and YEAR, figures are each enterprise's latest (its profile) and every
    /// unit counts. With them, figures are those recorded for each year and a year's cells count
    /// the enterprises with figures for it: group by YEAR for a series (one point per year,
    /// each cell protected, and each series a line of secondary suppression), or give one year
    /// for that year's picture. Several years without YEAR: BAD_USER_INPUT.
    async fn enterprise_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<EnterpriseGroupBy>,
        filter: Option<OrganizationFilter>,
        years: Option<YearRange>,
    ) -> async_graphql::Result<Vec<StatGroup>> {
        let request = request(ctx)?;
        let dims: Vec<crate::service::stats::EnterpriseDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let filter = OrganizationFilter::convert(filter)?;
        // Only the figures the selection asks for are computed (where disclosure control
        // allows: `service::stats`).
        let selection = ctx.look_ahead();
        let asked: Vec<crate::service::stats::Asked> = [
            "employees",
            "annualRevenue",
            "outputValue",
            "rndSpend",
            "taxPaid",
        ]
        .into_iter()
        .filter_map(|name| {
            let figure = selection.field(name);
            figure.exists().then(|| {
                let part = |part: &str| figure.field(part).exists();
                (
                    name,
                    crate::service::stats::Parts {
                        sum: part("sum"),
                        avg: part("avg"),
                        min: part("min"),
                        max: part("max"),
                    },
                )
            })
        })
        .collect();
        let rows = crate::service::stats::enterprise_stats(
            &request.db,
            &request.stats,
            &request.viewer,
            &dims,
            filter.as_ref(),
            years.map(|y| crate::service::stats::YearRange {
                from: y.from,
                to: y.to,
            }),
            &asked,
        )
        .await?;
        Ok(groups(rows, &group_by, EnterpriseGroupBy::values))
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
    /// with the same disclosure control over beneficiaries; TAX_INCENTIVE amounts count only for
    /// OFFICE and TAX.
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
        Ok(groups(rows, &group_by, |d| match d {
            SupportGroupBy::Department => Values::Codes(DepartmentCode::NAME),
            SupportGroupBy::GrantingMunicipality => Values::Rows(Kind::Municipality),
            SupportGroupBy::Kind => Values::Codes(SupportKind::NAME),
            SupportGroupBy::Year => Values::Years,
            SupportGroupBy::Alliance => Values::Rows(Kind::Alliance),
            SupportGroupBy::Municipality => Values::Rows(Kind::Municipality),
        }))
    }
}
