//! Identity: the API clients that department systems sign in with (client credentials), and
//! the revocations that every replica honours (a token's `jti`, or a subject's tokens issued
//! before a moment).

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::{TableSpec, code, code_null, create_all, drop_all, table};

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
        table("api_client")
            .col(string_len("client_id", 64))
            .unique(&["client_id"])
            .col(string("name"))
            .col(code("role"))
            .col(code_null("department"))
            .col(code_null("municipality"))
            .optional_reference("alliance_id", "alliance")
            .col(string("secret_hash"))
            .col(string_null("previous_secret_hash"))
            .col(timestamp_with_time_zone_null("previous_secret_until"))
            .col(timestamp_with_time_zone_null("disabled_at"))
            .col(timestamp_with_time_zone_null("last_used_at"))
            .col(string("created_by"))
            .mutable(),
        table("token_revocation")
            .col(string_len_null("jti", 200))
            .col(string_null("subject"))
            .col(timestamp_with_time_zone_null("not_before"))
            .col(timestamp_with_time_zone_null("expires_at"))
            .col(text_null("reason"))
            .col(string("created_by"))
            .created(),
    ]
}
