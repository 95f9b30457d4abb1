//! Typed filters (`eq`, `in`, `contains`, `gte`/`lte`, `and`/`or`/`not`) turned into SQL conditions.
//!
//! Each service names the fields a caller may filter on (an enum implementing [`Field`]); fields
//! whose values are restricted are simply not offered, so a filter can never probe a withheld value.

use sea_orm::{
    ColumnTrait, Condition, Value,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

/// A filter over the fields `F` of one kind of object.
#[derive(Debug, Clone)]
pub enum Filter<F> {
    Is(F, Op),
    All(Vec<Filter<F>>),
    Any(Vec<Filter<F>>),
    Not(Box<Filter<F>>),
}

/// A comparison on one field.
#[derive(Debug, Clone)]
pub enum Op {
    Eq(Scalar),
    In(Vec<Scalar>),
    /// Case-insensitive substring match.
    Contains(String),
    Gte(Scalar),
    Lte(Scalar),
}

/// A value to compare with.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Int(i64),
    Text(String),
    Bool(bool),
    Date(chrono::NaiveDate),
}

impl From<Scalar> for Value {
    fn from(scalar: Scalar) -> Self {
        match scalar {
            Scalar::Int(v) => Value::BigInt(Some(v)),
            Scalar::Text(v) => Value::String(Some(v)),
            Scalar::Bool(v) => Value::Bool(Some(v)),
            Scalar::Date(v) => Value::ChronoDate(Some(v)),
        }
    }
}

/// A field that can be filtered on: how a comparison on it reads in SQL.
pub trait Field {
    fn condition(&self, op: &Op) -> Condition;
}

impl<F: Field> Filter<F> {
    pub fn condition(&self) -> Condition {
        self.condition_reading(&F::condition)
    }
}

impl<F> Filter<F> {
    /// The condition, each comparison read by `read`: a statement that already joins a field's
    /// table reads the field there instead of through a subquery.
    pub fn condition_reading(&self, read: &impl Fn(&F, &Op) -> Condition) -> Condition {
        match self {
            Filter::Is(field, op) => read(field, op),
            Filter::All(parts) => parts
                .iter()
                .fold(Condition::all(), |c, p| c.add(p.condition_reading(read))),
            Filter::Any(parts) => parts
                .iter()
                .fold(Condition::any(), |c, p| c.add(p.condition_reading(read))),
            Filter::Not(inner) => inner.condition_reading(read).not(),
        }
    }
}

/// The usual reading of a comparison on a plain column.
pub fn on_column<C: ColumnTrait>(column: C, op: &Op) -> Condition {
    let condition = match op {
        Op::Eq(v) => column.eq(Value::from(v.clone())),
        Op::In(values) => column.is_in(values.iter().cloned().map(Value::from)),
        Op::Gte(v) => column.gte(Value::from(v.clone())),
        Op::Lte(v) => column.lte(Value::from(v.clone())),
        Op::Contains(text) => {
            let escaped = text
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            Expr::expr(Func::lower(Expr::col(column.as_column_ref())))
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
        }
    };
    Condition::all().add(condition)
}
