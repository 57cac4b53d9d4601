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

/// An object schema's properties, in their order. Hashed with rustc's Fx hash (the
/// keys come from the document; nothing depends on their hashes): the default SipHash was
/// 2.5% of the normalizer's instructions.
pub type Properties = IndexMap<String, Schema, crate::ir::FxBuildHasher>;

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

// A JSON Schema object as written: what `SchemaObject` is read from and written as, and what
// `rpcforge schema` describes (its doc comment is that description).
/// A JSON Schema object. Field names follow the JSON Schema keywords.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    rename = "SchemaObject",
    title = "JSON Schema (the subset Pydantic v2 emits)"
)]
pub struct SchemaObjectWire {
    /// `#/$defs/Name` or `#/definitions/Name` (`#/components/schemas/Name` in OpenRPC).
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub types: Option<TypeSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Properties>,
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
    pub const_value: Option<Box<Value>>,
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
    pub default: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Box<Value>>,
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
    pub nested_defs: Option<Box<Value>>,

    // Keywords outside the subset: read so the normalizer can name them in a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub not: Option<Box<Value>>,
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub if_schema: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub pattern_properties: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub property_names: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub contains: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub dependent_schemas: Option<Box<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub unevaluated_properties: Option<Box<Value>>,
}

/// A JSON Schema object (see [`SchemaObjectWire`] for the keywords). The keywords most
/// schemas use are fields; the rest live in a [`SchemaExtra`] that exists only when one of
/// them is present, and read through `Deref` as if they were fields (`o.properties`): a
/// large document holds hundreds of thousands of schema objects, most of them a `type` or
/// a `$ref` with a title, and this cuts their size by four.
#[derive(Debug, Clone, Default)]
pub struct SchemaObject {
    pub reference: Option<String>,
    pub types: Option<TypeSet>,
    pub items: Option<Items>,
    pub any_of: Option<Vec<Schema>>,
    pub default: Option<Box<Value>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub deprecated: Option<bool>,
    extra: Option<Box<SchemaExtra>>,
}

/// The less common keywords of a [`SchemaObject`] (formats, objects' properties, enums,
/// constraints); the rare ones live in a [`SchemaRare`] made only when one is present, read
/// through `Deref` as well: one `SchemaExtra` with every keyword was about 700 bytes, made,
/// written and dropped for every schema with a `format`, `enum` or properties.
#[derive(Debug, Clone, Default)]
pub struct SchemaExtra {
    pub format: Option<String>,
    pub properties: Option<Properties>,
    pub required: Option<Vec<String>>,
    pub additional_properties: Option<Schema>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Box<Value>>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: Option<bool>,
    rare: Option<Box<SchemaRare>>,
}

/// The rare keywords of a [`SchemaObject`]: unions' `oneOf`, `allOf`, tuples, and the
/// keywords outside the supported subset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaRare {
    pub prefix_items: Option<Vec<Schema>>,
    pub one_of: Option<Vec<Schema>>,
    pub all_of: Option<Vec<Schema>>,
    pub discriminator: Option<DiscriminatorObject>,
    pub examples: Option<Box<Value>>,
    pub read_only: Option<bool>,
    pub write_only: Option<bool>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub multiple_of: Option<Number>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub nested_defs: Option<Box<Value>>,
    pub not: Option<Box<Value>>,
    pub if_schema: Option<Box<Value>>,
    pub pattern_properties: Option<Box<Value>>,
    pub property_names: Option<Box<Value>>,
    pub contains: Option<Box<Value>>,
    pub dependent_schemas: Option<Box<Value>>,
    pub unevaluated_properties: Option<Box<Value>>,
}

static NO_EXTRA: SchemaExtra = SchemaExtra {
    format: None,
    properties: None,
    required: None,
    additional_properties: None,
    enum_values: None,
    const_value: None,
    min_length: None,
    max_length: None,
    pattern: None,
    minimum: None,
    maximum: None,
    min_items: None,
    max_items: None,
    unique_items: None,
    rare: None,
};

static NO_RARE: SchemaRare = SchemaRare {
    prefix_items: None,
    one_of: None,
    all_of: None,
    discriminator: None,
    examples: None,
    read_only: None,
    write_only: None,
    exclusive_minimum: None,
    exclusive_maximum: None,
    multiple_of: None,
    min_properties: None,
    max_properties: None,
    nested_defs: None,
    not: None,
    if_schema: None,
    pattern_properties: None,
    property_names: None,
    contains: None,
    dependent_schemas: None,
    unevaluated_properties: None,
};

impl std::ops::Deref for SchemaExtra {
    type Target = SchemaRare;
    fn deref(&self) -> &SchemaRare {
        self.rare.as_deref().unwrap_or(&NO_RARE)
    }
}

impl std::ops::DerefMut for SchemaExtra {
    fn deref_mut(&mut self) -> &mut SchemaRare {
        self.rare.get_or_insert_with(Box::default)
    }
}

impl PartialEq for SchemaExtra {
    fn eq(&self, other: &SchemaExtra) -> bool {
        self.format == other.format
            && self.properties == other.properties
            && self.required == other.required
            && self.additional_properties == other.additional_properties
            && self.enum_values == other.enum_values
            && self.const_value == other.const_value
            && self.min_length == other.min_length
            && self.max_length == other.max_length
            && self.pattern == other.pattern
            && self.minimum == other.minimum
            && self.maximum == other.maximum
            && self.min_items == other.min_items
            && self.max_items == other.max_items
            && self.unique_items == other.unique_items
            && **self == **other
    }
}

impl std::ops::Deref for SchemaObject {
    type Target = SchemaExtra;
    fn deref(&self) -> &SchemaExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl std::ops::DerefMut for SchemaObject {
    fn deref_mut(&mut self) -> &mut SchemaExtra {
        self.extra.get_or_insert_with(Box::default)
    }
}

impl PartialEq for SchemaObject {
    fn eq(&self, other: &SchemaObject) -> bool {
        self.reference == other.reference
            && self.types == other.types
            && self.items == other.items
            && self.any_of == other.any_of
            && self.default == other.default
            && self.title == other.title
            && self.description == other.description
            && self.deprecated == other.deprecated
            && **self == **other
    }
}

impl From<SchemaObjectWire> for SchemaObject {
    fn from(w: SchemaObjectWire) -> SchemaObject {
        let rare = SchemaRare {
            prefix_items: w.prefix_items,
            one_of: w.one_of,
            all_of: w.all_of,
            discriminator: w.discriminator,
            examples: w.examples,
            read_only: w.read_only,
            write_only: w.write_only,
            exclusive_minimum: w.exclusive_minimum,
            exclusive_maximum: w.exclusive_maximum,
            multiple_of: w.multiple_of,
            min_properties: w.min_properties,
            max_properties: w.max_properties,
            nested_defs: w.nested_defs,
            not: w.not,
            if_schema: w.if_schema,
            pattern_properties: w.pattern_properties,
            property_names: w.property_names,
            contains: w.contains,
            dependent_schemas: w.dependent_schemas,
            unevaluated_properties: w.unevaluated_properties,
        };
        let extra = SchemaExtra {
            format: w.format,
            properties: w.properties,
            required: w.required,
            additional_properties: w.additional_properties,
            enum_values: w.enum_values,
            const_value: w.const_value,
            min_length: w.min_length,
            max_length: w.max_length,
            pattern: w.pattern,
            minimum: w.minimum,
            maximum: w.maximum,
            min_items: w.min_items,
            max_items: w.max_items,
            unique_items: w.unique_items,
            rare: (rare != NO_RARE).then(|| Box::new(rare)),
        };
        SchemaObject {
            reference: w.reference,
            types: w.types,
            items: w.items,
            any_of: w.any_of,
            default: w.default,
            title: w.title,
            description: w.description,
            deprecated: w.deprecated,
            extra: (extra != NO_EXTRA).then(|| Box::new(extra)),
        }
    }
}

impl From<SchemaObject> for SchemaObjectWire {
    fn from(o: SchemaObject) -> SchemaObjectWire {
        let extra = o.extra.map_or_else(SchemaExtra::default, |e| *e);
        let rare = extra.rare.map_or_else(SchemaRare::default, |r| *r);
        SchemaObjectWire {
            reference: o.reference,
            types: o.types,
            items: o.items,
            any_of: o.any_of,
            default: o.default,
            title: o.title,
            description: o.description,
            deprecated: o.deprecated,
            format: extra.format,
            properties: extra.properties,
            required: extra.required,
            additional_properties: extra.additional_properties,
            prefix_items: rare.prefix_items,
            enum_values: extra.enum_values,
            const_value: extra.const_value,
            one_of: rare.one_of,
            all_of: rare.all_of,
            discriminator: rare.discriminator,
            examples: rare.examples,
            read_only: rare.read_only,
            write_only: rare.write_only,
            min_length: extra.min_length,
            max_length: extra.max_length,
            pattern: extra.pattern,
            minimum: extra.minimum,
            maximum: extra.maximum,
            exclusive_minimum: rare.exclusive_minimum,
            exclusive_maximum: rare.exclusive_maximum,
            multiple_of: rare.multiple_of,
            min_items: extra.min_items,
            max_items: extra.max_items,
            unique_items: extra.unique_items,
            min_properties: rare.min_properties,
            max_properties: rare.max_properties,
            nested_defs: rare.nested_defs,
            not: rare.not,
            if_schema: rare.if_schema,
            pattern_properties: rare.pattern_properties,
            property_names: rare.property_names,
            contains: rare.contains,
            dependent_schemas: rare.dependent_schemas,
            unevaluated_properties: rare.unevaluated_properties,
        }
    }
}

impl Serialize for SchemaObject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SchemaObjectWire::from(self.clone()).serialize(s)
    }
}

// Decoded straight into `SchemaObject` (no `SchemaObjectWire` of 42 options converted and
// compared afterwards: a large document has hundreds of thousands of schemas). What the
// derived `Deserialize` of `SchemaObjectWire` does, so the messages are the same: each
// keyword decoded as its field's type, a repeated keyword refused, unknown keys skipped,
// `const` and `default` present even when `null`.
impl<'de> Deserialize<'de> for SchemaObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct("SchemaObjectWire", KEYWORDS, SchemaObjectVisitor)
    }
}

/// The keywords of [`SchemaObjectWire`], in its field order.
pub(crate) const KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "prefixItems",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "discriminator",
    "default",
    "title",
    "description",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "$defs",
    "not",
    "if",
    "patternProperties",
    "propertyNames",
    "contains",
    "dependentSchemas",
    "unevaluatedProperties",
];

/// The index in [`KEYWORDS`] of a schema object's key, if it is a keyword. By length
/// first: each length has a few keywords, compared as one or two machine words.
#[inline]
pub(crate) fn keyword_index(key: &[u8]) -> Option<usize> {
    let id = match key.len() {
        2 => match key {
            b"if" => 36,
            _ => return None,
        },
        3 => match key {
            b"not" => 35,
            _ => return None,
        },
        4 => match key {
            b"$ref" => 0,
            b"type" => 1,
            b"enum" => 8,
            _ => return None,
        },
        5 => match key {
            b"items" => 6,
            b"const" => 9,
            b"anyOf" => 10,
            b"oneOf" => 11,
            b"allOf" => 12,
            b"title" => 15,
            b"$defs" => 34,
            _ => return None,
        },
        6 => match key {
            b"format" => 2,
            _ => return None,
        },
        7 => match key {
            b"default" => 14,
            b"pattern" => 23,
            b"minimum" => 24,
            b"maximum" => 25,
            _ => return None,
        },
        8 => match key {
            b"required" => 4,
            b"examples" => 17,
            b"readOnly" => 19,
            b"minItems" => 29,
            b"maxItems" => 30,
            b"contains" => 39,
            _ => return None,
        },
        9 => match key {
            b"writeOnly" => 20,
            b"minLength" => 21,
            b"maxLength" => 22,
            _ => return None,
        },
        10 => match key {
            b"properties" => 3,
            b"deprecated" => 18,
            b"multipleOf" => 28,
            _ => return None,
        },
        11 => match key {
            b"prefixItems" => 7,
            b"description" => 16,
            b"uniqueItems" => 31,
            _ => return None,
        },
        13 => match key {
            b"discriminator" => 13,
            b"minProperties" => 32,
            b"maxProperties" => 33,
            b"propertyNames" => 38,
            _ => return None,
        },
        16 => match key {
            b"exclusiveMinimum" => 26,
            b"exclusiveMaximum" => 27,
            b"dependentSchemas" => 40,
            _ => return None,
        },
        17 => match key {
            b"patternProperties" => 37,
            _ => return None,
        },
        20 => match key {
            b"additionalProperties" => 5,
            _ => return None,
        },
        21 => match key {
            b"unevaluatedProperties" => 41,
            _ => return None,
        },
        _ => return None,
    };
    Some(id)
}

/// A key of a schema object: the index of its keyword in [`KEYWORDS`], if it is one.
struct Keyword(Option<usize>);

impl<'de> Deserialize<'de> for Keyword {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_identifier(KeywordVisitor)
    }
}

struct KeywordVisitor;

impl<'de> Visitor<'de> for KeywordVisitor {
    type Value = Keyword;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Keyword, E> {
        Ok(Keyword(keyword_index(v.as_bytes())))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Keyword, E> {
        // Keywords are ASCII: bytes that are not UTF-8 are no keyword either.
        Ok(Keyword(keyword_index(v)))
    }
}

/// Sets a keyword kept in [`SchemaExtra`], which is made only for a value.
fn set_extra<T>(
    o: &mut SchemaObject,
    value: Option<T>,
    field: impl FnOnce(&mut SchemaExtra) -> &mut Option<T>,
) {
    if value.is_some() {
        *field(o.extra.get_or_insert_with(Box::default)) = value;
    }
}

/// [`Properties`] decoded as `IndexMap`'s own `Deserialize` does (same messages, a repeated
/// key keeps its first place and its last value), but made at its final size: serde_json
/// does not know a map's length up front, and growing the map rehashed its keys at 4, 8
/// and 16 entries (Pydantic models have 5–15 fields).
struct ExactProperties(Properties);

impl<'de> Deserialize<'de> for ExactProperties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PropertiesVisitor;
        impl<'de> Visitor<'de> for PropertiesVisitor {
            type Value = ExactProperties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExactProperties, A::Error> {
                let mut entries: Vec<(String, Schema)> = Vec::with_capacity(16);
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                let mut properties =
                    Properties::with_capacity_and_hasher(entries.len(), Default::default());
                for (key, schema) in entries {
                    properties.insert(key, schema);
                }
                Ok(ExactProperties(properties))
            }
        }
        d.deserialize_map(PropertiesVisitor)
    }
}

struct SchemaObjectVisitor;

impl<'de> Visitor<'de> for SchemaObjectVisitor {
    type Value = SchemaObject;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct SchemaObjectWire")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SchemaObject, A::Error> {
        let mut o = SchemaObject::default();
        let mut seen = 0u64;
        while let Some(Keyword(id)) = map.next_key()? {
            let Some(id) = id else {
                map.next_value::<de::IgnoredAny>()?;
                continue;
            };
            if seen & (1 << id) != 0 {
                return Err(de::Error::duplicate_field(KEYWORDS[id]));
            }
            seen |= 1 << id;
            match id {
                0 => o.reference = map.next_value()?,
                1 => o.types = map.next_value()?,
                2 => set_extra(&mut o, map.next_value()?, |e| &mut e.format),
                3 => set_extra(
                    &mut o,
                    map.next_value::<Option<ExactProperties>>()?.map(|p| p.0),
                    |e| &mut e.properties,
                ),
                4 => set_extra(&mut o, map.next_value()?, |e| &mut e.required),
                5 => set_extra(&mut o, map.next_value()?, |e| &mut e.additional_properties),
                6 => o.items = map.next_value()?,
                7 => set_extra(&mut o, map.next_value()?, |e| &mut e.prefix_items),
                8 => set_extra(&mut o, map.next_value()?, |e| &mut e.enum_values),
                9 => set_extra(&mut o, Some(Box::new(map.next_value()?)), |e| {
                    &mut e.const_value
                }),
                10 => o.any_of = map.next_value()?,
                11 => set_extra(&mut o, map.next_value()?, |e| &mut e.one_of),
                12 => set_extra(&mut o, map.next_value()?, |e| &mut e.all_of),
                13 => set_extra(&mut o, map.next_value()?, |e| &mut e.discriminator),
                14 => o.default = Some(Box::new(map.next_value()?)),
                15 => o.title = map.next_value()?,
                16 => o.description = map.next_value()?,
                17 => set_extra(&mut o, map.next_value()?, |e| &mut e.examples),
                18 => o.deprecated = map.next_value()?,
                19 => set_extra(&mut o, map.next_value()?, |e| &mut e.read_only),
                20 => set_extra(&mut o, map.next_value()?, |e| &mut e.write_only),
                21 => set_extra(&mut o, map.next_value()?, |e| &mut e.min_length),
                22 => set_extra(&mut o, map.next_value()?, |e| &mut e.max_length),
                23 => set_extra(&mut o, map.next_value()?, |e| &mut e.pattern),
                24 => set_extra(&mut o, map.next_value()?, |e| &mut e.minimum),
                25 => set_extra(&mut o, map.next_value()?, |e| &mut e.maximum),
                26 => set_extra(&mut o, map.next_value()?, |e| &mut e.exclusive_minimum),
                27 => set_extra(&mut o, map.next_value()?, |e| &mut e.exclusive_maximum),
                28 => set_extra(&mut o, map.next_value()?, |e| &mut e.multiple_of),
                29 => set_extra(&mut o, map.next_value()?, |e| &mut e.min_items),
                30 => set_extra(&mut o, map.next_value()?, |e| &mut e.max_items),
                31 => set_extra(&mut o, map.next_value()?, |e| &mut e.unique_items),
                32 => set_extra(&mut o, map.next_value()?, |e| &mut e.min_properties),
                33 => set_extra(&mut o, map.next_value()?, |e| &mut e.max_properties),
                34 => set_extra(&mut o, map.next_value()?, |e| &mut e.nested_defs),
                35 => set_extra(&mut o, map.next_value()?, |e| &mut e.not),
                36 => set_extra(&mut o, map.next_value()?, |e| &mut e.if_schema),
                37 => set_extra(&mut o, map.next_value()?, |e| &mut e.pattern_properties),
                38 => set_extra(&mut o, map.next_value()?, |e| &mut e.property_names),
                39 => set_extra(&mut o, map.next_value()?, |e| &mut e.contains),
                40 => set_extra(&mut o, map.next_value()?, |e| &mut e.dependent_schemas),
                41 => set_extra(&mut o, map.next_value()?, |e| &mut e.unevaluated_properties),
                _ => unreachable!("a keyword index"),
            }
        }
        Ok(o)
    }
}

impl JsonSchema for SchemaObject {
    fn schema_name() -> Cow<'static, str> {
        SchemaObjectWire::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        SchemaObjectWire::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        SchemaObjectWire::json_schema(generator)
    }
}

impl SchemaObject {
    /// The keywords outside the supported subset that this schema uses.
    pub fn unsupported_keywords(&self) -> Vec<&'static str> {
        let mut found = Vec::new();
        let checks: [(&Option<Box<Value>>, &'static str); 7] = [
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
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<Value>>, D::Error> {
    Value::deserialize(d).map(|v| Some(Box::new(v)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct decoding gives what the derived one of `SchemaObjectWire` gave: the same
    /// schema, or the same error, from text and from a `Value`.
    #[test]
    fn decodes_as_the_wire_form() {
        let samples = [
            r##"{}"##,
            r##"{"title": null}"##,
            r##"{"title": null, "title": "x"}"##,
            r##"{"$ref": "#/a", "$ref": "#/b"}"##,
            r##"{"type": 5}"##,
            r##"{"type": ["string", "null"], "format": "uuid"}"##,
            r##"{"const": null}"##,
            r##"{"default": null, "description": "d"}"##,
            r##"{"format": null, "pattern": null}"##,
            r##"{"x-extension": [1, {"a": 2}], "$ref": "#/a"}"##,
            r##"{"properties": {"a": {"type": "string"}}, "required": ["a"]}"##,
            r##"{"properties": {"a": {"type": 7}}}"##,
            r##"{"properties": {"a": {}, "b": {"type": "string"}, "a": {"type": "integer"}}}"##,
            r##"{"properties": "x"}"##,
            r##"{"properties": [{}]}"##,
            r##"{"properties": null, "required": []}"##,
            r##"{"properties": {"a": 1}}"##,
            r##"{"properties": {}}"##,
            r##"{"minimum": "x"}"##,
            r##"{"minimum": 1e999, "maximum": 18446744073709551616}"##,
            r##"{"items": [true, {}]}"##,
            r##"{"items": 3}"##,
            r##"{"enum": [1, "a", null], "examples": [1]}"##,
            r##"{"$defs": {}, "not": {}, "if": true}"##,
            r##"{"deprecated": "yes"}"##,
            r##"{"discriminator": {"propertyName": 1}}"##,
            r##"{"discriminator": {"propertyName": "k", "mapping": {"a": "#/a"}}}"##,
            r##"{"minLength": -1}"##,
            r##"{"unevaluatedProperties": false, "readOnly": true, "writeOnly": null}"##,
            r##"{"anyOf": [{"type": "number"}, {"type": "null"}], "oneOf": [], "allOf": [{}]}"##,
            r##"{"additionalProperties": {"type": "integer"}, "minProperties": 1}"##,
            r##"{"prefixItems": [{}], "uniqueItems": true, "minItems": 0, "maxItems": 2}"##,
        ];
        let wire = |text: &str| -> Result<SchemaObject, String> {
            serde_json::from_str::<SchemaObjectWire>(text)
                .map(SchemaObject::from)
                .map_err(|e| e.to_string())
        };
        for text in samples {
            let direct = serde_json::from_str::<SchemaObject>(text).map_err(|e| e.to_string());
            assert_eq!(direct, wire(text), "{text}");
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                let direct = serde_json::from_value::<SchemaObject>(value.clone())
                    .map_err(|e| e.to_string());
                let wire = serde_json::from_value::<SchemaObjectWire>(value)
                    .map(SchemaObject::from)
                    .map_err(|e| e.to_string());
                assert_eq!(direct, wire, "{text}");
            }
        }
    }
}
