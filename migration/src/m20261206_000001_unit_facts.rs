//! Unit facts (issue 15): one narrow row per live unit holding what enterprise statistics group
//! by and add up (kind, place, primary segment and its sector, the profile's fields), so that a
//! grouped statistic scans one table instead of joining four. The database keeps the rows, with
//! triggers on the units, their profiles and their segments that rewrite a unit's row in the
//! same statement as the change, so no write path (services, import, seeding, a restore) can
//! leave it behind. Nothing but statistics reads it; the tables it is derived from stay the truth.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each source table and the column naming the unit a row belongs to (never changed by an
/// update: a row moves to another unit by delete and insert, as `set_segments` does).
const SOURCES: &[(&str, &str)] = &[
    ("organization", "id"),
    ("enterprise_profile", "organization_id"),
    ("organization_segment", "organization_id"),
];

const EVENTS: &[&str] = &["INSERT", "UPDATE", "DELETE"];

/// The columns of a unit's facts, after its `organization_id`.
const FACTS: [&str; 15] = [
    "kind",
    "municipality_id",
    "park_id",
    "record_key",
    "segment_id",
    "sector_id",
    "has_profile",
    "scale",
    "is_backbone",
    "is_leading",
    "founded_year",
    "employees",
    "annual_revenue",
    "rnd_spend",
    "tax_paid",
];

/// Writes the facts of the live units among `units` (a subquery of organization ids), read
/// from the tables they come from.
fn facts_of(units: &str) -> String {
    format!(
        "INSERT INTO unit_fact (organization_id, {}) \
         SELECT o.id, o.kind, o.municipality_id, o.park_id, o.record_key, s.segment_id, \
         c.sector_id, p.organization_id IS NOT NULL, p.scale, p.is_backbone, p.is_leading, \
         p.founded_year, p.employees, p.annual_revenue, p.rnd_spend, p.tax_paid \
         FROM organization o \
         LEFT JOIN enterprise_profile p ON p.organization_id = o.id \
         LEFT JOIN organization_segment s ON s.organization_id = o.id AND s.is_primary \
         LEFT JOIN chain_segment c ON c.id = s.segment_id \
         WHERE o.archived_at IS NULL AND o.id IN ({units})",
        FACTS.join(", ")
    )
}

/// Rewrites the facts of the units among `units`. The DELETE drops the rows of units archived
/// since, and makes concurrent writers of one unit (one changing the unit, another its profile)
/// queue on the unit's row; the second then inserts after the first has committed, over the row
/// the first wrote, which the DELETE's older snapshot did not see: hence the upsert, computed
/// from a snapshot that has the first's change.
fn refresh(units: &str) -> String {
    let update = FACTS
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "DELETE FROM unit_fact WHERE organization_id IN ({units}); \
         {} ON CONFLICT (organization_id) DO UPDATE SET {update};",
        facts_of(units)
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("unit_fact")
                    .col(
                        ColumnDef::new("organization_id")
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new("kind").string_len(40).not_null())
                    .col(ColumnDef::new("municipality_id").big_integer().null())
                    .col(ColumnDef::new("park_id").big_integer().null())
                    .col(ColumnDef::new("record_key").big_integer().not_null())
                    .col(ColumnDef::new("segment_id").big_integer().null())
                    .col(ColumnDef::new("sector_id").big_integer().null())
                    .col(ColumnDef::new("has_profile").boolean().not_null())
                    .col(ColumnDef::new("scale").string_len(40).null())
                    .col(ColumnDef::new("is_backbone").boolean().null())
                    .col(ColumnDef::new("is_leading").boolean().null())
                    .col(ColumnDef::new("founded_year").integer().null())
                    .col(ColumnDef::new("employees").integer().null())
                    .col(ColumnDef::new("annual_revenue").big_integer().null())
                    .col(ColumnDef::new("rnd_spend").big_integer().null())
                    .col(ColumnDef::new("tax_paid").big_integer().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(&facts_of("SELECT id FROM organization"))
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // Statement-level triggers: a bulk insert (seeding, import) refreshes its units in one
            // statement, from the transition table of the rows it touched.
            for (table, unit) in SOURCES {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION unit_fact_follow_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {} RETURN NULL; END $$",
                    refresh(&format!("SELECT {unit} FROM changed"))
                ))
                .await?;
                for event in EVENTS {
                    let rows = if *event == "DELETE" { "OLD" } else { "NEW" };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER unit_fact_after_{table}_{lower} AFTER {event} ON {table} \
                         REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT \
                         EXECUTE FUNCTION unit_fact_follow_{table}()",
                        lower = event.to_lowercase()
                    ))
                    .await?;
                }
            }
        } else {
            for (table, unit) in SOURCES {
                for event in EVENTS {
                    let row = if *event == "DELETE" { "OLD" } else { "NEW" };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER unit_fact_after_{table}_{lower} AFTER {event} ON {table} \
                         BEGIN {} END",
                        refresh(&format!("SELECT {row}.{unit}")),
                        lower = event.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for (table, _) in SOURCES {
            for event in EVENTS {
                let trigger = format!("unit_fact_after_{table}_{}", event.to_lowercase());
                db.execute_unprepared(&if postgres {
                    format!("DROP TRIGGER {trigger} ON {table}")
                } else {
                    format!("DROP TRIGGER {trigger}")
                })
                .await?;
            }
            if postgres {
                db.execute_unprepared(&format!("DROP FUNCTION unit_fact_follow_{table}()"))
                    .await?;
            }
        }
        manager
            .drop_table(Table::drop().table("unit_fact").to_owned())
            .await
    }
}
