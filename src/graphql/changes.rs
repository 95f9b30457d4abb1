//! The change feed's and the audit trail's objects.

use async_graphql::{
    Context, Enum, ID, Json, Object, Subscription,
    connection::{Edge, EmptyFields, PageInfo},
};
use chrono::{DateTime, Utc};
use entity::audit_event;
use futures::{Stream, StreamExt, future::ready};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    domain::id::{self, Kind},
    error::Error,
    graphql::{
        connection::{Conn, list},
        enums,
        formation::Alliance,
        inputs::AuditEventFilter,
        node::Node,
        request,
    },
    service::{
        changes,
        changes::{ChangeKind, ChangeNotice},
        feed::{self, FeedChange, FeedPage},
        listing,
        page::PageRequest,
    },
};

/// A kind of change to follow (a set of related records).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::changes::ChangeKind")]
pub enum ChangeType {
    /// Departments, municipalities, sectors, chain segments.
    Reference,
    /// Organizations and their enterprise profiles.
    Organization,
    Park,
    SupplyLink,
    SupportMeasure,
    Person,
    /// Alliances, their stage history and charter consents.
    Alliance,
    Membership,
    /// Posts, meetings, resolutions, working groups.
    Governance,
    Project,
}

/// One committed change: every row one mutation wrote for one object. It names what changed,
/// never the values: read the object through `node` (which applies the caller's permissions) to
/// see its current state.
#[derive(Clone)]
pub struct Change(pub FeedChange);

#[Object]
impl Change {
    /// Where the feed continues from: pass it as `changes(after:)` to resume.
    async fn cursor(&self) -> String {
        self.0.cursor()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    #[graphql(name = "type")]
    async fn change_type(&self) -> Option<ChangeType> {
        changes::ChangeKind::of(&self.0.entity).map(Into::into)
    }
    /// The mutation that made the change (`updateOrganization`, `electChair`, …).
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The changed object's global id.
    async fn entity_id(&self) -> Option<ID> {
        self.global_id().map(ID::from)
    }
    /// The changed object as it is now, if the caller may see it.
    async fn node(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Node>> {
        match self.global_id() {
            Some(global) => Node::load(ctx, &global).await,
            None => Ok(None),
        }
    }
    /// The alliance the change concerns, if any.
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        match self.0.alliance_id {
            Some(id) => Alliance::load(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Names of the fields that changed, over every row the mutation wrote for the object (those
    /// whose values the caller may never see are left out).
    async fn changed_fields(&self) -> &[String] {
        &self.0.changed_fields
    }
}

impl Change {
    fn global_id(&self) -> Option<String> {
        self.0
            .entity_id
            .and_then(|id| id::of_audited(&self.0.entity, id))
    }
}

/// A page of the change feed. Unlike other lists, a page with no new changes keeps the cursor it
/// was given as `endCursor`, so a client that stores `endCursor` never starts over.
pub struct ChangeConnection {
    page: FeedPage,
    after: Option<String>,
    tables: Vec<&'static str>,
}

#[Object]
impl ChangeConnection {
    /// Information to aid in pagination.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.after.is_some(),
            has_next_page: self.page.has_next,
            start_cursor: self.page.changes.first().map(FeedChange::cursor),
            end_cursor: self
                .page
                .changes
                .last()
                .map(FeedChange::cursor)
                .or_else(|| self.after.clone()),
        }
    }
    /// A list of edges.
    async fn edges(&self) -> Vec<Edge<String, Change, EmptyFields>> {
        self.page
            .changes
            .iter()
            .map(|change| Edge::new(change.cursor(), Change(change.clone())))
            .collect()
    }
    /// A list of nodes.
    async fn nodes(&self) -> Vec<Change> {
        self.page.changes.iter().cloned().map(Change).collect()
    }
    /// How many items the whole list has (all pages).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let request = request(ctx)?;
        let count = feed::count(&request.db, &request.viewer, &self.tables).await?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

/// An audited mutation: who did what to which record, allowed or denied.
pub struct AuditEvent(pub audit_event::Model);

#[Object]
impl AuditEvent {
    /// Position in the trail (increasing in commit order).
    async fn sequence(&self) -> String {
        self.0.id.to_string()
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The token's subject.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// The actor's department or municipality code.
    async fn unit(&self) -> Option<&str> {
        self.0.department.as_deref()
    }
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// The table the record lives in.
    async fn entity(&self) -> &str {
        &self.0.entity
    }
    async fn entity_id(&self) -> Option<ID> {
        self.0
            .entity_id
            .and_then(|id| id::of_audited(&self.0.entity, id))
            .map(ID::from)
    }
    async fn outcome(&self) -> enums::AuditOutcome {
        self.0.outcome.into()
    }
    /// The record before the change (null for a creation or a denial), with the fields the
    /// caller may not see withheld or masked as on the object itself.
    async fn before(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Json<serde_json::Value>>> {
        audited(ctx, &self.0.entity, self.0.before_state.as_deref()).await
    }
    /// The record after the change, likewise.
    async fn after(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Json<serde_json::Value>>> {
        audited(ctx, &self.0.entity, self.0.after_state.as_deref()).await
    }
    /// Why a mutation was denied.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
}

/// A stored state as the caller may read it.
async fn audited(
    ctx: &Context<'_>,
    entity: &str,
    state: Option<&str>,
) -> async_graphql::Result<Option<Json<serde_json::Value>>> {
    let Some(state) = state.and_then(|t| serde_json::from_str(t).ok()) else {
        return Ok(None);
    };
    let request = request(ctx)?;
    let state = request
        .viewer
        .audited_state(&request.db, entity, state)
        .await?;
    Ok(Some(Json(state)))
}

/// The change feed and the audit trail.
#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// What changed since `after`, in commit order, for department systems to sync from (not
    /// public). Each change names the object; read it through `node` with your permissions.
    /// Resume from the last `cursor` (or `pageInfo.endCursor`): every change comes exactly once.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        types: Option<Vec<ChangeType>>,
        first: Option<i32>,
    ) -> async_graphql::Result<ChangeConnection> {
        let kinds: Vec<_> = types
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let tables = ChangeKind::tables(&kinds);
        let request = request(ctx)?;
        let page = feed::page(&request.db, &request.viewer, &tables, after.clone(), first).await?;
        Ok(ChangeConnection {
            page,
            after,
            tables,
        })
    }

    /// The audit trail, newest first: every mutation, allowed or denied. OFFICE sees all; others
    /// their own actions.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<AuditEvent>> {
        let filter = AuditEventFilter::convert(filter)?;
        let listing = listing::audit_events(&request(ctx)?.viewer, filter.as_ref())?;
        list(ctx, listing, PageRequest::forward(first, after), AuditEvent).await
    }
}

/// Live changes over graphql-ws.
#[derive(Default)]
pub struct ChangesSubscription;

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
    let viewer = request.viewer.clone();
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
            let (db, viewer) = (db.clone(), viewer.clone());
            async move {
                match feed::announced(&db, &viewer, &notice).await {
                    Ok(change) => change.map(Change),
                    Err(err) => {
                        tracing::warn!(error = %err, notice.id, "could not read an announced change");
                        None
                    }
                }
            }
        }))
}

#[Subscription]
impl ChangesSubscription {
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
