//! Plans and reports (`service::report`): the type, the office's gap query, and the mutations
//! that submit and review them.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{alliance_report, resolution};

use crate::{
    domain::id::{self, Kind},
    graphql::{
        enums,
        formation::Alliance,
        governance::Resolution,
        loader::maybe_row,
        request,
        scalars::Date,
        write::{date, writer},
    },
    service::report::{self, NewReport},
};

/// An annual work plan or report of an alliance, or an expert committee report to its members.
/// For the office, departments, municipalities and secretariats.
pub struct AllianceReport(pub alliance_report::Model);

#[Object]
impl AllianceReport {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Report, self.0.id).into())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn kind(&self) -> enums::ReportKind {
        self.0.kind.into()
    }
    /// The year it plans or reports on.
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn submitted_on(&self) -> Date {
        Date(self.0.submitted_on)
    }
    /// The council or assembly resolution that reviewed it.
    async fn reviewed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resolution>> {
        Ok(maybe_row::<resolution::Model>(ctx, self.0.resolution_id)
            .await?
            .map(Resolution))
    }
    async fn reviewed_on(&self) -> Option<Date> {
        self.0.reviewed_on.map(Date)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A founded alliance without its work plan or work report for a year.
#[derive(SimpleObject)]
pub struct ReportGap {
    pub alliance: Alliance,
    pub missing: Vec<enums::ReportKind>,
}

#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// Founded alliances that have not submitted a work plan or a work report for `year` (the
    /// office's follow-up list). Not for ANALYST or PUBLIC.
    async fn report_gaps(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Vec<ReportGap>> {
        let request = request(ctx)?;
        let gaps = report::report_gaps(&request.db, &request.viewer, year).await?;
        Ok(gaps
            .into_iter()
            .map(|gap| ReportGap {
                alliance: Alliance::new(&request.viewer, gap.alliance),
                missing: gap.missing.into_iter().map(Into::into).collect(),
            })
            .collect())
    }
}

#[derive(InputObject)]
pub struct SubmitReportInput {
    pub alliance: ID,
    pub kind: enums::ReportKind,
    pub year: i32,
    pub title: String,
    pub summary: Option<String>,
    /// Defaults to today.
    pub submitted_on: Option<Date>,
}

#[derive(InputObject)]
pub struct ReviewReportInput {
    pub report: ID,
    pub expected_version: i32,
    /// The passed REVIEW_REPORT resolution of a council meeting or a general assembly.
    pub resolution: ID,
}

#[derive(SimpleObject)]
pub struct ReportPayload {
    pub report: AllianceReport,
}

#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// A work plan or report (the secretariat) or an expert committee report.
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        input: SubmitReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let new = NewReport {
            kind: input.kind.into(),
            year: input.year,
            title: input.title,
            summary: input.summary,
            submitted_on: date(input.submitted_on),
        };
        let row = writer(ctx)?
            .submit_report(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(ReportPayload {
            report: AllianceReport(row),
        })
    }

    /// The council's or the assembly's review of a work plan or report.
    async fn review_report(
        &self,
        ctx: &Context<'_>,
        input: ReviewReportInput,
    ) -> async_graphql::Result<ReportPayload> {
        let row = writer(ctx)?
            .review_report(
                id::decode_as(&input.report, Kind::Report)?,
                input.expected_version,
                id::decode_as(&input.resolution, Kind::Resolution)?,
            )
            .await?;
        Ok(ReportPayload {
            report: AllianceReport(row),
        })
    }
}
