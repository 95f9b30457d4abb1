//! Figures by year and the designations the field uses (issue 12): an enterprise's revenue,
//! output value, employees, R&D spend and taxes per year (the profile holds the latest year), and
//! its designations (规模以上, 专精特新, 高新技术企业, …) with the year granted and the granting
//! department. Output value is a confidential figure of its own, so the perturbation table gets
//! a fifth noise column, drawn like the others.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

use crate::spec::{TableSpec, code, create_all, drop_all, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE perturbation ADD COLUMN noise_5 DOUBLE PRECISION NOT NULL DEFAULT 0",
        )
        .await?;
        let (uniform, coin) = if manager.get_database_backend() == DbBackend::Postgres {
            (
                "random()",
                "(CASE WHEN random() < 0.5 THEN -1.0 ELSE 1.0 END)",
            )
        } else {
            (
                "((random() & 1048575) / 1048576.0)",
                "(CASE WHEN (random() & 1) = 0 THEN -1.0 ELSE 1.0 END)",
            )
        };
        db.execute_unprepared(&format!(
            "UPDATE perturbation SET noise_5 = {coin} * (1.0 + 0.5 * {uniform})"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE perturbation DROP COLUMN noise_5")
            .await?;
        drop_all(manager, tables()).await
    }
}

fn tables() -> Vec<TableSpec> {
    vec![
        table("enterprise_figure")
            .reference("organization_id", "organization")
            .col(integer("year"))
            .col(integer_null("employees"))
            .col(big_integer_null("annual_revenue"))
            .col(big_integer_null("output_value"))
            .col(big_integer_null("rnd_spend"))
            .col(big_integer_null("tax_paid"))
            .unique(&["organization_id", "year"])
            .index(&["year"])
            .mutable(),
        table("enterprise_designation")
            .reference("organization_id", "organization")
            .col(code("kind"))
            .col(integer("granted_year"))
            .col(integer_null("valid_until_year"))
            .optional_reference("department_id", "department")
            .unique(&["organization_id", "kind", "granted_year"])
            .index(&["kind"])
            .mutable(),
    ]
}
