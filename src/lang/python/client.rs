//! `client.py` (the typed surface: `RPCClient`, namespace classes, event subscriptions)
//! and the package README, which documents the same surface.
//!
//! Every typed method is a one-liner calling `Runtime.call` with the wire name, the params
//! model, a decoder for the result and the timeout; the protocol lives in `_runtime.py`.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::cell::Cell;
use std::rc::Rc;

use askama::Template;

use super::filters::{self, fenced};
use super::fmt::{self, Arg, Expr, Name, Param, string_literal};
use super::types::{Imports, TypeMapper, accepts_none, is_null_json};
use super::{Ctx, is_model, names, render_imports};
use crate::ir::{Event, Method, TypeId, TypeKind, Warning};

pub(crate) struct ClientOut {
    pub client_py: String,
    pub readme: String,
}

#[derive(Template)]
#[template(path = "python/client.py.askama", escape = "none")]
struct ClientFileTpl<'a> {
    header: &'a str,
    docstring: &'a str,
    imports: &'a str,
    constants: &'a str,
}

#[derive(Template)]
#[template(path = "python/rpc_client.py.askama", escape = "none")]
struct RpcClientTpl {
    docstring: String,
    env_prefix: String,
    attrs: Vec<String>,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/sync_client.py.askama", escape = "none")]
struct SyncRpcClientTpl {
    docstring: String,
    module: String,
    attrs: Vec<String>,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/method.py.askama", escape = "none")]
struct MethodTpl {
    decorator: Option<String>,
    header: String,
    docstring: Option<String>,
    deprecation: Option<String>,
    body: String,
}

#[derive(Template)]
#[template(path = "python/README.md.askama", escape = "none")]
struct ReadmeTpl<'a> {
    header: String,
    env_prefix: String,
    title: String,
    api_name: String,
    description: Option<String>,
    version: String,
    dist: String,
    module: String,
    dependencies: Vec<&'static str>,
    uses_missing: bool,
    connect_example: String,
    servers: Vec<(String, String)>,
    methods: Vec<ReadmeMethod<'a>>,
    events: Vec<ReadmeEvent>,
}

struct ReadmeMethod<'a> {
    index: usize,
    wire: &'a str,
    signature: String,
    summary: Option<&'a str>,
    description: Option<&'a str>,
    deprecated: bool,
}

struct ReadmeEvent {
    wire: String,
    signature: String,
    description: Option<String>,
}

/// A method as placed in the namespace tree.
struct MethodPlan<'a> {
    /// The Python method name (`__call__` when it shares its name with a namespace).
    py_name: String,
    /// `client.orders.get_status` (for the README).
    access: String,
    method: &'a Method,
}

/// A namespace (the client itself at the root).
struct NsPlan<'a> {
    class_name: String,
    /// The namespace's class in the sync client.
    sync_class_name: String,
    attr: String,
    wire_path: Vec<String>,
    access: String,
    call: Option<MethodPlan<'a>>,
    methods: Vec<MethodPlan<'a>>,
    children: Vec<NsPlan<'a>>,
}

/// `self.<attr> = <ChildNamespace>(<runtime>)` for each child namespace of `ns`, in the
/// async or the sync client's classes.
fn child_namespace_attrs(ns: &NsPlan, sync: bool, runtime: &'static str) -> Vec<String> {
    ns.children
        .iter()
        .map(|c| {
            let class = if sync {
                &c.sync_class_name
            } else {
                &c.class_name
            };
            fmt::assign(
                2,
                &format!("self.{}", c.attr),
                &Expr::call(class.clone(), vec![Arg::pos(Expr::atom(runtime))]),
            )
        })
        .collect()
}

/// Methods grouped by the namespaces of their wire names, in document order.
#[derive(Default)]
struct Tree<'a> {
    children: Vec<(String, Tree<'a>)>,
    methods: Vec<&'a Method>,
}

impl<'a> Tree<'a> {
    fn insert(&mut self, m: &'a Method, depth: usize) {
        if depth + 1 >= m.path.len() {
            self.methods.push(m);
            return;
        }
        let seg = &m.path[depth];
        let pos = match self.children.iter().position(|(s, _)| s == seg) {
            Some(p) => p,
            None => {
                self.children.push((seg.clone(), Tree::default()));
                self.children.len() - 1
            }
        };
        self.children[pos].1.insert(m, depth + 1);
    }

    fn first_pointer(&self) -> String {
        self.methods
            .first()
            .map(|m| m.pointer.clone())
            .or_else(|| self.children.first().map(|(_, c)| c.first_pointer()))
            .unwrap_or_default()
    }
}

/// Names the annotations of a class body use: a method of the same name would shadow them
/// there (for mypy, and for `typing.get_type_hints`).
struct AnnotationNames<'f> {
    /// Used by the client class itself (its fixed members and the event payloads).
    root: FxHashSet<String>,
    /// Adds the names in a method's params and result types.
    method: &'f dyn Fn(&Method, &mut FxHashSet<String>),
}

fn plan<'a>(
    tree: &Tree<'a>,
    wire_path: Vec<String>,
    attr: String,
    access: String,
    class_scope: &mut names::Scope,
    ann: &AnnotationNames,
    warnings: &mut Vec<Warning>,
) -> NsPlan<'a> {
    let root = wire_path.is_empty();
    let reserved: Vec<&str> = if root {
        names::CLIENT_MEMBERS.to_vec()
    } else {
        Vec::new()
    };
    let mut scope = names::Scope::with_taken(reserved.iter().copied());
    let mut used: FxHashSet<String> = ["float", "None", "Runtime", "SyncRuntime", "overload"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if root {
        used.extend(ann.root.iter().cloned());
    }
    for m in &tree.methods {
        (ann.method)(m, &mut used);
    }
    let adjust = |name: String| -> String {
        if reserved.contains(&name.as_str()) || used.contains(&name) {
            format!("{name}_")
        } else {
            name
        }
    };
    let (class_name, sync_class_name) = if root {
        ("RPCClient".to_string(), "SyncRPCClient".to_string())
    } else {
        let pascal: String = wire_path
            .iter()
            .map(|s| crate::ir::pascal_case(s))
            .collect();
        let name = class_scope.claim(
            &format!("_{pascal}Namespace"),
            "namespace class",
            &tree.first_pointer(),
            warnings,
        );
        let sync_name = class_scope.claim(
            &format!("_Sync{}", &name[1..]),
            "namespace class",
            &tree.first_pointer(),
            warnings,
        );
        (name, sync_name)
    };
    let mut children = Vec::new();
    let mut child_attrs = Vec::new();
    for (seg, child) in &tree.children {
        let wanted = adjust(names::method_name(seg));
        let name = scope.claim(&wanted, "namespace", &child.first_pointer(), warnings);
        child_attrs.push(name.clone());
        let mut path = wire_path.clone();
        path.push(seg.clone());
        children.push(plan(
            child,
            path,
            name.clone(),
            format!("{access}.{name}"),
            class_scope,
            ann,
            warnings,
        ));
    }
    let mut methods = Vec::new();
    let call = None;
    for m in &tree.methods {
        let wanted = adjust(names::method_name(m.path.last().expect("non-empty path")));
        if let Some(i) = child_attrs.iter().position(|a| *a == wanted)
            && children[i].call.is_none()
        {
            let child = &mut children[i];
            child.call = Some(MethodPlan {
                py_name: "__call__".to_string(),
                access: child.access.clone(),
                method: m,
            });
            continue;
        }
        let name = scope.claim(&wanted, "method", &m.pointer, warnings);
        methods.push(MethodPlan {
            access: format!("{access}.{name}"),
            py_name: name,
            method: m,
        });
    }
    NsPlan {
        class_name,
        sync_class_name,
        attr,
        wire_path,
        access,
        call,
        methods,
        children,
    }
}

struct Renderer<'c, 'a> {
    ctx: &'c Ctx<'a>,
    mapper: TypeMapper<'c>,
    /// Maps the params models' field types for keyword parameters; its warnings repeat
    /// the models module's and are dropped.
    kw_mapper: TypeMapper<'c>,
    imp: Imports,
    /// Module-level `TypeAdapter` constants: (name, type).
    adapters: Vec<(String, Expr)>,
    constants: names::Scope,
    readme_methods: Vec<ReadmeMethod<'a>>,
    /// Position of each method in the document (the README's order), by address.
    method_index: FxHashMap<*const Method, usize>,
    /// Keyword parameter annotations by field type.
    kw_types: FxHashMap<TypeId, Rc<KwType>>,
    /// The types of more than one params model field (only those are cached).
    kw_repeated: FxHashSet<TypeId>,
    /// Whether the imports of keyword arguments (`params_of`, `overload`) were added.
    keyword_imports: bool,
}

impl<'c, 'a> Renderer<'c, 'a> {
    fn type_expr(&mut self, id: TypeId) -> Expr {
        // A named type is its name, imported from the models module (what the mapper
        // returns for it; most params and results are models).
        if self.ctx.api.types.get(id).name.is_some()
            && let Some(name) = self.ctx.names.get(&id)
        {
            self.imp.add(MODELS_MODULE, name);
            return Expr::atom(name.clone());
        }
        self.mapper.expr(id, &mut self.imp)
    }

    /// A decoder for values of `id`: `Model.model_validate` or an adapter's
    /// `validate_python`.
    fn decoder(&mut self, id: TypeId, const_hint: impl FnOnce() -> String) -> Expr {
        let ty = self.type_expr(id);
        if is_model(self.ctx.api, id) {
            let mut decoder = ty.flat();
            decoder.push_str(".model_validate");
            return Expr::atom(decoder);
        }
        let wanted = format!("_{}", const_hint().to_uppercase());
        let name = self
            .constants
            .claim(&wanted, "constant", "", &mut Vec::new());
        self.imp.add("pydantic", "TypeAdapter");
        self.adapters.push((name.clone(), ty));
        Expr::atom(format!("{name}.validate_python"))
    }

    /// Everything both clients' versions of a method need (computed once: decoders add
    /// module constants).
    fn prepare(&mut self, plan: &MethodPlan<'a>, class_methods: &ClassMethods) -> MethodSig<'a> {
        let m = plan.method;
        let mut params_text = Vec::new();
        let mut params_model = None;
        let mut keywords = None;
        if let Some(p) = m.params {
            let ty = self.type_expr(p);
            let flat = ty.flat();
            let mut text = String::with_capacity("params: ".len() + flat.len());
            text.push_str("params: ");
            text.push_str(&flat);
            params_text.push(text);
            keywords = match self.keyword_params(p, class_methods) {
                Some(k) => Some(k),
                None => self
                    .keyword_params_qualified(p, class_methods)
                    .map(|params| {
                        let flat = fmt::FlatParams::new(&params);
                        (KwParams::Built(params), flat)
                    }),
            };
            params_model = Some((ty, flat));
        }
        let hint = || format!("{}_RESULT", constant_base(&m.wire_name));
        let (ret, decoder) = match m.result {
            None => {
                self.imp.add("._runtime", "ignore_result");
                (Expr::atom("None"), Expr::atom("ignore_result"))
            }
            Some(r) => (self.type_expr(r), self.decoder(r, hint)),
        };
        // The docstring's paragraphs, separated by blank lines.
        let mut doc_text = String::with_capacity(
            m.summary.as_ref().map_or(0, |s| s.len() + 2)
                + m.description.as_ref().map_or(0, |d| d.len() + 2)
                + m.wire_name.len()
                + 32,
        );
        for p in [&m.summary, &m.description].into_iter().flatten() {
            doc_text.push_str(p);
            doc_text.push_str("\n\n");
        }
        doc_text.push_str("Calls ``");
        doc_text.push_str(&m.wire_name);
        doc_text.push_str("``.");
        if m.deprecated {
            doc_text.push_str("\n\nDeprecated.");
        }
        let deprecation = m.deprecated.then(|| {
            self.imp.import("warnings");
            fmt::expr_stmt(
                2,
                &Expr::call(
                    "warnings.warn",
                    vec![
                        Arg::pos(Expr::atom(string_literal(&format!(
                            "{} is deprecated",
                            m.wire_name
                        )))),
                        Arg::pos(Expr::atom("DeprecationWarning")),
                        Arg::kw("stacklevel", Expr::atom("2")),
                    ],
                ),
            )
        });
        let index = self
            .method_index
            .get(&std::ptr::from_ref(m))
            .copied()
            .unwrap_or(0);
        // The keyword parameters are written flat once: for the README's signature and the
        // headers of both versions of the method (their defaults are `...`, as there).
        let keywords_flat = keywords.as_ref().map(|(_, flat)| flat);
        let ret_flat = ret.flat();
        // The README's signatures, written inside their fence (what `fenced` writes when the
        // text has no backquote; with one, `fenced` picks a longer fence).
        const FENCE_OPEN: &str = "```python\n";
        let mut signature = String::with_capacity(
            FENCE_OPEN.len()
                + 2 * (plan.access.len() + ret_flat.len() + 16)
                + params_text.iter().map(|p| p.len() + 2).sum::<usize>()
                + keywords_flat.map_or(0, |k| k.text_len() + 2 * k.len())
                + 4,
        );
        signature.push_str(FENCE_OPEN);
        let write_call = |out: &mut String, write_params: &dyn Fn(&mut String)| {
            out.push_str("await ");
            out.push_str(&plan.access);
            out.push('(');
            write_params(out);
            out.push_str(") -> ");
            out.push_str(&ret_flat);
        };
        write_call(&mut signature, &|out| {
            for (i, p) in params_text.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(p);
            }
        });
        if let Some(k) = keywords_flat
            && !k.is_empty()
        {
            signature.push('\n');
            write_call(&mut signature, &|out| k.write_joined(out));
        }
        if signature[FENCE_OPEN.len()..].contains('`') {
            signature = fenced("python", &signature[FENCE_OPEN.len()..]);
        } else {
            signature.push_str("\n```");
        }
        self.readme_methods.push(ReadmeMethod {
            index,
            wire: &m.wire_name,
            signature,
            summary: m.summary.as_deref(),
            description: m.description.as_deref(),
            deprecated: m.deprecated,
        });
        if keywords.is_some() && !self.keyword_imports {
            self.keyword_imports = true;
            self.imp.add("._runtime", "params_of");
            self.imp.add("typing", "overload");
        }
        MethodSig {
            wire: m.wire_name.clone(),
            py_name: plan.py_name.clone(),
            params_model,
            keywords,
            returns: m.result.is_some(),
            ret,
            ret_flat,
            decoder,
            docstring: fmt::docstring(&doc_text, 2),
            deprecation,
        }
    }

    /// The fields of the params model as keyword-only parameters (required fields without
    /// a default, the others with `...`, as in stubs) and their flat text, from the cached
    /// annotations ([`KwType`]); `None` when a field's name cannot be a parameter here, its
    /// type would name a method of the class, or the class has a method named like a
    /// builtin (then [`Renderer::keyword_params_qualified`] decides).
    fn keyword_params(
        &mut self,
        model: TypeId,
        class_methods: &ClassMethods,
    ) -> Option<(KwParams<'a>, fmt::FlatParams)> {
        let api = self.ctx.api;
        let TypeKind::Object(o) = api.types.kind(model) else {
            return None;
        };
        if class_methods.shadows_builtin {
            return None;
        }
        let py_names = super::models::field_names(o, "", &mut Vec::new());
        if py_names.iter().any(|n| n == "self" || n == "timeout") {
            return None;
        }
        let mut types = Vec::with_capacity(o.fields.len());
        for f in &o.fields {
            let t = self.kw_type(f.ty);
            if t.names.iter().any(|n| class_methods.contains(n)) {
                return None;
            }
            types.push(t);
        }
        for t in &types {
            // A cached annotation's imports are added at its first use only (the imports
            // are a set).
            if t.imported.replace(true) {
                continue;
            }
            for (module, name) in &t.imports {
                self.imp.add(module, name);
            }
        }
        let text_len = py_names
            .iter()
            .zip(&types)
            .map(|(py, t)| py.len() + t.flat.len() + " | None = ...".len() + 2)
            .sum();
        let mut flat = fmt::FlatParams::with_text_capacity(o.fields.len(), text_len);
        let mut fields = Vec::with_capacity(o.fields.len());
        for ((f, py), t) in o.fields.iter().zip(py_names).zip(types) {
            // A `null` default lets the caller pass None; without a default, leaving the
            // keyword out keeps the field absent (MISSING in the model).
            let or_none =
                !f.required && !t.accepts_none && f.default.as_ref().is_some_and(is_null_json);
            flat.push_written(|out| {
                out.push_str(&py);
                out.push_str(": ");
                out.push_str(&t.flat);
                if or_none {
                    out.push_str(" | None");
                }
                if !f.required {
                    out.push_str(" = ...");
                }
            });
            fields.push(KwField {
                name: py,
                ty: t,
                or_none,
                required: f.required,
            });
        }
        Some((KwParams::Fields(fields), flat))
    }

    /// The annotation of a keyword parameter of type `id` (see [`KwType`]), cached when
    /// more than one field has the type.
    fn kw_type(&mut self, id: TypeId) -> Rc<KwType> {
        if let Some(t) = self.kw_types.get(&id) {
            return Rc::clone(t);
        }
        let keep = self.kw_repeated.contains(&id);
        let mut imp = Imports::default();
        let (ty, _) = self.kw_mapper.field_type(id, &mut imp);
        let expr = super::types::drop_int_beside_float(ty);
        let mut names = Vec::new();
        expr.any_name(&mut |n| {
            names.push(n.to_string());
            false
        });
        // Kept compact: thousands of annotations are cached at N=5000 (an `Imports` map
        // each held ~0.7 KB more, raising the peak).
        let mut imports = Vec::with_capacity(imp.from.values().map(|names| names.len()).sum());
        for (module, names) in imp.from {
            for name in names {
                imports.push((module.clone(), name));
            }
        }
        let t = Rc::new(KwType {
            flat: expr.flat(),
            accepts_none: accepts_none(&expr),
            expr,
            names,
            imports,
            imported: Cell::new(false),
        });
        if keep {
            self.kw_types.insert(id, Rc::clone(&t));
        }
        t
    }

    /// [`Renderer::keyword_params`] computed field by field, qualifying builtins shadowed
    /// by the class's methods (`builtins.int`).
    fn keyword_params_qualified(
        &mut self,
        model: TypeId,
        class_methods: &ClassMethods,
    ) -> Option<Vec<Param>> {
        let api = self.ctx.api;
        let TypeKind::Object(o) = api.types.kind(model) else {
            return None;
        };
        let py_names = super::models::field_names(o, "", &mut Vec::new());
        if py_names.iter().any(|n| n == "self" || n == "timeout") {
            return None;
        }
        let mut imp = Imports::default();
        let mut out = Vec::new();
        // Most classes have no method named like a builtin: then no type changes.
        let qualify = class_methods.shadows_builtin;
        for (f, py) in o.fields.iter().zip(&py_names) {
            let (ty, _) = self.kw_mapper.field_type(f.ty, &mut imp);
            let ty = super::types::drop_int_beside_float(ty);
            let mut ty = if qualify {
                qualify_builtins(ty, class_methods, &mut imp)
            } else {
                ty
            };
            if ty.any_name(&mut |n| class_methods.contains(n)) {
                return None;
            }
            if f.required {
                out.push(Param::typed(py.to_string(), ty));
                continue;
            }
            // A `null` default lets the caller pass None; without a default, leaving the
            // keyword out keeps the field absent (MISSING in the model).
            let null_default = f.default.as_ref().is_some_and(is_null_json);
            if null_default && !accepts_none(&ty) {
                ty = Expr::or(vec![ty, Expr::atom("None")]);
            }
            out.push(Param::with_default(py.to_string(), ty, Expr::atom("...")));
        }
        for (module, names) in imp.from {
            for n in names {
                self.imp.add(&module, &n);
            }
        }
        for module in imp.plain {
            self.imp.import(&module);
        }
        Some(out)
    }

    /// Both clients' versions of a method: the async one appended to `out`, the sync one
    /// to `sync_out` (with keyword arguments: an overload taking the params model, one
    /// taking its fields, and the implementation). Their headers are written once: the sync
    /// ones are mostly copies of the async ones ([`fmt::def_header_pair_into`]).
    fn write_method_pair(
        out: &mut String,
        sync_out: &mut String,
        sig: &MethodSig<'a>,
        plan: &MethodParams,
    ) {
        let returns = Some((&sig.ret, sig.ret_flat.as_str()));
        for (i, flat) in plan.overloads.iter().enumerate() {
            let header = [Header::ByModel, Header::ByFields][i];
            out.push_str("    @overload\n");
            sync_out.push_str("    @overload\n");
            let param = |i| header_param(sig, header, i);
            fmt::def_header_pair_into(out, sync_out, 1, &sig.py_name, &param, flat, returns, true);
            out.push_str("\n\n");
            sync_out.push_str("\n\n");
        }
        let param = |i| header_param(sig, Header::Implementation, i);
        let flat = &plan.params;
        fmt::def_header_pair_into(out, sync_out, 1, &sig.py_name, &param, flat, returns, false);
        for part in [&sig.docstring, &sig.deprecation].into_iter().flatten() {
            for text in [&mut *out, &mut *sync_out] {
                text.push('\n');
                text.push_str(part);
            }
        }
        out.push('\n');
        out.push_str(&plan.async_body);
        sync_out.push('\n');
        sync_out.push_str(&plan.sync_body);
    }

    /// Namespace classes, parents before children, appended to `out` (async classes) and
    /// `sync_out` (sync classes), each after the blank lines that separate sections.
    fn namespaces(
        &mut self,
        ns: &NsPlan<'a>,
        out: &mut String,
        sync_out: &mut String,
    ) -> anyhow::Result<()> {
        for child in &ns.children {
            let class_methods = ClassMethods::new(
                child
                    .methods
                    .iter()
                    .chain(child.call.iter())
                    .map(|m| m.py_name.clone())
                    .collect(),
            );
            let doc = format!("Methods ``{}.*``.", child.wire_path.join("."));
            let docstring = fmt::docstring(&doc, 1).unwrap_or_default();
            let mut starts = [0; 2];
            for sync in [false, true] {
                let (class, runtime) = if sync {
                    (&child.sync_class_name, "SyncRuntime")
                } else {
                    (&child.class_name, "Runtime")
                };
                let text = if sync { &mut *sync_out } else { &mut *out };
                text.push_str(SECTION_BREAK);
                starts[usize::from(sync)] = text.len();
                text.push_str(&fmt::class_header(0, class, &[]));
                text.push('\n');
                text.push_str(&docstring);
                text.push_str("\n\n    def __init__(self, runtime: ");
                text.push_str(runtime);
                text.push_str(") -> None:\n        self._rt = runtime");
                for line in child_namespace_attrs(child, sync, "runtime") {
                    text.push('\n');
                    text.push_str(&line);
                }
            }
            // Each method is prepared and written in both classes at once, straight into
            // the file: nothing of it is kept.
            for m in child.call.iter().chain(child.methods.iter()) {
                let sig = self.prepare(m, &class_methods);
                let plan = MethodParams::new(&sig);
                out.push_str("\n\n");
                sync_out.push_str("\n\n");
                Self::write_method_pair(out, sync_out, &sig, &plan);
            }
            trim_section_end(out, starts[0]);
            trim_section_end(sync_out, starts[1]);
            self.namespaces(child, out, sync_out)?;
        }
        Ok(())
    }
}

/// The parameter lists of a method's headers written flat, and the bodies: the same for
/// its async and sync versions, so built once. The parameters themselves
/// ([`header_params`]) are built only for the rare layouts that need them.
struct MethodParams {
    /// With keyword arguments: the one taking the params model, the one taking its fields
    /// ([`Header::ByModel`], [`Header::ByFields`]).
    overloads: Vec<fmt::FlatParams>,
    /// The implementation's.
    params: fmt::FlatParams,
    /// The implementation's body in the async and the sync client.
    async_body: String,
    sync_body: String,
}

/// The headers of a method's versions.
#[derive(Clone, Copy)]
enum Header {
    /// The overload taking the params model.
    ByModel,
    /// The overload taking the model's fields as keywords.
    ByFields,
    Implementation,
}

const TIMEOUT_PARAM: &str = "timeout: float | None = None";

fn timeout_param() -> Param {
    Param::with_default(
        "timeout",
        Expr::or(vec![Expr::atom("float"), Expr::atom("None")]),
        Expr::atom("None"),
    )
}

/// Parameter `i` of a header of `sig` ([`header_params`]; a keyword parameter is built alone).
fn header_param(sig: &MethodSig, header: Header, i: usize) -> Param {
    if let (Header::ByFields, Some((keywords, _))) = (header, &sig.keywords)
        && let Some(p) = i.checked_sub(3).and_then(|k| keywords.param(k))
    {
        return p;
    }
    header_params(sig, header).swap_remove(i)
}

/// The parameters of a header of `sig` (what [`MethodParams`] has written flat).
fn header_params(sig: &MethodSig, header: Header) -> Vec<Param> {
    let model = sig.params_model.as_ref().map(|(ty, _)| ty);
    match (header, model, &sig.keywords) {
        (Header::ByModel, Some(ty), _) => vec![
            Param::bare("self"),
            Param::typed("params", ty.clone()),
            Param::bare("/"),
            Param::bare("*"),
            timeout_param(),
        ],
        (Header::ByFields, _, Some((keywords, _))) => {
            let mut params = vec![Param::bare("self"), Param::bare("/"), Param::bare("*")];
            params.extend(keywords.params());
            params.push(timeout_param());
            params
        }
        (Header::Implementation, model, keywords) => {
            let mut params = vec![Param::bare("self")];
            match (model, keywords) {
                (None, _) => {}
                (Some(ty), None) => params.push(Param::typed("params", ty.clone())),
                (Some(ty), Some(_)) => {
                    params.push(Param::with_default(
                        "params",
                        Expr::or(vec![ty.clone(), Expr::atom("None")]),
                        Expr::atom("None"),
                    ));
                    params.push(Param::bare("/"));
                }
            }
            params.push(Param::bare("*"));
            params.push(timeout_param());
            if keywords.is_some() {
                params.push(Param::typed("**fields", Expr::atom("Any")));
            }
            params
        }
        _ => unreachable!("an overload of a method without keyword arguments"),
    }
}

impl MethodParams {
    fn new(sig: &MethodSig) -> MethodParams {
        let mut overloads = Vec::new();
        let mut params = fmt::FlatParams::with_capacity(6);
        params.push_text("self");
        let model = sig.params_model.as_ref();
        let params_arg = match (model, &sig.keywords) {
            (None, _) => Expr::atom("None"),
            (Some((_, ty_flat)), None) => {
                params.push_written(|out| {
                    out.push_str("params: ");
                    out.push_str(ty_flat);
                });
                Expr::atom("params")
            }
            (Some((ty, ty_flat)), Some((_, keywords_flat))) => {
                let mut by_model = fmt::FlatParams::with_capacity(5);
                by_model.push_text("self");
                by_model.push_written(|out| {
                    out.push_str("params: ");
                    out.push_str(ty_flat);
                });
                for text in ["/", "*", TIMEOUT_PARAM] {
                    by_model.push_text(text);
                }
                overloads.push(by_model);
                let mut by_fields = fmt::FlatParams::with_capacity(keywords_flat.len() + 4);
                for text in ["self", "/", "*"] {
                    by_fields.push_text(text);
                }
                by_fields.extend(keywords_flat);
                by_fields.push_text(TIMEOUT_PARAM);
                overloads.push(by_fields);
                params.push_written(|out| {
                    out.push_str("params: ");
                    out.push_str(ty_flat);
                    out.push_str(" | None = None");
                });
                params.push_text("/");
                Expr::call(
                    "params_of",
                    vec![
                        Arg::pos(ty.clone()),
                        Arg::pos(Expr::atom("params")),
                        Arg::pos(Expr::atom("fields")),
                    ],
                )
            }
        };
        params.push_text("*");
        params.push_text(TIMEOUT_PARAM);
        if sig.keywords.is_some() {
            params.push_text("**fields: Any");
        }
        // The call's arguments are written flat once for both bodies; a body that needs
        // the layout document (a very long argument) is written from the expression.
        let wire = string_literal(&sig.wire);
        let params_text = params_arg.flat();
        let decoder_text = sig.decoder.flat();
        let args = [wire.as_str(), &params_text, &decoder_text, "timeout"];
        let prefix = if sig.returns { "return " } else { "" };
        let body_doc = |awaited: bool| {
            let call = Expr::call(
                "self._rt.call",
                vec![
                    Arg::pos(Expr::atom(wire.clone())),
                    Arg::pos(params_arg.clone()),
                    Arg::pos(sig.decoder.clone()),
                    Arg::pos(Expr::atom("timeout")),
                ],
            );
            let call = if awaited {
                Expr::Await(Box::new(call))
            } else {
                call
            };
            if sig.returns {
                fmt::return_stmt(2, &call)
            } else {
                fmt::expr_stmt(2, &call)
            }
        };
        let (async_body, sync_body) =
            fmt::call_stmt_pair_written(2, prefix, "self._rt.call", &args);
        MethodParams {
            overloads,
            params,
            async_body: async_body.unwrap_or_else(|| body_doc(true)),
            sync_body: sync_body.unwrap_or_else(|| body_doc(false)),
        }
    }

    /// About the size of one version of the method's text.
    fn estimate(&self) -> usize {
        let lists: usize = self
            .overloads
            .iter()
            .map(fmt::FlatParams::text_len)
            .sum::<usize>()
            + self.params.text_len();
        lists + self.async_body.len() + 64 * (self.overloads.len() + 1) + 128
    }
}

/// Where client.py imports the named types from.
const MODELS_MODULE: &str = ".models";

/// What separates the sections (classes) of client.py.
const SECTION_BREAK: &str = "\n\n\n";

/// Drops the line breaks at the end of the section that starts at `start`.
fn trim_section_end(text: &mut String, start: usize) {
    let end = start + text[start..].trim_end_matches('\n').len();
    text.truncate(end);
}

/// A generous guess at the size of client.py's classes (async: `sync` false, with room for
/// the imports and constants; sync: true), from the methods' parameter counts and docs:
/// reserved once, as capacity that is never written costs no memory.
fn client_size_guess(api: &crate::ir::Api, sync: bool) -> usize {
    let mut size = 64 * 1024;
    for m in &api.methods {
        let fields = m
            .params
            .map(|p| match api.types.kind(p) {
                TypeKind::Object(o) => o.fields.len(),
                _ => 0,
            })
            .unwrap_or(0);
        let docs = m.summary.as_ref().map_or(0, String::len)
            + m.description.as_ref().map_or(0, String::len);
        // Per version: about 820 bytes and 35 per keyword parameter, plus the docs; the
        // imports and constants take about 70 bytes per method.
        size += 900 + 45 * fields + docs;
        if !sync {
            size += 900 + 45 * fields + docs + 100;
        }
    }
    size
}

/// What one method's two versions (async and sync) are made of.
struct MethodSig<'a> {
    wire: String,
    py_name: String,
    /// The params model's type (and its flat text), when the method takes params.
    params_model: Option<(Expr, String)>,
    /// The model's fields as keyword parameters (and their flat text), when they can be.
    keywords: Option<(KwParams<'a>, fmt::FlatParams)>,
    returns: bool,
    ret: Expr,
    /// `ret` on one line.
    ret_flat: String,
    decoder: Expr,
    /// At the implementation's level.
    docstring: Option<String>,
    deprecation: Option<String>,
}

/// A params model's fields as keyword parameters.
enum KwParams<'a> {
    /// From the cached annotations (the parameters are built only when a header's layout
    /// needs them).
    Fields(Vec<KwField<'a>>),
    /// Built field by field ([`Renderer::keyword_params_qualified`]).
    Built(Vec<Param>),
}

/// A keyword parameter: `name: ty[ | None][ = ...]`.
struct KwField<'a> {
    name: Cow<'a, str>,
    ty: Rc<KwType>,
    /// `| None` added (a `null` default the type does not admit).
    or_none: bool,
    /// Without a default (`= ...` otherwise).
    required: bool,
}

impl KwParams<'_> {
    fn params(&self) -> Vec<Param> {
        match self {
            KwParams::Built(params) => params.clone(),
            KwParams::Fields(fields) => fields.iter().map(KwField::param).collect(),
        }
    }

    /// The `k`-th of [`KwParams::params`].
    fn param(&self, k: usize) -> Option<Param> {
        match self {
            KwParams::Built(params) => params.get(k).cloned(),
            KwParams::Fields(fields) => fields.get(k).map(KwField::param),
        }
    }
}

impl KwField<'_> {
    fn param(&self) -> Param {
        let name = self.name.to_string();
        let ty = if self.or_none {
            Expr::or(vec![self.ty.expr.clone(), Expr::atom("None")])
        } else {
            self.ty.expr.clone()
        };
        if self.required {
            Param::typed(name, ty)
        } else {
            Param::with_default(name, ty, Expr::atom("..."))
        }
    }
}

/// The types of more than one field of the methods' params models.
fn repeated_param_field_types(api: &crate::ir::Api) -> FxHashSet<TypeId> {
    let mut seen = FxHashSet::default();
    let mut repeated = FxHashSet::default();
    for m in &api.methods {
        if let Some(p) = m.params
            && let TypeKind::Object(o) = api.types.kind(p)
        {
            for f in &o.fields {
                if !seen.insert(f.ty) {
                    repeated.insert(f.ty);
                }
            }
        }
    }
    repeated
}

/// A params model field's type as a keyword parameter's annotation (`int | float` written
/// `float`), computed once per type: most field types recur in many methods.
struct KwType {
    expr: Expr,
    /// `expr` on one line.
    flat: String,
    /// The names `expr` refers to ([`Expr::any_name`]): none may be a method of the class
    /// (collected once: a cached annotation is checked in many classes).
    names: Vec<String>,
    /// What `expr` imports (`from` imports only: a field type imports no module).
    imports: Vec<(String, String)>,
    /// Whether `imports` were added to the file's imports.
    imported: Cell<bool>,
    accepts_none: bool,
}

/// The names of a class's methods (a type annotation there must not use them).
struct ClassMethods {
    names: FxHashSet<String>,
    /// Whether a method is named like a builtin type ([`BUILTIN_TYPES`]).
    shadows_builtin: bool,
}

impl ClassMethods {
    fn new(names: FxHashSet<String>) -> ClassMethods {
        let shadows_builtin = BUILTIN_TYPES.iter().any(|b| names.contains(*b));
        ClassMethods {
            names,
            shadows_builtin,
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// Names of the builtins a type expression may use; in a class with a method of the same
/// name they are written `builtins.<name>`.
const BUILTIN_TYPES: &[&str] = &[
    "bool",
    "bytes",
    "dict",
    "float",
    "frozenset",
    "int",
    "list",
    "object",
    "set",
    "str",
    "tuple",
    "type",
];

fn qualify_builtins(e: Expr, class_methods: &ClassMethods, imp: &mut Imports) -> Expr {
    let mut q = |name: Name| -> Name {
        if class_methods.contains(name.as_ref()) && BUILTIN_TYPES.contains(&name.as_ref()) {
            imp.import("builtins");
            format!("builtins.{name}").into()
        } else {
            name
        }
    };
    fn walk(e: Expr, q: &mut dyn FnMut(Name) -> Name) -> Expr {
        let all = |items: Vec<Expr>, q: &mut dyn FnMut(Name) -> Name| -> Vec<Expr> {
            items.into_iter().map(|i| walk(i, q)).collect()
        };
        match e {
            Expr::Atom(a) => Expr::Atom(q(a)),
            Expr::Subscript(v, items) => {
                let v = q(v);
                Expr::Subscript(v, all(items, q))
            }
            Expr::Or(items) => Expr::Or(all(items, q)),
            Expr::Call(c, args) => Expr::Call(
                c,
                args.into_iter()
                    .map(|a| Arg {
                        keyword: a.keyword,
                        value: walk(a.value, q),
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    walk(e, &mut q)
}

/// UPPER_SNAKE base of a constant name for a wire name.
fn constant_base(wire: &str) -> String {
    let snake = names::method_name(&wire.replace('.', "_"));
    snake.trim_end_matches('_').to_uppercase()
}

pub(crate) fn render(ctx: &Ctx, warnings: &mut Vec<Warning>) -> anyhow::Result<ClientOut> {
    let api = ctx.api;
    let mut tree = Tree::default();
    for m in &api.methods {
        tree.insert(m, 0);
    }
    let mut class_scope = names::Scope::with_taken(["RPCClient", "SyncRPCClient"]);
    let probe = TypeMapper::new(api, &ctx.names, Some(MODELS_MODULE));
    // `Expr::names` of the type expression of `id`; a named type's is its name (most
    // params and results are models), without mapping it.
    let names_of = |id: TypeId, out: &mut FxHashSet<String>| {
        if api.types.get(id).name.is_some() {
            let name = ctx.names[&id].as_str();
            if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                let first = name.split(['.', '(']).next().unwrap_or(name);
                if !out.contains(first) {
                    out.insert(first.to_string());
                }
            }
            return;
        }
        probe.expr(id, &mut Imports::default()).names(out);
    };
    let method_names = |m: &Method, out: &mut FxHashSet<String>| {
        for id in m.params.iter().chain(m.result.iter()) {
            names_of(*id, out);
        }
    };
    let mut root_names: FxHashSet<String> = [
        "str",
        "float",
        "bool",
        "object",
        "dict",
        "Any",
        "Callable",
        "Self",
        "RPCError",
        "None",
        "Literal",
        "overload",
        "property",
        "classmethod",
        "Mapping",
        "Token",
        "ReconnectPolicy",
        "EventStream",
        "SyncEventStream",
        "SyncRuntime",
        "Runtime",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for e in &api.events {
        names_of(e.payload, &mut root_names);
    }
    let ann = AnnotationNames {
        root: root_names,
        method: &method_names,
    };
    let root = plan(
        &tree,
        Vec::new(),
        String::new(),
        "client".to_string(),
        &mut class_scope,
        &ann,
        warnings,
    );

    let mut r = Renderer {
        ctx,
        mapper: TypeMapper::new(api, &ctx.names, Some(MODELS_MODULE)),
        kw_mapper: TypeMapper::uncached(api, &ctx.names, Some(MODELS_MODULE)),
        imp: Imports::default(),
        adapters: Vec::new(),
        constants: names::Scope::with_taken(["_EVENTS"]),
        readme_methods: Vec::new(),
        method_index: api
            .methods
            .iter()
            .enumerate()
            .map(|(i, m)| (std::ptr::from_ref(m), i))
            .collect(),
        kw_types: FxHashMap::default(),
        kw_repeated: repeated_param_field_types(api),
        keyword_imports: false,
    };
    r.imp.add("__future__", "annotations");
    r.imp.add("collections.abc", "Callable");
    r.imp.add("collections.abc", "Mapping");
    r.imp.add("typing", "Any");
    for name in [
        "EventStream",
        "ReconnectPolicy",
        "Runtime",
        "SyncEventStream",
        "SyncRuntime",
        "Token",
        "DEFAULT_RECONNECT",
        "settings_from_env",
    ] {
        r.imp.add("._runtime", name);
    }
    r.imp.add(".errors", "RPCError");
    r.imp.add("typing_extensions", "Self");

    // Namespace classes first (they only need the runtime), then the clients.
    // The classes are written straight into the file (the sync ones into a second buffer,
    // appended after the async client), after room for the imports and constants, which
    // are known at the end.
    let mut body = String::with_capacity(client_size_guess(api, false));
    let mut sync_body = String::with_capacity(client_size_guess(api, true));
    r.namespaces(&root, &mut body, &mut sync_body)?;

    // Events.
    let mut seen_events = FxHashSet::default();
    let events: Vec<&Event> = api
        .events
        .iter()
        .filter(|e| {
            let fresh = seen_events.insert(e.wire_name.clone());
            if !fresh {
                warnings.push(Warning {
                    pointer: e.pointer.clone(),
                    message: format!("Python: duplicate event {:?} ignored", e.wire_name),
                });
            }
            fresh
        })
        .collect();
    let mut event_entries = Vec::new();
    let mut readme_events = Vec::new();
    let mut payloads = Vec::new();
    for e in &events {
        let payload = r.type_expr(e.payload);
        let decoder = r.decoder(e.payload, || {
            format!("{}_PAYLOAD", constant_base(&e.wire_name))
        });
        event_entries.push((Expr::atom(string_literal(&e.wire_name)), decoder));
        readme_events.push(ReadmeEvent {
            wire: e.wire_name.clone(),
            signature: fenced(
                "python",
                &format!(
                    "client.on({name}, handler)  # handler(payload: {ty})\n\
                     async for payload in client.events({name}):\n    ...  # payload: {ty}",
                    name = string_literal(&e.wire_name),
                    ty = payload.flat()
                ),
            ),
            description: e.description.clone(),
        });
        payloads.push(payload);
    }
    if !events.is_empty() {
        r.imp.add("typing", "Literal");
    }
    if events.len() > 1 {
        r.imp.add("typing", "overload");
    }
    let callable = |arg: Expr, ret: Expr| Expr::sub("Callable", vec![arg, ret]);
    let unsubscribe = callable(Expr::List(vec![]), Expr::atom("None"));
    let event_param = |e: Option<&Event>| match e {
        Some(e) => Param::typed(
            "event",
            Expr::sub("Literal", vec![Expr::atom(string_literal(&e.wire_name))]),
        ),
        None => Param::typed("event", Expr::atom("str")),
    };
    // `on` and `events`, typed per event: one overload per event (a plain method for a
    // single event), then the general implementation.
    let typed_member = |name: &str,
                        doc: &str,
                        body: &str,
                        extra: &dyn Fn(&Expr) -> Vec<Param>,
                        ret: &dyn Fn(&Expr) -> Expr|
     -> anyhow::Result<Vec<String>> {
        let any = Expr::atom("Any");
        let docstring = fmt::docstring(doc, 2);
        let implementation = |params: &[Param], ret: &Expr| -> anyhow::Result<String> {
            Ok(MethodTpl {
                decorator: None,
                header: fmt::def_header(1, false, name, params, Some(ret), false),
                docstring: docstring.clone(),
                deprecation: None,
                body: body.to_string(),
            }
            .render()?)
        };
        let with = |e: Option<&Event>, payload: &Expr| {
            let mut p = vec![Param::bare("self"), event_param(e)];
            p.extend(extra(payload));
            p
        };
        let mut out = Vec::new();
        match events.len() {
            0 => out.push(implementation(&with(None, &any), &ret(&any))?),
            1 => out.push(implementation(
                &with(Some(events[0]), &payloads[0]),
                &ret(&payloads[0]),
            )?),
            _ => {
                for (e, payload) in events.iter().zip(&payloads) {
                    out.push(
                        MethodTpl {
                            decorator: Some("    @overload".to_string()),
                            header: fmt::def_header(
                                1,
                                false,
                                name,
                                &with(Some(e), payload),
                                Some(&ret(payload)),
                                true,
                            ),
                            docstring: None,
                            deprecation: None,
                            body: String::new(),
                        }
                        .render()?,
                    );
                }
                out.push(implementation(&with(None, &any), &ret(&any))?);
            }
        }
        Ok(out)
    };
    let on_doc = "Calls ``handler`` with the payload of every push of type ``event``.\n\n\
         ``handler`` may be a plain or a coroutine function (coroutines run as tasks).\n\
         Handlers stay registered across reconnects. Returns a function that removes the\n\
         handler.";
    let handler_param = |payload: &Expr| {
        vec![Param::typed(
            "handler",
            callable(Expr::List(vec![payload.clone()]), Expr::atom("object")),
        )]
    };
    let on_body = fmt::return_stmt(
        2,
        &Expr::call(
            "self._rt.subscribe",
            vec![
                Arg::pos(Expr::atom("event")),
                Arg::pos(Expr::atom("handler")),
            ],
        ),
    );
    let events_body = fmt::return_stmt(
        2,
        &Expr::call("self._rt.stream", vec![Arg::pos(Expr::atom("event"))]),
    );
    let on_members = typed_member("on", on_doc, &on_body, &handler_param, &|_| {
        unsubscribe.clone()
    })?;
    let async_events = typed_member(
        "events",
        "The payloads of the pushes of type ``event``, from now on, in arrival order::\n\n    \
         async for payload in client.events(...):\n        ...\n\n\
         The stream ends when the client closes; ``async with`` (or its ``close()``)\n\
         unsubscribes earlier.",
        &events_body,
        &|_| Vec::new(),
        &|p| Expr::sub("EventStream", vec![p.clone()]),
    )?;
    let sync_events = typed_member(
        "events",
        "The payloads of the pushes of type ``event``, from now on, in arrival order::\n\n    \
         for payload in client.events(...):\n        ...\n\n\
         Iterating blocks until the next push; the stream ends when the client closes.\n\
         ``with`` (or its ``close()``) unsubscribes earlier.",
        &events_body,
        &|_| Vec::new(),
        &|p| Expr::sub("SyncEventStream", vec![p.clone()]),
    )?;

    // The client classes.
    let root_methods = ClassMethods::new(
        root.methods
            .iter()
            .map(|m| m.py_name.clone())
            .chain(names::CLIENT_MEMBERS.iter().map(|s| s.to_string()))
            .collect(),
    );
    let root_sigs: Vec<MethodSig<'_>> = root
        .methods
        .iter()
        .map(|m| r.prepare(m, &root_methods))
        .collect();
    let title = super::api_name(api);
    let example_url = api
        .servers
        .values()
        .next()
        .cloned()
        .unwrap_or_else(|| "ws://localhost:8765".to_string());
    let env_prefix = ctx.module.to_uppercase();
    // Both versions of each root method, written at once.
    let mut root_members: [Vec<String>; 2] = Default::default();
    for sig in root_sigs {
        let plan = MethodParams::new(&sig);
        let mut texts = [
            String::with_capacity(plan.estimate()),
            String::with_capacity(plan.estimate()),
        ];
        let [async_text, sync_text] = &mut texts;
        Renderer::write_method_pair(async_text, sync_text, &sig, &plan);
        let [async_text, sync_text] = texts;
        root_members[0].push(async_text);
        root_members[1].push(sync_text);
    }
    // Every method is prepared: the type caches go, so what is built from here on (the
    // client classes, the imports, the README) reuses their memory instead of adding to
    // the peak.
    r.kw_types = FxHashMap::default();
    r.kw_repeated = FxHashSet::default();
    r.mapper.clear_cache();
    let mut client_blocks = Vec::new();
    for sync in [false, true] {
        let attrs: Vec<String> = child_namespace_attrs(&root, sync, "self._rt");
        let mut members = on_members.clone();
        members.extend(if sync {
            sync_events.clone()
        } else {
            async_events.clone()
        });
        members.append(&mut root_members[usize::from(sync)]);
        let doc = if sync {
            format!(
                "Blocking client of the {title}, for code that is not async.\n\n\
                 The same methods as :class:`RPCClient`, without ``await``; the connection\n\
                 runs on an event loop in a background thread (handlers run there too)::\n\n    \
                 with SyncRPCClient({}) as client:\n        ...",
                string_literal(&example_url)
            )
        } else {
            format!(
                "Client of the {title} over one WebSocket connection.\n\n\
                 Use it as an async context manager, or call :meth:`connect` and :meth:`close`::\n\n    \
                 async with RPCClient({}) as client:\n        ...\n\n\
                 Failed calls raise :class:`RPCError` subclasses (see the ``errors`` module).\n\
                 When the connection drops, calls waiting for a response fail with\n\
                 :class:`ConnectionLostError` and the client reconnects in the background\n\
                 (see ``reconnect``); calls made meanwhile wait for it within their timeout.",
                string_literal(&example_url)
            )
        };
        let docstring = fmt::docstring(&doc, 1).unwrap_or_default();
        client_blocks.push(if sync {
            SyncRpcClientTpl {
                docstring,
                module: ctx.module.clone(),
                attrs,
                members,
            }
            .render()?
        } else {
            RpcClientTpl {
                docstring,
                env_prefix: env_prefix.clone(),
                attrs,
                members,
            }
            .render()?
        });
    }

    // Module-level constants.
    let mut constants = Vec::new();
    let servers: Vec<(Expr, Expr)> = api
        .servers
        .iter()
        .map(|(k, v)| (Expr::atom(string_literal(k)), Expr::atom(string_literal(v))))
        .collect();
    let str_map = Expr::sub("dict", vec![Expr::atom("str"), Expr::atom("str")]);
    constants.push(format!(
        "{}\n{}",
        fmt::ann_assign(0, "SERVERS", &str_map, Some(&Expr::Dict(servers))),
        fmt::docstring("WebSocket URLs of the API's environments, by name.", 0).unwrap_or_default()
    ));
    constants.push(format!(
        "{}\n{}",
        fmt::assign(0, "_ENV_PREFIX", &Expr::atom(string_literal(&env_prefix))),
        fmt::docstring("Prefix of the environment variables ``from_env`` reads.", 0)
            .unwrap_or_default()
    ));
    for (name, ty) in &r.adapters {
        constants.push(fmt::ann_assign(
            0,
            name,
            &Expr::sub("TypeAdapter", vec![ty.clone()]),
            Some(&Expr::call("TypeAdapter", vec![Arg::pos(ty.clone())])),
        ));
    }
    let decoder_map = Expr::sub(
        "dict",
        vec![
            Expr::atom("str"),
            callable(Expr::List(vec![Expr::atom("Any")]), Expr::atom("Any")),
        ],
    );
    constants.push(fmt::ann_assign(
        0,
        "_EVENTS",
        &decoder_map,
        Some(&Expr::Dict(event_entries)),
    ));

    warnings.extend(r.mapper.warnings.take());

    let [async_client, sync_client] = <[String; 2]>::try_from(client_blocks)
        .unwrap_or_else(|_| unreachable!("two client classes"));
    let mut client_py = body;
    for (part, client) in [(None, async_client), (Some(sync_body), sync_client)] {
        if let Some(part) = part {
            client_py.push_str(&part);
        }
        client_py.push_str(SECTION_BREAK);
        let start = client_py.len();
        client_py.push_str(&client);
        trim_section_end(&mut client_py, start);
    }
    let mut prefix = String::new();
    ClientFileTpl {
        header: &ctx.header,
        docstring: &fmt::docstring(&format!("The typed client of the {title}."), 0)
            .unwrap_or_default(),
        imports: &render_imports(&r.imp),
        constants: &constants.join("\n\n"),
    }
    .render_into(&mut prefix)?;
    // Moves the classes within the reserved capacity (one more byte: the final newline).
    client_py.reserve(prefix.len() + 1);
    client_py.insert_str(0, &prefix);

    let connect_example = fenced(
        "python",
        &format!(
            "import asyncio\n\nfrom {module} import RPCClient\n\n\nasync def main() -> None:\n    \
             async with RPCClient({url}, token=\"anonymous\") as client:\n        ...\n\n\nasyncio.run(main())",
            module = ctx.module,
            url = string_literal(&example_url),
        ),
    );
    // The README is written into one buffer sized from its parts (about 2.5 MB at N=5000:
    // grown by doubling, each step was a fresh mapping and a copy).
    let readme_size = 16 * 1024
        + r.readme_methods
            .iter()
            .map(|m| {
                64 + 2 * m.wire.len()
                    + m.signature.len()
                    + 2 * (m.summary.map_or(0, str::len) + m.description.map_or(0, str::len))
            })
            .sum::<usize>()
        + readme_events
            .iter()
            .map(|e| {
                64 + 2 * e.wire.len()
                    + e.signature.len()
                    + 2 * e.description.as_ref().map_or(0, String::len)
            })
            .sum::<usize>();
    let mut readme = String::with_capacity(readme_size);
    ReadmeTpl {
        header: crate::lang::header_text(api),
        env_prefix: env_prefix.clone(),
        title: api.title.clone(),
        api_name: super::api_name(api),
        description: api.description.clone(),
        version: api.version.clone(),
        dist: ctx.dist.clone(),
        module: ctx.module.clone(),
        dependencies: ctx.dependencies.clone(),
        uses_missing: ctx.uses_missing,
        connect_example,
        servers: api
            .servers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        methods: {
            let mut m = std::mem::take(&mut r.readme_methods);
            m.sort_by_key(|x| x.index);
            m
        },
        events: readme_events,
    }
    .render_into(&mut readme)?;
    Ok(ClientOut { client_py, readme })
}
