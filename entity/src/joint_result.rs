//! `joint_result`: A result of an alliance's joint work (IP, a standard, a new product).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "joint_result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub project_id: Option<i64>,
    pub kind: ResultKind,
    pub title: String,
    /// A patent or standard number, where one is granted.
    pub reference: Option<String>,
    pub achieved_on: Date,
    /// Licensed to, or shared with, the alliance's members.
    pub shared_with_members: bool,
    /// The park where the result is put into production (落地).
    pub park_id: Option<i64>,
    pub in_production_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
