//! `models.py`: enums, Pydantic models and type aliases of every named type.
//!
//! Order in the file: enums (class bodies may use their members as defaults), models, then
//! type aliases (their right-hand sides are evaluated at import time, so they come after
//! the classes they name, dependencies first), then `model_rebuild()` of every model so
//! forward references, recursion and mutual recursion resolve. Recursive aliases that do not
//! pass through a class become `TypeAliasType("Name", "...")`, evaluated lazily.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::BTreeSet;

use askama::Template;
use serde_json::Value;

use super::fmt::{self, Arg, Expr, string_literal};
use super::types::{
    Imports, PyValue, TypeMapper, accepts_none, atom_accepts_none, is_null_json, json_value,
};
use super::{Ctx, enum_members_with_warnings, names, render_imports};
use crate::ir::{
    AdditionalProperties, Docs, EnumRepr, EnumType, Field, ObjectType, StringFormat, TypeId,
    TypeKind, Warning,
};

#[derive(Template)]
#[template(path = "python/models.py.askama", escape = "none")]
struct ModelsTpl<'a> {
    header: &'a str,
    docstring: &'a str,
    imports: &'a str,
}

#[derive(Template)]
#[template(path = "python/enum.py.askama", escape = "none")]
struct EnumTpl {
    class_line: String,
    docstring: Option<String>,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/alias.py.askama", escape = "none")]
struct AliasTpl {
    code: String,
    docstring: Option<String>,
}

/// Whether models.py uses pydantic's `MISSING` (which raises the pydantic requirement): some
/// model has a property that is neither required nor defaulted (see `render_field`). Every
/// object type is named, so every one is rendered.
pub(crate) fn uses_missing(api: &crate::ir::Api) -> bool {
    api.types.types.iter().any(|t| match &t.kind {
        TypeKind::Object(o) => o.fields.iter().any(|f| !f.required && f.default.is_none()),
        _ => false,
    })
}

pub(crate) fn render(ctx: &Ctx, warnings: &mut Vec<Warning>) -> anyhow::Result<String> {
    let api = ctx.api;
    let mapper = TypeMapper::uncached(api, &ctx.names, None);
    let mut imp = Imports::default();
    imp.add("__future__", "annotations");

    let named = api.types.named();
    let mut enums = Vec::new();
    let mut objects = Vec::new();
    let mut aliases = Vec::new();
    for id in &named {
        match api.types.kind(*id) {
            TypeKind::Enum(_) => enums.push(*id),
            TypeKind::Object(_) => objects.push(*id),
            _ => aliases.push(*id),
        }
    }

    // The sections are written straight into the file, after the room its first lines
    // (header, docstring, imports: known at the end) will take. The file is megabytes on
    // large schemas: reserved once, generously (capacity that is never written costs no
    // memory), instead of sections copied into it or a string grown by doubling.
    let fields: usize = objects
        .iter()
        .map(|id| match api.types.kind(*id) {
            TypeKind::Object(o) => o.fields.len(),
            _ => 0,
        })
        .sum();
    // About 60 bytes per field and 500 per class on the benchmark schemas; docs add more.
    let mut out = String::with_capacity(
        PREFIX_ROOM + 96 * fields + 768 * (objects.len() + enums.len() + aliases.len()),
    );
    let section = |out: &mut String| out.push_str("\n\n\n");
    for id in &enums {
        section(&mut out);
        render_enum(ctx, *id, &mut imp, warnings)?.render_into(&mut out)?;
    }
    let mut scratch = Scratch {
        layouts: fmt::AnnAssignLayouts::default(),
        long_fields: LongFields::default(),
        types: FieldTypes::new(api.types.types.len()),
        names: Vec::new(),
        uses: Uses::default(),
    };
    if !objects.is_empty() {
        imp.add("pydantic", "BaseModel");
    }
    for id in &objects {
        section(&mut out);
        write_object(
            ctx,
            &mapper,
            *id,
            &mut imp,
            warnings,
            &mut scratch,
            &mut out,
        );
    }
    scratch.uses.add_to(&mut imp);
    // The fields are written: their types' text goes.
    drop(scratch);
    let alias_block = render_aliases(ctx, &mapper, &aliases, &mut imp)?;
    if !alias_block.is_empty() {
        section(&mut out);
        out.push_str(&alias_block);
    }
    let incomplete = incomplete_models(ctx, &objects);
    if !incomplete.is_empty() {
        section(&mut out);
        for (i, id) in incomplete.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&ctx.names[id]);
            out.push_str(".model_rebuild()");
        }
    }
    warnings.extend(mapper.warnings.into_inner());

    let title = super::api_name(api);
    let docstring = fmt::docstring(
        &format!("Data types of the {title} (Pydantic v2 models)."),
        0,
    )
    .unwrap_or_default();
    debug_assert_eq!(
        imp.from
            .get("pydantic")
            .is_some_and(|n| n.contains("MISSING")),
        ctx.uses_missing,
        "the pydantic requirement must match the models"
    );
    let mut prefix = String::with_capacity(PREFIX_ROOM);
    ModelsTpl {
        header: &ctx.header,
        docstring: &docstring,
        imports: &render_imports(&imp),
    }
    .render_into(&mut prefix)?;
    // Moves the sections within the reserved capacity (one more byte: the final newline).
    out.reserve(prefix.len() + 1);
    out.insert_str(0, &prefix);
    Ok(out)
}

/// Room reserved for the header, docstring and imports of models.py.
const PREFIX_ROOM: usize = 16 * 1024;

/// The models that refer to a class or alias not yet defined where the model is (itself,
/// a later class, any alias, or an earlier model in that situation): those need
/// `model_rebuild()` once the module is complete. In file order.
fn incomplete_models(ctx: &Ctx, objects: &[TypeId]) -> Vec<TypeId> {
    let api = ctx.api;
    // Per type id: 1 + the object's position in `objects`, 0 for other types.
    let mut position = vec![0u32; api.types.types.len()];
    for (i, id) in objects.iter().enumerate() {
        position[id.0] = u32::try_from(i + 1).expect("fewer objects than u32::MAX");
    }
    // Per type id: 1 + the last object whose walk visited it (what one root's walk found,
    // another's need not find again; a vector indexed by id instead of a set per walk).
    let mut visited = vec![0u32; api.types.types.len()];
    // Each object's named refs (without repeats: `visited` keeps each from being found
    // twice), one after another in one vector; `ends[i]` is where object i's end.
    let mut refs = Vec::new();
    let mut ends = Vec::with_capacity(objects.len());
    for (i, id) in objects.iter().enumerate() {
        if let TypeKind::Object(o) = api.types.kind(*id) {
            let walk = u32::try_from(i + 1).expect("fewer objects than u32::MAX");
            let extra = match &o.additional {
                AdditionalProperties::Typed(v) => Some(*v),
                _ => None,
            };
            for r in o.fields.iter().map(|f| f.ty).chain(extra) {
                named_refs(ctx, r, &mut refs, &mut visited, walk);
            }
        }
        ends.push(refs.len());
    }
    let mut incomplete = vec![false; objects.len()];
    loop {
        let mut changed = false;
        for i in 0..objects.len() {
            if incomplete[i] {
                continue;
            }
            let start = if i == 0 { 0 } else { ends[i - 1] };
            let bad = refs[start..ends[i]].iter().any(|t| match position[t.0] {
                0 => matches!(api.types.kind(*t), TypeKind::Alias(_)),
                p => {
                    let j = p as usize - 1;
                    j >= i || incomplete[j]
                }
            });
            if bad {
                incomplete[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    objects
        .iter()
        .zip(incomplete)
        .filter(|(_, b)| *b)
        .map(|(id, _)| *id)
        .collect()
}

/// Named types reachable from `id` without passing through another named type, not
/// visited by this walk yet (`visited[id] == walk`).
fn named_refs(ctx: &Ctx, id: TypeId, found: &mut Vec<TypeId>, visited: &mut [u32], walk: u32) {
    if visited[id.0] == walk {
        return;
    }
    visited[id.0] = walk;
    let api = ctx.api;
    if api.types.get(id).name.is_some() {
        found.push(id);
        return;
    }
    let mut visit = |t: TypeId| named_refs(ctx, t, found, visited, walk);
    // The children `TypeKind::child_types` lists, without a vector for them.
    match api.types.kind(id) {
        TypeKind::Array(a) => visit(a.items),
        TypeKind::Tuple(t) => t.items.iter().copied().chain(t.rest).for_each(visit),
        TypeKind::Map(m) => m.keys.into_iter().chain([m.values]).for_each(visit),
        TypeKind::Union(u) => u.variants.iter().copied().for_each(visit),
        TypeKind::Nullable(inner) | TypeKind::Alias(inner) => visit(*inner),
        _ => {}
    }
}

/// Paragraphs of a docstring: the title (when it says more than the name), the
/// description, examples, and a deprecation note.
fn doc_text(docs: &Docs, title: Option<&str>, names: &[&str], extra: &[String]) -> String {
    // Most fields have a description at most: no parts to gather and join.
    if title.is_none() && extra.is_empty() && docs.examples.is_empty() && !docs.deprecated {
        return match &docs.description {
            Some(d) if !d.trim().is_empty() => d.clone(),
            _ => String::new(),
        };
    }
    let mut parts = Vec::new();
    if let Some(t) = title {
        let squashed = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        // Pydantic's titles repeat the name (`Money` for `Money-Input`, `Order Id` for
        // `order_id`): only a title that says more is kept.
        let title = squashed(t);
        if !names.iter().any(|n| squashed(n).starts_with(&title)) && !title.is_empty() {
            parts.push(t.trim().to_string());
        }
    }
    if let Some(d) = &docs.description
        && !d.trim().is_empty()
    {
        parts.push(d.clone());
    }
    parts.extend(extra.iter().cloned());
    for e in &docs.examples {
        parts.push(format!("Example: ``{e}``"));
    }
    if docs.deprecated {
        parts.push("Deprecated.".to_string());
    }
    parts.join("\n\n")
}

fn render_enum(
    ctx: &Ctx,
    id: TypeId,
    imp: &mut Imports,
    warnings: &mut Vec<Warning>,
) -> anyhow::Result<EnumTpl> {
    let entry = ctx.api.types.get(id);
    let TypeKind::Enum(e) = &entry.kind else {
        unreachable!("an enum")
    };
    let name = &ctx.names[&id];
    let members = enum_members_with_warnings(e, &entry.pointer, warnings);
    let bases = match e.repr {
        EnumRepr::String => {
            imp.add("enum", "Enum");
            vec![Expr::atom("str"), Expr::atom("Enum")]
        }
        EnumRepr::Integer => {
            imp.add("enum", "IntEnum");
            vec![Expr::atom("IntEnum")]
        }
    };
    let text = class_doc_text(entry, name);
    Ok(EnumTpl {
        class_line: fmt::class_header(0, name, &bases),
        docstring: fmt::docstring(&text, 1),
        members: enum_member_lines(e, &members),
    })
}

fn enum_member_lines(e: &EnumType, members: &[String]) -> Vec<String> {
    e.values
        .iter()
        .zip(members)
        .map(|(v, m)| {
            let value = match e.repr {
                EnumRepr::String => string_literal(&v.wire),
                EnumRepr::Integer => fmt::number_literal(&v.wire, false),
            };
            fmt::assign(1, m, &Expr::atom(value))
        })
        .collect()
}

/// Python names of an object's fields, in field order (shared with the type mapper, which
/// needs the discriminator's Python name, and the client's parameter models).
pub(crate) fn field_names<'a>(
    o: &'a ObjectType,
    object_pointer: &str,
    warnings: &mut Vec<Warning>,
) -> Vec<Cow<'a, str>> {
    let mut names = Vec::with_capacity(o.fields.len());
    field_names_into(o, object_pointer, warnings, &mut names);
    names
}

/// [`field_names`] into `names` (cleared first; models.py reuses one vector).
fn field_names_into<'a>(
    o: &'a ObjectType,
    object_pointer: &str,
    warnings: &mut Vec<Warning>,
    names: &mut Vec<Cow<'a, str>>,
) {
    // Every wire name is reserved for its own field. With `populate_by_name`, pydantic fills
    // a field from its Python name as well as from its alias, so a Python name equal to
    // another field's wire key would let that key fill the wrong field (`userId` ->
    // `user_id` beside a field whose wire key is `user_id`). A field whose wire key already is
    // its Python name keeps it; the others take a free variant.
    // Built on the first field that needs it: most wire names are their Python names.
    let mut scope = None;
    names.clear();
    for f in &o.fields {
        let wanted = names::field_name(&f.wire_name);
        // Borrowed: the wire name itself (no comparison needed).
        if matches!(wanted, Cow::Borrowed(_)) || wanted == f.wire_name {
            names.push(wanted);
            continue;
        }
        let scope = scope.get_or_insert_with(|| {
            names::Scope::with_taken(o.fields.iter().map(|f| f.wire_name.as_str()))
        });
        names.push(Cow::Owned(scope.claim_with(
            &wanted,
            "field",
            || field_pointer(object_pointer, &f.wire_name),
            warnings,
        )));
    }
}

/// JSON pointer of a property of the object schema at `object_pointer`.
fn field_pointer(object_pointer: &str, wire: &str) -> String {
    const PROPERTIES: &str = "/properties/";
    let mut out = String::with_capacity(object_pointer.len() + PROPERTIES.len() + wire.len());
    out.push_str(object_pointer);
    out.push_str(PROPERTIES);
    if !wire.contains(['~', '/']) {
        out.push_str(wire);
        return out;
    }
    for c in wire.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The field types of models.py, each computed once: types are interned (`str`,
/// `int | None`, `list[Order]` are one type each, used by many fields). The annotation
/// and the constraints are kept as flat text in one buffer (expression trees of
/// thousands of types cost more memory than they save). Computing a type adds its
/// imports and issues its warnings; both are sets for the whole file (a repeat changes
/// nothing), so a reuse has only the python-re flag to pass on.
struct FieldTypes {
    /// Per type id: 1 + its index in `entries`; 0 while not computed.
    slots: Vec<u32>,
    entries: Vec<FieldType>,
    text: String,
}

/// One computed field type (see [`FieldTypes`]).
#[derive(Clone, Copy)]
struct FieldType {
    /// `text[start..mid]`: the annotation, flat; `text[mid..end]`: the constraints'
    /// arguments, flat, joined by `, ` (empty: none).
    start: usize,
    mid: usize,
    end: usize,
    /// The annotation is the atom `Any`.
    is_any: bool,
    /// The annotation admits `None` as written (see [`super::types::accepts_none`]).
    accepts_none: bool,
    /// A pattern of the type needs Python's `re`.
    python_re: bool,
    /// The text holds a line break (never, as generated: literals escape them; kept so
    /// the one-line check stays exact without searching every line).
    multiline: bool,
}

impl FieldTypes {
    fn new(types: usize) -> FieldTypes {
        FieldTypes {
            slots: vec![0; types],
            entries: Vec::new(),
            text: String::new(),
        }
    }

    /// The field type of `id`, computed on first use.
    fn get(&mut self, mapper: &TypeMapper, id: TypeId, imp: &mut Imports) -> FieldType {
        let slot = self.slots[id.0];
        if slot != 0 {
            return self.entries[slot as usize - 1];
        }
        let start = self.text.len();
        let mut python_re = false;
        let (mid, is_any, accepts_none) = match &mapper.api.types.get(id).name {
            Some(_) => {
                let name = mapper.named_text(id, imp);
                self.text.push_str(name);
                (self.text.len(), name == "Any", atom_accepts_none(name))
            }
            None => match write_around_named(mapper, id, &mut self.text) {
                Some(accepts_none) => (self.text.len(), false, accepts_none),
                None => self.compute(mapper, id, imp, &mut python_re),
            },
        };
        let entry = FieldType {
            start,
            mid,
            end: self.text.len(),
            is_any,
            accepts_none,
            python_re,
            multiline: self.text[start..].contains('\n'),
        };
        self.entries.push(entry);
        self.slots[id.0] = u32::try_from(self.entries.len()).expect("fewer types than u32::MAX");
        entry
    }

    /// Computes the anonymous type `id` through its expressions, appending the annotation
    /// and constraints to `text`: where the annotation ends, whether it is `Any`, whether
    /// it admits `None`; sets `python_re`.
    fn compute(
        &mut self,
        mapper: &TypeMapper,
        id: TypeId,
        imp: &mut Imports,
        python_re: &mut bool,
    ) -> (usize, bool, bool) {
        // The flag of this type alone, then passed on to the model's.
        let outer = mapper.needs_python_re.replace(false);
        let (expr, constraints) = mapper.field_type(id, imp);
        *python_re = *mapper.needs_python_re.borrow();
        *mapper.needs_python_re.borrow_mut() = outer || *python_re;
        expr.write_flat(&mut self.text);
        let mid = self.text.len();
        for (i, c) in constraints.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            c.write_flat(&mut self.text);
        }
        (
            mid,
            matches!(&expr, Expr::Atom(a) if a == "Any"),
            accepts_none(&expr),
        )
    }

    fn annotation(&self, t: &FieldType) -> &str {
        &self.text[t.start..t.mid]
    }

    fn constraints(&self, t: &FieldType) -> &str {
        &self.text[t.mid..t.end]
    }
}

/// The text of the common anonymous types around a named type (`Order | None`,
/// `list[Order]`, `dict[str, Order]`), written without building their expressions, and
/// whether it admits `None`: what [`TypeMapper::field_type`] computes for them inside
/// models.py, without imports, warnings or constraints. `None` for any other type.
fn write_around_named(mapper: &TypeMapper, id: TypeId, text: &mut String) -> Option<bool> {
    debug_assert!(mapper.models_module.is_none(), "inside models.py");
    let types = &mapper.api.types;
    // A class name is never `Any` or `None` (see `names::class_name`); checked, as the
    // mapper checks the expression.
    let named = |t: TypeId| {
        types
            .get(t)
            .name
            .as_ref()
            .map(|_| mapper.names[&t].as_str())
            .filter(|n| !atom_accepts_none(n))
    };
    match types.kind(id) {
        TypeKind::Nullable(inner) => {
            text.push_str(named(*inner)?);
            text.push_str(" | None");
            Some(true)
        }
        TypeKind::Array(a) if a.min_items.is_none() && a.max_items.is_none() => {
            let name = named(a.items)?;
            let unique = a.unique && mapper.is_hashable(a.items);
            text.push_str(if unique { "set[" } else { "list[" });
            text.push_str(name);
            text.push(']');
            Some(false)
        }
        TypeKind::Map(m)
            if m.keys.is_none() && m.min_properties.is_none() && m.max_properties.is_none() =>
        {
            let name = named(m.values)?;
            text.push_str("dict[str, ");
            text.push_str(name);
            text.push(']');
            Some(false)
        }
        _ => None,
    }
}

/// What rendering one model shares with the others.
struct Scratch<'a> {
    /// Layouts of long field statements.
    layouts: fmt::AnnAssignLayouts,
    long_fields: LongFields,
    types: FieldTypes,
    /// The Python names of the current model's fields.
    names: Vec<Cow<'a, str>>,
    /// Imports the models need, added to the file's once at the end (adding them for
    /// every field was a map lookup and a set lookup each).
    uses: Uses,
}

/// The layouts of field statements too long for one line, by what the statement is on one
/// line: models.py repeats long fields (a Decimal pattern, a discriminated union, a long
/// `Field(...)`) under other names, and building a statement's expressions only to look
/// up its layout by them (`fmt::AnnAssignLayouts`, still the cache behind this one) cost
/// a third of printing it.
///
/// A layout depends on the statement's target only through its width; the rest of the
/// flat statement is the flat form of the annotation and value expressions, and for one
/// field type (one annotation) the value's flat form is that of one expression (the
/// values are names, numbers, string literals and calls: tokens, each written one way).
#[derive(Default)]
struct LongFields {
    /// By hash of the key, the entries with that hash.
    entries: FxHashMap<u64, Vec<LongField>>,
}

struct LongField {
    ty: TypeId,
    target_width: usize,
    /// The flat statement after its indentation and target.
    flat: Box<str>,
    /// The printed statement after its indentation and target.
    rest: Box<str>,
}

impl LongFields {
    fn key(ty: TypeId, target_width: usize, flat: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        (ty, target_width, flat).hash(&mut hasher);
        hasher.finish()
    }

    fn find(&self, key: u64, ty: TypeId, target_width: usize, flat: &str) -> Option<&str> {
        self.entries.get(&key)?.iter().find_map(|e| {
            (e.ty == ty && e.target_width == target_width && *e.flat == *flat).then_some(&*e.rest)
        })
    }
}

/// Names from pydantic and typing the models use.
#[derive(Default)]
struct Uses {
    field: bool,
    missing: bool,
    config_dict: bool,
    any: bool,
}

impl Uses {
    fn add_to(&self, imp: &mut Imports) {
        let names = [
            (self.field, "pydantic", "Field"),
            (self.missing, "pydantic", "MISSING"),
            (self.config_dict, "pydantic", "ConfigDict"),
            (self.any, "typing", "Any"),
        ];
        for (used, module, name) in names {
            if used {
                imp.add(module, name);
            }
        }
    }
}

/// A field's default, as the field statement writes it.
enum FieldDefault {
    /// No default in the schema: pydantic's `MISSING`.
    Missing,
    /// `default: null`.
    Null,
    /// `default=value`.
    Value(Expr),
    /// `default_factory=factory`.
    Factory(Expr),
}

impl FieldDefault {
    /// The value written after `=` (of the statement, or of the `Field(...)` argument).
    fn write_value(&self, out: &mut String) {
        match self {
            FieldDefault::Missing => out.push_str("MISSING"),
            FieldDefault::Null => out.push_str("None"),
            FieldDefault::Value(e) | FieldDefault::Factory(e) => e.write_flat(out),
        }
    }

    fn keyword(&self) -> &'static str {
        match self {
            FieldDefault::Factory(_) => "default_factory",
            _ => "default",
        }
    }

    /// Whether the written value may hold a line break (only a computed value can).
    fn may_break(&self) -> bool {
        matches!(self, FieldDefault::Value(_) | FieldDefault::Factory(_))
    }

    fn into_expr(self) -> Expr {
        match self {
            FieldDefault::Missing => Expr::atom("MISSING"),
            FieldDefault::Null => Expr::atom("None"),
            FieldDefault::Value(e) | FieldDefault::Factory(e) => e,
        }
    }

    fn into_arg(self) -> Arg {
        let keyword = self.keyword();
        Arg::kw(keyword, self.into_expr())
    }
}

/// Appends `s` as a Python string literal ([`string_literal`], without a string of its own
/// in the common case).
fn push_string_literal(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && !matches!(b, b'"' | b'\'' | b'\\'))
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&string_literal(s));
    }
}

/// `\n` and the docstring of `text` at `level` when there is one ([`fmt::docstring`],
/// written in place in the common case: one line of printable ASCII without quotes or
/// backslashes).
fn push_docstring(out: &mut String, text: &str, level: usize) {
    // `text.trim_matches([' ', '\n'])`, by bytes (those are never part of another
    // character's encoding).
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\n'));
    let end = bytes.iter().rposition(|b| !matches!(b, b' ' | b'\n'));
    let trimmed = match (start, end) {
        (Some(start), Some(end)) => &text[start..=end],
        _ => "",
    };
    if !trimmed.is_empty()
        && trimmed
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('\n');
        for _ in 0..level {
            out.push_str("    ");
        }
        out.push_str("\"\"\"");
        out.push_str(trimmed);
        out.push_str("\"\"\"");
        return;
    }
    if let Some(doc) = fmt::docstring(text, level) {
        out.push('\n');
        out.push_str(&doc);
    }
}

/// The class of a model, appended to `out`.
fn write_object<'a>(
    ctx: &'a Ctx,
    mapper: &TypeMapper,
    id: TypeId,
    imp: &mut Imports,
    warnings: &mut Vec<Warning>,
    scratch: &mut Scratch<'a>,
    out: &mut String,
) {
    let api = ctx.api;
    let entry = api.types.get(id);
    let TypeKind::Object(o) = &entry.kind else {
        unreachable!("an object")
    };
    let name = &ctx.names[&id];

    // The layout of the former record template: header, docstring, config, fields,
    // methods. The config depends on the fields: inserted before them once they are
    // written (a model's lines only, where copying the fields after the config moved all).
    if 6 + name.len() + 12 <= fmt::LINE_WIDTH {
        out.push_str("class ");
        out.push_str(name);
        out.push_str("(BaseModel):");
    } else {
        out.push_str(&fmt::class_header(0, name, &[Expr::atom("BaseModel")]));
    }
    let has_fields = !o.fields.is_empty() || matches!(o.additional, AdditionalProperties::Typed(_));
    let docstring = fmt::docstring(&class_doc_text(entry, name), 1);
    if let Some(doc) = &docstring {
        out.push('\n');
        out.push_str(doc);
        if has_fields {
            out.push('\n');
        }
    }
    let fields_at = out.len();

    field_names_into(o, &entry.pointer, warnings, &mut scratch.names);
    *mapper.needs_python_re.borrow_mut() = false;
    let mut python_re = false;
    if let AdditionalProperties::Typed(values) = &o.additional {
        let v = mapper.expr(*values, imp);
        scratch.uses.field = true;
        out.push('\n');
        fmt::ann_assign_into(
            out,
            1,
            "__pydantic_extra__",
            &Expr::sub("dict", vec![Expr::atom("str"), v]),
            Some(&Expr::call(
                "Field",
                vec![Arg::kw("init", Expr::atom("False"))],
            )),
        );
    }
    let mut has_alias = false;
    let mut model_prefixed = false;
    // Constant fields (a single literal, e.g. a union tag) left at their default would be
    // missing from `model_dump(exclude_unset=True)`, so the server could not tell the
    // variant: mark them as set.
    let mut constants: Vec<usize> = Vec::new();
    for (i, field) in o.fields.iter().enumerate() {
        let py = &scratch.names[i];
        has_alias |= *py != field.wire_name;
        model_prefixed |= py.starts_with("model_");
        if !field.required
            && field.default.is_some()
            && matches!(
                api.types.kind(mapper.resolve(field.ty)),
                TypeKind::Literal(l) if *l != crate::ir::Literal::Null
            )
        {
            constants.push(i);
        }
        out.push('\n');
        python_re |= write_field(
            mapper,
            field,
            i,
            &entry.pointer,
            imp,
            warnings,
            scratch,
            out,
        );
    }
    python_re |= *mapper.needs_python_re.borrow();

    let mut config = Vec::new();
    if has_alias {
        config.push(("populate_by_name", Expr::atom("True")));
    }
    match &o.additional {
        AdditionalProperties::Allowed => {}
        AdditionalProperties::Forbidden => {
            config.push(("extra", Expr::atom(string_literal("forbid"))))
        }
        AdditionalProperties::Typed(_) => {
            config.push(("extra", Expr::atom(string_literal("allow"))))
        }
    }
    if model_prefixed {
        config.push(("protected_namespaces", Expr::Tuple(vec![])));
    }
    if python_re {
        config.push(("regex_engine", Expr::atom(string_literal("python-re"))));
    }
    if !config.is_empty() {
        scratch.uses.config_dict = true;
        let mut lines = String::with_capacity(2 * fmt::LINE_WIDTH);
        if docstring.is_some() && !has_fields {
            lines.push('\n');
        }
        lines.push('\n');
        let start = lines.len();
        lines.push_str("    model_config = ConfigDict(");
        for (i, (k, v)) in config.iter().enumerate() {
            if i > 0 {
                lines.push_str(", ");
            }
            lines.push_str(k);
            lines.push('=');
            v.write_flat(&mut lines);
        }
        lines.push(')');
        if !fmt::fits_on_one_line(&lines[start..]) {
            lines.truncate(start);
            let args = config.into_iter().map(|(k, v)| Arg::kw(k, v)).collect();
            lines.push_str(&fmt::assign(
                1,
                "model_config",
                &Expr::call("ConfigDict", args),
            ));
        }
        if has_fields {
            lines.push('\n');
        }
        out.insert_str(fields_at, &lines);
    } else if docstring.is_none() && !has_fields {
        out.push_str("\n    pass");
    }

    if !constants.is_empty() {
        scratch.uses.any = true;
        let mut lines = vec![fmt::def_header(
            1,
            false,
            "model_post_init",
            &[
                fmt::Param::bare("self"),
                fmt::Param::typed("context", Expr::atom("Any")),
                fmt::Param::bare("/"),
            ],
            Some(&Expr::atom("None")),
            false,
        )];
        let names: Vec<String> = constants
            .iter()
            .map(|i| format!("``{}``", scratch.names[*i]))
            .collect();
        lines.push(
            fmt::docstring(
                &format!(
                    "Marks {} as set, so dumps with ``exclude_unset`` keep {}.",
                    names.join(", "),
                    if constants.len() == 1 { "it" } else { "them" }
                ),
                2,
            )
            .unwrap_or_default(),
        );
        for i in &constants {
            lines.push(fmt::expr_stmt(
                2,
                &Expr::call(
                    "self.model_fields_set.add",
                    vec![Arg::pos(Expr::atom(string_literal(&scratch.names[*i])))],
                ),
            ));
        }
        out.push_str("\n\n");
        out.push_str(&lines.join("\n"));
    }
}

/// A field's line(s) and docstring, appended to `out`: the field `index` of its model
/// (`scratch.names[index]` is its Python name). `object_pointer`: the object's schema (a
/// field's pointer is built only for a warning). Returns whether the field's type needs
/// Python's `re`.
///
/// The statement is written flat from the type's text; only one too long for a line
/// builds the expressions for the layout, once per statement shape (`scratch.long_fields`).
#[allow(clippy::too_many_arguments)]
fn write_field(
    mapper: &TypeMapper,
    field: &Field,
    index: usize,
    object_pointer: &str,
    imp: &mut Imports,
    warnings: &mut Vec<Warning>,
    scratch: &mut Scratch,
    out: &mut String,
) -> bool {
    let api = mapper.api;
    let ty = scratch.types.get(mapper, field.ty, imp);
    let py: &str = &scratch.names[index];
    // What the annotation gets besides the type (`| MISSING`, `| None`).
    let mut ann_extra = None;
    // `default=` / `default_factory=` value, when the field has a default.
    let mut default = None;
    if !field.required {
        let value = field
            .default
            .as_ref()
            .filter(|d| !is_null_json(d))
            .map(|d| d.to_value());
        let py_value = match &value {
            Some(v) => {
                let pv = mapper.value(field.ty, v, imp);
                if pv.is_none() {
                    warnings.push(Warning {
                        pointer: field_pointer(object_pointer, &field.wire_name),
                        message: format!(
                            "Python: the default {} does not fit the field's type; dropped",
                            short_json(v)
                        ),
                    });
                }
                pv
            }
            None => None,
        };
        default = Some(match py_value {
            // A model instance: built when used, the class may come later in the module.
            Some(pv) if pv.lazy => {
                let v = value.as_ref().expect("a lazy value comes from a default");
                FieldDefault::Factory(lazy_factory(mapper, field.ty, v, &pv, imp))
            }
            Some(pv) => match empty_container_factory(&pv.expr) {
                Some(factory) => FieldDefault::Factory(Expr::atom(factory)),
                None => FieldDefault::Value(pv.expr),
            },
            // No default in the schema: the key may be absent, and absent is not null.
            // pydantic's MISSING sentinel keeps the field out of dumps until it is set and
            // still rejects `null` when the type is not nullable (`T | None = None` would
            // dump an absent key back as `null`).
            None if field.default.is_none() => {
                if !ty.is_any {
                    ann_extra = Some("MISSING");
                }
                scratch.uses.missing = true;
                FieldDefault::Missing
            }
            // `default: null` (pydantic's `x: T = None`).
            None => {
                if !ty.accepts_none {
                    ann_extra = Some("None");
                }
                FieldDefault::Null
            }
        });
    }

    let constraints_text = scratch.types.constraints(&ty);
    let alias = *py != field.wire_name;
    let deprecated = field.docs.deprecated;
    // `Field(...)` when there is more than a plain default.
    let field_call = alias
        || !constraints_text.is_empty()
        || deprecated
        || matches!(default, Some(FieldDefault::Factory(_)));
    let plain_default = default.as_ref().filter(|_| !field_call);
    if field_call
        || matches!(plain_default, Some(FieldDefault::Value(Expr::Call(c, _))) if c == "Field")
    {
        scratch.uses.field = true;
    }

    // The statement on one line: `py: type[ | extra][ = value]`.
    let start = out.len();
    let mut may_break = ty.multiline;
    out.push_str("    ");
    out.push_str(py);
    out.push_str(": ");
    out.push_str(scratch.types.annotation(&ty));
    if let Some(extra) = ann_extra {
        out.push_str(" | ");
        out.push_str(extra);
    }
    if let Some(d) = plain_default {
        out.push_str(" = ");
        d.write_value(out);
        may_break |= d.may_break();
    } else if field_call {
        out.push_str(" = Field(");
        let mut first = true;
        let mut sep = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push_str(", ");
            }
        };
        if let Some(d) = &default {
            sep(out);
            out.push_str(d.keyword());
            out.push('=');
            d.write_value(out);
            may_break |= d.may_break();
        }
        if alias {
            sep(out);
            out.push_str("alias=");
            push_string_literal(out, &field.wire_name);
        }
        if !constraints_text.is_empty() {
            sep(out);
            out.push_str(constraints_text);
        }
        if deprecated {
            sep(out);
            out.push_str("deprecated=True");
        }
        out.push(')');
    }
    let line = &out[start..];
    if !((!may_break && line.len() <= fmt::LINE_WIDTH) || fmt::fits_on_one_line(line)) {
        // After the indentation and the target.
        let head = start + 4 + py.len();
        let target_width = py.chars().count();
        let key = LongFields::key(field.ty, target_width, &out[head..]);
        if let Some(rest) = scratch
            .long_fields
            .find(key, field.ty, target_width, &out[head..])
        {
            out.truncate(head);
            out.push_str(rest);
        } else {
            let flat: Box<str> = out[head..].into();
            out.truncate(start);
            // The expressions, for the layout: computing the type again repeats its imports
            // and warnings, which are sets (and the python-re flag, already set).
            let (ty_expr, constraints) = mapper.field_type(field.ty, imp);
            let annotation = match ann_extra {
                Some(extra) => Expr::or(vec![ty_expr, Expr::atom(extra)]),
                None => ty_expr,
            };
            let value = if field_call {
                let mut all: Vec<Arg> = default.map(FieldDefault::into_arg).into_iter().collect();
                if alias {
                    all.push(Arg::kw(
                        "alias",
                        Expr::atom(string_literal(&field.wire_name)),
                    ));
                }
                all.extend(constraints);
                if deprecated {
                    all.push(Arg::kw("deprecated", Expr::atom("True")));
                }
                Some(Expr::call("Field", all))
            } else {
                default.map(FieldDefault::into_expr)
            };
            fmt::ann_assign_long_into(
                out,
                &mut scratch.layouts,
                1,
                py,
                &annotation,
                value.as_ref(),
            );
            let rest = out[head..].into();
            scratch
                .long_fields
                .entries
                .entry(key)
                .or_default()
                .push(LongField {
                    ty: field.ty,
                    target_width,
                    flat,
                    rest,
                });
        }
    }

    let string_format = matches!(
        api.types.kind(field.ty),
        TypeKind::String(s) if matches!(
            s.format,
            StringFormat::Email | StringFormat::Uri | StringFormat::Other(_)
        )
    );
    let docs = &*field.docs;
    // A field's title goes only where it has no description.
    let title = docs.title.as_deref().filter(|_| docs.description.is_none());
    if !string_format
        && !field.read_only
        && title.is_none()
        && docs.examples.is_empty()
        && !docs.deprecated
    {
        // The description alone (most fields have none): what `doc_text` returns then.
        if let Some(d) = &docs.description
            && !d.trim().is_empty()
        {
            push_docstring(out, d, 1);
        }
        return ty.python_re;
    }
    let mut extra = Vec::new();
    if string_format && let TypeKind::String(s) = api.types.kind(field.ty) {
        extra.push(format!(
            "Format: ``{}``.",
            s.format.as_str().unwrap_or_default()
        ));
    }
    if field.read_only {
        extra.push("Read-only.".to_string());
    }
    let text = doc_text(docs, title, &[py, &field.wire_name], &extra);
    push_docstring(out, &text, 1);
    ty.python_re
}

/// `list`, `dict` or `set` for an empty container default. Pydantic deep-copies a mutable
/// `default=` for every instance that leaves the field unset (a `copy.deepcopy` call, about
/// 7 µs each); a factory builds the empty container directly. Non-empty containers keep
/// `default=`: mypy rejects `default_factory=lambda: ["a"]` for a `list[Literal["a"]]` field
/// (the lambda is inferred as `list[str]`).
fn empty_container_factory(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::List(items) if items.is_empty() => Some("list"),
        Expr::Dict(items) if items.is_empty() => Some("dict"),
        Expr::Set(items) if items.is_empty() => Some("set"),
        Expr::Call(callee, args) if args.is_empty() && callee == "set" => Some("set"),
        _ => None,
    }
}

/// `default_factory=` for a default holding model instances: `lambda: Model.model_validate
/// ({...})` for a model field, else the JSON validated by a `TypeAdapter` of the field's
/// type (exactly typed, and pydantic builds the instances).
fn lazy_factory(
    mapper: &TypeMapper,
    ty: TypeId,
    value: &Value,
    pv: &PyValue,
    imp: &mut Imports,
) -> Expr {
    if super::is_model(mapper.api, ty) {
        return Expr::Lambda(Box::new(pv.expr.clone()));
    }
    imp.add("pydantic", "TypeAdapter");
    let adapter = Expr::call("TypeAdapter", vec![Arg::pos(mapper.expr(ty, imp))]);
    Expr::Lambda(Box::new(Expr::Method(
        Box::new(adapter),
        "validate_python".to_string(),
        vec![Arg::pos(json_value(value).expr)],
    )))
}

/// A class's docstring text: the docs, unless they only repeat the class's name or the
/// name it had in the schema.
fn class_doc_text(entry: &crate::ir::TypeEntry, name: &str) -> String {
    let source = entry
        .name
        .as_ref()
        .map(|n| n.source.as_str())
        .unwrap_or(name);
    doc_text(
        &entry.docs,
        entry.docs.title.as_deref(),
        &[name, source],
        &[],
    )
}

fn short_json(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// The type alias statements, dependencies first; recursive ones as `TypeAliasType`.
fn render_aliases(
    ctx: &Ctx,
    mapper: &TypeMapper,
    aliases: &[TypeId],
    imp: &mut Imports,
) -> anyhow::Result<String> {
    if aliases.is_empty() {
        return Ok(String::new());
    }
    let api = ctx.api;
    let alias_set: FxHashSet<TypeId> = aliases.iter().copied().collect();
    // Direct alias → alias references (through anonymous types, not through classes).
    let mut deps: FxHashMap<TypeId, BTreeSet<TypeId>> = FxHashMap::default();
    for a in aliases {
        let TypeKind::Alias(target) = api.types.kind(*a) else {
            continue;
        };
        let mut found = BTreeSet::new();
        collect_alias_refs(
            ctx,
            *target,
            &alias_set,
            &mut found,
            &mut FxHashSet::default(),
        );
        deps.insert(*a, found);
    }
    // Aliases on a cycle of aliases.
    let recursive: FxHashSet<TypeId> = aliases
        .iter()
        .copied()
        .filter(|a| reaches(&deps, *a, *a))
        .collect();

    let mut order: Vec<TypeId> = aliases
        .iter()
        .copied()
        .filter(|a| recursive.contains(a))
        .collect();
    let mut done: FxHashSet<TypeId> = order.iter().copied().collect();
    let mut rest: Vec<TypeId> = aliases
        .iter()
        .copied()
        .filter(|a| !recursive.contains(a))
        .collect();
    while !rest.is_empty() {
        let pos = rest
            .iter()
            .position(|a| deps[a].iter().all(|d| done.contains(d)))
            .unwrap_or(0);
        let a = rest.remove(pos);
        done.insert(a);
        order.push(a);
    }

    let mut blocks = Vec::new();
    for a in order {
        let entry = api.types.get(a);
        let TypeKind::Alias(target) = &entry.kind else {
            continue;
        };
        let name = &ctx.names[&a];
        let value = mapper.expr(*target, imp);
        let code = if recursive.contains(&a) {
            imp.add("typing_extensions", "TypeAliasType");
            fmt::assign(
                0,
                name,
                &Expr::call(
                    "TypeAliasType",
                    vec![
                        Arg::pos(Expr::atom(string_literal(name))),
                        Arg::pos(Expr::atom(string_literal(&value.flat()))),
                    ],
                ),
            )
        } else {
            imp.add("typing", "TypeAlias");
            fmt::ann_assign(0, name, &Expr::atom("TypeAlias"), Some(&value))
        };
        let source = entry
            .name
            .as_ref()
            .map(|n| n.source.as_str())
            .unwrap_or(name);
        let text = doc_text(
            &entry.docs,
            entry.docs.title.as_deref(),
            &[name, source],
            &[],
        );
        blocks.push(
            AliasTpl {
                code,
                docstring: fmt::docstring(&text, 0),
            }
            .render()?,
        );
    }
    Ok(blocks.join("\n\n"))
}

fn collect_alias_refs(
    ctx: &Ctx,
    id: TypeId,
    aliases: &FxHashSet<TypeId>,
    found: &mut BTreeSet<TypeId>,
    seen: &mut FxHashSet<TypeId>,
) {
    if !seen.insert(id) {
        return;
    }
    if aliases.contains(&id) {
        found.insert(id);
        return;
    }
    let api = ctx.api;
    if api.types.get(id).name.is_some() {
        return; // a class: referenced lazily
    }
    let mut visit = |t: TypeId| collect_alias_refs(ctx, t, aliases, found, seen);
    for child in api.types.kind(id).child_types() {
        visit(child);
    }
}

fn reaches(deps: &FxHashMap<TypeId, BTreeSet<TypeId>>, from: TypeId, to: TypeId) -> bool {
    let mut stack: Vec<TypeId> = deps
        .get(&from)
        .map(|d| d.iter().copied().collect())
        .unwrap_or_default();
    let mut seen = FxHashSet::default();
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if seen.insert(n)
            && let Some(d) = deps.get(&n)
        {
            stack.extend(d.iter().copied());
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::normalize_text;

    /// The text of a field type models.py writes from (computed once per type) is the flat
    /// form of the type expression and constraints, with the same imports, warnings and
    /// python-re flag, on the bundled documents (computed, then from the cache).
    #[test]
    fn field_type_text_is_the_flat_expression() {
        let docs = [
            "tests/fixtures/adversarial/adversarial.rpc.json",
            "tests/fixtures/pydantic/string_constraints/string_constraints.rpc.json",
            "tests/fixtures/pydantic/collection_constraints/collection_constraints.rpc.json",
            "tests/fixtures/pydantic/discriminated_recursive/discriminated_recursive.rpc.json",
            "tests/fixtures/pydantic/defaults_collections/defaults_collections.rpc.json",
            "tests/fixtures/pydantic/tuples/tuples.rpc.json",
        ];
        let mut checked = 0;
        for path in docs {
            let text = std::fs::read_to_string(path).expect("a bundled document");
            let api = normalize_text(&text, path).expect("a valid document").api;
            let names: FxHashMap<TypeId, String> = api
                .types
                .named()
                .into_iter()
                .map(|id| (id, api.types.name_of(id).to_string()))
                .collect();
            let by_text = TypeMapper::uncached(&api, &names, None);
            let by_expr = TypeMapper::uncached(&api, &names, None);
            let mut types = FieldTypes::new(api.types.types.len());
            let (mut imp_text, mut imp_expr) = (Imports::default(), Imports::default());
            for round in 0..2 {
                for i in 0..api.types.types.len() {
                    let id = TypeId(i);
                    *by_text.needs_python_re.borrow_mut() = false;
                    *by_expr.needs_python_re.borrow_mut() = false;
                    let t = types.get(&by_text, id, &mut imp_text);
                    let (e, c) = by_expr.field_type(id, &mut imp_expr);
                    let constraints: Vec<String> = c
                        .iter()
                        .map(|a| {
                            let mut s = String::new();
                            a.write_flat(&mut s);
                            s
                        })
                        .collect();
                    assert_eq!(types.annotation(&t), e.flat(), "{path} {id:?} {round}");
                    assert_eq!(types.constraints(&t), constraints.join(", "));
                    assert_eq!(t.accepts_none, accepts_none(&e));
                    assert_eq!(t.is_any, e.flat() == "Any");
                    assert!(!t.multiline);
                    assert_eq!(imp_text.from, imp_expr.from);
                    assert_eq!(t.python_re, *by_expr.needs_python_re.borrow());
                    if round == 0 {
                        assert_eq!(
                            *by_text.needs_python_re.borrow(),
                            *by_expr.needs_python_re.borrow()
                        );
                    }
                    checked += 1;
                }
            }
            assert_eq!(
                by_text.warnings.borrow().len(),
                by_expr.warnings.borrow().len()
            );
        }
        assert!(checked > 100, "{checked}");
    }
}
