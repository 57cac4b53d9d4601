//! The properties of types.ts's interfaces, most of the file: each property's doc comment
//! and line written straight into the file, from texts worked out once per type (a few
//! hundred distinct types serve tens of thousands of properties).
//!
//! The direct writers cover doc text that is printable ASCII on one line per part (what
//! schemas hold); anything else goes through [`DocLines`] and [`filters::push_jsdoc`],
//! which they reproduce (checked by a randomized test).

use crate::ir::{Field, TypeId};

use super::doc::{WIDTH, str_width};
use super::filters;
use super::print;
use super::types::{DocLines, TypeMap};

/// A text's place in [`TypeTexts::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

/// A type's facts lines: their spans in [`TypeTexts::fact_lines`].
#[derive(Debug, Clone, Copy)]
struct Facts {
    lines: Span,
    /// Whether the JSDoc writer leaves every line as it is (printable ASCII, no comment
    /// terminator, no trailing space).
    plain: bool,
}

/// What a property of one type starts and ends with, worked out once per type.
#[derive(Debug, Clone, Copy)]
struct Texts {
    /// `?: T;`, `T` the type's one-line text ([`TypeMap::push_flat`] or
    /// [`print::write_flat_simple`]), when it has one (without the `?` for a required
    /// property).
    annotation: Option<Span>,
    /// A new line at two columns and the doc comment of a property documented by its
    /// type's facts only (most properties).
    member_start: Span,
    facts: Facts,
}

/// Per type id, worked out the first time a property has that type: its [`Texts`] and
/// the lines of its facts ([`TypeMap::facts`]).
#[derive(Debug, Default)]
pub struct TypeTexts {
    /// By type id: 0 when not yet worked out, else 1 + an index into `texts`.
    slots: Vec<u32>,
    texts: Vec<Texts>,
    fact_lines: Vec<Span>,
    /// All the texts.
    text: String,
    /// Where [`TypeMap::facts`] writes.
    scratch: DocLines,
}

impl TypeTexts {
    /// Room for the types of a table of `types` types.
    pub fn new(types: usize) -> Self {
        TypeTexts {
            // Zeroed memory: pages of types without properties are never touched.
            slots: vec![0; types],
            // Reserved for every type, so that they never grow (a grown table leaves its
            // old pages touched); only the pages written to are touched.
            texts: Vec::with_capacity(types),
            fact_lines: Vec::with_capacity(types),
            text: String::with_capacity(types * 64),
            scratch: DocLines::default(),
        }
    }

    fn span_text(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }

    /// The span of what `write` appends to [`TypeTexts::text`].
    fn keep(&mut self, write: impl FnOnce(&mut String)) -> Span {
        let start = self.text.len();
        write(&mut self.text);
        Span {
            start: to_u32(start),
            end: to_u32(self.text.len()),
        }
    }

    /// The texts of properties of type `id`.
    fn texts(&mut self, map: &TypeMap<'_>, id: TypeId) -> Texts {
        if id.0 >= self.slots.len() {
            self.slots.resize(id.0 + 1, 0);
        }
        let slot = self.slots[id.0];
        if slot != 0 {
            return self.texts[slot as usize - 1];
        }
        let start = self.text.len();
        self.text.push_str("?: ");
        // The one-line type `print::push_property_signature` tries first (the expression
        // is built only for types `push_flat` leaves to it).
        let flat = map.push_flat(id, &mut self.text) || {
            self.text.truncate(start + "?: ".len());
            print::write_flat_simple(&map.ts(id), &mut self.text)
        };
        let annotation = if flat {
            self.text.push(';');
            Some(Span {
                start: to_u32(start),
                end: to_u32(self.text.len()),
            })
        } else {
            self.text.truncate(start);
            None
        };
        // The facts are what `DocLines::fill` gives a property without docs of its own.
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        map.facts_uncached(id, &mut scratch);
        let first = self.fact_lines.len();
        for i in 0..scratch.len() {
            let span = self.keep(|t| t.push_str(scratch.line(i)));
            self.fact_lines.push(span);
        }
        let facts = Facts {
            lines: Span {
                start: to_u32(first),
                end: to_u32(self.fact_lines.len()),
            },
            // Empty lines (from a pattern's line breaks) are left to the JSDoc writer.
            plain: filters::is_plain(&scratch)
                && (0..scratch.len()).all(|i| !scratch.line(i).is_empty()),
        };
        let member_start = self.keep(|t| {
            t.push_str("\n  ");
            filters::push_jsdoc(t, &scratch, 2);
        });
        self.scratch = scratch;
        let texts = Texts {
            annotation,
            member_start,
            facts,
        };
        self.texts.push(texts);
        self.slots[id.0] = to_u32(self.texts.len());
        texts
    }

    /// Writes an interface member for `field`: a new line at two columns, its doc comment
    /// and its property signature. `doc` is room for the comments the direct writer
    /// leaves to [`DocLines`].
    pub fn push_field(
        &mut self,
        out: &mut String,
        map: &TypeMap<'_>,
        field: &Field,
        optional: bool,
        doc: &mut DocLines,
    ) {
        let texts = self.texts(map, field.ty);
        let docs = &*field.docs;
        let default = field.default.as_ref().map(|d| d.0.as_str());
        if default.is_none()
            && docs.title.is_none()
            && docs.description.is_none()
            && docs.examples.is_empty()
            && !docs.deprecated
        {
            out.push_str(self.span_text(texts.member_start));
        } else {
            out.push_str("\n  ");
            if !self.push_field_doc(out, field, default, texts.facts) {
                doc.fill(&field.docs, |d| map.facts(field.ty, d), default);
                filters::push_jsdoc(out, doc, 2);
            }
        }
        self.push_property(out, map, field, optional, texts.annotation);
    }

    /// [`print::push_property_signature`] of `field` at two columns: on one line from its
    /// type's annotation when it has one and the line fits.
    fn push_property(
        &self,
        out: &mut String,
        map: &TypeMap<'_>,
        field: &Field,
        optional: bool,
        annotation: Option<Span>,
    ) {
        const INDENT: usize = 2;
        let key = &field.wire_name;
        if let Some(span) = annotation {
            let annotation =
                &self.text[span.start as usize + usize::from(!optional)..span.end as usize];
            let start = out.len();
            if field.read_only {
                out.push_str("readonly ");
            }
            print::push_property_key(out, key);
            out.push_str(annotation);
            let line = &out[start..];
            // A character is never wider than its UTF-8 bytes.
            if INDENT + line.len() <= WIDTH || INDENT + str_width(line) <= WIDTH {
                return;
            }
            out.truncate(start);
        }
        let ty = map.ts(field.ty);
        print::push_property_signature(out, key, optional, field.read_only, &ty, INDENT);
    }

    /// The doc comment [`DocLines::fill`] and [`filters::push_jsdoc`] write for `field`
    /// at two columns, written directly when every part is plain (printable ASCII, one
    /// line, nothing to escape); `false` (and `out` as it was) otherwise.
    fn push_field_doc(
        &self,
        out: &mut String,
        field: &Field,
        default: Option<&str>,
        facts: Facts,
    ) -> bool {
        if !facts.plain {
            return false;
        }
        let docs = &*field.docs;
        let (Some(title), Some(description)) = (
            plain_prose(docs.title.as_deref()),
            plain_prose(docs.description.as_deref()),
        ) else {
            return false;
        };
        let fact_lines = &self.fact_lines[facts.lines.start as usize..facts.lines.end as usize];
        let tags = !docs.examples.is_empty() || default.is_some() || docs.deprecated;
        // An empty example or default leaves a trailing space, which the writer removes.
        if tags
            && !(docs
                .examples
                .iter()
                .all(|e| !e.is_empty() && is_plain_part(e))
                && default.is_none_or(|d| !d.is_empty() && is_plain_part(d)))
        {
            return false;
        }
        let count = usize::from(!title.is_empty())
            + usize::from(!description.is_empty())
            + fact_lines.len()
            + if tags {
                docs.examples.len() + usize::from(default.is_some()) + usize::from(docs.deprecated)
            } else {
                0
            };
        let line_text = |span: &Span| &self.text[span.start as usize..span.end as usize];
        if count == 0 {
            return true;
        }
        // `/** text */` when it fits.
        if count == 1 {
            let (lead, text) = if !title.is_empty() {
                ("", title)
            } else if !description.is_empty() {
                ("", description)
            } else if let [span] = fact_lines {
                ("", line_text(span))
            } else if let [example] = docs.examples.as_slice() {
                ("@example ", example.as_str())
            } else if let Some(d) = default {
                ("@default ", d)
            } else {
                ("", "@deprecated")
            };
            if 2 + lead.len() + text.len() + "/**  */".len() <= WIDTH {
                out.reserve(lead.len() + text.len() + 10);
                out.push_str("/** ");
                out.push_str(lead);
                out.push_str(text);
                out.push_str(" */\n  ");
                return true;
            }
        }
        // As `DocLines::fill_parts` puts them: prose, notes, tags, each paragraph after
        // an empty line. Every line has text (facts with an empty line are not plain).
        let mut comment = Comment::open(out, title, description);
        if !fact_lines.is_empty() {
            comment.paragraph();
            for span in fact_lines {
                comment.line("", line_text(span));
            }
        }
        if tags {
            comment.paragraph();
            for example in &docs.examples {
                comment.line("@example ", example);
            }
            if let Some(d) = default {
                comment.line("@default ", d);
            }
            if docs.deprecated {
                comment.line("", "@deprecated");
            }
        }
        comment.close();
        true
    }
}

/// The doc comment of a client method at two columns, as [`DocLines::fill_parts`] and
/// [`filters::push_jsdoc`] write it (summary, description, ``Calls `wire`.``,
/// `@deprecated`), written directly when every part is plain; `false` (and `out` as it
/// was) otherwise.
pub fn push_method_doc(
    out: &mut String,
    summary: Option<&str>,
    description: Option<&str>,
    wire: &str,
    deprecated: bool,
) -> bool {
    let (Some(title), Some(description)) = (plain_prose(summary), plain_prose(description)) else {
        return false;
    };
    if !is_plain_part(wire) {
        return false;
    }
    // `/** Calls `wire`. */` when it is the only line and fits.
    if title.is_empty()
        && description.is_empty()
        && !deprecated
        && 2 + "/** Calls `".len() + wire.len() + "`. */".len() <= WIDTH
    {
        out.reserve(wire.len() + 20);
        out.push_str("/** Calls `");
        out.push_str(wire);
        out.push_str("`. */\n  ");
        return true;
    }
    let mut comment = Comment::open(out, title, description);
    comment.paragraph();
    comment.line("Calls `", wire);
    comment.out.push_str("`.");
    if deprecated {
        comment.paragraph();
        comment.line("", "@deprecated");
    }
    comment.close();
    true
}

/// The lines of a doc comment at two columns, written into its file after `/**`.
struct Comment<'a> {
    out: &'a mut String,
    /// Lines with text so far.
    lines: usize,
}

impl<'a> Comment<'a> {
    /// `/**` and the comment's prose: its title, then its description as a paragraph.
    fn open(out: &'a mut String, title: &str, description: &str) -> Self {
        out.push_str("/**");
        let mut comment = Comment { out, lines: 0 };
        if !title.is_empty() {
            comment.line("", title);
        }
        if !description.is_empty() {
            comment.paragraph();
            comment.line("", description);
        }
        comment
    }

    /// The end of the comment, and the indentation of the line after it.
    fn close(self) {
        self.out.push_str("\n   */\n  ");
    }

    fn line(&mut self, lead: &str, text: &str) {
        self.out.push_str("\n   * ");
        self.out.push_str(lead);
        self.out.push_str(text);
        self.lines += 1;
    }

    /// The empty line before a paragraph, when one came before.
    fn paragraph(&mut self) {
        if self.lines > 0 {
            self.out.push_str("\n   *");
        }
    }
}

/// A title or description as [`DocLines::fill`] keeps it (without the spaces at its
/// ends; empty when absent), when it is a plain part ([`is_plain_part`]).
fn plain_prose(s: Option<&str>) -> Option<&str> {
    match s {
        None => Some(""),
        Some(s) => {
            // Most have no spaces at their ends: not searched for.
            let ends = s.as_bytes();
            let s = if ends.first() == Some(&b' ') || ends.last() == Some(&b' ') {
                s.trim_matches(' ')
            } else {
                s
            };
            is_plain_part(s).then_some(s)
        }
    }
}

/// Whether `s` is one line that the JSDoc writer leaves as it is: printable ASCII
/// without a comment terminator, no trailing space.
pub(super) fn is_plain_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    // One pass or'd over all bytes (no early exit), so that it vectorizes; `*/` is looked
    // for only when there is a `/`.
    let (outside, slash) = bytes.iter().fold((false, false), |(outside, slash), &b| {
        (
            outside | (b.wrapping_sub(b' ') > b'~' - b' '),
            slash | (b == b'/'),
        )
    });
    !outside && bytes.last() != Some(&b' ') && (!slash || !bytes.windows(2).any(|w| w == b"*/"))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("texts under 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{
        Api, ArrayType, Docs, JsonValue, NamePriority, NumberConstraints, StringFormat, StringType,
        TypeEntry, TypeKind, TypeName,
    };
    use crate::lang::typescript::names::TypeNames;

    /// Random text: mostly plain words, sometimes what the JSDoc writer must escape,
    /// split or trim.
    fn text(below: &mut impl FnMut(u64) -> usize, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a", "word", " ", " ", "x.", "`", "/", "*", "*/", "@", "\n", "\r\n", "\t", "é",
            "\u{2028}", "  ", "1", "\"", "z",
        ];
        let plain = below(3) != 0;
        (0..below(max as u64 + 1))
            .map(|_| {
                let piece = PIECES[below(PIECES.len() as u64)];
                if plain
                    && !piece
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b' ')
                {
                    "q"
                } else {
                    piece
                }
            })
            .collect()
    }

    /// Half the time none, else a random text of up to 8 pieces.
    fn optional_text(below: &mut dyn FnMut(u64) -> usize) -> Option<String> {
        (below(2) == 0).then(|| {
            let mut f = |n| below(n);
            text(&mut f, 8)
        })
    }

    fn types(below: &mut impl FnMut(u64) -> usize) -> (Api, TypeNames) {
        let mut api = Api::default();
        let mut names = TypeNames::default();
        for i in 0..60 {
            let kind = match below(6) {
                0 => TypeKind::String(StringType {
                    format: match below(4) {
                        0 => StringFormat::None,
                        1 => StringFormat::Uuid,
                        2 => StringFormat::Other(text(below, 3)),
                        _ => StringFormat::DateTime,
                    },
                    min_length: (below(3) == 0).then_some(1),
                    max_length: (below(3) == 0).then_some(200),
                    pattern: (below(3) == 0).then(|| text(below, 6)),
                }),
                1 => TypeKind::Integer(NumberConstraints {
                    minimum: (below(2) == 0).then(|| "0".to_string()),
                    ..Default::default()
                }),
                2 if i > 0 => TypeKind::Array(ArrayType {
                    items: TypeId(below(i as u64)),
                    unique: below(2) == 0,
                    min_items: None,
                    max_items: (below(2) == 0).then_some(100),
                }),
                3 => TypeKind::Boolean,
                4 if i > 0 => TypeKind::Nullable(TypeId(below(i as u64))),
                _ => TypeKind::Number(Default::default()),
            };
            // Some named, some with long names (lines that do not fit).
            let name = (below(4) == 0).then(|| {
                if below(3) == 0 {
                    format!("T{i}{}", "Long".repeat(20))
                } else {
                    format!("T{i}")
                }
            });
            if let Some(n) = &name {
                names.insert(TypeId(i), n.clone());
            }
            api.types.types.push(TypeEntry {
                name: name.map(|n| TypeName {
                    name: n.clone(),
                    source: n,
                    priority: NamePriority::Definition,
                }),
                kind,
                docs: Docs::default().into(),
                pointer: String::new(),
            });
        }
        (api, names)
    }

    /// The direct member writer writes what the doc comment and property writers it
    /// replaces wrote, for random docs, facts and types.
    #[test]
    fn members_match_the_doc_lines_writer() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x2545_f491_4f6c_dd1d);
        let (api, names) = types(&mut below);
        let map = TypeMap {
            api: &api,
            names: &names,
        };
        let mut texts = TypeTexts::new(api.types.types.len());
        let mut doc = DocLines::default();
        let mut direct_docs = 0;
        for round in 0..20_000 {
            let docs = Docs {
                title: optional_text(&mut below),
                description: optional_text(&mut below),
                deprecated: below(4) == 0,
                examples: (0..[0, 0, 0, 1, 2][below(5)])
                    .map(|_| text(&mut below, 4))
                    .collect(),
            };
            let wire_name = match below(5) {
                0 => "with space".to_string(),
                1 => "x".repeat(below(70)),
                _ => "name".to_string(),
            };
            let field = Field {
                wire_name,
                ty: TypeId(below(api.types.types.len() as u64)),
                required: below(2) == 0,
                default: (below(3) == 0).then(|| JsonValue(text(&mut below, 4))),
                docs: docs.into(),
                read_only: below(5) == 0,
            };
            let optional = !field.required;

            let mut direct = String::from("x");
            texts.push_field(&mut direct, &map, &field, optional, &mut doc);

            let mut expected = String::from("x");
            let mut lines = DocLines::default();
            lines.fill(
                &field.docs,
                |d| map.facts(field.ty, d),
                field.default.as_ref().map(|d| d.0.as_str()),
            );
            expected.push_str("\n  ");
            filters::push_jsdoc(&mut expected, &lines, 2);
            print::push_property_signature(
                &mut expected,
                &field.wire_name,
                optional,
                field.read_only,
                &map.ts(field.ty),
                2,
            );
            assert_eq!(direct, expected, "round {round}: {field:?}");
            let mut doc_only = String::new();
            let facts = texts.texts(&map, field.ty).facts;
            if texts.push_field_doc(
                &mut doc_only,
                &field,
                field.default.as_ref().map(|d| d.0.as_str()),
                facts,
            ) {
                direct_docs += 1;
            }
        }
        // Both writers were exercised.
        assert!(direct_docs > 5_000 && direct_docs < 19_000, "{direct_docs}");
    }

    /// The direct method doc writer writes what [`DocLines::fill_parts`] and
    /// [`filters::push_jsdoc`] write, for random summaries, descriptions and wire names.
    #[test]
    fn method_docs_match_the_doc_lines_writer() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x510e_527f_ade6_82d1);
        let mut doc = DocLines::default();
        let mut direct_docs = 0;
        for round in 0..20_000 {
            let summary = optional_text(&mut below);
            let description = optional_text(&mut below);
            let wire = match below(5) {
                0 => text(&mut below, 4),
                1 => "x".repeat(below(90)),
                _ => "orders.get_status".to_string(),
            };
            let deprecated = below(4) == 0;

            let mut expected = String::from("x");
            doc.fill_parts(
                summary.as_deref(),
                description.as_deref(),
                &[],
                deprecated,
                |d| {
                    d.push_with(|t| {
                        t.push_str("Calls `");
                        t.push_str(&wire);
                        t.push_str("`.");
                        true
                    })
                },
                None,
            );
            filters::push_jsdoc(&mut expected, &doc, 2);

            let mut direct = String::from("x");
            if push_method_doc(
                &mut direct,
                summary.as_deref(),
                description.as_deref(),
                &wire,
                deprecated,
            ) {
                direct_docs += 1;
                assert_eq!(
                    direct, expected,
                    "round {round}: {summary:?} {description:?} {wire:?}"
                );
            } else {
                assert_eq!(direct, "x");
            }
        }
        // Both writers were exercised.
        assert!(direct_docs > 3_000 && direct_docs < 19_000, "{direct_docs}");
    }
}
