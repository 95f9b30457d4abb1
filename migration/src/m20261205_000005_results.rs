//! Results of joint work (plan §二 二是, §四(三)): patents and other intellectual property with
//! the units holding them and their shares, standards and new products, linked to the project
//! and the support measures that funded them, and the park where a result is put into
//! production.

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::{TableSpec, code, create_all, drop_all, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}

fn tables() -> Vec<TableSpec> {
    vec![
        table("joint_result")
            .reference("alliance_id", "alliance")
            .optional_reference("project_id", "project")
            .col(code("kind"))
            .col(string("title"))
            .col(string_null("reference"))
            .col(date("achieved_on"))
            .col(boolean("shared_with_members"))
            .optional_reference("park_id", "industrial_park")
            .col(date_null("in_production_on"))
            .mutable(),
        table("result_holder")
            .reference("result_id", "joint_result")
            .reference("alliance_id", "alliance")
            .reference("organization_id", "organization")
            .unique(&["result_id", "organization_id"])
            .col(integer("share_percent"))
            .created(),
        table("result_funding")
            .reference("result_id", "joint_result")
            .reference("alliance_id", "alliance")
            .reference("support_measure_id", "support_measure")
            .unique(&["result_id", "support_measure_id"])
            .created(),
    ]
}
