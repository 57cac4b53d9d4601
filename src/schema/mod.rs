//! Reading and validating the input document.
//!
//! `document` and `openrpc` are the two file formats as serde types; `read` decodes a file
//! into the format-neutral `source` model, which the IR normalizer consumes.

mod decode;
pub mod document;
pub mod error;
pub mod json_schema;
pub mod openrpc;
mod read;
mod scan;
pub mod source;

pub use error::InputError;
pub use read::{decode_raw_def, locate, parse_document, read_document, read_lazily};
pub use source::SourceDocument;
