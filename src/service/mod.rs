//! The service layer: permissions, rules and data access. It knows nothing of GraphQL.
//!
//! - [`access`]: the permission table (row scopes, withheld and masked fields);
//! - [`page`] and [`filter`]: keyset pagination and typed filters for every list;
//! - [`load`] and [`relation`]: batched reads behind the DataLoaders, and the relations they follow;
//! - [`listing`]: the root lists, scoped and filtered, ready to be paged and counted;
//! - [`lookup`]: natural-key lookups (USCC, codes) and the batch membership lookup;
//! - [`write`]: the one write path (serialized transaction, authorization, versions, audit);
//! - [`rules`]: the seed plan's rules, one function each with its rule id;
//! - [`documents`]: GraphQL documents persisted by their hash;
//! - [`budget`]: cost budgets per caller and minute, shared by every replica;
//! - [`clients`]: API clients (department systems' credentials); [`revocation`]: revoked tokens
//!   and signed-out subjects, held in memory by every replica;
//! - [`directory`], [`support`], [`formation`], [`membership`], [`project`], [`governance`]: the
//!   mutations by area; [`charter`]: each alliance's charter versions, the governance parameters
//!   the rules read from them, and its supporting rules; [`agreement`]: the alliance agreement
//!   and its parties; [`report`]: plans and reports; [`result`]: results of joint work;
//!   [`coordination`]: the cities' coordination mechanisms;
//! - [`changes`] and [`feed`]: change notices for subscriptions, the change kinds, and the feed
//!   (one change per object per mutation);
//! - [`chain`], [`stats`]: chain analytics and dashboard statistics, computed in SQL;
//! - [`disclosure`]: what statistics may show of confidential figures below OFFICE;
//! - [`export`]: whole lists as rows for export files, through the same scopes and guards;
//!   [`import`]: rows of a file applied through the mutations' own bodies, in one transaction.

pub mod access;
pub mod agreement;
pub mod budget;
pub mod chain;
pub mod changes;
pub mod charter;
pub mod clients;
pub mod coordination;
pub mod decode;
pub mod directory;
pub mod disclosure;
pub mod documents;
pub mod export;
pub mod feed;
pub mod figures;
pub mod filter;
pub mod formation;
pub mod gaps;
pub mod geo;
pub mod governance;
pub mod graph;
pub mod import;
pub mod listing;
pub mod load;
pub mod lookup;
pub mod membership;
pub mod network;
pub mod page;
pub mod project;
pub mod ranking;
pub mod relation;
pub mod report;
pub mod result;
pub mod revocation;
pub mod rules;
pub mod stats;
pub mod support;
pub mod write;
