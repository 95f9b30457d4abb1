//! `post`: A post held in an alliance body by a person for a unit, for a term.

use sea_orm::entity::prelude::*;

use crate::enums::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "post")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alliance_id: i64,
    pub body: Body,
    pub kind: PostKind,
    pub person_id: i64,
    pub organization_id: Option<i64>,
    pub working_group_id: Option<i64>,
    pub term_start: Date,
    pub term_end: Option<Date>,
    pub ended_on: Option<Date>,
    pub resolution_id: Option<i64>,
    pub decided_how: Decision,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
