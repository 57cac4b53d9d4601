//! IR types → TypeScript type expressions, and the doc-comment lines that say what the
//! TypeScript type cannot (formats, constraints, defaults).

use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

use crate::ir::{
    Api, Docs, Field, Literal, NumberConstraints, StringFormat, StringType, TypeId, TypeKind,
};

use super::print::TsType;

pub struct TypeMap<'a> {
    pub api: &'a Api,
    /// TypeScript names of the named types.
    pub names: &'a FxHashMap<TypeId, String>,
}

impl<'a> TypeMap<'a> {
    /// The TypeScript name of a named type.
    pub fn name(&self, id: TypeId) -> &str {
        &self.names[&id]
    }

    /// The type expression of `id`: a reference for named types, else its structure.
    pub fn ts(&self, id: TypeId) -> TsType {
        if let Some(name) = self.names.get(&id) {
            return TsType::Ref(name.clone());
        }
        self.structure(id)
    }

    /// The structure of `id`, also for a named type (the right side of its declaration).
    pub fn structure(&self, id: TypeId) -> TsType {
        match self.api.types.kind(id) {
            TypeKind::Any => TsType::Keyword("unknown"),
            TypeKind::Never => TsType::Keyword("never"),
            TypeKind::Null => TsType::Keyword("null"),
            TypeKind::Boolean => TsType::Keyword("boolean"),
            TypeKind::Integer(_) | TypeKind::Number(_) => TsType::Keyword("number"),
            TypeKind::String(_) => TsType::Keyword("string"),
            TypeKind::Literal(lit) => literal(lit),
            TypeKind::LiteralUnion(lits) => TsType::union(lits.iter().map(literal).collect()),
            TypeKind::Array(a) => TsType::Array(Box::new(self.ts(a.items))),
            TypeKind::Tuple(t) => TsType::Tuple(
                t.items.iter().map(|i| self.ts(*i)).collect(),
                t.rest.map(|r| Box::new(self.ts(r))),
            ),
            // `Record` is itself an alias: a recursive alias cannot go through it, so an
            // index signature (string keys, even when `propertyNames` narrows them).
            TypeKind::Map(m) if self.reaches_alias(m.values, 0) => {
                TsType::IndexObject(Box::new(self.ts(m.values)))
            }
            // Typed keys: not every key need be present.
            TypeKind::Map(crate::ir::MapType {
                keys: Some(keys),
                values,
                ..
            }) => TsType::Generic(
                "Partial".to_string(),
                vec![TsType::Generic(
                    "Record".to_string(),
                    vec![self.ts(*keys), self.ts(*values)],
                )],
            ),
            TypeKind::Map(m) => TsType::Generic(
                "Record".to_string(),
                vec![TsType::Keyword("string"), self.ts(m.values)],
            ),
            // Objects and enums are always named; declared by their own templates.
            TypeKind::Object(_) => TsType::Keyword("unknown"),
            TypeKind::Enum(e) => TsType::union(
                e.values
                    .iter()
                    .map(|v| match e.repr {
                        crate::ir::EnumRepr::String => TsType::StringLit(v.wire.clone()),
                        crate::ir::EnumRepr::Integer => TsType::NumberLit(v.wire.clone()),
                    })
                    .collect(),
            ),
            TypeKind::Union(u) => TsType::union(u.variants.iter().map(|v| self.ts(*v)).collect()),
            TypeKind::Nullable(inner) => {
                TsType::union(vec![self.ts(*inner), TsType::Keyword("null")])
            }
            TypeKind::Alias(target) => self.ts(*target),
        }
    }

    /// Whether `id` refers to a type alias through anonymous types and aliases (not
    /// through objects or enums, which TypeScript resolves lazily). A `Record` of such a
    /// type could close a circle of type aliases, which TypeScript rejects.
    fn reaches_alias(&self, id: TypeId, depth: usize) -> bool {
        if depth > 16 {
            return true;
        }
        let entry = self.api.types.get(id);
        if entry.name.is_some() {
            return matches!(entry.kind, TypeKind::Alias(_))
                || !matches!(entry.kind, TypeKind::Object(_) | TypeKind::Enum(_));
        }
        let children: Vec<TypeId> = match &entry.kind {
            TypeKind::Array(a) => vec![a.items],
            TypeKind::Tuple(t) => t.items.iter().copied().chain(t.rest).collect(),
            TypeKind::Map(m) => vec![m.values],
            TypeKind::Union(u) => u.variants.clone(),
            TypeKind::Nullable(inner) | TypeKind::Alias(inner) => vec![*inner],
            _ => Vec::new(),
        };
        children
            .into_iter()
            .any(|c| self.reaches_alias(c, depth + 1))
    }

    /// The type of an object's index signature: its `additionalProperties` type, widened
    /// by the types of its properties (TypeScript requires every property to fit it).
    pub fn index_type(&self, additional: TypeId, fields: &[Field]) -> TsType {
        let mut members = vec![self.ts(additional)];
        members.extend(fields.iter().map(|f| self.ts(f.ty)));
        TsType::union(members)
    }

    /// Named types `id`'s expression refers to directly (for imports).
    pub fn refs(&self, id: TypeId, out: &mut BTreeSet<String>) {
        collect_refs(&self.ts(id), out);
    }

    /// Doc lines about `id` that its TypeScript type does not show: the string format,
    /// constraints of strings, numbers, arrays and maps (also of array items and map
    /// values), and whether a number must be an integer.
    pub fn facts(&self, id: TypeId) -> Vec<String> {
        let mut out = Vec::new();
        self.facts_into(id, "", &mut out, 0);
        out
    }

    fn facts_into(&self, id: TypeId, prefix: &str, out: &mut Vec<String>, depth: usize) {
        if depth > 3 || (depth > 0 && self.names.contains_key(&id)) {
            // Named types are documented where they are declared.
            return;
        }
        match self.api.types.kind(id) {
            TypeKind::String(s) => string_facts(s, prefix, out),
            TypeKind::Integer(n) => {
                let mut parts = vec!["integer".to_string()];
                parts.extend(number_constraints(n));
                out.push(format!("{prefix}Constraints: {}", parts.join(", ")));
            }
            TypeKind::Number(n) if !n.is_empty() => {
                out.push(format!(
                    "{prefix}Constraints: {}",
                    number_constraints(n).join(", ")
                ));
            }
            TypeKind::Array(a) => {
                let mut parts = Vec::new();
                if let Some(n) = a.min_items {
                    parts.push(format!("minItems {n}"));
                }
                if let Some(n) = a.max_items {
                    parts.push(format!("maxItems {n}"));
                }
                if a.unique {
                    parts.push("uniqueItems".to_string());
                }
                if !parts.is_empty() {
                    out.push(format!("{prefix}Constraints: {}", parts.join(", ")));
                }
                self.facts_into(a.items, &format!("{prefix}Items: "), out, depth + 1);
            }
            TypeKind::Map(m) => {
                let mut parts = Vec::new();
                if let Some(n) = m.min_properties {
                    parts.push(format!("minProperties {n}"));
                }
                if let Some(n) = m.max_properties {
                    parts.push(format!("maxProperties {n}"));
                }
                if !parts.is_empty() {
                    out.push(format!("{prefix}Constraints: {}", parts.join(", ")));
                }
                self.facts_into(m.values, &format!("{prefix}Values: "), out, depth + 1);
            }
            TypeKind::Nullable(inner) => self.facts_into(*inner, prefix, out, depth + 1),
            // A named alias of an anonymous type is documented with that type's facts.
            TypeKind::Alias(target) if depth == 0 && !self.names.contains_key(target) => {
                self.facts_into(*target, prefix, out, depth)
            }
            TypeKind::Union(u) if depth == 0 => {
                if let Some(d) = &u.discriminator {
                    out.push(format!("{prefix}Discriminated by `{}`.", d.property));
                }
            }
            _ => {}
        }
    }
}

fn literal(lit: &Literal) -> TsType {
    match lit {
        Literal::String(s) => TsType::StringLit(s.clone()),
        Literal::Integer(n) | Literal::Number(n) => TsType::NumberLit(n.clone()),
        Literal::Boolean(b) => TsType::BoolLit(*b),
        Literal::Null => TsType::Keyword("null"),
    }
}

fn collect_refs(t: &TsType, out: &mut BTreeSet<String>) {
    match t {
        TsType::Ref(n) => {
            out.insert(n.clone());
        }
        TsType::Array(e) => collect_refs(e, out),
        TsType::Tuple(items, rest) => {
            items.iter().for_each(|i| collect_refs(i, out));
            if let Some(r) = rest {
                collect_refs(r, out);
            }
        }
        TsType::Generic(_, args) => args.iter().for_each(|a| collect_refs(a, out)),
        TsType::IndexObject(value) => collect_refs(value, out),
        TsType::Union(members) => members.iter().for_each(|m| collect_refs(m, out)),
        TsType::Keyword(_) | TsType::StringLit(_) | TsType::NumberLit(_) | TsType::BoolLit(_) => {}
    }
}

/// What a format means for the string's content.
fn format_note(format: &StringFormat) -> Option<String> {
    let note = match format {
        StringFormat::None => return None,
        StringFormat::DateTime => "date-time (ISO 8601, e.g. 2024-01-31T12:00:00Z)",
        StringFormat::Date => "date (ISO 8601, e.g. 2024-01-31)",
        StringFormat::Time => "time (ISO 8601, e.g. 12:00:00)",
        StringFormat::Duration => "duration (ISO 8601, e.g. P1DT2H)",
        StringFormat::Uuid => "uuid",
        StringFormat::Binary => "binary (bytes encoded as a string)",
        StringFormat::Decimal => "decimal (a decimal number as a string, e.g. \"12.50\")",
        StringFormat::Email => "email",
        StringFormat::Uri => "uri",
        StringFormat::Other(other) => return Some(other.clone()),
    };
    Some(note.to_string())
}

fn string_facts(s: &StringType, prefix: &str, out: &mut Vec<String>) {
    if let Some(note) = format_note(&s.format) {
        out.push(format!("{prefix}Format: {note}"));
    }
    let mut parts = Vec::new();
    if let Some(n) = s.min_length {
        parts.push(format!("minLength {n}"));
    }
    if let Some(n) = s.max_length {
        parts.push(format!("maxLength {n}"));
    }
    if let Some(p) = &s.pattern {
        parts.push(format!("pattern `{p}`"));
    }
    if !parts.is_empty() {
        out.push(format!("{prefix}Constraints: {}", parts.join(", ")));
    }
}

fn number_constraints(n: &NumberConstraints) -> Vec<String> {
    let mut parts = Vec::new();
    let mut push = |label: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{label} {v}"));
        }
    };
    push("minimum", &n.minimum);
    push("exclusiveMinimum", &n.exclusive_minimum);
    push("maximum", &n.maximum);
    push("exclusiveMaximum", &n.exclusive_maximum);
    push("multipleOf", &n.multiple_of);
    parts
}

/// The doc-comment lines of a type or field: title, description, facts, examples,
/// default, deprecation. Raw text: the JSDoc filter escapes it.
pub fn doc_lines(
    docs: &Docs,
    facts: Vec<String>,
    default: Option<&str>,
    extra: &[String],
) -> Vec<String> {
    // Paragraphs (prose, notes, tags) go straight into one vector, an empty line before
    // every paragraph but the first: this runs for every interface member.
    let mut out: Vec<String> = Vec::new();
    if let Some(t) = docs.title.as_deref().filter(|t| !t.trim().is_empty()) {
        out.push(t.trim().to_string());
    }
    if let Some(d) = docs.description.as_deref().filter(|d| !d.trim().is_empty()) {
        if !out.is_empty() {
            out.push(String::new());
        }
        push_lines(&mut out, d.trim());
    }
    if !extra.is_empty() || !facts.is_empty() {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend_from_slice(extra);
        out.extend(facts);
    }
    if !docs.examples.is_empty() || default.is_some() || docs.deprecated {
        if !out.is_empty() {
            out.push(String::new());
        }
        for example in &docs.examples {
            out.push(format!("@example {example}"));
        }
        if let Some(d) = default {
            out.push(format!("@default {d}"));
        }
        if docs.deprecated {
            out.push("@deprecated".to_string());
        }
    }
    out
}

/// Splits text at every line terminator JavaScript knows.
pub fn split_lines(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    push_lines(&mut out, s);
    out
}

/// [`split_lines`], appending to `out`; copies the text only when it holds a CRLF.
fn push_lines(out: &mut Vec<String>, s: &str) {
    let terminators = ['\n', '\r', '\u{2028}', '\u{2029}'];
    if s.contains("\r\n") {
        out.extend(
            s.replace("\r\n", "\n")
                .split(terminators)
                .map(str::to_string),
        );
    } else {
        out.extend(s.split(terminators).map(str::to_string));
    }
}
