//! TypeScript constructs whose layout depends on their length, built as the documents
//! prettier 3 builds for them (`src/language-js/print/*` in prettier), so that the
//! generated code is already formatted. Each `*_line` function returns the construct
//! laid out at a given indentation, continuation lines included.

use super::doc::{
    self, Doc, GroupId, align, concat, group, group_with_id, if_break, indent, indent_if_break,
    join, line, softline, text,
};
use super::es5_ident::is_es5_identifier_name;
use rustc_hash::FxHashSet;

/// A TypeScript type expression (the subset the generator writes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TsType {
    /// `string`, `number`, `boolean`, `null`, `unknown`, `never`, `void`.
    Keyword(&'static str),
    /// A named type, already a valid identifier.
    Ref(String),
    StringLit(String),
    /// A JSON number, possibly negative.
    NumberLit(String),
    BoolLit(bool),
    Array(Box<TsType>),
    /// Fixed elements, then optionally `...rest[]`.
    Tuple(Vec<TsType>, Option<Box<TsType>>),
    /// `Name<args>`, e.g. `Record<string, T>`, `Promise<T>`.
    Generic(String, Vec<TsType>),
    /// `{ [key: string]: T }`: a map where `Record<string, T>` would make a recursive
    /// type alias circular (TypeScript defers object literal members, not `Record`).
    IndexObject(Box<TsType>),
    /// Two or more members, flat (no member is a union).
    Union(Vec<TsType>),
}

impl TsType {
    /// A union of `members`, flattened and without duplicates; a single member stands
    /// for itself.
    pub fn union(members: Vec<TsType>) -> TsType {
        let mut flat: Vec<TsType> = Vec::new();
        for m in members {
            match m {
                TsType::Union(inner) => {
                    for i in inner {
                        if !flat.contains(&i) {
                            flat.push(i);
                        }
                    }
                }
                other => {
                    if !flat.contains(&other) {
                        flat.push(other);
                    }
                }
            }
        }
        // `unknown` absorbs everything, `never` nothing.
        if flat.contains(&TsType::Keyword("unknown")) {
            return TsType::Keyword("unknown");
        }
        if flat.len() > 1 {
            flat.retain(|t| *t != TsType::Keyword("never"));
        }
        match flat.len() {
            0 => TsType::Keyword("never"),
            1 => flat.pop().expect("one member"),
            _ => TsType::Union(flat),
        }
    }

    /// The type as one line (for READMEs and tests).
    pub fn flat(&self) -> String {
        let mut out = String::new();
        if write_flat_simple(self, &mut out) {
            return out;
        }
        let doc = type_doc(self, Ctx::Annotation, &mut Objects::default());
        doc::print_width(&doc, 0, usize::MAX / 2)
    }
}

/// Where a type expression stands; prettier lays unions out differently in each place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// After `name: ` (a property, an index signature, a return type).
    Annotation,
    /// Right of `type X =`.
    AliasRhs,
    /// The element of `T[]`.
    ArrayElem,
    /// An element of a tuple; `multi`: the tuple has more than one element.
    TupleElem { multi: bool },
    /// A type argument.
    TypeArg,
    /// A member of a union.
    UnionMember,
}

/// prettier's `isSimpleType`: keywords, literals, references without type arguments.
fn is_simple(t: &TsType) -> bool {
    matches!(
        t,
        TsType::Keyword(_)
            | TsType::Ref(_)
            | TsType::StringLit(_)
            | TsType::NumberLit(_)
            | TsType::BoolLit(_)
    )
}

/// prettier's `shouldHugUnion`: exactly one type reference, all other members `null`/`void`.
fn union_hugs(members: &[TsType]) -> bool {
    let Some(reference) = members.iter().position(|t| {
        matches!(
            t,
            TsType::Ref(_) | TsType::Generic(..) | TsType::IndexObject(_)
        )
    }) else {
        return false;
    };
    members.iter().enumerate().all(|(i, t)| {
        i == reference || matches!(t, TsType::Keyword("null") | TsType::Keyword("void"))
    })
}

/// prettier's `shouldHugType`.
fn should_hug(t: &TsType) -> bool {
    match t {
        TsType::Union(members) => union_hugs(members),
        TsType::IndexObject(_) => true,
        other => is_simple(other),
    }
}

fn type_doc(t: &TsType, ctx: Ctx, o: &mut Objects) -> Doc {
    match t {
        TsType::Keyword(k) => text(*k),
        TsType::Ref(name) => text(name.clone()),
        TsType::StringLit(s) => text(string_literal(s)),
        TsType::NumberLit(n) => match n.strip_prefix('-') {
            Some(abs) => concat(vec![text("-"), text(number(abs))]),
            None => text(number(n)),
        },
        TsType::BoolLit(b) => text(if *b { "true" } else { "false" }),
        TsType::Array(elem) => {
            let inner = match elem.as_ref() {
                TsType::Union(members) => concat(vec![
                    text("("),
                    union_doc(members, Ctx::ArrayElem, o),
                    text(")"),
                ]),
                other => type_doc(other, Ctx::ArrayElem, o),
            };
            concat(vec![inner, text("[]")])
        }
        TsType::Tuple(items, rest) => {
            let count = items.len() + usize::from(rest.is_some());
            if count == 0 {
                return text("[]");
            }
            let multi = count > 1;
            let mut elements: Vec<Doc> = items
                .iter()
                .map(|i| group(type_doc(i, Ctx::TupleElem { multi }, o)))
                .collect();
            if let Some(rest) = rest {
                let array = TsType::Array(rest.clone());
                elements.push(group(concat(vec![
                    text("..."),
                    type_doc(&array, Ctx::TupleElem { multi }, o),
                ])));
            }
            group(concat(vec![
                text("["),
                indent(concat(vec![
                    softline(),
                    join(concat(vec![text(","), line()]), elements),
                    if_break(text(","), text("")),
                ])),
                softline(),
                text("]"),
            ]))
        }
        TsType::Generic(name, args) => concat(vec![text(name.clone()), type_args_doc(args, o)]),
        TsType::IndexObject(value) => {
            let (id, broken) = o.next();
            let contents = concat(vec![
                text("{"),
                indent(concat(vec![
                    line(),
                    index_signature_doc(value, o),
                    if_break(text(";"), text("")),
                ])),
                line(),
                text("}"),
            ]);
            if broken {
                doc::broken_group(contents, id)
            } else {
                group_with_id(contents, id)
            }
        }
        TsType::Union(members) => union_doc(members, ctx, o),
    }
}

/// prettier's `printTypeParameters` for type arguments.
fn type_args_doc(args: &[TsType], o: &mut Objects) -> Doc {
    if args.is_empty() {
        return text("");
    }
    if args.len() == 1 && should_hug(&args[0]) {
        return concat(vec![
            text("<"),
            type_doc(&args[0], Ctx::TypeArg, o),
            text(">"),
        ]);
    }
    group(concat(vec![
        text("<"),
        indent(concat(vec![
            softline(),
            join(
                concat(vec![text(","), line()]),
                args.iter().map(|a| type_doc(a, Ctx::TypeArg, o)).collect(),
            ),
        ])),
        softline(),
        text(">"),
    ]))
}

/// prettier's `printUnionType`.
fn union_doc(members: &[TsType], ctx: Ctx, o: &mut Objects) -> Doc {
    if union_hugs(members) {
        return join(
            text(" | "),
            members
                .iter()
                .map(|m| type_doc(m, Ctx::UnionMember, o))
                .collect(),
        );
    }
    let mut parts = Vec::new();
    for (i, m) in members.iter().enumerate() {
        parts.push(if i == 0 {
            if_break(text("| "), text(""))
        } else {
            concat(vec![line(), text("| ")])
        });
        parts.push(align(2, type_doc(m, Ctx::UnionMember, o)));
    }
    let code = group(concat(parts));
    match ctx {
        Ctx::ArrayElem => group(concat(vec![
            indent(concat(vec![softline(), code])),
            softline(),
        ])),
        Ctx::TupleElem { multi: true } => group(concat(vec![
            indent(concat(vec![
                if_break(concat(vec![text("("), softline()]), text("")),
                code,
            ])),
            softline(),
            if_break(text(")"), text("")),
        ])),
        Ctx::AliasRhs | Ctx::TupleElem { multi: false } | Ctx::TypeArg => code,
        Ctx::Annotation | Ctx::UnionMember => group(indent(concat(vec![softline(), code]))),
    }
}

/// Allocates group ids within one document.
#[derive(Default)]
struct Ids(usize);

impl Ids {
    fn next(&mut self) -> GroupId {
        self.0 += 1;
        GroupId(self.0)
    }
}

/// prettier's "fluid" assignment layout: `left op` then the right side, moved to the
/// next line only when its first line does not fit.
fn fluid(left: Doc, op: &str, right: Doc, ids: &mut Ids) -> Doc {
    let id = ids.next();
    group(concat(vec![
        group(left),
        text(op),
        group_with_id(indent(line()), id),
        indent_if_break(right, id),
    ]))
}

/// prettier's "break-after-operator" assignment layout.
fn break_after_operator(left: Doc, op: &str, right: Doc) -> Doc {
    group(concat(vec![
        group(left),
        text(op),
        group(indent(concat(vec![line(), right]))),
    ]))
}

/// Object literal types written on several lines: prettier keeps an object expanded
/// when its source has a line break after `{`, so when it reformats generated code, an
/// object type that broke is broken from the start (which can change the layout
/// around it, see [`method_head`]). Group ids of object types are numbered in
/// document order from [`OBJECT_IDS`].
#[derive(Default)]
struct Objects {
    count: usize,
    broken: FxHashSet<usize>,
}

const OBJECT_IDS: usize = 1 << 20;

impl Objects {
    fn next(&mut self) -> (GroupId, bool) {
        let n = self.count;
        self.count += 1;
        (GroupId(OBJECT_IDS + n), self.broken.contains(&n))
    }
}

/// Lays out the document `build` makes at `indent` columns so that prettier leaves the
/// result as it is: object types that break are marked broken and the document is laid
/// out again, until no other object type breaks.
fn print_stable(indent_width: usize, build: impl Fn(&mut Objects) -> Doc) -> String {
    let mut broken = FxHashSet::default();
    loop {
        let mut objects = Objects {
            count: 0,
            broken: broken.clone(),
        };
        let document = build(&mut objects);
        let (out, modes) = doc::print_with_modes(&document, indent_width);
        let now: FxHashSet<usize> = (0..objects.count)
            .filter(|n| modes.contains(&(GroupId(OBJECT_IDS + n), true)))
            .collect();
        if now.is_subset(&broken) {
            return out;
        }
        broken.extend(now);
    }
}

/// Whether `line` (a whole line, its indentation included) fits in the print width.
fn fits_width(line: &str) -> bool {
    // A character is never wider than its UTF-8 bytes.
    line.len() <= doc::WIDTH || doc::str_width(line) <= doc::WIDTH
}

/// `export type Name = T;`
pub fn type_alias(name: &str, rhs: &TsType) -> String {
    // On one line when it fits and `T` is plain text on one line (see
    // [`write_flat_simple`]): every group of the document is flat then.
    let mut out = String::with_capacity(name.len() + 64);
    out.push_str("export type ");
    out.push_str(name);
    out.push_str(" = ");
    if write_flat_simple(rhs, &mut out) {
        out.push(';');
        if fits_width(&out) {
            return out;
        }
    }
    type_alias_doc(name, rhs)
}

/// [`type_alias`] through the layout document (any type).
fn type_alias_doc(name: &str, rhs: &TsType) -> String {
    print_stable(0, |o| {
        let left = text(format!("type {name}"));
        let assignment = match rhs {
            TsType::Union(members) if !union_hugs(members) => {
                break_after_operator(left, " =", union_doc(members, Ctx::AliasRhs, o))
            }
            other => fluid(
                left,
                " =",
                type_doc(other, Ctx::AliasRhs, o),
                &mut Ids::default(),
            ),
        };
        concat(vec![text("export "), assignment, text(";")])
    })
}

/// `readonly key?: T;` inside an interface, at `indent` columns.
#[cfg(test)]
pub fn property_signature(
    key: &str,
    optional: bool,
    read_only: bool,
    ty: &TsType,
    indent: usize,
) -> String {
    let mut out = String::new();
    push_property_signature(&mut out, key, optional, read_only, ty, indent);
    out
}

/// [`property_signature`], appended to `out`.
pub fn push_property_signature(
    out: &mut String,
    key: &str,
    optional: bool,
    read_only: bool,
    ty: &TsType,
    indent: usize,
) {
    // Most properties have a short type of names, keywords and literals: on one line it
    // is what the document prints, without building, measuring and dropping it.
    if !push_flat_property(out, key, optional, read_only, indent, |out| {
        write_flat_simple(ty, out)
    }) {
        out.push_str(&property_signature_doc(
            key, optional, read_only, ty, indent,
        ));
    }
}

/// The property on one line, its type written by `write_flat`, when that can write it and
/// the line fits; otherwise `false`, and `out` as it was.
fn push_flat_property(
    out: &mut String,
    key: &str,
    optional: bool,
    read_only: bool,
    indent: usize,
    write_flat: impl FnOnce(&mut String) -> bool,
) -> bool {
    let start = out.len();
    if read_only {
        out.push_str("readonly ");
    }
    push_property_key(out, key);
    if optional {
        out.push('?');
    }
    out.push_str(": ");
    if write_flat(out) {
        out.push(';');
        let line = &out[start..];
        // A character is never wider than its UTF-8 bytes.
        if indent + line.len() <= doc::WIDTH || indent + doc::str_width(line) <= doc::WIDTH {
            return true;
        }
    }
    out.truncate(start);
    false
}

/// `types` `, `-separated, each by [`write_flat_simple`]; `false` as soon as one is not
/// simple.
fn write_flat_simple_list(types: &[TsType], out: &mut String) -> bool {
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !write_flat_simple(t, out) {
            return false;
        }
    }
    true
}

/// Appends `t` as the document prints it on one line, when `t` is made only of names,
/// keywords, literals, type arguments and tuples of them, arrays of them and unions of
/// those (whose documents hold no object types and no hard breaks); `false` for other
/// types (`out` then holds part of it).
pub(super) fn write_flat_simple(t: &TsType, out: &mut String) -> bool {
    match t {
        TsType::Keyword(k) => out.push_str(k),
        TsType::Ref(name) => out.push_str(name),
        TsType::StringLit(s) => push_string_literal(out, s),
        TsType::NumberLit(n) => push_number_literal(out, n),
        TsType::BoolLit(b) => out.push_str(if *b { "true" } else { "false" }),
        // A union element is parenthesized (and may break inside them).
        TsType::Array(elem) if !matches!(elem.as_ref(), TsType::Union(_)) => {
            if !write_flat_simple(elem, out) {
                return false;
            }
            out.push_str("[]");
        }
        TsType::Union(members) => {
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(" | ");
                }
                if matches!(m, TsType::Union(_)) || !write_flat_simple(m, out) {
                    return false;
                }
            }
        }
        // Flat, a tuple's and type arguments' lists are `, `-separated, without the
        // trailing comma or the parentheses a broken union element gets.
        TsType::Tuple(items, rest) => {
            out.push('[');
            if !write_flat_simple_list(items, out) {
                return false;
            }
            if let Some(rest) = rest {
                if !items.is_empty() {
                    out.push_str(", ");
                }
                out.push_str("...");
                if matches!(rest.as_ref(), TsType::Union(_)) || !write_flat_simple(rest, out) {
                    return false;
                }
                out.push_str("[]");
            }
            out.push(']');
        }
        TsType::Generic(name, args) => {
            out.push_str(name);
            if !args.is_empty() {
                out.push('<');
                if !write_flat_simple_list(args, out) {
                    return false;
                }
                out.push('>');
            }
        }
        TsType::Array(_) | TsType::IndexObject(_) => return false,
    }
    true
}

/// [`property_signature`] through the layout document (any type).
fn property_signature_doc(
    key: &str,
    optional: bool,
    read_only: bool,
    ty: &TsType,
    indent: usize,
) -> String {
    print_stable(indent, |o| {
        let mut parts = Vec::new();
        if read_only {
            parts.push(text("readonly "));
        }
        parts.push(text(property_key(key)));
        if optional {
            parts.push(text("?"));
        }
        parts.push(text(": "));
        parts.push(type_doc(ty, Ctx::Annotation, o));
        concat(vec![group(concat(parts)), text(";")])
    })
}

/// `[key: string]: T;` inside an interface, at `indent` columns.
pub fn index_signature(ty: &TsType, indent_width: usize) -> String {
    print_stable(indent_width, |o| {
        concat(vec![index_signature_doc(ty, o), text(";")])
    })
}

/// prettier's `TSIndexSignature`: `[key: string]: T`.
fn index_signature_doc(ty: &TsType, o: &mut Objects) -> Doc {
    let key = group(concat(vec![
        indent(concat(vec![softline(), text("key: string")])),
        softline(),
    ]));
    group(concat(vec![
        text("["),
        key,
        text("]: "),
        type_doc(ty, Ctx::Annotation, o),
    ]))
}

/// A method declaration's first line(s), through the ` {` that opens its body:
/// `name(a: A, b?: B): Promise<R> {`, at `indent` columns.
#[cfg(test)]
pub fn method_head(name: &str, params: &[String], returns: &TsType, indent_width: usize) -> String {
    let mut out = String::new();
    push_method_head(&mut out, name, params, returns, indent_width);
    out
}

/// [`method_head`], appended to `out`.
pub fn push_method_head(
    out: &mut String,
    name: &str,
    params: &[String],
    returns: &TsType,
    indent_width: usize,
) {
    // The two common layouts written directly, for `Promise<T>` of a type of names,
    // keywords and literals: all on one line when it fits (the signature's group is
    // flat, and so is everything in it), else one parameter a line when `T` prints as
    // plain text (nothing else in the signature can break then).
    if let TsType::Generic(generic, args) = returns
        && let [arg] = args.as_slice()
        && !params.is_empty()
        && params.iter().all(|p| !p.is_empty() && !p.contains('\n'))
    {
        let start = out.len();
        push_method_head_line(out, name, params, generic);
        if write_flat_simple(arg, out) {
            out.push_str("> {");
            let line = &out[start..];
            // A character is never wider than its UTF-8 bytes.
            if indent_width + line.len() <= doc::WIDTH
                || indent_width + doc::str_width(line) <= doc::WIDTH
            {
                return;
            }
            if is_plain_type_arg(arg) {
                out.truncate(start);
                push_method_head_broken(out, name, params, generic, indent_width);
                write_flat_simple(arg, out);
                out.push_str("> {");
                return;
            }
        }
        out.truncate(start);
    }
    out.push_str(&method_head_doc(name, params, returns, indent_width));
}

/// [`method_head`] of a return type `generic<arg>` whose type argument's document is
/// the text `arg` only (a name or a keyword), appended to `out`; `false` (nothing
/// written) for parameters the direct layouts do not cover.
pub fn push_method_head_plain(
    out: &mut String,
    name: &str,
    params: &[String],
    generic: &str,
    arg: &str,
    indent_width: usize,
) -> bool {
    if params.is_empty() || params.iter().any(|p| p.is_empty() || p.contains('\n')) {
        return false;
    }
    let start = out.len();
    push_method_head_line(out, name, params, generic);
    out.push_str(arg);
    out.push_str("> {");
    let line = &out[start..];
    // A character is never wider than its UTF-8 bytes.
    if indent_width + line.len() > doc::WIDTH && indent_width + doc::str_width(line) > doc::WIDTH {
        out.truncate(start);
        push_method_head_broken(out, name, params, generic, indent_width);
        out.push_str(arg);
        out.push_str("> {");
    }
    true
}

/// `a, b, c`, appended to `out`.
fn push_comma_separated(out: &mut String, items: &[impl AsRef<str>]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
}

/// `name(a, b): generic<`, the start of a method head on one line.
fn push_method_head_line(out: &mut String, name: &str, params: &[String], generic: &str) {
    out.push_str(name);
    out.push('(');
    push_comma_separated(out, params);
    out.push_str("): ");
    out.push_str(generic);
    out.push('<');
}

/// The start of a method head with one parameter a line, through `generic<`.
fn push_method_head_broken(
    out: &mut String,
    name: &str,
    params: &[String],
    generic: &str,
    indent_width: usize,
) {
    out.push_str(name);
    out.push('(');
    for p in params {
        out.push('\n');
        super::filters::push_spaces(out, indent_width + doc::INDENT);
        out.push_str(p);
        out.push(',');
    }
    out.push('\n');
    super::filters::push_spaces(out, indent_width);
    out.push_str("): ");
    out.push_str(generic);
    out.push('<');
}

/// A type argument whose document is text only (hugged by `<>`, nothing to break).
fn is_plain_type_arg(t: &TsType) -> bool {
    match t {
        TsType::Union(members) => union_hugs(members) && members.iter().all(is_simple),
        other => is_simple(other),
    }
}

/// [`method_head`] through the layout document (any signature).
fn method_head_doc(name: &str, params: &[String], returns: &TsType, indent_width: usize) -> String {
    print_stable(indent_width, |o| {
        let list = bracket_list(params);
        let return_type = type_doc(returns, Ctx::Annotation, o);
        // prettier's `shouldGroupFunctionParameters`: a lone parameter gets a group of
        // its own when the return type will break, so that the return type breaks first.
        let list = if params.len() == 1 && doc::will_break(&return_type) {
            group(list)
        } else {
            list
        };
        let signature = group(concat(vec![list, text(": "), return_type]));
        concat(vec![text(name), signature, text(" {")])
    })
}

/// `return callee(arg, ...);` at `indent` columns; arguments are written as given.
#[cfg(test)]
pub fn return_call(callee: &str, args: &[String], indent_width: usize) -> String {
    let mut out = String::new();
    push_return_call(&mut out, callee, args, indent_width);
    out
}

/// [`return_call`], appended to `out`.
pub fn push_return_call(out: &mut String, callee: &str, args: &[String], indent_width: usize) {
    // The common case, the statement on one line, written directly: when it fits, the
    // outer group is flat and so is everything in it. Newlines and empty arguments (whose
    // separating space the measurement skips) go through the document.
    if !callee.contains('\n') && args.iter().all(|a| !a.is_empty() && !a.contains('\n')) {
        let start = out.len();
        out.push_str("return ");
        out.push_str(callee);
        out.push('(');
        push_comma_separated(out, args);
        out.push_str(");");
        let line = &out[start..];
        // A character is never wider than its UTF-8 bytes.
        if indent_width + line.len() <= doc::WIDTH
            || indent_width + doc::str_width(line) <= doc::WIDTH
        {
            return;
        }
        out.truncate(start);
        // Too long: both groups (the call and its arguments) break, which puts every
        // argument on a line of its own, with a trailing comma.
        if !args.is_empty() {
            out.push_str("return ");
            out.push_str(callee);
            out.push('(');
            for a in args {
                out.push('\n');
                super::filters::push_spaces(out, indent_width + doc::INDENT);
                out.push_str(a);
                out.push(',');
            }
            out.push('\n');
            super::filters::push_spaces(out, indent_width);
            out.push_str(");");
            return;
        }
    }
    out.push_str(&return_call_doc(callee, args, indent_width));
}

/// [`return_call`] through the layout document (any statement).
fn return_call_doc(callee: &str, args: &[String], indent_width: usize) -> String {
    let call = group(concat(vec![text(callee), arguments(args)]));
    doc::print(
        &concat(vec![text("return "), call, text(";")]),
        indent_width,
    )
}

/// `target = new Class(arg, ...);` at `indent` columns.
pub fn assign_new(target: &str, class: &str, args: &[String], indent_width: usize) -> String {
    let right = concat(vec![text(format!("new {class}")), arguments(args)]);
    let statement = fluid(text(target), " =", right, &mut Ids::default());
    doc::print(&concat(vec![statement, text(";")]), indent_width)
}

/// A call's argument list.
fn arguments(args: &[String]) -> Doc {
    if args.is_empty() {
        return text("()");
    }
    group(bracket_list(args))
}

/// `(a, b)`, broken as one item per line with a trailing comma when its group breaks (not
/// grouped itself: a call's arguments are a group, a lone parameter only sometimes).
fn bracket_list(items: &[String]) -> Doc {
    concat(vec![
        text("("),
        indent(concat(vec![
            softline(),
            join(
                concat(vec![text(","), line()]),
                items.iter().map(|i| text(i.clone())).collect(),
            ),
        ])),
        if_break(text(","), text("")),
        softline(),
        text(")"),
    ])
}

/// `import type { A, B } from "./module.js";` (`type_only`), or a value import.
pub fn import<S: AsRef<str>>(names: &[S], module: &str, type_only: bool) -> String {
    let keyword = if type_only { "import type " } else { "import " };
    // Written directly (one line, or one name a line) for plain names: the client
    // imports every type its methods use.
    if names.len() > 1
        && names
            .iter()
            .all(|n| !n.as_ref().is_empty() && !n.as_ref().contains(['\n', ' ']))
    {
        let mut out =
            String::with_capacity(names.iter().map(|n| n.as_ref().len() + 4).sum::<usize>() + 64);
        out.push_str(keyword);
        out.push_str("{ ");
        push_comma_separated(&mut out, names);
        out.push_str(" } from ");
        push_string_literal(&mut out, module);
        out.push(';');
        if out.len() <= doc::WIDTH || doc::str_width(&out) <= doc::WIDTH {
            return out;
        }
        out.clear();
        out.push_str(keyword);
        out.push('{');
        for n in names {
            out.push_str("\n  ");
            out.push_str(n.as_ref());
            out.push(',');
        }
        out.push_str("\n} from ");
        push_string_literal(&mut out, module);
        out.push(';');
        return out;
    }
    import_doc(names, module, keyword)
}

/// [`import`] through the layout document (any names).
fn import_doc<S: AsRef<str>>(names: &[S], module: &str, keyword: &str) -> String {
    let specifiers = if names.len() == 1 {
        text(format!("{{ {} }}", names[0].as_ref()))
    } else {
        group(concat(vec![
            text("{"),
            indent(concat(vec![
                line(),
                join(
                    concat(vec![text(","), line()]),
                    names.iter().map(|n| text(n.as_ref())).collect(),
                ),
            ])),
            if_break(text(","), text("")),
            line(),
            text("}"),
        ]))
    };
    doc::print(
        &concat(vec![
            text(keyword),
            specifiers,
            text(format!(" from {};", string_literal(module))),
        ]),
        0,
    )
}

/// The value of a property in an object literal.
#[derive(Debug, Clone)]
pub enum Value {
    String(String),
    /// A JSON number, possibly negative.
    Number(String),
}

/// `export const name = { key: value, ... } as const;`, one property per line.
/// Keys are written as given (already identifiers or quoted).
pub fn const_object(name: &str, properties: &[(String, Value)]) -> String {
    const_object_lines(name, properties).unwrap_or_else(|| const_object_doc(name, properties))
}

/// [`const_object`] when `export const name = {` and every `  key: value,` fit on their
/// lines (each property's groups are flat then), else `None`.
fn const_object_lines(name: &str, properties: &[(String, Value)]) -> Option<String> {
    if properties.is_empty() {
        return None;
    }
    let size: usize = properties
        .iter()
        .map(|(k, v)| {
            k.len()
                + 8
                + match v {
                    Value::String(s) | Value::Number(s) => s.len() + 2,
                }
        })
        .sum();
    let mut out = String::with_capacity(name.len() + size + 32);
    out.push_str("export const ");
    out.push_str(name);
    out.push_str(" = {");
    if !fits_width(&out) {
        return None;
    }
    for (key, value) in properties {
        out.push('\n');
        let start = out.len();
        out.push_str("  ");
        out.push_str(key);
        out.push_str(": ");
        match value {
            Value::String(s) => push_string_literal(&mut out, s),
            Value::Number(n) => push_number_literal(&mut out, n),
        }
        out.push(',');
        if !fits_width(&out[start..]) {
            return None;
        }
    }
    out.push_str("\n} as const;");
    Some(out)
}

/// [`const_object`] through the layout document (any properties).
fn const_object_doc(name: &str, properties: &[(String, Value)]) -> String {
    let mut ids = Ids::default();
    let object = if properties.is_empty() {
        text("{}")
    } else {
        let props: Vec<Doc> = properties
            .iter()
            .map(|(k, v)| object_property(k, v, &mut ids))
            .collect();
        // An object written with a line break after `{` stays expanded.
        doc::Doc::Group {
            contents: Box::new(concat(vec![
                text("{"),
                indent(concat(vec![
                    line(),
                    join(concat(vec![text(","), line()]), props),
                ])),
                if_break(text(","), text("")),
                line(),
                text("}"),
            ])),
            id: None,
            broken: true,
        }
    };
    let right = concat(vec![object, text(" as const")]);
    let declaration = fluid(text(name), " =", right, &mut ids);
    doc::print(
        &concat(vec![text("export const "), declaration, text(";")]),
        0,
    )
}

/// prettier's layout of `key: value` in an object literal.
fn object_property(key: &str, value: &Value, ids: &mut Ids) -> Doc {
    // prettier keeps values next to very short keys.
    let short_key = doc::str_width(key) < doc::INDENT + 3;
    let left = text(key.to_string());
    match value {
        Value::Number(n) if !n.starts_with('-') => {
            concat(vec![group(left), text(": "), text(number(n))])
        }
        _ if short_key => concat(vec![group(left), text(": "), value_doc(value)]),
        Value::String(_) => break_after_operator(left, ":", value_doc(value)),
        Value::Number(_) => fluid(left, ":", value_doc(value), ids),
    }
}

fn value_doc(value: &Value) -> Doc {
    match value {
        Value::String(s) => text(string_literal(s)),
        Value::Number(n) => match n.strip_prefix('-') {
            Some(abs) => concat(vec![text("-"), text(number(abs))]),
            None => text(number(n)),
        },
    }
}

/// A property key as prettier writes it: bare when it is an identifier name, else a
/// string literal.
pub fn property_key(name: &str) -> String {
    let mut out = String::new();
    push_property_key(&mut out, name);
    out
}

/// [`property_key`], appended to `out`.
pub fn push_property_key(out: &mut String, name: &str) {
    if is_es5_identifier_name(name) {
        out.push_str(name);
    } else {
        push_string_literal(out, name);
    }
}

/// A string literal as prettier writes it: double quotes unless the text has more
/// double than single quotes; backslashes, the quote, line terminators and control
/// characters escaped.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string_literal(&mut out, s);
    out
}

/// [`string_literal`], appended to `out`.
pub fn push_string_literal(out: &mut String, s: &str) {
    // Most strings (wire names, enum values) are printable ASCII without quotes or
    // backslashes: written as they are, in double quotes. One pass or'd over every byte
    // (no early exit, so that it vectorizes).
    let special = s.bytes().fold(false, |any, b| {
        any | !(b' '..=b'~').contains(&b) | (b == b'"') | (b == b'\'') | (b == b'\\')
    });
    if !special {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    push_escaped_string_literal(out, s);
}

/// [`push_string_literal`], character by character (any string).
fn push_escaped_string_literal(out: &mut String, s: &str) {
    let doubles = s.bytes().filter(|&c| c == b'"').count();
    let singles = s.bytes().filter(|&c| c == b'\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    out.reserve(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || is_invisible(c) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Invisible formatting characters that could make code read differently from what it
/// is (bidirectional overrides, "Trojan Source"), or hide text: written as escapes in
/// string literals and comments.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// A non-negative JSON number as prettier prints numeric literals: lowercase, no `+`
/// or leading zeros in the exponent, no zero exponent, no trailing fraction zeros
/// (one is kept after the dot).
pub fn number(json: &str) -> String {
    let mut out = String::new();
    push_number(&mut out, json);
    out
}

/// A number literal (a JSON number, possibly negative) as prettier prints it.
pub fn push_number_literal(out: &mut String, n: &str) {
    match n.strip_prefix('-') {
        Some(abs) => {
            out.push('-');
            push_number(out, abs);
        }
        None => push_number(out, n),
    }
}

/// [`number`], appended to `out`.
fn push_number(out: &mut String, json: &str) {
    // Integers (enum values, most literals) are written as they are.
    if json.bytes().all(|b| b.is_ascii_digit()) {
        out.push_str(json);
        return;
    }
    out.push_str(&number_text(json));
}

fn number_text(json: &str) -> String {
    let lower = json.to_ascii_lowercase();
    if lower.len() == 1 {
        return lower;
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m.to_string(), Some(e.to_string())),
        None => (lower.clone(), None),
    };
    let mantissa = match mantissa.split_once('.') {
        Some((int, frac)) => {
            let trimmed = frac.trim_end_matches('0');
            let frac = if trimmed.is_empty() {
                &frac[..frac.len().min(1)]
            } else {
                trimmed
            };
            if frac.is_empty() {
                int.to_string()
            } else {
                format!("{int}.{frac}")
            }
        }
        None => mantissa,
    };
    match exponent {
        None => mantissa,
        Some(e) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ("-", d),
                None => ("", e.strip_prefix('+').unwrap_or(&e)),
            };
            let digits = digits.trim_start_matches('0');
            if digits.is_empty() {
                mantissa
            } else {
                format!("{mantissa}e{sign}{digits}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: &str) -> TsType {
        TsType::Ref(n.to_string())
    }
    fn s(v: &str) -> TsType {
        TsType::StringLit(v.to_string())
    }

    #[test]
    fn short_constructs_stay_on_one_line() {
        assert_eq!(
            type_alias("A", &TsType::union(vec![r("B"), TsType::Keyword("null")])),
            "export type A = B | null;"
        );
        assert_eq!(
            property_signature(
                "first-name",
                true,
                false,
                &TsType::Array(Box::new(TsType::union(vec![r("A"), r("B")]))),
                2
            ),
            "\"first-name\"?: (A | B)[];"
        );
        assert_eq!(
            type_alias(
                "M",
                &TsType::Generic("Record".into(), vec![TsType::Keyword("string"), r("V")])
            ),
            "export type M = Record<string, V>;"
        );
    }

    /// The direct one-line property signatures are the document's.
    #[test]
    fn flat_property_signatures_match_the_document() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x2545_f491_4f6c_dd1du64);
        fn leaf(k: usize, len: usize) -> TsType {
            let word = "abcdefghijklmnopqrstuvwxyz"[..1 + len % 26].to_string();
            match k {
                0 => TsType::Keyword(["string", "number", "null", "unknown"][len % 4]),
                1 => TsType::Ref(format!("T{word}")),
                2 => TsType::StringLit(format!("{word} it's")),
                3 => TsType::NumberLit(["-1.50", "1E+05", "0", "-7"][len % 4].to_string()),
                4 => TsType::BoolLit(len.is_multiple_of(2)),
                5 => TsType::Array(Box::new(leaf(len % 5, len / 2))),
                6 => TsType::Tuple(
                    (0..len % 4).map(|i| leaf((len + i) % 6, len / 3)).collect(),
                    len.is_multiple_of(3)
                        .then(|| Box::new(leaf(len % 5, len / 4))),
                ),
                7 => TsType::Generic(
                    ["Record", "Partial", "Map"][len % 3].to_string(),
                    (0..len % 3)
                        .map(|i| match (len + i) % 3 {
                            0 => TsType::union(vec![leaf(i % 5, len), leaf(1, len / 2)]),
                            _ => leaf((len + i) % 6, len / 2),
                        })
                        .collect(),
                ),
                _ => TsType::Tuple(
                    vec![
                        TsType::union(vec![leaf(1, len), TsType::Keyword("null")]),
                        leaf(len % 5, len / 2),
                    ],
                    None,
                ),
            }
        }
        let mut flat = 0;
        for _ in 0..5_000 {
            let ty = if below(3) == 0 {
                leaf(below(9), below(40))
            } else {
                TsType::union(
                    (0..2 + below(5))
                        .map(|_| leaf(below(9), below(40)))
                        .collect(),
                )
            };
            let key = ["id", "first-name", "x"][below(3)];
            let (optional, read_only, indent) = (below(2) == 0, below(2) == 0, 2 * below(4));
            let direct = property_signature(key, optional, read_only, &ty, indent);
            let document = property_signature_doc(key, optional, read_only, &ty, indent);
            assert_eq!(direct, document, "{ty:?}");
            let name = ["A", "Größe", "LongerTypeNameOfTheSchema"][below(3)];
            assert_eq!(type_alias(name, &ty), type_alias_doc(name, &ty), "{ty:?}");
            flat += usize::from(!direct.contains('\n'));
        }
        assert!(flat > 1_000, "{flat}");
    }

    /// The direct const objects (every property on its line) are the document's.
    #[test]
    fn const_objects_match_the_document() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x7c15_9e37_79b9_7f4au64);
        let mut direct = 0;
        for _ in 0..3_000 {
            let properties: Vec<(String, Value)> = (0..below(5))
                .map(|_| {
                    let key =
                        ["A", "Key", "Value12", "漢字", "\"a-b\""][below(5)].repeat(1 + below(12));
                    let value = match below(4) {
                        0 => Value::Number(["1", "-7", "1.50", "-2E+3"][below(4)].to_string()),
                        _ => Value::String(
                            ["x", "it's", "say \"hi\"", "漢", "a\nb"][below(5)].repeat(below(30)),
                        ),
                    };
                    (key, value)
                })
                .collect();
            let name = ["Status", "Größe", "x".repeat(70).leak()][below(3)];
            let lines = const_object_lines(name, &properties);
            let document = const_object_doc(name, &properties);
            if let Some(lines) = lines {
                assert_eq!(lines, document, "{properties:?}");
                direct += 1;
            }
            assert_eq!(const_object(name, &properties), document);
        }
        assert!(direct > 500, "{direct}");
    }

    /// The direct method heads (on one line, or one parameter a line) are the document's.
    #[test]
    fn method_heads_match_the_document() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x1234_5678_9abc_def1u64);
        let leaf = |k: usize, len: usize| -> TsType {
            let word = "abcdefghijklmnopqrstuvwxyz"[..1 + len % 26].to_string();
            match k {
                0 => TsType::Keyword(["void", "number", "null", "unknown"][len % 4]),
                1 => TsType::Ref(format!("Result{word}")),
                2 => TsType::StringLit(format!("{word} it's")),
                3 => TsType::NumberLit(["-1.50", "1E+05", "0", "-7"][len % 4].to_string()),
                4 => TsType::Array(Box::new(TsType::Ref(format!("Item{word}")))),
                5 => TsType::Generic(
                    "Record".into(),
                    vec![TsType::Keyword("string"), TsType::Ref(word)],
                ),
                _ => TsType::IndexObject(Box::new(TsType::Ref(word))),
            }
        };
        let mut counts = [0usize; 2];
        for _ in 0..5_000 {
            let inner = match below(4) {
                0 | 1 => leaf(below(7), below(60)),
                2 => TsType::union(vec![leaf(below(7), below(60)), TsType::Keyword("null")]),
                _ => TsType::union(
                    (0..2 + below(3))
                        .map(|_| leaf(below(7), below(40)))
                        .collect(),
                ),
            };
            let returns = TsType::Generic("Promise".into(), vec![inner]);
            let name = ["get", "searchAddress262", "größe", "x".repeat(40).leak()][below(4)];
            let mut params: Vec<String> = Vec::new();
            if below(4) > 0 {
                params.push(format!(
                    "params{}: {}Params",
                    ["", "?"][below(2)],
                    "P".repeat(below(50))
                ));
            }
            params.push(["options?: CallOptions", "漢字: 漢字"][below(2)].to_string());
            let indent = 2 * below(3);
            let direct = method_head(name, &params, &returns, indent);
            let document = method_head_doc(name, &params, &returns, indent);
            assert_eq!(direct, document, "{returns:?}");
            // A name or keyword as the type argument, written as text.
            let plain_arg = match &returns {
                TsType::Generic(_, args) => match args.as_slice() {
                    [TsType::Ref(name)] => Some(name.as_str()),
                    [TsType::Keyword(keyword)] => Some(*keyword),
                    _ => None,
                },
                _ => None,
            };
            if let Some(arg) = plain_arg {
                let mut plain = String::new();
                assert!(push_method_head_plain(
                    &mut plain, name, &params, "Promise", arg, indent
                ));
                assert_eq!(plain, document, "{returns:?}");
            }
            counts[usize::from(direct.contains('\n'))] += 1;
        }
        assert!(counts.iter().all(|&c| c > 1_000), "{counts:?}");
    }

    /// The direct imports are the document's.
    #[test]
    fn imports_match_the_document() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x0dd1_b1a5_e5e5_u64);
        let mut counts = [0usize; 2];
        for _ in 0..2_000 {
            let names: Vec<String> = (0..below(8))
                .map(|_| ["A", "EventMap", "Größe", "漢字", "x"][below(5)].repeat(1 + below(6)))
                .collect();
            let type_only = below(2) == 0;
            let keyword = if type_only { "import type " } else { "import " };
            let direct = import(&names, "./types.js", type_only);
            assert_eq!(
                direct,
                import_doc(&names, "./types.js", keyword),
                "{names:?}"
            );
            counts[usize::from(direct.contains('\n'))] += 1;
        }
        assert!(counts.iter().all(|&c| c > 200), "{counts:?}");
    }

    /// The direct return statements (on one line, or an argument a line) are the
    /// document's.
    #[test]
    fn flat_return_calls_match_the_document() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x9e37_79b9_7f4a_7c15u64);
        let words = [
            "params",
            "options",
            "\"a.b_c\"",
            "",
            "größe",
            "漢字",
            "x\ny",
        ];
        let mut flat = 0;
        for _ in 0..5_000 {
            let callee = ["this.#runtime.call", "f", "this.#runtime.subscribe"][below(3)];
            let args: Vec<String> = (0..below(5))
                .map(|_| words[below(7)].repeat(1 + below(12)))
                .collect();
            let indent = 2 * below(6);
            let direct = return_call(callee, &args, indent);
            assert_eq!(direct, return_call_doc(callee, &args, indent), "{args:?}");
            flat += usize::from(!direct.contains('\n'));
        }
        assert!(flat > 1_000, "{flat}");
    }

    #[test]
    fn long_unions_break_like_prettier() {
        let members: Vec<TsType> = (0..4)
            .map(|i| s(&format!("value_number_{i}_xxxxxxxx")))
            .collect();
        assert_eq!(
            type_alias("Status", &TsType::union(members.clone())),
            "export type Status =\n  | \"value_number_0_xxxxxxxx\"\n  | \"value_number_1_xxxxxxxx\"\n  | \"value_number_2_xxxxxxxx\"\n  | \"value_number_3_xxxxxxxx\";"
        );
        assert_eq!(
            property_signature(
                "items",
                false,
                false,
                &TsType::Array(Box::new(TsType::union(members))),
                2
            ),
            "items: (\n    | \"value_number_0_xxxxxxxx\"\n    | \"value_number_1_xxxxxxxx\"\n    | \"value_number_2_xxxxxxxx\"\n    | \"value_number_3_xxxxxxxx\"\n  )[];"
        );
    }

    /// The string literals written as they are are the escaped ones.
    #[test]
    fn plain_string_literals_match_the_escaped() {
        let mut below = crate::lang::typescript::fuzz::below_from(0x3c6e_f372_fe94_f82bu64);
        let pieces = [
            "a", "Z_9", " ", "~", "\"", "'", "\\", "\n", "\u{7f}", "\0", "é", "\u{2028}",
            "\u{202e}",
        ];
        for _ in 0..5_000 {
            let s: String = (0..below(6)).map(|_| pieces[below(13)]).collect();
            let (mut direct, mut escaped) = (String::new(), String::new());
            push_string_literal(&mut direct, &s);
            push_escaped_string_literal(&mut escaped, &s);
            assert_eq!(direct, escaped, "{s:?}");
        }
    }

    #[test]
    fn strings_and_numbers() {
        assert_eq!(string_literal("plain"), "\"plain\"");
        assert_eq!(string_literal("it's"), "\"it's\"");
        assert_eq!(string_literal("say \"hi\""), "'say \"hi\"'");
        assert_eq!(
            string_literal("a\\b\n*/\u{2028}\0"),
            "\"a\\\\b\\n*/\\u2028\\u0000\""
        );
        assert_eq!(number("1.50"), "1.5");
        assert_eq!(number("1.0"), "1.0");
        assert_eq!(number("1.000"), "1.0");
        assert_eq!(number("1E+05"), "1e5");
        assert_eq!(number("2e-007"), "2e-7");
        assert_eq!(number("3e0"), "3");
        assert_eq!(property_key("a-b"), "\"a-b\"");
        assert_eq!(property_key("größe"), "größe");
    }
}
