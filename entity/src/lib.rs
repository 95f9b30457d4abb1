//! sea-orm entities of alliance-hub: one module per table, plain data, no GraphQL.
//!
//! Relations live in the migrations (foreign keys) and in the service layer's loaders,
//! so the entities stay a faithful, dumb picture of the tables.

pub mod agreement;
pub mod agreement_party;
pub mod alliance;
pub mod alliance_report;
pub mod alliance_stage_event;
pub mod api_client;
pub mod audit_event;
pub mod chain_segment;
pub mod charter;
pub mod charter_consent;
pub mod coordination_mechanism;
pub mod cost_spending;
pub mod department;
pub mod enterprise_designation;
pub mod enterprise_figure;
pub mod enterprise_profile;
pub mod enums;
pub mod industrial_park;
pub mod joint_result;
pub mod mechanism_member;
pub mod meeting;
pub mod meeting_attendance;
pub mod membership;
pub mod municipality;
pub mod organization;
pub mod organization_segment;
pub mod persisted_document;
pub mod person;
pub mod post;
pub mod project;
pub mod project_participant;
pub mod resolution;
pub mod result_funding;
pub mod result_holder;
pub mod sector;
pub mod supply_link;
pub mod support_measure;
pub mod supporting_rule;
pub mod token_revocation;
pub mod unit_fact;
pub mod working_group;
