//! Cost spending: what each replica charged each principal per minute, read by every replica to
//! enforce budgets across the fleet.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cost_spending")
                    .col(string_len("principal", 200))
                    .col(big_integer("minute"))
                    .col(string_len("replica", 32))
                    .col(big_integer("spent"))
                    .primary_key(
                        Index::create()
                            .col("minute")
                            .col("principal")
                            .col("replica"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("cost_spending").to_owned())
            .await
    }
}
