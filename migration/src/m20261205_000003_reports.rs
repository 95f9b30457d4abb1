//! An alliance's annual work plans and work reports (submitted by the secretariat, reviewed by
//! the council or the general assembly) and the expert committee's reports to the members
//! (Annex 2 §一). One work plan and one work report per alliance and year.

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
        table("alliance_report")
            .reference("alliance_id", "alliance")
            .col(code("kind"))
            .col(integer("year"))
            .col(string("title"))
            .col(text_null("summary"))
            .col(date("submitted_on"))
            .optional_reference("resolution_id", "resolution")
            .col(date_null("reviewed_on"))
            .partial_unique(
                "ux_alliance_report_yearly",
                &["alliance_id", "kind", "year"],
                "kind IN ('WORK_PLAN', 'WORK_REPORT')",
            )
            .mutable(),
    ]
}
