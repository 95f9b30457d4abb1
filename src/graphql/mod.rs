//! The GraphQL layer: thin resolvers over the service layer, with DataLoaders for every relation.
//!
//! Its rooms mirror `service/`: each area holds its object types, its part of the root query and
//! its mutations, merged below into [`Query`], [`Mutation`] and [`Subscription`].
//!
//! - [`access`]: `viewer`; [`node`]: `node`/`nodes` and the `Node` interface;
//! - [`directory`]: reference data, parks, organizations, people, supply links;
//! - [`support`], [`formation`], [`membership`], [`project`], [`governance`]: the alliance's life;
//! - [`chain`], [`gaps`], [`network`], [`stats`], [`ranking`], [`geo`]: chain analytics, gap
//!   targeting and networks, dashboard statistics, rankings and map layers;
//! - [`changes`]: the change feed, the audit trail and live subscriptions;
//! - [`labels`]: the names of coded values, for charts;
//! - [`clients`]: API clients for department systems, and token revocation;
//! - shared: [`connection`], [`inputs`] (filters and orders), [`enums`], [`scalars`], [`loader`],
//!   [`write`] (what mutations share), [`context`], [`executor`], [`documents`] (persisted and
//!   trusted documents), [`cost`] (the one cost model), [`limits`] (checked before a document
//!   runs), [`order`] (answers in the order asked) and [`plain`] (long lists of plain objects
//!   answered in one pass).
//!
//! The schema is built without data ([`build_schema`]), so its SDL can be printed and snapshotted
//! without a database; each request brings its own [`RequestContext`].

pub mod access;
pub mod chain;
pub mod changes;
pub mod clients;
pub mod connection;
pub mod context;
pub mod coordination;
pub mod cost;
pub mod directory;
pub mod documents;
pub mod enums;
pub mod executor;
pub mod formation;
pub mod gaps;
pub mod geo;
pub mod governance;
pub mod inputs;
pub mod labels;
pub mod limits;
pub mod loader;
pub mod membership;
pub mod network;
pub mod node;
pub mod order;
pub mod plain;
pub mod preload;
pub mod project;
pub mod ranking;
pub mod report;
pub mod result;
pub mod scalars;
pub mod stats;
pub mod support;
pub mod write;

use async_graphql::{MergedObject, MergedSubscription, SDLExportOptions, Schema, SchemaBuilder};

pub use context::{Reading, RequestContext, request};
pub use executor::{ServedSchema, finalize_errors};

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;

// The parts are listed in the order of DESIGN.md's root fields, which is the order of
// `schema.graphql`: an area may contribute more than one part.
/// The root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    access::AccessQuery,
    node::NodeQuery,
    directory::ReferenceQuery,
    directory::OrganizationQuery,
    formation::AllianceQuery,
    governance::GovernanceQuery,
    membership::MembershipQuery,
    directory::PeopleQuery,
    project::ProjectQuery,
    report::ReportQuery,
    result::ResultQuery,
    support::SupportQuery,
    directory::SupplyLinkQuery,
    changes::FeedQuery,
    chain::ChainQuery,
    gaps::GapsQuery,
    network::NetworkQuery,
    stats::StatsQuery,
    ranking::RankingQuery,
    geo::GeoQuery,
    labels::LabelsQuery,
    coordination::CoordinationQuery,
    clients::ClientQuery,
);

/// The root mutation type.
#[derive(MergedObject, Default)]
pub struct Mutation(
    directory::DirectoryMutation,
    directory::FiguresMutation,
    support::SupportMutation,
    formation::FormationMutation,
    formation::CharterMutation,
    formation::AgreementMutation,
    membership::MembershipMutation,
    project::ProjectMutation,
    report::ReportMutation,
    result::ResultMutation,
    coordination::CoordinationMutation,
    governance::GovernanceMutation,
    clients::ClientMutation,
);

// The root subscription type (no description: the SDL has none).
#[derive(MergedSubscription, Default)]
pub struct Subscription(changes::ChangesSubscription);

pub type HubSchema = Schema<Query, Mutation, Subscription>;

/// The schema's types and settings, before any limit is chosen.
fn schema_builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_recursive_depth(64)
    .disable_suggestions()
}

/// Builds the schema with its limits and no data attached.
pub fn build_schema() -> HubSchema {
    schema_builder().limit_depth(MAX_DEPTH).finish()
}

/// The SDL of the schema, as committed in `schema.graphql` (with `@specifiedBy` on the scalars
/// that have a specification, as introspection reports them).
pub fn sdl() -> String {
    build_schema().sdl_with_options(SDLExportOptions::new().include_specified_by())
}
