//! `industrial_park`: An industrial park or development zone inside the metro area.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "industrial_park")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub municipality_id: i64,
    pub division_code: String,
    pub level: ParkLevel,
    pub name_zh: String,
    pub name_en: String,
    #[sea_orm(column_type = "Text")]
    pub main_industries: String,
    pub archived_at: Option<DateTimeUtc>,
    /// WGS-84 longitude in degrees (east).
    pub longitude: Option<f64>,
    /// WGS-84 latitude in degrees (north).
    pub latitude: Option<f64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
