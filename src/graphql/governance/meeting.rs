//! Meetings, who attended them, and their resolutions.

use async_graphql::{Context, ID, Object};
use entity::{meeting, meeting_attendance, person, resolution};

use crate::{
    domain::id::{self, Kind},
    graphql::{
        directory::{Organization, Person},
        enums,
        formation::Alliance,
        loader::{children, maybe_row, row},
        scalars::Date,
    },
    service::relation::{AttendanceOfMeeting, ResolutionsOfMeeting},
};

/// A meeting of an alliance body.
pub struct Meeting(pub meeting::Model);

#[Object]
impl Meeting {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Meeting, self.0.id).into())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn kind(&self) -> enums::MeetingKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// How many members the convened body had (the base of the quorum).
    async fn body_size(&self) -> i32 {
        self.0.body_size
    }
    async fn attendance(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Attendance>> {
        Ok(children::<AttendanceOfMeeting>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Attendance)
            .collect())
    }
    async fn resolutions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Resolution>> {
        Ok(children::<ResolutionsOfMeeting>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Resolution)
            .collect())
    }
}

/// Someone present at a meeting: a unit, a person, or a person for a unit.
pub struct Attendance(pub meeting_attendance::Model);

#[Object]
impl Attendance {
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        match maybe_row::<person::Model>(ctx, self.0.person_id).await? {
            Some(model) => Ok(Some(Person::guard(ctx, model).await?)),
            None => Ok(None),
        }
    }
}

/// A resolution voted at a meeting.
pub struct Resolution(pub resolution::Model);

#[Object]
impl Resolution {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Resolution, self.0.id).into())
    }
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        Ok(row::<meeting::Model>(ctx, self.0.meeting_id)
            .await?
            .map(Meeting))
    }
    async fn kind(&self) -> enums::ResolutionKind {
        self.0.kind.into()
    }
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn votes_for(&self) -> i32 {
        self.0.votes_for
    }
    async fn votes_against(&self) -> i32 {
        self.0.votes_against
    }
    async fn votes_abstain(&self) -> i32 {
        self.0.votes_abstain
    }
    async fn passed(&self) -> bool {
        self.0.passed
    }
}
