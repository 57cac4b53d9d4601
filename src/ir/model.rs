//! The normalized model every backend renders from.
//!
//! One [`Api`] holds the methods, the events and a single [`TypeSpace`]. Every type
//! expression is a [`TypeId`] into that space: named types (objects, enums, aliases) and
//! anonymous ones (lists, unions, constrained strings...) alike. Anonymous types are
//! interned structurally, so the same shape written twice is one id.

use indexmap::IndexMap;
use serde_json::Value;

/// A whole API, ready for rendering. (The default, an API with nothing in it, is where
/// tests build their own.)
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub title: String,
    /// The API's own version (`info.version`).
    pub version: String,
    pub description: Option<String>,
    /// Which input format this came from, for the generated header: `"rpc-schema 1"` or
    /// `"openrpc 1.2.6"`.
    pub source_format: String,
    /// Environment name → WebSocket URL, in document order.
    pub servers: IndexMap<String, String>,
    /// In document order.
    pub methods: Vec<Method>,
    /// In document order.
    pub events: Vec<Event>,
    pub types: TypeSpace,
}

#[derive(Debug, Clone)]
pub struct Method {
    /// The name on the wire, e.g. `orders.get_status`.
    pub wire_name: String,
    /// Wire name split at the dots: `["orders", "get_status"]`. The last segment is the
    /// method itself, the others are namespaces. Never empty, no empty segment.
    pub path: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Always a named [`TypeKind::Object`] when present (a free-form params object is an
    /// object with no fields and typed additional properties). `None`: the method takes no
    /// params and the clients send `{}`.
    pub params: Option<TypeId>,
    /// An object type, a union of object types, or a [`TypeKind::Nullable`] of one of
    /// these. `None`: the method returns nothing useful (`void` / `None`).
    pub result: Option<TypeId>,
    /// JSON pointer of the method in the input document, e.g. `/methods/3`.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// The `type` field of the pushed message, e.g. `notification`.
    pub wire_name: String,
    pub description: Option<String>,
    /// The payload type (the message's `data` value). Any type kind.
    /// The clients take it from the message's `data` key, or, where the message has no
    /// `data` key (e.g. `room_event`), the message itself without its `type` key.
    pub payload: TypeId,
    pub pointer: String,
}

/// Index into [`TypeSpace::types`]. Stable for one normalization run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Where a name came from; a higher priority wins when two candidates meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NamePriority {
    /// Made up from the context: `OrdersGetStatusParams`, `OrderShippingAddress`.
    Derived = 0,
    /// From a schema's `title`.
    Title = 1,
    /// The key under `$defs` / `definitions` / `components.schemas`.
    Definition = 2,
}

/// The name of a named type: already PascalCase, unique within the API, and the same in
/// every language (backends only escape it when it clashes with something of theirs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeName {
    pub name: String,
    /// The name as written in the source (`Page_User_`, `Money-Input`), for docs.
    pub source: String,
    pub priority: NamePriority,
}

/// All types of an API.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    /// Indexed by [`TypeId`].
    pub types: Vec<TypeEntry>,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeEntry {
        &self.types[id.0]
    }
    pub fn kind(&self, id: TypeId) -> &TypeKind {
        &self.types[id.0].kind
    }
    /// Named types, sorted by name (the order generated files list them in, so that a
    /// reordering of the input document does not show up as a diff).
    pub fn named(&self) -> Vec<TypeId> {
        let mut ids: Vec<TypeId> = (0..self.types.len())
            .map(TypeId)
            .filter(|id| self.get(*id).name.is_some())
            .collect();
        ids.sort_by(|a, b| self.name_of(*a).cmp(self.name_of(*b)));
        ids
    }
    /// The name of a named type; panics on an anonymous one (a backend bug).
    pub fn name_of(&self, id: TypeId) -> &str {
        &self.get(id).name.as_ref().expect("named type").name
    }
}

#[derive(Debug, Clone)]
pub struct TypeEntry {
    /// `Some` for named types: every [`TypeKind::Object`] and [`TypeKind::Enum`], and
    /// [`TypeKind::Alias`]. `None` for anonymous (inline) types.
    pub name: Option<TypeName>,
    pub kind: TypeKind,
    pub docs: CompactDocs,
    /// JSON pointer of the schema this type was made from (its first occurrence).
    pub pointer: String,
}

/// [`Docs`] kept out of line, and only when there are some: most fields and anonymous types
/// have none, and inline they were more than half of a [`Field`] (144 bytes, now 72; the
/// IR at N=5000 methods has 128,000 fields). Reads as a `Docs` (`field.docs.description`);
/// a write makes room for them.
#[derive(Clone, Default)]
pub struct CompactDocs(Option<Box<Docs>>);

static NO_DOCS: Docs = Docs {
    title: None,
    description: None,
    deprecated: false,
    examples: Vec::new(),
};

impl std::ops::Deref for CompactDocs {
    type Target = Docs;
    fn deref(&self) -> &Docs {
        self.0.as_deref().unwrap_or(&NO_DOCS)
    }
}

impl std::ops::DerefMut for CompactDocs {
    fn deref_mut(&mut self) -> &mut Docs {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Docs> for CompactDocs {
    fn from(docs: Docs) -> Self {
        CompactDocs((docs != NO_DOCS).then(|| Box::new(docs)))
    }
}

// Compared, hashed and shown as the `Docs` they stand for (empty or absent alike).
impl PartialEq for CompactDocs {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for CompactDocs {}

impl std::hash::Hash for CompactDocs {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl std::fmt::Debug for CompactDocs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// Human text attached to a type or a field. Raw schema strings: backends escape them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// `examples`, JSON-encoded, for doc comments.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// Any JSON value (`{}`, `true`, or a construct we could not represent, in which case
    /// a warning was emitted with its pointer).
    Any,
    /// No value is valid (`false`, `not: {}`); rendered as `never` / `NoReturn`-ish.
    Never,
    Null,
    Boolean,
    Integer(NumberConstraints),
    Number(NumberConstraints),
    String(StringType),
    /// `const`, or a one-value `enum`.
    Literal(Literal),
    /// An anonymous `enum` (e.g. Pydantic's `Literal["a", "b"]`), or a mixed one: a union
    /// of literals. Always two or more distinct values.
    LiteralUnion(Vec<Literal>),
    Array(ArrayType),
    /// `prefixItems` (or draft-07 array-form `items`).
    Tuple(TupleType),
    /// An object with no properties and an `additionalProperties` schema: `Record<string,T>`
    /// / `dict[str, T]`. `additionalProperties: true` or absent with no properties maps to
    /// a map of [`TypeKind::Any`].
    Map(MapType),
    /// Always named.
    Object(ObjectType),
    /// A named `enum` from `$defs`, all strings or all integers. Always named.
    Enum(EnumType),
    /// `anyOf` / `oneOf` / `type: [..]`; never contains `Null` (see [`TypeKind::Nullable`])
    /// nor nested plain unions (flattened). Two or more variants.
    Union(UnionType),
    /// `T | null`.
    Nullable(TypeId),
    /// A named alias of another type: a `$defs` entry that is not an object or enum (a
    /// union, a constrained string, a list...). Always named.
    Alias(TypeId),
}

impl TypeKind {
    /// The types an anonymous or alias type is built from (items, values, variants, the
    /// inner type): what a walk over a type expression visits next. Objects and enums are
    /// declarations, not expressions: they have none here.
    pub fn child_types(&self) -> Vec<TypeId> {
        match self {
            TypeKind::Array(a) => vec![a.items],
            TypeKind::Tuple(t) => t.items.iter().copied().chain(t.rest).collect(),
            TypeKind::Map(m) => m.keys.into_iter().chain([m.values]).collect(),
            TypeKind::Union(u) => u.variants.clone(),
            TypeKind::Nullable(inner) | TypeKind::Alias(inner) => vec![*inner],
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NumberConstraints {
    /// Numbers kept as their JSON text (e.g. `0`, `0.5`, `1e-3`), so rendering is exact.
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub exclusive_minimum: Option<String>,
    pub exclusive_maximum: Option<String>,
    pub multiple_of: Option<String>,
}

impl NumberConstraints {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StringType {
    pub format: StringFormat,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// ECMA-262 regex as written in the schema.
    pub pattern: Option<String>,
}

impl StringType {
    pub fn plain(format: StringFormat) -> Self {
        StringType {
            format,
            min_length: None,
            max_length: None,
            pattern: None,
        }
    }
    pub fn has_constraints(&self) -> bool {
        self.min_length.is_some() || self.max_length.is_some() || self.pattern.is_some()
    }
}

/// Formats that change the Python type (TypeScript keeps `string` and says the format in
/// the doc comment).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StringFormat {
    None,
    DateTime,
    Date,
    Time,
    Duration,
    Uuid,
    /// `format: binary` (base64 on the wire in Pydantic's serialization).
    Binary,
    /// Pydantic's `Decimal` shape: `anyOf: [number, string with a decimal pattern]`, or a
    /// string with `format: decimal`.
    Decimal,
    Email,
    Uri,
    /// Any other `format` value, kept for the doc comment; maps to a plain string.
    Other(String),
}

impl StringFormat {
    /// The JSON Schema spelling, for doc comments (`None` for no format).
    pub fn as_str(&self) -> Option<&str> {
        Some(match self {
            StringFormat::None => return None,
            StringFormat::DateTime => "date-time",
            StringFormat::Date => "date",
            StringFormat::Time => "time",
            StringFormat::Duration => "duration",
            StringFormat::Uuid => "uuid",
            StringFormat::Binary => "binary",
            StringFormat::Decimal => "decimal",
            StringFormat::Email => "email",
            StringFormat::Uri => "uri",
            StringFormat::Other(s) => s,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Literal {
    String(String),
    /// Integers within i64/u64, kept as JSON text.
    Integer(String),
    /// Non-integer numbers, kept as JSON text.
    Number(String),
    Boolean(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArrayType {
    pub items: TypeId,
    /// `uniqueItems: true`. Python renders `set[T]` where T is hashable, else `list[T]`.
    pub unique: bool,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleType {
    pub items: Vec<TypeId>,
    /// Extra items after the fixed ones (`items` next to `prefixItems`), if allowed.
    pub rest: Option<TypeId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapType {
    /// The keys' type when `propertyNames` narrows them (Pydantic's `dict[Color, V]`): an
    /// enum or literals of strings. `None`: any string.
    pub keys: Option<TypeId>,
    pub values: TypeId,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectType {
    /// In schema order.
    pub fields: Vec<Field>,
    pub additional: AdditionalProperties,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AdditionalProperties {
    /// Not said, or `true`: extra keys are allowed and ignored (Pydantic's default).
    Allowed,
    /// `additionalProperties: false`: `extra="forbid"` in Python.
    Forbidden,
    /// Properties plus an `additionalProperties` schema: extra keys of that type.
    Typed(TypeId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The JSON key, exactly as on the wire.
    pub wire_name: String,
    pub ty: TypeId,
    /// In `required`. A non-required field may be left out (`?:` / `= None` or its default).
    pub required: bool,
    /// `default`, as JSON. Present only on non-required fields in practice.
    pub default: Option<JsonValue>,
    pub docs: CompactDocs,
    pub read_only: bool,
}

/// A JSON value that can live in a hashed, interned type (kept as its compact JSON text;
/// object keys in document order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonValue(pub String);

impl JsonValue {
    pub fn from_value(v: &Value) -> Self {
        JsonValue(serde_json::to_string(v).expect("a Value always serializes"))
    }
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).expect("JsonValue holds valid JSON")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumType {
    pub values: Vec<EnumValue>,
    pub repr: EnumRepr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnumRepr {
    String,
    Integer,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumValue {
    /// The value on the wire: the string itself, or the integer's JSON text.
    pub wire: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionType {
    /// In schema order, distinct.
    pub variants: Vec<TypeId>,
    pub discriminator: Option<Discriminator>,
}

/// A tagged union whose tag was checked: every variant is a named object with a field
/// `property` (required, or with the tag as its default) whose type is a string, integer or
/// boolean [`Literal`], a [`TypeKind::LiteralUnion`] of them, or an [`TypeKind::Enum`],
/// holding the mapped tag(s) (mapping keys are the tags' JSON text without quotes: `"1"`); or a variant is
/// itself a discriminated union (on another property) whose variants all carry the tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Discriminator {
    /// The tag's wire name, e.g. `kind`.
    pub property: String,
    /// Tag value → the type it selects, in mapping order: a variant object, an object of a
    /// nested discriminated union, or a nested discriminated union variant as a whole
    /// (all of whose objects carry that tag).
    pub mapping: Vec<(String, TypeId)>,
}

/// A problem that did not stop normalization (something simplified or dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// JSON pointer into the input document.
    pub pointer: String,
    pub message: String,
}
