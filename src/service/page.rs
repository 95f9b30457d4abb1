//! Keyset pagination for every list: cursors carry the sort-key values of a row, so page 5000
//! costs what page 1 costs (no OFFSET). `id` is always the last sort key, making every order total.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ModelTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Select, TryIntoModel, Value,
};
use serde::{Deserialize, Serialize};

use super::{decode, load::Columns};
use crate::error::{Error, Result};

/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when the caller names none.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// What the caller asked for, in Relay's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// A sort key: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort<C> {
    pub column: C,
    pub descending: bool,
}

impl<C> Sort<C> {
    pub fn asc(column: C) -> Self {
        Self {
            column,
            descending: false,
        }
    }
}

/// One page of rows with their cursors.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(String, T)>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl<T> Page<T> {
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self
                .items
                .into_iter()
                .map(|(cursor, item)| (cursor, f(item)))
                .collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
        }
    }
}

/// The validated request: how many rows, from where, in which direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub limit: u64,
    pub cursor: Option<Vec<Value>>,
    pub backward: bool,
}

impl PageRequest {
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            last: None,
            before: None,
        }
    }

    /// Checks the request: `first` and `last` are 1–100 and not both given.
    pub fn window(&self) -> Result<Window> {
        let size = |name: &str, n: i32| {
            if (1..=MAX_PAGE_SIZE).contains(&n) {
                Ok(n as u64)
            } else {
                Err(Error::bad_input(format!(
                    "`{name}` must be between 1 and {MAX_PAGE_SIZE}, got {n}"
                )))
            }
        };
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(Error::bad_input("give `first` or `last`, not both")),
            (_, Some(last)) => Ok(Window {
                limit: size("last", last)?,
                cursor: decode_opt(&self.before)?,
                backward: true,
            }),
            (first, None) if self.before.is_some() && first.is_none() => Ok(Window {
                limit: DEFAULT_PAGE_SIZE as u64,
                cursor: decode_opt(&self.before)?,
                backward: true,
            }),
            (first, None) => Ok(Window {
                limit: size("first", first.unwrap_or(DEFAULT_PAGE_SIZE))?,
                cursor: decode_opt(&self.after)?,
                backward: false,
            }),
        }
    }
}

/// Fetches one page of `select` in `order` (with `id` appended as the final key).
pub async fn fetch<E, C>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    columns: &Columns<C>,
    order: &[Sort<E::Column>],
    request: &PageRequest,
    id: E::Column,
) -> Result<Page<E::Model>>
where
    E: EntityTrait<Column = C>,
    E::ActiveModel: TryIntoModel<E::Model> + Clone + Send + Sync,
    C: ColumnTrait,
{
    let window = request.window()?;
    let keys = with_tiebreak(order, id);
    let rows = decode::read(db, windowed(select, &keys, &window)?, columns).await?;
    Ok(assemble(rows, &keys, &window))
}

/// [`fetch`] for rows read with a to-one relation joined (`Listing::page_joined`), by `read`
/// (which joins and decodes); the cursor is the first row's.
pub async fn fetch_joined<E, J, R, F>(
    select: Select<E>,
    order: &[Sort<E::Column>],
    request: &PageRequest,
    id: E::Column,
    read: R,
) -> Result<Page<(E::Model, J)>>
where
    E: EntityTrait,
    R: FnOnce(Select<E>) -> F,
    F: Future<Output = Result<Vec<(E::Model, J)>>>,
{
    let window = request.window()?;
    let keys = with_tiebreak(order, id);
    let rows = read(windowed(select, &keys, &window)?).await?;
    Ok(assemble_by(rows, &window, |(row, _)| cursor_of(row, &keys)))
}

/// A select cut to one window: after the cursor, in the keys' order, one row past the limit.
fn windowed<S, C>(mut select: S, keys: &[Sort<C>], window: &Window) -> Result<S>
where
    S: QueryFilter + QueryOrder + QuerySelect,
    C: ColumnTrait,
{
    if let Some(cursor) = &window.cursor {
        select = select.filter(after_condition(keys, cursor, window.backward)?);
    }
    for key in keys {
        select = select.order_by(key.column, direction(key.descending, window.backward));
    }
    Ok(select.limit(window.limit + 1))
}

/// Appends `id` ascending unless the order already ends with it.
pub fn with_tiebreak<C: ColumnTrait>(order: &[Sort<C>], id: C) -> Vec<Sort<C>> {
    let mut keys = order.to_vec();
    if !keys.iter().any(|k| k.column.as_str() == id.as_str()) {
        keys.push(Sort::asc(id));
    }
    keys
}

pub fn direction(descending: bool, backward: bool) -> Order {
    if descending ^ backward {
        Order::Desc
    } else {
        Order::Asc
    }
}

/// Rows strictly after the cursor in the (possibly reversed) order. When every key runs the same
/// way this is a row-value comparison, `k1 >= v1 AND (k1, k2) > (v1, v2)`: the redundant bound on
/// the first key lets both planners start an index range scan at the cursor. Mixed directions
/// expand to `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR …`.
pub fn after_condition<C: ColumnTrait>(
    keys: &[Sort<C>],
    cursor: &[Value],
    backward: bool,
) -> Result<Condition> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    if cursor.len() != keys.len() {
        return Err(Error::bad_input(
            "the cursor does not belong to this list or order",
        ));
    }
    let first = keys.first().map(|k| direction(k.descending, backward));
    if let Some(way) = first.filter(|way| {
        keys.iter()
            .all(|k| direction(k.descending, backward) == *way)
    }) {
        let columns = Expr::tuple(keys.iter().map(|k| Expr::col(k.column.as_column_ref())));
        let values = Expr::tuple(cursor.iter().cloned().map(Expr::val));
        let lead = Expr::col(keys[0].column.as_column_ref());
        let (range, compared) = match way {
            Order::Asc => (lead.gte(Expr::val(cursor[0].clone())), columns.gt(values)),
            _ => (lead.lte(Expr::val(cursor[0].clone())), columns.lt(values)),
        };
        return Ok(Condition::all().add(range).add(compared));
    }
    let mut any = Condition::any();
    for (k, key) in keys.iter().enumerate() {
        let mut all = Condition::all();
        for (earlier, value) in keys[..k].iter().zip(cursor) {
            all = all.add(earlier.column.eq(value.clone()));
        }
        let value = cursor[k].clone();
        all = all.add(match direction(key.descending, backward) {
            Order::Asc => key.column.gt(value),
            _ => key.column.lt(value),
        });
        any = any.add(all);
    }
    Ok(any)
}

/// Turns `limit + 1` fetched rows into a page, in the caller's order.
pub fn assemble<M: ModelTrait>(
    rows: Vec<M>,
    keys: &[Sort<<M::Entity as EntityTrait>::Column>],
    window: &Window,
) -> Page<M> {
    assemble_by(rows, window, |row| cursor_of(row, keys))
}

/// The cursor of a row: its sort keys' values.
fn cursor_of<M: ModelTrait>(row: &M, keys: &[Sort<<M::Entity as EntityTrait>::Column>]) -> String {
    let values: Vec<Value> = keys.iter().map(|k| row.get(k.column)).collect();
    encode_cursor(&values)
}

/// [`assemble`] for any row, given its cursor.
fn assemble_by<T>(mut rows: Vec<T>, window: &Window, cursor: impl Fn(&T) -> String) -> Page<T> {
    let more = rows.len() as u64 > window.limit;
    rows.truncate(window.limit as usize);
    if window.backward {
        rows.reverse();
    }
    let items = rows.into_iter().map(|row| (cursor(&row), row)).collect();
    let has_cursor = window.cursor.is_some();
    let (has_next, has_previous) = if window.backward {
        (has_cursor, more)
    } else {
        (more, has_cursor)
    };
    Page {
        items,
        has_next,
        has_previous,
    }
}

/// A cursor value, typed so that it binds as the column's own type on every backend.
#[derive(Debug, Serialize, Deserialize)]
enum Key {
    #[serde(rename = "i")]
    Int(i64),
    #[serde(rename = "s")]
    Text(String),
    #[serde(rename = "b")]
    Bool(bool),
    #[serde(rename = "d")]
    Date(chrono::NaiveDate),
    #[serde(rename = "t")]
    Time(chrono::DateTime<chrono::Utc>),
    #[serde(rename = "n")]
    Null,
}

/// The cursor of a list ordered by id alone (the change feed).
pub fn id_cursor(id: i64) -> String {
    encode_cursor(&[Value::BigInt(Some(id))])
}

pub fn encode_cursor(values: &[Value]) -> String {
    let keys: Vec<Key> = values
        .iter()
        .map(|value| match value {
            Value::BigInt(Some(v)) => Key::Int(*v),
            Value::Int(Some(v)) => Key::Int(i64::from(*v)),
            Value::String(Some(v)) => Key::Text(v.to_string()),
            Value::Bool(Some(v)) => Key::Bool(*v),
            Value::ChronoDate(Some(v)) => Key::Date(*v),
            Value::ChronoDateTimeUtc(Some(v)) => Key::Time(*v),
            _ => Key::Null,
        })
        .collect();
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&keys).unwrap_or_default())
}

fn decode_opt(cursor: &Option<String>) -> Result<Option<Vec<Value>>> {
    cursor.as_deref().map(decode_cursor).transpose()
}

pub fn decode_cursor(cursor: &str) -> Result<Vec<Value>> {
    let bad = || Error::bad_input(format!("`{cursor}` is not a valid cursor"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let keys: Vec<Key> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    keys.into_iter()
        .map(|key| match key {
            Key::Int(v) => Ok(Value::BigInt(Some(v))),
            Key::Text(v) => Ok(Value::String(Some(v))),
            Key::Bool(v) => Ok(Value::Bool(Some(v))),
            Key::Date(v) => Ok(Value::ChronoDate(Some(v))),
            Key::Time(v) => Ok(Value::ChronoDateTimeUtc(Some(v))),
            Key::Null => Err(bad()),
        })
        .collect()
}
