//! `audit_event`: Append-only record of every mutation, allowed or denied.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor: String,
    pub role: String,
    pub department: Option<String>,
    pub operation: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub alliance_id: Option<i64>,
    pub outcome: AuditOutcome,
    #[sea_orm(column_type = "Text")]
    pub before_state: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub after_state: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub message: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
