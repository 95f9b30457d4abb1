//! `working_group`: A working group of an alliance (policy research, standards, ...).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "working_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub kind: WorkingGroupKind,
    pub name_zh: String,
    pub name_en: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: Option<String>,
    pub established_on: Date,
    pub dissolved_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
