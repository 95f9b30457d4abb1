//! Batched reads behind the DataLoaders: rows by id, children grouped by parent, and one page of
//! children per parent (a window function), each one SQL statement however many parents ask.
//!
//! Every batch applies the viewer's row scope for its entity ([`Scoped`]), so a row PUBLIC may not
//! see is never loaded, whichever relation leads to it.

use std::collections::HashMap;

use entity::{
    agreement, agreement_party, alliance, alliance_report, alliance_stage_event, audit_event,
    chain_segment, charter, charter_consent, coordination_mechanism, department,
    enterprise_designation, enterprise_figure, enterprise_profile, industrial_park, joint_result,
    mechanism_member, meeting, meeting_attendance, membership, municipality, organization,
    organization_segment, person, post, project, project_participant, resolution, result_funding,
    result_holder, sector, supply_link, support_measure, supporting_rule, working_group,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JoinType,
    ModelTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationDef, Select, SelectTwo,
    TryIntoModel, Value,
    sea_query::{
        Alias, ArrayType, Asterisk, BinOper, Expr, ExprTrait, Query, WindowStatement,
        extension::postgres::PgFunc,
    },
};

use super::{
    access::Viewer,
    decode::{self, Decoder, empty_value},
    page::{self, Page, Sort, Window},
};
use crate::{database::Store, error::Result};

/// An entity readable through the loaders: its id column and the viewer's row scope.
pub trait Scoped:
    EntityTrait<ActiveModel: TryIntoModel<Self::Model> + Clone + Send + Sync>
{
    fn id_column() -> Self::Column;
    fn scope(_viewer: &Viewer) -> Condition {
        Condition::all()
    }
}

macro_rules! scoped {
    ($scope:ident: $($module:ident),* $(,)?) => {$(
        impl Scoped for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn scope(viewer: &Viewer) -> Condition {
                scoped!(@$scope viewer)
            }
        }
    )*};
    (@reference $viewer:ident) => { { let _ = $viewer; Condition::all() } };
    (@private $viewer:ident) => { $viewer.private_scope() };
}

scoped!(
    reference: department, municipality, sector, chain_segment, industrial_park, coordination_mechanism,
    mechanism_member,
);
scoped!(
    private: agreement, agreement_party, alliance_stage_event, charter, charter_consent, supporting_rule, person, post, working_group, meeting, meeting_attendance, resolution,
    project, project_participant, joint_result, result_holder, result_funding, supply_link, support_measure, organization_segment, audit_event,
    enterprise_figure, enterprise_designation,
);

impl Scoped for alliance_report::Entity {
    fn id_column() -> Self::Column {
        alliance_report::Column::Id
    }
    fn scope(viewer: &Viewer) -> Condition {
        viewer.report_scope()
    }
}

impl Scoped for organization::Entity {
    fn id_column() -> Self::Column {
        organization::Column::Id
    }
    fn scope(viewer: &Viewer) -> Condition {
        viewer.organization_scope()
    }
}

impl Scoped for alliance::Entity {
    fn id_column() -> Self::Column {
        alliance::Column::Id
    }
    fn scope(viewer: &Viewer) -> Condition {
        viewer.alliance_scope()
    }
}

impl Scoped for membership::Entity {
    fn id_column() -> Self::Column {
        membership::Column::Id
    }
    fn scope(viewer: &Viewer) -> Condition {
        viewer.membership_scope()
    }
}

impl Scoped for enterprise_profile::Entity {
    fn id_column() -> Self::Column {
        enterprise_profile::Column::OrganizationId
    }
    fn scope(viewer: &Viewer) -> Condition {
        let visible = organization::Entity::find()
            .select_only()
            .column(organization::Column::Id)
            .filter(viewer.organization_scope())
            .into_query();
        if viewer.is_public() {
            Condition::all().add(enterprise_profile::Column::OrganizationId.in_subquery(visible))
        } else {
            Condition::all()
        }
    }
}

/// Reads an integer column of a model (ids and foreign keys).
pub fn int_of<M: ModelTrait>(model: &M, column: <M::Entity as EntityTrait>::Column) -> Option<i64> {
    match model.get(column) {
        Value::BigInt(Some(v)) => Some(v),
        Value::Int(Some(v)) => Some(i64::from(v)),
        _ => None,
    }
}

/// `column IN (ids)` for a batch of any size, with the ids bound as one value: the statement's
/// text, and so the prepared statement and plan the database keeps for it, is the same whatever
/// the batch size, where a list of a thousand placeholders would be parsed and planned anew on
/// every request. PostgreSQL takes an array (`= ANY($1)`), SQLite a JSON array (`json_each`).
pub fn among<C: ColumnTrait>(backend: DbBackend, column: C, ids: &[i64]) -> Expr {
    match backend {
        DbBackend::Postgres => {
            let array = ids.iter().map(|id| Value::BigInt(Some(*id))).collect();
            column.into_expr().eq(PgFunc::any(Expr::val(Value::Array(
                ArrayType::BigInt,
                Some(Box::new(array)),
            ))))
        }
        _ => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            column.into_expr().binary(
                BinOper::In,
                Expr::cust_with_values("(SELECT value FROM json_each(?))", [format!("[{list}]")]),
            )
        }
    }
}

/// The columns a reader needs of a table's rows: all of them, or a set chosen from what a query
/// selects. A row read for a set holds those columns (and any whose type has no empty value, such as
/// an enum); every other field holds its type's empty value (NULL, `''`, 0, false, the epoch) and is
/// never read: the API reads a set only for rows that stay inside one list and never reach the
/// request's shared loader.
#[derive(Debug, Clone)]
pub enum Columns<C> {
    All,
    Only(Vec<C>),
}

impl<C: ColumnTrait> Columns<C> {
    /// These columns too (keys, sort columns, what a permission reads).
    pub fn with(self, more: impl IntoIterator<Item = C>) -> Self {
        match self {
            Self::All => Self::All,
            Self::Only(mut columns) => {
                columns.extend(more);
                Self::Only(columns)
            }
        }
    }

    pub(super) fn contains(&self, column: &C) -> bool {
        match self {
            Self::All => true,
            Self::Only(columns) => columns.iter().any(|c| c.as_str() == column.as_str()),
        }
    }

    /// The select, reading only these columns.
    pub fn apply<E: EntityTrait<Column = C>>(&self, select: Select<E>) -> Select<E> {
        if matches!(self, Self::All) {
            return select;
        }
        let mut select = select.select_only();
        for column in C::iter() {
            select = match empty_value(&column.def()) {
                Some(empty) if !self.contains(&column) => {
                    select.column_as(Expr::val(empty), column.as_str())
                }
                _ => select.column(column),
            };
        }
        select
    }
}

/// Rows by id, within the viewer's scope, reading only `columns` (see [`Columns`]), in no
/// particular order.
pub async fn read_by_ids<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    ids: &[i64],
    columns: &Columns<E::Column>,
) -> Result<Vec<E::Model>> {
    let select = E::find()
        .filter(among(db.get_database_backend(), E::id_column(), ids))
        .filter(E::scope(viewer));
    decode::read(db, select, columns).await
}

/// Whole rows by id, within the viewer's scope.
pub async fn by_ids<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    ids: &[i64],
) -> Result<HashMap<i64, E::Model>> {
    let rows = read_by_ids::<E>(db, viewer, ids, &Columns::All).await?;
    // Sized up front: a thousand-row batch would otherwise be copied on every growth.
    let mut by_id = HashMap::with_capacity(rows.len());
    by_id.extend(
        rows.into_iter()
            .filter_map(|row| int_of(&row, E::id_column()).map(|id| (id, row))),
    );
    Ok(by_id)
}

/// A row readable by id within the viewer's scope: a model whose table is [`Scoped`]. The API's
/// row loader asks for rows by their model type and never names a table.
pub trait Row: Sized + Send + Sync + 'static {
    fn by_ids(
        db: &Store,
        viewer: &Viewer,
        ids: &[i64],
    ) -> impl Future<Output = Result<HashMap<i64, Self>>> + Send;
}

impl<M> Row for M
where
    M: ModelTrait + FromQueryResult + Sync + 'static,
    M::Entity: Scoped + EntityTrait<Model = M>,
{
    fn by_ids(
        db: &Store,
        viewer: &Viewer,
        ids: &[i64],
    ) -> impl Future<Output = Result<HashMap<i64, Self>>> + Send {
        by_ids::<M::Entity>(db, viewer, ids)
    }
}

/// A row with the row of its to-one relation `J` (`None` if there is none the viewer may see).
pub type Joined<E, J> = (<E as EntityTrait>::Model, Option<<J as EntityTrait>::Model>);

/// `select` with a to-one relation read in the same statement: `J`'s row that `foreign_key`
/// names, left-joined within the viewer's scope of `J` (a row the viewer may not see reads as
/// absent, as the loader would answer).
pub fn join_one<E: Scoped, J: Scoped>(
    select: Select<E>,
    foreign_key: E::Column,
    viewer: &Viewer,
) -> SelectTwo<E, J> {
    select
        .join(JoinType::LeftJoin, relation_to::<E, J>(foreign_key, viewer))
        .select_also(J::default())
}

/// `E`'s row to the `J` its `foreign_key` names, within the viewer's scope of `J`.
fn relation_to<E: Scoped, J: Scoped>(foreign_key: E::Column, viewer: &Viewer) -> RelationDef {
    let scope = J::scope(viewer);
    E::belongs_to(J::default())
        .from(foreign_key)
        .to(J::id_column())
        .on_condition(move |_, _| scope.clone())
        .into()
}

/// The rows of `select`, reading `columns`, each with its to-one relation `J` (the row
/// `foreign_key` names) read in the same statement, as [`join_one`] joins it: absent where the
/// row names none or the viewer may not see it. Decoded by position ([`decode`]) where both
/// tables allow.
pub async fn read_joined<E: Scoped, J: Scoped>(
    db: &Store,
    viewer: &Viewer,
    select: Select<E>,
    columns: &Columns<E::Column>,
    foreign_key: E::Column,
) -> Result<Vec<(E::Model, Option<J::Model>)>> {
    let (Some(row), Some(related)) = (Decoder::<E>::new(columns), Decoder::<J>::new(&Columns::All))
    else {
        return Ok(join_one::<E, J>(columns.apply(select), foreign_key, viewer)
            .all(db)
            .await?);
    };
    let select = row
        .columns(select.select_only())
        .join(JoinType::LeftJoin, relation_to::<E, J>(foreign_key, viewer));
    let statement = related.columns(select).build(db.get_database_backend());
    db.query_all_raw(statement)
        .await?
        .iter()
        .map(|result| {
            Ok((
                row.decode(result, 0)?,
                related.decode_joined(result, row.width(), J::id_column())?,
            ))
        })
        .collect()
}

/// All children of each parent (`parent` is the foreign-key column), in `order` then id.
pub async fn grouped<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parent: E::Column,
    parents: &[i64],
    extra: Condition,
    order: &[Sort<E::Column>],
) -> Result<HashMap<i64, Vec<E::Model>>> {
    let select = children_of::<E>(db, viewer, parent, parents, extra, order);
    let rows = select.all(db).await?;
    Ok(by_parent(parents, rows, |row| int_of(row, parent)))
}

/// Rows grouped by their parent's id, every parent present (with no rows if it has none).
fn by_parent<T>(
    parents: &[i64],
    rows: Vec<T>,
    parent_of: impl Fn(&T) -> Option<i64>,
) -> HashMap<i64, Vec<T>> {
    let mut groups: HashMap<i64, Vec<T>> = parents.iter().map(|p| (*p, Vec::new())).collect();
    for row in rows {
        if let Some(key) = parent_of(&row) {
            groups.entry(key).or_default().push(row);
        }
    }
    groups
}

/// [`grouped`], each child with its to-one relation `J` (by `foreign_key`) read in the same
/// statement ([`join_one`]).
pub async fn grouped_joined<E: Scoped, J: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parent: E::Column,
    parents: &[i64],
    extra: Condition,
    order: &[Sort<E::Column>],
    foreign_key: E::Column,
) -> Result<HashMap<i64, Vec<Joined<E, J>>>> {
    let select = children_of::<E>(db, viewer, parent, parents, extra, order);
    let rows = read_joined::<E, J>(db, viewer, select, &Columns::All, foreign_key).await?;
    Ok(by_parent(parents, rows, |(row, _)| int_of(row, parent)))
}

/// The children of these parents within the viewer's scope, in `order` then id.
fn children_of<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parent: E::Column,
    parents: &[i64],
    extra: Condition,
    order: &[Sort<E::Column>],
) -> Select<E> {
    let mut select = E::find()
        .filter(among(db.get_database_backend(), parent, parents))
        .filter(E::scope(viewer))
        .filter(extra);
    for key in page::with_tiebreak(order, E::id_column()) {
        select = select.order_by(key.column, page::direction(key.descending, false));
    }
    select
}

/// One page of children for each parent, in one statement:
/// `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)` cut at `limit + 1`.
pub async fn child_pages<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parent: E::Column,
    parents: &[i64],
    extra: Condition,
    order: &[Sort<E::Column>],
    window: &Window,
) -> Result<HashMap<i64, Page<E::Model>>> {
    let keys = page::with_tiebreak(order, E::id_column());
    let mut inner = E::find()
        .filter(among(db.get_database_backend(), parent, parents))
        .filter(E::scope(viewer))
        .filter(extra);
    if let Some(cursor) = &window.cursor {
        inner = inner.filter(page::after_condition(&keys, cursor, window.backward)?);
    }
    let mut over = WindowStatement::partition_by(parent);
    for key in &keys {
        over.order_by(key.column, page::direction(key.descending, window.backward));
    }
    let mut inner = inner.into_query();
    inner.expr_window_as(Expr::cust("ROW_NUMBER()"), over, Alias::new("page_row"));
    let outer = Query::select()
        .column(Asterisk)
        .from_subquery(inner, Alias::new("paged"))
        .and_where(Expr::col(Alias::new("page_row")).lte(window.limit as i64 + 1))
        .order_by(Alias::new("page_row"), sea_orm::Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    let rows = E::find().from_raw_sql(statement).all(db).await?;
    let mut grouped: HashMap<i64, Vec<E::Model>> = HashMap::new();
    for row in rows {
        if let Some(key) = int_of(&row, parent) {
            grouped.entry(key).or_default().push(row);
        }
    }
    Ok(parents
        .iter()
        .map(|p| {
            (
                *p,
                page::assemble(grouped.remove(p).unwrap_or_default(), &keys, window),
            )
        })
        .collect())
}

/// How many children each parent has, in one `GROUP BY` statement.
pub async fn child_counts<E: Scoped>(
    db: &Store,
    viewer: &Viewer,
    parent: E::Column,
    parents: &[i64],
    extra: Condition,
) -> Result<HashMap<i64, i64>> {
    let counts: Vec<(i64, i64)> = E::find()
        .select_only()
        .column(parent)
        .column_as(Expr::col(E::id_column().as_column_ref()).count(), "n")
        .filter(among(db.get_database_backend(), parent, parents))
        .filter(E::scope(viewer))
        .filter(extra)
        .group_by(parent)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i64, i64> = parents.iter().map(|p| (*p, 0)).collect();
    map.extend(counts);
    Ok(map)
}
