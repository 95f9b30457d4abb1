//! `project`: A joint project of an alliance.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub code: String,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub kind: ProjectKind,
    pub budget: i64,
    pub stage: ProjectStage,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub proposed_on: Date,
    pub review_meeting_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub review_feasibility: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub review_budget: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub review_plan: Option<String>,
    pub reviewed_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub started_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub is_demo: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
