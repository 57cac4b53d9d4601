//! The format-neutral input: what the normalizer reads, whichever format the file was in.
//! Every schema carries the JSON pointer it came from, so errors and warnings point into
//! the user's own file.

use indexmap::IndexMap;

use super::document::Info;
use super::error::pointer_push;
use super::json_schema::Schema;

#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// For generated headers: `rpc-schema 1`, `openrpc 1.2.6`.
    pub format: String,
    pub info: Info,
    pub servers: IndexMap<String, String>,
    pub methods: Vec<SourceMethod>,
    pub events: Vec<SourceEvent>,
    pub defs: Vec<SourceDef>,
}

#[derive(Debug, Clone)]
pub struct SourceMethod {
    pub name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Option<SourceParams>,
    /// The result schema and its pointer.
    pub result: Option<(Schema, String)>,
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub enum SourceParams {
    /// One object schema (the RPC schema document).
    Schema { schema: Schema, pointer: String },
    /// Named parameters (OpenRPC content descriptors), which become one object.
    Descriptors(Vec<ParamDescriptor>),
}

#[derive(Debug, Clone)]
pub struct ParamDescriptor {
    pub name: String,
    pub schema: Schema,
    pub required: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Pointer of the descriptor's schema.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct SourceEvent {
    pub name: String,
    pub description: Option<String>,
    pub payload: Schema,
    pub pointer: String,
}

/// A named schema, and the `$ref` string that reaches it.
#[derive(Debug, Clone)]
pub struct SourceDef {
    pub name: String,
    pub schema: Schema,
    /// `/$defs/Money-Input`.
    pub pointer: String,
    /// `#/$defs/Money-Input`.
    pub reference: String,
}

/// A named schema still as its JSON text (see [`crate::schema::read_lazily`]): decoded when
/// the normalizer reaches it, so that a large document's schemas are not all in memory at
/// once (they took several times the size of the text).
#[derive(Debug, Clone)]
pub struct RawDef<'a> {
    pub name: String,
    /// The schema's JSON text, a slice of the document.
    pub text: &'a str,
    /// `/$defs/Money-Input`.
    pub pointer: String,
    /// `#/$defs/Money-Input`.
    pub reference: String,
}

impl SourceDef {
    /// A def under `container` (a pointer such as `/$defs`).
    pub fn new(container: &str, name: String, schema: Schema) -> Self {
        let pointer = pointer_push(container, &name);
        SourceDef {
            reference: format!("#{pointer}"),
            name,
            schema,
            pointer,
        }
    }
}
