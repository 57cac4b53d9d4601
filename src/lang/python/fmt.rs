//! Python source layout, exactly as `ruff format` (default settings: 88 columns, 4-space
//! indent, double quotes) would leave it, for the small set of constructs the backend emits.
//!
//! Generated code never goes through an external formatter, so this module reproduces the
//! formatter's decisions: a document of text, line breaks, groups and "best fitting"
//! alternatives (the model ruff's own printer uses), printed with the same fitting rules, and
//! builders that lay out each expression and statement kind the way ruff does (calls that
//! break after `(`, subscripts, `|` chains that break before the operator, assignments that
//! prefer splitting the right-hand side, parenthesized type hints, exploded collection
//! literals with a trailing comma). String and number literals are normalized the same way
//! (quote choice, lowercase escapes and exponents). Differential tests against the real
//! `ruff` binary live in the test module.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::rc::Rc;

/// The line width of ruff's default configuration.
pub const LINE_WIDTH: usize = 88;
const INDENT_WIDTH: usize = 4;

// ---------------------------------------------------------------------------------------
// Document model and printer
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Nothing when flat, a line break when expanded.
    Soft,
    /// A space when flat, a line break when expanded.
    SoftOrSpace,
    /// Always a line break.
    Hard,
}

/// A layout document.
#[derive(Debug, Clone)]
enum Doc {
    Text(String),
    Line(LineKind),
    Concat(Vec<Doc>),
    Indent(Box<Doc>),
    Group {
        id: Option<u32>,
        expand: bool,
        content: Box<Doc>,
    },
    /// Content printed only when the group `id` (or, without id, the enclosing group) is
    /// expanded.
    IfBreaks {
        id: Option<u32>,
        content: Box<Doc>,
    },
    /// The first variant that fits wins; the last one is the fallback. `all_lines`: a variant
    /// fits only if all its lines fit (ruff's `BestFittingMode::AllLines`).
    BestFit {
        variants: Vec<Doc>,
        all_lines: bool,
    },
    /// A document shared by the variants of a `BestFit` (cloning it is a reference count,
    /// not a copy of the tree).
    Shared(Rc<Doc>),
}

/// `d` made cheap to clone.
fn shared(d: Doc) -> Doc {
    match d {
        Doc::Shared(_) | Doc::Text(_) | Doc::Line(_) => d,
        other => Doc::Shared(Rc::new(other)),
    }
}

fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}
fn soft() -> Doc {
    Doc::Line(LineKind::Soft)
}
fn soft_or_space() -> Doc {
    Doc::Line(LineKind::SoftOrSpace)
}
fn hard() -> Doc {
    Doc::Line(LineKind::Hard)
}
fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}
fn indent(d: Doc) -> Doc {
    Doc::Indent(Box::new(d))
}
fn group(d: Doc) -> Doc {
    Doc::Group {
        id: None,
        expand: false,
        content: Box::new(d),
    }
}
fn group_expanded(d: Doc) -> Doc {
    Doc::Group {
        id: None,
        expand: true,
        content: Box::new(d),
    }
}
fn if_breaks(d: Doc) -> Doc {
    Doc::IfBreaks {
        id: None,
        content: Box::new(d),
    }
}
/// `soft_block_indent`: the content on its own indented line(s) when the group breaks.
fn soft_block_indent(d: Doc) -> Doc {
    concat(vec![indent(concat(vec![soft(), d])), soft()])
}
/// `block_indent`: the content always on its own indented line(s).
fn block_indent(d: Doc) -> Doc {
    concat(vec![indent(concat(vec![hard(), d])), hard()])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Expanded,
}

#[derive(Clone, Copy)]
struct Frame<'a> {
    indent: usize,
    mode: Mode,
    all_lines: bool,
    doc: &'a Doc,
}

struct Printer {
    out: String,
    line_width: usize,
    /// Indentation level to write before the next text (ruff writes indentation lazily so
    /// that empty lines carry no whitespace).
    pending_indent: Option<usize>,
    /// A group (or best-fitting variant) measured as fitting since the last line break, so
    /// nested flat groups need no new measurement (ruff's `measured_group_fits`).
    measured_fits: bool,
    group_modes: FxHashMap<u32, Mode>,
}

/// Prints `doc` at `level` levels of indentation (the first line included). No trailing
/// newline.
fn print(doc: &Doc, level: usize) -> String {
    let mut p = Printer {
        out: String::new(),
        line_width: 0,
        pending_indent: Some(level),
        measured_fits: false,
        group_modes: FxHashMap::default(),
    };
    let mut stack = vec![Frame {
        indent: level,
        mode: Mode::Expanded,
        all_lines: false,
        doc,
    }];
    while let Some(frame) = stack.pop() {
        p.print_frame(frame, &mut stack);
    }
    p.out
}

/// Display width of a text as ruff measures it. Generated text is ASCII or characters of
/// width one (string literals escape everything else, see [`string_literal`]), except
/// inside comments and docstrings, which are never measured.
fn width(s: &str) -> usize {
    // Most text is ASCII: checked a word at a time, cheaper than counting characters.
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Whether `line` (one line, no line break) fits in [`LINE_WIDTH`]: a line of at most that
/// many bytes has at most that many characters, so only longer ones are counted.
fn fits_width(line: &str) -> bool {
    line.len() <= LINE_WIDTH || width(line) <= LINE_WIDTH
}

/// Whether `line` is a single line that fits in [`LINE_WIDTH`] (what a statement written
/// flat must be to stay so).
pub fn fits_on_one_line(line: &str) -> bool {
    !line.contains('\n') && fits_width(line)
}

impl Printer {
    fn print_text(&mut self, s: &str) {
        if let Some(level) = self.pending_indent.take() {
            push_indent(&mut self.out, level);
            self.line_width = level * INDENT_WIDTH;
        }
        self.out.push_str(s);
        self.line_width += width(s);
    }

    fn print_frame<'a>(&mut self, f: Frame<'a>, stack: &mut Vec<Frame<'a>>) {
        match f.doc {
            Doc::Text(s) => self.print_text(s),
            Doc::Shared(d) => stack.push(Frame { doc: d, ..f }),
            Doc::Concat(parts) => {
                for part in parts.iter().rev() {
                    stack.push(Frame { doc: part, ..f });
                }
            }
            Doc::Indent(d) => stack.push(Frame {
                indent: f.indent + 1,
                doc: d,
                ..f
            }),
            Doc::Line(kind) => {
                if f.mode == Mode::Flat && *kind != LineKind::Hard {
                    if *kind == LineKind::SoftOrSpace {
                        self.print_text(" ");
                    }
                } else {
                    if self.line_width > 0 {
                        self.out.push('\n');
                    }
                    self.line_width = 0;
                    self.measured_fits = false;
                    self.pending_indent = Some(f.indent);
                }
            }
            Doc::Group {
                id,
                expand,
                content,
            } => {
                let mode = if *expand {
                    Mode::Expanded
                } else if f.mode == Mode::Flat && self.measured_fits {
                    Mode::Flat
                } else {
                    self.measured_fits = true;
                    let probe = Frame {
                        mode: Mode::Flat,
                        doc: content,
                        ..f
                    };
                    if self.fits(probe, stack, false) {
                        Mode::Flat
                    } else {
                        Mode::Expanded
                    }
                };
                if let Some(id) = id {
                    self.group_modes.insert(*id, mode);
                }
                stack.push(Frame {
                    mode,
                    doc: content,
                    ..f
                });
            }
            Doc::IfBreaks { id, content } => {
                let mode = id
                    .and_then(|id| self.group_modes.get(&id).copied())
                    .unwrap_or(f.mode);
                if mode == Mode::Expanded {
                    stack.push(Frame { doc: content, ..f });
                }
            }
            Doc::BestFit {
                variants,
                all_lines,
            } => {
                if f.mode == Mode::Flat && self.measured_fits {
                    stack.push(Frame {
                        doc: &variants[0],
                        ..f
                    });
                    return;
                }
                self.measured_fits = true;
                let (last, normal) = variants.split_last().expect("best fitting has variants");
                for variant in normal {
                    let probe = Frame {
                        mode: Mode::Flat,
                        all_lines: *all_lines,
                        doc: variant,
                        ..f
                    };
                    if self.fits(probe, stack, *all_lines) {
                        stack.push(Frame {
                            mode: Mode::Flat,
                            doc: variant,
                            ..f
                        });
                        return;
                    }
                }
                stack.push(Frame {
                    mode: Mode::Expanded,
                    doc: last,
                    ..f
                });
            }
        }
    }

    /// Whether `next` followed by the rest of the document fits on the current line (up to
    /// the first line break; with `all_lines`, every line of `next` must fit).
    fn fits(&self, next: Frame<'_>, rest: &[Frame<'_>], all_lines: bool) -> bool {
        let mut width_now = self.line_width;
        let mut pending = self.pending_indent;
        let mut queue: Vec<Frame<'_>> = vec![Frame { all_lines, ..next }];
        let mut rest_idx = rest.len();
        let mut local_modes: FxHashMap<u32, Mode> = FxHashMap::default();
        loop {
            let f = match queue.pop() {
                Some(f) => f,
                None => {
                    if rest_idx == 0 {
                        return true;
                    }
                    rest_idx -= 1;
                    let mut f = rest[rest_idx];
                    f.all_lines = false;
                    f
                }
            };
            match f.doc {
                Doc::Text(s) => {
                    if let Some(level) = pending.take() {
                        width_now = level * INDENT_WIDTH;
                    }
                    width_now += width(s);
                    if width_now > LINE_WIDTH {
                        return false;
                    }
                }
                Doc::Shared(d) => queue.push(Frame { doc: d, ..f }),
                Doc::Concat(parts) => {
                    for part in parts.iter().rev() {
                        queue.push(Frame { doc: part, ..f });
                    }
                }
                Doc::Indent(d) => queue.push(Frame {
                    indent: f.indent + 1,
                    doc: d,
                    ..f
                }),
                Doc::Line(kind) => match f.mode {
                    Mode::Flat => match kind {
                        LineKind::Soft => {}
                        LineKind::SoftOrSpace => {
                            if let Some(level) = pending.take() {
                                width_now = level * INDENT_WIDTH;
                            }
                            width_now += 1;
                            if width_now > LINE_WIDTH {
                                return false;
                            }
                        }
                        LineKind::Hard => return true,
                    },
                    Mode::Expanded => {
                        if !f.all_lines {
                            return true;
                        }
                        width_now = 0;
                        pending = Some(f.indent);
                    }
                },
                Doc::Group {
                    id,
                    expand,
                    content,
                } => {
                    let mode = if *expand { Mode::Expanded } else { f.mode };
                    if let Some(id) = id {
                        local_modes.insert(*id, mode);
                    }
                    queue.push(Frame {
                        mode,
                        doc: content,
                        ..f
                    });
                }
                Doc::IfBreaks { id, content } => {
                    let mode = id
                        .and_then(|id| {
                            local_modes
                                .get(&id)
                                .or_else(|| self.group_modes.get(&id))
                                .copied()
                        })
                        .unwrap_or(f.mode);
                    if mode == Mode::Expanded {
                        queue.push(Frame { doc: content, ..f });
                    }
                }
                Doc::BestFit { variants, .. } => {
                    let v = match f.mode {
                        Mode::Flat => &variants[0],
                        Mode::Expanded => variants.last().expect("variants"),
                    };
                    queue.push(Frame { doc: v, ..f });
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------

/// Text of an expression: most are fixed (`str`, `None`, `Field`, `list`), borrowed
/// then, so building and cloning expressions allocates only for the others.
pub type Name = Cow<'static, str>;

/// The Python expressions the backend generates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A name, dotted name, keyword constant, number, or an already rendered string literal.
    Atom(Name),
    /// `callee(args)`; the callee is a name or dotted name.
    Call(Name, Vec<Arg>),
    /// `value[items]`; one item is a plain slice, more are a tuple.
    Subscript(Name, Vec<Expr>),
    /// `a | b | c`
    Or(Vec<Expr>),
    /// `lambda: body`
    Lambda(Box<Expr>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Set(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `await value`
    Await(Box<Expr>),
    /// `receiver.method(args)` where the receiver is itself a call.
    Method(Box<Expr>, String, Vec<Arg>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arg {
    pub keyword: Option<String>,
    pub value: Expr,
}

impl Arg {
    pub fn pos(value: Expr) -> Arg {
        Arg {
            keyword: None,
            value,
        }
    }
    pub fn kw(keyword: &str, value: Expr) -> Arg {
        Arg {
            keyword: Some(keyword.to_string()),
            value,
        }
    }
}

impl Expr {
    pub fn atom(s: impl Into<Name>) -> Expr {
        Expr::Atom(s.into())
    }
    pub fn call(callee: impl Into<Name>, args: Vec<Arg>) -> Expr {
        Expr::Call(callee.into(), args)
    }
    pub fn sub(value: impl Into<Name>, items: Vec<Expr>) -> Expr {
        Expr::Subscript(value.into(), items)
    }
    /// `a | b`, flattening nested unions.
    pub fn or(items: Vec<Expr>) -> Expr {
        let mut flat = Vec::new();
        for item in items {
            match item {
                Expr::Or(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            flat.pop().expect("one")
        } else {
            Expr::Or(flat)
        }
    }

    /// The expression on one line (for README text and tests).
    pub fn flat(&self) -> String {
        let mut out = String::new();
        self.write_flat(&mut out);
        out
    }

    /// Appends the expression on one line: what the printer writes when every group of its
    /// layout stays flat.
    pub fn write_flat(&self, out: &mut String) {
        fn join(items: &[Expr], sep: &str, out: &mut String) {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                item.write_flat(out);
            }
        }
        fn args(list: &[Arg], out: &mut String) {
            out.push('(');
            for (i, a) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Some(k) = &a.keyword {
                    out.push_str(k);
                    out.push('=');
                }
                a.value.write_flat(out);
            }
            out.push(')');
        }
        match self {
            Expr::Atom(s) => out.push_str(s),
            Expr::Call(callee, list) => {
                out.push_str(callee);
                args(list, out);
            }
            Expr::Subscript(value, items) => {
                out.push_str(value);
                out.push('[');
                join(items, ", ", out);
                out.push(']');
            }
            Expr::Or(items) => join(items, " | ", out),
            Expr::Lambda(body) => {
                out.push_str("lambda: ");
                body.write_flat(out);
            }
            Expr::List(items) => {
                out.push('[');
                join(items, ", ", out);
                out.push(']');
            }
            Expr::Set(items) if items.is_empty() => out.push_str("set()"),
            Expr::Set(items) => {
                out.push('{');
                join(items, ", ", out);
                out.push('}');
            }
            Expr::Tuple(items) => {
                out.push('(');
                join(items, ", ", out);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Expr::Dict(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_flat(out);
                    out.push_str(": ");
                    v.write_flat(out);
                }
                out.push('}');
            }
            Expr::Await(value) => {
                out.push_str("await ");
                value.write_flat(out);
            }
            Expr::Method(receiver, method, list) => {
                receiver.write_flat(out);
                out.push('.');
                out.push_str(method);
                args(list, out);
            }
        }
    }

    /// The names an expression refers to (the first segment of dotted names; string and
    /// number literals excluded).
    pub fn names(&self, out: &mut rustc_hash::FxHashSet<String>) {
        self.any_name(&mut |n| {
            out.insert(n.to_string());
            false
        });
    }

    /// Whether `pred` holds for one of the names [`Expr::names`] collects, visited in
    /// order (without collecting them: the client asks this once per keyword parameter).
    pub fn any_name(&self, pred: &mut dyn FnMut(&str) -> bool) -> bool {
        fn name(s: &str, pred: &mut dyn FnMut(&str) -> bool) -> bool {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && pred(s.split(['.', '(']).next().unwrap_or(s))
        }
        match self {
            Expr::Atom(s) => name(s, pred),
            Expr::Call(c, args) => name(c, pred) || args.iter().any(|a| a.value.any_name(pred)),
            Expr::Subscript(v, items) => name(v, pred) || items.iter().any(|i| i.any_name(pred)),
            Expr::Or(items) | Expr::List(items) | Expr::Tuple(items) | Expr::Set(items) => {
                items.iter().any(|i| i.any_name(pred))
            }
            Expr::Dict(entries) => entries
                .iter()
                .any(|(k, v)| k.any_name(pred) || v.any_name(pred)),
            Expr::Lambda(e) | Expr::Await(e) => e.any_name(pred),
            Expr::Method(receiver, _, args) => {
                receiver.any_name(pred) || args.iter().any(|a| a.value.any_name(pred))
            }
        }
    }

    fn doc(&self) -> Doc {
        match self {
            Expr::Atom(s) => text(s.clone()),
            Expr::Call(callee, args) => {
                if args.is_empty() {
                    return text(format!("{callee}()"));
                }
                concat(vec![
                    text(callee.clone()),
                    arguments("(", args.iter().map(Arg::doc).collect(), ")"),
                ])
            }
            Expr::Subscript(value, items) => {
                let slice = if items.len() == 1 {
                    items[0].doc()
                } else {
                    group(comma_list(items.iter().map(Expr::doc).collect(), true))
                };
                concat(vec![
                    text(value.clone()),
                    group(concat(vec![text("["), soft_block_indent(slice), text("]")])),
                ])
            }
            Expr::Or(items) => {
                let mut parts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        parts.push(soft_or_space());
                        parts.push(text("| "));
                    }
                    parts.push(item.doc());
                }
                group(concat(parts))
            }
            Expr::Lambda(body) => concat(vec![text("lambda: "), body.doc()]),
            Expr::List(items) => collection("[", items.iter().map(Expr::doc).collect(), "]", false),
            Expr::Set(items) => {
                if items.is_empty() {
                    text("set()")
                } else {
                    collection("{", items.iter().map(Expr::doc).collect(), "}", false)
                }
            }
            Expr::Tuple(items) => {
                let single = items.len() == 1;
                collection("(", items.iter().map(Expr::doc).collect(), ")", single)
            }
            Expr::Dict(entries) => collection(
                "{",
                entries
                    .iter()
                    .map(|(k, v)| concat(vec![k.doc(), text(": "), v.doc()]))
                    .collect(),
                "}",
                false,
            ),
            Expr::Await(value) => concat(vec![text("await "), value.doc()]),
            Expr::Method(receiver, method, args) => {
                let mut parts = vec![receiver.doc(), text(format!(".{method}"))];
                parts.push(if args.is_empty() {
                    text("()")
                } else {
                    arguments("(", args.iter().map(Arg::doc).collect(), ")")
                });
                concat(parts)
            }
        }
    }

    fn is_call_like(&self) -> bool {
        matches!(self, Expr::Call(_, args) if !args.is_empty())
            || matches!(self, Expr::Subscript(..))
    }

    fn is_collection(&self) -> bool {
        matches!(self, Expr::List(_) | Expr::Tuple(_) | Expr::Dict(_))
            || matches!(self, Expr::Set(items) if !items.is_empty())
    }
}

impl Arg {
    /// The argument on one line (what [`Arg::doc`] prints flat).
    pub fn write_flat(&self, out: &mut String) {
        if let Some(k) = &self.keyword {
            out.push_str(k);
            out.push('=');
        }
        self.value.write_flat(out);
    }

    fn doc(&self) -> Doc {
        match &self.keyword {
            Some(k) => concat(vec![text(format!("{k}=")), self.value.doc()]),
            None => self.value.doc(),
        }
    }
}

/// Items separated by `, ` that break one per line with a trailing comma.
fn comma_list(items: Vec<Doc>, trailing: bool) -> Doc {
    let mut parts = Vec::new();
    let n = items.len();
    for (i, item) in items.into_iter().enumerate() {
        parts.push(item);
        if i + 1 < n {
            parts.push(text(","));
            parts.push(soft_or_space());
        }
    }
    if trailing && n > 1 {
        parts.push(if_breaks(text(",")));
    }
    concat(parts)
}

/// Call arguments and parameters: the brackets break first, then the items (which then go
/// one per line with a trailing comma).
fn arguments(open: &str, items: Vec<Doc>, close: &str) -> Doc {
    group(concat(vec![
        text(open),
        soft_block_indent(group(comma_list(items, true))),
        text(close),
    ]))
}

/// Collection literals: one group, so a break puts every item on its own line.
fn collection(open: &str, items: Vec<Doc>, close: &str, single_tuple: bool) -> Doc {
    if items.is_empty() {
        return text(format!("{open}{close}"));
    }
    let body = if single_tuple {
        concat(vec![items.into_iter().next().expect("one"), text(",")])
    } else {
        comma_list(items, true)
    };
    group(concat(vec![
        text(open),
        soft_block_indent(body),
        text(close),
    ]))
}

/// `(`…`)` around an expression only when it does not fit (ruff's `parenthesize_if_expands`).
fn parenthesize_if_expands(d: Doc) -> Doc {
    group(concat(vec![
        if_breaks(text("(")),
        soft_block_indent(d),
        if_breaks(text(")")),
    ]))
}

/// Parentheses only when they make an unsplittable value fit (ruff's
/// `best_fit_parenthesize`).
fn best_fit_parenthesize(d: Doc) -> Doc {
    let d = shared(d);
    Doc::BestFit {
        variants: vec![
            group(d.clone()),
            group_expanded(concat(vec![
                text("("),
                soft_block_indent(d.clone()),
                text(")"),
            ])),
            group_expanded(d),
        ],
        all_lines: true,
    }
}

/// An expression in a position where the statement may add optional parentheses: after
/// `=`, `return`, or as a type hint without value.
fn last_expression(e: &Expr, prefix: Doc) -> Doc {
    match e {
        Expr::Or(_) => concat(vec![prefix, parenthesize_if_expands(e.doc())]),
        _ if e.is_call_like() => {
            let v = shared(e.doc());
            let prefix = shared(prefix);
            Doc::BestFit {
                variants: vec![
                    concat(vec![prefix.clone(), v.clone()]),
                    concat(vec![prefix.clone(), group_expanded(v.clone())]),
                    concat(vec![
                        prefix.clone(),
                        text("("),
                        block_indent(v.clone()),
                        text(")"),
                    ]),
                    concat(vec![prefix, v]),
                ],
                all_lines: false,
            }
        }
        _ if e.is_collection() => concat(vec![prefix, e.doc()]),
        Expr::Await(inner) => last_expression(inner, concat(vec![prefix, text("await ")])),
        _ => concat(vec![prefix, best_fit_parenthesize(e.doc())]),
    }
}

// ---------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------

/// The statement on one line at `level`, when that line fits in [`LINE_WIDTH`]. Every
/// layout below prints its flat form then (each group and each first best-fitting
/// variant measures as fitting), so this is exactly the printer's output, without
/// building and measuring the document: the common case, and the hot path on large
/// schemas.
fn one_line(level: usize, write: impl FnOnce(&mut String)) -> Option<String> {
    let mut out = String::with_capacity(LINE_WIDTH);
    push_indent(&mut out, level);
    write(&mut out);
    (!out.contains('\n') && width(&out) <= LINE_WIDTH).then_some(out)
}

/// `target: annotation` or `target: annotation = value`, at `level`.
pub fn ann_assign(level: usize, target: &str, annotation: &Expr, value: Option<&Expr>) -> String {
    let mut out = String::with_capacity(LINE_WIDTH);
    ann_assign_into(&mut out, level, target, annotation, value);
    out
}

/// [`ann_assign`] appended to `out`.
pub fn ann_assign_into(
    out: &mut String,
    level: usize,
    target: &str,
    annotation: &Expr,
    value: Option<&Expr>,
) {
    let start = out.len();
    push_indent(out, level);
    out.push_str(target);
    out.push_str(": ");
    annotation.write_flat(out);
    if let Some(value) = value {
        out.push_str(" = ");
        value.write_flat(out);
    }
    if fits_on_one_line(&out[start..]) {
        return;
    }
    out.truncate(start);
    out.push_str(&ann_assign_doc(level, target, annotation, value));
}

/// The layouts of annotated assignments too long for one line, printed once per statement
/// shape: a statement's layout depends on its target only through the target's width (the
/// target is the first text of its first line), and models.py repeats the same long field
/// types under different names (a Decimal pattern, a discriminated union). Keyed by a hash
/// of the level, the target's width and the expressions, checked against the entries.
#[derive(Default)]
pub struct AnnAssignLayouts {
    entries: FxHashMap<u64, Vec<AnnAssignLayout>>,
}

struct AnnAssignLayout {
    level: usize,
    target_width: usize,
    annotation: Expr,
    value: Option<Expr>,
    /// The printed statement after its indentation and target.
    rest: String,
}

/// [`ann_assign_into`] for a statement already known not to fit on one line, through
/// `layouts`.
pub fn ann_assign_long_into(
    out: &mut String,
    layouts: &mut AnnAssignLayouts,
    level: usize,
    target: &str,
    annotation: &Expr,
    value: Option<&Expr>,
) {
    use std::hash::{Hash, Hasher};
    let target_width = width(target);
    let mut hasher = rustc_hash::FxHasher::default();
    (level, target_width, annotation, value).hash(&mut hasher);
    let key = hasher.finish();
    let bucket = layouts.entries.entry(key).or_default();
    let found = bucket.iter().find(|e| {
        e.level == level
            && e.target_width == target_width
            && e.annotation == *annotation
            && e.value.as_ref() == value
    });
    let rest = match found {
        Some(e) => &e.rest,
        None => {
            let printed = ann_assign_direct(level, target, annotation, value)
                .unwrap_or_else(|| ann_assign_doc(level, target, annotation, value));
            let head = level * INDENT_WIDTH + target.len();
            debug_assert!(printed[level * INDENT_WIDTH..].starts_with(target));
            bucket.push(AnnAssignLayout {
                level,
                target_width,
                annotation: annotation.clone(),
                value: value.cloned(),
                rest: printed[head..].to_string(),
            });
            &bucket.last().expect("just pushed").rest
        }
    };
    push_indent(out, level);
    out.push_str(target);
    out.push_str(rest);
}

/// The two most common long field layouts of models.py, written directly (what
/// [`ann_assign_doc`] prints for them, without building and printing the document; `None`
/// for any other statement):
/// - a union with a plain value: `target: (`, the union on one line or one member a line
///   (`| B`), `) = value`;
/// - a subscript of two or more items without value: `target: Annotated[`, the items on
///   one line, `]`.
///
/// Only for a statement that does not fit on one line.
fn ann_assign_direct(
    level: usize,
    target: &str,
    annotation: &Expr,
    value: Option<&Expr>,
) -> Option<String> {
    let fits_at = |indent: usize, s: &str| indent * INDENT_WIDTH + width(s) <= LINE_WIDTH;
    let flat = |e: &Expr| {
        let mut s = String::new();
        e.write_flat(&mut s);
        s
    };
    let mut out = String::new();
    match (annotation, value) {
        (Expr::Or(items), Some(Expr::Atom(v))) => {
            // The document first tries `target: A | B = (` + the value on its own line.
            let mut first = format!("{target}: ");
            annotation.write_flat(&mut first);
            first.push_str(" = (");
            if fits_at(level, &first) || !fits_at(level, &format!("{target}: (")) {
                return None;
            }
            let members: Vec<String> = items.iter().map(flat).collect();
            let one_line = members.join(" | ");
            push_indent(&mut out, level);
            out.push_str(target);
            out.push_str(": (\n");
            if fits_at(level + 1, &one_line) {
                push_indent(&mut out, level + 1);
                out.push_str(&one_line);
                out.push('\n');
            } else {
                for (i, (item, member)) in items.iter().zip(&members).enumerate() {
                    // Members that lay out by a group of their own, when it fits flat.
                    let grouped = matches!(item, Expr::Atom(_) | Expr::Subscript(..))
                        || matches!(item, Expr::Call(_, args) if !args.is_empty());
                    let prefix = if i == 0 { "" } else { "| " };
                    if !grouped || !fits_at(level + 1, &format!("{prefix}{member}")) {
                        return None;
                    }
                    push_indent(&mut out, level + 1);
                    out.push_str(prefix);
                    out.push_str(member);
                    out.push('\n');
                }
            }
            push_indent(&mut out, level);
            out.push_str(") = ");
            out.push_str(v);
        }
        (Expr::Subscript(callee, items), None) if items.len() > 1 => {
            let first = format!("{target}: {callee}[");
            let inner = items.iter().map(flat).collect::<Vec<_>>().join(", ");
            if !fits_at(level, &first) || !fits_at(level + 1, &inner) {
                return None;
            }
            push_indent(&mut out, level);
            out.push_str(&first);
            out.push('\n');
            push_indent(&mut out, level + 1);
            out.push_str(&inner);
            out.push('\n');
            push_indent(&mut out, level);
            out.push(']');
        }
        _ => return None,
    }
    Some(out)
}

/// [`ann_assign`] through the layout document.
fn ann_assign_doc(level: usize, target: &str, annotation: &Expr, value: Option<&Expr>) -> String {
    let head = text(format!("{target}: "));
    let doc = match value {
        None => last_expression(annotation, head),
        Some(value) => {
            let splittable = matches!(annotation, Expr::Or(_) | Expr::Subscript(..));
            if !splittable {
                last_expression(value, concat(vec![head, annotation.doc(), text(" = ")]))
            } else {
                let ann = match annotation {
                    Expr::Or(_) => parenthesize_if_expands(annotation.doc()),
                    _ => annotation.doc(),
                };
                right_to_left(head, ann, value)
            }
        }
    };
    print(&doc, level)
}

/// An assignment whose left side can split: prefer splitting or parenthesizing the value.
fn right_to_left(head: Doc, left: Doc, value: &Expr) -> Doc {
    let eq = text(" = ");
    if value.is_collection() {
        return concat(vec![head, left, eq, value.doc()]);
    }
    let v = shared(value.doc());
    let left = shared(left);
    let mut variants = vec![concat(vec![left.clone(), eq.clone(), v.clone()])];
    if value.is_call_like() {
        variants.push(concat(vec![
            left.clone(),
            eq.clone(),
            group_expanded(v.clone()),
        ]));
    }
    variants.push(concat(vec![
        left.clone(),
        text(" = ("),
        block_indent(v.clone()),
        text(")"),
    ]));
    variants.push(concat(vec![left, eq, v]));
    concat(vec![
        head,
        Doc::BestFit {
            variants,
            all_lines: false,
        },
    ])
}

/// `target = value`
pub fn assign(level: usize, target: &str, value: &Expr) -> String {
    if let Some(line) = one_line(level, |out| {
        out.push_str(target);
        out.push_str(" = ");
        value.write_flat(out);
    }) {
        return line;
    }
    print(&last_expression(value, text(format!("{target} = "))), level)
}

/// `return value`
pub fn return_stmt(level: usize, value: &Expr) -> String {
    if let Some(line) = one_line(level, |out| {
        out.push_str("return ");
        value.write_flat(out);
    }) {
        return line;
    }
    if let Some(lines) = split_call(level, "return ", value) {
        return lines;
    }
    return_stmt_doc(level, value)
}

fn return_stmt_doc(level: usize, value: &Expr) -> String {
    print(&last_expression(value, text("return ")), level)
}

/// A statement `prefix[await ]callee(args)` that does not fit on one line, written
/// directly in the layouts the document gives it when its first line fits: the arguments
/// on one indented line, or else one per line with a trailing comma, each flat (the typed
/// methods' bodies). `None` for anything else.
fn split_call(level: usize, prefix: &str, value: &Expr) -> Option<String> {
    let (awaited, call) = match value {
        Expr::Await(inner) => (true, inner.as_ref()),
        other => (false, other),
    };
    let Expr::Call(callee, args) = call else {
        return None;
    };
    if args.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(256);
    push_call_head(&mut out, level, prefix, awaited, callee);
    if !fits_on_one_line(&out) {
        return None;
    }
    push_split_args(out, level, args.len(), |i, out| args[i].write_flat(out))
}

/// `prefix[await ]callee(`, indented to `level`: the first line of a call statement.
fn push_call_head(out: &mut String, level: usize, prefix: &str, awaited: bool, callee: &str) {
    push_indent(out, level);
    out.push_str(prefix);
    if awaited {
        out.push_str("await ");
    }
    out.push_str(callee);
    out.push('(');
}

/// Ends a call whose first line (`...callee(`) is written and fits: its `n` arguments
/// (`write_arg` writes the i-th, flat) on one indented line, or else one per line with a
/// trailing comma, then `)` on a line of its own. `None` when an argument's line does not
/// fit.
fn push_split_args(
    mut out: String,
    level: usize,
    n: usize,
    mut write_arg: impl FnMut(usize, &mut String),
) -> Option<String> {
    out.push('\n');
    let start = out.len();
    push_indent(&mut out, level + 1);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        write_arg(i, &mut out);
    }
    if !fits_on_one_line(&out[start..]) {
        out.truncate(start);
        for i in 0..n {
            let line_start = out.len();
            push_indent(&mut out, level + 1);
            write_arg(i, &mut out);
            out.push(',');
            if !fits_on_one_line(&out[line_start..]) {
                return None;
            }
            out.push('\n');
        }
    } else {
        out.push('\n');
    }
    push_indent(&mut out, level);
    out.push(')');
    Some(out)
}

/// The statement `prefix[await ]callee(args)` from its arguments written flat: what
/// [`return_stmt`] (prefix `return `) or [`expr_stmt`] (no prefix) writes for the call, when
/// that is one line or a layout of [`split_call`]. `None` otherwise (then the statement needs
/// the document). A method's async and sync bodies share the written arguments.
pub fn call_stmt_written(
    level: usize,
    prefix: &str,
    awaited: bool,
    callee: &str,
    args: &[&str],
) -> Option<String> {
    let args_len: usize = args.iter().map(|a| a.len() + 2).sum();
    // Room for the split layouts too (an indented line per argument).
    let mut out = String::with_capacity(
        (level + 1) * INDENT_WIDTH * (args.len() + 2) + prefix.len() + callee.len() + args_len + 16,
    );
    push_call_head(&mut out, level, prefix, awaited, callee);
    let head_end = out.len();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(a);
    }
    out.push(')');
    if fits_on_one_line(&out) {
        return Some(out);
    }
    // split_call's layouts.
    if args.is_empty() || !fits_on_one_line(&out[..head_end]) {
        return None;
    }
    out.truncate(head_end);
    push_split_args(out, level, args.len(), |i, out| out.push_str(args[i]))
}

/// [`call_stmt_written`] of the awaited call and of the plain one (in this order), the
/// plain one mostly copied from the awaited one: they differ in their first line only,
/// unless only the plain one fits on one line (the split layouts measure the arguments'
/// lines alone). A method's async and sync bodies.
pub fn call_stmt_pair_written(
    level: usize,
    prefix: &str,
    callee: &str,
    args: &[&str],
) -> (Option<String>, Option<String>) {
    let Some(awaited) = call_stmt_written(level, prefix, true, callee, args) else {
        return (None, call_stmt_written(level, prefix, false, callee, args));
    };
    let head = level * INDENT_WIDTH + prefix.len();
    debug_assert!(awaited[head..].starts_with("await "));
    let plain_one_line_width = level * INDENT_WIDTH
        + width(prefix)
        + width(callee)
        + args.iter().map(|a| width(a) + 2).sum::<usize>()
        + "()".len()
        - if args.is_empty() { 0 } else { 2 };
    let shared = !awaited.contains('\n')
        || plain_one_line_width > LINE_WIDTH
        || args.iter().any(|a| a.contains('\n'));
    if !shared {
        return (
            Some(awaited),
            call_stmt_written(level, prefix, false, callee, args),
        );
    }
    let mut plain = String::with_capacity(awaited.len());
    plain.push_str(&awaited[..head]);
    plain.push_str(&awaited[head + "await ".len()..]);
    (Some(awaited), Some(plain))
}

/// An expression statement (a call or an `await`).
pub fn expr_stmt(level: usize, value: &Expr) -> String {
    if let Some(line) = one_line(level, |out| value.write_flat(out)) {
        return line;
    }
    if let Some(lines) = split_call(level, "", value) {
        return lines;
    }
    expr_stmt_doc(level, value)
}

fn expr_stmt_doc(level: usize, value: &Expr) -> String {
    let doc = match value {
        Expr::Await(inner) => concat(vec![text("await "), inner.doc()]),
        other => other.doc(),
    };
    print(&doc, level)
}

/// A parameter of a function definition.
#[derive(Debug, Clone)]
pub struct Param {
    /// `self`, `*`, `name`.
    pub name: Name,
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
}

impl Param {
    pub fn bare(name: impl Into<Name>) -> Param {
        Param {
            name: name.into(),
            annotation: None,
            default: None,
        }
    }
    pub fn typed(name: impl Into<Name>, annotation: Expr) -> Param {
        Param {
            name: name.into(),
            annotation: Some(annotation),
            default: None,
        }
    }
    pub fn with_default(name: impl Into<Name>, annotation: Expr, default: Expr) -> Param {
        Param {
            name: name.into(),
            annotation: Some(annotation),
            default: Some(default),
        }
    }
    /// The parameter on one line (what [`Param::doc`] prints flat).
    fn write_flat(&self, out: &mut String) {
        out.push_str(&self.name);
        if let Some(a) = &self.annotation {
            out.push_str(": ");
            a.write_flat(out);
        }
        if let Some(d) = &self.default {
            out.push_str(if self.annotation.is_some() {
                " = "
            } else {
                "="
            });
            d.write_flat(out);
        }
    }

    fn doc(&self) -> Doc {
        let mut parts = vec![text(self.name.as_ref())];
        if let Some(a) = &self.annotation {
            parts.push(text(": "));
            parts.push(a.doc());
        }
        if let Some(d) = &self.default {
            parts.push(text(if self.annotation.is_some() {
                " = "
            } else {
                "="
            }));
            parts.push(d.doc());
        }
        concat(parts)
    }
}

/// A parameter list written flat once, with each parameter's width: a header tries up to
/// three layouts (one line, the parameters on one line, one per line), and the client's
/// async and sync versions of a method share their parameter lists, so the layouts copy
/// these pieces instead of writing every parameter again.
#[derive(Debug, Clone, Default)]
pub struct FlatParams {
    text: String,
    /// Per parameter: where its text ends, its width, whether it has a line break.
    items: Vec<(usize, usize, bool)>,
}

impl FlatParams {
    pub fn new(params: &[Param]) -> FlatParams {
        let mut flat = FlatParams {
            text: String::with_capacity(params.len() * 24),
            items: Vec::with_capacity(params.len()),
        };
        for p in params {
            flat.push(p);
        }
        flat
    }

    /// The text, width and line break of parameter `i`.
    fn item(&self, i: usize) -> (&str, usize, bool) {
        let start = if i == 0 { 0 } else { self.items[i - 1].0 };
        let (end, w, breaks) = self.items[i];
        (&self.text[start..end], w, breaks)
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Length of the parameters' texts (without separators).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Room for `n` parameters of `text_len` bytes in all.
    pub fn with_text_capacity(n: usize, text_len: usize) -> FlatParams {
        FlatParams {
            text: String::with_capacity(text_len),
            items: Vec::with_capacity(n),
        }
    }

    /// Room for `n` parameters.
    pub fn with_capacity(n: usize) -> FlatParams {
        FlatParams {
            text: String::with_capacity(n * 24),
            items: Vec::with_capacity(n),
        }
    }

    /// Appends parameter `p`.
    pub fn push(&mut self, p: &Param) {
        self.push_written(|out| p.write_flat(out));
    }

    /// Appends a parameter written flat by `write` (what [`Param::write_flat`] writes).
    pub fn push_written(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        let s = &self.text[start..];
        self.items
            .push((self.text.len(), width(s), s.contains('\n')));
    }

    /// Appends a parameter already written flat.
    pub fn push_text(&mut self, text: &str) {
        self.push_written(|out| out.push_str(text));
    }

    /// Appends the parameters of `other`.
    pub fn extend(&mut self, other: &FlatParams) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.items
            .extend(other.items.iter().map(|&(end, w, b)| (base + end, w, b)));
    }

    /// Width of the parameters joined by `, `.
    fn joined_width(&self) -> usize {
        let n = self.items.len();
        self.items.iter().map(|i| i.1).sum::<usize>() + 2 * n.saturating_sub(1)
    }

    fn breaks(&self) -> bool {
        self.items.iter().any(|i| i.2)
    }

    /// Appends the parameters joined by `, ` (what a one-line header writes between its
    /// brackets).
    pub fn write_joined(&self, out: &mut String) {
        for i in 0..self.items.len() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(self.item(i).0);
        }
    }
}

/// The header line(s) of a function definition, ending with `:` (or `: ...` for a stub).
pub fn def_header(
    level: usize,
    is_async: bool,
    name: &str,
    params: &[Param],
    returns: Option<&Expr>,
    stub: bool,
) -> String {
    let flat = FlatParams::new(params);
    let returns_flat = returns.map(Expr::flat);
    let mut out = String::with_capacity(flat.text.len() + 64);
    def_header_into(
        &mut out,
        level,
        is_async,
        name,
        params,
        &flat,
        returns.zip(returns_flat.as_deref()),
        stub,
    );
    out
}

/// [`def_header`] appended to `out`, for parameters already written flat (`flat` is
/// `FlatParams::new(params)`) and a return annotation with its flat text.
#[allow(clippy::too_many_arguments)]
pub fn def_header_into(
    out: &mut String,
    level: usize,
    is_async: bool,
    name: &str,
    params: &[Param],
    flat: &FlatParams,
    returns: Option<(&Expr, &str)>,
    stub: bool,
) {
    debug_assert_eq!(params.len(), flat.items.len());
    let sync_width = one_line_header_width(
        level,
        "def ",
        name,
        flat,
        returns.map(|(_, text)| text),
        stub,
    );
    def_header_layout_into(
        out,
        level,
        is_async,
        name,
        &|i| params[i].clone(),
        flat,
        returns,
        stub,
        sync_width,
    );
}

/// How [`def_header_layout_into`] wrote a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderLayout {
    OneLine,
    /// [`def_header_split`]'s layouts.
    Split,
    /// Through the layout document.
    Document,
}

/// The width of the header on one line, `None` when some part of it has a line break.
fn one_line_header_width(
    level: usize,
    kw: &str,
    name: &str,
    flat: &FlatParams,
    returns: Option<&str>,
    stub: bool,
) -> Option<usize> {
    let suffix = if stub { ": ..." } else { ":" };
    if returns.is_some_and(|text| text.contains('\n')) || flat.breaks() || name.contains('\n') {
        return None;
    }
    Some(
        level * INDENT_WIDTH
            + width(kw)
            + width(name)
            + flat.joined_width()
            + "()".len()
            + returns.map_or(0, |text| " -> ".len() + width(text))
            + suffix.len(),
    )
}

/// [`def_header_into`] for parameters built by `param` (the i-th) only when a layout needs
/// their documents (a parameter or the closing line too long for its line; the parameters
/// are those `flat` was written from), saying which layout it took. `sync_width`: the
/// [`one_line_header_width`] of the `def` header.
#[allow(clippy::too_many_arguments)]
fn def_header_layout_into(
    out: &mut String,
    level: usize,
    is_async: bool,
    name: &str,
    param: &dyn Fn(usize) -> Param,
    flat: &FlatParams,
    returns: Option<(&Expr, &str)>,
    stub: bool,
    sync_width: Option<usize>,
) -> HeaderLayout {
    let kw = if is_async { "async def " } else { "def " };
    let suffix = if stub { ": ..." } else { ":" };
    let returns_text = returns.map(|(_, text)| text);
    let extra = width(kw) - width("def ");
    if sync_width.is_some_and(|w| w + extra <= LINE_WIDTH) {
        push_indent(out, level);
        out.push_str(kw);
        out.push_str(name);
        out.push('(');
        flat.write_joined(out);
        out.push(')');
        if let Some(text) = returns_text {
            out.push_str(" -> ");
            out.push_str(text);
        }
        out.push_str(suffix);
        return HeaderLayout::OneLine;
    }
    if def_header_split(out, level, kw, name, param, flat, returns, stub) {
        return HeaderLayout::Split;
    }
    let returns = returns.map(|(e, _)| e);
    let params: Vec<Param> = (0..flat.len()).map(param).collect();
    out.push_str(&def_header_doc(level, kw, name, &params, returns, stub));
    HeaderLayout::Document
}

/// The `async def` header (appended to `out`) and the `def` header (appended to
/// `sync_out`) of the same function, each what [`def_header_into`] writes. The two differ
/// in their first line only, unless only the shorter `def` header fits on one line (the
/// direct layouts put the parameters and the return annotation on lines of their own), so
/// the sync header is mostly copied from the async one: the Python client writes every
/// method in both versions. The parameters are built by `param` only when a layout needs
/// their documents (see [`def_header_layout_into`]).
#[allow(clippy::too_many_arguments)]
pub fn def_header_pair_into(
    out: &mut String,
    sync_out: &mut String,
    level: usize,
    name: &str,
    param: &dyn Fn(usize) -> Param,
    flat: &FlatParams,
    returns: Option<(&Expr, &str)>,
    stub: bool,
) {
    let start = out.len();
    let sync_width = one_line_header_width(
        level,
        "def ",
        name,
        flat,
        returns.map(|(_, text)| text),
        stub,
    );
    let layout = def_header_layout_into(
        out, level, true, name, param, flat, returns, stub, sync_width,
    );
    let shared = match layout {
        HeaderLayout::OneLine => true,
        HeaderLayout::Split => sync_width.is_none_or(|w| w > LINE_WIDTH),
        HeaderLayout::Document => false,
    };
    if shared {
        let after_kw = start + level * INDENT_WIDTH + "async def ".len();
        debug_assert!(out[start + level * INDENT_WIDTH..].starts_with("async def "));
        push_indent(sync_out, level);
        sync_out.push_str("def ");
        sync_out.push_str(&out[after_kw..]);
    } else {
        def_header_layout_into(
            sync_out, level, false, name, param, flat, returns, stub, sync_width,
        );
    }
}

/// The common layouts of a header that does not fit on one line, written directly (what
/// [`def_header_doc`] prints for them, without building and measuring the document; the
/// Python client has three headers per method, most of them split): the parameters on
/// one indented line, or else one per line with a trailing comma, each flat, and the
/// closing `) -> annotation:` flat. Writes nothing and returns false when the closing
/// line would not fit: the document decides then.
#[allow(clippy::too_many_arguments)]
fn def_header_split(
    out: &mut String,
    level: usize,
    kw: &str,
    name: &str,
    param: &dyn Fn(usize) -> Param,
    flat: &FlatParams,
    returns: Option<(&Expr, &str)>,
    stub: bool,
) -> bool {
    if flat.is_empty() {
        return false;
    }
    let suffix = if stub { ": ..." } else { ":" };
    let close_width = level * INDENT_WIDTH
        + ")".len()
        + returns.map_or(0, |(_, text)| " -> ".len() + width(text))
        + suffix.len();
    if returns.is_some_and(|(_, text)| text.contains('\n')) || close_width > LINE_WIDTH {
        return false;
    }
    push_indent(out, level);
    out.push_str(kw);
    out.push_str(name);
    out.push_str("(\n");
    let inner = (level + 1) * INDENT_WIDTH;
    // With one parameter the list is no group of its own: it breaks with the brackets.
    if flat.len() > 1 && !flat.breaks() && inner + flat.joined_width() <= LINE_WIDTH {
        push_indent(out, level + 1);
        flat.write_joined(out);
        out.push('\n');
    } else {
        for i in 0..flat.len() {
            let (text_i, w, breaks) = flat.item(i);
            if breaks || inner + w + ",".len() > LINE_WIDTH {
                // This parameter splits: it gets the layout the document gives it. Each
                // item of the expanded list starts on a fresh line and is measured up to
                // its comma (the line break after it ends every measurement), so its own
                // document with the comma prints the same lines.
                let p = param(i);
                match long_param_written(level + 1, &p) {
                    Some(lines) => out.push_str(&lines),
                    None => {
                        out.push_str(&print(&concat(vec![p.doc(), text(",")]), level + 1));
                    }
                }
            } else {
                push_indent(out, level + 1);
                out.push_str(text_i);
                out.push(',');
            }
            out.push('\n');
        }
    }
    push_indent(out, level);
    out.push(')');
    if let Some((_, text)) = returns {
        out.push_str(" -> ");
        out.push_str(text);
    }
    out.push_str(suffix);
    true
}

/// A parameter and its comma on lines of their own at `level`, as the document prints it
/// (`print(concat(p.doc(), ","))`), written directly for the common long parameters: an
/// annotation that is a subscript (`Annotated[...]`) or a union whose items are atoms and
/// subscripts (`Annotated[...] | None`), each subscript either flat or with its brackets
/// broken around a slice that fits on one line; a default that is an atom. `None` for
/// anything else (then the document decides).
fn long_param_written(level: usize, p: &Param) -> Option<String> {
    let ann = p.annotation.as_ref()?;
    let mut tail = String::new();
    if let Some(default) = &p.default {
        let Expr::Atom(d) = default else {
            return None;
        };
        tail.push_str(" = ");
        tail.push_str(d);
    }
    tail.push(',');
    if tail.contains('\n') || p.name.contains('\n') {
        return None;
    }
    let mut out = String::with_capacity(256);
    push_indent(&mut out, level);
    out.push_str(&p.name);
    out.push_str(": ");
    // The whole parameter flat, when it fits (then every group stays flat).
    let flat_start = out.len();
    ann.write_flat(&mut out);
    out.push_str(&tail);
    if fits_on_one_line(&out) {
        return Some(out);
    }
    out.truncate(flat_start);
    match ann {
        Expr::Subscript(value, items) => {
            subscript_written(&mut out, level, value, items, &tail)?;
        }
        Expr::Or(items) => {
            // The union's group breaks: its items one per line after the first, each
            // after `| `, at the parameter's indentation.
            let mut line_start = 0;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    line_start = out.len();
                    push_indent(&mut out, level);
                    out.push_str("| ");
                }
                let rest = if i + 1 == items.len() {
                    tail.as_str()
                } else {
                    ""
                };
                let item_start = out.len();
                item.write_flat(&mut out);
                out.push_str(rest);
                if matches!(item, Expr::Atom(_)) || fits_on_one_line(&out[line_start..]) {
                    if out[item_start..].contains('\n') {
                        return None;
                    }
                    continue;
                }
                out.truncate(item_start);
                let Expr::Subscript(value, slice) = item else {
                    return None;
                };
                subscript_written(&mut out, level, value, slice, rest)?;
            }
        }
        _ => return None,
    }
    Some(out)
}

/// Appends `value[slice]` followed by `rest` with its brackets broken (the subscript does
/// not fit on its line): the slice on one line at `level + 1`,
/// when it fits there, and the closing bracket at `level`. `None` when the slice does not
/// fit on its line.
fn subscript_written(
    out: &mut String,
    level: usize,
    value: &str,
    items: &[Expr],
    rest: &str,
) -> Option<()> {
    out.push_str(value);
    out.push_str("[\n");
    let slice_start = out.len();
    push_indent(out, level + 1);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.write_flat(out);
    }
    if !fits_on_one_line(&out[slice_start..]) {
        return None;
    }
    out.push('\n');
    push_indent(out, level);
    out.push(']');
    out.push_str(rest);
    Some(())
}

/// Appends the indentation of `level` (copied from a run of spaces: pushed one space at
/// a time it was a tenth of a method header's cost).
fn push_indent(out: &mut String, level: usize) {
    const SPACES: &str = "                                ";
    let mut n = level * INDENT_WIDTH;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// [`def_header`] through the layout document (any header).
fn def_header_doc(
    level: usize,
    kw: &str,
    name: &str,
    params: &[Param],
    returns: Option<&Expr>,
    stub: bool,
) -> String {
    // Like ruff: the parentheses of the parameters belong to one group with the return
    // annotation, so the parameters split before the annotation does.
    let items: Vec<Doc> = params.iter().map(Param::doc).collect();
    let n = items.len();
    let mut list = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        list.push(item);
        if i + 1 < n {
            list.push(text(","));
            list.push(soft_or_space());
        }
    }
    list.push(if_breaks(text(",")));
    let list = if n > 1 {
        group(concat(list))
    } else {
        concat(list)
    };
    let mut inner = vec![text("("), soft_block_indent(list), text(")")];
    if let Some(r) = returns {
        inner.push(text(" -> "));
        inner.push(match r {
            Expr::Or(_) => parenthesize_if_expands(r.doc()),
            Expr::Subscript(..) => r.doc(),
            _ => best_fit_parenthesize(r.doc()),
        });
    }
    let doc = concat(vec![
        text(format!("{kw}{name}")),
        group(concat(inner)),
        text(if stub { ": ..." } else { ":" }),
    ]);
    print(&doc, level)
}

/// `class Name(bases):`
pub fn class_header(level: usize, name: &str, bases: &[Expr]) -> String {
    if let Some(line) = one_line(level, |out| {
        out.push_str("class ");
        out.push_str(name);
        if !bases.is_empty() {
            out.push('(');
            for (i, b) in bases.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                b.write_flat(out);
            }
            out.push(')');
        }
        out.push(':');
    }) {
        return line;
    }
    let doc = if bases.is_empty() {
        text(format!("class {name}:"))
    } else {
        concat(vec![
            text(format!("class {name}")),
            arguments("(", bases.iter().map(Expr::doc).collect(), ")"),
            text(":"),
        ])
    };
    print(&doc, level)
}

/// `from module import a, b` (parenthesized one per line when too long).
pub fn import_from(module: &str, names: &[String]) -> String {
    if let Some(line) = one_line(0, |out| {
        out.push_str("from ");
        out.push_str(module);
        out.push_str(" import ");
        out.push_str(&names.join(", "));
    }) {
        return line;
    }
    if names.len() > 1 && !names.iter().any(|n| n.contains('\n')) {
        // The document's layout, written directly: its one group breaks, so every name
        // goes on a line of its own, with a trailing comma (client.py imports thousands of
        // models).
        let mut out = String::with_capacity(
            module.len() + 16 + names.iter().map(|n| n.len() + 6).sum::<usize>(),
        );
        out.push_str("from ");
        out.push_str(module);
        out.push_str(" import (\n");
        for n in names {
            push_indent(&mut out, 1);
            out.push_str(n);
            out.push_str(",\n");
        }
        out.push(')');
        return out;
    }
    import_from_doc(module, names)
}

/// [`import_from`] through the layout document.
fn import_from_doc(module: &str, names: &[String]) -> String {
    let items: Vec<Doc> = names.iter().map(|n| text(n.clone())).collect();
    let doc = concat(vec![
        text(format!("from {module} import ")),
        group(concat(vec![
            if_breaks(text("(")),
            indent(concat(vec![soft(), comma_list(items, true)])),
            soft(),
            if_breaks(text(")")),
        ])),
    ]);
    print(&doc, 0)
}

// ---------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------

/// Characters kept as they are inside string literals: printable ASCII and the Latin,
/// Greek and Cyrillic letters ruff measures as one column. Everything else is escaped, so
/// the width of a literal is its character count and no invisible or line-breaking
/// character ends up in the source.
fn keep_in_literal(c: char) -> bool {
    matches!(
        c,
        ' '..='~'
            | '\u{a0}'..='\u{ac}'
            | '\u{ae}'..='\u{2ff}'
            | '\u{370}'..='\u{377}'
            | '\u{37a}'..='\u{37f}'
            | '\u{384}'..='\u{38a}'
            | '\u{38c}'
            | '\u{38e}'..='\u{3a1}'
            | '\u{3a3}'..='\u{482}'
            | '\u{48a}'..='\u{52f}'
    )
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if keep_in_literal(c) => out.push(c),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// A Python string literal for `s`, with the quotes ruff prefers (double, unless the text
/// holds more double than single quotes).
pub fn string_literal(s: &str) -> String {
    // Most literals (wire names, constants) are printable ASCII without quotes or
    // backslashes: kept as they are, in double quotes.
    if s.bytes()
        .all(|b| matches!(b, b' '..=b'~') && !matches!(b, b'"' | b'\'' | b'\\'))
    {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    string_literal_general(s)
}

/// [`string_literal`] character by character.
fn string_literal_general(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        if c == quote {
            out.push('\\');
            out.push(c);
        } else {
            escape_char(c, &mut out);
        }
    }
    out.push(quote);
    out
}

/// A bytes literal holding the UTF-8 encoding of `s`.
pub fn bytes_literal(s: &str) -> String {
    let bytes = s.as_bytes();
    let doubles = bytes.iter().filter(|b| **b == b'"').count();
    let singles = bytes.iter().filter(|b| **b == b'\'').count();
    let quote = if doubles > singles { b'\'' } else { b'"' };
    let mut out = String::from("b");
    out.push(quote as char);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            b' '..=b'~' => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// A JSON number as a Python literal, normalized as ruff does (lowercase exponent without
/// `+`). `float`: make an integer-looking number a float literal.
pub fn number_literal(json: &str, float: bool) -> String {
    let mut s = json.to_ascii_lowercase().replace("e+", "e");
    if float && !s.contains(['.', 'e']) {
        s.push_str(".0");
    }
    s
}

/// The lines of a docstring at `level`, normalized as ruff normalizes docstrings: first line
/// right after the quotes, common indentation of the other lines removed, no trailing
/// whitespace, closing quotes on their own line when there are several lines. Backslashes,
/// `"""` and control characters are escaped so the text cannot end or alter the literal.
pub fn docstring(text: &str, level: usize) -> Option<String> {
    // The common case, one line of printable ASCII without quotes or backslashes, needs
    // no normalization: only the spaces and newlines around it go (other whitespace may
    // be escaped below, so it takes the general path).
    let trimmed = text.trim_matches([' ', '\n']);
    if trimmed.is_empty() {
        // Nothing to document (most fields): what the general path finds too.
        return None;
    }
    if trimmed
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        let mut out = String::with_capacity(level * INDENT_WIDTH + trimmed.len() + 6);
        push_indent(&mut out, level);
        out.push_str("\"\"\"");
        out.push_str(trimmed);
        out.push_str("\"\"\"");
        return Some(out);
    }
    if text
        .bytes()
        .all(|b| b == b'\n' || ((b' '..=b'~').contains(&b) && b != b'"' && b != b'\\'))
    {
        return docstring_lines(text, level);
    }
    docstring_general(text, level)
}

/// [`docstring_general`] for lines of printable ASCII without quotes or backslashes (the
/// docs of most fields: paragraphs and examples): nothing to normalize or escape, so the
/// lines stay slices of `text`.
fn docstring_lines(text: &str, level: usize) -> Option<String> {
    let mut lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty())?;
    let last = lines.iter().rposition(|l| !l.is_empty())?;
    lines.truncate(last + 1);
    let lines = &mut lines[first..];
    lines[0] = lines[0].trim_start();
    let common = lines[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let pad = level * INDENT_WIDTH;
    let mut out = String::with_capacity(text.len() + (pad + 1) * (lines.len() + 1) + 6);
    push_indent(&mut out, level);
    out.push_str("\"\"\"");
    out.push_str(lines[0]);
    if lines.len() == 1 {
        out.push_str("\"\"\"");
        return Some(out);
    }
    for line in &lines[1..] {
        out.push('\n');
        if !line.is_empty() {
            push_indent(&mut out, level);
            out.push_str(&line[common..]);
        }
    }
    out.push('\n');
    push_indent(&mut out, level);
    out.push_str("\"\"\"");
    Some(out)
}

/// [`docstring`] for any text.
fn docstring_general(text: &str, level: usize) -> Option<String> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = normalized
        .split('\n')
        .map(|line| {
            let expanded = expand_leading_tabs(line);
            let mut out = String::new();
            let mut quotes = 0;
            for c in expanded.chars() {
                if c == '"' {
                    quotes += 1;
                    if quotes == 3 {
                        out.push_str("\\\"");
                        quotes = 0;
                        continue;
                    }
                    out.push('"');
                    continue;
                }
                quotes = 0;
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    c if c.is_control() || is_invisible(c) => escape_char(c, &mut out),
                    c => out.push(c),
                }
            }
            out.trim_end().to_string()
        })
        .collect();
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return None;
    }
    lines[0] = lines[0].trim_start().to_string();
    let common = lines[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let pad = " ".repeat(level * INDENT_WIDTH);
    let mut out = String::new();
    out.push_str(&pad);
    out.push_str("\"\"\"");
    if lines[0].starts_with('"') {
        out.push(' ');
    }
    out.push_str(&lines[0]);
    if lines.len() == 1 {
        if lines[0].ends_with('"') {
            out.push(' ');
        }
        out.push_str("\"\"\"");
        return Some(out);
    }
    for line in &lines[1..] {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(&line[common..]);
        }
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str("\"\"\"");
    Some(out)
}

/// Invisible formatting characters (bidirectional overrides, zero-width characters, line
/// separators): escaped in docstrings so the source shows what the text holds (ruff's
/// PLE2502 refuses bidirectional controls).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{85}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

fn expand_leading_tabs(line: &str) -> String {
    let mut col = 0;
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' => {
                col += 1;
                out.push(' ');
            }
            '\t' => {
                let next = (col / 8 + 1) * 8;
                out.push_str(&" ".repeat(next - col));
                col = next;
            }
            _ => break,
        }
        chars.next();
    }
    out.extend(chars);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: usize) -> Expr {
        Expr::atom(format!("T{}", "x".repeat(n)))
    }

    #[test]
    fn short_statements_stay_flat() {
        assert_eq!(ann_assign(1, "x", &Expr::atom("int"), None), "    x: int");
        let v = Expr::call("Field", vec![Arg::kw("alias", Expr::atom("\"a\""))]);
        assert_eq!(
            ann_assign(0, "x", &Expr::atom("int"), Some(&v)),
            "x: int = Field(alias=\"a\")"
        );
    }

    #[test]
    fn long_union_hint_is_parenthesized() {
        let ann = Expr::or(vec![name(30), name(30), Expr::atom("None")]);
        let got = ann_assign(1, "some_field_name", &ann, Some(&Expr::atom("None")));
        assert_eq!(
            got,
            format!(
                "    some_field_name: (\n        T{x} | T{x} | None\n    ) = None",
                x = "x".repeat(30)
            )
        );
    }

    #[test]
    fn call_breaks_after_open_paren() {
        let args = vec![
            Arg::kw("default", Expr::atom("None")),
            Arg::kw("alias", Expr::atom(string_literal("someFieldNameHere"))),
        ];
        let got = ann_assign(
            1,
            "some_field_name_here",
            &Expr::or(vec![name(19), name(22)]),
            Some(&Expr::call("Field", args)),
        );
        assert_eq!(
            got,
            format!(
                "    some_field_name_here: T{} | T{} = Field(\n        default=None, alias=\"someFieldNameHere\"\n    )",
                "x".repeat(19),
                "x".repeat(22)
            )
        );
    }

    #[test]
    fn literals() {
        assert_eq!(string_literal("a\"b"), "'a\"b'");
        assert_eq!(string_literal("a\"b'c"), "\"a\\\"b'c\"");
        assert_eq!(
            string_literal("x\u{2028}\u{1F600}\u{7}é"),
            "\"x\\u2028\\U0001f600\\x07é\""
        );
        assert_eq!(number_literal("1.0E+10", false), "1.0e10");
        assert_eq!(number_literal("2", true), "2.0");
        assert_eq!(bytes_literal("é\""), "b'\\xc3\\xa9\"'");
    }

    #[test]
    fn docstrings() {
        assert_eq!(
            docstring("  Say \"hi\"  ", 1).unwrap(),
            "    \"\"\"Say \"hi\" \"\"\""
        );
        assert_eq!(
            docstring("Sum.\n\n    code\n      more\n", 0).unwrap(),
            "\"\"\"Sum.\n\ncode\n  more\n\"\"\""
        );
        assert_eq!(
            docstring("a\"\"\"b\\", 0).unwrap(),
            "\"\"\"a\"\"\\\"b\\\\\"\"\""
        );
        assert!(docstring(" \n ", 0).is_none());
    }

    // -----------------------------------------------------------------------------------
    // Differential test against the real ruff (pinned in tests/python/requirements.txt).
    // Run with: cargo test --lib python::fmt -- --ignored
    // -----------------------------------------------------------------------------------

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn rand_name(r: &mut Rng, max: usize) -> String {
        let len = 1 + r.below(max);
        let mut s = String::from("T");
        for i in 0..len {
            s.push((b'a' + ((i + r.below(26)) % 26) as u8) as char);
        }
        s
    }

    /// `self` and up to `max - 1` random parameters (typed, with defaults, `/`, `*`).
    fn rand_params(r: &mut Rng, max: usize) -> Vec<Param> {
        let mut params = vec![Param::bare("self")];
        for _ in 0..r.below(max) {
            let name = rand_name(r, 12).to_lowercase();
            params.push(match r.below(4) {
                0 => Param::typed(name.clone(), rand_type(r, 0)),
                1 => Param::with_default(name.clone(), rand_type(r, 0), rand_value(r)),
                2 => Param::bare(["/", "*"][r.below(2)]),
                _ => Param::with_default(name.clone(), rand_type(r, 1), Expr::atom("...")),
            });
        }
        params
    }

    fn rand_type(r: &mut Rng, depth: usize) -> Expr {
        let k = if depth > 2 { 0 } else { r.below(7) };
        match k {
            0 | 1 => Expr::atom(rand_name(r, 30)),
            2 => Expr::sub("list", vec![rand_type(r, depth + 1)]),
            3 => Expr::sub("dict", vec![Expr::atom("str"), rand_type(r, depth + 1)]),
            4 => {
                let n = 2 + r.below(4);
                Expr::or((0..n).map(|_| rand_type(r, depth + 1)).collect())
            }
            5 => {
                let n = 1 + r.below(5);
                Expr::sub(
                    "Literal",
                    (0..n)
                        .map(|_| Expr::atom(string_literal(&rand_name(r, 20))))
                        .collect(),
                )
            }
            _ => {
                let n = 2 + r.below(3);
                Expr::sub(
                    "Annotated",
                    vec![
                        Expr::or((0..n).map(|_| Expr::atom(rand_name(r, 25))).collect()),
                        Expr::call(
                            "Field",
                            vec![Arg::kw("discriminator", Expr::atom(string_literal("kind")))],
                        ),
                    ],
                )
            }
        }
    }

    fn rand_value(r: &mut Rng) -> Expr {
        match r.below(7) {
            0 => Expr::atom("None"),
            1 => Expr::atom(string_literal(&"v".repeat(r.below(90)))),
            2 => Expr::atom(format!(
                "{}.{}",
                rand_name(r, 20),
                rand_name(r, 30).to_uppercase()
            )),
            3 => {
                let mut args = vec![];
                for _ in 0..r.below(4) {
                    let v = match r.below(4) {
                        0 => Expr::atom(string_literal(&rand_name(r, 40))),
                        1 => Expr::atom("None"),
                        2 => Expr::Lambda(Box::new(Expr::List(
                            (0..r.below(12))
                                .map(|i| Expr::atom(format!("{i}.0")))
                                .collect(),
                        ))),
                        _ => Expr::Lambda(Box::new(Expr::call(
                            format!("{}.model_validate", rand_name(r, 20)),
                            vec![Arg::pos(Expr::Dict(
                                (0..r.below(4))
                                    .map(|_| {
                                        (
                                            Expr::atom(string_literal(&rand_name(r, 25))),
                                            Expr::atom("1"),
                                        )
                                    })
                                    .collect(),
                            ))],
                        ))),
                    };
                    let kw = ["default", "alias", "default_factory", "pattern"][r.below(4)];
                    args.push(Arg::kw(kw, v));
                }
                Expr::call("Field", args)
            }
            4 => Expr::Tuple(vec![
                Expr::atom("1"),
                Expr::atom(string_literal(&rand_name(r, 10))),
            ]),
            5 if r.below(2) == 0 => Expr::call(
                "Field",
                vec![Arg::kw(
                    "default_factory",
                    Expr::Lambda(Box::new(Expr::Method(
                        Box::new(Expr::call("TypeAdapter", vec![Arg::pos(rand_type(r, 1))])),
                        "validate_python".to_string(),
                        vec![Arg::pos(Expr::List(
                            (0..r.below(5))
                                .map(|_| Expr::atom(string_literal(&rand_name(r, 20))))
                                .collect(),
                        ))],
                    ))),
                )],
            ),
            5 => Expr::Set(
                (0..r.below(8))
                    .map(|i| Expr::atom(format!("{i}")))
                    .collect(),
            ),
            _ => Expr::atom(format!("{}", r.below(1000))),
        }
    }

    fn rand_statement(r: &mut Rng) -> (usize, String) {
        let level = r.below(2);
        let s = match r.below(8) {
            0..=3 => {
                let target = rand_name(r, 40).to_lowercase();
                let ann = rand_type(r, 0);
                let value = if r.below(3) == 0 {
                    None
                } else {
                    Some(rand_value(r))
                };
                ann_assign(level, &target, &ann, value.as_ref())
            }
            4 => assign(level, &rand_name(r, 30).to_uppercase(), &{
                match r.below(3) {
                    0 => rand_value(r),
                    1 => Expr::call("TypeAdapter", vec![Arg::pos(rand_type(r, 0))]),
                    _ => rand_type(r, 0),
                }
            }),
            5 => {
                let params = vec![
                    Param::bare("self"),
                    Param::typed("params", Expr::atom(rand_name(r, 40))),
                    Param::bare("*"),
                    Param::with_default(
                        "timeout",
                        Expr::or(vec![Expr::atom("float"), Expr::atom("None")]),
                        Expr::atom("None"),
                    ),
                ];
                let ret = rand_type(r, 1);
                let name = rand_name(r, 40).to_lowercase();
                let stub = r.below(2) == 0;
                let mut s = def_header(level, r.below(2) == 0, &name, &params, Some(&ret), stub);
                if !stub {
                    s.push('\n');
                    s.push_str(&"    ".repeat(level + 1));
                    s.push_str("pass");
                }
                s
            }
            6 => {
                let call = Expr::call(
                    "self._rt.call",
                    vec![
                        Arg::pos(Expr::atom(string_literal(&rand_name(r, 40)))),
                        Arg::pos(Expr::atom("params")),
                        Arg::pos(Expr::atom(format!("{}.model_validate", rand_name(r, 40)))),
                        Arg::pos(Expr::atom("timeout")),
                    ],
                );
                return_stmt(level, &Expr::Await(Box::new(call)))
            }
            7 if r.below(3) == 0 => {
                let name = rand_name(r, 60);
                let bases: Vec<Expr> = (0..r.below(3))
                    .map(|_| Expr::atom(rand_name(r, 30)))
                    .collect();
                return (0, format!("{}\n    pass", class_header(0, &name, &bases)));
            }
            7 if r.below(2) == 0 => {
                let call = Expr::call(
                    "warnings.warn",
                    vec![
                        Arg::pos(Expr::atom(string_literal(&rand_name(r, 70)))),
                        Arg::pos(Expr::atom("DeprecationWarning")),
                        Arg::kw("stacklevel", Expr::atom("2")),
                    ],
                );
                expr_stmt(level, &call)
            }
            _ => {
                let names: Vec<String> = (0..r.below(10) + 1).map(|_| rand_name(r, 15)).collect();
                return (0, import_from("typing", &names));
            }
        };
        (level, s)
    }

    /// The plain-ASCII fast path of string literals writes what the general path writes.
    #[test]
    fn plain_string_literals_match_the_general_path() {
        let mut r = Rng(0x5717_1175_0000_0001);
        let alphabet = [
            'a', 'Z', '0', ' ', '~', '.', '"', '\'', '\\', '\n', '\u{7f}', 'é', '\u{1}',
        ];
        let mut plain = 0;
        for _ in 0..20_000 {
            let s: String = (0..r.below(12))
                .map(|_| {
                    // Mostly plain characters, so that many texts take the fast path.
                    if r.below(4) == 0 {
                        alphabet[r.below(alphabet.len())]
                    } else {
                        alphabet[r.below(6)]
                    }
                })
                .collect();
            let fast = string_literal(&s);
            assert_eq!(fast, string_literal_general(&s), "{s:?}");
            if fast.len() == s.len() + 2 {
                plain += 1;
            }
        }
        assert!(plain > 2_000, "{plain}");
    }

    /// The direct layouts of split calls are the document's.
    #[test]
    fn split_calls_match_the_document() {
        let mut r = Rng(0x0dd_ba11_cafe_f00d);
        let mut split = 0;
        for _ in 0..20_000 {
            let level = r.below(4);
            let args: Vec<Arg> = (0..1 + r.below(6))
                .map(|_| match r.below(4) {
                    0 => Arg::pos(Expr::atom(string_literal(&rand_name(&mut r, 40)))),
                    1 => Arg::pos(Expr::call(
                        "params_of",
                        vec![
                            Arg::pos(rand_type(&mut r, 1)),
                            Arg::pos(Expr::atom("params")),
                        ],
                    )),
                    2 => Arg::kw("stacklevel", rand_value(&mut r)),
                    _ => Arg::pos(rand_type(&mut r, 0)),
                })
                .collect();
            let long_name = rand_name(&mut r, 60);
            let callee = ["self._rt.call", "warnings.warn", &long_name][r.below(3)];
            let call = Expr::call(callee.to_string(), args);
            let value = if r.below(2) == 0 {
                Expr::Await(Box::new(call))
            } else {
                call
            };
            let returned = return_stmt(level, &value);
            assert_eq!(returned, return_stmt_doc(level, &value), "{value:?}");
            let statement = expr_stmt(level, &value);
            assert_eq!(statement, expr_stmt_doc(level, &value), "{value:?}");
            // The same statements from the arguments written flat.
            let (awaited, Expr::Call(callee, args)) = (match &value {
                Expr::Await(inner) => (true, inner.as_ref()),
                other => (false, other),
            }) else {
                unreachable!()
            };
            let written: Vec<String> = args
                .iter()
                .map(|a| {
                    let mut s = String::new();
                    a.write_flat(&mut s);
                    s
                })
                .collect();
            let written: Vec<&str> = written.iter().map(String::as_str).collect();
            for (prefix, whole) in [("return ", &returned), ("", &statement)] {
                let direct = call_stmt_written(level, prefix, awaited, callee, &written);
                let expected = one_line(level, |out| {
                    out.push_str(prefix);
                    value.write_flat(out);
                })
                .or_else(|| split_call(level, prefix, &value));
                assert_eq!(direct, expected, "{value:?}");
                if let Some(direct) = direct {
                    assert_eq!(&direct, whole, "{value:?}");
                }
            }
            if returned.contains('\n') && split_call(level, "return ", &value).is_some() {
                split += 1;
            }
        }
        assert!(split > 2_000, "{split}");
    }

    /// Long annotated assignments laid out through the shared layouts are the document's,
    /// for the statement itself and for one with another target of the same width.
    #[test]
    fn long_ann_assign_layouts_match_the_document() {
        let mut r = Rng(0x1a7e_0075_0000_0005);
        let mut layouts = AnnAssignLayouts::default();
        let mut long = 0;
        for _ in 0..5_000 {
            let level = r.below(3);
            let target = rand_name(&mut r, 12).to_lowercase();
            let depth = r.below(2);
            let ann = rand_type(&mut r, depth);
            let value = (r.below(4) != 0).then(|| rand_value(&mut r));
            if fits_on_one_line(&ann_assign(level, &target, &ann, value.as_ref())) {
                continue;
            }
            long += 1;
            let other: String = target.chars().rev().collect();
            for t in [&target, &other, &target] {
                let mut out = String::from("x = 1\n");
                ann_assign_long_into(&mut out, &mut layouts, level, t, &ann, value.as_ref());
                assert_eq!(
                    out[6..],
                    ann_assign_doc(level, t, &ann, value.as_ref()),
                    "{t}: {ann:?} = {value:?}"
                );
            }
        }
        assert!(long > 1_000, "{long}");
    }

    /// The direct layouts of long annotated assignments are the document's.
    #[test]
    fn direct_ann_assign_layouts_match_the_document() {
        let mut r = Rng(0xd1ec_7a55_0000_0017);
        let (mut unions, mut subscripts) = (0, 0);
        for _ in 0..20_000 {
            let level = r.below(3);
            let target = rand_name(&mut r, 40).to_lowercase();
            let depth = r.below(2);
            let mut ann = rand_type(&mut r, depth);
            if r.below(2) == 0 {
                ann = Expr::or(vec![ann, rand_type(&mut r, depth), Expr::atom("None")]);
            }
            let value = match r.below(3) {
                0 => None,
                1 => Some(Expr::atom(["None", "MISSING", "0", "True"][r.below(4)])),
                _ => Some(rand_value(&mut r)),
            };
            if fits_on_one_line(&ann_assign(level, &target, &ann, value.as_ref())) {
                continue;
            }
            let direct = ann_assign_direct(level, &target, &ann, value.as_ref());
            if let Some(direct) = direct {
                assert_eq!(
                    direct,
                    ann_assign_doc(level, &target, &ann, value.as_ref()),
                    "{target}: {ann:?} = {value:?}"
                );
                match ann {
                    Expr::Or(_) => unions += 1,
                    _ => subscripts += 1,
                }
            }
        }
        assert!(unions > 1_000 && subscripts > 300, "{unions} {subscripts}");
    }

    /// The direct layouts of split headers are the document's.
    #[test]
    fn split_headers_match_the_document() {
        let mut r = Rng(0x5eed_1234_abcd_0042);
        let mut split = 0;
        let mut param_split = 0;
        for _ in 0..20_000 {
            let level = r.below(3);
            let mut params = rand_params(&mut r, 8);
            if r.below(5) == 0 {
                params.truncate(1);
            }
            let depth = r.below(3);
            let ret = (r.below(6) != 0).then(|| rand_type(&mut r, depth));
            let name = rand_name(&mut r, 40).to_lowercase();
            let stub = r.below(2) == 0;
            let kw = if r.below(2) == 0 {
                "async def "
            } else {
                "def "
            };
            let doc = def_header_doc(level, kw, &name, &params, ret.as_ref(), stub);
            let is_async = kw == "async def ";
            let direct = def_header(level, is_async, &name, &params, ret.as_ref(), stub);
            assert_eq!(direct, doc, "{params:?} -> {ret:?}");
            if doc.contains('\n') && {
                let ret_flat = ret.as_ref().map(Expr::flat);
                def_header_split(
                    &mut String::new(),
                    level,
                    kw,
                    &name,
                    &|i| params[i].clone(),
                    &FlatParams::new(&params),
                    ret.as_ref().zip(ret_flat.as_deref()),
                    stub,
                )
            } {
                split += 1;
                // A parameter over two or more lines (the document's layout inside a
                // direct one).
                if doc.lines().any(|l| {
                    l.len() == (level + 2) * INDENT_WIDTH + 1 && l.trim_start() == "]"
                        || l.trim_start().starts_with("| ")
                }) {
                    param_split += 1;
                }
            }
        }
        assert!(split > 2_000, "{split}");
        assert!(param_split > 200, "{param_split}");
    }

    /// The async and sync headers written as a pair are those written one by one, and
    /// the sync one is shared (copied from the async one) in every layout that allows it.
    #[test]
    fn header_pairs_match_single_headers() {
        let mut r = Rng(0x5eed_1234_abcd_0043);
        let (mut copied_split, mut sync_one_line) = (0, 0);
        for _ in 0..20_000 {
            let level = r.below(3);
            let mut params = rand_params(&mut r, 9);
            if r.below(5) == 0 {
                params.truncate(1 + r.below(2));
            }
            let depth = r.below(3);
            let ret = (r.below(6) != 0).then(|| rand_type(&mut r, depth));
            let name = rand_name(&mut r, 40).to_lowercase();
            let stub = r.below(2) == 0;
            let flat = FlatParams::new(&params);
            let ret_flat = ret.as_ref().map(Expr::flat);
            let returns = ret.as_ref().zip(ret_flat.as_deref());
            let (mut a, mut s) = ("# before\n".to_string(), "#\n".to_string());
            let build = |i: usize| params[i].clone();
            def_header_pair_into(&mut a, &mut s, level, &name, &build, &flat, returns, stub);
            let async_header = def_header(level, true, &name, &params, ret.as_ref(), stub);
            let sync_header = def_header(level, false, &name, &params, ret.as_ref(), stub);
            assert_eq!(
                a["# before\n".len()..],
                async_header,
                "{params:?} -> {ret:?}"
            );
            assert_eq!(s["#\n".len()..], sync_header, "{params:?} -> {ret:?}");
            if async_header.contains('\n') {
                if sync_header.contains('\n') {
                    copied_split += 1;
                } else {
                    sync_one_line += 1;
                }
            }
        }
        assert!(copied_split > 2_000, "{copied_split}");
        assert!(sync_one_line > 20, "{sync_one_line}");
    }

    /// The awaited and plain call statements written as a pair are those written one by
    /// one.
    #[test]
    fn call_statement_pairs_match_single_statements() {
        let mut r = Rng(0x5eed_1234_abcd_0045);
        let mut copied_split = 0;
        for _ in 0..20_000 {
            let level = r.below(4);
            let prefix = ["", "return "][r.below(2)];
            let callee = rand_name(&mut r, 30).to_lowercase();
            let args: Vec<String> = (0..r.below(6))
                .map(|_| {
                    let max = 1 + r.below(40);
                    match r.below(8) {
                        0 => format!("{}\n)", rand_name(&mut r, max)),
                        _ => rand_name(&mut r, max),
                    }
                })
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (awaited, plain) = call_stmt_pair_written(level, prefix, &callee, &args);
            assert_eq!(
                awaited,
                call_stmt_written(level, prefix, true, &callee, &args)
            );
            assert_eq!(
                plain,
                call_stmt_written(level, prefix, false, &callee, &args)
            );
            copied_split += usize::from(plain.is_some_and(|p| p.contains('\n')));
        }
        assert!(copied_split > 2_000, "{copied_split}");
    }

    /// Long parameters written directly are the document's.
    #[test]
    fn long_params_match_the_document() {
        let mut r = Rng(0x5eed_1234_abcd_0046);
        let (mut written, mut broken_union) = (0, 0);
        for _ in 0..40_000 {
            let level = 1 + r.below(3);
            let name = rand_name(&mut r, 20).to_lowercase();
            let depth = r.below(2);
            let mut ty = rand_type(&mut r, depth);
            if r.below(3) == 0 {
                ty = Expr::or(vec![ty, Expr::atom("None")]);
            }
            let p = match r.below(3) {
                0 => Param::typed(name, ty),
                1 => Param::with_default(name, ty, Expr::atom("...")),
                _ => Param::with_default(name, ty, rand_value(&mut r)),
            };
            let doc = print(&concat(vec![p.doc(), text(",")]), level);
            if let Some(direct) = long_param_written(level, &p) {
                assert_eq!(direct, doc, "{p:?}");
                if doc.contains('\n') {
                    written += 1;
                    broken_union += usize::from(doc.contains("\n") && doc.contains("| None"));
                }
            }
        }
        assert!(written > 2_000, "{written}");
        assert!(broken_union > 200, "{broken_union}");
    }

    /// Long `from` imports written directly are the document's.
    #[test]
    fn long_imports_match_the_document() {
        let mut r = Rng(0x5eed_1234_abcd_0044);
        let mut long = 0;
        for _ in 0..3_000 {
            let module = if r.below(2) == 0 {
                ".models".to_string()
            } else {
                rand_name(&mut r, 30).to_lowercase()
            };
            let names: Vec<String> = (0..r.below(40))
                .map(|_| {
                    let max = 1 + r.below(90);
                    rand_name(&mut r, max)
                })
                .collect();
            let written = import_from(&module, &names);
            let doc = import_from_doc(&module, &names);
            assert_eq!(written, doc, "{module} {names:?}");
            long += usize::from(doc.contains('\n'));
        }
        assert!(long > 1_000, "{long}");
    }

    #[test]
    fn docstring_lines_match_the_general_path() {
        let mut r = Rng(0x5eed_d0c5_0000_0001);
        let pieces = [
            "a",
            "Word",
            " ",
            "  ",
            "\n",
            "\n\n",
            "    ",
            "``x``",
            ".",
            "Example: {}",
        ];
        for _ in 0..20_000 {
            let text: String = (0..r.below(12))
                .map(|_| pieces[r.below(pieces.len())])
                .collect();
            let level = r.below(3);
            assert_eq!(
                docstring(&text, level),
                docstring_general(&text, level),
                "{text:?}"
            );
        }
    }

    #[test]
    fn one_line_docstrings_match_the_general_path() {
        for text in [
            "x",
            "  Calls ``a.b``.  ",
            "\n\n Methods ``a.*``.\n ",
            "ends with a quote \"",
            "\u{85}nel",
            "\u{b}vt ",
            "a\\b",
            "  ",
            "",
            "caf\u{e9}",
            "two\nlines",
        ] {
            for level in 0..3 {
                assert_eq!(
                    docstring(text, level),
                    docstring_general(text, level),
                    "{text:?}"
                );
            }
        }
    }

    fn ruff() -> Option<std::path::PathBuf> {
        if let Some(v) = std::env::var_os("RPCFORGE_RUFF") {
            return Some(v.into());
        }
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/ruff");
        p.exists().then_some(p)
    }

    /// Needs ruff (`scripts/test` installs it in .venv): fails, never skips, without it.
    #[test]
    fn matches_ruff_format() {
        let ruff = ruff()
            .expect("ruff not found: run scripts/test (it installs .venv) or set RPCFORGE_RUFF");
        let seed: u64 = std::env::var("FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(7);
        let rounds: usize = std::env::var("FUZZ_ROUNDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(400);
        let mut r = Rng(seed * 2654435761 + 1);
        let mut failures = Vec::new();
        for _ in 0..rounds {
            let (level, stmt) = rand_statement(&mut r);
            let src = if level == 0 {
                format!("{stmt}\n")
            } else {
                format!("class A:\n{stmt}\n")
            };
            for skip_magic in [false, true] {
                let mut cmd = std::process::Command::new(&ruff);
                cmd.args(["format", "--no-cache", "--isolated", "-"]);
                if skip_magic {
                    cmd.args(["--config", "format.skip-magic-trailing-comma=true"]);
                }
                let out = cmd
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .and_then(|mut c| {
                        use std::io::Write;
                        c.stdin.take().unwrap().write_all(src.as_bytes())?;
                        c.wait_with_output()
                    })
                    .expect("run ruff");
                let formatted = String::from_utf8_lossy(&out.stdout).into_owned();
                if !out.status.success() {
                    failures.push(format!(
                        "ruff failed on:\n{src}\n{}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                    break;
                }
                if formatted != src {
                    failures.push(format!(
                        "skip_magic={skip_magic}\n--- ours\n{src}--- ruff\n{formatted}"
                    ));
                    break;
                }
            }
        }
        if !failures.is_empty() {
            panic!(
                "{} mismatches:\n\n{}",
                failures.len(),
                failures[..failures.len().min(6)].join("\n\n")
            );
        }
    }
}
