//! The whole data model of DESIGN.md: every table, foreign key and lookup index.
//!
//! Tables are described with the builder of [`crate::spec`], so that each one reads as a list of
//! columns.

use sea_orm_migration::{prelude::*, schema::*};

use crate::spec::{TableSpec, code, code_null, create_all, drop_all, keyed_by, table};

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
        table("department")
            .col(code("code"))
            .unique(&["code"])
            .col(string("name_zh"))
            .col(string("name_en"))
            .col(boolean("is_lead"))
            .mutable(),
        table("municipality")
            .col(code("code"))
            .unique(&["code"])
            .col(code("kind"))
            .col(string("division_code"))
            .col(string("name_zh"))
            .col(string("name_en"))
            .mutable(),
        table("sector")
            .col(code("code"))
            .unique(&["code"])
            .col(string("name_zh"))
            .col(string("name_en"))
            .col(string("industry_divisions"))
            .mutable(),
        table("chain_segment")
            .col(string("code"))
            .unique(&["code"])
            .reference("sector_id", "sector")
            .col(integer("ordinal"))
            .col(code("position"))
            .col(string("name_zh"))
            .col(string("name_en"))
            .col(string("industry_classes"))
            .unique(&["sector_id", "ordinal"])
            .mutable(),
        table("industrial_park")
            .col(string("code"))
            .unique(&["code"])
            .reference("municipality_id", "municipality")
            .col(string("division_code"))
            .col(code("level"))
            .col(string("name_zh"))
            .col(string("name_en"))
            .col(text("main_industries"))
            .col(timestamp_with_time_zone_null("archived_at"))
            .mutable(),
        table("organization")
            .col(code("kind"))
            .index(&["kind"])
            .col(string_null("uscc"))
            .col(string("name_zh"))
            .index(&["name_zh"])
            .col(string_null("name_en"))
            .optional_reference("municipality_id", "municipality")
            .optional_reference("park_id", "industrial_park")
            .col(string("region_code"))
            .col(string("region_name"))
            .col(string_null("address"))
            .col(string_null("website"))
            .col(boolean("is_demo"))
            .col(timestamp_with_time_zone_null("archived_at"))
            .index(&["name_zh", "id"])
            .index(&["created_at", "id"])
            .index(&["updated_at", "id"])
            .partial_unique(
                "ux_organization_uscc_live",
                &["uscc"],
                "archived_at IS NULL AND uscc IS NOT NULL",
            )
            .mutable(),
        keyed_by("enterprise_profile", "organization_id", "organization")
            .col(code("scale"))
            .index(&["scale"])
            .col(boolean("is_backbone"))
            .col(boolean("is_leading"))
            .col(integer("employees"))
            .col(big_integer("annual_revenue"))
            .col(big_integer("rnd_spend"))
            .col(big_integer("tax_paid"))
            .col(integer("founded_year"))
            .col(string("industry_class"))
            .mutable(),
        table("organization_segment")
            .reference("organization_id", "organization")
            .reference("segment_id", "chain_segment")
            .col(boolean("is_primary"))
            .unique(&["organization_id", "segment_id"])
            .created(),
        table("alliance")
            .col(string("code"))
            .unique(&["code"])
            .col(string("name_zh"))
            .col(string("name_en"))
            .reference("sector_id", "sector")
            .col(code("stage"))
            .index(&["stage"])
            .optional_reference("convener_id", "organization")
            .optional_reference("chair_unit_id", "organization")
            .col(text_null("chair_unit_reason"))
            .optional_reference("liability_unit_id", "organization")
            .col(string_null("charter_version"))
            .col(date_null("charter_adopted_on"))
            .col(date_null("charter_signed_on"))
            .col(date_null("founded_on"))
            .col(date_null("dissolved_on"))
            .col(boolean("is_demo"))
            .mutable(),
        table("alliance_stage_event")
            .reference("alliance_id", "alliance")
            .col(code_null("from_stage"))
            .col(code("to_stage"))
            .col(date("occurred_on"))
            .col(text_null("note"))
            .created(),
        table("membership")
            .reference("alliance_id", "alliance")
            .reference("organization_id", "organization")
            .col(code("status"))
            .index(&["status"])
            .col(boolean("is_initiator"))
            .col(date("applied_on"))
            .col(date_null("joined_on"))
            .col(date_null("left_on"))
            .col(text_null("decision_reason"))
            .partial_unique(
                "ux_membership_live",
                &["alliance_id", "organization_id"],
                "status IN ('APPLIED', 'ACTIVE')",
            )
            .mutable(),
        table("charter_consent")
            .reference("alliance_id", "alliance")
            .reference("organization_id", "organization")
            .col(string("charter_version"))
            .col(date("consented_on"))
            .unique(&["alliance_id", "organization_id", "charter_version"])
            .created(),
        table("person")
            .col(string("name_zh"))
            .index(&["name_zh"])
            .col(string_null("name_en"))
            .optional_reference("organization_id", "organization")
            .col(string_null("title"))
            .col(string_null("phone"))
            .col(string_null("email"))
            .col(boolean("is_demo"))
            .mutable(),
        table("working_group")
            .reference("alliance_id", "alliance")
            .col(code("kind"))
            .col(string("name_zh"))
            .col(string("name_en"))
            .col(text_null("purpose"))
            .col(date("established_on"))
            .col(date_null("dissolved_on"))
            .mutable(),
        table("meeting")
            .reference("alliance_id", "alliance")
            .col(code("kind"))
            .col(string("title"))
            .col(date("held_on"))
            .index(&["held_on"])
            .col(string_null("location"))
            .col(integer("body_size"))
            .mutable(),
        table("meeting_attendance")
            .reference("meeting_id", "meeting")
            .optional_reference("organization_id", "organization")
            .optional_reference("person_id", "person")
            .created(),
        table("resolution")
            .reference("meeting_id", "meeting")
            .col(code("kind"))
            .col(text("subject"))
            .optional_reference("person_id", "person")
            .optional_reference("organization_id", "organization")
            .col(integer("votes_for"))
            .col(integer("votes_against"))
            .col(integer("votes_abstain"))
            .col(boolean("passed"))
            .created(),
        table("post")
            .reference("alliance_id", "alliance")
            .col(code("body"))
            .col(code("kind"))
            .reference("person_id", "person")
            .optional_reference("organization_id", "organization")
            .optional_reference("working_group_id", "working_group")
            .col(date("term_start"))
            .col(date_null("term_end"))
            .col(date_null("ended_on"))
            .optional_reference("resolution_id", "resolution")
            .col(code("decided_how"))
            .index(&["alliance_id", "body", "kind"])
            .mutable(),
        table("project")
            .reference("alliance_id", "alliance")
            .col(string("code"))
            .unique(&["code"])
            .col(string("title_zh"))
            .col(string_null("title_en"))
            .col(code("kind"))
            .col(big_integer("budget"))
            .col(code("stage"))
            .index(&["stage"])
            .col(text_null("summary"))
            .col(date("proposed_on"))
            .optional_reference("review_meeting_id", "meeting")
            .col(text_null("review_feasibility"))
            .col(text_null("review_budget"))
            .col(text_null("review_plan"))
            .col(date_null("reviewed_on"))
            .col(date_null("decided_on"))
            .col(date_null("started_on"))
            .col(date_null("completed_on"))
            .col(boolean("is_demo"))
            .mutable(),
        table("project_participant")
            .reference("project_id", "project")
            .reference("organization_id", "organization")
            .col(code("role"))
            .unique(&["project_id", "organization_id"])
            .created(),
        table("supply_link")
            .reference("supplier_id", "organization")
            .reference("customer_id", "organization")
            .optional_reference("segment_id", "chain_segment")
            .col(string("product"))
            .col(integer("since_year"))
            .col(big_integer_null("annual_value"))
            .col(boolean("is_demo"))
            .col(timestamp_with_time_zone_null("archived_at"))
            .mutable(),
        table("support_measure")
            .reference("department_id", "department")
            .col(code("kind"))
            .index(&["kind"])
            .col(string("title"))
            .optional_reference("beneficiary_organization_id", "organization")
            .optional_reference("beneficiary_alliance_id", "alliance")
            .col(big_integer("amount"))
            .col(date("granted_on"))
            .index(&["granted_on"])
            .col(code("status"))
            .col(boolean("is_demo"))
            .mutable(),
        table("audit_event")
            .col(timestamp_with_time_zone("at"))
            .index(&["at"])
            .col(string("actor"))
            .index(&["actor"])
            .col(string("role"))
            .col(string_null("department"))
            .col(string("operation"))
            .col(string("entity"))
            .col(big_integer_null("entity_id"))
            .col(big_integer_null("alliance_id"))
            .index(&["alliance_id"])
            .col(code("outcome"))
            .col(text_null("before_state"))
            .col(text_null("after_state"))
            .col(text_null("message"))
            .index(&["entity", "entity_id"]),
    ]
}
