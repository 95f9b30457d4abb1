//! Disclosure control: a permanent random record key on every unit whose figures statistics
//! add up (organizations, support measures, alliances), and the perturbation table that turns a
//! record key into the noise on that unit's figures. Keys are drawn by the database (a default on
//! PostgreSQL, a trigger on SQLite, which cannot add a column with a random default), so no code
//! path can forget them and no entity carries them: they are never exposed.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose rows carry a record key.
const KEYED: &[&str] = &["organization", "support_measure", "alliance"];

/// Rows of the perturbation table: a record key's low byte picks one.
const POSITIONS: i64 = 256;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for table in KEYED {
            if postgres {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD COLUMN record_key BIGINT NOT NULL \
                     DEFAULT (1 + floor(random() * 4294967295))::bigint"
                ))
                .await?;
            } else {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD COLUMN record_key BIGINT NOT NULL DEFAULT 0"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "UPDATE {table} SET record_key = 4294967296 + (random() & 4294967295)"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_record_key AFTER INSERT ON {table} \
                     WHEN NEW.record_key = 0 BEGIN \
                     UPDATE {table} SET record_key = 4294967296 + (random() & 4294967295) WHERE id = NEW.id; \
                     END"
                ))
                .await?;
            }
        }
        // Each column is one figure's noise: a sign and a size between 1 and 1.5, which the
        // statistics scale by p % (see `service::disclosure`).
        manager
            .create_table(
                Table::create()
                    .table("perturbation")
                    .col(
                        ColumnDef::new("position")
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("noise_1").double().not_null())
                    .col(ColumnDef::new("noise_2").double().not_null())
                    .col(ColumnDef::new("noise_3").double().not_null())
                    .col(ColumnDef::new("noise_4").double().not_null())
                    .to_owned(),
            )
            .await?;
        let (uniform, coin) = if postgres {
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
        let noise = format!("{coin} * (1.0 + 0.5 * {uniform})");
        db.execute_unprepared(&format!(
            "WITH RECURSIVE n(position) AS (SELECT 0 UNION ALL SELECT position + 1 FROM n WHERE position < {last}) \
             INSERT INTO perturbation (position, noise_1, noise_2, noise_3, noise_4) \
             SELECT position, {noise}, {noise}, {noise}, {noise} FROM n",
            last = POSITIONS - 1
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .drop_table(Table::drop().table("perturbation").to_owned())
            .await?;
        for table in KEYED {
            if manager.get_database_backend() != DbBackend::Postgres {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_record_key"))
                    .await?;
            }
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN record_key"))
                .await?;
        }
        Ok(())
    }
}
