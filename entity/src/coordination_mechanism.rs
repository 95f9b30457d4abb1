//! `coordination_mechanism`: An arrangement of the cities and the base to coordinate the alliances.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "coordination_mechanism")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name_zh: String,
    pub name_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub purpose: Option<String>,
    pub established_on: Date,
    /// The city or base that convenes it.
    pub lead_municipality_id: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
