//! Turning JSON Schemas into types of the [`TypeSpace`]: the `$ref` table, structural
//! interning, and the keyword-by-keyword conversion.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use serde_json::Value;

use super::model::*;
use super::naming::{NameCandidate, pascal_case};
use super::prefetch::Prefetch;
use super::{all_of, discriminator};
use crate::schema::InputError;
use crate::schema::decode_raw_def;
use crate::schema::error::push_token;
use crate::schema::json_schema::{
    DiscriminatorObject, Items, Schema, SchemaExtra, SchemaObject, SchemaRare,
    TypeName as JsonType, TypeSet,
};
use crate::schema::source::{RawDef, SourceDef};

/// A `$defs` entry as the builder sees it: decoded already, or still JSON text.
#[derive(Clone, Copy)]
pub(crate) struct DefSource<'a> {
    name: &'a str,
    pointer: &'a str,
    reference: &'a str,
    schema: DefSchema<'a>,
}

#[derive(Clone, Copy)]
enum DefSchema<'a> {
    Decoded(&'a Schema),
    Text(&'a str),
}

impl<'a> DefSource<'a> {
    pub fn decoded(def: &'a SourceDef) -> Self {
        DefSource {
            name: &def.name,
            pointer: &def.pointer,
            reference: &def.reference,
            schema: DefSchema::Decoded(&def.schema),
        }
    }

    pub fn raw(def: &'a RawDef<'a>) -> Self {
        DefSource {
            name: &def.name,
            pointer: &def.pointer,
            reference: &def.reference,
            schema: DefSchema::Text(def.text),
        }
    }
}

/// Pydantic's `Decimal` is a string with this pattern (alone in serialization mode, beside
/// `number` in an `anyOf` in validation mode).
const DECIMAL_PATTERN_PREFIX: &str = "^(?!^[-+.]*$)";

/// How many definitions may be converted one inside another (`A` has a property of type
/// `B`, which has one of type `C`...): the conversion recurses, and deeper chains would
/// overflow the stack (the CLI's thread has 256 MiB; a level takes a few KiB in a release
/// build, tens in a debug one). No real schema comes near it.
pub const MAX_REF_DEPTH: usize = 2_000;

/// The state of one `$defs` entry while building.
#[derive(Clone, Copy)]
enum DefState {
    Unvisited,
    /// A pure reference (`{"$ref": ...}`) being followed: meeting it again is a cycle with
    /// no content.
    Following,
    Done(TypeId),
}

/// A fast non-cryptographic hash of an interning key (the input is our own IR, not
/// attacker-chosen keys of a long-lived map, and SipHash was a visible cost).
fn structural_hash(kind: &TypeKind, docs: &Docs) -> u64 {
    let mut h = FxHasher::default();
    kind.hash(&mut h);
    // (Nearly always none: not hashed then.)
    if docs.title.is_some()
        || docs.description.is_some()
        || docs.deprecated
        || !docs.examples.is_empty()
    {
        docs.hash(&mut h);
    }
    h.finish()
}

/// The kinds most schemas convert to (`string`, `integer`, `T | null`, `list[T]`...): no
/// text or list inside, so a small key of their own interns them, without hashing and
/// comparing a whole [`TypeKind`] and its docs, or dropping the kind built for a type
/// met again (nine interned types in ten are).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum PlainKind {
    Any,
    Never,
    Null,
    Boolean,
    /// Without constraints.
    Integer,
    /// Without constraints.
    Number,
    /// Any format but `Other`, and no pattern.
    String {
        format: u8,
        min_length: Option<u64>,
        max_length: Option<u64>,
    },
    Array {
        items: TypeId,
        unique: bool,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
    Map {
        keys: Option<TypeId>,
        values: TypeId,
        min_properties: Option<u64>,
        max_properties: Option<u64>,
    },
    Nullable(TypeId),
}

impl PlainKind {
    fn of(kind: &TypeKind) -> Option<PlainKind> {
        Some(match kind {
            TypeKind::Any => PlainKind::Any,
            TypeKind::Never => PlainKind::Never,
            TypeKind::Null => PlainKind::Null,
            TypeKind::Boolean => PlainKind::Boolean,
            TypeKind::Integer(c) if c.is_empty() => PlainKind::Integer,
            TypeKind::Number(c) if c.is_empty() => PlainKind::Number,
            TypeKind::String(s) if s.pattern.is_none() => PlainKind::String {
                format: match s.format {
                    StringFormat::None => 0,
                    StringFormat::DateTime => 1,
                    StringFormat::Date => 2,
                    StringFormat::Time => 3,
                    StringFormat::Duration => 4,
                    StringFormat::Uuid => 5,
                    StringFormat::Binary => 6,
                    StringFormat::Decimal => 7,
                    StringFormat::Email => 8,
                    StringFormat::Uri => 9,
                    StringFormat::Other(_) => return None,
                },
                min_length: s.min_length,
                max_length: s.max_length,
            },
            TypeKind::Array(a) => PlainKind::Array {
                items: a.items,
                unique: a.unique,
                min_items: a.min_items,
                max_items: a.max_items,
            },
            TypeKind::Map(m) => PlainKind::Map {
                keys: m.keys,
                values: m.values,
                min_properties: m.min_properties,
                max_properties: m.max_properties,
            },
            TypeKind::Nullable(inner) => PlainKind::Nullable(*inner),
            _ => return None,
        })
    }
}

/// rustc's multiply-rotate hash (the `rustc-hash` crate): the hasher of the builder's maps
/// (their order is never used) and of a schema's properties (an `IndexMap`, whose order
/// does not depend on the hasher).
pub use rustc_hash::{FxBuildHasher, FxHasher};

/// The hasher of a map whose keys are already hashes.
#[derive(Default)]
struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The types being built, in one vector reserved up front from the number of definitions
/// (about two types each in Pydantic exports): a vector grown by doubling would for a
/// moment hold its old and new buffers (28 MB at N=5000, the peak of the run), and room
/// reserved but never filled costs no memory (its pages are never touched). A document
/// that needs more grows it as usual.
pub(crate) struct Entries {
    all: Vec<TypeEntry>,
}

impl Entries {
    fn with_room_for_defs(defs: usize) -> Self {
        Entries {
            all: Vec::with_capacity(Self::room_for_defs(defs)),
        }
    }

    fn room_for_defs(defs: usize) -> usize {
        defs * 4 + 256
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    fn push(&mut self, entry: TypeEntry) {
        self.all.push(entry);
    }

    pub fn iter(&self) -> impl Iterator<Item = &TypeEntry> {
        self.all.iter()
    }

    pub fn into_vec(self) -> Vec<TypeEntry> {
        self.all
    }
}

impl std::ops::Index<usize> for Entries {
    type Output = TypeEntry;
    fn index(&self, i: usize) -> &TypeEntry {
        &self.all[i]
    }
}

impl std::ops::IndexMut<usize> for Entries {
    fn index_mut(&mut self, i: usize) -> &mut TypeEntry {
        &mut self.all[i]
    }
}

pub(crate) struct Builder<'a> {
    pub file: &'a str,
    defs: Vec<DefSource<'a>>,
    def_by_ref: HashMap<&'a str, usize, FxBuildHasher>,
    /// Whether a `$ref` of some definition has a `%` (see [`Builder::def_index`]).
    refs_have_percent: bool,
    def_state: Vec<DefState>,
    pub entries: Entries,
    /// Name candidates of named entries, by entry index (one slot for every entry).
    pub names: Vec<Option<NameCandidate>>,
    /// Anonymous types and inline objects, by structure: the hash of `(kind, docs)` → the
    /// entries with that hash. The entries are the keys (an interned entry never changes),
    /// so no kind is cloned into the map.
    interned: HashMap<u64, Interned, BuildHasherDefault<PrehashedKey>>,
    /// Anonymous types of a [`PlainKind`], by that key (most interned types).
    interned_plain: HashMap<PlainKind, TypeId, FxBuildHasher>,
    /// Unions without a discriminator, by their members.
    interned_unions: HashMap<Box<[TypeId]>, TypeId, FxBuildHasher>,
    /// The members of the union being made (see [`Builder::union_of`]).
    union_members: Vec<TypeId>,
    /// Where [`Builder::push`] writes a new entry's pointer.
    pointer_buffer: String,
    pub warnings: Vec<Warning>,
    /// Definitions being converted: their entries read `Any` until they are done.
    defs_in_progress: HashSet<TypeId, FxBuildHasher>,
    /// Definitions being converted inside one another (see [`MAX_REF_DEPTH`]).
    ref_depth: usize,
    /// Discriminated unions met while a variant was still being converted (a recursive
    /// tree: `BinOp.left: Expr`, `Expr = BinOp | Lit`): checked once every definition is
    /// done, see [`Builder::check_deferred_discriminators`].
    deferred_discriminators: Vec<DeferredDiscriminator>,
    /// Definitions decoded ahead on another thread (large documents read lazily).
    prefetch: Option<&'a Prefetch<'a>>,
}

/// The entries interned under one hash: nearly always one (no vector to allocate for it).
enum Interned {
    One(TypeId),
    Many(Vec<TypeId>),
}

impl Interned {
    fn ids(&self) -> &[TypeId] {
        match self {
            Interned::One(id) => std::slice::from_ref(id),
            Interned::Many(ids) => ids,
        }
    }
}

struct DeferredDiscriminator {
    union: TypeId,
    discriminator: DiscriminatorObject,
    variants: Vec<TypeId>,
    pointer: String,
}

impl<'a> Builder<'a> {
    pub fn new(
        file: &'a str,
        defs: Vec<DefSource<'a>>,
        prefetch: Option<&'a Prefetch<'a>>,
    ) -> Result<Self, InputError> {
        let mut def_by_ref = HashMap::with_capacity_and_hasher(defs.len(), FxBuildHasher);
        for (i, def) in defs.iter().enumerate() {
            if def_by_ref.insert(def.reference, i).is_some() {
                return Err(InputError::new(
                    file,
                    def.pointer,
                    "duplicate definition name",
                ));
            }
        }
        let def_state_len = defs.len();
        let refs_have_percent = defs.iter().any(|d| d.reference.contains('%'));
        Ok(Builder {
            file,
            def_by_ref,
            refs_have_percent,
            def_state: vec![DefState::Unvisited; defs.len()],
            defs,
            entries: Entries::with_room_for_defs(def_state_len),
            names: Vec::with_capacity(Entries::room_for_defs(def_state_len)),
            interned: HashMap::default(),
            interned_plain: HashMap::default(),
            interned_unions: HashMap::default(),
            union_members: Vec::new(),
            pointer_buffer: String::new(),
            warnings: Vec::new(),
            defs_in_progress: HashSet::default(),
            ref_depth: 0,
            deferred_discriminators: Vec::new(),
            prefetch,
        })
    }

    /// The types, their name candidates and the warnings; the rest is dropped.
    pub fn into_parts(self) -> (Entries, Vec<Option<NameCandidate>>, Vec<Warning>) {
        (self.entries, self.names, self.warnings)
    }

    pub fn warn(&mut self, pointer: &Pointer<'_>, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.written(),
            message: message.into(),
        });
    }

    pub fn error(&self, pointer: &Pointer<'_>, message: impl Into<String>) -> InputError {
        InputError::new(self.file, &pointer.written(), message)
    }

    /// Every definition becomes a type, used or not, so that a `$defs`-only model still
    /// reaches the generated packages.
    pub fn add_all_defs(&mut self) -> Result<(), InputError> {
        for i in 0..self.defs.len() {
            self.def_type(i, &Pointer::Text(self.defs[i].pointer))?;
        }
        Ok(())
    }

    /// Adds an anonymous type, or returns the id of the same structure added before.
    pub fn intern(&mut self, kind: TypeKind, pointer: &Pointer<'_>) -> TypeId {
        let Some(key) = PlainKind::of(&kind) else {
            return self.intern_with(kind, Docs::default(), pointer, None);
        };
        // (Plain kinds come only this way, without docs or a name: this table alone
        // holds them.)
        if let Some(&id) = self.interned_plain.get(&key) {
            return id;
        }
        let id = self.push(kind, Docs::default(), pointer, None);
        self.interned_plain.insert(key, id);
        id
    }

    fn intern_with(
        &mut self,
        kind: TypeKind,
        docs: Docs,
        pointer: &Pointer<'_>,
        name: Option<NameCandidate>,
    ) -> TypeId {
        let hash = structural_hash(&kind, &docs);
        let found = self.interned.get(&hash).and_then(|ids| {
            ids.ids().iter().copied().find(|id| {
                let e = &self.entries[id.0];
                e.kind == kind && *e.docs == docs
            })
        });
        if let Some(id) = found {
            // The same shape met again: keep the better name.
            if let (Some(new), Some(old)) = (name, &self.names[id.0])
                && new.priority > old.priority
            {
                self.names[id.0] = Some(new);
            }
            return id;
        }
        let id = self.push(kind, docs, pointer, name);
        match self.interned.entry(hash) {
            Entry::Vacant(e) => {
                e.insert(Interned::One(id));
            }
            Entry::Occupied(mut e) => match e.get_mut() {
                Interned::One(first) => {
                    let first = *first;
                    e.insert(Interned::Many(vec![first, id]));
                }
                Interned::Many(ids) => ids.push(id),
            },
        }
        id
    }

    /// Interns a union without a discriminator, looked up by its members (no kind made
    /// for a union met again). Such unions are interned only here.
    fn intern_union(&mut self, variants: &[TypeId], pointer: &Pointer<'_>) -> TypeId {
        if let Some(&id) = self.interned_unions.get(variants) {
            return id;
        }
        let kind = TypeKind::Union(UnionType {
            variants: variants.to_vec(),
            discriminator: None,
        });
        let id = self.push(kind, Docs::default(), pointer, None);
        self.interned_unions.insert(variants.into(), id);
        id
    }

    fn push(
        &mut self,
        kind: TypeKind,
        docs: Docs,
        pointer: &Pointer<'_>,
        name: Option<NameCandidate>,
    ) -> TypeId {
        let id = TypeId(self.entries.len());
        // Written in a buffer kept for it, then copied at its length (entries keep theirs).
        let mut written = std::mem::take(&mut self.pointer_buffer);
        written.clear();
        pointer.write_to(&mut written);
        self.entries.push(TypeEntry {
            name: None,
            kind,
            docs: docs.into(),
            pointer: written.as_str().to_owned(),
        });
        self.pointer_buffer = written;
        self.names.push(name);
        id
    }

    /// Adds a named object that is not interned (params built from OpenRPC descriptors).
    pub fn push_named_object(
        &mut self,
        object: ObjectType,
        docs: Docs,
        pointer: &Pointer<'_>,
        name: NameCandidate,
    ) -> TypeId {
        self.push(TypeKind::Object(object), docs, pointer, Some(name))
    }

    /// Resolves a `$ref` string to the type of its definition.
    pub fn resolve_ref(
        &mut self,
        reference: &str,
        pointer: &Pointer<'_>,
    ) -> Result<TypeId, InputError> {
        let index = self.def_index(reference, pointer)?;
        self.def_type(index, pointer)
    }

    fn def_index(&self, reference: &str, pointer: &Pointer<'_>) -> Result<usize, InputError> {
        // (The pointer of the `$ref` is made only for an error: this runs for every one.)
        let at = || Pointer::Token(pointer, "$ref");
        if !reference.starts_with('#') {
            return Err(self.error(&at(), format!(
                "expected a reference inside this document (#/$defs/<name>), found {reference:?}: \
                 references to other files are not supported"
            )));
        }
        // When no definition's reference has a `%`, one found as written has none either
        // and decodes to itself: looked up as written first, without decoding.
        let as_written = match self.refs_have_percent {
            false => self.def_by_ref.get(reference).copied(),
            true => None,
        };
        as_written.or_else(|| {
            let decoded = percent_decode(reference);
            self.def_by_ref.get(&*decoded).or_else(|| self.def_by_ref.get(reference)).copied()
        }).ok_or_else(|| {
            self.error(&at(), format!(
                "unresolvable reference {reference:?}: expected the name of an entry of $defs or definitions"
            ))
        })
    }

    /// The schema object a `$ref` points at (for merging `allOf` members).
    pub fn def_schema(
        &self,
        reference: &str,
        pointer: &Pointer<'_>,
    ) -> Result<(Cow<'a, Schema>, &'a str), InputError> {
        let index = self.def_index(reference, pointer)?;
        Ok((self.decode_def(index)?, self.defs[index].pointer))
    }

    /// The schema of a definition, decoded from its text if need be.
    fn decode_def(&self, index: usize) -> Result<Cow<'a, Schema>, InputError> {
        let def = self.defs[index];
        match def.schema {
            DefSchema::Decoded(schema) => Ok(Cow::Borrowed(schema)),
            DefSchema::Text(text) => decode_raw_def(text).map(Cow::Owned).ok_or_else(|| {
                // Only the lazy reading meets this, and it then reads the document again
                // the reference way, which says what is wrong.
                self.error(&Pointer::Text(def.pointer), "expected a JSON Schema")
            }),
        }
    }

    fn def_type(&mut self, index: usize, pointer: &Pointer<'_>) -> Result<TypeId, InputError> {
        let def = self.defs[index];
        match self.def_state[index] {
            DefState::Done(id) => return Ok(id),
            DefState::Following => {
                return Err(self.error(pointer, format!(
                    "reference cycle with no content: {:?} refers back to itself through $ref only",
                    def.name
                )));
            }
            DefState::Unvisited => {}
        }
        match self.prefetch.and_then(|p| Some((p, p.take(index)?))) {
            Some((prefetch, schema)) => {
                let id = self.convert_def(index, &schema, pointer);
                // Dropped on the thread that decoded it (see `Prefetch::give_back`).
                prefetch.give_back(schema);
                id
            }
            None => {
                let schema = self.decode_def(index)?;
                self.convert_def(index, &schema, pointer)
            }
        }
    }

    /// [`Builder::def_type`] of an unvisited definition, given its schema.
    fn convert_def(
        &mut self,
        index: usize,
        schema: &Schema,
        pointer: &Pointer<'_>,
    ) -> Result<TypeId, InputError> {
        let def = self.defs[index];
        // A definition that only points at another one is the same type.
        if let Schema::Object(o) = schema
            && let Some(target) = &o.reference
            && !has_structure_besides_ref(o)
        {
            self.def_state[index] = DefState::Following;
            let id = self.resolve_ref(target, &Pointer::Text(def.pointer))?;
            self.def_state[index] = DefState::Done(id);
            return Ok(id);
        }
        // Reserve the entry first so that recursive references find it.
        let name = NameCandidate::new(def.name, NamePriority::Definition);
        let id = self.push(
            TypeKind::Any,
            Docs::default(),
            &Pointer::Text(def.pointer),
            Some(name),
        );
        self.def_state[index] = DefState::Done(id);
        let hint = Hint::Pascal(def.name);
        if self.ref_depth >= MAX_REF_DEPTH {
            return Err(self.error(
                pointer,
                format!(
                    "references nested too deeply: expected at most {MAX_REF_DEPTH} definitions \
                 reached one through another (a chain of $ref), found more at {:?}",
                    def.name
                ),
            ));
        }
        self.ref_depth += 1;
        self.defs_in_progress.insert(id);
        let converted = self.convert_named(schema, &Pointer::Text(def.pointer), &hint, def.name);
        self.ref_depth -= 1;
        let (kind, docs) = converted?;
        self.defs_in_progress.remove(&id);
        self.entries[id.0].kind = kind;
        self.entries[id.0].docs = docs.into();
        Ok(id)
    }

    /// The kind and docs of a definition's own schema: objects and enums are themselves,
    /// anything else becomes an alias of an anonymous type.
    fn convert_named(
        &mut self,
        schema: &Schema,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
        source_name: &str,
    ) -> Result<(TypeKind, Docs), InputError> {
        let Schema::Object(o) = schema else {
            let inner = self.convert(schema, pointer, hint)?;
            return Ok((TypeKind::Alias(inner), Docs::default()));
        };
        let mut docs = docs_of(o);
        // Pydantic titles every model with its class name: that says nothing.
        if docs
            .title
            .as_deref()
            .is_some_and(|t| t == source_name || pascal_case(t) == pascal_case(source_name))
        {
            docs.title = None;
        }
        if let Some(e) = self.named_enum(o, pointer) {
            return Ok((e, docs));
        }
        if self.is_object_schema(o)
            && o.all_of.is_none()
            && o.reference.is_none()
            && let Some(object) = self.object_type(o, pointer, hint)?
        {
            return Ok((TypeKind::Object(object), docs));
        }
        let inner = self.convert(schema, pointer, hint)?;
        // An object made by merging `allOf` members takes the definition's name itself.
        if let TypeKind::Object(object) = &self.entries[inner.0].kind
            && self.names[inner.0]
                .as_ref()
                .is_some_and(|n| n.priority < NamePriority::Definition)
            && o.reference.is_none()
        {
            return Ok((TypeKind::Object(object.clone()), docs));
        }
        Ok((TypeKind::Alias(inner), docs))
    }

    fn named_enum(&mut self, o: &SchemaObject, pointer: &Pointer<'_>) -> Option<TypeKind> {
        let values = o.enum_values.as_ref()?;
        if values.is_empty() {
            return None;
        }
        let repr = if values.iter().all(Value::is_string) {
            EnumRepr::String
        } else if values.iter().all(is_integer) {
            EnumRepr::Integer
        } else {
            return None;
        };
        let mut seen = Vec::new();
        for v in values {
            let wire = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if seen.iter().any(|e: &EnumValue| e.wire == wire) {
                self.warn(
                    &Pointer::Token(pointer, "enum"),
                    format!("duplicate enum value {wire:?} ignored"),
                );
                continue;
            }
            seen.push(EnumValue { wire });
        }
        Some(TypeKind::Enum(EnumType { values: seen, repr }))
    }

    fn is_object_schema(&self, o: &SchemaObject) -> bool {
        match &o.types {
            Some(t) => t.as_slice() == [JsonType::Object],
            None => o.properties.is_some(),
        }
    }

    /// Converts any schema to a type. `hint` is the PascalCase name an inline object would
    /// get (`OrderShippingAddress`).
    pub fn convert(
        &mut self,
        schema: &Schema,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        let o = match schema {
            Schema::Bool(true) => return Ok(self.intern(TypeKind::Any, pointer)),
            Schema::Bool(false) => return Ok(self.intern(TypeKind::Never, pointer)),
            Schema::Object(o) => o,
        };
        check_numbers(self, o, pointer)?;
        // (The keywords are looked at here first: nearly every schema has none.)
        let rare: &SchemaRare = o;
        let has_unsupported = rare.not.is_some()
            || rare.if_schema.is_some()
            || rare.pattern_properties.is_some()
            || rare.property_names.is_some()
            || rare.contains.is_some()
            || rare.dependent_schemas.is_some()
            || rare.unevaluated_properties.is_some();
        let unsupported = if has_unsupported {
            o.unsupported_keywords()
        } else {
            Vec::new()
        };
        for keyword in unsupported {
            if keyword == "propertyNames" && map_keys_candidate(o) {
                continue; // typed by `map_keys`, which warns when it cannot
            }
            self.warn(pointer, format!(
                "the keyword {keyword:?} is outside the supported JSON Schema subset and is ignored: \
                 the generated type accepts more than the schema"
            ));
        }
        if let Some(reference) = &o.reference {
            if !has_structure_besides_ref(o) {
                return self.resolve_ref(reference, pointer);
            }
            // `$ref` beside other constraints means both apply, as in `allOf`.
            let merged = all_of::merge_ref_with_siblings(self, o, pointer)?;
            return self.convert_merged(&merged, pointer, hint);
        }
        if let Some(members) = &o.all_of {
            if members.len() == 1 && !has_structure_besides(o, &["allOf"]) {
                return self.convert(
                    &members[0],
                    &Pointer::Index(&Pointer::Token(pointer, "allOf"), 0),
                    hint,
                );
            }
            let merged = all_of::merge(self, o, pointer)?;
            return self.convert_merged(&merged, pointer, hint);
        }
        if let Some(value) = &o.const_value {
            return Ok(match literal(value) {
                Some(l) => self.intern(TypeKind::Literal(l), pointer),
                None => {
                    self.warn(&Pointer::Token(pointer, "const"), "a const object or array is not representable as a literal type; typed as any JSON value");
                    self.intern(TypeKind::Any, pointer)
                }
            });
        }
        if let Some(values) = &o.enum_values {
            return Ok(self.literal_enum(values, pointer));
        }
        if let Some(variants) = o.one_of.as_ref().or(o.any_of.as_ref()) {
            let keyword = if o.one_of.is_some() { "oneOf" } else { "anyOf" };
            if o.one_of.is_some() && o.any_of.is_some() {
                self.warn(pointer, "both oneOf and anyOf: only oneOf is used");
            }
            return self.union(o, variants, keyword, pointer, hint);
        }
        match &o.types {
            Some(TypeSet::Many(types)) if types.len() != 1 => {
                if types.is_empty() {
                    return Err(self.error(
                        &Pointer::Token(pointer, "type"),
                        "expected at least one type name",
                    ));
                }
                let mut ids = Vec::new();
                for t in types {
                    let mut single = o.clone();
                    single.types = Some(TypeSet::One(*t));
                    ids.push(self.convert_single(&single, *t, pointer, hint)?);
                }
                Ok(self.union_of(ids, None, pointer))
            }
            Some(t) => {
                let t = t.as_slice()[0];
                self.convert_single(o, t, pointer, hint)
            }
            None if o.properties.is_some() || o.additional_properties.is_some() => {
                self.convert_single(o, JsonType::Object, pointer, hint)
            }
            None if o.items.is_some() || o.prefix_items.is_some() => {
                self.convert_single(o, JsonType::Array, pointer, hint)
            }
            None if o.format.is_some()
                || o.pattern.is_some()
                || o.min_length.is_some()
                || o.max_length.is_some() =>
            {
                self.convert_single(o, JsonType::String, pointer, hint)
            }
            None => Ok(self.intern(TypeKind::Any, pointer)),
        }
    }

    fn convert_merged(
        &mut self,
        merged: &SchemaObject,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        self.convert(&Schema::Object(Box::new(merged.clone())), pointer, hint)
    }

    fn literal_enum(&mut self, values: &[Value], pointer: &Pointer<'_>) -> TypeId {
        let mut literals: Vec<Literal> = Vec::new();
        for v in values {
            match literal(v) {
                Some(l) if !literals.contains(&l) => literals.push(l),
                Some(_) => {}
                None => {
                    self.warn(&Pointer::Token(pointer, "enum"), "an enum with object or array values is not representable; typed as any JSON value");
                    return self.intern(TypeKind::Any, pointer);
                }
            }
        }
        match literals.len() {
            0 => {
                self.warn(
                    &Pointer::Token(pointer, "enum"),
                    "an empty enum allows no value",
                );
                self.intern(TypeKind::Never, pointer)
            }
            1 => self.intern(TypeKind::Literal(literals.remove(0)), pointer),
            _ => self.intern(TypeKind::LiteralUnion(literals), pointer),
        }
    }

    fn union(
        &mut self,
        o: &SchemaObject,
        variants: &[Schema],
        keyword: &str,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        if is_decimal_shape(variants) {
            return Ok(self.intern(
                TypeKind::String(StringType::plain(StringFormat::Decimal)),
                pointer,
            ));
        }
        let at = Pointer::Token(pointer, keyword);
        let mut ids = Vec::with_capacity(variants.len());
        for (i, variant) in variants.iter().enumerate() {
            let variant_hint = match variant.as_object().and_then(|v| v.title.as_deref()) {
                Some(title) => Hint::Pascal(title),
                None => Hint::Numbered(hint, "Variant", i + 1),
            };
            ids.push(self.convert(variant, &Pointer::Index(&at, i), &variant_hint)?);
        }
        if ids.is_empty() {
            self.warn(&at, format!("an empty {keyword} allows no value"));
            return Ok(self.intern(TypeKind::Never, pointer));
        }
        let Some(d) = &o.discriminator else {
            return Ok(self.union_of(ids, None, pointer));
        };
        if ids.iter().any(|id| self.in_progress(*id)) {
            let union = self.union_of(ids.clone(), None, pointer);
            self.deferred_discriminators.push(DeferredDiscriminator {
                union,
                discriminator: d.clone(),
                variants: ids,
                pointer: pointer.written(),
            });
            return Ok(union);
        }
        let tag = discriminator::check(self, d, &ids, pointer);
        Ok(self.union_of(ids, tag, pointer))
    }

    /// Whether `id` (through aliases) is a definition still being converted.
    fn in_progress(&self, mut id: TypeId) -> bool {
        for _ in 0..=self.entries.len() {
            if self.defs_in_progress.contains(&id) {
                return true;
            }
            match &self.entries[id.0].kind {
                TypeKind::Alias(inner) => id = *inner,
                _ => return false,
            }
        }
        false
    }

    /// Checks the discriminators deferred by [`Builder::union`] now that every definition
    /// is complete, and sets each that holds on its union. Runs after the last type is
    /// interned: the unions' entries may change then.
    pub fn check_deferred_discriminators(&mut self) {
        for deferred in std::mem::take(&mut self.deferred_discriminators) {
            let DeferredDiscriminator {
                union,
                discriminator,
                variants,
                pointer,
            } = deferred;
            let Some(tag) =
                discriminator::check(self, &discriminator, &variants, &Pointer::Text(&pointer))
            else {
                continue;
            };
            let union = match self.entries[union.0].kind {
                TypeKind::Nullable(inner) => inner,
                _ => union,
            };
            // As in `union_of`: the tag holds if the members are still the tagged ones.
            if let TypeKind::Union(u) = &mut self.entries[union.0].kind
                && u.variants
                    .iter()
                    .all(|v| tag.mapping.iter().any(|(_, t)| t == v) || variants.contains(v))
            {
                u.discriminator = Some(tag);
            }
        }
    }

    /// A union of already converted types: nested plain unions flattened, duplicates and
    /// `null` taken out (a `null` member makes the whole thing [`TypeKind::Nullable`]).
    pub fn union_of(
        &mut self,
        ids: Vec<TypeId>,
        tag: Option<Discriminator>,
        pointer: &Pointer<'_>,
    ) -> TypeId {
        let mut nullable = false;
        // (One buffer for every union: most end up one member and `null`, or a union
        // interned before, and allocate nothing.)
        let mut members = std::mem::take(&mut self.union_members);
        members.clear();
        // The members still to look at, the first on top.
        let mut stack = ids;
        stack.reverse();
        while let Some(id) = stack.pop() {
            match &self.entries[id.0].kind {
                TypeKind::Null | TypeKind::Literal(Literal::Null) => nullable = true,
                TypeKind::Nullable(inner) => {
                    nullable = true;
                    stack.push(*inner);
                }
                TypeKind::Union(u)
                    if u.discriminator.is_none()
                        && self.entries[id.0].name.is_none()
                        && self.names[id.0].is_none() =>
                {
                    stack.extend(u.variants.iter().rev());
                }
                _ => {
                    if !members.contains(&id) {
                        members.push(id);
                    }
                }
            }
        }
        let inner = match (members.len(), tag) {
            (0, _) => None,
            (1, _) => Some(members[0]),
            (_, None) => Some(self.intern_union(&members, pointer)),
            // A discriminator survives only if the members are still the tagged ones.
            (_, Some(tag)) => Some(self.intern(
                TypeKind::Union(UnionType {
                    variants: members.clone(),
                    discriminator: Some(tag),
                }),
                pointer,
            )),
        };
        self.union_members = members;
        let Some(inner) = inner else {
            return self.intern(TypeKind::Null, pointer);
        };
        if nullable {
            // (No shortcut for `Any | null`: `inner` may be a definition still being built,
            // whose kind reads `Any` until it is done.)
            self.intern(TypeKind::Nullable(inner), pointer)
        } else {
            inner
        }
    }

    fn convert_single(
        &mut self,
        o: &SchemaObject,
        t: JsonType,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        let kind = match t {
            JsonType::Null => TypeKind::Null,
            JsonType::Boolean => TypeKind::Boolean,
            JsonType::Integer => TypeKind::Integer(number_constraints(o)),
            JsonType::Number => TypeKind::Number(number_constraints(o)),
            JsonType::String => TypeKind::String(StringType {
                format: string_format(o),
                min_length: o.min_length,
                max_length: o.max_length,
                pattern: o
                    .pattern
                    .clone()
                    .filter(|p| !p.starts_with(DECIMAL_PATTERN_PREFIX)),
            }),
            JsonType::Array => return self.array(o, pointer, hint),
            JsonType::Object => return self.object(o, pointer, hint),
        };
        Ok(self.intern(kind, pointer))
    }

    fn array(
        &mut self,
        o: &SchemaObject,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        let item_hint = Hint::Suffix(hint, "Item");
        let tuple_items: Option<(&Vec<Schema>, &str)> = match (&o.prefix_items, &o.items) {
            (Some(prefix), _) => Some((prefix, "prefixItems")),
            (None, Some(Items::Tuple(items))) => Some((items, "items")),
            _ => None,
        };
        if let Some((items, keyword)) = tuple_items {
            let base = Pointer::Token(pointer, keyword);
            let mut ids = Vec::new();
            for (i, item) in items.iter().enumerate() {
                ids.push(self.convert(
                    item,
                    &Pointer::Index(&base, i),
                    &Hint::Numbered(&item_hint, "", i + 1),
                )?);
            }
            let rest = match (&o.prefix_items, &o.items) {
                (Some(_), Some(Items::One(Schema::Bool(false)))) | (Some(_), None) | (None, _) => {
                    None
                }
                (Some(_), Some(Items::One(rest))) => {
                    Some(self.convert(rest, &Pointer::Token(pointer, "items"), &item_hint)?)
                }
                (Some(_), Some(Items::Tuple(_))) => {
                    self.warn(
                        &Pointer::Token(pointer, "items"),
                        "a list of schemas in items beside prefixItems is ignored",
                    );
                    None
                }
            };
            // Pydantic's `tuple[int, ...]` arrives as plain `items`; a fixed tuple with
            // open extra items is `[A, B, ...C[]]`.
            return Ok(self.intern(TypeKind::Tuple(TupleType { items: ids, rest }), pointer));
        }
        let items = match &o.items {
            Some(Items::One(schema)) => {
                self.convert(schema, &Pointer::Token(pointer, "items"), &item_hint)?
            }
            _ => self.intern(TypeKind::Any, pointer),
        };
        Ok(self.intern(
            TypeKind::Array(ArrayType {
                items,
                unique: o.unique_items == Some(true),
                min_items: o.min_items,
                max_items: o.max_items,
            }),
            pointer,
        ))
    }

    fn object(
        &mut self,
        o: &SchemaObject,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<TypeId, InputError> {
        let Some(object) = self.object_type(o, pointer, hint)? else {
            // No properties: a map.
            let values = match &o.additional_properties {
                Some(Schema::Bool(false)) => {
                    let object = ObjectType {
                        fields: Vec::new(),
                        additional: AdditionalProperties::Forbidden,
                    };
                    let name = self.inline_name(o, hint);
                    return Ok(self.intern_with(
                        TypeKind::Object(object),
                        docs_of(o),
                        pointer,
                        Some(name),
                    ));
                }
                Some(schema) => self.convert(
                    schema,
                    &Pointer::Token(pointer, "additionalProperties"),
                    &Hint::Suffix(hint, "Value"),
                )?,
                None => self.intern(TypeKind::Any, pointer),
            };
            let keys = match o.property_names.as_deref() {
                Some(names) if map_keys_candidate(o) => {
                    self.map_keys(names, &Pointer::Token(pointer, "propertyNames"), hint)?
                }
                _ => None,
            };
            return Ok(self.intern(
                TypeKind::Map(MapType {
                    keys,
                    values,
                    min_properties: o.min_properties,
                    max_properties: o.max_properties,
                }),
                pointer,
            ));
        };
        if o.min_properties.is_some() || o.max_properties.is_some() {
            self.warn(
                pointer,
                "minProperties/maxProperties on an object with properties are ignored: the \
                 generated type accepts more than the schema",
            );
        }
        let name = self.inline_name(o, hint);
        Ok(self.intern_with(TypeKind::Object(object), docs_of(o), pointer, Some(name)))
    }

    /// The type of a map's keys from its `propertyNames`: an enum or literals of strings
    /// (what Pydantic writes for `dict[Color, V]` and `dict[Literal["a", "b"], V]`). Anything
    /// else keeps string keys, with a warning.
    fn map_keys(
        &mut self,
        names: &Value,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<Option<TypeId>, InputError> {
        let schema: Schema = serde_json::from_value(names.clone())
            .map_err(|e| self.error(pointer, format!("expected a schema: {e}")))?;
        let id = self.convert(&schema, pointer, &Hint::Suffix(hint, "Key"))?;
        let mut target = id;
        for _ in 0..=self.entries.len() {
            match &self.entries[target.0].kind {
                TypeKind::Alias(inner) => target = *inner,
                _ => break,
            }
        }
        let strings = match &self.entries[target.0].kind {
            TypeKind::Enum(e) => e.repr == EnumRepr::String,
            TypeKind::Literal(Literal::String(_)) => true,
            TypeKind::LiteralUnion(ls) => ls.iter().all(|l| matches!(l, Literal::String(_))),
            _ => false,
        };
        if strings {
            return Ok(Some(id));
        }
        self.warn(
            pointer,
            "the keys of this map are typed as strings: `propertyNames` is supported as an enum \
             or literals of strings",
        );
        Ok(None)
    }

    fn inline_name(&self, o: &SchemaObject, hint: &Hint<'_>) -> NameCandidate {
        // (A title makes a name when it has an ASCII letter or digit: see `pascal_case`.)
        match o
            .title
            .as_deref()
            .filter(|t| t.bytes().any(|b| b.is_ascii_alphanumeric()))
        {
            Some(title) => NameCandidate::new(title, NamePriority::Title),
            None => NameCandidate::new(&hint.to_string(), NamePriority::Derived),
        }
    }

    /// The fields of an object schema; `None` when it has no properties (a map).
    fn object_type(
        &mut self,
        o: &SchemaObject,
        pointer: &Pointer<'_>,
        hint: &Hint<'_>,
    ) -> Result<Option<ObjectType>, InputError> {
        let Some(properties) = o.properties.as_ref().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let required: &[String] = o.required.as_deref().unwrap_or_default();
        // Which properties are required, by their index: found with the lookup the check
        // makes anyway (was a scan of `required` for every property).
        let mut is_required = vec![false; properties.len()];
        for key in required {
            if let Some(index) = properties.get_index_of(key) {
                is_required[index] = true;
            } else {
                self.warn(
                    &Pointer::Token(pointer, "required"),
                    format!("{key:?} is required but not among the properties; ignored"),
                );
            }
        }
        let at = Pointer::Token(pointer, "properties");
        let mut fields = Vec::with_capacity(properties.len());
        for ((key, schema), required) in properties.iter().zip(is_required) {
            let ty = self.convert(
                schema,
                &Pointer::Token(&at, key),
                &Hint::Property(hint, key),
            )?;
            let (docs, default, read_only) = match schema {
                Schema::Object(p) => {
                    // Pydantic titles every field after its name ("Order Id"): noise in
                    // docs (and not copied to find that out).
                    let title = p.title.as_deref().filter(|t| !is_generated_title(t, key));
                    // Most fields have no docs left: none made (and dropped) for them.
                    let docs = if title.is_none()
                        && p.description.is_none()
                        && p.deprecated != Some(true)
                        && p.examples.is_none()
                    {
                        CompactDocs::default()
                    } else {
                        docs_with_title(p, title.map(str::to_owned)).into()
                    };
                    (
                        docs,
                        p.default.as_deref().map(JsonValue::from_value),
                        p.read_only == Some(true),
                    )
                }
                Schema::Bool(_) => (CompactDocs::default(), None, false),
            };
            fields.push(Field {
                wire_name: key.clone(),
                ty,
                required,
                default,
                docs,
                read_only,
            });
        }
        let additional = match &o.additional_properties {
            None | Some(Schema::Bool(true)) => AdditionalProperties::Allowed,
            Some(Schema::Bool(false)) => AdditionalProperties::Forbidden,
            Some(schema) => {
                let values = self.convert(
                    schema,
                    &Pointer::Token(pointer, "additionalProperties"),
                    &Hint::Suffix(hint, "Value"),
                )?;
                if matches!(self.entries[values.0].kind, TypeKind::Any) {
                    AdditionalProperties::Allowed
                } else {
                    AdditionalProperties::Typed(values)
                }
            }
        };
        Ok(Some(ObjectType { fields, additional }))
    }
}

/// Whether a schema with `$ref` also says something that constrains the value (as opposed
/// to annotations such as `description` or `default`).
fn has_structure_besides_ref(o: &SchemaObject) -> bool {
    has_structure_besides(o, &["$ref"])
}

fn has_structure_besides(o: &SchemaObject, except: &[&str]) -> bool {
    // Every keyword but the annotations (and those in `except`); destructured so that a
    // keyword added to `SchemaExtra` or `SchemaRare` must be sorted in here.
    let SchemaObject {
        reference,
        types,
        items,
        any_of,
        default: _,
        title: _,
        description: _,
        deprecated: _,
        ..
    } = o;
    let SchemaExtra {
        format,
        properties,
        required,
        additional_properties,
        enum_values,
        const_value,
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        min_items,
        max_items,
        unique_items,
        ..
    } = &**o;
    let SchemaRare {
        one_of,
        all_of,
        prefix_items,
        discriminator,
        examples: _,
        read_only: _,
        write_only: _,
        exclusive_minimum,
        exclusive_maximum,
        multiple_of,
        min_properties,
        max_properties,
        nested_defs: _,
        not,
        if_schema,
        pattern_properties,
        property_names,
        contains,
        dependent_schemas,
        unevaluated_properties,
    } = &***o;
    (reference.is_some() && !except.contains(&"$ref"))
        || (all_of.is_some() && !except.contains(&"allOf"))
        || types.is_some()
        || format.is_some()
        || properties.is_some()
        || required.is_some()
        || additional_properties.is_some()
        || items.is_some()
        || prefix_items.is_some()
        || enum_values.is_some()
        || const_value.is_some()
        || any_of.is_some()
        || one_of.is_some()
        || discriminator.is_some()
        || min_length.is_some()
        || max_length.is_some()
        || pattern.is_some()
        || minimum.is_some()
        || maximum.is_some()
        || exclusive_minimum.is_some()
        || exclusive_maximum.is_some()
        || multiple_of.is_some()
        || min_items.is_some()
        || max_items.is_some()
        || unique_items.is_some()
        || min_properties.is_some()
        || max_properties.is_some()
        || not.is_some()
        || if_schema.is_some()
        || pattern_properties.is_some()
        || property_names.is_some()
        || contains.is_some()
        || dependent_schemas.is_some()
        || unevaluated_properties.is_some()
}

/// Whether this schema's `propertyNames` may type its keys (see `Builder::map_keys`): the
/// schema is a map (an object without properties, converted by `Builder::object`) and the
/// key schema is a `$ref`, an `enum` or a `const`. Other uses stay unsupported keywords.
fn map_keys_candidate(o: &SchemaObject) -> bool {
    let Some(Value::Object(names)) = o.property_names.as_deref() else {
        return false;
    };
    let map_shaped = o.properties.as_ref().is_none_or(|p| p.is_empty())
        && o.reference.is_none()
        && o.all_of.is_none()
        && o.any_of.is_none()
        && o.one_of.is_none()
        && o.enum_values.is_none()
        && o.const_value.is_none()
        && !matches!(o.additional_properties, Some(Schema::Bool(false)))
        && match &o.types {
            Some(t) => t.as_slice() == [JsonType::Object],
            None => o.additional_properties.is_some(),
        };
    map_shaped
        && ["$ref", "enum", "const"]
            .iter()
            .any(|k| names.contains_key(*k))
}

pub(crate) fn docs_of(o: &SchemaObject) -> Docs {
    docs_with_title(o, o.title.clone())
}

/// [`docs_of`] with this title.
fn docs_with_title(o: &SchemaObject, title: Option<String>) -> Docs {
    let examples = match o.examples.as_deref() {
        Some(Value::Array(values)) => values.iter().map(|v| v.to_string()).collect(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    };
    Docs {
        title,
        description: o.description.clone(),
        deprecated: o.deprecated == Some(true),
        examples,
    }
}

/// Pydantic's default field title: the key with `_` as spaces, each word capitalized.
/// (Compared character by character: this runs for nearly every field.)
fn is_generated_title(title: &str, key: &str) -> bool {
    // Pydantic's own ("Order Id" for `order_id`), byte for byte: the key with `_` as
    // spaces, case aside (then the letters and digits below agree too).
    if title.len() == key.len()
        && title
            .bytes()
            .zip(key.bytes())
            .all(|(t, k)| t.eq_ignore_ascii_case(&k) || (k == b'_' && t == b' '))
    {
        return true;
    }
    // All ASCII (nearly always): the first comparison below implies the second, which is
    // then the whole answer, byte by byte.
    if title.is_ascii() && key.is_ascii() {
        // The letters and digits of both, compared without case.
        let (title, key) = (title.as_bytes(), key.as_bytes());
        let (mut i, mut j) = (0, 0);
        loop {
            while i < title.len() && !title[i].is_ascii_alphanumeric() {
                i += 1;
            }
            while j < key.len() && !key[j].is_ascii_alphanumeric() {
                j += 1;
            }
            match (title.get(i), key.get(j)) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {
                    i += 1;
                    j += 1;
                }
                _ => return false,
            }
        }
    }
    is_generated_title_by_chars(title, key)
}

fn is_generated_title_by_chars(title: &str, key: &str) -> bool {
    let capitalized_words = key
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
        .flat_map(|(i, word)| {
            let mut chars = word.chars();
            let first = chars.next().into_iter().flat_map(char::to_uppercase);
            (i > 0).then_some(' ').into_iter().chain(first).chain(chars)
        });
    title.chars().eq(capitalized_words) || {
        let squashed_title = title
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase());
        let squashed_key = key
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase());
        squashed_title.eq(squashed_key)
    }
}

fn literal(v: &Value) -> Option<Literal> {
    Some(match v {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Boolean(*b),
        Value::String(s) => Literal::String(s.clone()),
        Value::Number(n) if is_integer_text(n.as_str()) => Literal::Integer(n.as_str().to_owned()),
        Value::Number(n) => Literal::Number(n.as_str().to_owned()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// Whether a JSON number's text is an integer. Numbers are kept as written (serde_json's
/// `arbitrary_precision`), so `18446744073709551616` stays exact.
pub fn is_integer_text(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

/// Numbers whose text does not fit a 64-bit float (`1e999`) have no faithful rendering in
/// either language: an input error. Large integers are fine (they are exact).
fn check_numbers(b: &Builder, o: &SchemaObject, pointer: &Pointer<'_>) -> Result<(), InputError> {
    // Checked in place, without copying any text: this runs for every schema. A number's
    // pointer is its keyword (with the index of an enum value), made only for an error.
    let check = |keyword: &str, index: Option<usize>, n: &serde_json::Number| {
        let text = n.as_str();
        if is_integer_text(text) || text.parse::<f64>().is_ok_and(f64::is_finite) {
            return Ok(());
        }
        let at = Pointer::Token(pointer, keyword);
        let at = match index {
            Some(i) => Pointer::Index(&at, i),
            None => at,
        };
        Err(b.error(
            &at,
            format!("expected a number within the range of a 64-bit float, found {text}"),
        ))
    };
    for (keyword, n) in [
        ("minimum", &o.minimum),
        ("maximum", &o.maximum),
        ("exclusiveMinimum", &o.exclusive_minimum),
        ("exclusiveMaximum", &o.exclusive_maximum),
        ("multipleOf", &o.multiple_of),
    ] {
        if let Some(n) = n {
            check(keyword, None, n)?;
        }
    }
    if o.default.is_none() && o.const_value.is_none() && o.enum_values.is_none() {
        return Ok(());
    }
    let mut stack: Vec<(&str, Option<usize>, &Value)> = Vec::new();
    if let Some(v) = &o.default {
        stack.push(("default", None, v));
    }
    if let Some(v) = &o.const_value {
        stack.push(("const", None, v));
    }
    if let Some(values) = &o.enum_values {
        stack.extend(values.iter().enumerate().map(|(i, v)| ("enum", Some(i), v)));
        // (a number nested inside a default or enum value is reported at that value)
    }
    while let Some((keyword, index, v)) = stack.pop() {
        match v {
            Value::Number(n) => check(keyword, index, n)?,
            Value::Array(items) => stack.extend(items.iter().map(|item| (keyword, index, item))),
            Value::Object(map) => stack.extend(map.values().map(|item| (keyword, index, item))),
            _ => {}
        }
    }
    Ok(())
}

fn is_integer(v: &Value) -> bool {
    matches!(v, Value::Number(n) if is_integer_text(n.as_str()))
}

fn number_constraints(o: &SchemaObject) -> NumberConstraints {
    let text = |n: &Option<serde_json::Number>| n.as_ref().map(|n| n.as_str().to_owned());
    NumberConstraints {
        minimum: text(&o.minimum),
        maximum: text(&o.maximum),
        exclusive_minimum: text(&o.exclusive_minimum),
        exclusive_maximum: text(&o.exclusive_maximum),
        multiple_of: text(&o.multiple_of),
    }
}

fn string_format(o: &SchemaObject) -> StringFormat {
    if o.pattern
        .as_deref()
        .is_some_and(|p| p.starts_with(DECIMAL_PATTERN_PREFIX))
    {
        return StringFormat::Decimal;
    }
    match o.format.as_deref() {
        None => StringFormat::None,
        Some("date-time") => StringFormat::DateTime,
        Some("date") => StringFormat::Date,
        Some("time") => StringFormat::Time,
        Some("duration") => StringFormat::Duration,
        Some("uuid") | Some("uuid1") | Some("uuid3") | Some("uuid4") | Some("uuid5") => {
            StringFormat::Uuid
        }
        Some("binary") | Some("base64") => StringFormat::Binary,
        Some("decimal") => StringFormat::Decimal,
        Some("email") => StringFormat::Email,
        Some("uri") => StringFormat::Uri,
        Some(other) => StringFormat::Other(other.to_string()),
    }
}

/// Pydantic's validation-mode Decimal: `anyOf: [{"type": "number"}, {"type": "string",
/// "pattern": "^(?!^[-+.]*$)..."}]` (constraints may sit on the members).
fn is_decimal_shape(variants: &[Schema]) -> bool {
    let [Schema::Object(a), Schema::Object(b)] = variants else {
        return false;
    };
    let is_number = |o: &SchemaObject| o.types == Some(TypeSet::One(JsonType::Number));
    let is_decimal_string = |o: &SchemaObject| {
        o.types == Some(TypeSet::One(JsonType::String))
            && o.pattern
                .as_deref()
                .is_some_and(|p| p.starts_with(DECIMAL_PATTERN_PREFIX))
    };
    (is_number(a) && is_decimal_string(b)) || (is_number(b) && is_decimal_string(a))
}

/// The PascalCase name that an inline type takes when it has no title, written out only
/// when a type needs it: most schemas (references, strings, numbers) never use theirs, and
/// making one for every property was about a twentieth of the normalizer's instructions.
#[derive(Clone, Copy)]
pub(crate) enum Hint<'a> {
    /// This text.
    Text(&'a str),
    /// The PascalCase of this text.
    Pascal(&'a str),
    /// A parent's hint, then the PascalCase of a property's key.
    Property(&'a Hint<'a>, &'a str),
    /// A parent's hint, then a suffix (`Item`, `Value`).
    Suffix(&'a Hint<'a>, &'static str),
    /// A parent's hint, a suffix, then a number in decimal (`Variant2`).
    Numbered(&'a Hint<'a>, &'static str, usize),
}

impl std::fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Hint::Text(text) => f.write_str(text),
            Hint::Pascal(text) => f.write_str(&pascal_case(text)),
            Hint::Property(parent, key) => {
                parent.fmt(f)?;
                f.write_str(&pascal_case(key))
            }
            Hint::Suffix(parent, suffix) => {
                parent.fmt(f)?;
                f.write_str(suffix)
            }
            Hint::Numbered(parent, suffix, n) => {
                parent.fmt(f)?;
                f.write_str(suffix)?;
                write!(f, "{n}")
            }
        }
    }
}

/// A JSON pointer, written out only when something keeps it (a new type's entry, a
/// warning, an error): the builder passes one down to every schema it reads, and most are
/// never written (making each one was about a seventh of the builder's instructions).
#[derive(Clone, Copy)]
pub(crate) enum Pointer<'a> {
    /// Written out already.
    Text(&'a str),
    /// A parent, then `/` and this token, escaped (a property's key, a keyword).
    Token(&'a Pointer<'a>, &'a str),
    /// A parent, then `/` and this index in decimal.
    Index(&'a Pointer<'a>, usize),
}

impl Pointer<'_> {
    /// The pointer as text.
    pub fn written(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }

    /// Appends the pointer to `out`.
    fn write_to(&self, out: &mut String) {
        match *self {
            Pointer::Text(text) => out.push_str(text),
            Pointer::Token(parent, token) => {
                parent.write_to(out);
                if token.bytes().any(|b| matches!(b, b'~' | b'/')) {
                    push_token(out, token);
                } else {
                    out.push('/');
                    out.push_str(token);
                }
            }
            Pointer::Index(parent, n) => {
                parent.write_to(out);
                out.push('/');
                push_number(out, n);
            }
        }
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
}

/// Decodes `%XX` escapes of a URI fragment (`#/$defs/Page%5BUser%5D`).
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_or(Cow::Borrowed(s), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_titles() {
        for (title, key) in [
            ("Order Id", "order_id"),
            ("Orderid", "order_id"),
            ("ORDER-ID", "order_id"),
            ("Über Nächte", "über_nächte"),
            ("Id", "_id_"),
            ("X", "x"),
        ] {
            assert!(is_generated_title(title, key), "{title:?} {key:?}");
        }
        for (title, key) in [
            ("Order", "order_id"),
            ("The id", "id"),
            ("", "a"),
            ("Ids", "id"),
        ] {
            assert!(!is_generated_title(title, key), "{title:?} {key:?}");
        }
        // The ASCII shortcut answers as the general comparison does.
        let words = [
            "", "_", "a", "id", "Id", "ID", "x1", "1x", "order", "-", " ", "__",
        ];
        for a in words {
            for b in words {
                for c in words {
                    let key = format!("{a}_{b}{c}");
                    for title in [
                        format!("{a} {b}{c}"),
                        format!("{a}{b} {c}"),
                        format!("{a}{b}{c}"),
                        key.to_uppercase(),
                        format!("{b} {a}"),
                    ] {
                        assert_eq!(
                            is_generated_title(&title, &key),
                            is_generated_title_by_chars(&title, &key),
                            "{title:?} {key:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn concatenates() {
        let order = Hint::Pascal("order_line");
        let item = Hint::Suffix(&order, "Item");
        let field = Hint::Property(&item, "unit_price");
        assert_eq!(
            Hint::Numbered(&field, "Variant", 12).to_string(),
            "OrderLineItemUnitPriceVariant12"
        );
        assert_eq!(Hint::Text("Variant").to_string(), "Variant");
    }

    #[test]
    fn writes_pointers() {
        for n in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
            let base = Pointer::Text("/p");
            let any_of = Pointer::Token(&base, "anyOf");
            let at = Pointer::Index(&any_of, n);
            assert_eq!(at.written(), format!("/p/anyOf/{n}"));
        }
        let root = Pointer::Text("");
        for key in ["a", "a/b", "~", "~1/", "ü/~x", ""] {
            let at = Pointer::Token(&root, key);
            let expected = format!("/{}", crate::schema::error::escape_token(key));
            assert_eq!(at.written(), expected);
        }
    }
}
