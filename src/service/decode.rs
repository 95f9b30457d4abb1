//! Rows decoded by position. sea-orm's own decoding looks every column up by name, formats each
//! prefixed name again for every row of a join and formats an error for every NULL it meets:
//! for the short rows of a page that cost more than the database's work. Here a select reads the
//! columns a [`Columns`] set names, in a known order, and each row is decoded by index; the
//! columns not read are set to their type's empty value in Rust (as [`Columns`] promises) instead
//! of being sent by the database.
//!
//! Where a table has a column this module cannot decode (or give an empty value), [`Decoder::new`]
//! answers `None` and the caller lets sea-orm decode the rows as before: correct first, fast where
//! it can be.

use sea_orm::{
    ActiveModelTrait, ColumnDef, ColumnTrait, ColumnType, ConnectionTrait, DbErr, EntityTrait,
    IdenStatic, Iterable, QueryResult, QuerySelect, QueryTrait, Select, TryIntoModel, Value,
};

use super::load::Columns;
use crate::error::Result;

/// How a column's value is read from a row.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Int,
    BigInt,
    Bool,
    Double,
    Timestamp,
    Date,
}

impl Kind {
    fn of(column_type: &ColumnType) -> Option<Self> {
        Some(match column_type {
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Self::Text,
            ColumnType::Integer => Self::Int,
            ColumnType::BigInteger => Self::BigInt,
            ColumnType::Boolean => Self::Bool,
            ColumnType::Double => Self::Double,
            ColumnType::TimestampWithTimeZone => Self::Timestamp,
            ColumnType::Date => Self::Date,
            _ => return None,
        })
    }

    /// The type's empty value: NULL where the column allows it.
    fn empty(self, nullable: bool) -> Value {
        let value = !nullable;
        match self {
            Self::Text => Value::String(value.then(String::new)),
            Self::Int => Value::Int(value.then_some(0)),
            Self::BigInt => Value::BigInt(value.then_some(0)),
            Self::Bool => Value::Bool(value.then_some(false)),
            Self::Double => Value::Double(value.then_some(0.0)),
            Self::Timestamp => {
                Value::ChronoDateTimeUtc(value.then_some(chrono::DateTime::UNIX_EPOCH))
            }
            Self::Date => Value::ChronoDate(value.then_some(chrono::NaiveDate::MIN)),
        }
    }

    fn read(self, row: &QueryResult, index: usize) -> std::result::Result<Value, DbErr> {
        Ok(match self {
            Self::Text => Value::String(row.try_get_by_index(index)?),
            Self::Int => Value::Int(row.try_get_by_index(index)?),
            Self::BigInt => Value::BigInt(row.try_get_by_index(index)?),
            Self::Bool => Value::Bool(row.try_get_by_index(index)?),
            Self::Double => Value::Double(row.try_get_by_index(index)?),
            Self::Timestamp => Value::ChronoDateTimeUtc(row.try_get_by_index(index)?),
            Self::Date => Value::ChronoDate(row.try_get_by_index(index)?),
        })
    }
}

/// The value standing in for a column nobody asked for (see [`Columns`]): its type's empty value;
/// `None` for a type this module does not read, which is then always read.
pub fn empty_value(column: &ColumnDef) -> Option<Value> {
    Kind::of(column.get_column_type()).map(|kind| kind.empty(column.is_null()))
}

/// Decodes rows of `E` read with [`Decoder::select`], from a given position in the row.
pub struct Decoder<E: EntityTrait> {
    /// The columns read, in the order the select names them.
    read: Vec<(E::Column, Kind)>,
    /// Every column not read, already set to its empty value.
    template: E::ActiveModel,
}

impl<E: EntityTrait> Decoder<E>
where
    E::ActiveModel: TryIntoModel<E::Model> + Clone + Send + Sync,
{
    /// A decoder reading `columns` (and any column with no empty value); `None` if a column of
    /// the table is of a type it cannot read.
    pub fn new(columns: &Columns<E::Column>) -> Option<Self> {
        let mut template = <E::ActiveModel as ActiveModelTrait>::default();
        let mut read = Vec::new();
        for column in E::Column::iter() {
            let def = column.def();
            let empty = (!columns.contains(&column))
                .then(|| empty_value(&def))
                .flatten();
            match empty {
                Some(empty) => template.try_set(column, empty).ok()?,
                None => read.push((column, Kind::of(def.get_column_type())?)),
            }
        }
        Some(Self { read, template })
    }

    /// How many columns of a row this decoder reads.
    pub fn width(&self) -> usize {
        self.read.len()
    }

    /// The columns read, added to `select` in the decoder's order.
    pub fn columns<S: QuerySelect>(&self, mut select: S) -> S {
        for (column, _) in &self.read {
            select = select.column(*column);
        }
        select
    }

    /// The row's model, from its columns starting at `at`.
    pub fn decode(&self, row: &QueryResult, at: usize) -> Result<E::Model> {
        let mut model = self.template.clone();
        for (offset, (column, kind)) in self.read.iter().enumerate() {
            model.try_set(*column, kind.read(row, at + offset)?)?;
        }
        Ok(model.try_into_model()?)
    }

    /// The row's model, or `None` when the columns starting at `at` came from the missing side
    /// of a left join (its id, `id`, is NULL).
    pub fn decode_joined(
        &self,
        row: &QueryResult,
        at: usize,
        id: E::Column,
    ) -> Result<Option<E::Model>> {
        let position = self
            .read
            .iter()
            .position(|(column, _)| column.as_str() == id.as_str());
        match position {
            Some(position)
                if row
                    .try_get_by_index::<Option<i64>>(at + position)?
                    .is_none() =>
            {
                Ok(None)
            }
            _ => self.decode(row, at).map(Some),
        }
    }
}

/// The rows of `select`, reading `columns` (see [`Columns`]).
pub async fn read<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    columns: &Columns<E::Column>,
) -> Result<Vec<E::Model>>
where
    E::ActiveModel: TryIntoModel<E::Model> + Clone + Send + Sync,
{
    let Some(decoder) = Decoder::<E>::new(columns) else {
        return Ok(columns.apply(select).all(db).await?);
    };
    let statement = decoder
        .columns(select.select_only())
        .build(db.get_database_backend());
    let rows = db.query_all_raw(statement).await?;
    // Sized up front: collecting results grows the vector from empty, copying every model so far
    // at each doubling, and a chain walk's models are a thousand rows of a wide table.
    let mut models = Vec::with_capacity(rows.len());
    for row in &rows {
        models.push(decoder.decode(row, 0)?);
    }
    Ok(models)
}
