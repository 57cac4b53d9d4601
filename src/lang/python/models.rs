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
use super::types::{Imports, PyValue, TypeMapper, atom_accepts_none, is_null_json, json_value};
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
    let mut fields_text = String::new();
    let mut layouts = fmt::AnnAssignLayouts::default();
    let repeated = repeated_field_types(api, &objects);
    for id in &objects {
        section(&mut out);
        write_object(
            ctx,
            &mapper,
            *id,
            &mut imp,
            warnings,
            &mut Scratch {
                layouts: &mut layouts,
                repeated: &repeated,
                fields_text: &mut fields_text,
            },
            &mut out,
        );
    }
    // The fields are written: the cached field types go (their memory is reused below).
    mapper.clear_cache();
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

/// What rendering one model shares with the others.
struct Scratch<'s> {
    /// Layouts of long field statements.
    layouts: &'s mut fmt::AnnAssignLayouts,
    /// The anonymous field types used by more than one field (their text is cached).
    repeated: &'s FxHashSet<TypeId>,
    /// A buffer for the field lines (written before the config lines, which depend on
    /// them, and copied after them).
    fields_text: &'s mut String,
}

/// The anonymous types of more than one field of `objects`.
fn repeated_field_types(api: &crate::ir::Api, objects: &[TypeId]) -> FxHashSet<TypeId> {
    let mut seen = FxHashSet::default();
    let mut repeated = FxHashSet::default();
    for id in objects {
        if let TypeKind::Object(o) = api.types.kind(*id) {
            for f in &o.fields {
                if api.types.get(f.ty).name.is_none() && !seen.insert(f.ty) {
                    repeated.insert(f.ty);
                }
            }
        }
    }
    repeated
}

/// Room reserved for the header, docstring and imports of models.py.
const PREFIX_ROOM: usize = 16 * 1024;

/// The models that refer to a class or alias not yet defined where the model is (itself,
/// a later class, any alias, or an earlier model in that situation): those need
/// `model_rebuild()` once the module is complete. In file order.
fn incomplete_models(ctx: &Ctx, objects: &[TypeId]) -> Vec<TypeId> {
    let api = ctx.api;
    let position: FxHashMap<TypeId, usize> =
        objects.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // One set of visited types per object (what one root's walk found, another's need not
    // find again), reused.
    let mut seen = FxHashSet::default();
    // Each object's named refs (without repeats: `seen` keeps each from being found twice),
    // one after another in one vector; `ends[i]` is where object i's end.
    let mut refs = Vec::new();
    let mut ends = Vec::with_capacity(objects.len());
    for id in objects {
        if let TypeKind::Object(o) = api.types.kind(*id) {
            seen.clear();
            let extra = match &o.additional {
                AdditionalProperties::Typed(v) => Some(*v),
                _ => None,
            };
            for r in o.fields.iter().map(|f| f.ty).chain(extra) {
                named_refs(ctx, r, &mut refs, &mut seen);
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
            let bad = refs[start..ends[i]].iter().any(|t| match position.get(t) {
                Some(&j) => j >= i || incomplete[j],
                None => matches!(api.types.kind(*t), TypeKind::Alias(_)),
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

/// Named types reachable from `id` without passing through another named type.
fn named_refs(ctx: &Ctx, id: TypeId, found: &mut Vec<TypeId>, seen: &mut FxHashSet<TypeId>) {
    if !seen.insert(id) {
        return;
    }
    let api = ctx.api;
    if api.types.get(id).name.is_some() {
        found.push(id);
        return;
    }
    let mut visit = |t: TypeId| named_refs(ctx, t, found, seen);
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
/// needs the discriminator's Python name).
pub(crate) fn field_names<'a>(
    o: &'a ObjectType,
    object_pointer: &str,
    warnings: &mut Vec<Warning>,
) -> Vec<Cow<'a, str>> {
    // Every wire name is reserved for its own field. With `populate_by_name`, pydantic fills
    // a field from its Python name as well as from its alias, so a Python name equal to
    // another field's wire key would let that key fill the wrong field (`userId` ->
    // `user_id` beside a field whose wire key is `user_id`). A field whose wire key already is
    // its Python name keeps it; the others take a free variant.
    // Built on the first field that needs it: most wire names are their Python names.
    let mut scope = None;
    o.fields
        .iter()
        .map(|f| {
            let wanted = names::field_name(&f.wire_name);
            if wanted == f.wire_name {
                return wanted;
            }
            let scope = scope.get_or_insert_with(|| {
                names::Scope::with_taken(o.fields.iter().map(|f| f.wire_name.as_str()))
            });
            Cow::Owned(scope.claim_with(
                &wanted,
                "field",
                || field_pointer(object_pointer, &f.wire_name),
                warnings,
            ))
        })
        .collect()
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

/// The class of a model, appended to `out`.
fn write_object(
    ctx: &Ctx,
    mapper: &TypeMapper,
    id: TypeId,
    imp: &mut Imports,
    warnings: &mut Vec<Warning>,
    scratch: &mut Scratch,
    out: &mut String,
) {
    let fields_text = &mut *scratch.fields_text;
    let api = ctx.api;
    let entry = api.types.get(id);
    let TypeKind::Object(o) = &entry.kind else {
        unreachable!("an object")
    };
    let name = &ctx.names[&id];
    imp.add("pydantic", "BaseModel");

    let py_names = field_names(o, &entry.pointer, warnings);
    *mapper.needs_python_re.borrow_mut() = false;
    // Each field: a line break, its line(s), and its docstring after another.
    fields_text.clear();
    let mut has_alias = false;
    if let AdditionalProperties::Typed(values) = &o.additional {
        let v = mapper.expr(*values, imp);
        imp.add("pydantic", "Field");
        fields_text.push('\n');
        fmt::ann_assign_into(
            fields_text,
            1,
            "__pydantic_extra__",
            &Expr::sub("dict", vec![Expr::atom("str"), v]),
            Some(&Expr::call(
                "Field",
                vec![Arg::kw("init", Expr::atom("False"))],
            )),
        );
    }
    for (field, py) in o.fields.iter().zip(&py_names) {
        has_alias |= *py != field.wire_name;
        fields_text.push('\n');
        write_field(
            mapper,
            field,
            py,
            &entry.pointer,
            imp,
            warnings,
            scratch.layouts,
            scratch.repeated.contains(&field.ty),
            fields_text,
        );
    }
    let has_fields = !fields_text.is_empty();

    let mut config = Vec::new();
    if has_alias {
        config.push(Arg::kw("populate_by_name", Expr::atom("True")));
    }
    match &o.additional {
        AdditionalProperties::Allowed => {}
        AdditionalProperties::Forbidden => {
            config.push(Arg::kw("extra", Expr::atom(string_literal("forbid"))))
        }
        AdditionalProperties::Typed(_) => {
            config.push(Arg::kw("extra", Expr::atom(string_literal("allow"))))
        }
    }
    if py_names.iter().any(|n| n.starts_with("model_")) {
        config.push(Arg::kw("protected_namespaces", Expr::Tuple(vec![])));
    }
    if *mapper.needs_python_re.borrow() {
        config.push(Arg::kw(
            "regex_engine",
            Expr::atom(string_literal("python-re")),
        ));
    }
    // Constant fields (a single literal, e.g. a union tag) left at their default would be
    // missing from `model_dump(exclude_unset=True)`, so the server could not tell the
    // variant: mark them as set.
    let constants: Vec<&Cow<str>> = o
        .fields
        .iter()
        .zip(&py_names)
        .filter(|(f, _)| {
            !f.required
                && f.default.is_some()
                && matches!(
                    api.types.kind(mapper.resolve(f.ty)),
                    TypeKind::Literal(l) if *l != crate::ir::Literal::Null
                )
        })
        .map(|(_, py)| py)
        .collect();
    let mut methods = Vec::new();
    if !constants.is_empty() {
        imp.add("typing", "Any");
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
        let names: Vec<String> = constants.iter().map(|c| format!("``{c}``")).collect();
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
        for c in &constants {
            lines.push(fmt::expr_stmt(
                2,
                &Expr::call(
                    "self.model_fields_set.add",
                    vec![Arg::pos(Expr::atom(string_literal(c)))],
                ),
            ));
        }
        methods.push(lines.join("\n"));
    }

    let config_lines = if config.is_empty() {
        Vec::new()
    } else {
        imp.add("pydantic", "ConfigDict");
        vec![fmt::assign(
            1,
            "model_config",
            &Expr::call("ConfigDict", config),
        )]
    };

    // The layout of the former record template.
    let docstring = fmt::docstring(&class_doc_text(entry, name), 1);
    out.push_str(&fmt::class_header(0, name, &[Expr::atom("BaseModel")]));
    if let Some(doc) = &docstring {
        out.push('\n');
        out.push_str(doc);
        if !config_lines.is_empty() || has_fields {
            out.push('\n');
        }
    }
    for line in &config_lines {
        out.push('\n');
        out.push_str(line);
    }
    if !config_lines.is_empty() && has_fields {
        out.push('\n');
    }
    out.push_str(fields_text);
    for method in &methods {
        out.push_str("\n\n");
        out.push_str(method);
    }
    if docstring.is_none() && config_lines.is_empty() && !has_fields {
        out.push_str("\n    pass");
    }
}

/// A field's line(s) and docstring, appended to `out`. `object_pointer`: the object's
/// schema (a field's pointer is built only for a warning).
///
/// The statement is written flat from the type's cached text; only one too long for a
/// line builds the expressions for the layout (`layouts`).
#[allow(clippy::too_many_arguments)]
fn write_field(
    mapper: &TypeMapper,
    field: &Field,
    py: &str,
    object_pointer: &str,
    imp: &mut Imports,
    warnings: &mut Vec<Warning>,
    layouts: &mut fmt::AnnAssignLayouts,
    repeated: bool,
    out: &mut String,
) {
    let api = mapper.api;
    let text = match &api.types.get(field.ty).name {
        Some(_) => None,
        None => Some(mapper.field_type_text(field.ty, imp, repeated)),
    };
    let (ann_text, constraints_text, is_any, accepts_none) = match &text {
        Some(t) => (
            t.expr.as_str(),
            t.constraints.as_str(),
            t.is_any,
            t.accepts_none,
        ),
        None => {
            let name = mapper.named_text(field.ty, imp);
            (name, "", name == "Any", atom_accepts_none(name))
        }
    };
    // What the annotation gets besides the type (`| MISSING`, `| None`).
    let mut ann_extra = None;
    // `default=` / `default_factory=` value, when the field has a default.
    let mut default: Option<Arg> = None;
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
                Arg::kw(
                    "default_factory",
                    lazy_factory(mapper, field.ty, v, &pv, imp),
                )
            }
            Some(pv) => match empty_container_factory(&pv.expr) {
                Some(factory) => Arg::kw("default_factory", Expr::atom(factory)),
                None => Arg::kw("default", pv.expr),
            },
            // No default in the schema: the key may be absent, and absent is not null.
            // pydantic's MISSING sentinel keeps the field out of dumps until it is set and
            // still rejects `null` when the type is not nullable (`T | None = None` would
            // dump an absent key back as `null`).
            None if field.default.is_none() => {
                if !is_any {
                    ann_extra = Some("MISSING");
                }
                imp.add("pydantic", "MISSING");
                Arg::kw("default", Expr::atom("MISSING"))
            }
            // `default: null` (pydantic's `x: T = None`).
            None => {
                if !accepts_none {
                    ann_extra = Some("None");
                }
                Arg::kw("default", Expr::atom("None"))
            }
        });
    }

    let alias = (*py != field.wire_name).then(|| string_literal(&field.wire_name));
    let deprecated = field.docs.deprecated;
    // `Field(...)` when there is more than a plain default.
    let field_call = alias.is_some()
        || !constraints_text.is_empty()
        || deprecated
        || default
            .as_ref()
            .is_some_and(|d| d.keyword.as_deref() != Some("default"));
    let plain_default = default.as_ref().filter(|_| !field_call).map(|d| &d.value);
    if field_call || matches!(plain_default, Some(Expr::Call(c, _)) if c == "Field") {
        imp.add("pydantic", "Field");
    }

    // The statement on one line: `py: type[ | extra][ = value]`.
    let start = out.len();
    out.push_str("    ");
    out.push_str(py);
    out.push_str(": ");
    out.push_str(ann_text);
    if let Some(extra) = ann_extra {
        out.push_str(" | ");
        out.push_str(extra);
    }
    if let Some(v) = plain_default {
        out.push_str(" = ");
        v.write_flat(out);
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
            d.write_flat(out);
        }
        if let Some(a) = &alias {
            sep(out);
            out.push_str("alias=");
            out.push_str(a);
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
    if !fmt::fits_on_one_line(&out[start..]) {
        out.truncate(start);
        // The expressions, for the layout: computing the type again repeats its imports
        // and warnings, which are sets (and the python-re flag, already set).
        let (ty, constraints) = mapper.field_type(field.ty, imp);
        let annotation = match ann_extra {
            Some(extra) => Expr::or(vec![ty, Expr::atom(extra)]),
            None => ty,
        };
        let value = if field_call {
            let mut all: Vec<Arg> = default.into_iter().collect();
            if let Some(a) = alias {
                all.push(Arg::kw("alias", Expr::atom(a)));
            }
            all.extend(constraints);
            if deprecated {
                all.push(Arg::kw("deprecated", Expr::atom("True")));
            }
            Some(Expr::call("Field", all))
        } else {
            default.map(|d| d.value)
        };
        fmt::ann_assign_long_into(out, layouts, 1, py, &annotation, value.as_ref());
    }

    let mut extra = Vec::new();
    if let TypeKind::String(s) = api.types.kind(field.ty)
        && matches!(
            s.format,
            StringFormat::Email | StringFormat::Uri | StringFormat::Other(_)
        )
    {
        extra.push(format!(
            "Format: ``{}``.",
            s.format.as_str().unwrap_or_default()
        ));
    }
    if field.read_only {
        extra.push("Read-only.".to_string());
    }
    // A field's title goes only where it has no description.
    let title = field
        .docs
        .title
        .as_deref()
        .filter(|_| field.docs.description.is_none());
    let text = doc_text(&field.docs, title, &[py, &field.wire_name], &extra);
    if let Some(doc) = fmt::docstring(&text, 1) {
        out.push('\n');
        out.push_str(&doc);
    }
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
