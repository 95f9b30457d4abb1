//! `charter`: One version of an alliance's charter (章程) with the governance parameters it sets.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "charter")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub charter_version: String,
    pub drafted_on: Date,
    pub adopted_on: Option<Date>,
    pub signed_on: Option<Date>,
    /// The general-assembly resolution that adopted an amendment.
    pub resolution_id: Option<i64>,
    pub director_term_years: Option<i32>,
    pub vice_chair_term_years: Option<i32>,
    pub secretary_general_term_years: Option<i32>,
    pub expert_term_years: Option<i32>,
    pub assembly_quorum: Threshold,
    pub assembly_majority: Threshold,
    pub council_quorum: Threshold,
    pub council_majority: Threshold,
    pub expert_quorum: Threshold,
    pub expert_majority: Threshold,
    pub admission_body: AdmissionBody,
    pub chair_unit_preference: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
