//! The RPC schema document, version 1 (`../shared/spec/rpc-schema-v1.md`), as read from
//! disk. The same types give `rpcforge schema` its JSON Schema, so the published
//! description of the format cannot drift from what the reader accepts.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::json_schema::Schema;

/// An RPC schema document: the methods and events of one django-ipc API.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "RPC schema document, version 1")]
pub struct RpcSchemaDocument {
    /// The format version: `"1"`.
    #[serde(rename = "rpcSchema")]
    pub rpc_schema: FormatVersion,
    pub info: Info,
    /// Environment name → WebSocket URL, e.g. `"development": "ws://localhost:8765"`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub servers: IndexMap<String, String>,
    /// The callable methods, in the order the clients list them.
    pub methods: Vec<MethodObject>,
    /// The messages the server pushes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventObject>,
    /// Named schemas, referenced as `#/$defs/Name`. Names need not be identifiers
    /// (`Money-Input`, `Page_User_`).
    #[serde(rename = "$defs", default, skip_serializing_if = "IndexMap::is_empty")]
    pub defs: IndexMap<String, Schema>,
    /// Draft-07 spelling of `$defs`, referenced as `#/definitions/Name`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub definitions: IndexMap<String, Schema>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FormatVersion {
    #[serde(rename = "1")]
    V1,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Info {
    /// Names the API; the default package names derive from it.
    pub title: String,
    /// The API's own version; the default package version.
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MethodObject {
    /// The wire name; dots make namespaces in the clients (`orders.get_status`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// An object schema or a `$ref` to one. Absent: no params (sent as `{}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Schema>,
    /// An object schema (or object-or-null). Absent: the call returns nothing useful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Schema>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct EventObject {
    /// The `type` of the pushed message, e.g. `notification`.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The message's `data` value (or, where the server sends no `data` key, the message
    /// itself without `type`).
    pub payload: Schema,
}
