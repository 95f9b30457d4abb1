//! People: representatives, experts and staff, with contact details masked by `service::access`.

use async_graphql::{Context, ID, Object};
use entity::person;

use super::Organization;
use crate::{
    domain::id::{self, Kind},
    graphql::{governance::Post, loader::children, request},
    service::{access::Guarded, relation::PostsOfPerson},
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
        Ok(children::<PostsOfPerson>(ctx, self.0.value.id)
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
