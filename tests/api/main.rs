//! The integration tests: the real HTTP app, the real migrations, a fresh database per test.

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `HUB_TEST_DATABASE_URL=postgres://…` runs them all on PostgreSQL instead of SQLite.

mod helpers;

mod agreements;
mod authentication;
mod backup;
mod chain;
mod charter;
mod clients;
mod concurrency;
mod coordination;
mod cost;
mod disclosure;
mod edge;
mod export;
mod faults;
mod feed;
mod figures;
mod formation;
mod gaps;
mod graph;
mod http;
mod identity;
mod import;
mod maps;
mod masking;
mod network;
mod permissions;
mod ranking;
mod read_api;
mod replay;
mod replica;
mod reports;
mod results;
mod rules;
mod schema;
mod seed;
mod server;
mod statements;
mod stats;
mod store;
mod subscriptions;
mod support;
mod text;
mod write_permissions;
