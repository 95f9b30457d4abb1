//! Joint projects (`service::project`): the types, the list and the steps from proposal to completion.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{enums::ProjectStage, meeting, project, project_participant};

use crate::{
    domain::id::{self, Kind},
    error::Result,
    graphql::{
        connection::{Conn, list, page},
        directory::Organization,
        enums,
        formation::Alliance,
        governance::Meeting,
        inputs::{ProjectFilter, ProjectOrderBy},
        loader::{children, maybe_row},
        request,
        result::JointResult,
        scalars::{Date, Money},
        write::{date, writer},
    },
    service::{
        listing,
        project::NewProject,
        relation::{ParticipantsOfProject, ResultsOfProject},
    },
};

/// A joint project of an alliance (R&D, industrialisation, standard).
pub struct Project(pub project::Model);

#[Object]
impl Project {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Project, self.0.id).into())
    }
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn title_zh(&self) -> &str {
        &self.0.title_zh
    }
    async fn title_en(&self) -> Option<&str> {
        self.0.title_en.as_deref()
    }
    async fn kind(&self) -> enums::ProjectKind {
        self.0.kind.into()
    }
    /// Planned budget in yuan.
    async fn budget(&self) -> Money {
        Money(self.0.budget)
    }
    async fn stage(&self) -> enums::ProjectStage {
        self.0.stage.into()
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    async fn proposed_on(&self) -> Date {
        Date(self.0.proposed_on)
    }
    /// The expert committee's review (feasibility, budget, plan), once held.
    async fn review(&self) -> Option<ProjectReview<'_>> {
        self.0.reviewed_on.map(|_| ProjectReview(&self.0))
    }
    async fn decided_on(&self) -> Option<Date> {
        self.0.decided_on.map(Date)
    }
    async fn started_on(&self) -> Option<Date> {
        self.0.started_on.map(Date)
    }
    async fn completed_on(&self) -> Option<Date> {
        self.0.completed_on.map(Date)
    }
    async fn participants(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProjectParticipant>> {
        Ok(children::<ParticipantsOfProject>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(ProjectParticipant)
            .collect())
    }
    /// What the project produced (patents, standards, products).
    async fn results(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<JointResult>> {
        Ok(children::<ResultsOfProject>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(JointResult)
            .collect())
    }
    async fn is_demo(&self) -> bool {
        self.0.is_demo
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The expert committee's review of a project.
pub struct ProjectReview<'a>(&'a project::Model);

#[Object]
impl ProjectReview<'_> {
    /// The EXPERT_REVIEW meeting that reviewed it.
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        Ok(maybe_row::<meeting::Model>(ctx, self.0.review_meeting_id)
            .await?
            .map(Meeting))
    }
    async fn feasibility(&self) -> Option<&str> {
        self.0.review_feasibility.as_deref()
    }
    async fn budget(&self) -> Option<&str> {
        self.0.review_budget.as_deref()
    }
    async fn plan(&self) -> Option<&str> {
        self.0.review_plan.as_deref()
    }
    async fn reviewed_on(&self) -> Option<Date> {
        self.0.reviewed_on.map(Date)
    }
}

/// A unit taking part in a project.
pub struct ProjectParticipant(pub project_participant::Model);

#[Object]
impl ProjectParticipant {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::ProjectParticipant, self.0.id).into())
    }
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization_id).await
    }
    async fn role(&self) -> enums::ParticipantRole {
        self.0.role.into()
    }
}

/// `projects`.
/// What project statistics are grouped by.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::project::ProjectDimension")]
pub enum ProjectGroupBy {
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

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Joint projects counted, with budgets, grouped by one to three dimensions (a yearly
    /// series by YEAR, STARTED_YEAR or COMPLETED_YEAR). Signed-in callers.
    async fn project_stats(
        &self,
        ctx: &Context<'_>,
        group_by: Vec<ProjectGroupBy>,
    ) -> async_graphql::Result<Vec<crate::graphql::stats::StatGroup>> {
        use crate::{
            domain::labels::Labelled,
            graphql::stats::{Values, groups},
        };
        let request = request(ctx)?;
        let dims: Vec<crate::service::project::ProjectDimension> =
            group_by.iter().map(|d| (*d).into()).collect();
        let rows =
            crate::service::project::project_stats(&request.db, &request.viewer, &dims).await?;
        Ok(groups(rows, &group_by, |d| match d {
            ProjectGroupBy::Alliance => Values::Rows(Kind::Alliance),
            ProjectGroupBy::Kind => Values::Codes(entity::enums::ProjectKind::NAME),
            ProjectGroupBy::Stage => Values::Codes(ProjectStage::NAME),
            ProjectGroupBy::Year | ProjectGroupBy::StartedYear | ProjectGroupBy::CompletedYear => {
                Values::Years
            }
        }))
    }

    /// Joint projects (not public).
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<Vec<ProjectOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Project>> {
        let filter = ProjectFilter::convert(filter)?;
        let listing = listing::projects(
            &request(ctx)?.viewer,
            filter.as_ref(),
            &ProjectOrderBy::sorts(order_by),
        )?;
        list(ctx, listing, page(first, after, last, before), Project).await
    }
}

#[derive(InputObject)]
pub struct ParticipantInput {
    pub organization: ID,
    pub role: enums::ParticipantRole,
}

#[derive(InputObject)]
pub struct ProposeProjectInput {
    pub alliance: ID,
    pub code: String,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub kind: enums::ProjectKind,
    pub budget: Money,
    pub summary: Option<String>,
    /// Active member units; exactly one LEAD.
    pub participants: Vec<ParticipantInput>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct ReviewProjectInput {
    pub project: ID,
    pub expected_version: i32,
    /// The expert committee's EXPERT_REVIEW meeting.
    pub meeting: ID,
    pub feasibility: String,
    pub budget: String,
    pub plan: String,
}

#[derive(InputObject)]
pub struct ProjectStepInput {
    pub project: ID,
    pub expected_version: i32,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct ProjectPayload {
    pub project: Project,
}

#[derive(Default)]
pub struct ProjectMutation;

impl ProjectMutation {
    async fn step(
        ctx: &Context<'_>,
        input: ProjectStepInput,
        to: ProjectStage,
    ) -> async_graphql::Result<ProjectPayload> {
        let row = writer(ctx)?
            .advance_project(
                id::decode_as(&input.project, Kind::Project)?,
                input.expected_version,
                to,
                date(input.date),
            )
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }
}

#[Object]
impl ProjectMutation {
    async fn propose_project(
        &self,
        ctx: &Context<'_>,
        input: ProposeProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        let new = NewProject {
            code: input.code,
            title_zh: input.title_zh,
            title_en: input.title_en,
            kind: input.kind.into(),
            budget: input.budget.0,
            summary: input.summary,
            participants: input
                .participants
                .iter()
                .map(|p| {
                    Ok((
                        id::decode_as(&p.organization, Kind::Organization)?,
                        p.role.into(),
                    ))
                })
                .collect::<Result<_>>()?,
            date: date(input.date),
        };
        let row = writer(ctx)?
            .propose_project(id::decode_as(&input.alliance, Kind::Alliance)?, new)
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }

    /// Records the expert committee's review (feasibility, budget, plan).
    async fn review_project(
        &self,
        ctx: &Context<'_>,
        input: ReviewProjectInput,
    ) -> async_graphql::Result<ProjectPayload> {
        let row = writer(ctx)?
            .review_project(
                id::decode_as(&input.project, Kind::Project)?,
                input.expected_version,
                id::decode_as(&input.meeting, Kind::Meeting)?,
                &input.feasibility,
                &input.budget,
                &input.plan,
            )
            .await?;
        Ok(ProjectPayload {
            project: Project(row),
        })
    }

    async fn approve_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::step(ctx, input, ProjectStage::Approved).await
    }

    async fn reject_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::step(ctx, input, ProjectStage::Rejected).await
    }

    async fn start_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::step(ctx, input, ProjectStage::InProgress).await
    }

    async fn complete_project(
        &self,
        ctx: &Context<'_>,
        input: ProjectStepInput,
    ) -> async_graphql::Result<ProjectPayload> {
        Self::step(ctx, input, ProjectStage::Completed).await
    }
}
