//! Plans and reports (Annex 2 §一): the secretariat's annual work plans and work reports, reviewed
//! by the council or the general assembly, and the expert committee's reports to the members;
//! and the office's question of which founded alliances lack a plan or a report for a year.

use chrono::{Datelike, NaiveDate};
use entity::{
    alliance, alliance_report,
    enums::{AllianceStage, MeetingKind, ReportKind, ResolutionKind},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};

use super::{
    access::Viewer,
    directory::{optional_text, text},
    rules,
    write::{Writer, check_version},
};
use crate::{
    database::Store,
    error::{Error, Result},
};

/// The first year the plan's alliances could report on (the plan dates from April 2019).
const FIRST_YEAR: i32 = 2019;

/// The plans and reports every founded alliance owes for a year.
pub const YEARLY: [ReportKind; 2] = [ReportKind::WorkPlan, ReportKind::WorkReport];

/// A plan or report to submit.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub kind: ReportKind,
    pub year: i32,
    pub title: String,
    pub summary: Option<String>,
    pub submitted_on: Option<NaiveDate>,
}

/// A founded alliance and the yearly plans or reports it has not submitted.
#[derive(Debug, Clone)]
pub struct ReportGap {
    pub alliance: alliance::Model,
    pub missing: Vec<ReportKind>,
}

impl Writer<'_> {
    /// The secretariat submits a work plan or report, or the expert committee its report; one
    /// work plan and one work report per year (a second is a CONFLICT: revise the first).
    pub async fn submit_report(
        self,
        alliance_id: i64,
        new: NewReport,
    ) -> Result<alliance_report::Model> {
        let mut tx = self.begin("submitReport").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            if alliance.stage < AllianceStage::BodiesFormed {
                return Err(Error::bad_input(
                    "plans and reports come from the secretariat and the expert committee, formed in stage 4",
                ));
            }
            let on = new.submitted_on.unwrap_or(tx.today());
            if !(FIRST_YEAR..=on.year() + 1).contains(&new.year) {
                return Err(Error::bad_input(format!(
                    "`year` is between {FIRST_YEAR} and the year after submission ({})",
                    on.year() + 1
                )));
            }
            if YEARLY.contains(&new.kind) {
                let taken = alliance_report::Entity::find()
                    .filter(alliance_report::Column::AllianceId.eq(alliance_id))
                    .filter(alliance_report::Column::Kind.eq(new.kind))
                    .filter(alliance_report::Column::Year.eq(new.year))
                    .count(&tx.db)
                    .await?;
                if taken > 0 {
                    return Err(Error::Conflict(format!(
                        "the alliance already submitted its {:?} for {}",
                        new.kind, new.year
                    )));
                }
            }
            let row = alliance_report::ActiveModel {
                alliance_id: Set(alliance_id),
                kind: Set(new.kind),
                year: Set(new.year),
                title: Set(text(&new.title, "title", 200)?),
                summary: Set(optional_text(new.summary.as_deref(), "summary", 4000)?),
                submitted_on: Set(on),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            tx.record("alliance_report", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Records the council's or the assembly's review of a work plan or report, from its passed
    /// REVIEW_REPORT resolution taken on or after the submission.
    pub async fn review_report(
        self,
        report_id: i64,
        expected_version: i32,
        resolution: i64,
    ) -> Result<alliance_report::Model> {
        let mut tx = self.begin("reviewReport").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx
                .find::<alliance_report::Entity>(report_id, "report")
                .await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "report")?;
            if !YEARLY.contains(&before.kind) {
                return Err(Error::bad_input(
                    "the expert committee reports to the members; only work plans and reports are reviewed",
                ));
            }
            let (resolution, meeting) = tx.resolution_with_meeting(resolution).await?;
            if meeting.alliance_id != before.alliance_id {
                return Err(Error::bad_input("the resolution belongs to another alliance"));
            }
            rules::decided_by(
                &resolution,
                &meeting,
                ResolutionKind::ReviewReport,
                &[
                    MeetingKind::Council,
                    MeetingKind::GeneralAssembly,
                    MeetingKind::FoundingAssembly,
                ],
                "REPORT_REVIEWED_BY_COUNCIL_OR_ASSEMBLY",
                "a work plan or report is reviewed by the council or the general assembly",
            )?;
            if meeting.held_on < before.submitted_on {
                return Err(Error::bad_input(format!(
                    "the meeting ({}) was held before the report was submitted ({})",
                    meeting.held_on, before.submitted_on
                )));
            }
            let mut row = before.clone().into_active_model();
            row.resolution_id = Set(Some(resolution.id));
            row.reviewed_on = Set(Some(meeting.held_on));
            tx.save(
                "alliance_report",
                report_id,
                Some(before.alliance_id),
                &before,
                row,
            )
            .await
        }
        .await;
        tx.finish(outcome).await
    }
}

/// Founded alliances that lack a work plan or a work report for `year`: those founded by the end
/// of the year and not dissolved before it began.
pub async fn report_gaps(db: &Store, viewer: &Viewer, year: i32) -> Result<Vec<ReportGap>> {
    viewer.require_reports("plans and reports")?;
    let (first, last) = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if year >= FIRST_YEAR => (first, last),
        _ => {
            return Err(Error::bad_input(format!("`year` is {FIRST_YEAR} or later")));
        }
    };
    let alliances = alliance::Entity::find()
        .filter(alliance::Column::FoundedOn.lte(last))
        .order_by_asc(alliance::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.dissolved_on.is_none_or(|d| d >= first));
    let submitted = alliance_report::Entity::find()
        .filter(alliance_report::Column::Year.eq(year))
        .filter(alliance_report::Column::Kind.is_in(YEARLY))
        .all(db)
        .await?;
    Ok(alliances
        .filter_map(|alliance| {
            let missing: Vec<ReportKind> = YEARLY
                .into_iter()
                .filter(|kind| {
                    !submitted
                        .iter()
                        .any(|r| r.alliance_id == alliance.id && r.kind == *kind)
                })
                .collect();
            (!missing.is_empty()).then_some(ReportGap { alliance, missing })
        })
        .collect())
}
