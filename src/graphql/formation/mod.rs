//! Alliances and how they are formed (`service::formation`): the type, the lists, and the steps
//! from initiative to founding.

mod alliance;
mod mutation;
mod query;

pub use alliance::*;
pub use mutation::*;
pub use query::*;
