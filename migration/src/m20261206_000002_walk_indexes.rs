//! Chain walks from the index alone (issue 15): each level of a walk looks up the links of the
//! units reached so far by supplier (downstream) or customer (upstream) and reads the other end,
//! the link's id, its segment and whether it is archived. Two indexes carrying those columns
//! replace the two foreign-key indexes, so a level is an index-only scan instead of one heap
//! fetch per link (on PostgreSQL as `INCLUDE` columns, on SQLite as trailing key columns, which
//! it reads the same way). Lookups by supplier or customer alone use them as before.
//!
//! The migration runs in one transaction on both databases (SQLite's schema changes are
//! transactional too), so an interrupted run leaves the old indexes; each new index is created
//! before the old one is dropped, under a name of its own.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each walk's index, the foreign-key index it replaces, the column both look up by, and the
/// column at the other end of a link.
const WALKED: [(&str, &str, &str, &str); 2] = [
    (
        "ix_supply_link_walk_down",
        "ix_supply_link_supplier_id",
        "supplier_id",
        "customer_id",
    ),
    (
        "ix_supply_link_walk_up",
        "ix_supply_link_customer_id",
        "customer_id",
        "supplier_id",
    ),
];

/// What a walk reads of a link besides the column it looks up by and the other end.
const CARRIED: [&str; 3] = ["id", "segment_id", "archived_at"];

async fn drop_index(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table("supply_link").to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// sea-orm-migration runs SQLite migrations outside a transaction, each statement on any
    /// pooled connection; this one replaces indexes, all or nothing.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for (walk, foreign_key, by, other) in WALKED {
            let mut index = Index::create();
            index.name(walk).table("supply_link").col(by);
            for column in [other].into_iter().chain(CARRIED) {
                if postgres {
                    index.include(column);
                } else {
                    index.col(column);
                }
            }
            manager.create_index(index).await?;
            drop_index(manager, foreign_key).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (walk, foreign_key, by, _) in WALKED {
            manager
                .create_index(
                    Index::create()
                        .name(foreign_key)
                        .table("supply_link")
                        .col(by)
                        .to_owned(),
                )
                .await?;
            drop_index(manager, walk).await?;
        }
        Ok(())
    }
}
