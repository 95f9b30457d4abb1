//! The DataLoaders: one key type per way of reading, each batch one SQL statement through the
//! service layer ([`load`], [`relation`]), and the helpers resolvers read rows with.

use std::{collections::HashMap, hash::Hash, marker::PhantomData, sync::Arc};

use async_graphql::{Context, dataloader::Loader};
use entity::{enums::MembershipStatus, membership, organization};

use super::{connection::unwrap_shared, request};
use crate::{
    database::Store,
    error::{Error, Result},
    service::{
        access::Viewer,
        load::Row,
        page::{Page, PageRequest},
        relation::{self, ChildRow, Relation},
    },
};

/// Loads for one request, as one viewer.
pub struct HubLoader {
    db: Store,
    viewer: Arc<Viewer>,
}

impl HubLoader {
    pub fn new(db: Store, viewer: Arc<Viewer>) -> Self {
        Self { db, viewer }
    }
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<Error>>;

/// A row by id; `M` is the row's model (`organization::Model`).
pub struct ById<M>(pub i64, PhantomData<fn() -> M>);

impl<M> ById<M> {
    pub fn new(id: i64) -> Self {
        Self(id, PhantomData)
    }
}

impl<M> Clone for ById<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for ById<M> {}
impl<M> PartialEq for ById<M> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<M> Eq for ById<M> {}
impl<M> Hash for ById<M> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// `None` for an id the viewer may not see (or that does not exist), so that a preloaded level
/// also remembers what it did not find.
impl<M: Row + Clone> Loader<ById<M>> for HubLoader {
    type Value = Option<M>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ById<M>]) -> LoadResult<ById<M>, Option<M>> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let mut rows = M::by_ids(&self.db, &self.viewer, &ids)
            .await
            .map_err(Arc::new)?;
        Ok(ids
            .into_iter()
            .map(|id| (ById::new(id), rows.remove(&id)))
            .collect())
    }
}

/// Every child of a parent along a [`Relation`] (`ChildrenOf::<SegmentsOfSector>`).
pub struct ChildrenOf<R>(pub i64, PhantomData<fn() -> R>);

impl<R> ChildrenOf<R> {
    pub fn new(parent: i64) -> Self {
        Self(parent, PhantomData)
    }
}

impl<R> Clone for ChildrenOf<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for ChildrenOf<R> {}
impl<R> PartialEq for ChildrenOf<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<R> Eq for ChildrenOf<R> {}
impl<R> Hash for ChildrenOf<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<R: Relation> Loader<ChildrenOf<R>> for HubLoader
where
    ChildRow<R>: Sync,
{
    type Value = Vec<ChildRow<R>>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ChildrenOf<R>]) -> LoadResult<ChildrenOf<R>, Vec<ChildRow<R>>> {
        let parents: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let groups = relation::children::<R>(&self.db, &self.viewer, &parents)
            .await
            .map_err(Arc::new)?;
        Ok(groups
            .into_iter()
            .map(|(parent, rows)| (ChildrenOf(parent, PhantomData), rows))
            .collect())
    }
}

/// One row by id through the loader (within the viewer's scope).
pub(crate) async fn row<M: Row + Clone>(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<M>> {
    Ok(request(ctx)?
        .loader
        .load_one(ById::<M>::new(id))
        .await
        .map_err(unwrap_shared)?
        .flatten())
}

/// An optional reference (a nullable foreign key) through the loader.
pub(crate) async fn maybe_row<M: Row + Clone>(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<M>> {
    match id {
        Some(id) => row::<M>(ctx, id).await,
        None => Ok(None),
    }
}

/// The children of one parent along a relation (`children::<PostsOfPerson>(ctx, id)`).
pub(crate) async fn children<R: Relation>(
    ctx: &Context<'_>,
    parent: i64,
) -> async_graphql::Result<Vec<ChildRow<R>>>
where
    ChildRow<R>: Sync,
{
    Ok(request(ctx)?
        .loader
        .load_one(ChildrenOf::<R>(parent, PhantomData))
        .await
        .map_err(unwrap_shared)?
        .unwrap_or_default())
}

/// One page of an alliance's members, optionally of one status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MembersOfAlliance {
    pub alliance: i64,
    pub status: Option<MembershipStatus>,
    pub page: PageRequest,
}

/// How many members (of a status) an alliance has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemberCountOfAlliance {
    pub alliance: i64,
    pub status: Option<MembershipStatus>,
}

/// One page of the organizations located in a park.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrganizationsOfPark {
    pub park: i64,
    pub page: PageRequest,
}

/// How many organizations a park hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganizationCountOfPark(pub i64);

/// Groups page keys that share their arguments, so each group is one windowed statement.
fn by_arguments<K, A: Eq + Hash + Clone>(
    keys: &[K],
    args: impl Fn(&K) -> A,
) -> HashMap<A, Vec<&K>> {
    let mut groups: HashMap<A, Vec<&K>> = HashMap::new();
    for key in keys {
        groups.entry(args(key)).or_default().push(key);
    }
    groups
}

impl Loader<MembersOfAlliance> for HubLoader {
    type Value = Page<membership::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[MembersOfAlliance],
    ) -> LoadResult<MembersOfAlliance, Page<membership::Model>> {
        let mut out = HashMap::new();
        for ((status, request), group) in by_arguments(keys, |k| (k.status, k.page.clone())) {
            let window = request.window().map_err(Arc::new)?;
            let parents: Vec<i64> = group.iter().map(|k| k.alliance).collect();
            let pages = relation::member_pages(&self.db, &self.viewer, &parents, status, &window)
                .await
                .map_err(Arc::new)?;
            for (alliance, page) in pages {
                out.insert(
                    MembersOfAlliance {
                        alliance,
                        status,
                        page: request.clone(),
                    },
                    page,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<MemberCountOfAlliance> for HubLoader {
    type Value = i64;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[MemberCountOfAlliance]) -> LoadResult<MemberCountOfAlliance, i64> {
        let mut out = HashMap::new();
        for (status, group) in by_arguments(keys, |k| k.status) {
            let parents: Vec<i64> = group.iter().map(|k| k.alliance).collect();
            let counts = relation::member_counts(&self.db, &self.viewer, &parents, status)
                .await
                .map_err(Arc::new)?;
            out.extend(
                counts
                    .into_iter()
                    .map(|(alliance, n)| (MemberCountOfAlliance { alliance, status }, n)),
            );
        }
        Ok(out)
    }
}

impl Loader<OrganizationsOfPark> for HubLoader {
    type Value = Page<organization::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationsOfPark],
    ) -> LoadResult<OrganizationsOfPark, Page<organization::Model>> {
        let mut out = HashMap::new();
        for (request, group) in by_arguments(keys, |k| k.page.clone()) {
            let window = request.window().map_err(Arc::new)?;
            let parents: Vec<i64> = group.iter().map(|k| k.park).collect();
            let pages =
                relation::organization_pages_of_parks(&self.db, &self.viewer, &parents, &window)
                    .await
                    .map_err(Arc::new)?;
            for (park, page) in pages {
                out.insert(
                    OrganizationsOfPark {
                        park,
                        page: request.clone(),
                    },
                    page,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<OrganizationCountOfPark> for HubLoader {
    type Value = i64;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationCountOfPark],
    ) -> LoadResult<OrganizationCountOfPark, i64> {
        let parents: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = relation::organization_counts_of_parks(&self.db, &self.viewer, &parents)
            .await
            .map_err(Arc::new)?;
        Ok(counts
            .into_iter()
            .map(|(park, n)| (OrganizationCountOfPark(park), n))
            .collect())
    }
}
