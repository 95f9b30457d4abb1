//! `enterprise_designation`: A designation granted to an enterprise (专精特新, 高新技术企业, …).

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::enums::Designation;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "enterprise_designation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub kind: Designation,
    pub granted_year: i32,
    /// The last year it holds, for designations granted for a term; `None`: until revoked.
    pub valid_until_year: Option<i32>,
    /// The granting (or, for national designations, recommending) department, if any.
    pub department_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
