//! Networks (`service::network`): alliances tied by shared members, institutions tied to
//! enterprises by joint projects.

use async_graphql::{Context, ID, Object};

use super::{directory::Organization, formation::Alliance, request};
use crate::{
    domain::id::{self, Kind},
    service::network,
};

/// Two alliances sharing active members.
pub struct AllianceTie(network::AllianceTie);

#[Object]
impl AllianceTie {
    async fn first(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.first).await
    }
    async fn second(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, self.0.second).await
    }
    /// Units active in both.
    async fn shared_members(&self) -> i64 {
        self.0.shared
    }
}

/// A university or research institute and an enterprise working on joint projects together.
pub struct Collaboration(network::Collaboration);

#[Object]
impl Collaboration {
    async fn institution(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.institution).await
    }
    async fn enterprise(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.enterprise).await
    }
    /// Joint projects both take part in.
    async fn projects(&self) -> i64 {
        self.0.projects
    }
    /// The year the first of them was proposed.
    async fn first_year(&self) -> Option<i32> {
        self.0.first_year
    }
    async fn last_year(&self) -> Option<i32> {
        self.0.last_year
    }
}

/// Networks.
#[derive(Default)]
pub struct NetworkQuery;

#[Object]
impl NetworkQuery {
    /// Alliances tied by the active members they share, most shared first (alliances as the
    /// caller may see them).
    async fn alliance_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i64,
    ) -> async_graphql::Result<Vec<AllianceTie>> {
        let request = request(ctx)?;
        let ties = network::alliance_ties(&request.db, &request.viewer, first).await?;
        Ok(ties.into_iter().map(AllianceTie).collect())
    }

    /// Universities and research institutes tied to enterprises by the joint projects they share
    /// (of one alliance, if given), most projects first. Not public.
    async fn collaboration_network(
        &self,
        ctx: &Context<'_>,
        alliance: Option<ID>,
        #[graphql(default = 100)] first: i64,
    ) -> async_graphql::Result<Vec<Collaboration>> {
        let request = request(ctx)?;
        let alliance = alliance
            .map(|a| id::decode_as(&a, Kind::Alliance))
            .transpose()?;
        let ties = network::collaborations(&request.db, &request.viewer, alliance, first).await?;
        Ok(ties.into_iter().map(Collaboration).collect())
    }
}
