//! Alliances and how they are formed (`service::formation`): the type, the lists, and the steps
//! from initiative to founding, and the charter as data.

mod agreement;
mod alliance;
mod charter;
mod mutation;
mod query;

pub use agreement::*;
pub use alliance::*;
pub use charter::*;
pub use mutation::*;
pub use query::*;
