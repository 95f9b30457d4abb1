//! Governance (`service::governance`): meetings, resolutions, elections, appointments and working
//! groups, and the posts about to expire.

mod meeting;
mod mutation;
mod post;
mod query;

pub use meeting::*;
pub use mutation::*;
pub use post::*;
pub use query::*;
