//! A small Wadler-style document printer with prettier 3's semantics.
//!
//! Generated TypeScript must be byte-identical to what `prettier --check` accepts, so the
//! constructs whose layout depends on their length (unions, type arguments, tuples,
//! signatures, calls, imports) are built as documents of the same shape prettier builds
//! for them (see `print.rs`) and laid out by the same algorithm: a group is printed flat
//! when it and what follows it up to the next possible line break fit in the print width,
//! otherwise its lines break. Only the document commands those constructs need are here.

/// Print width of prettier's defaults.
pub const WIDTH: usize = 80;
/// One indentation level (prettier's default `tabWidth`, spaces).
pub const INDENT: usize = 2;

/// Identifies a group whose break decision other parts of the document depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A space when flat, a newline when broken.
    Line,
    /// Nothing when flat, a newline when broken.
    Soft,
    /// Always a newline; breaks every enclosing group.
    Hard,
}

#[derive(Debug, Clone)]
pub enum Doc {
    Text(String),
    Concat(Vec<Doc>),
    Group {
        contents: Box<Doc>,
        id: Option<GroupId>,
        /// Broken from the start (it contains a hard line).
        broken: bool,
    },
    Indent(Box<Doc>),
    /// Adds `n` spaces of indentation (prettier's `align(n, …)`).
    Align(usize, Box<Doc>),
    Line(LineKind),
    /// `breaks` when the enclosing (or the given) group is broken, else `flat`.
    IfBreak {
        breaks: Box<Doc>,
        flat: Box<Doc>,
        group: Option<GroupId>,
    },
    /// Indents its contents when the given group is broken.
    IndentIfBreak {
        contents: Box<Doc>,
        group: GroupId,
    },
}

pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

pub fn group(contents: Doc) -> Doc {
    let broken = has_hard_break(&contents);
    Doc::Group {
        contents: Box::new(contents),
        id: None,
        broken,
    }
}

pub fn group_with_id(contents: Doc, id: GroupId) -> Doc {
    let broken = has_hard_break(&contents);
    Doc::Group {
        contents: Box::new(contents),
        id: Some(id),
        broken,
    }
}

/// A group broken from the start (prettier's `group(…, { shouldBreak: true })`).
pub fn broken_group(contents: Doc, id: GroupId) -> Doc {
    Doc::Group {
        contents: Box::new(contents),
        id: Some(id),
        broken: true,
    }
}

/// prettier's `willBreak`: the document contains a hard line or a broken group.
pub fn will_break(doc: &Doc) -> bool {
    has_hard_break(doc)
}

pub fn indent(contents: Doc) -> Doc {
    Doc::Indent(Box::new(contents))
}

pub fn align(n: usize, contents: Doc) -> Doc {
    Doc::Align(n, Box::new(contents))
}

pub fn line() -> Doc {
    Doc::Line(LineKind::Line)
}

pub fn softline() -> Doc {
    Doc::Line(LineKind::Soft)
}

pub fn if_break(breaks: Doc, flat: Doc) -> Doc {
    Doc::IfBreak {
        breaks: Box::new(breaks),
        flat: Box::new(flat),
        group: None,
    }
}

pub fn indent_if_break(contents: Doc, group: GroupId) -> Doc {
    Doc::IndentIfBreak {
        contents: Box::new(contents),
        group,
    }
}

/// `parts` separated by `separator`.
pub fn join(separator: Doc, parts: Vec<Doc>) -> Doc {
    let mut out = Vec::with_capacity(parts.len() * 2);
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(separator.clone());
        }
        out.push(part);
    }
    Doc::Concat(out)
}

/// prettier's `propagateBreaks`: a hard line breaks every group around it.
fn has_hard_break(doc: &Doc) -> bool {
    match doc {
        Doc::Text(_) => false,
        Doc::Concat(parts) => parts.iter().any(has_hard_break),
        Doc::Group { broken, .. } => *broken,
        Doc::Indent(d) | Doc::Align(_, d) => has_hard_break(d),
        Doc::IndentIfBreak { contents, .. } => has_hard_break(contents),
        Doc::Line(kind) => *kind == LineKind::Hard,
        Doc::IfBreak { breaks, flat, .. } => has_hard_break(breaks) || has_hard_break(flat),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Break,
    Flat,
}

#[derive(Clone, Copy)]
struct Command<'a> {
    indent: usize,
    mode: Mode,
    doc: &'a Doc,
}

/// Lays `doc` out as prettier would when it starts at column `indent` of a line whose
/// indentation is `indent` spaces (the caller writes that indentation). Continuation
/// lines carry their own indentation; trailing spaces are trimmed.
pub fn print(doc: &Doc, indent: usize) -> String {
    print_width(doc, indent, WIDTH)
}

/// [`print`], also returning how each group with an id was laid out (`true`: broken).
pub fn print_with_modes(doc: &Doc, indent: usize) -> (String, Vec<(GroupId, bool)>) {
    let (out, modes) = print_inner(doc, indent, WIDTH);
    (
        out,
        modes
            .into_iter()
            .map(|(id, m)| (id, m == Mode::Break))
            .collect(),
    )
}

/// [`print`] with another print width (`usize::MAX / 2`: everything on one line).
pub fn print_width(doc: &Doc, indent: usize, width: usize) -> String {
    print_inner(doc, indent, width).0
}

fn print_inner(doc: &Doc, indent: usize, width: usize) -> (String, Vec<(GroupId, Mode)>) {
    let mut out = String::new();
    let mut position = indent;
    let mut group_modes: Vec<(GroupId, Mode)> = Vec::new();
    let mut commands = vec![Command {
        indent,
        mode: Mode::Break,
        doc,
    }];
    while let Some(Command { indent, mode, doc }) = commands.pop() {
        match doc {
            Doc::Text(s) => {
                out.push_str(s);
                position += str_width(s);
            }
            Doc::Concat(parts) => {
                for part in parts.iter().rev() {
                    commands.push(Command {
                        indent,
                        mode,
                        doc: part,
                    });
                }
            }
            Doc::Indent(d) => commands.push(Command {
                indent: indent + INDENT,
                mode,
                doc: d,
            }),
            Doc::Align(n, d) => commands.push(Command {
                indent: indent + n,
                mode,
                doc: d,
            }),
            Doc::Group {
                contents,
                id,
                broken,
            } => {
                let chosen = if mode == Mode::Flat {
                    if *broken { Mode::Break } else { Mode::Flat }
                } else {
                    let flat = Command {
                        indent,
                        mode: Mode::Flat,
                        doc: contents,
                    };
                    if !*broken
                        && fits(
                            flat,
                            &commands,
                            width as isize - position as isize,
                            &group_modes,
                        )
                    {
                        Mode::Flat
                    } else {
                        Mode::Break
                    }
                };
                commands.push(Command {
                    indent,
                    mode: chosen,
                    doc: contents,
                });
                if let Some(id) = id {
                    group_modes.push((*id, chosen));
                }
            }
            Doc::IfBreak {
                breaks,
                flat,
                group,
            } => {
                let m = match group {
                    Some(id) => lookup(&group_modes, *id).unwrap_or(Mode::Flat),
                    None => mode,
                };
                let chosen = if m == Mode::Break { breaks } else { flat };
                commands.push(Command {
                    indent,
                    mode,
                    doc: chosen,
                });
            }
            Doc::IndentIfBreak { contents, group } => {
                let m = lookup(&group_modes, *group).unwrap_or(Mode::Flat);
                let extra = if m == Mode::Break { INDENT } else { 0 };
                commands.push(Command {
                    indent: indent + extra,
                    mode,
                    doc: contents,
                });
            }
            Doc::Line(kind) => {
                if mode == Mode::Flat && *kind != LineKind::Hard {
                    if *kind == LineKind::Line {
                        out.push(' ');
                        position += 1;
                    }
                } else {
                    let trimmed = out.trim_end_matches([' ', '\t']).len();
                    out.truncate(trimmed);
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    position = indent;
                }
            }
        }
    }
    (out, group_modes)
}

fn lookup(modes: &[(GroupId, Mode)], id: GroupId) -> Option<Mode> {
    modes.iter().rev().find(|(g, _)| *g == id).map(|(_, m)| *m)
}

/// prettier's `fits`: whether `next`, followed by the rest of the document up to its
/// first line break in break mode, fits in `width` columns.
fn fits(
    next: Command<'_>,
    rest: &[Command<'_>],
    mut width: isize,
    modes: &[(GroupId, Mode)],
) -> bool {
    let mut rest_index = rest.len();
    let mut pending_space = false;
    let mut stack: Vec<(Mode, &Doc)> = vec![(next.mode, next.doc)];
    while width >= 0 {
        let Some((mode, doc)) = stack.pop() else {
            if rest_index == 0 {
                return true;
            }
            rest_index -= 1;
            stack.push((rest[rest_index].mode, rest[rest_index].doc));
            continue;
        };
        match doc {
            Doc::Text(s) => {
                if !s.is_empty() {
                    if pending_space {
                        width -= 1;
                        pending_space = false;
                    }
                    width -= str_width(s) as isize;
                }
            }
            Doc::Concat(parts) => {
                for part in parts.iter().rev() {
                    stack.push((mode, part));
                }
            }
            Doc::Indent(d) | Doc::Align(_, d) => stack.push((mode, d)),
            Doc::IndentIfBreak { contents, .. } => stack.push((mode, contents)),
            Doc::Group {
                contents, broken, ..
            } => {
                let m = if *broken { Mode::Break } else { mode };
                stack.push((m, contents));
            }
            Doc::IfBreak {
                breaks,
                flat,
                group,
            } => {
                let m = match group {
                    Some(id) => lookup(modes, *id).unwrap_or(Mode::Flat),
                    None => mode,
                };
                stack.push((mode, if m == Mode::Break { breaks } else { flat }));
            }
            Doc::Line(kind) => {
                if mode == Mode::Break || *kind == LineKind::Hard {
                    return true;
                }
                if *kind == LineKind::Line {
                    pending_space = true;
                }
            }
        }
    }
    false
}

/// prettier's `getStringWidth`, approximated outside ASCII: East Asian wide and
/// fullwidth characters count two columns, combining marks and control characters none.
pub fn str_width(s: &str) -> usize {
    // Or'd over every byte, without an early exit: it vectorizes (lines are measured
    // often, and are mostly printable ASCII).
    if !s
        .bytes()
        .fold(false, |any, b| any | !(0x20..0x7f).contains(&b))
    {
        return s.len();
    }
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = c as u32;
    if cp <= 0x1f || (0x7f..=0x9f).contains(&cp) {
        return 0;
    }
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036f),
        (0x0483, 0x0489),
        (0x0591, 0x05bd),
        (0x0610, 0x061a),
        (0x064b, 0x065f),
        (0x0e31, 0x0e31),
        (0x0e34, 0x0e3a),
        (0x0e47, 0x0e4e),
        (0x1ab0, 0x1aff),
        (0x1dc0, 0x1dff),
        (0x20d0, 0x20ff),
        (0xfe00, 0xfe0f),
        (0xfe20, 0xfe2f),
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115f),
        (0x231a, 0x231b),
        (0x2329, 0x232a),
        (0x23e9, 0x23ec),
        (0x25fd, 0x25fe),
        (0x2614, 0x2615),
        (0x2648, 0x2653),
        (0x26a1, 0x26a1),
        (0x26aa, 0x26ab),
        (0x26bd, 0x26be),
        (0x26c4, 0x26c5),
        (0x26ce, 0x26ce),
        (0x26d4, 0x26d4),
        (0x26ea, 0x26ea),
        (0x26f2, 0x26f5),
        (0x26fa, 0x26fd),
        (0x2705, 0x2705),
        (0x270a, 0x270b),
        (0x2728, 0x2728),
        (0x274c, 0x274c),
        (0x2753, 0x2755),
        (0x2757, 0x2757),
        (0x2795, 0x2797),
        (0x27b0, 0x27b0),
        (0x27bf, 0x27bf),
        (0x2b1b, 0x2b1c),
        (0x2b50, 0x2b50),
        (0x2b55, 0x2b55),
        (0x2e80, 0x303e),
        (0x3041, 0x33ff),
        (0x3400, 0x4dbf),
        (0x4e00, 0x9fff),
        (0xa000, 0xa4cf),
        (0xa960, 0xa97f),
        (0xac00, 0xd7a3),
        (0xf900, 0xfaff),
        (0xfe10, 0xfe19),
        (0xfe30, 0xfe6f),
        (0xff00, 0xff60),
        (0xffe0, 0xffe6),
        (0x1f004, 0x1f004),
        (0x1f0cf, 0x1f0cf),
        (0x1f18e, 0x1f18e),
        (0x1f191, 0x1f19a),
        (0x1f200, 0x1f251),
        (0x1f300, 0x1f64f),
        (0x1f680, 0x1f6ff),
        (0x1f7e0, 0x1f7eb),
        (0x1f90c, 0x1f9ff),
        (0x1fa70, 0x1faff),
        (0x20000, 0x3fffd),
    ];
    let within = |table: &[(u32, u32)]| table.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_breaks_only_when_too_long() {
        let doc = |items: &[&str]| {
            group(concat(vec![
                text("["),
                indent(concat(vec![
                    softline(),
                    join(
                        concat(vec![text(","), line()]),
                        items.iter().map(|s| text(*s)).collect(),
                    ),
                    if_break(text(","), text("")),
                ])),
                softline(),
                text("]"),
            ]))
        };
        assert_eq!(print(&doc(&["a", "b"]), 0), "[a, b]");
        let long = "x".repeat(50);
        assert_eq!(
            print(&doc(&[&long, &long]), 0),
            format!("[\n  {long},\n  {long},\n]")
        );
    }

    #[test]
    fn trailing_spaces_are_trimmed() {
        let long = "y".repeat(90);
        let doc = group(concat(vec![text("a ="), line(), text(long.clone())]));
        assert_eq!(print(&doc, 0), format!("a =\n{long}"));
    }

    #[test]
    fn widths() {
        assert_eq!(str_width("abc"), 3);
        assert_eq!(str_width("日本"), 4);
        assert_eq!(str_width("e\u{301}"), 1);
    }
}
