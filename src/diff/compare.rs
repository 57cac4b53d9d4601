//! Structural comparison of two normalized APIs.

use std::collections::{HashMap, HashSet};

use super::Change;
use super::rules::{Class, Direction, Rule};
use crate::ir::{
    AdditionalProperties, Api, Literal, NumberConstraints, ObjectType, StringFormat, StringType,
    TypeId, TypeKind, TypeSpace, UnionType,
};
use crate::schema::error::escape_token;

/// Where the comparison is: a readable path through the API and the JSON pointer of the
/// nearest schema in each document.
#[derive(Debug, Clone)]
struct At {
    location: String,
    old: String,
    new: String,
}

impl At {
    fn child(&self, suffix: &str) -> At {
        At {
            location: format!("{}{suffix}", self.location),
            ..self.clone()
        }
    }
}

/// What makes two reports the same: rule, class, both pointers and the message.
type ReportKey = (Rule, Class, Option<String>, Option<String>, String);

pub(super) struct Comparer<'a> {
    old: &'a Api,
    new: &'a Api,
    new_names: HashSet<&'a str>,
    /// Pairs of types already compared where one is named (named types carry their own
    /// pointers, so one report per pair is complete; this also ends recursion).
    seen: HashSet<(TypeId, TypeId, Direction)>,
    reported: HashSet<ReportKey>,
    pub(super) changes: Vec<Change>,
}

impl<'a> Comparer<'a> {
    pub(super) fn new(old: &'a Api, new: &'a Api) -> Self {
        let new_names = new
            .types
            .types
            .iter()
            .filter_map(|t| t.name.as_ref().map(|n| n.name.as_str()))
            .collect();
        Comparer {
            old,
            new,
            new_names,
            seen: HashSet::new(),
            reported: HashSet::new(),
            changes: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_class(
        &mut self,
        rule: Rule,
        class: Class,
        old: Option<&str>,
        new: Option<&str>,
        location: &str,
        message: String,
    ) {
        let key = (
            rule,
            class,
            old.map(String::from),
            new.map(String::from),
            message.clone(),
        );
        if !self.reported.insert(key) {
            return;
        }
        self.changes.push(Change {
            rule,
            class,
            old_pointer: old.map(String::from),
            new_pointer: new.map(String::from),
            location: location.to_string(),
            message,
        });
    }

    /// A change inside a type, classified by the direction.
    fn emit(&mut self, rule: Rule, dir: Direction, at: &At, message: String) {
        let class = rule.class_in(dir);
        self.emit_class(
            rule,
            class,
            Some(&at.old),
            Some(&at.new),
            &at.location,
            message,
        );
    }

    /// A method-, event- or server-level change (one class in both directions).
    fn emit_top(
        &mut self,
        rule: Rule,
        old: Option<&str>,
        new: Option<&str>,
        loc: &str,
        msg: String,
    ) {
        let class = rule.class_in(Direction::Input);
        self.emit_class(rule, class, old, new, loc, msg);
    }

    pub(super) fn compare_api(&mut self) {
        let (old, new) = (self.old, self.new);
        for (name, url) in &old.servers {
            let pointer = format!("/servers/{}", escape_token(name));
            match new.servers.get(name) {
                None => self.emit_top(
                    Rule::ServerRemoved,
                    Some(&pointer),
                    None,
                    name,
                    format!("server {name:?} was removed"),
                ),
                Some(u) if u != url => self.emit_top(
                    Rule::ServerUrlChanged,
                    Some(&pointer),
                    Some(&pointer),
                    name,
                    format!("server {name:?} moved from {url:?} to {u:?}"),
                ),
                Some(_) => {}
            }
        }
        for name in new.servers.keys() {
            if !old.servers.contains_key(name) {
                let pointer = format!("/servers/{}", escape_token(name));
                self.emit_top(
                    Rule::ServerAdded,
                    None,
                    Some(&pointer),
                    name,
                    format!("server {name:?} was added"),
                );
            }
        }

        let new_methods: HashMap<&str, usize> = new
            .methods
            .iter()
            .enumerate()
            .map(|(i, m)| (m.wire_name.as_str(), i))
            .collect();
        let old_names: HashSet<&str> = old.methods.iter().map(|m| m.wire_name.as_str()).collect();
        for m in &old.methods {
            let Some(&j) = new_methods.get(m.wire_name.as_str()) else {
                let renamed = new
                    .methods
                    .iter()
                    .filter(|n| !old_names.contains(n.wire_name.as_str()))
                    .find(|n| same_signature(old, new, m, n));
                let hint = renamed
                    .map(|n| format!(" (renamed to {:?}?)", n.wire_name))
                    .unwrap_or_default();
                self.emit_top(
                    Rule::MethodRemoved,
                    Some(&m.pointer),
                    None,
                    &m.wire_name,
                    format!("method {:?} was removed{hint}", m.wire_name),
                );
                continue;
            };
            let n = &new.methods[j];
            self.compare_method(m, n);
        }
        for n in &new.methods {
            if !old_names.contains(n.wire_name.as_str()) {
                self.emit_top(
                    Rule::MethodAdded,
                    None,
                    Some(&n.pointer),
                    &n.wire_name,
                    format!("method {:?} was added", n.wire_name),
                );
            }
        }

        for e in &old.events {
            match new.events.iter().find(|n| n.wire_name == e.wire_name) {
                None => self.emit_top(
                    Rule::EventRemoved,
                    Some(&e.pointer),
                    None,
                    &format!("event {}", e.wire_name),
                    format!("event {:?} was removed", e.wire_name),
                ),
                Some(n) => {
                    let at = At {
                        location: format!("event {}(payload)", e.wire_name),
                        old: format!("{}/payload", e.pointer),
                        new: format!("{}/payload", n.pointer),
                    };
                    self.compare_type(e.payload, n.payload, Direction::Output, &at);
                }
            }
        }
        for n in &new.events {
            if !old.events.iter().any(|e| e.wire_name == n.wire_name) {
                self.emit_top(
                    Rule::EventAdded,
                    None,
                    Some(&n.pointer),
                    &format!("event {}", n.wire_name),
                    format!("event {:?} was added", n.wire_name),
                );
            }
        }
    }

    fn compare_method(&mut self, m: &crate::ir::Method, n: &crate::ir::Method) {
        let name = &m.wire_name;
        if !m.deprecated && n.deprecated {
            self.emit_top(
                Rule::MethodDeprecated,
                Some(&m.pointer),
                Some(&n.pointer),
                name,
                format!("method {name:?} is now deprecated"),
            );
        }
        let params_old = format!("{}/params", m.pointer);
        let params_new = format!("{}/params", n.pointer);
        match (m.params, n.params) {
            (None, None) => {}
            (None, Some(p)) => {
                let required: Vec<&str> = match self.new.types.kind(p) {
                    TypeKind::Object(o) => o
                        .fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| f.wire_name.as_str())
                        .collect(),
                    _ => Vec::new(),
                };
                let why = if required.is_empty() {
                    ": calls passing call options as the first argument no longer compile"
                        .to_string()
                } else {
                    format!(
                        ", with required fields {}: no existing call compiles",
                        quoted_list(&required)
                    )
                };
                self.emit_class(
                    Rule::MethodParamsAdded,
                    Class::Breaking,
                    Some(&m.pointer),
                    Some(&params_new),
                    &format!("{name}(params)"),
                    format!("method {name:?} now takes params{why}"),
                );
            }
            (Some(_), None) => self.emit_top(
                Rule::MethodParamsRemoved,
                Some(&params_old),
                Some(&n.pointer),
                &format!("{name}(params)"),
                format!("method {name:?} no longer takes params"),
            ),
            (Some(a), Some(b)) => {
                let at = At {
                    location: format!("{name}(params)"),
                    old: params_old,
                    new: params_new,
                };
                self.compare_type(a, b, Direction::Input, &at);
            }
        }
        let result_old = format!("{}/result", m.pointer);
        let result_new = format!("{}/result", n.pointer);
        match (m.result, n.result) {
            (None, None) => {}
            (None, Some(_)) => self.emit_top(
                Rule::MethodResultAdded,
                Some(&m.pointer),
                Some(&result_new),
                &format!("{name}(result)"),
                format!("method {name:?} now returns a result"),
            ),
            (Some(_), None) => self.emit_top(
                Rule::MethodResultRemoved,
                Some(&result_old),
                Some(&n.pointer),
                &format!("{name}(result)"),
                format!("method {name:?} no longer returns a result"),
            ),
            (Some(a), Some(b)) => {
                let at = At {
                    location: format!("{name}(result)"),
                    old: result_old,
                    new: result_new,
                };
                self.compare_type(a, b, Direction::Output, &at);
            }
        }
    }

    fn compare_type(&mut self, o: TypeId, n: TypeId, dir: Direction, at: &At) {
        let (os, ns) = (&self.old.types, &self.new.types);
        let (oe, ne) = (os.get(o), ns.get(n));
        if (oe.name.is_some() || ne.name.is_some()) && !self.seen.insert((o, n, dir)) {
            return;
        }
        // `site`: where the type is used (a field, a method's result); `at`: where it is
        // defined (a named type's own schema). Changes of the type's shape at its use
        // (nullability, a different kind) are reported at the site, changes inside a
        // named type at its definition.
        let site = at.clone();
        let mut at = at.clone();
        if oe.name.is_some() {
            at.old = oe.pointer.clone();
        }
        if ne.name.is_some() {
            at.new = ne.pointer.clone();
        }
        if let Some(on) = &oe.name
            && !self.new_names.contains(on.name.as_str())
        {
            let message = match &ne.name {
                Some(nn) => format!("type {} is now named {}", on.name, nn.name),
                None => format!(
                    "type {} no longer exists (its shape is now inline)",
                    on.name
                ),
            };
            self.emit(Rule::TypeRenamed, dir, &at, message);
        }
        use TypeKind::*;
        match (&oe.kind, &ne.kind) {
            (Alias(a), _) => return self.compare_type(*a, n, dir, &at),
            (_, Alias(b)) => return self.compare_type(o, *b, dir, &at),
            _ => {}
        }
        let (ok, nk) = (&oe.kind, &ne.kind);
        match (ok, nk) {
            (Any, Any) | (Never, Never) | (Null, Null) | (Boolean, Boolean) => {}
            (_, Any) => self.emit(
                Rule::TypeWidened,
                dir,
                &site,
                format!("{} is now any JSON value", describe(os, o)),
            ),
            (Any, _) => self.emit(
                Rule::TypeNarrowed,
                dir,
                &site,
                format!("any JSON value is now {}", describe(ns, n)),
            ),
            (Never, _) => self.emit(
                Rule::TypeWidened,
                dir,
                &site,
                format!("no value was valid, now {}", describe(ns, n)),
            ),
            (_, Never) => self.emit(
                Rule::TypeNarrowed,
                dir,
                &site,
                format!("{} now accepts no value", describe(os, o)),
            ),
            (Nullable(a), Nullable(b)) => self.compare_type(*a, *b, dir, &site),
            (Nullable(a), _) => {
                self.emit(
                    Rule::TypeBecameNonNullable,
                    dir,
                    &site,
                    format!("{} is no longer nullable", describe(os, *a)),
                );
                self.compare_type(*a, n, dir, &site);
            }
            (_, Nullable(b)) => {
                let message = match dir {
                    Direction::Output => format!(
                        "{} may now be null (callers must handle null)",
                        describe(os, o)
                    ),
                    Direction::Input => format!("{} may now be null", describe(os, o)),
                };
                self.emit(Rule::TypeBecameNullable, dir, &site, message);
                self.compare_type(o, *b, dir, &site);
            }
            (Object(x), Object(y)) => self.compare_object(x, y, dir, &at),
            (Map(x), Map(y)) => {
                if let (Some(kx), Some(ky)) = (x.keys, y.keys) {
                    self.compare_type(kx, ky, dir, &at.child("{keys}"));
                }
                self.compare_type(x.values, y.values, dir, &at.child("{}"));
                self.count(
                    "minProperties",
                    "maxProperties",
                    (x.min_properties, x.max_properties),
                    (y.min_properties, y.max_properties),
                    dir,
                    &at,
                );
            }
            (Array(x), Array(y)) => {
                if x.unique != y.unique {
                    let (a, b) = if x.unique {
                        ("a set", "a list")
                    } else {
                        ("a list", "a set")
                    };
                    self.emit(
                        Rule::TypeChanged,
                        dir,
                        &at,
                        format!("uniqueItems changed: {a} is now {b} (set[T] / list[T] in Python)"),
                    );
                }
                self.compare_type(x.items, y.items, dir, &at.child("[]"));
                self.count(
                    "minItems",
                    "maxItems",
                    (x.min_items, x.max_items),
                    (y.min_items, y.max_items),
                    dir,
                    &at,
                );
            }
            (Tuple(x), Tuple(y)) => {
                if x.items.len() != y.items.len() {
                    self.emit(
                        Rule::TypeChanged,
                        dir,
                        &at,
                        format!(
                            "tuple of {} items is now a tuple of {} items",
                            x.items.len(),
                            y.items.len()
                        ),
                    );
                } else {
                    for (i, (a, b)) in x.items.iter().zip(&y.items).enumerate() {
                        self.compare_type(*a, *b, dir, &at.child(&format!("[{i}]")));
                    }
                }
                match (x.rest, y.rest) {
                    (None, Some(_)) => self.emit(
                        Rule::TypeWidened,
                        dir,
                        &at,
                        "the tuple now allows extra items".into(),
                    ),
                    (Some(_), None) => self.emit(
                        Rule::TypeNarrowed,
                        dir,
                        &at,
                        "the tuple no longer allows extra items".into(),
                    ),
                    (Some(a), Some(b)) => self.compare_type(a, b, dir, &at.child("[..]")),
                    (None, None) => {}
                }
            }
            (Union(x), Union(y)) => self.compare_union(x, y, dir, &at),
            (Union(x), _) => match best_match(os, &x.variants, ns, n) {
                Some(v) => {
                    self.emit(
                        Rule::UnionVariantRemoved,
                        dir,
                        &site,
                        format!("{} is now only {}", describe(os, o), describe(ns, n)),
                    );
                    self.compare_type(v, n, dir, &site);
                }
                None => self.changed(o, n, dir, &site),
            },
            (_, Union(y)) => match best_match(ns, &y.variants, os, o) {
                Some(v) => {
                    self.emit(
                        Rule::UnionVariantAdded,
                        dir,
                        &site,
                        format!("{} is now {}", describe(os, o), describe(ns, n)),
                    );
                    self.compare_type(o, v, dir, &site);
                }
                None => self.changed(o, n, dir, &site),
            },
            (Enum(x), Enum(y)) => {
                if x.repr != y.repr {
                    self.changed(o, n, dir, &at);
                } else {
                    let old: Vec<std::string::String> = x
                        .values
                        .iter()
                        .map(|v| enum_value(x.repr, &v.wire))
                        .collect();
                    let new: Vec<std::string::String> = y
                        .values
                        .iter()
                        .map(|v| enum_value(y.repr, &v.wire))
                        .collect();
                    let mut at = at.clone();
                    at.old.push_str("/enum");
                    at.new.push_str("/enum");
                    self.value_sets(&old, &new, dir, &at);
                }
            }
            (Literal(_) | LiteralUnion(_), Literal(_) | LiteralUnion(_)) => {
                let old = literals(ok);
                let new = literals(nk);
                self.value_sets(&old, &new, dir, &at);
            }
            (Literal(_) | LiteralUnion(_), base) if literals_fit(ok, base) => self.emit(
                Rule::TypeWidened,
                dir,
                &site,
                format!("{} is now any {}", describe(os, o), describe(ns, n)),
            ),
            (base, Literal(_) | LiteralUnion(_)) if literals_fit(nk, base) => self.emit(
                Rule::TypeNarrowed,
                dir,
                &site,
                format!("{} is now only {}", describe(os, o), describe(ns, n)),
            ),
            (Integer(a), Integer(b)) | (Number(a), Number(b)) => self.numbers(a, b, dir, &at),
            (Integer(a), Number(b)) => {
                self.emit(Rule::TypeWidened, dir, &at, "integer is now number".into());
                self.numbers(a, b, dir, &at);
            }
            (Number(a), Integer(b)) => {
                self.emit(Rule::TypeNarrowed, dir, &at, "number is now integer".into());
                self.numbers(a, b, dir, &at);
            }
            (String(a), String(b)) => self.strings(a, b, dir, &at),
            _ => self.changed(o, n, dir, &site),
        }
    }

    fn changed(&mut self, o: TypeId, n: TypeId, dir: Direction, at: &At) {
        let message = format!(
            "{} is now {}",
            describe(&self.old.types, o),
            describe(&self.new.types, n)
        );
        self.emit(Rule::TypeChanged, dir, at, message);
    }

    fn value_sets(&mut self, old: &[String], new: &[String], dir: Direction, at: &At) {
        for v in new.iter().filter(|v| !old.contains(v)) {
            let why = match dir {
                Direction::Output => {
                    ": exhaustive switch/match statements over it break, and clients generated \
                     from the old schema reject the value"
                }
                Direction::Input => "",
            };
            self.emit(
                Rule::EnumValueAdded,
                dir,
                at,
                format!("value {v} was added{why}"),
            );
        }
        for v in old.iter().filter(|v| !new.contains(v)) {
            self.emit(
                Rule::EnumValueRemoved,
                dir,
                at,
                format!("value {v} was removed"),
            );
        }
    }

    fn compare_object(&mut self, x: &ObjectType, y: &ObjectType, dir: Direction, at: &At) {
        let field_at = |name: &str| At {
            location: format!("{}.{name}", at.location),
            old: format!("{}/properties/{}", at.old, escape_token(name)),
            new: format!("{}/properties/{}", at.new, escape_token(name)),
        };
        for f in &x.fields {
            let fat = field_at(&f.wire_name);
            let Some(g) = y.fields.iter().find(|g| g.wire_name == f.wire_name) else {
                let class = Rule::FieldRemoved.class_in(dir);
                self.emit_class(
                    Rule::FieldRemoved,
                    class,
                    Some(&fat.old),
                    None,
                    &fat.location,
                    format!("field {:?} was removed", f.wire_name),
                );
                continue;
            };
            if f.required && !g.required {
                self.emit(
                    Rule::FieldBecameOptional,
                    dir,
                    &fat,
                    format!("field {:?} is no longer required", f.wire_name),
                );
            } else if !f.required && g.required {
                self.emit(
                    Rule::FieldBecameRequired,
                    dir,
                    &fat,
                    format!("field {:?} is now required", f.wire_name),
                );
            }
            if !g.required && f.default != g.default {
                let show = |d: &Option<crate::ir::JsonValue>| {
                    d.as_ref().map_or("none".to_string(), |v| v.0.clone())
                };
                self.emit(
                    Rule::FieldDefaultChanged,
                    dir,
                    &fat,
                    format!(
                        "default of {:?} changed from {} to {}",
                        f.wire_name,
                        show(&f.default),
                        show(&g.default)
                    ),
                );
            }
            if !f.docs.deprecated && g.docs.deprecated {
                self.emit(
                    Rule::FieldDeprecated,
                    dir,
                    &fat,
                    format!("field {:?} is now deprecated", f.wire_name),
                );
            }
            self.compare_type(f.ty, g.ty, dir, &fat);
        }
        let forbade = x.additional == AdditionalProperties::Forbidden;
        for g in &y.fields {
            if x.fields.iter().any(|f| f.wire_name == g.wire_name) {
                continue;
            }
            let fat = field_at(&g.wire_name);
            let rule = if g.required {
                Rule::FieldAddedRequired
            } else {
                Rule::FieldAddedOptional
            };
            let (class, why) = if dir == Direction::Output && forbade {
                (
                    Class::Breaking,
                    ": the object forbade extra keys (additionalProperties: false), so clients \
                     generated from the old schema reject it",
                )
            } else {
                (rule.class_in(dir), "")
            };
            let kind = if g.required { "required" } else { "optional" };
            self.emit_class(
                rule,
                class,
                None,
                Some(&fat.new),
                &fat.location,
                format!("{kind} field {:?} was added{why}", g.wire_name),
            );
        }
        use AdditionalProperties::*;
        let extra = at.child("{extra}");
        match (&x.additional, &y.additional) {
            (Allowed, Allowed) | (Forbidden, Forbidden) => {}
            (Typed(a), Typed(b)) => self.compare_type(*a, *b, dir, &extra),
            (Allowed, Forbidden) | (Typed(_), Forbidden) => self.emit(
                Rule::TypeNarrowed,
                dir,
                at,
                "extra keys are no longer allowed (additionalProperties: false)".into(),
            ),
            (Forbidden, Allowed) | (Forbidden, Typed(_)) => self.emit(
                Rule::TypeWidened,
                dir,
                at,
                "extra keys are now allowed".into(),
            ),
            (Allowed, Typed(b)) => {
                if *self.new.types.kind(*b) != TypeKind::Any {
                    self.emit(
                        Rule::TypeNarrowed,
                        dir,
                        at,
                        format!("extra keys must now be {}", describe(&self.new.types, *b)),
                    );
                }
            }
            (Typed(a), Allowed) => {
                if *self.old.types.kind(*a) != TypeKind::Any {
                    self.emit(
                        Rule::TypeWidened,
                        dir,
                        at,
                        "extra keys may now be of any type".into(),
                    );
                }
            }
        }
    }

    fn compare_union(&mut self, x: &UnionType, y: &UnionType, dir: Direction, at: &At) {
        let (os, ns) = (&self.old.types, &self.new.types);
        if let (Some(dx), Some(dy)) = (&x.discriminator, &y.discriminator) {
            if dx.property == dy.property {
                for (tag, a) in &dx.mapping {
                    let child = at.child(&format!("|{}={tag:?}", dx.property));
                    match dy.mapping.iter().find(|(t, _)| t == tag) {
                        Some((_, b)) => self.compare_type(*a, *b, dir, &child),
                        None => self.emit(
                            Rule::UnionVariantRemoved,
                            dir,
                            at,
                            format!(
                                "variant {}={tag:?} ({}) was removed",
                                dx.property,
                                describe(os, *a)
                            ),
                        ),
                    }
                }
                for (tag, b) in &dy.mapping {
                    if !dx.mapping.iter().any(|(t, _)| t == tag) {
                        let why = if dir == Direction::Output {
                            ": exhaustive handling of the union breaks, and clients generated \
                             from the old schema reject it"
                        } else {
                            ""
                        };
                        self.emit(
                            Rule::UnionVariantAdded,
                            dir,
                            at,
                            format!(
                                "variant {}={tag:?} ({}) was added{why}",
                                dy.property,
                                describe(ns, *b)
                            ),
                        );
                    }
                }
                return;
            }
            self.emit(
                Rule::TypeChanged,
                dir,
                at,
                format!(
                    "the union's discriminator changed from {:?} to {:?}",
                    dx.property, dy.property
                ),
            );
        }
        // Match variants: same name or kind first, then the same family (an object for an
        // object, a number for a number...).
        let mut pairs = Vec::new();
        let mut free_new: Vec<TypeId> = y.variants.clone();
        let mut free_old = Vec::new();
        for &a in &x.variants {
            let key = variant_key(os, a);
            match free_new.iter().position(|&b| variant_key(ns, b) == key) {
                Some(i) => pairs.push((a, free_new.remove(i))),
                None => free_old.push(a),
            }
        }
        let mut unmatched_old = Vec::new();
        for a in free_old {
            let family = variant_family(os, a);
            match free_new
                .iter()
                .position(|&b| variant_family(ns, b) == family)
            {
                Some(i) => pairs.push((a, free_new.remove(i))),
                None => unmatched_old.push(a),
            }
        }
        for a in unmatched_old {
            self.emit(
                Rule::UnionVariantRemoved,
                dir,
                at,
                format!("variant {} was removed", describe(os, a)),
            );
        }
        for b in free_new {
            let why = if dir == Direction::Output {
                ": exhaustive handling of the union breaks"
            } else {
                ""
            };
            self.emit(
                Rule::UnionVariantAdded,
                dir,
                at,
                format!("variant {} was added{why}", describe(ns, b)),
            );
        }
        for (a, b) in pairs {
            self.compare_type(a, b, dir, &at.child(&format!("|{}", describe(os, a))));
        }
    }

    fn numbers(&mut self, a: &NumberConstraints, b: &NumberConstraints, dir: Direction, at: &At) {
        self.bound("minimum", &a.minimum, &b.minimum, true, dir, at);
        self.bound(
            "exclusiveMinimum",
            &a.exclusive_minimum,
            &b.exclusive_minimum,
            true,
            dir,
            at,
        );
        self.bound("maximum", &a.maximum, &b.maximum, false, dir, at);
        self.bound(
            "exclusiveMaximum",
            &a.exclusive_maximum,
            &b.exclusive_maximum,
            false,
            dir,
            at,
        );
        match (&a.multiple_of, &b.multiple_of) {
            (None, None) => {}
            (None, Some(m)) => self.emit(
                Rule::TypeNarrowed,
                dir,
                at,
                format!("multipleOf {m} was added"),
            ),
            (Some(m), None) => self.emit(
                Rule::TypeWidened,
                dir,
                at,
                format!("multipleOf {m} was removed"),
            ),
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                let (fx, fy) = (x.parse::<f64>().ok(), y.parse::<f64>().ok());
                let rule = match (fx, fy) {
                    (Some(fx), Some(fy)) if fx != 0.0 && (fy / fx).fract() == 0.0 => {
                        Rule::TypeNarrowed
                    }
                    (Some(fx), Some(fy)) if fy != 0.0 && (fx / fy).fract() == 0.0 => {
                        Rule::TypeWidened
                    }
                    _ => Rule::TypeChanged,
                };
                self.emit(rule, dir, at, format!("multipleOf changed from {x} to {y}"));
            }
        }
    }

    /// A lower (`lower`) or upper bound: adding or tightening it narrows the type.
    fn bound(
        &mut self,
        keyword: &str,
        a: &Option<String>,
        b: &Option<String>,
        lower: bool,
        dir: Direction,
        at: &At,
    ) {
        let rule = match (a, b) {
            (None, None) => return,
            (None, Some(v)) => {
                return self.emit(
                    Rule::TypeNarrowed,
                    dir,
                    at,
                    format!("{keyword} {v} was added"),
                );
            }
            (Some(v), None) => {
                return self.emit(
                    Rule::TypeWidened,
                    dir,
                    at,
                    format!("{keyword} {v} was removed"),
                );
            }
            (Some(x), Some(y)) => match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(fx), Ok(fy)) if fx == fy => return,
                (Ok(fx), Ok(fy)) if (fy > fx) == lower => Rule::TypeNarrowed,
                (Ok(_), Ok(_)) => Rule::TypeWidened,
                _ if x == y => return,
                _ => Rule::TypeChanged,
            },
        };
        let (x, y) = (a.as_deref().unwrap_or(""), b.as_deref().unwrap_or(""));
        self.emit(rule, dir, at, format!("{keyword} changed from {x} to {y}"));
    }

    /// A minimum and a maximum count (length, items, properties).
    fn count(
        &mut self,
        min: &str,
        max: &str,
        a: (Option<u64>, Option<u64>),
        b: (Option<u64>, Option<u64>),
        dir: Direction,
        at: &At,
    ) {
        let s = |v: Option<u64>| v.map(|v| v.to_string());
        self.bound(min, &s(a.0), &s(b.0), true, dir, at);
        self.bound(max, &s(a.1), &s(b.1), false, dir, at);
    }

    fn strings(&mut self, a: &StringType, b: &StringType, dir: Direction, at: &At) {
        if a.format != b.format {
            let (pa, pb) = (python_type(&a.format), python_type(&b.format));
            let fa = a.format.as_str().unwrap_or("none");
            let fb = b.format.as_str().unwrap_or("none");
            if pa != pb {
                self.emit(
                    Rule::TypeChanged,
                    dir,
                    at,
                    format!("format changed from {fa} to {fb} (the Python type changes from {pa} to {pb})"),
                );
            } else {
                let rule = match (&a.format, &b.format) {
                    (StringFormat::None, _) => Rule::TypeNarrowed,
                    (_, StringFormat::None) => Rule::TypeWidened,
                    _ => Rule::TypeChanged,
                };
                self.emit(rule, dir, at, format!("format changed from {fa} to {fb}"));
            }
        }
        self.count(
            "minLength",
            "maxLength",
            (a.min_length, a.max_length),
            (b.min_length, b.max_length),
            dir,
            at,
        );
        match (&a.pattern, &b.pattern) {
            (None, None) => {}
            (None, Some(p)) => self.emit(
                Rule::TypeNarrowed,
                dir,
                at,
                format!("pattern {p:?} was added"),
            ),
            (Some(p), None) => self.emit(
                Rule::TypeWidened,
                dir,
                at,
                format!("pattern {p:?} was removed"),
            ),
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => self.emit(
                Rule::TypeChanged,
                dir,
                at,
                format!("pattern changed from {x:?} to {y:?}"),
            ),
        }
    }
}

/// Whether two methods have the same params and result (to suggest a rename).
fn same_signature(old: &Api, new: &Api, m: &crate::ir::Method, n: &crate::ir::Method) -> bool {
    let mut c = Comparer::new(old, new);
    let at = At {
        location: String::new(),
        old: String::new(),
        new: String::new(),
    };
    match (m.params, n.params) {
        (Some(a), Some(b)) => c.compare_type(a, b, Direction::Input, &at),
        (None, None) => {}
        _ => return false,
    }
    match (m.result, n.result) {
        (Some(a), Some(b)) => c.compare_type(a, b, Direction::Output, &at),
        (None, None) => {}
        _ => return false,
    }
    c.changes.iter().all(|ch| ch.rule == Rule::TypeRenamed)
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn enum_value(repr: crate::ir::EnumRepr, wire: &str) -> String {
    match repr {
        crate::ir::EnumRepr::String => format!("{wire:?}"),
        crate::ir::EnumRepr::Integer => wire.to_string(),
    }
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::String(s) => format!("{s:?}"),
        Literal::Integer(s) | Literal::Number(s) => s.clone(),
        Literal::Boolean(b) => b.to_string(),
        Literal::Null => "null".into(),
    }
}

fn literals(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Literal(l) => vec![literal_text(l)],
        TypeKind::LiteralUnion(ls) => ls.iter().map(literal_text).collect(),
        _ => Vec::new(),
    }
}

/// Whether every literal of `lits` is a value of the scalar type `base`.
fn literals_fit(lits: &TypeKind, base: &TypeKind) -> bool {
    let all: Vec<&Literal> = match lits {
        TypeKind::Literal(l) => vec![l],
        TypeKind::LiteralUnion(ls) => ls.iter().collect(),
        _ => return false,
    };
    all.iter().all(|l| {
        matches!(
            (l, base),
            (Literal::String(_), TypeKind::String(_))
                | (
                    Literal::Integer(_),
                    TypeKind::Integer(_) | TypeKind::Number(_)
                )
                | (Literal::Number(_), TypeKind::Number(_))
                | (Literal::Boolean(_), TypeKind::Boolean)
        )
    })
}

/// The Python type of a string format (what callers of the Python client see).
fn python_type(f: &StringFormat) -> &'static str {
    match f {
        StringFormat::DateTime => "datetime",
        StringFormat::Date => "date",
        StringFormat::Time => "time",
        StringFormat::Duration => "timedelta",
        StringFormat::Uuid => "UUID",
        StringFormat::Binary => "bytes",
        StringFormat::Decimal => "Decimal",
        StringFormat::None | StringFormat::Email | StringFormat::Uri | StringFormat::Other(_) => {
            "str"
        }
    }
}

fn unalias(space: &TypeSpace, mut id: TypeId) -> TypeId {
    for _ in 0..64 {
        match space.kind(id) {
            TypeKind::Alias(inner) => id = *inner,
            _ => break,
        }
    }
    id
}

/// A union variant's identity: its name when named, else its kind.
fn variant_key(space: &TypeSpace, id: TypeId) -> String {
    match &space.get(id).name {
        Some(n) => format!("name:{}", n.name),
        None => format!("kind:{}", kind_tag(space.kind(id))),
    }
}

/// A broader identity, for matching a renamed or retyped variant.
fn variant_family(space: &TypeSpace, id: TypeId) -> &'static str {
    match kind_tag(space.kind(unalias(space, id))) {
        "integer" | "number" => "number",
        "literal" => "literal",
        other => other,
    }
}

fn kind_tag(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Any => "any",
        TypeKind::Never => "never",
        TypeKind::Null => "null",
        TypeKind::Boolean => "boolean",
        TypeKind::Integer(_) => "integer",
        TypeKind::Number(_) => "number",
        TypeKind::String(_) => "string",
        TypeKind::Literal(_) | TypeKind::LiteralUnion(_) => "literal",
        TypeKind::Array(_) => "array",
        TypeKind::Tuple(_) => "tuple",
        TypeKind::Map(_) => "map",
        TypeKind::Object(_) => "object",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Nullable(_) => "nullable",
        TypeKind::Alias(_) => "alias",
    }
}

/// The variant of `variants` (in `vs`) that corresponds to `t` (in `ts`).
fn best_match(vs: &TypeSpace, variants: &[TypeId], ts: &TypeSpace, t: TypeId) -> Option<TypeId> {
    let key = variant_key(ts, t);
    if let Some(v) = variants.iter().find(|&&v| variant_key(vs, v) == key) {
        return Some(*v);
    }
    let family = variant_family(ts, t);
    variants
        .iter()
        .find(|&&v| variant_family(vs, v) == family)
        .copied()
}

/// A short description of a type for messages.
pub(super) fn describe(space: &TypeSpace, id: TypeId) -> String {
    describe_depth(space, id, 0)
}

fn describe_depth(space: &TypeSpace, id: TypeId, depth: usize) -> String {
    let entry = space.get(id);
    if let Some(n) = &entry.name {
        return n.name.clone();
    }
    if depth > 3 {
        return "…".into();
    }
    let d = |t: TypeId| describe_depth(space, t, depth + 1);
    match &entry.kind {
        TypeKind::Any => "any JSON value".into(),
        TypeKind::Never => "never".into(),
        TypeKind::Null => "null".into(),
        TypeKind::Boolean => "boolean".into(),
        TypeKind::Integer(_) => "integer".into(),
        TypeKind::Number(_) => "number".into(),
        TypeKind::String(s) => match s.format.as_str() {
            Some(f) => format!("string ({f})"),
            None => "string".into(),
        },
        TypeKind::Literal(l) => literal_text(l),
        TypeKind::LiteralUnion(ls) => ls.iter().map(literal_text).collect::<Vec<_>>().join(" | "),
        TypeKind::Array(a) if a.unique => format!("set of {}", d(a.items)),
        TypeKind::Array(a) => format!("array of {}", d(a.items)),
        TypeKind::Tuple(t) => format!(
            "[{}]",
            t.items.iter().map(|&i| d(i)).collect::<Vec<_>>().join(", ")
        ),
        TypeKind::Map(crate::ir::MapType {
            keys: Some(keys),
            values,
            ..
        }) => format!("map from {} to {}", d(*keys), d(*values)),
        TypeKind::Map(m) => format!("map of {}", d(m.values)),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .map(|&v| d(v))
            .collect::<Vec<_>>()
            .join(" | "),
        TypeKind::Nullable(t) => format!("{} | null", d(*t)),
        TypeKind::Object(_) | TypeKind::Enum(_) => "object".into(),
        TypeKind::Alias(t) => d(*t),
    }
}
