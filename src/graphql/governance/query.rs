//! `expiringPosts`: the posts whose term ends soon.

use async_graphql::{Context, ID, Object};

use super::Post;
use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, list},
        request,
    },
    service::{listing, page::PageRequest},
};

/// `expiringPosts`.
#[derive(Default)]
pub struct GovernanceQuery;

#[Object]
impl GovernanceQuery {
    /// Posts still held whose term ends within `withinDays` (default 90), soonest first: coming
    /// elections for the office's dashboard. Optionally of one alliance. Not public.
    async fn expiring_posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 90)] within_days: i32,
        alliance: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Post>> {
        let alliance = alliance
            .map(|a| id::decode_as(&a, Kind::Alliance))
            .transpose()?;
        let today = chrono::Utc::now().date_naive();
        let listing = listing::expiring_posts(&request(ctx)?.viewer, today, within_days, alliance)?;
        list(ctx, listing, PageRequest::forward(first, after), Post).await
    }
}
