//! sea-orm entities of alliance-hub: one module per table, plain data, no GraphQL.
//!
//! Relations live in the migrations (foreign keys) and in the service layer's loaders,
//! so the entities stay a faithful, dumb picture of the tables.

pub mod enums;
pub mod department;
pub mod municipality;
pub mod sector;
pub mod chain_segment;
pub mod industrial_park;
pub mod organization;
pub mod enterprise_profile;
pub mod organization_segment;
pub mod alliance;
pub mod alliance_stage_event;
pub mod membership;
pub mod charter_consent;
pub mod person;
pub mod working_group;
pub mod meeting;
pub mod meeting_attendance;
pub mod resolution;
pub mod post;
pub mod project;
pub mod project_participant;
pub mod supply_link;
pub mod support_measure;
pub mod audit_event;
