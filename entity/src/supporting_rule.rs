//! `supporting_rule`: One version of a charter's supporting rule (配套制度): decision-making,
//! financial management, member admission.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "supporting_rule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub kind: SupportingRuleKind,
    pub title: String,
    pub rule_version: String,
    pub adopted_on: Date,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub resolution_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
