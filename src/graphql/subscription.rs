//! Live subscriptions over graphql-ws (`/graphql/ws`): committed changes, on every replica.

use async_graphql::{Context, ID, Subscription};
use entity::audit_event;
use futures::{Stream, StreamExt, future::ready};
use sea_orm::EntityTrait;
use tokio::sync::broadcast::error::RecvError;

use super::{
    request,
    types::{
        alliance::Alliance,
        change::{Change, ChangeType},
    },
};
use crate::{
    domain::id::{self, Kind},
    error::Error,
    service::changes::{ChangeKind, ChangeNotice},
};

#[derive(Default)]
pub struct Subscription;

/// The notices this replica receives, as changes, filtered by `keep`.
fn changes_where<K>(
    ctx: &Context<'_>,
    keep: K,
) -> async_graphql::Result<impl Stream<Item = Change> + use<K>>
where
    K: Fn(&ChangeNotice) -> bool + Send + 'static,
{
    let request = request(ctx)?;
    let db = request.db.clone();
    let receiver = request.bus.subscribe();
    let notices = futures::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(notice) => return Some((notice, receiver)),
                // A slow subscriber skips what it missed; `changes(after:)` catches up.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber lagged behind")
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(notices
        .filter(move |notice| ready(keep(notice)))
        .filter_map(move |notice| {
            let db = db.clone();
            async move {
                audit_event::Entity::find_by_id(notice.id)
                    .one(&db)
                    .await
                    .ok()
                    .flatten()
                    .map(Change)
            }
        }))
}

#[Subscription]
impl Subscription {
    /// Every committed change of the given types (all types when omitted). Not public.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        types: Option<Vec<ChangeType>>,
    ) -> async_graphql::Result<impl Stream<Item = Change> + use<>> {
        request(ctx)?.viewer.require_signed_in("changes")?;
        let kinds: Vec<ChangeKind> = types
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let tables = ChangeKind::tables(&kinds);
        changes_where(ctx, move |notice| tables.contains(&notice.entity.as_str()))
    }

    /// Everything that happens in one alliance: stages, members, meetings, elections, projects.
    async fn alliance_events(
        &self,
        ctx: &Context<'_>,
        alliance_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = Change> + use<>> {
        request(ctx)?.viewer.require_signed_in("alliance events")?;
        let alliance = id::decode_as(&alliance_id, Kind::Alliance)?;
        if Alliance::load(ctx, alliance).await?.is_none() {
            return Err(Error::not_found("no alliance with that id").into());
        }
        changes_where(ctx, move |notice| notice.alliance_id == Some(alliance))
    }
}
