//! `client.py` (the typed surface: `RPCClient`, namespace classes, event subscriptions)
//! and the package README, which documents the same surface.
//!
//! Every typed method is a one-liner calling `Runtime.call` with the wire name, the params
//! model, a decoder for the result and the timeout; the protocol lives in `_runtime.py`.

use std::collections::HashSet;

use askama::Template;

use super::filters::{self, fenced};
use super::fmt::{self, Arg, Expr, Param, string_literal};
use super::types::{Imports, TypeMapper};
use super::{Ctx, is_model, names, render_imports};
use crate::ir::{Event, Method, TypeId, Warning};

pub(crate) struct ClientOut {
    pub client_py: String,
    pub readme: String,
}

#[derive(Template)]
#[template(path = "python/client.py.askama", escape = "none")]
struct ClientFileTpl {
    header: String,
    docstring: String,
    imports: String,
    constants: String,
    sections: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/rpc_client.py.askama", escape = "none")]
struct RpcClientTpl {
    docstring: String,
    attrs: Vec<String>,
    members: Vec<String>,
}

#[derive(Template)]
#[template(path = "python/namespace.py.askama", escape = "none")]
struct NamespaceTpl {
    class_line: String,
    docstring: String,
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
struct ReadmeTpl {
    header: String,
    title: String,
    api_name: String,
    description: Option<String>,
    version: String,
    dist: String,
    module: String,
    connect_example: String,
    servers: Vec<(String, String)>,
    methods: Vec<ReadmeMethod>,
    events: Vec<ReadmeEvent>,
}

struct ReadmeMethod {
    index: usize,
    wire: String,
    signature: String,
    summary: Option<String>,
    description: Option<String>,
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
    attr: String,
    wire_path: Vec<String>,
    access: String,
    call: Option<MethodPlan<'a>>,
    methods: Vec<MethodPlan<'a>>,
    children: Vec<NsPlan<'a>>,
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
    root: HashSet<String>,
    /// The names in a method's params and result types.
    method: &'f dyn Fn(&Method) -> HashSet<String>,
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
    let mut used: HashSet<String> = ["float", "None", "Runtime"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if root {
        used.extend(ann.root.iter().cloned());
    }
    for m in &tree.methods {
        used.extend((ann.method)(m));
    }
    let adjust = |name: String| -> String {
        if reserved.contains(&name.as_str()) || used.contains(&name) {
            format!("{name}_")
        } else {
            name
        }
    };
    let class_name = if root {
        "RPCClient".to_string()
    } else {
        let pascal: String = wire_path
            .iter()
            .map(|s| crate::ir::pascal_case(s))
            .collect();
        class_scope.claim(
            &format!("_{pascal}Namespace"),
            "namespace class",
            &tree.first_pointer(),
            warnings,
        )
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
    imp: Imports,
    /// Module-level `TypeAdapter` constants: (name, type).
    adapters: Vec<(String, Expr)>,
    constants: names::Scope,
    readme_methods: Vec<ReadmeMethod>,
}

impl<'c, 'a> Renderer<'c, 'a> {
    fn type_expr(&mut self, id: TypeId) -> Expr {
        self.mapper.expr(id, &mut self.imp)
    }

    /// A decoder for values of `id`: `Model.model_validate` or an adapter's
    /// `validate_python`.
    fn decoder(&mut self, id: TypeId, const_hint: &str) -> Expr {
        let ty = self.type_expr(id);
        if is_model(self.ctx.api, id) {
            return Expr::atom(format!("{}.model_validate", ty.flat()));
        }
        let wanted = format!("_{}", const_hint.to_uppercase());
        let name = self
            .constants
            .claim(&wanted, "constant", "", &mut Vec::new());
        self.imp.add("pydantic", "TypeAdapter");
        self.adapters.push((name.clone(), ty));
        Expr::atom(format!("{name}.validate_python"))
    }

    fn method(&mut self, plan: &MethodPlan) -> anyhow::Result<String> {
        let m = plan.method;
        let mut params = vec![Param::bare("self")];
        let mut params_text = Vec::new();
        if let Some(p) = m.params {
            let ty = self.type_expr(p);
            params_text.push(format!("params: {}", ty.flat()));
            params.push(Param::typed("params", ty));
        }
        params.push(Param::bare("*"));
        params.push(Param::with_default(
            "timeout",
            Expr::or(vec![Expr::atom("float"), Expr::atom("None")]),
            Expr::atom("None"),
        ));
        let hint = format!("{}_RESULT", constant_base(&m.wire_name));
        let (ret, decoder) = match m.result {
            None => {
                self.imp.add("._runtime", "ignore_result");
                (Expr::atom("None"), Expr::atom("ignore_result"))
            }
            Some(r) => (self.type_expr(r), self.decoder(r, &hint)),
        };
        let call = Expr::Await(Box::new(Expr::call(
            "self._rt.call",
            vec![
                Arg::pos(Expr::atom(string_literal(&m.wire_name))),
                Arg::pos(Expr::atom(if m.params.is_some() {
                    "params"
                } else {
                    "None"
                })),
                Arg::pos(decoder),
                Arg::pos(Expr::atom("timeout")),
            ],
        )));
        let body = if m.result.is_some() {
            fmt::return_stmt(2, &call)
        } else {
            fmt::expr_stmt(2, &call)
        };
        let mut paragraphs = Vec::new();
        if let Some(s) = &m.summary {
            paragraphs.push(s.clone());
        }
        if let Some(d) = &m.description {
            paragraphs.push(d.clone());
        }
        paragraphs.push(format!("Calls ``{}``.", m.wire_name));
        if m.deprecated {
            paragraphs.push("Deprecated.".to_string());
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
            .ctx
            .api
            .methods
            .iter()
            .position(|x| std::ptr::eq(x, m))
            .unwrap_or(0);
        self.readme_methods.push(ReadmeMethod {
            index,
            wire: m.wire_name.clone(),
            signature: fenced(
                "python",
                &format!(
                    "await {}({}) -> {}",
                    plan.access,
                    params_text.join(", "),
                    ret.flat()
                ),
            ),
            summary: m.summary.clone(),
            description: m.description.clone(),
            deprecated: m.deprecated,
        });
        Ok(MethodTpl {
            decorator: None,
            header: fmt::def_header(1, true, &plan.py_name, &params, Some(&ret), false),
            docstring: fmt::docstring(&paragraphs.join("\n\n"), 2),
            deprecation,
            body,
        }
        .render()?)
    }

    /// Namespace classes, parents before children.
    fn namespaces(&mut self, ns: &NsPlan, out: &mut Vec<String>) -> anyhow::Result<()> {
        for child in &ns.children {
            let attrs = child
                .children
                .iter()
                .map(|c| {
                    fmt::assign(
                        2,
                        &format!("self.{}", c.attr),
                        &Expr::call(c.class_name.clone(), vec![Arg::pos(Expr::atom("runtime"))]),
                    )
                })
                .collect();
            let mut members = Vec::new();
            if let Some(call) = &child.call {
                members.push(self.method(call)?);
            }
            for m in &child.methods {
                members.push(self.method(m)?);
            }
            let doc = format!("Methods ``{}.*``.", child.wire_path.join("."));
            out.push(
                NamespaceTpl {
                    class_line: fmt::class_header(0, &child.class_name, &[]),
                    docstring: fmt::docstring(&doc, 1).unwrap_or_default(),
                    attrs,
                    members,
                }
                .render()?,
            );
            self.namespaces(child, out)?;
        }
        Ok(())
    }
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
    let mut class_scope = names::Scope::with_taken(["RPCClient"]);
    let probe = TypeMapper::new(api, &ctx.names, Some(".models"));
    let names_of = |id: TypeId| {
        let mut out = HashSet::new();
        probe.expr(id, &mut Imports::default()).names(&mut out);
        out
    };
    let method_names = |m: &Method| {
        let mut out = HashSet::new();
        for id in m.params.iter().chain(m.result.iter()) {
            out.extend(names_of(*id));
        }
        out
    };
    let mut root_names: HashSet<String> = [
        "str", "float", "bool", "object", "dict", "Any", "Callable", "Self", "RPCError", "None",
        "Literal", "overload", "property",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for e in &api.events {
        root_names.extend(names_of(e.payload));
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
        mapper: TypeMapper::new(api, &ctx.names, Some(".models")),
        imp: Imports::default(),
        adapters: Vec::new(),
        constants: names::Scope::with_taken(["_EVENTS"]),
        readme_methods: Vec::new(),
    };
    r.imp.add("__future__", "annotations");
    r.imp.add("collections.abc", "Callable");
    r.imp.add("typing", "Any");
    r.imp.add("._runtime", "Runtime");
    r.imp.add(".errors", "RPCError");
    r.imp.add("typing_extensions", "Self");

    // Namespace classes first (they only need the runtime), then the client.
    let mut ns_blocks = Vec::new();
    r.namespaces(&root, &mut ns_blocks)?;

    // Events.
    let mut seen_events = HashSet::new();
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
    let mut on_members = Vec::new();
    let mut readme_events = Vec::new();
    let mut payloads = Vec::new();
    for e in &events {
        let payload = r.type_expr(e.payload);
        let decoder = r.decoder(
            e.payload,
            &format!("{}_PAYLOAD", constant_base(&e.wire_name)),
        );
        event_entries.push((Expr::atom(string_literal(&e.wire_name)), decoder));
        readme_events.push(ReadmeEvent {
            wire: e.wire_name.clone(),
            signature: fenced(
                "python",
                &format!(
                    "client.on({}, handler)  # handler(payload: {})",
                    string_literal(&e.wire_name),
                    payload.flat()
                ),
            ),
            description: e.description.clone(),
        });
        payloads.push(payload);
    }
    let callable = |arg: Expr, ret: Expr| Expr::sub("Callable", vec![arg, ret]);
    let unsubscribe = callable(Expr::List(vec![]), Expr::atom("None"));
    let on_doc = fmt::docstring(
        "Calls ``handler`` with the payload of every push of type ``event``.\n\n\
         ``handler`` may be a plain or a coroutine function (coroutines run as tasks).\n\
         Returns a function that removes the handler.",
        2,
    );
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
    let typed_params = |event: &Event, payload: &Expr| {
        vec![
            Param::bare("self"),
            Param::typed(
                "event",
                Expr::sub(
                    "Literal",
                    vec![Expr::atom(string_literal(&event.wire_name))],
                ),
            ),
            Param::typed(
                "handler",
                callable(Expr::List(vec![payload.clone()]), Expr::atom("object")),
            ),
        ]
    };
    let general_params = vec![
        Param::bare("self"),
        Param::typed("event", Expr::atom("str")),
        Param::typed(
            "handler",
            callable(Expr::List(vec![Expr::atom("Any")]), Expr::atom("object")),
        ),
    ];
    match events.len() {
        0 => on_members.push(
            MethodTpl {
                decorator: None,
                header: fmt::def_header(1, false, "on", &general_params, Some(&unsubscribe), false),
                docstring: on_doc.clone(),
                deprecation: None,
                body: on_body.clone(),
            }
            .render()?,
        ),
        1 => {
            r.imp.add("typing", "Literal");
            on_members.push(
                MethodTpl {
                    decorator: None,
                    header: fmt::def_header(
                        1,
                        false,
                        "on",
                        &typed_params(events[0], &payloads[0]),
                        Some(&unsubscribe),
                        false,
                    ),
                    docstring: on_doc.clone(),
                    deprecation: None,
                    body: on_body.clone(),
                }
                .render()?,
            );
        }
        _ => {
            r.imp.add("typing", "Literal");
            r.imp.add("typing", "overload");
            for (e, payload) in events.iter().zip(&payloads) {
                on_members.push(
                    MethodTpl {
                        decorator: Some("    @overload".to_string()),
                        header: fmt::def_header(
                            1,
                            false,
                            "on",
                            &typed_params(e, payload),
                            Some(&unsubscribe),
                            true,
                        ),
                        docstring: None,
                        deprecation: None,
                        body: String::new(),
                    }
                    .render()?,
                );
            }
            on_members.push(
                MethodTpl {
                    decorator: None,
                    header: fmt::def_header(
                        1,
                        false,
                        "on",
                        &general_params,
                        Some(&unsubscribe),
                        false,
                    ),
                    docstring: on_doc.clone(),
                    deprecation: None,
                    body: on_body.clone(),
                }
                .render()?,
            );
        }
    }

    // The client class.
    let attrs: Vec<String> = root
        .children
        .iter()
        .map(|c| {
            fmt::assign(
                2,
                &format!("self.{}", c.attr),
                &Expr::call(c.class_name.clone(), vec![Arg::pos(Expr::atom("self._rt"))]),
            )
        })
        .collect();
    let mut members = on_members;
    for m in &root.methods {
        members.push(r.method(m)?);
    }
    let title = super::api_name(api);
    let example_url = api
        .servers
        .values()
        .next()
        .cloned()
        .unwrap_or_else(|| "ws://localhost:8765".to_string());
    let client_doc = fmt::docstring(
        &format!(
            "Client of the {title} over one WebSocket connection.\n\n\
             Use it as an async context manager, or call :meth:`connect` and :meth:`close`::\n\n    \
             async with RPCClient({}) as client:\n        ...\n\n\
             Failed calls raise :class:`RPCError` subclasses (see the ``errors`` module).",
            string_literal(&example_url)
        ),
        1,
    )
    .unwrap_or_default();
    let client_block = RpcClientTpl {
        docstring: client_doc,
        attrs,
        members,
    }
    .render()?;

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

    let mut sections = ns_blocks;
    sections.push(client_block);
    warnings.extend(r.mapper.warnings.take());

    let client_py = ClientFileTpl {
        header: ctx.header.clone(),
        docstring: fmt::docstring(&format!("The typed client of the {title}."), 0)
            .unwrap_or_default(),
        imports: render_imports(&r.imp),
        constants: constants.join("\n\n"),
        sections: sections
            .into_iter()
            .map(|s| s.trim_end_matches('\n').to_string())
            .collect(),
    }
    .render()?;

    let connect_example = fenced(
        "python",
        &format!(
            "import asyncio\n\nfrom {module} import RPCClient\n\n\nasync def main() -> None:\n    \
             async with RPCClient({url}, token=\"anonymous\") as client:\n        ...\n\n\nasyncio.run(main())",
            module = ctx.module,
            url = string_literal(&example_url),
        ),
    );
    let readme = ReadmeTpl {
        header: crate::lang::header_text(api),
        title: api.title.clone(),
        api_name: super::api_name(api),
        description: api.description.clone(),
        version: api.version.clone(),
        dist: ctx.dist.clone(),
        module: ctx.module.clone(),
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
    .render()?;
    Ok(ClientOut { client_py, readme })
}
