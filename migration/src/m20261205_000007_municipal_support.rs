//! The cities' and the base's own support measures (plan §四(一)): a measure is granted by a
//! department or by a municipality, exactly one of the two.
//!
//! PostgreSQL alters the table in place. SQLite cannot drop a NOT NULL or add a CHECK, so the
//! table is rebuilt the way SQLite documents it (create the new shape, copy, drop, rename), with
//! foreign keys off for the swap so that `result_funding`'s references survive, on a single
//! connection and in one transaction. Ids and record keys are copied unchanged.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{DbBackend, Statement},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE support_measure ALTER COLUMN department_id DROP NOT NULL; \
                 ALTER TABLE support_measure ADD COLUMN municipality_id BIGINT NULL; \
                 ALTER TABLE support_measure ADD CONSTRAINT fk_support_measure_municipality_id \
                   FOREIGN KEY (municipality_id) REFERENCES municipality (id) ON DELETE RESTRICT; \
                 CREATE INDEX ix_support_measure_municipality_id ON support_measure (municipality_id); \
                 ALTER TABLE support_measure ADD CONSTRAINT ck_support_measure_one_grantor \
                   CHECK ((department_id IS NULL) <> (municipality_id IS NULL))",
            )
            .await?;
        } else {
            db.execute_unprepared(&rebuild_on_sqlite(true)).await?;
        }
        Ok(())
    }

    /// Back to department-owned measures only; refused while a municipality's measure exists.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let municipal = db
            .query_one_raw(Statement::from_string(
                manager.get_database_backend(),
                "SELECT id FROM support_measure WHERE municipality_id IS NOT NULL",
            ))
            .await?;
        if municipal.is_some() {
            return Err(DbErr::Migration(
                "the cities' own support measures would be lost: revoke and remove them first"
                    .into(),
            ));
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE support_measure DROP CONSTRAINT ck_support_measure_one_grantor; \
                 ALTER TABLE support_measure DROP COLUMN municipality_id; \
                 ALTER TABLE support_measure ALTER COLUMN department_id SET NOT NULL",
            )
            .await?;
        } else {
            db.execute_unprepared(&rebuild_on_sqlite(false)).await?;
        }
        Ok(())
    }
}

/// The SQLite rebuild of `support_measure`, with the municipality as a possible grantor or
/// (going down) without. The rows keep their ids and record keys; nothing in it can fail on
/// data that the checks before it let through, so the connection never stays in the middle.
fn rebuild_on_sqlite(with_municipality: bool) -> String {
    let (owner_columns, constraints, indexes) = if with_municipality {
        (
            "\"department_id\" integer NULL, \"municipality_id\" integer NULL,",
            "FOREIGN KEY (\"municipality_id\") REFERENCES \"municipality\" (\"id\") ON DELETE RESTRICT, \
             CHECK ((\"department_id\" IS NULL) <> (\"municipality_id\" IS NULL)),",
            "CREATE INDEX \"ix_support_measure_municipality_id\" ON \"support_measure\" (\"municipality_id\");",
        )
    } else {
        ("\"department_id\" integer NOT NULL,", "", "")
    };
    format!(
        "PRAGMA foreign_keys = OFF; \
         BEGIN; \
         CREATE TABLE \"support_measure_rebuilt\" ( \
           \"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
           {owner_columns} \
           \"kind\" varchar(40) NOT NULL, \
           \"title\" varchar NOT NULL, \
           \"beneficiary_organization_id\" integer NULL, \
           \"beneficiary_alliance_id\" integer NULL, \
           \"amount\" integer NOT NULL, \
           \"granted_on\" date_text NOT NULL, \
           \"status\" varchar(40) NOT NULL, \
           \"is_demo\" boolean NOT NULL, \
           \"version\" integer NOT NULL DEFAULT 1, \
           \"created_at\" timestamp_with_timezone_text NOT NULL, \
           \"updated_at\" timestamp_with_timezone_text NOT NULL, \
           record_key BIGINT NOT NULL DEFAULT 0, \
           FOREIGN KEY (\"department_id\") REFERENCES \"department\" (\"id\") ON DELETE RESTRICT, \
           {constraints} \
           FOREIGN KEY (\"beneficiary_organization_id\") REFERENCES \"organization\" (\"id\") ON DELETE RESTRICT, \
           FOREIGN KEY (\"beneficiary_alliance_id\") REFERENCES \"alliance\" (\"id\") ON DELETE RESTRICT ); \
         INSERT INTO support_measure_rebuilt (id, department_id, kind, title, \
           beneficiary_organization_id, beneficiary_alliance_id, amount, granted_on, status, is_demo, \
           version, created_at, updated_at, record_key) \
         SELECT id, department_id, kind, title, beneficiary_organization_id, \
           beneficiary_alliance_id, amount, granted_on, status, is_demo, version, created_at, \
           updated_at, record_key FROM support_measure; \
         DROP TABLE support_measure; \
         ALTER TABLE support_measure_rebuilt RENAME TO support_measure; \
         CREATE INDEX \"ix_support_measure_department_id\" ON \"support_measure\" (\"department_id\"); \
         CREATE INDEX \"ix_support_measure_kind\" ON \"support_measure\" (\"kind\"); \
         CREATE INDEX \"ix_support_measure_beneficiary_organization_id\" ON \"support_measure\" (\"beneficiary_organization_id\"); \
         CREATE INDEX \"ix_support_measure_beneficiary_alliance_id\" ON \"support_measure\" (\"beneficiary_alliance_id\"); \
         CREATE INDEX \"ix_support_measure_granted_on\" ON \"support_measure\" (\"granted_on\"); \
         {indexes} \
         CREATE TRIGGER support_measure_record_key AFTER INSERT ON support_measure \
           WHEN NEW.record_key = 0 BEGIN \
           UPDATE support_measure SET record_key = 4294967296 + (random() & 4294967295) WHERE id = NEW.id; \
           END; \
         COMMIT; \
         PRAGMA foreign_keys = ON;"
    )
}
