//! `charter_consent`: An initiating unit's consent to a version of the charter draft.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "charter_consent")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub organization_id: i64,
    pub charter_version: String,
    pub consented_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
