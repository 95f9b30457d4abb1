//! `membership`: An organization's membership of an alliance.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "membership")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub organization_id: i64,
    pub status: MembershipStatus,
    pub is_initiator: bool,
    pub applied_on: Date,
    pub joined_on: Option<Date>,
    pub left_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub decision_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
