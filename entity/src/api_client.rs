//! `api_client`: a department system's credentials (OAuth 2.0 client credentials). Its secrets
//! are stored only as argon2 hashes.

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::enums::{DepartmentCode, MunicipalityCode};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "api_client")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The public name the system signs in with (`client_id`).
    pub client_id: String,
    pub name: String,
    /// The hub role its tokens carry (`OFFICE`, `DEPARTMENT`, …).
    pub role: String,
    pub department: Option<DepartmentCode>,
    pub municipality: Option<MunicipalityCode>,
    pub alliance_id: Option<i64>,
    /// Never serialized: the audit trail and the change feed must not hold it.
    #[serde(skip)]
    pub secret_hash: String,
    /// The secret being replaced, valid until `previous_secret_until`.
    #[serde(skip)]
    pub previous_secret_hash: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    /// When it last obtained a token.
    pub last_used_at: Option<DateTimeUtc>,
    /// The subject that registered it.
    pub created_by: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
