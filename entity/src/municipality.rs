//! `municipality`: One of the 'three cities and one base' (reference data).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "municipality")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: MunicipalityCode,
    pub kind: MunicipalityKind,
    pub division_code: String,
    pub name_zh: String,
    pub name_en: String,
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
