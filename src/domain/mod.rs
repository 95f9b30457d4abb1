//! Values every layer shares, parsed once at the boundary (parse, don't validate): identifiers,
//! codes, reference tables, and who is calling.

pub mod division;
pub mod geo;
pub mod id;
pub mod labels;
pub mod principal;
pub mod text;
pub mod uscc;
