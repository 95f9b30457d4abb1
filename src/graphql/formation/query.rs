//! `alliances` and `alliance`.

use async_graphql::{Context, ID, Object};

use super::Alliance;
use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, list, page},
        inputs::{AllianceFilter, AllianceOrderBy},
        request,
    },
    service::listing,
};

/// `alliances` and `alliance`.
#[derive(Default)]
pub struct AllianceQuery;

#[Object]
impl AllianceQuery {
    /// Alliances (PUBLIC: founded ones only).
    #[allow(clippy::too_many_arguments)]
    async fn alliances(
        &self,
        ctx: &Context<'_>,
        filter: Option<AllianceFilter>,
        order_by: Option<Vec<AllianceOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Alliance>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = AllianceFilter::convert(filter)?;
        let listing =
            listing::alliances(&viewer, filter.as_ref(), &AllianceOrderBy::sorts(order_by))?;
        list(ctx, listing, page(first, after, last, before), |m| {
            Alliance::new(&viewer, m)
        })
        .await
    }

    async fn alliance(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Alliance>> {
        Alliance::load(ctx, id::decode_as(&id, Kind::Alliance)?).await
    }
}
