//! `alliance`: A key-industry alliance and where it stands in its formation.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "alliance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sector_id: i64,
    pub stage: AllianceStage,
    pub convener_id: Option<i64>,
    pub chair_unit_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub chair_unit_reason: Option<String>,
    pub liability_unit_id: Option<i64>,
    pub charter_version: Option<String>,
    pub charter_adopted_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub founded_on: Option<Date>,
    pub dissolved_on: Option<Date>,
    pub is_demo: bool,
    pub formation_mode: Option<FormationMode>,
    /// The municipality that registered the initiative (none: the office did).
    pub registered_by_municipality_id: Option<i64>,
    /// When the office confirmed the initiative (at once when the office registered it).
    pub initiative_confirmed_on: Option<Date>,
    /// The unit hosting the secretariat (秘书处), named when the bodies are formed.
    pub secretariat_unit_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
