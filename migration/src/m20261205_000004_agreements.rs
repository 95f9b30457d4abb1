//! The alliance agreement (联盟协议, Annex 1 §4): legally binding among the members, fixing each
//! party's rights, duties and tasks and naming the body that bears the alliance's external
//! liability; versioned, and acceded to by members admitted later.

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
        table("agreement")
            .reference("alliance_id", "alliance")
            .col(string("agreement_version"))
            .unique(&["alliance_id", "agreement_version"])
            .col(date("signed_on"))
            .reference("liable_unit_id", "organization")
            .col(text_null("summary"))
            .mutable(),
        table("agreement_party")
            .reference("agreement_id", "agreement")
            .reference("alliance_id", "alliance")
            .reference("organization_id", "organization")
            .unique(&["agreement_id", "organization_id"])
            .col(text_null("rights"))
            .col(text_null("duties"))
            .col(text_null("tasks"))
            .col(date("acceded_on"))
            .optional_reference("membership_id", "membership")
            .mutable(),
    ]
}
