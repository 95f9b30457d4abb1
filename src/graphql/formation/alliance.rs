//! Alliances and their governance: stages, members, posts, working groups, meetings.

use std::borrow::Cow;

use async_graphql::{Context, ID, InputType, Object, OutputType};
use chrono::{DateTime, Utc};
use entity::{alliance, alliance_stage_event, charter_consent, municipality, sector};

use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, TotalCount, connection, empty_page, unwrap_shared},
        directory::{Municipality, Organization, Sector},
        enums,
        formation::{Agreement, Charter, SupportingRule},
        governance::{Meeting, Post, WorkingGroup},
        loader::{MemberCountOfAlliance, MembersOfAlliance, children, row},
        membership::Membership,
        plain::{Answer, Plain},
        project::Project,
        report::AllianceReport,
        request,
        result::JointResult,
        scalars::Date,
        support::SupportMeasure,
    },
    service::{
        access::{Guarded, Viewer},
        agreement, charter, governance,
        page::PageRequest,
        relation::{
            AgreementsOfAlliance, ChartersOfAlliance, ConsentsOfAlliance, MeetingsOfAlliance,
            PostsOfAlliance, ProjectsOfAlliance, ReportsOfAlliance, ResultsOfAlliance,
            StageEventsOfAlliance, SupportForAlliance, SupportingRulesOfAlliance,
            WorkingGroupsOfAlliance,
        },
    },
};

/// A key-industry alliance. PUBLIC sees founded alliances and their active members only.
#[derive(Clone)]
pub struct Alliance(pub Guarded<alliance::Model>);

impl Alliance {
    pub fn new(viewer: &Viewer, model: alliance::Model) -> Self {
        Self(viewer.alliance(model))
    }

    pub async fn load(ctx: &Context<'_>, id: i64) -> async_graphql::Result<Option<Self>> {
        let viewer = request(ctx)?.viewer.clone();
        Ok(row::<alliance::Model>(ctx, id)
            .await?
            .map(|m| Self::new(&viewer, m)))
    }

    fn global_id(&self) -> ID {
        id::encode(Kind::Alliance, self.0.value.id).into()
    }

    fn shows(&self, field: &'static str) -> bool {
        self.0.show(field, |_| ()).is_some()
    }
}

impl Plain for Alliance {
    fn concrete_type(&self) -> Cow<'static, str> {
        <Self as OutputType>::type_name()
    }

    /// Its names and code; the rest reads loaders or guards.
    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        let value = match field {
            "id" => self.global_id().0.into(),
            "code" => self.0.value.code.to_value(),
            "nameZh" => self.0.value.name_zh.to_value(),
            "nameEn" => self.0.value.name_en.to_value(),
            _ => return None,
        };
        Some(Answer::Value(value))
    }
}

#[Object]
impl Alliance {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(self.global_id())
    }
    async fn code(&self) -> &str {
        &self.0.value.code
    }
    async fn name_zh(&self) -> &str {
        &self.0.value.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.value.name_en
    }
    async fn sector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Sector>> {
        Ok(row::<sector::Model>(ctx, self.0.value.sector_id)
            .await?
            .map(Sector))
    }
    /// Where the alliance stands in its formation (five stages, then possibly dissolved).
    async fn stage(&self) -> enums::AllianceStage {
        self.0.value.stage.into()
    }
    async fn is_demo(&self) -> bool {
        self.0.value.is_demo
    }
    /// The unit coordinating the formation (召集人).
    async fn convener(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.show("convener", |a| a.convener_id).flatten() {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// How the alliance is organised (政府组织、企业组织等方式).
    async fn formation_mode(&self) -> Option<enums::FormationMode> {
        self.0.value.formation_mode.map(Into::into)
    }
    /// The municipality that registered the initiative (null: the office did).
    async fn registered_by(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Municipality>> {
        match self
            .0
            .show("registeredBy", |a| a.registered_by_municipality_id)
            .flatten()
        {
            Some(id) => Ok(row::<municipality::Model>(ctx, id).await?.map(Municipality)),
            None => Ok(None),
        }
    }
    /// When the office confirmed the initiative (null: a municipality's, awaiting the office).
    async fn initiative_confirmed_on(&self) -> Option<Date> {
        self.0
            .show("initiativeConfirmedOn", |a| a.initiative_confirmed_on)
            .flatten()
            .map(Date)
    }
    /// The unit hosting the secretariat (秘书处), named when the bodies were formed.
    async fn secretariat_unit(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self
            .0
            .show("secretariatUnit", |a| a.secretariat_unit_id)
            .flatten()
        {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The chair unit (理事长单位).
    async fn chair_unit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.value.chair_unit_id {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Why an enterprise was chosen as chair unit while an association of the sector is a member.
    async fn chair_unit_reason(&self) -> Option<&str> {
        self.0
            .show("chairUnitReason", |a| a.chair_unit_reason.as_deref())
            .flatten()
    }
    /// The body bearing the alliance's external liability (对外承担责任的主体).
    async fn liability_unit(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        match self
            .0
            .show("liabilityUnit", |a| a.liability_unit_id)
            .flatten()
        {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn charter_version(&self) -> Option<&str> {
        self.0
            .show("charterVersion", |a| a.charter_version.as_deref())
            .flatten()
    }
    async fn charter_adopted_on(&self) -> Option<Date> {
        self.0
            .show("charterAdoptedOn", |a| a.charter_adopted_on)
            .flatten()
            .map(Date)
    }
    async fn charter_signed_on(&self) -> Option<Date> {
        self.0
            .show("charterSignedOn", |a| a.charter_signed_on)
            .flatten()
            .map(Date)
    }
    async fn founded_on(&self) -> Option<Date> {
        self.0.value.founded_on.map(Date)
    }
    async fn dissolved_on(&self) -> Option<Date> {
        self.0.value.dissolved_on.map(Date)
    }
    /// Every stage transition, oldest first.
    async fn stage_history(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<StageEvent>>> {
        if !self.shows("stageHistory") {
            return Ok(None);
        }
        Ok(Some(
            children::<StageEventsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(StageEvent)
                .collect(),
        ))
    }
    /// The charter in force today (the latest adopted version; before adoption, the draft), with
    /// the governance parameters the alliance's rules read.
    async fn charter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Charter>> {
        if !self.shows("charter") {
            return Ok(None);
        }
        let versions = children::<ChartersOfAlliance>(ctx, self.0.value.id).await?;
        let today = chrono::Utc::now().date_naive();
        Ok(charter::in_force(&versions, today).cloned().map(Charter))
    }
    /// Every version of the charter, drafts and amendments included, oldest first.
    async fn charters(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Charter>>> {
        if !self.shows("charters") {
            return Ok(None);
        }
        Ok(Some(
            children::<ChartersOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(Charter)
                .collect(),
        ))
    }
    /// The charter's supporting rules (议事规则, 财务管理制度, 吸收新成员管理办法), every version.
    async fn supporting_rules(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<SupportingRule>>> {
        if !self.shows("supportingRules") {
            return Ok(None);
        }
        Ok(Some(
            children::<SupportingRulesOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(SupportingRule)
                .collect(),
        ))
    }
    /// The alliance agreement in force today (联盟协议).
    async fn agreement(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Agreement>> {
        if !self.shows("agreement") {
            return Ok(None);
        }
        let versions = children::<AgreementsOfAlliance>(ctx, self.0.value.id).await?;
        let today = chrono::Utc::now().date_naive();
        Ok(agreement::in_force(&versions, today)
            .cloned()
            .map(Agreement))
    }
    /// Every version of the agreement, oldest first.
    async fn agreements(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Agreement>>> {
        if !self.shows("agreements") {
            return Ok(None);
        }
        Ok(Some(
            children::<AgreementsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(Agreement)
                .collect(),
        ))
    }
    /// Results of the alliance's joint work, oldest first.
    async fn results(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<JointResult>>> {
        if !self.shows("results") {
            return Ok(None);
        }
        Ok(Some(
            children::<ResultsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(JointResult)
                .collect(),
        ))
    }
    /// Work plans, work reports and expert committee reports, by year (`year`: only that year).
    /// Not for ANALYST or PUBLIC.
    async fn reports(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> async_graphql::Result<Option<Vec<AllianceReport>>> {
        if !self.shows("reports") {
            return Ok(None);
        }
        Ok(Some(
            children::<ReportsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .filter(|r| year.is_none_or(|y| r.year == y))
                .map(AllianceReport)
                .collect(),
        ))
    }
    /// Initiating units' consents to charter drafts.
    async fn charter_consents(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<CharterConsent>>> {
        if !self.shows("charterConsents") {
            return Ok(None);
        }
        Ok(Some(
            children::<ConsentsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(CharterConsent)
                .collect(),
        ))
    }
    /// Member units, by application date.
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<enums::MembershipStatus>,
    ) -> async_graphql::Result<Conn<Membership>> {
        let request = request(ctx)?;
        let status = status.map(Into::into);
        let key = MembersOfAlliance {
            alliance: self.0.value.id,
            status,
            page: PageRequest::forward(first, after),
        };
        let page = request
            .loader
            .load_one(key)
            .await
            .map_err(unwrap_shared)?
            .unwrap_or_else(empty_page);
        let viewer = request.viewer.clone();
        let total = TotalCount::Members(MemberCountOfAlliance {
            alliance: self.0.value.id,
            status,
        });
        Ok(connection(page, total, |m| Membership::new(&viewer, m)))
    }
    /// Posts in the alliance's bodies. `activeOn`: only posts held on that day; `body`, `kind`: only those.
    async fn posts(
        &self,
        ctx: &Context<'_>,
        body: Option<enums::Body>,
        kind: Option<enums::PostKind>,
        active_on: Option<Date>,
    ) -> async_graphql::Result<Option<Vec<Post>>> {
        if !self.shows("posts") {
            return Ok(None);
        }
        let posts = children::<PostsOfAlliance>(ctx, self.0.value.id).await?;
        Ok(Some(
            posts
                .into_iter()
                .filter(|p| body.is_none_or(|b| p.body == b.into()))
                .filter(|p| kind.is_none_or(|k| p.kind == k.into()))
                .filter(|p| active_on.is_none_or(|day| governance::post_active_on(p, day.0)))
                .map(Post)
                .collect(),
        ))
    }
    async fn working_groups(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<WorkingGroup>>> {
        if !self.shows("workingGroups") {
            return Ok(None);
        }
        Ok(Some(
            children::<WorkingGroupsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(WorkingGroup)
                .collect(),
        ))
    }
    /// Meetings, oldest first.
    async fn meetings(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Meeting>>> {
        if !self.shows("meetings") {
            return Ok(None);
        }
        Ok(Some(
            children::<MeetingsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(Meeting)
                .collect(),
        ))
    }
    async fn projects(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Project>>> {
        if !self.shows("projects") {
            return Ok(None);
        }
        Ok(Some(
            children::<ProjectsOfAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(Project)
                .collect(),
        ))
    }
    /// Support measures granted to the alliance itself.
    async fn support_measures(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<SupportMeasure>>> {
        if !self.shows("supportMeasures") {
            return Ok(None);
        }
        let viewer = request(ctx)?.viewer.clone();
        Ok(Some(
            children::<SupportForAlliance>(ctx, self.0.value.id)
                .await?
                .into_iter()
                .map(|m| SupportMeasure::new(&viewer, m))
                .collect(),
        ))
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.show("createdAt", |a| a.created_at)
    }
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.show("updatedAt", |a| a.updated_at)
    }
    async fn version(&self) -> Option<i32> {
        self.0.show("version", |a| a.version)
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

/// One step of an alliance's formation.
pub struct StageEvent(pub alliance_stage_event::Model);

#[Object]
impl StageEvent {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::StageEvent, self.0.id).into())
    }
    async fn from_stage(&self) -> Option<enums::AllianceStage> {
        self.0.from_stage.map(Into::into)
    }
    async fn to_stage(&self) -> enums::AllianceStage {
        self.0.to_stage.into()
    }
    async fn occurred_on(&self) -> Date {
        Date(self.0.occurred_on)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// An initiating unit's consent to a charter draft.
pub struct CharterConsent(pub charter_consent::Model);

#[Object]
impl CharterConsent {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::CharterConsent, self.0.id).into())
    }
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.organization_id).await
    }
    async fn charter_version(&self) -> &str {
        &self.0.charter_version
    }
    async fn consented_on(&self) -> Date {
        Date(self.0.consented_on)
    }
}
