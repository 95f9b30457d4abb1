//! Identifiers and codes parsed once at the boundary (parse, don't validate).

pub mod id;
pub mod uscc;
