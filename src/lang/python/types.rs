//! Type mapping: IR [`TypeId`] → Python type expression (plus the imports it needs), default
//! values → Python values of the right type, and hashability for `set[T]`.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::fmt::{Arg, Expr, bytes_literal, number_literal, string_literal};
use crate::ir::{
    Api, JsonValue, Literal, NumberConstraints, StringFormat, StringType, TypeId, TypeKind, Warning,
};

/// `from module import names` lines of one generated module.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    /// Names per module, unordered: the models module alone imports ~10,000 names into the
    /// client, and hashing them is cheaper than a B-tree's string comparisons. The names are
    /// sorted once, when the import lines are written (`sort_members` orders them totally).
    pub from: BTreeMap<String, FxHashSet<String>>,
    pub plain: BTreeSet<String>,
}

impl Imports {
    pub fn add(&mut self, module: &str, name: &str) {
        // Most calls repeat an import: look up before allocating the keys.
        match self.from.get_mut(module) {
            Some(names) => {
                if !names.contains(name) {
                    names.insert(name.to_string());
                }
            }
            None => {
                let mut names = FxHashSet::default();
                names.insert(name.to_string());
                self.from.insert(module.to_string(), names);
            }
        }
    }
    pub fn import(&mut self, module: &str) {
        self.plain.insert(module.to_string());
    }
}

/// A Python value for a default.
#[derive(Debug, Clone)]
pub struct PyValue {
    pub expr: Expr,
    /// Holds a model instance: it must be built when used (the class may be defined later
    /// in the module), with `default_factory`. Other values are plain defaults; pydantic
    /// copies mutable ones for each instance.
    pub lazy: bool,
}

/// Maps types of one API. `models_module`: where named types live when rendering a module
/// other than the models module itself (`Some(".models")`), `None` inside models.py.
pub struct TypeMapper<'a> {
    pub api: &'a Api,
    /// Python names of the named types.
    pub names: &'a FxHashMap<TypeId, String>,
    pub models_module: Option<&'a str>,
    pub warnings: RefCell<Vec<Warning>>,
    warned: RefCell<FxHashSet<String>>,
    /// Set when a pattern needs Python's `re` (lookaround, backreferences).
    pub needs_python_re: RefCell<bool>,
    /// Python field names of the objects [`TypeMapper::field_name_of`] looked at.
    field_names: RefCell<FxHashMap<TypeId, Vec<Cow<'a, str>>>>,
    /// [`TypeMapper::field_type`] of the anonymous types met so far, with what computing
    /// it did besides (a type is used many times: `str`, `list[str]`, `int | None`).
    cache: RefCell<FxHashMap<TypeId, Cached<'a>>>,
    /// Whether [`TypeMapper::field_type`] uses `cache` (see [`TypeMapper::uncached`]).
    caching: bool,
    /// Member names of the enums defaults were looked up in (naming them all is the
    /// cost of a default).
    enum_members: RefCell<FxHashMap<TypeId, Vec<String>>>,
    /// The effects of the computations in progress (outermost first), while `recording`.
    log: RefCell<Vec<Effect<'a>>>,
    recording: Cell<usize>,
}

/// A computed [`TypeMapper::field_type`] and its effects, in order.
struct Cached<'a> {
    expr: Expr,
    constraints: Vec<Arg>,
    effects: Vec<Effect<'a>>,
}

/// Whether a type expression admits `None` as written: `None` or `Any`, or a union with one.
pub fn accepts_none(e: &Expr) -> bool {
    match e {
        Expr::Atom(a) => atom_accepts_none(a),
        Expr::Or(items) => items.iter().any(accepts_none),
        _ => false,
    }
}

pub fn atom_accepts_none(a: &str) -> bool {
    a == "None" || a == "Any"
}

/// What computing a type expression does besides returning it. Replayed in order where the
/// cached expression is used again, so the imports, warnings (deduplicated as they are
/// issued) and the python-re flag are those of computing it anew.
#[derive(Clone)]
enum Effect<'a> {
    Import(&'a str, &'a str),
    Warn(&'a str, String),
    PythonRe,
}

impl<'a> TypeMapper<'a> {
    pub fn new(
        api: &'a Api,
        names: &'a FxHashMap<TypeId, String>,
        models_module: Option<&'a str>,
    ) -> Self {
        TypeMapper {
            api,
            names,
            models_module,
            warnings: RefCell::new(Vec::new()),
            warned: RefCell::new(FxHashSet::default()),
            needs_python_re: RefCell::new(false),
            field_names: RefCell::new(FxHashMap::default()),
            cache: RefCell::new(FxHashMap::default()),
            caching: true,
            enum_members: RefCell::new(FxHashMap::default()),
            log: RefCell::new(Vec::new()),
            recording: Cell::new(0),
        }
    }

    /// A mapper that computes every type anew. For models.py, which keeps each field type
    /// as text instead (the expression trees of this cache raised the peak memory at
    /// N=5000 by 10-25 MB), and the client's keyword annotations.
    pub fn uncached(
        api: &'a Api,
        names: &'a FxHashMap<TypeId, String>,
        models_module: Option<&'a str>,
    ) -> Self {
        TypeMapper {
            caching: false,
            ..TypeMapper::new(api, names, models_module)
        }
    }

    /// Drops the cached types (computed anew when asked again), freeing their memory.
    pub fn clear_cache(&self) {
        *self.cache.borrow_mut() = FxHashMap::default();
    }

    /// Notes an effect for the computations in progress.
    fn record(&self, effect: impl FnOnce() -> Effect<'a>) {
        if self.recording.get() > 0 {
            self.log.borrow_mut().push(effect());
        }
    }

    fn add(&self, imp: &mut Imports, module: &'a str, name: &'a str) {
        imp.add(module, name);
        self.record(|| Effect::Import(module, name));
    }

    /// Runs `compute`, returning with its result the effects it had (imports, warnings), in
    /// order, to be replayed when the result is reused.
    fn recorded<T>(&self, compute: impl FnOnce() -> T) -> (T, Vec<Effect<'a>>) {
        let start = self.log.borrow().len();
        self.recording.set(self.recording.get() + 1);
        let result = compute();
        self.recording.set(self.recording.get() - 1);
        let mut log = self.log.borrow_mut();
        let effects = log[start..].to_vec();
        if self.recording.get() == 0 {
            log.clear();
        }
        (result, effects)
    }

    fn replay(&self, effect: &Effect<'a>, imp: &mut Imports) {
        match effect {
            Effect::Import(module, name) => self.add(imp, module, name),
            Effect::Warn(pointer, message) => self.warn(pointer, message.clone()),
            Effect::PythonRe => {
                *self.needs_python_re.borrow_mut() = true;
                self.record(|| Effect::PythonRe);
            }
        }
    }

    fn warn(&self, pointer: &'a str, message: String) {
        if self.recording.get() > 0 {
            self.log
                .borrow_mut()
                .push(Effect::Warn(pointer, message.clone()));
        }
        let key = format!("{pointer}\u{0}{message}");
        if self.warned.borrow_mut().insert(key) {
            self.warnings.borrow_mut().push(Warning {
                pointer: pointer.to_string(),
                message,
            });
        }
    }

    fn kind(&self, id: TypeId) -> &'a TypeKind {
        self.api.types.kind(id)
    }

    /// Follows aliases to the aliased type.
    pub fn resolve(&self, mut id: TypeId) -> TypeId {
        let mut seen = 0;
        while let TypeKind::Alias(target) = self.kind(id) {
            id = *target;
            seen += 1;
            if seen > self.api.types.types.len() {
                break;
            }
        }
        id
    }

    /// The name of the named type `id`, imported where needed (what [`TypeMapper::named`]
    /// returns, as text).
    pub fn named_text(&self, id: TypeId, imp: &mut Imports) -> &'a str {
        let name = &self.names[&id];
        if let Some(module) = self.models_module {
            self.add(imp, module, name);
        }
        name
    }

    fn named(&self, id: TypeId, imp: &mut Imports) -> Expr {
        let name = &self.names[&id];
        if let Some(module) = self.models_module {
            self.add(imp, module, name);
        }
        Expr::atom(name.clone())
    }

    /// The type expression of `id` where constraints must travel with the type
    /// (`Annotated[str, Field(max_length=5)]`).
    pub fn expr(&self, id: TypeId, imp: &mut Imports) -> Expr {
        let entry = self.api.types.get(id);
        if let (None, TypeKind::Nullable(inner)) = (&entry.name, &entry.kind) {
            let e = self.expr(*inner, imp);
            return if e == Expr::atom("Any") || e == Expr::atom("None") {
                e
            } else {
                Expr::or(vec![e, Expr::atom("None")])
            };
        }
        let (base, constraints) = self.field_type(id, imp);
        if constraints.is_empty() {
            base
        } else {
            self.add(imp, "typing", "Annotated");
            self.add(imp, "pydantic", "Field");
            Expr::sub("Annotated", vec![base, Expr::call("Field", constraints)])
        }
    }

    /// The type expression of `id` and the constraints that go into the field's
    /// `Field(...)` (empty unless `id` itself is a constrained scalar, list or map).
    pub fn field_type(&self, id: TypeId, imp: &mut Imports) -> (Expr, Vec<Arg>) {
        let entry = self.api.types.get(id);
        if entry.name.is_some() {
            return (self.named(id, imp), Vec::new());
        }
        if !self.caching {
            return self.field_type_anew(id, imp);
        }
        if let Some(hit) = self.cache.borrow().get(&id) {
            for effect in &hit.effects {
                self.replay(effect, imp);
            }
            return (hit.expr.clone(), hit.constraints.clone());
        }
        let ((expr, constraints), effects) = self.recorded(|| self.field_type_anew(id, imp));
        self.cache.borrow_mut().insert(
            id,
            Cached {
                expr: expr.clone(),
                constraints: constraints.clone(),
                effects,
            },
        );
        (expr, constraints)
    }

    /// [`TypeMapper::field_type`] of an anonymous type, computed.
    fn field_type_anew(&self, id: TypeId, imp: &mut Imports) -> (Expr, Vec<Arg>) {
        let entry = self.api.types.get(id);
        let pointer = entry.pointer.as_str();
        match &entry.kind {
            TypeKind::Any => {
                self.add(imp, "typing", "Any");
                (Expr::atom("Any"), vec![])
            }
            TypeKind::Never => {
                self.warn(
                    pointer,
                    "Python: a type that accepts no value is rendered as `Any`".to_string(),
                );
                self.add(imp, "typing", "Any");
                (Expr::atom("Any"), vec![])
            }
            TypeKind::Null => (Expr::atom("None"), vec![]),
            TypeKind::Boolean => (Expr::atom("bool"), vec![]),
            TypeKind::Integer(c) => {
                let args = number_constraints(c, true);
                let kept = args
                    .iter()
                    .any(|a| a.keyword.as_deref() == Some("multiple_of"));
                if c.multiple_of.is_some() && !kept {
                    self.warn(
                        pointer,
                        "Python: a fractional `multipleOf` of an integer is not checked"
                            .to_string(),
                    );
                }
                (Expr::atom("int"), args)
            }
            TypeKind::Number(c) => (Expr::atom("float"), number_constraints(c, false)),
            TypeKind::String(s) => self.string_type(s, pointer, imp),
            TypeKind::Literal(l) => (self.literals(std::slice::from_ref(l), imp), vec![]),
            TypeKind::LiteralUnion(ls) => (self.literals(ls, imp), vec![]),
            TypeKind::Array(a) => {
                let item = self.expr(a.items, imp);
                let container = if a.unique && self.is_hashable(a.items) {
                    "set"
                } else {
                    "list"
                };
                let mut c = Vec::new();
                if let Some(n) = a.min_items {
                    c.push(Arg::kw("min_length", Expr::atom(n.to_string())));
                }
                if let Some(n) = a.max_items {
                    c.push(Arg::kw("max_length", Expr::atom(n.to_string())));
                }
                (Expr::sub(container, vec![item]), c)
            }
            TypeKind::Tuple(t) => {
                let items: Vec<Expr> = t.items.iter().map(|i| self.expr(*i, imp)).collect();
                let e = match (items.is_empty(), t.rest) {
                    (true, None) => Expr::sub("tuple", vec![Expr::atom("()")]),
                    (true, Some(rest)) => {
                        Expr::sub("tuple", vec![self.expr(rest, imp), Expr::atom("...")])
                    }
                    (false, None) => Expr::sub("tuple", items),
                    (false, Some(rest)) => {
                        self.warn(
                            pointer,
                            "Python: a tuple with extra items is rendered as a \
                             variable-length tuple of the union of its item types"
                                .to_string(),
                        );
                        let mut all = items;
                        all.push(self.expr(rest, imp));
                        Expr::sub("tuple", vec![dedup_or(all), Expr::atom("...")])
                    }
                };
                (e, vec![])
            }
            TypeKind::Map(m) => {
                let v = self.expr(m.values, imp);
                let mut c = Vec::new();
                if let Some(n) = m.min_properties {
                    c.push(Arg::kw("min_length", Expr::atom(n.to_string())));
                }
                if let Some(n) = m.max_properties {
                    c.push(Arg::kw("max_length", Expr::atom(n.to_string())));
                }
                let k = match m.keys {
                    Some(keys) => self.expr(keys, imp),
                    None => Expr::atom("str"),
                };
                (Expr::sub("dict", vec![k, v]), c)
            }
            TypeKind::Object(_) | TypeKind::Enum(_) | TypeKind::Alias(_) => {
                // Always named in the IR; an anonymous one is an IR bug, but stay total.
                self.add(imp, "typing", "Any");
                (Expr::atom("Any"), vec![])
            }
            TypeKind::Union(u) => {
                let variants: Vec<Expr> = u.variants.iter().map(|v| self.expr(*v, imp)).collect();
                let union = dedup_or(variants);
                if let Some(d) = &u.discriminator {
                    match self.discriminator_field(&u.variants, &d.property) {
                        Some(field) => {
                            self.add(imp, "typing", "Annotated");
                            self.add(imp, "pydantic", "Field");
                            let f = Expr::call(
                                "Field",
                                vec![Arg::kw("discriminator", Expr::atom(string_literal(&field)))],
                            );
                            return (Expr::sub("Annotated", vec![union, f]), vec![]);
                        }
                        None => self.warn(
                            pointer,
                            format!(
                                "Python: the discriminator `{}` has different field names in \
                                 the variants; rendered as a plain union",
                                d.property
                            ),
                        ),
                    }
                }
                (union, vec![])
            }
            TypeKind::Nullable(inner) => {
                // `x: str | None = Field(max_length=5)`: pydantic applies the constraints to
                // the non-null member.
                if self.api.types.get(*inner).name.is_none() {
                    let (base, c) = self.field_type(*inner, imp);
                    if !c.is_empty() && !matches!(base, Expr::Or(_)) {
                        return (Expr::or(vec![base, Expr::atom("None")]), c);
                    }
                }
                let e = self.expr(*inner, imp);
                if e == Expr::atom("Any") || e == Expr::atom("None") {
                    (e, vec![])
                } else {
                    (Expr::or(vec![e, Expr::atom("None")]), vec![])
                }
            }
        }
    }

    /// The Python name of the discriminator field, the same in every variant (variants
    /// that are unions themselves, as in nested discriminated unions, are looked into).
    fn discriminator_field(&self, variants: &[TypeId], wire: &str) -> Option<String> {
        let mut found: Option<String> = None;
        let mut stack: Vec<TypeId> = variants.to_vec();
        let mut seen = FxHashSet::default();
        while let Some(v) = stack.pop() {
            let v = self.resolve(v);
            if !seen.insert(v) {
                continue;
            }
            let name = match self.kind(v) {
                TypeKind::Object(_) => self.field_name_of(v, wire)?,
                TypeKind::Union(u) => {
                    stack.extend(u.variants.iter().copied());
                    continue;
                }
                _ => return None,
            };
            match &found {
                None => found = Some(name),
                Some(f) if *f == name => {}
                Some(_) => return None,
            }
        }
        found
    }

    /// Wire name → Python name of the fields of an object type (the same computation the
    /// model renderer uses).
    /// The Python name of the (first) field `wire` of the object `id`. The names of an
    /// object's fields are computed once per mapper: every use of a discriminated union
    /// asks for its variants' tag fields again.
    fn field_name_of(&self, id: TypeId, wire: &str) -> Option<String> {
        let TypeKind::Object(o) = self.kind(id) else {
            return None;
        };
        let index = o.fields.iter().position(|f| f.wire_name == wire)?;
        let mut cache = self.field_names.borrow_mut();
        let names = cache
            .entry(id)
            .or_insert_with(|| super::models::field_names(o, "", &mut Vec::new()));
        Some(names[index].to_string())
    }

    fn string_type(
        &self,
        s: &'a StringType,
        pointer: &'a str,
        imp: &mut Imports,
    ) -> (Expr, Vec<Arg>) {
        let (name, str_like) = match &s.format {
            StringFormat::None
            | StringFormat::Email
            | StringFormat::Uri
            | StringFormat::Other(_) => ("str", true),
            StringFormat::DateTime => {
                self.add(imp, "datetime", "datetime");
                ("datetime", false)
            }
            StringFormat::Date => {
                self.add(imp, "datetime", "date");
                ("date", false)
            }
            StringFormat::Time => {
                self.add(imp, "datetime", "time");
                ("time", false)
            }
            StringFormat::Duration => {
                self.add(imp, "datetime", "timedelta");
                ("timedelta", false)
            }
            StringFormat::Uuid => {
                self.add(imp, "uuid", "UUID");
                ("UUID", false)
            }
            StringFormat::Binary => ("bytes", false),
            StringFormat::Decimal => {
                self.add(imp, "decimal", "Decimal");
                ("Decimal", false)
            }
        };
        let mut c = Vec::new();
        let lengths_ok = str_like || s.format == StringFormat::Binary;
        if lengths_ok {
            if let Some(n) = s.min_length {
                c.push(Arg::kw("min_length", Expr::atom(n.to_string())));
            }
            if let Some(n) = s.max_length {
                c.push(Arg::kw("max_length", Expr::atom(n.to_string())));
            }
        }
        if let Some(p) = &s.pattern
            && str_like
        {
            if needs_python_re(p) {
                *self.needs_python_re.borrow_mut() = true;
                self.record(|| Effect::PythonRe);
            }
            c.push(Arg::kw("pattern", Expr::atom(ascii_string_literal(p))));
        }
        let dropped = (!lengths_ok && (s.min_length.is_some() || s.max_length.is_some()))
            || (!str_like && s.pattern.is_some());
        if dropped && s.format != StringFormat::Decimal {
            self.warn(
                pointer,
                format!(
                    "Python: string constraints on a `{}` value are not checked (the value \
                     is parsed to `{name}`)",
                    s.format.as_str().unwrap_or("string")
                ),
            );
        }
        (Expr::atom(name), c)
    }

    fn literals(&self, ls: &[Literal], imp: &mut Imports) -> Expr {
        let mut plain = Vec::new();
        let mut extra = Vec::new();
        let mut null = false;
        for l in ls {
            match l {
                Literal::String(s) => plain.push(Expr::atom(string_literal(s))),
                Literal::Integer(i) => plain.push(Expr::atom(number_literal(i, false))),
                Literal::Boolean(b) => plain.push(Expr::atom(if *b { "True" } else { "False" })),
                Literal::Null => null = true,
                Literal::Number(n) => {
                    self.add(imp, "typing", "Annotated");
                    self.add(imp, "pydantic", "Field");
                    let v = Expr::atom(number_literal(n, true));
                    extra.push(Expr::sub(
                        "Annotated",
                        vec![
                            Expr::atom("float"),
                            Expr::call("Field", vec![Arg::kw("ge", v.clone()), Arg::kw("le", v)]),
                        ],
                    ));
                }
            }
        }
        let mut parts = Vec::new();
        if !plain.is_empty() {
            self.add(imp, "typing", "Literal");
            parts.push(Expr::sub("Literal", plain));
        }
        parts.extend(extra);
        if null {
            parts.push(Expr::atom("None"));
        }
        Expr::or(parts)
    }

    /// Whether values of `id` are hashable in Python (so `uniqueItems` can be a `set`).
    pub fn is_hashable(&self, id: TypeId) -> bool {
        self.hashable_inner(id, &mut FxHashSet::default())
    }

    fn hashable_inner(&self, id: TypeId, seen: &mut FxHashSet<TypeId>) -> bool {
        if !seen.insert(id) {
            return false;
        }
        let result = match self.kind(id) {
            TypeKind::Null
            | TypeKind::Boolean
            | TypeKind::Integer(_)
            | TypeKind::Number(_)
            | TypeKind::String(_)
            | TypeKind::Literal(_)
            | TypeKind::LiteralUnion(_)
            | TypeKind::Enum(_) => true,
            TypeKind::Tuple(t) => {
                t.items.iter().all(|i| self.hashable_inner(*i, seen))
                    && t.rest.is_none_or(|r| self.hashable_inner(r, seen))
            }
            TypeKind::Nullable(i) | TypeKind::Alias(i) => self.hashable_inner(*i, seen),
            TypeKind::Union(u) => u.variants.iter().all(|v| self.hashable_inner(*v, seen)),
            TypeKind::Any
            | TypeKind::Never
            | TypeKind::Array(_)
            | TypeKind::Map(_)
            | TypeKind::Object(_) => false,
        };
        seen.remove(&id);
        result
    }

    /// A Python value of type `id` for the JSON `value`, or `None` when the value does not
    /// fit the type (the caller drops the default with a warning).
    pub fn value(&self, id: TypeId, value: &Value, imp: &mut Imports) -> Option<PyValue> {
        self.value_inner(id, value, imp, 0)
    }

    fn value_inner(
        &self,
        id: TypeId,
        v: &Value,
        imp: &mut Imports,
        depth: usize,
    ) -> Option<PyValue> {
        if depth > 64 {
            return None;
        }
        let plain = |expr: Expr| Some(PyValue { expr, lazy: false });
        match self.kind(id) {
            TypeKind::Alias(target) => self.value_inner(*target, v, imp, depth + 1),
            TypeKind::Any => Some(json_value(v)),
            TypeKind::Never => None,
            TypeKind::Null => v.is_null().then(|| PyValue {
                expr: Expr::atom("None"),
                lazy: false,
            }),
            TypeKind::Boolean => v
                .as_bool()
                .and_then(|b| plain(Expr::atom(if b { "True" } else { "False" }))),
            TypeKind::Integer(_) => {
                let n = v.as_number()?;
                // Numbers keep their JSON text (serde_json's arbitrary_precision), so an
                // integer of any size is exact.
                if crate::ir::is_integer_text(&n.to_string()) {
                    plain(Expr::atom(number_literal(&n.to_string(), false)))
                } else {
                    let f = n.as_f64()?;
                    (f.fract() == 0.0 && f.abs() < 1e15).then(|| PyValue {
                        expr: Expr::atom(format!("{}", f as i64)),
                        lazy: false,
                    })
                }
            }
            TypeKind::Number(_) => {
                let n = v.as_number()?;
                plain(Expr::atom(number_literal(&n.to_string(), true)))
            }
            TypeKind::String(s) => self.string_value(s, v, imp),
            TypeKind::Literal(l) => literal_matches(l, v).then(|| PyValue {
                expr: literal_expr(l),
                lazy: false,
            }),
            TypeKind::LiteralUnion(ls) => {
                ls.iter().find(|l| literal_matches(l, v)).map(|l| PyValue {
                    expr: literal_expr(l),
                    lazy: false,
                })
            }
            TypeKind::Enum(e) => {
                let wire = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                let idx = e.values.iter().position(|ev| ev.wire == wire)?;
                let class = self.named_text(id, imp);
                let mut members = self.enum_members.borrow_mut();
                let members = members.entry(id).or_insert_with(|| super::enum_members(e));
                plain(Expr::atom(format!("{class}.{}", members[idx])))
            }
            TypeKind::Array(a) => {
                let items = v.as_array()?;
                let mut out = Vec::new();
                let mut lazy = false;
                for item in items {
                    let pv = self.value_inner(a.items, item, imp, depth + 1)?;
                    lazy |= pv.lazy;
                    out.push(pv.expr);
                }
                let set = a.unique && self.is_hashable(a.items);
                let expr = if set { Expr::Set(out) } else { Expr::List(out) };
                Some(PyValue { expr, lazy })
            }
            TypeKind::Tuple(t) => {
                let items = v.as_array()?;
                if items.len() < t.items.len() || (t.rest.is_none() && items.len() > t.items.len())
                {
                    return None;
                }
                let mut out = Vec::new();
                let mut lazy = false;
                for (i, item) in items.iter().enumerate() {
                    let ty = t.items.get(i).copied().or(t.rest)?;
                    let pv = self.value_inner(ty, item, imp, depth + 1)?;
                    lazy |= pv.lazy;
                    out.push(pv.expr);
                }
                Some(PyValue {
                    expr: Expr::Tuple(out),
                    lazy,
                })
            }
            TypeKind::Map(m) => {
                let obj = v.as_object()?;
                let mut out = Vec::new();
                let mut lazy = false;
                for (k, item) in obj {
                    let pv = self.value_inner(m.values, item, imp, depth + 1)?;
                    lazy |= pv.lazy;
                    // Typed keys (an enum) are written as members, not strings.
                    let key = match m.keys {
                        Some(keys) => {
                            let key = Value::String(k.clone());
                            self.value_inner(keys, &key, imp, depth + 1)?.expr
                        }
                        None => Expr::atom(string_literal(k)),
                    };
                    out.push((key, pv.expr));
                }
                Some(PyValue {
                    expr: Expr::Dict(out),
                    lazy,
                })
            }
            TypeKind::Object(_) => {
                if !v.is_object() {
                    return None;
                }
                let class = self.named(id, imp);
                Some(PyValue {
                    expr: Expr::call(
                        format!("{}.model_validate", class.flat()),
                        vec![Arg::pos(json_value(v).expr)],
                    ),
                    lazy: true,
                })
            }
            TypeKind::Union(u) => {
                if let (Some(d), Some(obj)) = (&u.discriminator, v.as_object()) {
                    let tag = obj.get(&d.property)?.as_str()?;
                    let variant = d.mapping.iter().find(|(t, _)| t == tag)?.1;
                    return self.value_inner(variant, v, imp, depth + 1);
                }
                u.variants
                    .iter()
                    .filter(|variant| self.shape_matches(**variant, v))
                    .find_map(|variant| self.value_inner(*variant, v, imp, depth + 1))
            }
            TypeKind::Nullable(inner) => {
                if v.is_null() {
                    plain(Expr::atom("None"))
                } else {
                    self.value_inner(*inner, v, imp, depth + 1)
                }
            }
        }
    }

    /// A shallow check used to pick the union variant a default belongs to.
    fn shape_matches(&self, id: TypeId, v: &Value) -> bool {
        match self.kind(self.resolve(id)) {
            TypeKind::Any => true,
            TypeKind::Never => false,
            TypeKind::Null => v.is_null(),
            TypeKind::Boolean => v.is_boolean(),
            TypeKind::Integer(_) => {
                matches!(v, Value::Number(n) if crate::ir::is_integer_text(&n.to_string()))
            }
            TypeKind::Number(_) => v.is_number(),
            TypeKind::String(s) => {
                v.is_string() || (s.format == StringFormat::Decimal && v.is_number())
            }
            TypeKind::Literal(l) => literal_matches(l, v),
            TypeKind::LiteralUnion(ls) => ls.iter().any(|l| literal_matches(l, v)),
            TypeKind::Enum(_) => v.is_string() || v.is_number(),
            TypeKind::Array(_) | TypeKind::Tuple(_) => v.is_array(),
            TypeKind::Map(_) | TypeKind::Object(_) => v.is_object(),
            TypeKind::Union(_) => true,
            TypeKind::Nullable(inner) => v.is_null() || self.shape_matches(*inner, v),
            TypeKind::Alias(_) => true,
        }
    }

    fn string_value(&self, s: &StringType, v: &Value, imp: &mut Imports) -> Option<PyValue> {
        let plain = |expr: Expr| Some(PyValue { expr, lazy: false });
        match &s.format {
            StringFormat::Decimal => {
                let text = match v {
                    Value::String(t) => t.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                imp.add("decimal", "Decimal");
                plain(Expr::call(
                    "Decimal",
                    vec![Arg::pos(Expr::atom(string_literal(&text)))],
                ))
            }
            StringFormat::Uuid => {
                imp.add("uuid", "UUID");
                plain(Expr::call(
                    "UUID",
                    vec![Arg::pos(Expr::atom(string_literal(v.as_str()?)))],
                ))
            }
            StringFormat::DateTime
            | StringFormat::Date
            | StringFormat::Time
            | StringFormat::Duration => {
                let ty = match s.format {
                    StringFormat::DateTime => "datetime",
                    StringFormat::Date => "date",
                    StringFormat::Time => "time",
                    _ => "timedelta",
                };
                imp.add("datetime", ty);
                imp.add("pydantic", "TypeAdapter");
                plain(Expr::call(
                    format!("TypeAdapter({ty}).validate_python"),
                    vec![Arg::pos(Expr::atom(string_literal(v.as_str()?)))],
                ))
            }
            StringFormat::Binary => plain(Expr::atom(bytes_literal(v.as_str()?))),
            _ => plain(Expr::atom(string_literal(v.as_str()?))),
        }
    }
}

/// `a | b` as ruff's lint rules want unions: no repeated member (PYI016), one `Literal[...]`
/// for all literal members (PYI030), `None` last. `int | float` stays (Pydantic keeps `0` an
/// int only then); in function parameters, where ruff wants `float` alone (PYI041), see
/// [`drop_int_beside_float`].
pub fn dedup_or(items: Vec<Expr>) -> Expr {
    let mut flat = Vec::new();
    for item in items {
        match item {
            Expr::Or(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    let mut seen = FxHashSet::default();
    let mut out: Vec<Expr> = Vec::new();
    let mut literal_at: Option<usize> = None;
    for e in flat {
        if let Expr::Subscript(v, values) = &e
            && v == "Literal"
        {
            match literal_at {
                Some(i) => {
                    if let Expr::Subscript(_, existing) = &mut out[i] {
                        for value in values {
                            if !existing.contains(value) {
                                existing.push(value.clone());
                            }
                        }
                    }
                }
                None => {
                    literal_at = Some(out.len());
                    out.push(e);
                }
            }
            continue;
        }
        if seen.insert(e.flat()) {
            out.push(e);
        }
    }
    if let Some(pos) = out.iter().position(|e| *e == Expr::atom("None")) {
        let none = out.remove(pos);
        out.push(none);
    }
    Expr::or(out)
}

/// For parameter annotations: `int | float` → `float` (ruff's PYI041; the static type of
/// `float` admits ints, and the value still goes through the model, which keeps `int`).
pub fn drop_int_beside_float(e: Expr) -> Expr {
    match e {
        Expr::Or(members) => {
            let members: Vec<Expr> = members.into_iter().map(drop_int_beside_float).collect();
            if members.contains(&Expr::atom("float")) {
                Expr::or(
                    members
                        .into_iter()
                        .filter(|m| *m != Expr::atom("int"))
                        .collect(),
                )
            } else {
                Expr::Or(members)
            }
        }
        Expr::Subscript(value, items) => Expr::Subscript(
            value,
            items.into_iter().map(drop_int_beside_float).collect(),
        ),
        other => other,
    }
}

fn number_constraints(c: &NumberConstraints, integer: bool) -> Vec<Arg> {
    let mut out = Vec::new();
    let pairs = [
        ("gt", &c.exclusive_minimum),
        ("ge", &c.minimum),
        ("lt", &c.exclusive_maximum),
        ("le", &c.maximum),
        ("multiple_of", &c.multiple_of),
    ];
    for (k, v) in pairs {
        let Some(v) = v else { continue };
        let text = if integer {
            integer_bound(k, v)
        } else {
            Some(number_literal(v, false))
        };
        if let Some(text) = text {
            out.push(Arg::kw(k, Expr::atom(text)));
        }
    }
    out
}

/// A bound of an integer field as an integer literal (pydantic refuses others): integral
/// values written as integers, others rounded to the equivalent integer bound. `None` for a
/// fractional `multiple_of`, which an integer constraint cannot express.
fn integer_bound(kind: &str, json: &str) -> Option<String> {
    if !json.contains(['.', 'e', 'E']) {
        return Some(json.to_string());
    }
    let f: f64 = json.parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    let rounded = match kind {
        _ if f.fract() == 0.0 => f,
        "ge" | "lt" => f.ceil(),
        "gt" | "le" => f.floor(),
        _ => return None,
    };
    Some(format!("{rounded:.0}"))
}

/// [`string_literal`] of a text of printable ASCII (a pattern: backslashes, at times
/// quotes), a run of bytes at a time: the general writer escapes such a text a character
/// at a time. Any other text goes to [`string_literal`].
fn ascii_string_literal(s: &str) -> String {
    let bytes = s.as_bytes();
    if !bytes.iter().all(|b| (b' '..=b'~').contains(b)) {
        return string_literal(s);
    }
    let doubles = bytes.iter().filter(|b| **b == b'"').count();
    let singles = bytes.iter().filter(|b| **b == b'\'').count();
    // The quotes ruff prefers: double, unless the text holds more double than single.
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + s.len() / 4 + 2);
    out.push(quote);
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' || b == quote as u8 {
            out.push_str(&s[run..i]);
            out.push('\\');
            run = i;
        }
    }
    out.push_str(&s[run..]);
    out.push(quote);
    out
}

/// Whether an ECMA-262 pattern uses what the Rust regex engine (pydantic's default) lacks.
fn needs_python_re(p: &str) -> bool {
    p.contains("(?=")
        || p.contains("(?!")
        || p.contains("(?<=")
        || p.contains("(?<!")
        || p.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\\' && w[1].is_ascii_digit() && w[1] != b'0')
}

fn literal_matches(l: &Literal, v: &Value) -> bool {
    match (l, v) {
        (Literal::String(s), Value::String(t)) => s == t,
        (Literal::Boolean(b), Value::Bool(c)) => b == c,
        (Literal::Null, Value::Null) => true,
        (Literal::Integer(i), Value::Number(n)) | (Literal::Number(i), Value::Number(n)) => {
            i.parse::<f64>().ok() == n.as_f64()
        }
        _ => false,
    }
}

fn literal_expr(l: &Literal) -> Expr {
    match l {
        Literal::String(s) => Expr::atom(string_literal(s)),
        Literal::Integer(i) => Expr::atom(number_literal(i, false)),
        Literal::Number(n) => Expr::atom(number_literal(n, true)),
        Literal::Boolean(b) => Expr::atom(if *b { "True" } else { "False" }),
        Literal::Null => Expr::atom("None"),
    }
}

/// Whether a default is JSON `null`, read from its text (a `JsonValue` holds compact JSON,
/// as `serde_json` writes it), without parsing it.
pub fn is_null_json(d: &JsonValue) -> bool {
    d.0 == "null"
}

/// A JSON value as a Python literal (dicts, lists, strings, numbers, True/False/None).
pub fn json_value(v: &Value) -> PyValue {
    match v {
        Value::Null => PyValue {
            expr: Expr::atom("None"),
            lazy: false,
        },
        Value::Bool(b) => PyValue {
            expr: Expr::atom(if *b { "True" } else { "False" }),
            lazy: false,
        },
        Value::Number(n) => PyValue {
            expr: Expr::atom(number_literal(&n.to_string(), false)),
            lazy: false,
        },
        Value::String(s) => PyValue {
            expr: Expr::atom(string_literal(s)),
            lazy: false,
        },
        Value::Array(items) => PyValue {
            expr: Expr::List(items.iter().map(|i| json_value(i).expr).collect()),
            lazy: false,
        },
        Value::Object(map) => PyValue {
            expr: Expr::Dict(
                map.iter()
                    .map(|(k, v)| (Expr::atom(string_literal(k)), json_value(v).expr))
                    .collect(),
            ),
            lazy: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`ascii_string_literal`] is [`string_literal`], on random texts of printable ASCII
    /// rich in quotes and backslashes, and on a few others.
    #[test]
    fn ascii_string_literal_is_string_literal() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let alphabet = ['\\', '"', '\'', 'a', ' ', '~', '[', '$', '.', '0'];
        for _ in 0..20_000 {
            let s: String = (0..next(12))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            assert_eq!(ascii_string_literal(&s), string_literal(&s), "{s:?}");
        }
        for s in [
            "",
            "é\\",
            "a\nb",
            "tab\there",
            "\u{7f}x",
            "^[+-]?(?:0*[0-9]{1,10})$",
        ] {
            assert_eq!(ascii_string_literal(s), string_literal(s), "{s:?}");
        }
    }
}
