//! Schema migrations of alliance-hub. They run unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261201_000001_create_schema;
mod m20261204_000001_persisted_documents;
mod m20261204_000002_cost_spending;
mod m20261204_000003_disclosure_control;
mod m20261205_000001_charters;
mod m20261205_000002_initiation;
mod m20261205_000003_reports;
mod m20261205_000004_agreements;
mod m20261205_000005_results;
mod m20261205_000006_coordination;
mod m20261205_000007_municipal_support;
mod m20261205_000008_identity;
mod m20261205_000009_yearly_figures;
mod m20261205_000010_places;
mod m20261206_000001_unit_facts;
mod m20261206_000002_walk_indexes;
mod spec;

/// All migrations, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261201_000001_create_schema::Migration),
            Box::new(m20261204_000001_persisted_documents::Migration),
            Box::new(m20261204_000002_cost_spending::Migration),
            Box::new(m20261204_000003_disclosure_control::Migration),
            Box::new(m20261205_000001_charters::Migration),
            Box::new(m20261205_000002_initiation::Migration),
            Box::new(m20261205_000003_reports::Migration),
            Box::new(m20261205_000004_agreements::Migration),
            Box::new(m20261205_000005_results::Migration),
            Box::new(m20261205_000006_coordination::Migration),
            Box::new(m20261205_000007_municipal_support::Migration),
            Box::new(m20261205_000008_identity::Migration),
            Box::new(m20261205_000009_yearly_figures::Migration),
            Box::new(m20261205_000010_places::Migration),
            Box::new(m20261206_000001_unit_facts::Migration),
            Box::new(m20261206_000002_walk_indexes::Migration),
        ]
    }
}
