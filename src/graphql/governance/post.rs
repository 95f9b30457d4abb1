//! Posts and working groups of an alliance's bodies.

use async_graphql::{Context, ID, Object};
use chrono::Utc;
use entity::{person, post, resolution, working_group};

use super::Resolution;
use crate::{
    domain::id::{self, Kind},
    graphql::{
        directory::{Organization, Person},
        enums,
        formation::Alliance,
        loader::{maybe_row, row},
        scalars::Date,
    },
    service::governance,
};

/// A post held in an alliance body by a person, for a unit, for a term.
pub struct Post(pub post::Model);

#[Object]
impl Post {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::Post, self.0.id).into())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn body(&self) -> enums::Body {
        self.0.body.into()
    }
    async fn kind(&self) -> enums::PostKind {
        self.0.kind.into()
    }
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        match row::<person::Model>(ctx, self.0.person_id).await? {
            Some(model) => Ok(Some(Person::guard(ctx, model).await?)),
            None => Ok(None),
        }
    }
    /// The unit the person represents (none for external experts).
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.organization_id {
            Some(id) => Organization::load(ctx, id).await,
            None => Ok(None),
        }
    }
    async fn working_group(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<WorkingGroup>> {
        Ok(
            maybe_row::<working_group::Model>(ctx, self.0.working_group_id)
                .await?
                .map(WorkingGroup),
        )
    }
    async fn term_start(&self) -> Date {
        Date(self.0.term_start)
    }
    /// End of the term (a chair's term is five years); null if open-ended.
    async fn term_end(&self) -> Option<Date> {
        self.0.term_end.map(Date)
    }
    /// Set when the post ended before its term did.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }
    /// Held today.
    async fn is_active(&self) -> bool {
        governance::post_active_on(&self.0, Utc::now().date_naive())
    }
    async fn decided_how(&self) -> enums::Decision {
        self.0.decided_how.into()
    }
    /// The resolution that decided the post.
    async fn resolution(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resolution>> {
        Ok(maybe_row::<resolution::Model>(ctx, self.0.resolution_id)
            .await?
            .map(Resolution))
    }
}

/// A working group of an alliance.
pub struct WorkingGroup(pub working_group::Model);

#[Object]
impl WorkingGroup {
    /// Row version, for `expectedVersion` in updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(id::encode(Kind::WorkingGroup, self.0.id).into())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.alliance_id).await
    }
    async fn kind(&self) -> enums::WorkingGroupKind {
        self.0.kind.into()
    }
    async fn name_zh(&self) -> &str {
        &self.0.name_zh
    }
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    async fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }
    async fn established_on(&self) -> Date {
        Date(self.0.established_on)
    }
    async fn dissolved_on(&self) -> Option<Date> {
        self.0.dissolved_on.map(Date)
    }
}
