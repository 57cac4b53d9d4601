//! The intermediate representation: what the input means, independent of any language.

mod model;

pub use model::*;
