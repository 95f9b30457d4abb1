//! `enterprise_profile`: Facts only enterprises have (1:1 with organization). Figures are restricted.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "enterprise_profile")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    pub scale: EnterpriseScale,
    pub is_backbone: bool,
    pub is_leading: bool,
    pub employees: i32,
    pub annual_revenue: i64,
    pub rnd_spend: i64,
    pub tax_paid: i64,
    pub founded_year: i32,
    pub industry_class: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
