//! `token_revocation`: a revoked token (by `jti`) or a subject whose tokens issued before
//! `not_before` are refused. Append-only; every replica reads it.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "token_revocation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub jti: Option<String>,
    pub subject: Option<String>,
    /// The subject's tokens issued before this are refused.
    pub not_before: Option<DateTimeUtc>,
    /// When the revoked token would have expired anyway (the entry may then be forgotten).
    pub expires_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
