//! `organization`: Every unit: enterprises, universities, institutes, associations, financial institutions.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: OrganizationKind,
    pub uscc: Option<String>,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub municipality_id: Option<i64>,
    pub park_id: Option<i64>,
    pub region_code: String,
    pub region_name: String,
    pub address: Option<String>,
    pub website: Option<String>,
    pub is_demo: bool,
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
