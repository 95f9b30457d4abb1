//! Relay connections over service pages, with a `totalCount` computed only when asked for.

use std::sync::Arc;

use async_graphql::{
    Context, Object,
    connection::{Connection, Edge, EmptyFields},
};
use futures::future::BoxFuture;

use super::{
    loader::{MemberCountOfAlliance, OrganizationCountOfPark},
    request,
};
use crate::{
    database::Store,
    error::{Error, Result},
    service::{
        listing::Listing,
        load::Scoped,
        page::{Page, PageRequest},
    },
};

/// A Relay connection of `N` with `totalCount`.
pub type Conn<N> = Connection<String, N, TotalCount, EmptyFields>;

/// Something that can count the rows of a list.
pub trait Countable: Send + Sync {
    fn count<'a>(&'a self, db: &'a Store) -> BoxFuture<'a, Result<u64>>;
}

impl<E: Scoped> Countable for Listing<E>
where
    E::Model: Sync,
{
    fn count<'a>(&'a self, db: &'a Store) -> BoxFuture<'a, Result<u64>> {
        Box::pin(Listing::count(self, db))
    }
}

/// Where a connection's `totalCount` comes from.
pub enum TotalCount {
    Listing(Arc<dyn Countable>),
    Members(MemberCountOfAlliance),
    ParkOrganizations(OrganizationCountOfPark),
}

#[Object]
impl TotalCount {
    /// How many items the whole list has (all pages).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let request = request(ctx)?;
        let count = match self {
            TotalCount::Listing(listing) => {
                i64::try_from(listing.count(&request.db).await?).unwrap_or(i64::MAX)
            }
            TotalCount::Members(key) => request
                .loader
                .load_one(*key)
                .await
                .map_err(unwrap_shared)?
                .unwrap_or(0),
            TotalCount::ParkOrganizations(key) => request
                .loader
                .load_one(*key)
                .await
                .map_err(unwrap_shared)?
                .unwrap_or(0),
        };
        Ok(count)
    }
}

/// Builds a connection from a page, turning each row into its API node.
pub fn connection<M, N>(page: Page<M>, total: TotalCount, mut node: impl FnMut(M) -> N) -> Conn<N>
where
    N: async_graphql::OutputType,
{
    let mut connection =
        Connection::with_additional_fields(page.has_previous, page.has_next, total);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|(cursor, row)| Edge::new(cursor, node(row))),
    );
    connection
}

/// Loader errors are shared between the fields that waited on one batch.
pub fn unwrap_shared(error: Arc<Error>) -> async_graphql::Error {
    async_graphql::Error::new_with_source(error)
}

/// Pages a listing and wraps it as a connection with a lazy `totalCount`.
pub(crate) async fn list<E, N>(
    ctx: &Context<'_>,
    listing: Listing<E>,
    page: PageRequest,
    node: impl FnMut(E::Model) -> N,
) -> async_graphql::Result<Conn<N>>
where
    E: Scoped,
    E::Model: Sync,
    N: async_graphql::OutputType,
{
    let request = request(ctx)?;
    let rows: Page<E::Model> = listing.page(&request.db, &page).await?;
    Ok(connection(
        rows,
        TotalCount::Listing(Arc::new(listing)),
        node,
    ))
}

/// The paging arguments of a connection field.
pub(crate) fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageRequest {
    PageRequest {
        first,
        after,
        last,
        before,
    }
}

/// A page with nothing on it (a list the caller may not see).
pub(crate) fn empty_page<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        has_next: false,
        has_previous: false,
    }
}
