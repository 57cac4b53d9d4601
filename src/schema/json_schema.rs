//! The JSON Schema subset of the input (what Pydantic v2 emits), as typed Rust values.
//!
//! Unknown keywords are ignored; keywords we know but cannot represent (`not`, `if`,
//! `patternProperties`...) are read so the normalizer can warn about them.

use std::borrow::Cow;
use std::fmt;

use indexmap::IndexMap;
use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

/// A schema: `true` (anything), `false` (nothing) or a schema object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Schema {
    Bool(bool),
    Object(Box<SchemaObject>),
}

impl Schema {
    pub fn as_object(&self) -> Option<&SchemaObject> {
        match self {
            Schema::Object(o) => Some(o),
            Schema::Bool(_) => None,
        }
    }
}

/// A JSON Schema object. Field names follow the JSON Schema keywords.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "JSON Schema (the subset Pydantic v2 emits)")]
pub struct SchemaObject {
    /// `#/$defs/Name` or `#/definitions/Name` (`#/components/schemas/Name` in OpenRPC).
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub types: Option<TypeSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<IndexMap<String, Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_properties: Option<Schema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Items>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_items: Option<Vec<Schema>>,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<Value>>,
    /// `Some(Value::Null)` for `"const": null`.
    #[serde(
        rename = "const",
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub const_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_of: Option<Vec<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discriminator: Option<DiscriminatorObject>,
    /// `Some(Value::Null)` for `"default": null`.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_items: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<u64>,
    /// Nested definitions are not part of the format; read only to reject refs into them
    /// with a clear message.
    #[serde(rename = "$defs", default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub nested_defs: Option<Value>,

    // Keywords outside the subset: read so the normalizer can name them in a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub not: Option<Value>,
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub if_schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub pattern_properties: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub property_names: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub contains: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub dependent_schemas: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub unevaluated_properties: Option<Value>,
}

impl SchemaObject {
    /// The keywords outside the supported subset that this schema uses.
    pub fn unsupported_keywords(&self) -> Vec<&'static str> {
        let mut found = Vec::new();
        let checks: [(&Option<Value>, &'static str); 7] = [
            (&self.not, "not"),
            (&self.if_schema, "if"),
            (&self.pattern_properties, "patternProperties"),
            (&self.property_names, "propertyNames"),
            (&self.contains, "contains"),
            (&self.dependent_schemas, "dependentSchemas"),
            (&self.unevaluated_properties, "unevaluatedProperties"),
        ];
        for (value, name) in checks {
            if value.is_some() {
                found.push(name);
            }
        }
        found
    }
}

/// `"discriminator": {"propertyName": "kind", "mapping": {"cat": "#/$defs/Cat"}}`. Pydantic
/// writes a nested tagged union inline as a mapping value, so a value is a `$ref` string
/// or a schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiscriminatorObject {
    pub property_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<IndexMap<String, Value>>,
}

/// `"type": "string"` or `"type": ["string", "null"]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TypeSet {
    One(TypeName),
    Many(Vec<TypeName>),
}

impl TypeSet {
    pub fn as_slice(&self) -> &[TypeName] {
        match self {
            TypeSet::One(t) => std::slice::from_ref(t),
            TypeSet::Many(ts) => ts,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TypeName {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Array,
    Object,
}

/// `"items": schema`, or the draft-07 tuple form `"items": [schema, ...]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Items {
    One(Schema),
    Tuple(Vec<Schema>),
}

/// Deserializes a key that is present, even with a `null` value, as `Some`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

// Hand-written `Deserialize` impls for the either-or shapes: serde's `untagged` would
// answer "data did not match any variant", and these say what was expected.

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SchemaVisitor;
        impl<'de> Visitor<'de> for SchemaVisitor {
            type Value = Schema;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON Schema (an object, or true or false)")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Schema, E> {
                Ok(Schema::Bool(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Schema, A::Error> {
                let object = SchemaObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Schema::Object(Box::new(object)))
            }
        }
        d.deserialize_any(SchemaVisitor)
    }
}

impl<'de> Deserialize<'de> for TypeSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TypeSetVisitor;
        impl<'de> Visitor<'de> for TypeSetVisitor {
            type Value = TypeSet;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a type name (string, integer, number, boolean, null, array, object) \
                     or a list of them",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeSet, E> {
                TypeName::deserialize(de::value::StrDeserializer::new(v)).map(TypeSet::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TypeSet, A::Error> {
                Vec::<TypeName>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(TypeSet::Many)
            }
        }
        d.deserialize_any(TypeSetVisitor)
    }
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON Schema, or a list of schemas")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Items, E> {
                Ok(Items::One(Schema::Bool(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
                let object = SchemaObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Items::One(Schema::Object(Box::new(object))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Items, A::Error> {
                Vec::<Schema>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(Items::Tuple)
            }
        }
        d.deserialize_any(ItemsVisitor)
    }
}

// JSON Schema descriptions of the either-or shapes, for `rpcforge schema`.

impl JsonSchema for Schema {
    fn schema_name() -> Cow<'static, str> {
        "Schema".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let object = generator.subschema_for::<SchemaObject>();
        json_schema!({ "anyOf": [{ "type": "boolean" }, object] })
    }
}

impl JsonSchema for TypeSet {
    fn schema_name() -> Cow<'static, str> {
        "TypeSet".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let name = generator.subschema_for::<TypeName>();
        json_schema!({ "anyOf": [name, { "type": "array", "items": name }] })
    }
}

impl JsonSchema for Items {
    fn schema_name() -> Cow<'static, str> {
        "Items".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let schema = generator.subschema_for::<Schema>();
        json_schema!({ "anyOf": [schema, { "type": "array", "items": schema }] })
    }
}
