//! `agreement_party`: A member party to an alliance agreement, with its rights, duties and tasks.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "agreement_party")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement_id: i64,
    pub alliance_id: i64,
    pub organization_id: i64,
    #[sea_orm(column_type = "Text")]
    pub rights: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub duties: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub tasks: Option<String>,
    /// When the unit became a party: the signing, or its accession after admission.
    pub acceded_on: Date,
    /// The admission that made it accede (none for the original signatories).
    pub membership_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
