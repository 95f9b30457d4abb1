//! Charters as data: each alliance's charter versions with the governance parameters the plan's
//! reference outlines leave to it (terms, quorum and majority, who admits members, the chair-unit
//! preference), and the charter's supporting rules (议事规则, 财务管理, 新成员加入办法) as versioned
//! documents. Alliances that already have a charter get one version holding the hub's defaults.

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::{TableSpec, code, create_all, drop_all, table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await?;
        // The hub's defaults (`service::charter::Parameters::default`) for charters adopted
        // before charters were data; the draft's date is when drafting began.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO charter (alliance_id, charter_version, drafted_on, adopted_on, \
                 signed_on, assembly_quorum, assembly_majority, council_quorum, council_majority, \
                 expert_quorum, expert_majority, admission_body, chair_unit_preference, version, \
                 created_at, updated_at) \
                 SELECT a.id, a.charter_version, COALESCE((SELECT MIN(e.occurred_on) FROM \
                 alliance_stage_event e WHERE e.alliance_id = a.id AND e.to_stage = \
                 'CHARTER_DRAFTING'), a.charter_adopted_on, CURRENT_DATE), a.charter_adopted_on, \
                 a.charter_signed_on, 'MORE_THAN_HALF', 'MORE_THAN_HALF', 'MORE_THAN_HALF', \
                 'MORE_THAN_HALF', 'MORE_THAN_HALF', 'MORE_THAN_HALF', 'SECRETARIAT', TRUE, 1, \
                 a.updated_at, a.updated_at FROM alliance a WHERE a.charter_version IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}

fn tables() -> Vec<TableSpec> {
    vec![
        table("charter")
            .reference("alliance_id", "alliance")
            .col(string("charter_version"))
            .unique(&["alliance_id", "charter_version"])
            .col(date("drafted_on"))
            .col(date_null("adopted_on"))
            .col(date_null("signed_on"))
            .optional_reference("resolution_id", "resolution")
            .col(integer_null("director_term_years"))
            .col(integer_null("vice_chair_term_years"))
            .col(integer_null("secretary_general_term_years"))
            .col(integer_null("expert_term_years"))
            .col(code("assembly_quorum"))
            .col(code("assembly_majority"))
            .col(code("council_quorum"))
            .col(code("council_majority"))
            .col(code("expert_quorum"))
            .col(code("expert_majority"))
            .col(code("admission_body"))
            .col(boolean("chair_unit_preference"))
            .mutable(),
        table("supporting_rule")
            .reference("alliance_id", "alliance")
            .col(code("kind"))
            .col(string("title"))
            .col(string("rule_version"))
            .unique(&["alliance_id", "kind", "rule_version"])
            .col(date("adopted_on"))
            .col(text_null("summary"))
            .optional_reference("resolution_id", "resolution")
            .mutable(),
    ]
}
