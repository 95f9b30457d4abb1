//! `agreement`: One version of an alliance agreement (联盟协议) and the liable unit it names.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "agreement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub agreement_version: String,
    pub signed_on: Date,
    /// The body bearing the alliance's external liability (对外承担责任的主体).
    pub liable_unit_id: i64,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
