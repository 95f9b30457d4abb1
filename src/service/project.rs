//! Joint projects of an alliance (§二): proposal, expert review, decision, work and completion.
//! Who may take each step is `Viewer::may_govern`; the rules are in `service::rules`.

use chrono::NaiveDate;
use entity::{
    enums::{MeetingKind, ParticipantRole, ProjectKind, ProjectStage},
    meeting, project, project_participant,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};

use super::{
    directory::{optional_text, text},
    rules,
    write::{Writer, check_version},
};
use crate::error::{Error, Result};

/// A new joint project.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub code: String,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub kind: ProjectKind,
    pub budget: i64,
    pub summary: Option<String>,
    pub participants: Vec<(i64, ParticipantRole)>,
    pub date: Option<NaiveDate>,
}

impl Writer<'_> {
    /// Proposes a joint project; participants are active members, exactly one leads.
    pub async fn propose_project(
        self,
        alliance_id: i64,
        new: NewProject,
    ) -> Result<project::Model> {
        let mut tx = self.begin("proposeProject").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let alliance = tx.governed(alliance_id).await?;
            rules::not_dissolved(alliance.stage)?;
            let code = text(&new.code, "code", 40)?.to_ascii_uppercase();
            if project::Entity::find()
                .filter(project::Column::Code.eq(&code))
                .count(&tx.db)
                .await?
                > 0
            {
                return Err(Error::Conflict(format!(
                    "a project with code {code} exists"
                )));
            }
            if new.budget < 0 {
                return Err(Error::bad_input("`budget` must not be negative"));
            }
            if new
                .participants
                .iter()
                .filter(|(_, role)| *role == ParticipantRole::Lead)
                .count()
                != 1
            {
                return Err(Error::bad_input("a project has exactly one lead unit"));
            }
            for (unit, _) in &new.participants {
                if !tx.is_active_member(alliance_id, *unit).await? {
                    return Err(Error::bad_input(
                        "project participants are active members of the alliance",
                    ));
                }
            }
            let row = project::ActiveModel {
                alliance_id: Set(alliance_id),
                code: Set(code),
                title_zh: Set(text(&new.title_zh, "titleZh", 200)?),
                title_en: Set(optional_text(new.title_en.as_deref(), "titleEn", 300)?),
                kind: Set(new.kind),
                budget: Set(new.budget),
                stage: Set(ProjectStage::Proposed),
                summary: Set(optional_text(new.summary.as_deref(), "summary", 4000)?),
                proposed_on: Set(new.date.unwrap_or(tx.today())),
                is_demo: Set(false),
                version: Set(1),
                created_at: Set(tx.now),
                updated_at: Set(tx.now),
                ..Default::default()
            }
            .insert(&tx.db)
            .await?;
            for (unit, role) in &new.participants {
                project_participant::ActiveModel {
                    project_id: Set(row.id),
                    organization_id: Set(*unit),
                    role: Set(*role),
                    created_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(&tx.db)
                .await
                .map_err(|_| Error::bad_input("a unit is listed twice among the participants"))?;
            }
            tx.record("project", row.id, Some(alliance_id), None, Some(&row))
                .await?;
            Ok(row)
        }
        .await;
        tx.finish(outcome).await
    }

    /// The expert committee's review of feasibility, budget and plan, at an EXPERT_REVIEW meeting.
    pub async fn review_project(
        self,
        project_id: i64,
        expected_version: i32,
        meeting_id: i64,
        feasibility: &str,
        budget: &str,
        plan: &str,
    ) -> Result<project::Model> {
        let mut tx = self.begin("reviewProject").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<project::Entity>(project_id, "project").await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "project")?;
            let meeting = tx.find::<meeting::Entity>(meeting_id, "meeting").await?;
            rules::reviewed_by_experts(
                meeting.alliance_id == before.alliance_id
                    && meeting.kind == MeetingKind::ExpertReview,
            )?;
            rules::project_moves(before.stage, ProjectStage::UnderReview)?;
            let mut row = before.clone().into_active_model();
            row.stage = Set(ProjectStage::UnderReview);
            row.review_meeting_id = Set(Some(meeting.id));
            row.review_feasibility = Set(Some(text(feasibility, "feasibility", 4000)?));
            row.review_budget = Set(Some(text(budget, "budget", 4000)?));
            row.review_plan = Set(Some(text(plan, "plan", 4000)?));
            row.reviewed_on = Set(Some(meeting.held_on));
            let after = tx
                .save(
                    "project",
                    project_id,
                    Some(before.alliance_id),
                    &before,
                    row,
                )
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }

    /// Approves or rejects (after review), starts, or completes a project.
    pub async fn advance_project(
        self,
        project_id: i64,
        expected_version: i32,
        to: ProjectStage,
        date: Option<NaiveDate>,
    ) -> Result<project::Model> {
        let mut tx = self.begin("advanceProject").await?;
        let outcome: Result<_> = async {
            let tx = &mut tx;
            let before = tx.find::<project::Entity>(project_id, "project").await?;
            tx.governed(before.alliance_id).await?;
            check_version(before.version, expected_version, "project")?;
            if matches!(to, ProjectStage::Approved | ProjectStage::Rejected) {
                rules::reviewed_by_experts(before.reviewed_on.is_some())?;
            }
            rules::project_moves(before.stage, to)?;
            let on = Some(date.unwrap_or(tx.today()));
            let mut row = before.clone().into_active_model();
            row.stage = Set(to);
            match to {
                ProjectStage::Approved | ProjectStage::Rejected => row.decided_on = Set(on),
                ProjectStage::InProgress => row.started_on = Set(on),
                ProjectStage::Completed => row.completed_on = Set(on),
                _ => {}
            }
            let after = tx
                .save(
                    "project",
                    project_id,
                    Some(before.alliance_id),
                    &before,
                    row,
                )
                .await?;
            Ok(after)
        }
        .await;
        tx.finish(outcome).await
    }
}

/// What project statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectDimension {
    Alliance,
    Kind,
    Stage,
    /// The year proposed.
    Year,
    /// The year work started (null: not started).
    StartedYear,
    /// The year completed (null: not completed).
    CompletedYear,
}

/// Joint projects counted, with their budgets, grouped by one to three dimensions: a series by
/// year proposed, started or completed. Projects and budgets are alliance records, not units'
/// confidential figures: no suppression (signed-in callers only).
pub async fn project_stats(
    db: &crate::database::Store,
    viewer: &super::access::Viewer,
    dimensions: &[ProjectDimension],
) -> Result<Vec<super::stats::Group>> {
    viewer.require_signed_in("statistics")?;
    if dimensions.is_empty() || dimensions.len() > 3 {
        return Err(Error::bad_input("group by one to three dimensions"));
    }
    let backend = db.get_database_backend();
    let year = |column: &str| {
        format!(
            "CAST({} AS VARCHAR(20))",
            super::stats::year_of(backend, column)
        )
    };
    let columns: Vec<String> = dimensions
        .iter()
        .map(|d| match d {
            ProjectDimension::Alliance => "CAST(p.alliance_id AS VARCHAR(20))".to_owned(),
            ProjectDimension::Kind => "p.kind".to_owned(),
            ProjectDimension::Stage => "p.stage".to_owned(),
            ProjectDimension::Year => year("p.proposed_on"),
            ProjectDimension::StartedYear => year("p.started_on"),
            ProjectDimension::CompletedYear => year("p.completed_on"),
        })
        .collect();
    let budget = ", CAST(SUM(p.budget) AS DOUBLE PRECISION) AS budget_sum, \
                  CAST(MIN(p.budget) AS DOUBLE PRECISION) AS budget_min, \
                  CAST(MAX(p.budget) AS DOUBLE PRECISION) AS budget_max";
    super::stats::counted_groups(db, &columns, budget, "project p")
        .await?
        .into_iter()
        .map(|(mut group, row)| {
            let get = |name: &str| {
                row.try_get::<Option<f64>>("", name)
                    .map_err(Error::internal)
            };
            let sum = get("budget_sum")?;
            group.figures = vec![(
                "budget",
                super::stats::Aggregate {
                    sum,
                    avg: sum.map(|s| s / group.count.max(1) as f64),
                    min: get("budget_min")?,
                    max: get("budget_max")?,
                },
            )];
            Ok(group)
        })
        .collect()
}
