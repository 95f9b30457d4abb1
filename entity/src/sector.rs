//! `sector`: A key industry: one alliance each is planned (reference data).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "sector")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: SectorCode,
    pub name_zh: String,
    pub name_en: String,
    pub industry_divisions: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
