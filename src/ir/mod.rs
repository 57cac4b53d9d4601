//! The intermediate representation: what the input means, independent of any language.
//!
//! `model` is the data; `normalize` builds it from a read document, with one file per
//! concern: `build` (refs, interning, conversion), `all_of` (merging), `discriminator`
//! (checking tagged unions), `naming` (unique PascalCase names by priority) and `prefetch`
//! (decoding a large document's named schemas on a second core).

mod all_of;
mod build;
mod discriminator;
mod model;
pub(crate) mod naming;
mod normalize;
mod prefetch;

pub use build::is_integer_text;
pub use build::{FxBuildHasher, FxHasher, MAX_REF_DEPTH};
pub use model::*;
pub use naming::{ascii_words, pascal_case};
pub use normalize::{Normalized, normalize, normalize_text};
