//! People, joint projects, support measures and supply links.

use async_graphql::{Context, ID, Object};
use entity::{
    chain_segment, department, meeting, person, project, project_participant, supply_link,
    support_measure,
};

use super::{
    alliance::{Alliance, Meeting, Post},
    children, maybe_row,
    organization::Organization,
    reference::{ChainSegment, Department},
    row,
};
use crate::{
    domain::id::{self, Kind},
    graphql::{
        enums,
        loader::{ParticipantsOfProject, PostsOfPerson},
        request,
        scalars::{Date, Money},
    },
    service::access::{Guarded, Viewer},
};

/// A person: representative, expert or staff. Phone and e-mail are masked unless the caller may
/// see them (OFFICE; the secretariat of an alliance in which the person holds a post).
pub struct Person(pub Guarded<person::Model>);

impl Person {
    pub async fn guard(ctx: &Context<'_>, model: person::Model) -> async_graphql::Result<Self> {
        let request = request(ctx)?;
        Ok(Self(request.viewer.person(&request.db, model).await?))
    }

    pub async fn guard_all(
        ctx: &Context<'_>,
        models: Vec<person::Model>,
    ) -> async_graphql::Result<Vec<Self>> {
        let mut people = Vec::with_capacity(models.len());
        for model in models {
            people.push(Self::guard(ctx, model).await?);
        }
        Ok(people)
    }
}

#[Object]
impl Person {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Person, self.0.value.id).into())
    }
    async fn name_zh(&self) -> &str {
        &self.0.value.name_zh
    }
    async fn name_en(&self) -> Option<&str> {
        self.0.value.name_en.as_deref()
    }
    /// The unit the person works for; none for external experts.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.value.organization_id {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn title(&self) -> Option<&str> {
        self.0.value.title.as_deref()
    }
    /// Phone number, masked (`138****5678`) unless the caller may see it.
    async fn phone(&self) -> Option<&str> {
        self.0.value.phone.as_deref()
    }
    /// E-mail address, masked unless the caller may see it.
    async fn email(&self) -> Option<&str> {
        self.0.value.email.as_deref()
    }
    /// Posts the person holds or held.
    async fn posts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Post>> {
        Ok(children(ctx, PostsOfPerson(self.0.value.id))
            .await?
            .into_iter()
            .map(Post)
            .collect())
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    /// Fields given in masked form to this caller.
    async fn masked_fields(&self) -> Vec<String> {
        self.0.masked()
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

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
        Ok(children(ctx, ParticipantsOfProject(self.0.id))
            .await?
            .into_iter()
            .map(ProjectParticipant)
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
        Ok(maybe_row::<meeting::Entity>(ctx, self.0.review_meeting_id)
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

/// Support given by a department (plan section 4). Amount and beneficiary are detail: OFFICE and
/// the owning department see them (tax incentives: OFFICE and TAX); others get aggregates.
pub struct SupportMeasure(pub Guarded<support_measure::Model>);

impl SupportMeasure {
    pub fn new(viewer: &Viewer, model: support_measure::Model) -> Self {
        Self(viewer.support_measure(model))
    }
}

#[Object]
impl SupportMeasure {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::SupportMeasure, self.0.value.id).into())
    }
    async fn department(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Department>> {
        Ok(row::<department::Entity>(ctx, self.0.value.department_id)
            .await?
            .map(Department))
    }
    async fn kind(&self) -> enums::SupportKind {
        self.0.value.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.value.title
    }
    async fn beneficiary_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self
            .0
            .show("beneficiaryOrganization", |m| m.beneficiary_organization_id)
            .flatten()
        {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn beneficiary_alliance(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Alliance>> {
        match self.0.value.beneficiary_alliance_id {
            Some(id) => Alliance::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Amount in yuan.
    async fn amount(&self) -> Option<Money> {
        self.0.show("amount", |m| Money(m.amount))
    }
    async fn granted_on(&self) -> Date {
        Date(self.0.value.granted_on)
    }
    async fn status(&self) -> enums::SupportStatus {
        self.0.value.status.into()
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

/// An edge of the industrial-chain graph: a supplier selling to a customer.
pub struct SupplyLink(pub Guarded<supply_link::Model>);

impl SupplyLink {
    pub fn new(viewer: &Viewer, model: supply_link::Model) -> Self {
        Self(viewer.supply_link(model))
    }
}

#[Object]
impl SupplyLink {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.value.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::SupplyLink, self.0.value.id).into())
    }
    async fn supplier(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.supplier_id).await
    }
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.customer_id).await
    }
    /// The chain segment of what is supplied.
    async fn segment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ChainSegment>> {
        Ok(
            maybe_row::<chain_segment::Entity>(ctx, self.0.value.segment_id)
                .await?
                .map(ChainSegment),
        )
    }
    async fn product(&self) -> &str {
        &self.0.value.product
    }
    async fn since_year(&self) -> i32 {
        self.0.value.since_year
    }
    /// Annual value in yuan (OFFICE only).
    async fn annual_value(&self) -> Option<Money> {
        self.0
            .show("annualValue", |l| l.annual_value.map(Money))
            .flatten()
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.value.archived_at
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}
