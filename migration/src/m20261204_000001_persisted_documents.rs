//! Persisted documents: GraphQL documents registered by their SHA-256 (automatic persisted
//! queries), shared by every replica.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("persisted_document")
                    .col(string_len("hash", 64).primary_key())
                    .col(text("document"))
                    .col(timestamp_with_time_zone("registered_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("persisted_document").to_owned())
            .await
    }
}
