//! `support_measure`: A support measure granted by one department, or by one city or the base
//! (exactly one of `department_id` and `municipality_id`).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "support_measure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub kind: SupportKind,
    pub title: String,
    pub beneficiary_organization_id: Option<i64>,
    pub beneficiary_alliance_id: Option<i64>,
    pub amount: i64,
    pub granted_on: Date,
    pub status: SupportStatus,
    pub is_demo: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
