//! IR types → TypeScript type expressions, and the doc-comment lines that say what the
//! TypeScript type cannot (formats, constraints, defaults).

use std::collections::BTreeSet;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::ir::{
    Api, Docs, Field, Literal, NumberConstraints, StringFormat, StringType, TypeId, TypeKind,
};

use super::names::TypeNames;
use super::print::TsType;

pub struct TypeMap<'a> {
    pub api: &'a Api,
    /// TypeScript names of the named types.
    pub names: &'a TypeNames,
}

impl<'a> TypeMap<'a> {
    /// The TypeScript name of a named type.
    pub fn name(&self, id: TypeId) -> &str {
        self.names.get(id).expect("a named type")
    }

    /// The type expression of `id`: a reference for named types, else its structure.
    pub fn ts(&self, id: TypeId) -> TsType {
        if let Some(name) = self.names.get(id) {
            return TsType::Ref(name.to_string());
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

    /// Appends the one-line text of [`TypeMap::ts`] of `id` when it is a plain
    /// expression (names, keywords, literals, arrays, `T | null`, `Record<string, T>`),
    /// straight from the IR without building it; `false` for other types (`out` then
    /// holds part of it). Only for types whose text needs no decisions.
    pub fn push_flat(&self, id: TypeId, out: &mut String) -> bool {
        self.push_flat_inner(id, out, 0).is_some()
    }

    fn push_flat_inner(&self, id: TypeId, out: &mut String, depth: usize) -> Option<Flat> {
        if let Some(name) = self.names.get(id) {
            out.push_str(name);
            return Some(Flat::Plain);
        }
        if depth > 16 {
            return None;
        }
        let keyword = |out: &mut String, k: &str, flat: Flat| {
            out.push_str(k);
            Some(flat)
        };
        match self.api.types.kind(id) {
            TypeKind::Any | TypeKind::Object(_) => keyword(out, "unknown", Flat::Special),
            TypeKind::Never => keyword(out, "never", Flat::Special),
            TypeKind::Null => keyword(out, "null", Flat::Special),
            TypeKind::Boolean => keyword(out, "boolean", Flat::Plain),
            TypeKind::Integer(_) | TypeKind::Number(_) => keyword(out, "number", Flat::Plain),
            TypeKind::String(_) => keyword(out, "string", Flat::Plain),
            TypeKind::Literal(lit) => Some(push_literal(out, lit)),
            TypeKind::LiteralUnion(lits) => {
                push_flat_union(out, lits.len(), |i, out| Some(push_literal(out, &lits[i])))
            }
            TypeKind::Union(u) => push_flat_union(out, u.variants.len(), |i, out| {
                self.push_flat_inner(u.variants[i], out, depth + 1)
            }),
            // A union element is parenthesized.
            TypeKind::Array(a) => match self.push_flat_inner(a.items, out, depth + 1)? {
                Flat::Union { .. } => None,
                _ => keyword(out, "[]", Flat::Plain),
            },
            // `null`, `never` and `unknown` change a union; unions are flattened, and
            // `null` is not repeated.
            TypeKind::Nullable(inner) => match self.push_flat_inner(*inner, out, depth + 1)? {
                Flat::Plain | Flat::Union { null: false } => {
                    keyword(out, " | null", Flat::Union { null: true })
                }
                Flat::Union { null: true } => Some(Flat::Union { null: true }),
                Flat::Special => None,
            },
            TypeKind::Map(m) if m.keys.is_none() && !self.reaches_alias(m.values, 0) => {
                out.push_str("Record<string, ");
                self.push_flat_inner(m.values, out, depth + 1)?;
                keyword(out, ">", Flat::Plain)
            }
            TypeKind::Alias(target) => self.push_flat_inner(*target, out, depth + 1),
            _ => None,
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

    /// Named types `id`'s expression refers to directly (for imports): a named type's
    /// name (its expression) goes to `names`, the names in an anonymous type's
    /// expression to `other`.
    pub fn refs(&self, id: TypeId, names: &mut Vec<&'a str>, other: &mut BTreeSet<String>) {
        match self.names.get(id) {
            Some(name) => names.push(name),
            None => collect_refs(&self.ts(id), other),
        }
    }

    /// Doc lines about `id` that its TypeScript type does not show: the string format,
    /// constraints of strings, numbers, arrays and maps (also of array items and map
    /// values), and whether a number must be an integer.
    ///
    /// `out` keeps the facts of the types it was given (per type, not per [`TypeMap`]: a
    /// [`DocLines`] serves one map).
    pub fn facts(&self, id: TypeId, out: &mut DocLines) {
        // Kinds with facts of their own, or of what they wrap: anonymous types are
        // interned, so a few distinct ones serve thousands of properties; their facts are
        // copied from the first time. The others (names, objects, literals) have none or
        // are found at once.
        let cached = matches!(
            self.api.types.kind(id),
            TypeKind::String(_)
                | TypeKind::Integer(_)
                | TypeKind::Number(_)
                | TypeKind::Array(_)
                | TypeKind::Map(_)
                | TypeKind::Nullable(_)
                | TypeKind::Alias(_)
        );
        if cached && out.copy_cached_facts(id) {
            return;
        }
        let (text_start, lines_start) = (out.text.len(), out.lines.len());
        self.facts_uncached(id, out);
        if cached {
            out.cache_facts(id, text_start, lines_start);
        }
    }

    /// [`TypeMap::facts`] worked out afresh, not kept in `out` (for callers that keep
    /// them themselves).
    pub fn facts_uncached(&self, id: TypeId, out: &mut DocLines) {
        // The prefix text is kept with the lines, so that nested facts (`Items: `) do not
        // allocate one per property.
        let mut prefix = std::mem::take(&mut out.prefix);
        prefix.clear();
        self.facts_into(id, &mut prefix, out, 0);
        out.prefix = prefix;
    }

    fn facts_into(&self, id: TypeId, prefix: &mut String, out: &mut DocLines, depth: usize) {
        if depth > 3 || (depth > 0 && self.names.contains(id)) {
            // Named types are documented where they are declared.
            return;
        }
        match self.api.types.kind(id) {
            TypeKind::String(s) => string_facts(s, prefix, out),
            TypeKind::Integer(n) => constraints(out, prefix, |parts| {
                parts.push("integer");
                number_constraints(n, parts);
            }),
            TypeKind::Number(n) if !n.is_empty() => {
                constraints(out, prefix, |parts| number_constraints(n, parts))
            }
            TypeKind::Array(a) => {
                constraints(out, prefix, |parts| {
                    if let Some(n) = a.min_items {
                        parts.push_count("minItems", n);
                    }
                    if let Some(n) = a.max_items {
                        parts.push_count("maxItems", n);
                    }
                    if a.unique {
                        parts.push("uniqueItems");
                    }
                });
                self.nested_facts(a.items, "Items: ", prefix, out, depth);
            }
            TypeKind::Map(m) => {
                constraints(out, prefix, |parts| {
                    if let Some(n) = m.min_properties {
                        parts.push_count("minProperties", n);
                    }
                    if let Some(n) = m.max_properties {
                        parts.push_count("maxProperties", n);
                    }
                });
                self.nested_facts(m.values, "Values: ", prefix, out, depth);
            }
            TypeKind::Nullable(inner) => self.facts_into(*inner, prefix, out, depth + 1),
            // A named alias of an anonymous type is documented with that type's facts.
            TypeKind::Alias(target) if depth == 0 && !self.names.contains(*target) => {
                self.facts_into(*target, prefix, out, depth)
            }
            TypeKind::Union(u) if depth == 0 => {
                if let Some(d) = &u.discriminator {
                    out.push_with(|t| {
                        t.push_str(prefix);
                        t.push_str("Discriminated by `");
                        t.push_str(&d.property);
                        t.push_str("`.");
                        true
                    });
                }
            }
            _ => {}
        }
    }

    /// The facts of array items or map values, each line led by `label`.
    fn nested_facts(
        &self,
        id: TypeId,
        label: &str,
        prefix: &mut String,
        out: &mut DocLines,
        depth: usize,
    ) {
        let len = prefix.len();
        prefix.push_str(label);
        self.facts_into(id, prefix, out, depth + 1);
        prefix.truncate(len);
    }
}

/// What [`TypeMap::push_flat`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flat {
    Plain,
    /// `null`, `never` or `unknown`.
    Special,
    /// A union (`null`: with a `null` member).
    Union {
        null: bool,
    },
}

/// A literal type's text.
fn push_literal(out: &mut String, lit: &Literal) -> Flat {
    match lit {
        Literal::String(s) => super::print::push_string_literal(out, s),
        Literal::Integer(n) | Literal::Number(n) => super::print::push_number_literal(out, n),
        Literal::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Literal::Null => {
            out.push_str("null");
            return Flat::Special;
        }
    }
    Flat::Plain
}

/// The union of `count` members, `member(i)` each, joined by ` | `, when that is what
/// [`TsType::union`] prints: at least two members, each plain or `null` (no `unknown`
/// or `never`, which change a union, no nested unions, which it flattens), no two
/// written alike (it drops duplicates; equal text may come from different literals,
/// such as `1.50` and `1.5`, so those are left to it too). `None` otherwise.
fn push_flat_union(
    out: &mut String,
    count: usize,
    mut member: impl FnMut(usize, &mut String) -> Option<Flat>,
) -> Option<Flat> {
    // Each member's text in `out`, to find duplicates without allocating; longer unions
    // go through the expression.
    let mut bounds = [(0usize, 0usize); 16];
    if count < 2 || count > bounds.len() {
        return None;
    }
    let mut null = false;
    for i in 0..count {
        if i > 0 {
            out.push_str(" | ");
        }
        let from = out.len();
        match member(i, out)? {
            Flat::Plain => {}
            Flat::Special if &out[from..] == "null" => null = true,
            Flat::Special | Flat::Union { .. } => return None,
        }
        let text = &out.as_bytes()[from..];
        if bounds[..i]
            .iter()
            .any(|&(a, b)| &out.as_bytes()[a..b] == text)
        {
            return None;
        }
        bounds[i] = (from, out.len());
    }
    Some(Flat::Union { null })
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
fn format_note(format: &StringFormat) -> Option<&str> {
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
        StringFormat::Other(other) => other,
    };
    Some(note)
}

fn string_facts(s: &StringType, prefix: &str, out: &mut DocLines) {
    if let Some(note) = format_note(&s.format) {
        out.push_with(|t| {
            t.push_str(prefix);
            t.push_str("Format: ");
            t.push_str(note);
            true
        });
    }
    constraints(out, prefix, |parts| {
        if let Some(n) = s.min_length {
            parts.push_count("minLength", n);
        }
        if let Some(n) = s.max_length {
            parts.push_count("maxLength", n);
        }
        if let Some(p) = &s.pattern {
            let t = parts.next();
            t.push_str("pattern `");
            t.push_str(p);
            t.push('`');
        }
    });
}

/// Comma-separated parts of one line.
struct Parts<'a> {
    text: &'a mut String,
    count: usize,
}

impl Parts<'_> {
    /// Starts a part (after a separator); the caller writes it.
    fn next(&mut self) -> &mut String {
        if self.count > 0 {
            self.text.push_str(", ");
        }
        self.count += 1;
        self.text
    }

    fn push(&mut self, part: &str) {
        self.next().push_str(part);
    }

    /// `label value`.
    fn push_value(&mut self, label: &str, value: &str) {
        let t = self.next();
        t.push_str(label);
        t.push(' ');
        t.push_str(value);
    }

    /// `label n`.
    fn push_count(&mut self, label: &str, n: u64) {
        let t = self.next();
        t.push_str(label);
        t.push(' ');
        push_u64(t, n);
    }
}

/// `n` in decimal (as `{n}` formats it, without the formatter's machinery: this runs
/// for many properties).
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

/// A `{prefix}Constraints: a, b` line of the parts `write` gives, none without parts.
fn constraints(out: &mut DocLines, prefix: &str, write: impl FnOnce(&mut Parts<'_>)) {
    out.push_with(|t| {
        t.push_str(prefix);
        t.push_str("Constraints: ");
        let mut parts = Parts { text: t, count: 0 };
        write(&mut parts);
        parts.count > 0
    });
}

fn number_constraints(n: &NumberConstraints, parts: &mut Parts<'_>) {
    let mut push = |label: &str, v: &Option<String>| {
        if let Some(v) = v {
            parts.push_value(label, v);
        }
    };
    push("minimum", &n.minimum);
    push("exclusiveMinimum", &n.exclusive_minimum);
    push("maximum", &n.maximum);
    push("exclusiveMaximum", &n.exclusive_maximum);
    push("multipleOf", &n.multiple_of);
}

/// The lines of one doc comment (raw schema text, split at every line terminator
/// JavaScript knows; the JSDoc writer escapes it), kept in one text that is reused from
/// member to member: no allocation per line or per member.
#[derive(Debug, Default)]
pub struct DocLines {
    text: String,
    /// Each line's range in `text` (line terminators are left out).
    lines: Vec<std::ops::Range<usize>>,
    /// Room for [`TypeMap::facts`]' line prefixes.
    prefix: String,
    /// The lines [`TypeMap::facts`] wrote, by type.
    facts: FactsCache,
    /// [`byte_bits`] of `text` (of bytes since removed too).
    bits: u8,
    /// Whether a line ends with a space (or did, before it was removed).
    trailing_space: bool,
}

/// [`BYTE_BITS`]: `\n`, `\r` or the lead byte of U+2028 and U+2029.
const MAYBE_TERMINATOR: u8 = 1;
/// [`BYTE_BITS`]: a byte other than printable ASCII and `\n`/`\r`.
pub const OUTSIDE: u8 = 2;
/// [`BYTE_BITS`]: `/`.
pub const SLASH: u8 = 4;

/// What a byte of doc text may be, as bits: a table lookup per byte.
const BYTE_BITS: [u8; 256] = {
    let mut table = [OUTSIDE; 256];
    let mut b = b' ';
    while b <= b'~' {
        table[b as usize] = 0;
        b += 1;
    }
    table[b'\n' as usize] = MAYBE_TERMINATOR;
    table[b'\r' as usize] = MAYBE_TERMINATOR;
    table[0xe2] = OUTSIDE | MAYBE_TERMINATOR;
    table[b'/' as usize] = SLASH;
    table
};

/// [`BYTE_BITS`] of every byte of `bytes`, or'd.
fn byte_bits(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .fold(0, |any, &b| any | BYTE_BITS[usize::from(b)])
}

/// Lines of facts by type: their text, and each line's range in it.
#[derive(Debug, Default)]
struct FactsCache {
    /// A type's text and line ranges in `text` and `lines`.
    by_type: FxHashMap<TypeId, (CachedText, Range<usize>)>,
    text: String,
    /// Relative to the start of their type's text.
    lines: Vec<Range<usize>>,
}

/// A type's facts in [`FactsCache::text`].
#[derive(Debug)]
struct CachedText {
    range: Range<usize>,
    /// [`byte_bits`] of its bytes.
    bits: u8,
    /// Whether one of its lines ends with a space.
    trailing_space: bool,
}

impl DocLines {
    /// Doc lines of `lines`, each split at line terminators.
    pub fn of<S: AsRef<str>>(lines: &[S]) -> DocLines {
        let mut out = DocLines::default();
        for l in lines {
            out.push(l.as_ref());
        }
        out
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
        self.bits = 0;
        self.trailing_space = false;
    }

    /// [`byte_bits`] of the text (a superset after [`DocLines::pop`]).
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// Whether a line may end with a space.
    pub fn may_have_trailing_space(&self) -> bool {
        self.trailing_space
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn line(&self, i: usize) -> &str {
        &self.text[self.lines[i].clone()]
    }

    /// All lines, with their line terminators.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Each line's range in [`DocLines::text`].
    pub fn ranges(&self) -> &[std::ops::Range<usize>] {
        &self.lines
    }

    /// Appends `s`, a line per line of it.
    pub fn push(&mut self, s: &str) {
        self.push_with(|t| {
            t.push_str(s);
            true
        });
    }

    /// Appends the text `write` appends to the given text (a line per line of it), when
    /// it returns `true`.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String) -> bool) {
        let start = self.text.len();
        if !write(&mut self.text) {
            self.text.truncate(start);
            return;
        }
        self.split_from(start);
    }

    /// Appends the facts lines kept for `id`, if any were kept.
    fn copy_cached_facts(&mut self, id: TypeId) -> bool {
        let Some((text, lines)) = self.facts.by_type.get(&id) else {
            return false;
        };
        let base = self.text.len();
        self.text.push_str(&self.facts.text[text.range.clone()]);
        self.bits |= text.bits;
        self.trailing_space |= text.trailing_space;
        self.lines.extend(
            self.facts.lines[lines.clone()]
                .iter()
                .map(|r| base + r.start..base + r.end),
        );
        true
    }

    /// Keeps the facts lines of `id`: the text from `text_start`, the lines from
    /// `lines_start`.
    fn cache_facts(&mut self, id: TypeId, text_start: usize, lines_start: usize) {
        let cache = &mut self.facts;
        let written = &self.text.as_bytes()[text_start..];
        let text = CachedText {
            range: cache.text.len()..cache.text.len() + written.len(),
            bits: byte_bits(written),
            trailing_space: self.lines[lines_start..]
                .iter()
                .any(|r| r.end > r.start && self.text.as_bytes()[r.end - 1] == b' '),
        };
        cache.text.push_str(&self.text[text_start..]);
        let lines = cache.lines.len()..cache.lines.len() + (self.lines.len() - lines_start);
        cache.lines.extend(
            self.lines[lines_start..]
                .iter()
                .map(|r| r.start - text_start..r.end - text_start),
        );
        cache.by_type.insert(id, (text, lines));
    }

    /// Removes the last line.
    fn pop(&mut self) {
        if let Some(last) = self.lines.pop() {
            self.text.truncate(last.start);
        }
    }

    /// Records the lines of `text[start..]`: split at `\n`, `\r`, U+2028 and U+2029, a
    /// CRLF being one terminator.
    fn split_from(&mut self, start: usize) {
        let bytes = self.text.as_bytes();
        let ends_with_space = |end: usize| end > 0 && bytes[end - 1] == b' ';
        // Most pushes are one line: found without a search, in the pass (it vectorizes)
        // that also tells the JSDoc writer whether the text needs escaping.
        let bits = byte_bits(&bytes[start..]);
        self.bits |= bits;
        if bits & MAYBE_TERMINATOR == 0 {
            self.trailing_space |= bytes.len() > start && ends_with_space(bytes.len());
            self.lines.push(start..bytes.len());
            return;
        }
        let mut line_start = start;
        let mut from = start;
        // `\n`, `\r`, and the lead byte of U+2028 and U+2029 (E2 80 A8 / E2 80 A9).
        while let Some(found) = memchr::memchr3(b'\n', b'\r', 0xe2, &bytes[from..]) {
            let i = from + found;
            let terminator = match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
                b'\n' | b'\r' => 1,
                _ if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) =>
                {
                    3
                }
                _ => 0,
            };
            if terminator == 0 {
                from = i + 1;
            } else {
                self.trailing_space |= i > line_start && ends_with_space(i);
                self.lines.push(line_start..i);
                from = i + terminator;
                line_start = from;
            }
        }
        self.trailing_space |= bytes.len() > line_start && ends_with_space(bytes.len());
        self.lines.push(line_start..bytes.len());
    }

    /// The doc comment of a type or field: title, description, `notes` (lines `notes`
    /// pushes: extra notes, facts), examples, default, deprecation.
    pub fn fill(&mut self, docs: &Docs, notes: impl FnOnce(&mut DocLines), default: Option<&str>) {
        self.fill_parts(
            docs.title.as_deref(),
            docs.description.as_deref(),
            &docs.examples,
            docs.deprecated,
            notes,
            default,
        );
    }

    /// [`DocLines::fill`] of the parts of [`Docs`].
    pub fn fill_parts(
        &mut self,
        title: Option<&str>,
        description: Option<&str>,
        examples: &[String],
        deprecated: bool,
        notes: impl FnOnce(&mut DocLines),
        default: Option<&str>,
    ) {
        // Paragraphs (prose, notes, tags), an empty line before every paragraph but the
        // first: this runs for every interface member.
        self.clear();
        if let Some(t) = title.map(trim).filter(|t| !t.is_empty()) {
            self.push(t);
        }
        if let Some(d) = description.map(trim).filter(|d| !d.is_empty()) {
            if !self.is_empty() {
                self.push("");
            }
            self.push(d);
        }
        let separated = !self.is_empty();
        if separated {
            self.push("");
        }
        let before = self.len();
        notes(self);
        if separated && self.len() == before {
            self.pop();
        }
        if !examples.is_empty() || default.is_some() || deprecated {
            if !self.is_empty() {
                self.push("");
            }
            for example in examples {
                self.push_with(|t| {
                    t.push_str("@example ");
                    t.push_str(example);
                    true
                });
            }
            if let Some(d) = default {
                self.push_with(|t| {
                    t.push_str("@default ");
                    t.push_str(d);
                    true
                });
            }
            if deprecated {
                self.push("@deprecated");
            }
        }
    }
}

/// `s.trim()`; without decoding characters when `s` starts and ends with ASCII
/// characters other than white space and controls (most docs).
fn trim(s: &str) -> &str {
    let outside = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b.is_ascii());
    let bytes = s.as_bytes();
    if outside(bytes.first()) && outside(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// Splits text at every line terminator JavaScript knows.
pub fn split_lines(s: &str) -> Vec<String> {
    let lines = DocLines::of(&[s]);
    (0..lines.len())
        .map(|i| lines.line(i).to_string())
        .collect()
}

/// The doc-comment lines of a method or class: title, description, one note.
pub fn doc_lines(docs: &Docs, note: &str) -> Vec<String> {
    let mut lines = DocLines::default();
    lines.fill(docs, |d| d.push(note), None);
    (0..lines.len())
        .map(|i| lines.line(i).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayType, MapType, StringType, TupleType, TypeEntry, TypeName, UnionType};

    /// The direct one-line types are those of the type expressions, on random types.
    #[test]
    fn flat_types_match_the_expressions() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x7f4a_7c15_9e37_79b9u64);
        let mut api = Api::default();
        let mut names = TypeNames::default();
        for i in 0..3_000 {
            let any = |below: &mut dyn FnMut(u64) -> usize| TypeId(below(i.max(1) as u64));
            let literal = |below: &mut dyn FnMut(u64) -> usize| match below(8) {
                0 => Literal::String("a".into()),
                1 => Literal::String("it's \"x\"".into()),
                2 => Literal::Integer("1".into()),
                // Different literals, written alike.
                3 => Literal::Number("1.50".into()),
                4 => Literal::Number("1.5".into()),
                5 => Literal::Boolean(below(2) == 0),
                6 => Literal::String("b".into()),
                _ => Literal::Null,
            };
            let kind = match if i < 10 { below(8) } else { below(20) } {
                0 => TypeKind::Any,
                1 => TypeKind::Never,
                2 => TypeKind::Null,
                3 => TypeKind::Boolean,
                4 => TypeKind::Integer(Default::default()),
                5 => TypeKind::String(StringType::plain(crate::ir::StringFormat::None)),
                6 => TypeKind::Literal(match below(5) {
                    0 => Literal::String("it's \"x\"".into()),
                    1 => Literal::Integer("-12".into()),
                    2 => Literal::Number("1.50E+3".into()),
                    3 => Literal::Boolean(true),
                    _ => Literal::Null,
                }),
                7 => TypeKind::Object(crate::ir::ObjectType {
                    fields: Vec::new(),
                    additional: crate::ir::AdditionalProperties::Allowed,
                }),
                8 | 9 => TypeKind::Array(ArrayType {
                    items: any(&mut below),
                    unique: false,
                    min_items: None,
                    max_items: None,
                }),
                10 | 11 => TypeKind::Nullable(any(&mut below)),
                12 | 13 => TypeKind::Map(MapType {
                    keys: (below(4) == 0).then(|| any(&mut below)),
                    values: any(&mut below),
                    min_properties: None,
                    max_properties: None,
                }),
                14 => TypeKind::Alias(any(&mut below)),
                15 => TypeKind::Union(UnionType {
                    variants: vec![any(&mut below), any(&mut below)],
                    discriminator: None,
                }),
                16 => TypeKind::Union(UnionType {
                    variants: (0..below(5)).map(|_| any(&mut below)).collect(),
                    discriminator: None,
                }),
                17 | 18 => {
                    TypeKind::LiteralUnion((0..below(6)).map(|_| literal(&mut below)).collect())
                }
                _ => TypeKind::Tuple(TupleType {
                    items: vec![any(&mut below)],
                    rest: None,
                }),
            };
            let name = (below(5) == 0).then(|| format!("T{i}"));
            if let Some(n) = &name {
                names.insert(TypeId(i), n.clone());
            }
            api.types.types.push(TypeEntry {
                name: name.map(|n| TypeName {
                    name: n.clone(),
                    source: n,
                    priority: crate::ir::NamePriority::Definition,
                }),
                kind,
                docs: Docs::default().into(),
                pointer: String::new(),
            });
        }
        let map = TypeMap {
            api: &api,
            names: &names,
        };
        let mut direct_count = 0;
        for i in 0..api.types.types.len() {
            let id = TypeId(i);
            let mut direct = String::new();
            if map.push_flat(id, &mut direct) {
                let mut expected = String::new();
                assert!(super::super::print::write_flat_simple(
                    &map.ts(id),
                    &mut expected
                ));
                assert_eq!(direct, expected, "{:?}", api.types.kind(id));
                direct_count += 1;
            }
        }
        assert!(direct_count > 1_000, "{direct_count}");

        // Facts copied from the cache (the second time a type comes) are those worked out
        // afresh, after other lines too.
        let mut reused = DocLines::default();
        let mut with_facts = 0;
        for round in 0..2 {
            for i in 0..api.types.types.len() {
                let id = TypeId(i);
                let mut fresh = DocLines::default();
                fresh.push("x /");
                map.facts(id, &mut fresh);
                reused.clear();
                reused.push("x /");
                map.facts(id, &mut reused);
                assert_eq!(reused.text(), fresh.text(), "round {round}");
                assert_eq!(reused.ranges(), fresh.ranges(), "round {round}");
                assert_eq!(reused.bits(), fresh.bits());
                with_facts += usize::from(fresh.len() > 1);
            }
        }
        assert!(with_facts > 100, "{with_facts}");
    }
}
