//! `resolution`: A resolution voted at a meeting (immutable record).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "resolution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    pub kind: ResolutionKind,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    pub person_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub votes_for: i32,
    pub votes_against: i32,
    pub votes_abstain: i32,
    pub passed: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
