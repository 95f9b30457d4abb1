//! Reading a list's relations level by level, from what the query selects: once a list's rows are
//! read, each relation its selection asks for is read for the whole list in one statement and
//! handed to the request's loader, so every row's resolver finds its related rows there instead of
//! waiting on the loader's timed batching window. A nested page then costs one statement per
//! relation per level, whatever the load.
//!
//! Nothing here decides what a caller may see: the rows are read by the same batched reads as the
//! loader's, as the same viewer, and each resolver still applies its field guards. A relation not
//! preloaded here is still batched by the loader.

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, SelectionField};

use super::{
    loader::{ById, ChildrenOf},
    request,
};
use sea_orm::EntityTrait;

use crate::service::{
    load::{Row, Scoped, int_of},
    relation::{self, ChildRow, Relation},
};

/// What a query selects on the objects of one list, merged over aliases and fragments: a
/// connection's `nodes` and `edges { node }`, or a plain list field's own selection.
#[derive(Clone, Default)]
pub struct Selection<'a>(Vec<SelectionField<'a>>);

impl<'a> Selection<'a> {
    /// The objects of the connection the resolver is answering.
    pub fn of_connection(ctx: &'a Context<'_>) -> Self {
        let this = Self(vec![ctx.field()]);
        let mut nodes = this.field("nodes");
        nodes.0.extend(this.field("edges").field("node").0);
        nodes
    }

    /// The objects of the list (or object) field the resolver is answering.
    pub fn of_field(ctx: &'a Context<'_>) -> Self {
        Self(vec![ctx.field()])
    }

    /// The selection of a field of these objects.
    pub fn field(&self, name: &str) -> Self {
        Self(
            self.0
                .iter()
                .flat_map(|field| field.selection_set())
                .filter(|field| field.name() == name)
                .collect(),
        )
    }

    /// Whether the query asks for the field on these objects.
    pub fn has(&self, name: &str) -> bool {
        self.0
            .iter()
            .flat_map(|field| field.selection_set())
            .any(|field| field.name() == name)
    }

    /// The names of every field asked for on these objects.
    pub fn names(&self) -> HashSet<&'a str> {
        self.0
            .iter()
            .flat_map(|field| field.selection_set())
            .map(|field| field.name())
            .collect()
    }

    /// Whether nothing is asked (the field is not in the query).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Each id once.
fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let ids: HashSet<i64> = ids.into_iter().collect();
    ids.into_iter().collect()
}

/// Whether this request's loader keeps what preloading hands it (queries only).
pub fn preloads(ctx: &Context<'_>) -> bool {
    request(ctx).is_ok_and(|request| request.preloads)
}

/// Reads the rows with these ids in one statement and hands them to the loader (an id the viewer
/// may not see is remembered as absent); returns the rows found.
pub async fn rows<M: Row + Clone>(
    ctx: &Context<'_>,
    ids: impl IntoIterator<Item = i64>,
) -> async_graphql::Result<Vec<M>> {
    let ids = distinct(ids);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let request = request(ctx)?;
    let mut found = M::by_ids(&request.db, &request.viewer, &ids).await?;
    let rows: Vec<M> = found.values().cloned().collect();
    request
        .loader
        .feed_many(ids.into_iter().map(|id| (ById::new(id), found.remove(&id))))
        .await;
    Ok(rows)
}

/// Reads the children of these parents along a relation in one statement and hands them to the
/// loader; returns every child read.
pub async fn children<R: Relation>(
    ctx: &Context<'_>,
    parents: impl IntoIterator<Item = i64>,
) -> async_graphql::Result<Vec<ChildRow<R>>>
where
    ChildRow<R>: Sync + Clone,
{
    let parents = distinct(parents);
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let request = request(ctx)?;
    let groups = relation::children::<R>(&request.db, &request.viewer, &parents).await?;
    let all: Vec<ChildRow<R>> = groups.values().flatten().cloned().collect();
    request
        .loader
        .feed_many(
            groups
                .into_iter()
                .map(|(parent, rows)| (ChildrenOf::<R>::new(parent), rows)),
        )
        .await;
    Ok(all)
}

/// Hands the loader rows already read (with another list's statement), by id: `None` where the
/// viewer may not see the row.
pub async fn feed<M: Row + Clone>(
    ctx: &Context<'_>,
    rows: impl IntoIterator<Item = (i64, Option<M>)>,
) -> async_graphql::Result<()> {
    request(ctx)?
        .loader
        .feed_many(rows.into_iter().map(|(id, row)| (ById::new(id), row)))
        .await;
    Ok(())
}

/// [`children`], each child's to-one relation `J` (the row `foreign_key` names) read in the
/// same statement and handed to the loader as well; returns each parent's children with their
/// `J` (`None` where the viewer may not see it), in the relation's order.
pub async fn children_joined<R, J>(
    ctx: &Context<'_>,
    parents: impl IntoIterator<Item = i64>,
    foreign_key: <R::Child as EntityTrait>::Column,
) -> async_graphql::Result<HashMap<i64, Vec<(ChildRow<R>, Option<J::Model>)>>>
where
    R: Relation,
    J: Scoped,
    ChildRow<R>: Sync + Clone,
    J::Model: Row + Clone,
{
    let parents = distinct(parents);
    if parents.is_empty() {
        return Ok(HashMap::new());
    }
    let request = request(ctx)?;
    let groups =
        relation::children_joined::<R, J>(&request.db, &request.viewer, &parents, foreign_key)
            .await?;
    let mut joined = Vec::new();
    let mut children = Vec::with_capacity(groups.len());
    for (parent, rows) in &groups {
        let mut of_parent = Vec::with_capacity(rows.len());
        for (row, one) in rows {
            if let Some(id) = int_of(row, foreign_key) {
                joined.push((ById::<J::Model>::new(id), one.clone()));
            }
            of_parent.push(row.clone());
        }
        children.push((ChildrenOf::<R>::new(*parent), of_parent));
    }
    request.loader.feed_many(children).await;
    request.loader.feed_many(joined).await;
    Ok(groups)
}
