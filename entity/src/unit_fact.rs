//! `unit_fact`: one narrow row per live unit, what enterprise statistics group by and add up;
//! kept by database triggers from `organization`, `enterprise_profile` and
//! `organization_segment` (read it, never write it).

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "unit_fact")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    pub kind: OrganizationKind,
    pub municipality_id: Option<i64>,
    pub park_id: Option<i64>,
    pub record_key: i64,
    /// The unit's primary chain segment and that segment's sector.
    pub segment_id: Option<i64>,
    pub sector_id: Option<i64>,
    pub has_profile: bool,
    pub scale: Option<EnterpriseScale>,
    pub is_backbone: Option<bool>,
    pub is_leading: Option<bool>,
    pub founded_year: Option<i32>,
    pub employees: Option<i32>,
    pub annual_revenue: Option<i64>,
    pub rnd_spend: Option<i64>,
    pub tax_paid: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
