//! The TypeScript backend: renders an [`Api`] as an npm package (ESM, no runtime
//! dependencies) with the schema's types, a typed client and its connection runtime.
//!
//! - [`names`]: identifiers (type names, members, namespace classes), collisions.
//! - [`types`]: IR types → TypeScript type expressions and doc-comment facts.
//! - [`print`] / [`doc`]: layout of length-dependent constructs exactly as prettier's.
//! - [`filters`]: escaping for the Askama templates in `templates/typescript/`.

mod doc;
mod es5_ident;
mod filters;
mod member;
mod names;
mod print;
mod types;

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use heck::ToKebabCase;

use crate::ir::{AdditionalProperties, Api, Docs, EnumRepr, Method, TypeId, TypeKind, Warning};
use crate::lang::{GeneratedFile, Package, PackageOptions, header_text};

use names::{Namespace, Scope};
use print::{TsType, Value};
use types::{DocLines, TypeMap, doc_lines};

/// Renders the package's files, sorted by path.
pub fn generate(api: &Api, options: &PackageOptions) -> anyhow::Result<Package> {
    let mut warnings = Vec::new();
    let header = header_text(api);

    let tree = Namespace::build(api);
    let classes = names::namespace_classes(&tree, &mut warnings);
    let mut taken: FxHashSet<String> = names::PACKAGE_NAMES.iter().map(|s| s.to_string()).collect();
    taken.extend(classes.values().cloned());
    // Sorted by name: the order of the declarations in types.ts.
    let named = named_types(api);
    let type_names = names::type_names(api, &named, &taken, &mut warnings);
    let map = TypeMap {
        api,
        names: &type_names,
    };

    let types_ts = render_types(&map, &named, &header, &mut warnings)?;
    let mut members = ClassMembers {
        by_path: FxHashMap::default(),
        accessors: vec![String::new(); api.methods.len()],
    };
    members.collect(api, &tree, "client");
    let client_ts = render_client(&map, &tree, &classes, &members, &header, &mut warnings)?;
    let package = package_info(api, options, &mut warnings);

    let mut files = vec![
        file("src/types.ts", types_ts),
        file("src/client.ts", client_ts),
        file("src/runtime.ts", RuntimeTs { header: &header }.render()?),
        file("src/errors.ts", ErrorsTs { header: &header }.render()?),
        file("src/index.ts", IndexTs { header: &header }.render()?),
        file(
            "package.json",
            PackageJson {
                name: &package.name,
                version: &package.version,
                description: &package.description,
            }
            .render()?,
        ),
        file("tsconfig.json", TsconfigJson.render()?),
        file(".gitignore", Gitignore.render()?),
        file(
            "README.md",
            render_readme(&map, members.accessors, &package, &header)?,
        ),
    ];
    for f in &mut files {
        if !f.contents.ends_with('\n') {
            f.contents.push('\n');
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Package { files, warnings })
}

/// [`crate::ir::TypeSpace::named`]: the named types by name (equal names by id, as
/// its stable sort leaves them). Compared by their first 16 bytes as one number first:
/// thousands of names, most told apart there without a string comparison.
fn named_types(api: &Api) -> Vec<TypeId> {
    let mut named: Vec<(u128, &str, TypeId)> = api
        .types
        .types
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| {
            let name = entry.name.as_ref()?.name.as_str();
            Some((sort_prefix(name), name, TypeId(i)))
        })
        .collect();
    named.sort_unstable();
    named.into_iter().map(|(_, _, id)| id).collect()
}

/// The first 16 bytes of `name` as one number, zero-padded, ordered as the names are:
/// a shorter name sorts first among names it is a prefix of, and names with equal keys
/// are compared whole.
fn sort_prefix(name: &str) -> u128 {
    let mut prefix = [0u8; 16];
    let len = name.len().min(16);
    prefix[..len].copy_from_slice(&name.as_bytes()[..len]);
    u128::from_be_bytes(prefix)
}

fn file(path: &str, contents: String) -> GeneratedFile {
    GeneratedFile {
        path: path.to_string(),
        contents,
    }
}

// ---------------------------------------------------------------------------------------
// types.ts

#[derive(Template)]
#[template(path = "typescript/types.ts.askama", escape = "none")]
struct TypesTs<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "typescript/enum.ts.askama", escape = "none")]
struct EnumTs<'a> {
    name: &'a str,
    type_code: String,
    const_code: String,
}

/// types.ts, written declaration by declaration into one text.
fn render_types(
    map: &TypeMap<'_>,
    named: &[TypeId],
    header: &str,
    warnings: &mut Vec<Warning>,
) -> anyhow::Result<String> {
    let api = map.api;
    let tags = discriminator_tags(api);
    // Megabytes on large schemas: reserved once instead of grown by doubling (pages
    // reserved beyond the end are never touched).
    let mut out = String::with_capacity(types_size_estimate(api));
    TypesTs { header }.render_into(&mut out)?;
    // One doc comment's lines at a time, reused.
    let mut doc = DocLines::default();
    let mut texts = member::TypeTexts::new(api.types.types.len());
    for &id in named {
        let entry = api.types.get(id);
        let name = map.name(id);
        let source = entry.name.as_ref().map_or(name, |n| n.source.as_str());
        out.push_str("\n\n");
        match &entry.kind {
            TypeKind::Object(object) => {
                doc.fill(&entry.docs, |d| schema_name(d, source, name), None);
                filters::push_jsdoc(&mut out, &doc, 0);
                if object.fields.is_empty() {
                    match object.additional {
                        AdditionalProperties::Forbidden => out.push_str(&print::type_alias(
                            name,
                            &TsType::Generic(
                                "Record".into(),
                                vec![TsType::Keyword("string"), TsType::Keyword("never")],
                            ),
                        )),
                        AdditionalProperties::Allowed => {
                            push_interface_head(&mut out, name);
                            doc.clear();
                            doc.push("Any other properties.");
                            push_member(&mut out, &doc);
                            out.push_str(&print::index_signature(&TsType::Keyword("unknown"), 2));
                            out.push_str("\n}");
                        }
                        AdditionalProperties::Typed(values) => out.push_str(&print::type_alias(
                            name,
                            &TsType::Generic(
                                "Record".into(),
                                vec![TsType::Keyword("string"), map.ts(values)],
                            ),
                        )),
                    }
                } else {
                    push_interface_head(&mut out, name);
                    let tagged = tags.variants.get(id.0).is_some_and(|&t| t);
                    for f in &object.fields {
                        let optional = !f.required
                            && (!tagged || !tags.fields.contains(&(id, f.wire_name.as_str())));
                        texts.push_field(&mut out, map, f, optional, &mut doc);
                    }
                    if let AdditionalProperties::Typed(values) = object.additional {
                        doc.clear();
                        doc.push("Other properties.");
                        map.facts(values, &mut doc);
                        push_member(&mut out, &doc);
                        out.push_str(&print::index_signature(
                            &map.index_type(values, &object.fields),
                            2,
                        ));
                    }
                    out.push_str("\n}");
                }
            }
            TypeKind::Enum(e) => {
                doc.fill(&entry.docs, |d| schema_name(d, source, name), None);
                filters::push_jsdoc(&mut out, &doc, 0);
                let mut scope = Scope::new(&[]);
                let mut properties = Vec::new();
                for v in &e.values {
                    let (key, value) = match e.repr {
                        EnumRepr::String => {
                            (enum_key_for_string(&v.wire), Value::String(v.wire.clone()))
                        }
                        EnumRepr::Integer => {
                            (enum_key_for_integer(&v.wire), Value::Number(v.wire.clone()))
                        }
                    };
                    let (key, changed) = scope.claim(&key);
                    if changed {
                        warnings.push(Warning {
                            pointer: entry.pointer.clone(),
                            message: format!(
                                "TypeScript: enum value {:?} of `{name}` is named `{key}`",
                                v.wire
                            ),
                        });
                    }
                    properties.push((key, value));
                }
                EnumTs {
                    name,
                    type_code: print::type_alias(name, &map.structure(id)),
                    const_code: print::const_object(name, &properties),
                }
                .render_into(&mut out)?;
            }
            _ => {
                doc.fill(
                    &entry.docs,
                    |d| {
                        schema_name(d, source, name);
                        map.facts(id, d);
                    },
                    None,
                );
                filters::push_jsdoc(&mut out, &doc, 0);
                out.push_str(&print::type_alias(name, &map.structure(id)));
            }
        }
    }

    // The payload type of every event, by wire name.
    out.push_str("\n\n");
    doc.clear();
    doc.push("The payload type of each push the server may send, by its `type`.");
    doc.push("Subscribe with `client.on(type, handler)`.");
    filters::push_jsdoc(&mut out, &doc, 0);
    push_interface_head(&mut out, "EventMap");
    let mut seen = FxHashSet::default();
    for event in &api.events {
        if !seen.insert(event.wire_name.as_str()) {
            warnings.push(Warning {
                pointer: event.pointer.clone(),
                message: format!(
                    "TypeScript: event `{}` is declared twice; the first declaration is used",
                    event.wire_name
                ),
            });
            continue;
        }
        let docs = Docs {
            description: event.description.clone(),
            ..Docs::default()
        };
        doc.fill(&docs, |d| map.facts(event.payload, d), None);
        push_member(&mut out, &doc);
        print::push_property_signature(
            &mut out,
            &event.wire_name,
            false,
            false,
            &map.ts(event.payload),
            2,
        );
    }
    if seen.is_empty() {
        out.push('}');
    } else {
        out.push_str("\n}");
    }
    Ok(out)
}

/// The note on a type renamed in TypeScript.
fn schema_name(doc: &mut DocLines, source: &str, name: &str) {
    if source != name {
        doc.push_with(|t| {
            t.push_str("Schema name: `");
            t.push_str(source);
            t.push_str("`.");
            true
        });
    }
}

/// `export interface Name {`; its members follow, each on a new line.
fn push_interface_head(out: &mut String, name: &str) {
    out.push_str("export interface ");
    out.push_str(name);
    out.push_str(" {");
}

/// Starts an interface member: a new line at two columns, its doc comment; its code
/// (laid out at two columns) follows.
fn push_member(out: &mut String, doc: &DocLines) {
    out.push_str("\n  ");
    filters::push_jsdoc(out, doc, 2);
}

/// About the size of types.ts: enough for the usual declarations, so that the text is
/// allocated once.
fn types_size_estimate(api: &Api) -> usize {
    let docs_len = |d: &Docs| {
        d.title.as_ref().map_or(0, String::len)
            + d.description.as_ref().map_or(0, String::len)
            + d.examples.iter().map(|e| e.len() + 16).sum::<usize>()
    };
    let mut size = 4096;
    for entry in &api.types.types {
        if let Some(name) = &entry.name {
            size += 160 + 2 * name.source.len() + docs_len(&entry.docs);
        }
        if let TypeKind::Object(object) = &entry.kind {
            for f in &object.fields {
                size += 160
                    + f.wire_name.len()
                    + docs_len(&f.docs)
                    + f.default.as_ref().map_or(0, |d| d.0.len());
            }
        }
    }
    size + api.events.len() * 160
}

/// The tag fields of discriminated-union variants. They are required in TypeScript even
/// where the schema gives them a default (Pydantic's `kind: Literal["a"] = "a"`): the
/// server always sends them, and TypeScript narrows unions only on required tags.
fn discriminator_tags(api: &Api) -> Tags<'_> {
    let mut out = Tags {
        fields: FxHashSet::default(),
        variants: Vec::new(),
    };
    for entry in &api.types.types {
        if let TypeKind::Union(u) = &entry.kind
            && let Some(d) = &u.discriminator
        {
            for (_, variant) in &d.mapping {
                out.fields.insert((*variant, d.property.as_str()));
                if out.variants.len() <= variant.0 {
                    out.variants.resize(variant.0 + 1, false);
                }
                out.variants[variant.0] = true;
            }
        }
    }
    out
}

/// The tag fields of discriminated-union variants, by type and wire name.
struct Tags<'a> {
    fields: FxHashSet<(TypeId, &'a str)>,
    /// By type id: whether it is a variant (has a tag field), to look up only those.
    variants: Vec<bool>,
}

/// `pending_payment` → `PendingPayment`, `EUR` → `EUR`; values without letters or digits become
/// `Empty`/`Value`; a leading digit gets `Value` in front.
fn enum_key_for_string(wire: &str) -> String {
    // Codes in capitals (`EUR`) stay as they are.
    if wire.starts_with(|c: char| c.is_ascii_uppercase())
        && wire
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return wire.to_string();
    }
    match names::pascal(wire) {
        None if wire.is_empty() => "Empty".to_string(),
        None => "Value".to_string(),
        Some(k) if k.starts_with(|c: char| c.is_ascii_digit()) => format!("Value{k}"),
        Some(k) => k,
    }
}

/// `1` → `Value1`, `-1` → `ValueMinus1`.
fn enum_key_for_integer(wire: &str) -> String {
    match wire.strip_prefix('-') {
        Some(abs) => format!("ValueMinus{abs}"),
        None => format!("Value{wire}"),
    }
}

// ---------------------------------------------------------------------------------------
// client.ts

#[derive(Template)]
#[template(path = "typescript/client.ts.askama", escape = "none")]
struct ClientTs<'a> {
    header: &'a str,
    imports: Vec<String>,
    servers: String,
    event_types: String,
}

/// A namespace class through its constructor; its methods follow.
#[derive(Template)]
#[template(path = "typescript/namespace.ts.askama", escape = "none")]
struct NamespaceTs<'a> {
    doc: Vec<String>,
    name: &'a str,
    has_runtime: bool,
    children: Vec<ChildNamespace>,
}

/// `RPCClient` through its own members; the schema's methods follow.
#[derive(Template)]
#[template(path = "typescript/rpc_client.ts.askama", escape = "none")]
struct RpcClientTs {
    doc: Vec<String>,
    children: Vec<ChildNamespace>,
}

/// A namespace as a member of its parent.
struct ChildNamespace {
    doc: Vec<String>,
    member: String,
    class: String,
    /// `this.member = new Class(runtime);`, laid out at four columns.
    assign: String,
}

/// The member names of every class, by namespace path (computed once for the client
/// and its README), and how each method is called.
struct ClassMembers<'t> {
    by_path: FxHashMap<&'t [String], (Vec<names::MemberName>, Vec<names::MemberName>)>,
    /// `client.orders.getStatus`, by method index.
    accessors: Vec<String>,
}

impl<'t> ClassMembers<'t> {
    fn collect(&mut self, api: &Api, ns: &'t Namespace, prefix: &str) {
        let (methods, children) = names::members(api, ns);
        let member = |n: &names::MemberName| {
            let mut s = String::with_capacity(prefix.len() + 1 + n.name.len());
            s.push_str(prefix);
            s.push('.');
            s.push_str(&n.name);
            s
        };
        for (&index, n) in ns.methods.iter().zip(&methods) {
            self.accessors[index] = member(n);
        }
        for (child, n) in ns.children.iter().zip(&children) {
            self.collect(api, child, &member(n));
        }
        self.by_path.insert(&ns.path, (methods, children));
    }
}

/// The child namespaces of the class of `ns` as its members, with a warning for every
/// renamed one.
fn child_members(
    ns: &Namespace,
    classes: &BTreeMap<Vec<String>, String>,
    members: &ClassMembers<'_>,
    warnings: &mut Vec<Warning>,
) -> Vec<ChildNamespace> {
    let (_, child_names) = &members.by_path[ns.path.as_slice()];
    let mut children = Vec::new();
    for (child, n) in ns.children.iter().zip(child_names) {
        if n.name != n.wanted {
            warnings.push(Warning {
                pointer: "/methods".to_string(),
                message: format!(
                    "TypeScript: namespace `{}` is `{}` (`{}` is taken)",
                    child.path.join("."),
                    n.name,
                    n.wanted
                ),
            });
        }
        let class = classes[&child.path].clone();
        children.push(ChildNamespace {
            doc: vec![format!("The methods `{}.*`.", child.path.join("."))],
            assign: print::assign_new(
                &format!("this.{}", n.name),
                &class,
                &["runtime".to_string()],
                4,
            ),
            member: n.name.clone(),
            class,
        });
    }
    children
}

/// Writes the methods of the class of `ns` into `out`, with a warning for every renamed
/// one.
fn write_methods(
    out: &mut String,
    map: &TypeMap<'_>,
    ns: &Namespace,
    members: &ClassMembers<'_>,
    warnings: &mut Vec<Warning>,
    methods: &mut MethodWriter,
) {
    let api = map.api;
    let (method_names, _) = &members.by_path[ns.path.as_slice()];
    for (&index, n) in ns.methods.iter().zip(method_names) {
        let method = &api.methods[index];
        if n.name != n.wanted {
            warnings.push(Warning {
                pointer: method.pointer.clone(),
                message: format!(
                    "TypeScript: method `{}` is `{}` (`{}` is taken)",
                    method.wire_name, n.name, n.wanted
                ),
            });
        }
        methods.push(out, map, method, &n.name);
    }
}

/// Writes methods of a class, each after an empty line, at two columns; its texts are
/// reused from method to method.
#[derive(Default)]
struct MethodWriter {
    doc: DocLines,
    /// `params: T` (when the method has params), `options?: CallOptions`.
    params: [String; 2],
    /// The wire name's literal, `params` or `undefined`, `options`.
    args: [String; 3],
}

impl MethodWriter {
    fn push(&mut self, out: &mut String, map: &TypeMap<'_>, method: &Method, name: &str) {
        let [params, options] = &mut self.params;
        params.clear();
        if let Some(p) = method.params {
            let optional = match map.api.types.kind(p) {
                TypeKind::Object(o) => o.fields.iter().all(|f| !f.required),
                _ => false,
            };
            params.push_str(if optional { "params?: " } else { "params: " });
            let start = params.len();
            if !map.push_flat(p, params) {
                params.truncate(start);
                params.push_str(&map.ts(p).flat());
            }
        }
        if options.is_empty() {
            options.push_str("options?: CallOptions");
        }
        let params = &self.params[usize::from(method.params.is_none())..];
        let [wire, payload, options] = &mut self.args;
        wire.clear();
        print::push_string_literal(wire, &method.wire_name);
        payload.clear();
        payload.push_str(if method.params.is_some() {
            "params"
        } else {
            "undefined"
        });
        if options.is_empty() {
            options.push_str("options");
        }
        out.push_str("\n\n  ");
        // Most method docs are plain text: written directly.
        if !member::push_method_doc(
            out,
            method.summary.as_deref(),
            method.description.as_deref(),
            &method.wire_name,
            method.deprecated,
        ) {
            self.doc.fill_parts(
                method.summary.as_deref(),
                method.description.as_deref(),
                &[],
                method.deprecated,
                |d| {
                    d.push_with(|t| {
                        t.push_str("Calls `");
                        t.push_str(&method.wire_name);
                        t.push_str("`.");
                        true
                    })
                },
                None,
            );
            filters::push_jsdoc(out, &self.doc, 2);
        }
        // A named (or no) result: its text is all the return type's document holds.
        let plain_result = match method.result {
            Some(r) => map.names.get(r),
            None => Some("void"),
        };
        if !plain_result
            .is_some_and(|r| print::push_method_head_plain(out, name, params, "Promise", r, 2))
        {
            let result = match method.result {
                Some(r) => map.ts(r),
                None => TsType::Keyword("void"),
            };
            print::push_method_head(
                out,
                name,
                params,
                &TsType::Generic("Promise".into(), vec![result]),
                2,
            );
        }
        out.push_str("\n    ");
        print::push_return_call(out, "this.#runtime.call", &self.args, 4);
        out.push_str("\n  }");
    }
}

fn render_client(
    map: &TypeMap<'_>,
    tree: &Namespace,
    classes: &BTreeMap<Vec<String>, String>,
    members: &ClassMembers<'_>,
    header: &str,
    warnings: &mut Vec<Warning>,
) -> anyhow::Result<String> {
    let api = map.api;
    // The types the methods refer to, imported at the top.
    // Borrowed names, sorted and deduplicated once (thousands of them).
    let mut type_imports: Vec<&str> = Vec::with_capacity(2 * api.methods.len() + 1);
    let mut other_refs = BTreeSet::new();
    for method in &api.methods {
        for id in method.params.iter().chain(&method.result) {
            map.refs(*id, &mut type_imports, &mut other_refs);
        }
    }
    // `EventMap` is a package name: no type has it.
    type_imports.push("EventMap");
    type_imports.extend(other_refs.iter().map(String::as_str));
    // Sorted by [`sort_prefix`] first: thousands of names, most told apart there.
    let mut keyed: Vec<(u128, &str)> = type_imports
        .iter()
        .map(|&name| (sort_prefix(name), name))
        .collect();
    keyed.sort_unstable();
    keyed.dedup();
    type_imports.clear();
    type_imports.extend(keyed.iter().map(|&(_, name)| name));
    let runtime_types = [
        "CallOptions",
        "ClientOptions",
        "ConnectionState",
        "EnvironmentVariables",
        "Unsubscribe",
    ];
    let imports = vec![
        print::import(
            &["RPCRuntime", "defaultServerUrl", "serverUrl"],
            "./runtime.js",
            false,
        ),
        print::import(&runtime_types, "./runtime.js", true),
        print::import(&type_imports, "./types.js", true),
    ];

    let servers = if api.servers.is_empty() {
        "export const servers: Readonly<Record<string, string>> = {};".to_string()
    } else {
        let properties: Vec<(String, Value)> = api
            .servers
            .iter()
            .map(|(env, url)| (object_key(env), Value::String(url.clone())))
            .collect();
        print::const_object("servers", &properties)
    };

    let mut seen = FxHashSet::default();
    let event_keys: Vec<String> = api
        .events
        .iter()
        .filter(|e| seen.insert(e.wire_name.as_str()))
        .map(|e| object_key(&e.wire_name))
        .collect();
    let event_types = if event_keys.is_empty() {
        "{}".to_string()
    } else {
        let mut s = String::from("{\n");
        for key in event_keys {
            s.push_str(&format!("  {key}: true,\n"));
        }
        s.push('}');
        s
    };

    // The classes are written straight into the file after its head; the methods of one
    // class at a time are gathered in a reused text (the class head needs its child
    // namespaces first).
    let mut methods = MethodWriter::default();
    let mut out = String::with_capacity(client_size_estimate(api));
    ClientTs {
        header,
        imports,
        servers,
        event_types,
    }
    .render_into(&mut out)?;
    // The warnings about a class's methods come before those about its namespaces.
    let mut child_warnings = Vec::new();
    for ns in tree.descendants() {
        let children = child_members(ns, classes, members, &mut child_warnings);
        out.push_str("\n\n");
        NamespaceTs {
            doc: vec![format!("The methods `{}.*`.", ns.path.join("."))],
            name: &classes[&ns.path],
            has_runtime: !ns.methods.is_empty(),
            children,
        }
        .render_into(&mut out)?;
        write_methods(&mut out, map, ns, members, warnings, &mut methods);
        warnings.append(&mut child_warnings);
        out.push_str("\n}");
    }
    let children = child_members(tree, classes, members, &mut child_warnings);
    let docs = Docs {
        title: Some(api.title.clone()),
        description: api.description.clone(),
        ..Docs::default()
    };
    out.push_str("\n\n");
    RpcClientTs {
        doc: doc_lines(&docs, &format!("API version {}.", api.version)),
        children,
    }
    .render_into(&mut out)?;
    write_methods(&mut out, map, tree, members, warnings, &mut methods);
    warnings.append(&mut child_warnings);
    out.push_str("\n}");
    Ok(out)
}

/// About the size of client.ts, so that it is allocated once.
fn client_size_estimate(api: &Api) -> usize {
    let per_method: usize = api
        .methods
        .iter()
        .map(|m| {
            400 + 3 * m.wire_name.len()
                + m.summary.as_ref().map_or(0, String::len)
                + m.description.as_ref().map_or(0, String::len)
        })
        .sum();
    16_384 + per_method
}

/// A key of an object literal. `__proto__` must be computed there: written plainly it
/// would set the object's prototype instead of a property.
fn object_key(name: &str) -> String {
    if name == "__proto__" {
        "[\"__proto__\"]".to_string()
    } else {
        print::property_key(name)
    }
}

// ---------------------------------------------------------------------------------------
// Static files and package metadata

#[derive(Template)]
#[template(path = "typescript/runtime.ts.askama", escape = "none")]
struct RuntimeTs<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "typescript/errors.ts.askama", escape = "none")]
struct ErrorsTs<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "typescript/index.ts.askama", escape = "none")]
struct IndexTs<'a> {
    header: &'a str,
}

#[derive(Template)]
#[template(path = "typescript/package.json.askama", escape = "none")]
struct PackageJson<'a> {
    name: &'a str,
    version: &'a str,
    description: &'a str,
}

#[derive(Template)]
#[template(path = "typescript/tsconfig.json.askama", escape = "none")]
struct TsconfigJson;

#[derive(Template)]
#[template(path = "typescript/gitignore.askama", escape = "none")]
struct Gitignore;

struct PackageInfo {
    name: String,
    version: String,
    description: String,
}

fn package_info(api: &Api, options: &PackageOptions, warnings: &mut Vec<Warning>) -> PackageInfo {
    let name = match &options.name {
        Some(n) => {
            if !is_npm_name(n) {
                warnings.push(Warning {
                    pointer: "/info/title".to_string(),
                    message: format!("TypeScript: {n:?} is not a valid npm package name"),
                });
            }
            n.clone()
        }
        None => npm_name(&api.title),
    };
    let wanted_version = options
        .version
        .clone()
        .unwrap_or_else(|| api.version.clone());
    let version = semver(&wanted_version);
    if version != wanted_version {
        warnings.push(Warning {
            pointer: "/info/version".to_string(),
            message: format!("TypeScript: version {wanted_version:?} is not semver; package.json says {version:?}"),
        });
    }
    let description = match &api.description {
        Some(d) if !crate::lang::one_line(d).is_empty() => crate::lang::one_line(d),
        _ => format!("Typed client of {}", crate::lang::one_line(&api.title)),
    };
    PackageInfo {
        name,
        version,
        description,
    }
}

/// The API title as an npm package name: lowercase kebab-case ASCII.
fn npm_name(title: &str) -> String {
    let kebab: String = title
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    let trimmed = kebab.trim_matches('-');
    let collapsed = trimmed
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if collapsed.is_empty() {
        "rpc-client".to_string()
    } else {
        collapsed.chars().take(214).collect()
    }
}

/// npm's rules for new package names: at most 214 characters, lowercase, URL-safe,
/// optionally scoped (`@scope/name`), not starting with `.` or `_`.
fn is_npm_name(name: &str) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && !p.starts_with(['.', '_'])
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._~".contains(c))
    };
    let bare = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, rest)) if part_ok(scope) => rest,
            _ => return false,
        },
        None => name,
    };
    name.len() <= 214 && part_ok(bare)
}

/// `1.2.3` (with pre-release/build parts) as is; `v1.2`, `1` padded; else `0.0.0`.
fn semver(v: &str) -> String {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let (core, suffix) = match v.find(['-', '+']) {
        Some(i) => (&v[..i], &v[i..]),
        None => (v, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    let suffix_ok = suffix
        .chars()
        .skip(1)
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')
        && suffix.len() != 1;
    if parts.len() <= 3 && parts.iter().all(numeric) && suffix_ok {
        let mut parts: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        while parts.len() < 3 {
            parts.push("0".to_string());
        }
        format!("{}{suffix}", parts.join("."))
    } else {
        "0.0.0".to_string()
    }
}

// ---------------------------------------------------------------------------------------
// README.md

#[derive(Template)]
#[template(path = "typescript/README.md.askama", escape = "none")]
struct ReadmeMd<'a> {
    header: &'a str,
    title: &'a str,
    description: Vec<String>,
    package: &'a str,
    version: &'a str,
    server_url: String,
    servers: Vec<(String, String)>,
    example: Option<String>,
    /// The rows of the methods table ([`push_readme_methods`]).
    methods: String,
    events: Vec<ReadmeEvent>,
}

/// Appends the rows of the methods table to `out`, each after a line break (a row is
/// `| \`call\` | \`wire\` | params | result | summary |`, each cell escaped by
/// `md_inline`): pushed straight into one text, with no formatter and no text per cell.
/// `accessors`: how each method is called, by index.
fn push_readme_methods(out: &mut String, map: &TypeMap<'_>, accessors: &[String]) {
    for (m, call) in map.api.methods.iter().zip(accessors) {
        out.push_str("\n| `");
        out.push_str(call);
        out.push_str("` | `");
        push_md_cell(out, &m.wire_name);
        out.push_str("` | ");
        match m.params {
            Some(p) => push_type_cell(out, map, p),
            None => push_md_cell(out, "—"),
        }
        out.push_str(" | ");
        match m.result {
            Some(r) => push_type_cell(out, map, r),
            None => out.push_str("`void`"),
        }
        out.push_str(" | ");
        let summary = m.summary.as_ref().or(m.description.as_ref());
        let summary = summary.map_or("", String::as_str);
        if m.deprecated {
            push_md_cell(out, &format!("**Deprecated.** {summary}"));
        } else {
            push_md_cell(out, summary);
        }
        out.push_str(" |");
    }
}

/// [`filters::md_cell`] of `text`, appended to `out`.
fn push_md_cell(out: &mut String, text: &str) {
    out.push_str(&filters::md_cell(text));
}

/// The README cell of type `id`: its one-line text in backticks, escaped by
/// [`filters::md_cell`]. Written in place, then replaced only when escaping changes it.
fn push_type_cell(out: &mut String, map: &TypeMap<'_>, id: TypeId) {
    let start = out.len();
    out.push('`');
    if !map.push_flat(id, out) {
        out.truncate(start + 1);
        out.push_str(&map.ts(id).flat());
    }
    out.push('`');
    let escaped = match filters::md_cell(&out[start..]) {
        std::borrow::Cow::Borrowed(_) => None,
        std::borrow::Cow::Owned(escaped) => Some(escaped),
    };
    if let Some(escaped) = escaped {
        out.truncate(start);
        out.push_str(&escaped);
    }
}

struct ReadmeEvent {
    wire: String,
    payload: String,
    description: String,
}

/// README.md; `accessors`: how each method is called, by index (the client's names).
fn render_readme(
    map: &TypeMap<'_>,
    accessors: Vec<String>,
    package: &PackageInfo,
    header: &str,
) -> anyhow::Result<String> {
    let api = map.api;
    let example = api
        .methods
        .iter()
        .position(|m| m.params.is_none())
        .map(|i| accessors[i].clone());
    let events: Vec<ReadmeEvent> = api
        .events
        .iter()
        .map(|e| ReadmeEvent {
            wire: e.wire_name.clone(),
            payload: map.ts(e.payload).flat(),
            description: e.description.clone().unwrap_or_default(),
        })
        .collect();
    let servers: Vec<(String, String)> = api
        .servers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let server_url = servers
        .first()
        .map_or_else(|| "ws://localhost:8765".to_string(), |(_, url)| url.clone());
    // Sized once: a table row per method and event.
    let rows: usize = api
        .methods
        .iter()
        .zip(&accessors)
        .map(|(m, call)| {
            let type_len =
                |id: Option<TypeId>| id.map_or(8, |id| map.names.get(id).map_or(32, str::len));
            call.len()
                + m.wire_name.len()
                + type_len(m.params)
                + type_len(m.result)
                + m.summary
                    .as_ref()
                    .or(m.description.as_ref())
                    .map_or(0, String::len)
                + 48
        })
        .sum::<usize>()
        + events
            .iter()
            .map(|e| e.wire.len() + e.payload.len() + e.description.len() + 32)
            .sum::<usize>();
    let mut methods = String::with_capacity(rows);
    push_readme_methods(&mut methods, map, &accessors);
    let mut out = String::with_capacity(rows + 8192);
    ReadmeMd {
        header,
        title: &api.title,
        description: api
            .description
            .as_deref()
            .map(types::split_lines)
            .unwrap_or_default(),
        package: &package.name,
        version: &package.version,
        server_url,
        servers,
        example,
        methods,
        events,
    }
    .render_into(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
