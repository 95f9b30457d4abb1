//! `alliance_report`: An alliance's annual work plan or report, or an expert committee report.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "alliance_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub kind: ReportKind,
    pub year: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub submitted_on: Date,
    /// The council or assembly resolution that reviewed it.
    pub resolution_id: Option<i64>,
    pub reviewed_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
