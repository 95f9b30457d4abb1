//! `cost_spending`: the cost points one replica has charged to one principal in one minute, so
//! that every replica can add up a principal's spending (rate-limit budgets).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cost_spending")]
pub struct Model {
    /// `sub:<token subject>` or `ip:<client address>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub principal: String,
    /// The minute, in minutes since the Unix epoch.
    #[sea_orm(primary_key, auto_increment = false)]
    pub minute: i64,
    /// The replica that charged it (random per process).
    #[sea_orm(primary_key, auto_increment = false)]
    pub replica: String,
    pub spent: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
