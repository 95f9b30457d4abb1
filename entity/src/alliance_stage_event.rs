//! `alliance_stage_event`: One step of an alliance's formation history (append-only).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "alliance_stage_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub from_stage: Option<AllianceStage>,
    pub to_stage: AllianceStage,
    pub occurred_on: Date,
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
