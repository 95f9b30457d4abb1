//! Coordination mechanisms (协调机制, plan §四(一)): arrangements the three cities and the
//! Ningdong base set up to push the alliances forward, and which of them take part in each.

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::{TableSpec, create_all, drop_all, table};

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
        table("coordination_mechanism")
            .col(string("name_zh"))
            .col(string_null("name_en"))
            .col(text_null("purpose"))
            .col(date("established_on"))
            .reference("lead_municipality_id", "municipality")
            .mutable(),
        table("mechanism_member")
            .reference("mechanism_id", "coordination_mechanism")
            .reference("municipality_id", "municipality")
            .unique(&["mechanism_id", "municipality_id"])
            .col(date("joined_on"))
            .created(),
    ]
}
