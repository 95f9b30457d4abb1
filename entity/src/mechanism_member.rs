//! `mechanism_member`: A city or the base taking part in a coordination mechanism.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "mechanism_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub mechanism_id: i64,
    pub municipality_id: i64,
    pub joined_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
