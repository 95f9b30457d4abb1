//! Memberships (`service::membership`): the type, the lists, the lookup by USCC, and joining and leaving.

use std::{borrow::Cow, sync::Arc};

use async_graphql::{Context, Enum, ID, InputObject, InputType, Object, OutputType, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{alliance, membership, organization};
use futures::future::BoxFuture;

use crate::{
    domain::id::{self, Kind},
    graphql::{
        connection::{Conn, TotalCount, connection, page},
        directory::{self, Organization},
        enums,
        formation::Alliance,
        governance::Post,
        inputs::{MembershipFilter, MembershipOrderBy},
        loader::children,
        plain::{Answer, Plain, PlainList},
        preload::{self, Selection},
        request,
        scalars::Date,
        write::{date, decode_opt, writer},
    },
    service::{
        access::{Guarded, Viewer},
        listing, lookup,
        relation::PostsOfOrganization,
    },
};

/// Reads what a selection asks of a list of memberships for the whole list at once: their
/// alliances (unless `alliances_read` with the memberships), and their units (with what those ask
/// in turn).
pub fn preload_memberships<'a>(
    ctx: &'a Context<'_>,
    memberships: &'a [&'a membership::Model],
    selection: &'a Selection<'_>,
    alliances_read: bool,
) -> BoxFuture<'a, async_graphql::Result<()>> {
    Box::pin(async move {
        if memberships.is_empty() || !preload::preloads(ctx) {
            return Ok(());
        }
        if selection.has("alliance") && !alliances_read {
            preload::rows::<alliance::Model>(ctx, memberships.iter().map(|m| m.alliance_id))
                .await?;
        }
        let units = selection.field("organization");
        if !units.is_empty() {
            let rows = preload::rows::<organization::Model>(
                ctx,
                memberships.iter().map(|m| m.organization_id),
            )
            .await?;
            let rows: Vec<&organization::Model> = rows.iter().collect();
            directory::preload_organizations(ctx, &rows, &units, None).await?;
        }
        Ok(())
    })
}

/// A unit's membership of an alliance, with the alliance when it was read with it.
pub struct Membership(pub Guarded<membership::Model>, Option<Alliance>);

impl Membership {
    pub fn new(viewer: &Viewer, model: membership::Model) -> Self {
        Self(viewer.membership(model), None)
    }

    /// A membership with its alliance, read with it as the viewer.
    pub fn with_alliance(viewer: &Viewer, model: membership::Model, alliance: Alliance) -> Self {
        Self(viewer.membership(model), Some(alliance))
    }

    fn global_id(&self) -> ID {
        id::encode(Kind::Membership, self.0.value.id).into()
    }

    fn status_value(&self) -> enums::MembershipStatus {
        self.0.value.status.into()
    }
}

impl Plain for Membership {
    fn concrete_type(&self) -> Cow<'static, str> {
        <Self as OutputType>::type_name()
    }

    /// Its id, status and initiator flag, and its alliance when it holds it.
    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        Some(match field {
            "id" => Answer::Value(self.global_id().0.into()),
            "status" => Answer::Value(self.status_value().to_value()),
            "isInitiator" => Answer::Value(self.0.value.is_initiator.into()),
            "alliance" => Answer::Object(Some(self.1.as_ref()? as &dyn Plain)),
            _ => return None,
        })
    }
}

#[Object]
impl Membership {
    pub async fn id(&self, _ctx: &Context<'_>) -> async_graphql::Result<ID> {
        Ok(self.global_id())
    }
    async fn alliance(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Alliance>> {
        match &self.1 {
            Some(alliance) => Ok(Some(alliance.clone())),
            None => Alliance::load(ctx, self.0.value.alliance_id).await,
        }
    }
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        Organization::load(ctx, self.0.value.organization_id).await
    }
    async fn status(&self) -> enums::MembershipStatus {
        self.status_value()
    }
    /// One of the units that initiated the alliance.
    async fn is_initiator(&self) -> bool {
        self.0.value.is_initiator
    }
    async fn applied_on(&self) -> Option<Date> {
        self.0.show("appliedOn", |m| m.applied_on).map(Date)
    }
    async fn joined_on(&self) -> Option<Date> {
        self.0.value.joined_on.map(Date)
    }
    async fn left_on(&self) -> Option<Date> {
        self.0.show("leftOn", |m| m.left_on).flatten().map(Date)
    }
    async fn decision_reason(&self) -> Option<&str> {
        self.0
            .show("decisionReason", |m| m.decision_reason.as_deref())
            .flatten()
    }
    /// Posts held for this unit in this alliance (current and past terms).
    async fn posts(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Post>>> {
        if self.0.show("posts", |_| ()).is_none() {
            return Ok(None);
        }
        let alliance = self.0.value.alliance_id;
        let posts = children::<PostsOfOrganization>(ctx, self.0.value.organization_id).await?;
        Ok(Some(
            posts
                .into_iter()
                .filter(|p| p.alliance_id == alliance)
                .map(Post)
                .collect(),
        ))
    }
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.0.show("createdAt", |m| m.created_at)
    }
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.show("updatedAt", |m| m.updated_at)
    }
    async fn version(&self) -> Option<i32> {
        self.0.show("version", |m| m.version)
    }
    /// Fields withheld from this caller.
    async fn withheld_fields(&self) -> Vec<String> {
        self.0.withheld()
    }
}

/// `memberships` and `membershipsByUscc`.
#[derive(Default)]
pub struct MembershipQuery;

#[Object]
impl MembershipQuery {
    /// Memberships of every alliance (PUBLIC: active memberships of founded alliances).
    #[allow(clippy::too_many_arguments)]
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        filter: Option<MembershipFilter>,
        order_by: Option<Vec<MembershipOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Membership>> {
        let viewer = request(ctx)?.viewer.clone();
        let filter = MembershipFilter::convert(filter)?;
        let listing = listing::memberships(
            &viewer,
            filter.as_ref(),
            &MembershipOrderBy::sorts(order_by),
        )?;
        let rows = listing
            .page(&request(ctx)?.db, &page(first, after, last, before))
            .await?;
        let memberships: Vec<&membership::Model> = rows.items.iter().map(|(_, m)| m).collect();
        preload_memberships(ctx, &memberships, &Selection::of_connection(ctx), false).await?;
        Ok(connection(
            rows,
            TotalCount::Listing(Arc::new(listing)),
            |m| Membership::new(&viewer, m),
        ))
    }

    /// "Which alliances is each of these units in, since when, in which post?" for up to 100
    /// USCCs in one request, answered in the order asked, each code on its own: an invalid code
    /// is answered `INVALID` with its reason and never hides the others.
    async fn memberships_by_uscc(
        &self,
        ctx: &Context<'_>,
        usccs: Vec<String>,
    ) -> async_graphql::Result<PlainList<UsccMemberships>> {
        let request = request(ctx)?;
        let selection = Selection::of_field(ctx);
        // The units stay inside this answer, so they read only the columns asked of them.
        let columns = directory::organization_columns(&selection.field("organization"));
        let found =
            lookup::memberships_by_uscc(&request.db, &request.viewer, &usccs, columns).await?;
        let memberships: Vec<&membership::Model> = found
            .iter()
            .flat_map(|answer| answer.memberships.iter().map(|(m, _)| m))
            .collect();
        // Their alliances were read with them, and each membership holds its own.
        preload_memberships(ctx, &memberships, &selection.field("memberships"), true).await?;
        let units: Vec<&organization::Model> = found
            .iter()
            .filter_map(|answer| answer.organization.as_ref())
            .collect();
        let units_selection = selection.field("organization");
        directory::preload_organizations(ctx, &units, &units_selection, None).await?;
        let viewer = &request.viewer;
        Ok(PlainList(
            found
                .into_iter()
                .map(|answer| UsccMemberships::new(viewer, answer))
                .collect(),
        ))
    }
}

/// The answer for one code of `membershipsByUscc`: the unit and its memberships with their
/// alliances, all read with it.
pub struct UsccMemberships {
    uscc: String,
    status: lookup::UsccStatus,
    reason: Option<String>,
    organization: Option<Organization>,
    memberships: Vec<Membership>,
}

impl UsccMemberships {
    fn new(viewer: &Viewer, found: lookup::UsccMemberships) -> Self {
        Self {
            uscc: found.uscc,
            status: found.status,
            reason: found.reason,
            organization: found.organization.map(|m| Organization::new(viewer, m)),
            memberships: found
                .memberships
                .into_iter()
                .map(|(m, alliance)| {
                    Membership::with_alliance(viewer, m, Alliance::new(viewer, alliance))
                })
                .collect(),
        }
    }
}

impl Plain for UsccMemberships {
    fn concrete_type(&self) -> Cow<'static, str> {
        <Self as OutputType>::type_name()
    }

    fn plain(&self, field: &str) -> Option<Answer<'_>> {
        Some(match field {
            "uscc" => Answer::Value(self.uscc.to_value()),
            "status" => Answer::Value(UsccStatus::from(self.status).to_value()),
            "reason" => Answer::Value(self.reason.to_value()),
            "organization" => Answer::Object(self.organization.as_ref().map(|o| o as &dyn Plain)),
            "memberships" => {
                Answer::Objects(self.memberships.iter().map(|m| m as &dyn Plain).collect())
            }
            _ => return None,
        })
    }
}

/// What `membershipsByUscc` found for one code.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::service::lookup::UsccStatus")]
pub enum UsccStatus {
    /// A unit with this code is registered and visible to the caller.
    Found,
    /// The code is valid, but no live unit the caller may see carries it.
    Unknown,
    /// The code is not a valid USCC; `reason` says why (length, a character, the check character).
    Invalid,
}

#[Object]
impl UsccMemberships {
    /// The code as given, normalised: trimmed, full-width characters folded, upper-cased.
    async fn uscc(&self) -> &str {
        &self.uscc
    }
    /// Whether the code was found, unknown or invalid.
    async fn status(&self) -> UsccStatus {
        self.status.into()
    }
    /// Why an invalid code is invalid (null otherwise).
    async fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    /// The unit, if one with this code is registered (and visible to the caller).
    async fn organization(&self) -> Option<&Organization> {
        self.organization.as_ref()
    }
    /// Its memberships, with their posts.
    async fn memberships(&self) -> &[Membership] {
        &self.memberships
    }
}

#[derive(InputObject)]
pub struct ApplyForMembershipInput {
    pub alliance: ID,
    pub organization: ID,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct DecideMembershipInput {
    pub membership: ID,
    pub expected_version: i32,
    pub approve: bool,
    /// Required for a rejection.
    pub reason: Option<String>,
    /// The passed ADMIT_MEMBERS resolution, where the charter makes the council or the general
    /// assembly admit members; the member then joins on the meeting's day unless `date` says.
    pub resolution: Option<ID>,
    pub date: Option<Date>,
}

#[derive(InputObject)]
pub struct WithdrawMembershipInput {
    pub membership: ID,
    pub expected_version: i32,
    pub reason: Option<String>,
    pub date: Option<Date>,
}

#[derive(SimpleObject)]
pub struct MembershipPayload {
    pub membership: Membership,
}

#[derive(Default)]
pub struct MembershipMutation;

#[Object]
impl MembershipMutation {
    async fn apply_for_membership(
        &self,
        ctx: &Context<'_>,
        input: ApplyForMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .apply_for_membership(
                id::decode_as(&input.alliance, Kind::Alliance)?,
                id::decode_as(&input.organization, Kind::Organization)?,
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }

    async fn decide_membership(
        &self,
        ctx: &Context<'_>,
        input: DecideMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .decide_membership(
                id::decode_as(&input.membership, Kind::Membership)?,
                input.expected_version,
                input.approve,
                input.reason.as_deref(),
                decode_opt(&input.resolution, Kind::Resolution)?,
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }

    async fn withdraw_membership(
        &self,
        ctx: &Context<'_>,
        input: WithdrawMembershipInput,
    ) -> async_graphql::Result<MembershipPayload> {
        let row = writer(ctx)?
            .withdraw_membership(
                id::decode_as(&input.membership, Kind::Membership)?,
                input.expected_version,
                input.reason.as_deref(),
                date(input.date),
            )
            .await?;
        Ok(MembershipPayload {
            membership: Membership::new(&request(ctx)?.viewer, row),
        })
    }
}
