//! `person`: A person: representative, expert or staff. Contact details are personal data.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub organization_id: Option<i64>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub is_demo: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
