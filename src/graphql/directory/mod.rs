//! The directory: reference data, parks, organizations, people and supply links
//! (`service::directory` for writes, `service::listing` and `service::lookup` for reads).

mod figures;
mod listed;
mod mutation;
mod organization;
mod person;
mod query;
mod reference;
mod supply_link;

pub use figures::*;
pub use listed::*;
pub use mutation::*;
pub use organization::*;
pub use person::*;
pub use query::*;
pub use reference::*;
pub use supply_link::*;
