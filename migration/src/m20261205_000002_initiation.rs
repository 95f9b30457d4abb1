//! Initiation as the plan allows it (Annex 2 §二(一), plan §三): how an alliance is organised
//! (by government, by enterprises, …), which municipality registered the initiative and when the
//! office confirmed it, and the unit hosting the secretariat once the bodies are formed.
//! Initiatives recorded before are the office's, confirmed on the day they began.

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::code_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new columns of `alliance`, added one per statement (SQLite alters one column at a time).
fn columns() -> Vec<ColumnDef> {
    vec![
        code_null("formation_mode"),
        big_integer_null("registered_by_municipality_id"),
        date_null("initiative_confirmed_on"),
        big_integer_null("secretariat_unit_id"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("alliance")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE alliance SET initiative_confirmed_on = (SELECT MIN(e.occurred_on) \
                 FROM alliance_stage_event e WHERE e.alliance_id = alliance.id \
                 AND e.to_stage = 'INITIATIVE')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("alliance")
                        .drop_column(Alias::new(column.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
