//! Identifiers of the generated TypeScript: type names, method and namespace members,
//! namespace classes, enum members. Every schema string becomes an identifier only
//! through here: sanitized, checked against what it must not shadow or override, and
//! made unique deterministically, with a [`Warning`] for every rename.

use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

use heck::{ToLowerCamelCase, ToUpperCamelCase};

use crate::ir::{Api, TypeId, Warning};

/// Global names of ECMAScript (lib `es2022`) and TypeScript's built-in utility types.
/// A generated type of one of these names would shadow the global inside the modules
/// that import it (`Promise`, `Record` and `Object` are used by the client itself).
pub const ES_GLOBALS: &[&str] = &[
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "ArrayBufferLike",
    "ArrayBufferView",
    "ArrayLike",
    "AsyncGenerator",
    "AsyncGeneratorFunction",
    "AsyncIterable",
    "AsyncIterableIterator",
    "AsyncIterator",
    "Atomics",
    "Awaited",
    "BigInt",
    "BigInt64Array",
    "BigUint64Array",
    "Boolean",
    "Capitalize",
    "ConstructorParameters",
    "DataView",
    "Date",
    "Error",
    "EvalError",
    "Exclude",
    "Extract",
    "FinalizationRegistry",
    "Float32Array",
    "Float64Array",
    "Function",
    "Generator",
    "GeneratorFunction",
    "Infinity",
    "InstanceType",
    "Int16Array",
    "Int32Array",
    "Int8Array",
    "Intl",
    "Iterable",
    "IterableIterator",
    "Iterator",
    "IteratorResult",
    "JSON",
    "Lowercase",
    "Map",
    "Math",
    "NaN",
    "NoInfer",
    "NonNullable",
    "Number",
    "Object",
    "Omit",
    "OmitThisParameter",
    "Parameters",
    "Partial",
    "Pick",
    "Promise",
    "PromiseLike",
    "PropertyDescriptor",
    "PropertyKey",
    "Proxy",
    "RangeError",
    "Readonly",
    "ReadonlyArray",
    "ReadonlyMap",
    "ReadonlySet",
    "Record",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Required",
    "ReturnType",
    "Set",
    "SharedArrayBuffer",
    "String",
    "Symbol",
    "SyntaxError",
    "TemplateStringsArray",
    "ThisParameterType",
    "ThisType",
    "TypeError",
    "URIError",
    "Uint16Array",
    "Uint32Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Uncapitalize",
    "Uppercase",
    "WeakMap",
    "WeakRef",
    "WeakSet",
    "globalThis",
    "undefined",
];

/// What the package itself exports or declares at module level besides the schema's
/// types (runtime.ts, errors.ts, client.ts). Namespace classes are added per API.
pub const PACKAGE_NAMES: &[&str] = &[
    "AbortError",
    "AuthError",
    "CallOptions",
    "ClientOptions",
    "ConnectionLostError",
    "ConnectionState",
    "EVENT_TYPES",
    "EnvironmentVariables",
    "EventMap",
    "FieldError",
    "FrameTooLargeError",
    "InvalidParamsError",
    "MethodNotFoundError",
    "RPCClient",
    "RPCError",
    "RPCErrorInit",
    "RPCRuntime",
    "ReconnectOptions",
    "ServerError",
    "StateChange",
    "TimeoutError",
    "TokenSource",
    "UnknownEvent",
    "Unsubscribe",
    "ValidationError",
    "WebSocketConstructor",
    "WebSocketLike",
    "asyncDispose",
    "defaultServerUrl",
    "serverUrl",
    "servers",
];

/// Members no generated method or namespace may take, on any class: the constructor,
/// `then` (an object with `then` is awaited as a promise) and `Object.prototype`'s.
pub const RESERVED_MEMBERS: &[&str] = &[
    "constructor",
    "then",
    "toString",
    "toLocaleString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "prototype",
];

/// Members of `RPCClient` itself.
pub const CLIENT_MEMBERS: &[&str] = &["connect", "close", "connected", "on", "state"];

/// TypeScript's reserved words and contextual type keywords: never a type name.
const KEYWORDS: &[&str] = &[
    "any",
    "as",
    "async",
    "await",
    "bigint",
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "get",
    "if",
    "implements",
    "import",
    "in",
    "infer",
    "instanceof",
    "interface",
    "is",
    "keyof",
    "let",
    "module",
    "namespace",
    "never",
    "new",
    "null",
    "number",
    "object",
    "of",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "require",
    "return",
    "set",
    "static",
    "string",
    "super",
    "switch",
    "symbol",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "unique",
    "unknown",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Keeps the characters that may appear in an identifier (ASCII letters and digits, `_`,
/// `$`, and non-ASCII letters).
fn identifier_chars(s: &str) -> String {
    // Most names are such characters already: copied whole.
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    {
        return s.to_string();
    }
    s.chars()
        .filter(|c| {
            c.is_ascii_alphanumeric()
                || *c == '_'
                || *c == '$'
                || (!c.is_ascii() && c.is_alphabetic())
        })
        .collect()
}

/// `s.to_lower_camel_case()` (`upper`: `to_upper_camel_case()`) for an ASCII `s`, byte
/// by byte with heck's word splitting ([`crate::ir::ascii_words`]); heck's general
/// conversion goes through a formatter per character. Only letters and digits remain.
fn ascii_camel(s: &str, upper: bool) -> String {
    // Snake case without capitals (most wire names): heck's words are the parts between
    // underscores, so each part after the first (or every part, `upper`) gets a
    // capital.
    if s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        let mut out = String::with_capacity(s.len());
        for part in s.split('_').filter(|p| !p.is_empty()) {
            let (first, rest) = part.split_at(1);
            if upper || !out.is_empty() {
                out.push(first.as_bytes()[0].to_ascii_uppercase() as char);
            } else {
                out.push_str(first);
            }
            out.push_str(rest);
        }
        return out;
    }
    let mut out = Vec::with_capacity(s.len());
    for part in s.as_bytes().split(|b| !b.is_ascii_alphanumeric()) {
        crate::ir::ascii_words(part, |word| {
            if let Some((first, rest)) = word.split_first() {
                out.push(if upper || !out.is_empty() {
                    first.to_ascii_uppercase()
                } else {
                    first.to_ascii_lowercase()
                });
                out.extend(rest.iter().map(u8::to_ascii_lowercase));
            }
        });
    }
    String::from_utf8(out).expect("ASCII letters and digits")
}

/// `get_status` → `getStatus`; never empty, never starting with a digit.
pub fn camel(s: &str) -> String {
    let out = if s.is_ascii() {
        ascii_camel(s, false)
    } else {
        identifier_chars(&s.to_lower_camel_case())
    };
    if out.is_empty() {
        "method".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// `chat_rooms` → `ChatRooms`; `None` when nothing identifier-like is left.
pub fn pascal(s: &str) -> Option<String> {
    let out = if s.is_ascii() {
        ascii_camel(s, true)
    } else {
        identifier_chars(&s.to_upper_camel_case())
    };
    if out.is_empty() { None } else { Some(out) }
}

/// A valid type identifier from an IR name (which should already be one).
fn sanitize_type_name(name: &str) -> String {
    let out = identifier_chars(name);
    // Every keyword starts with a lowercase letter; type names rarely do.
    if out.is_empty()
        || out.starts_with(|c: char| c.is_ascii_digit())
        || (out.starts_with(|c: char| c.is_ascii_lowercase()) && KEYWORDS.contains(&out.as_str()))
    {
        format!("T{out}")
    } else {
        out
    }
}

/// The TypeScript names of the named types, by type id: a dense table (it is looked up
/// for every property and type reference), not a hash map.
#[derive(Debug, Default)]
pub struct TypeNames {
    /// By type id: 1 + the index of its name in `names`; 0 for an anonymous type.
    slots: Vec<u32>,
    names: Vec<String>,
}

impl TypeNames {
    /// Room for the types of a table of `types` types.
    pub fn with_capacity(types: usize, named: usize) -> Self {
        TypeNames {
            slots: vec![0; types],
            names: Vec::with_capacity(named),
        }
    }

    pub fn insert(&mut self, id: TypeId, name: String) {
        if id.0 >= self.slots.len() {
            self.slots.resize(id.0 + 1, 0);
        }
        self.names.push(name);
        self.slots[id.0] = u32::try_from(self.names.len()).expect("fewer than 2^32 types");
    }

    pub fn get(&self, id: TypeId) -> Option<&str> {
        match self.slots.get(id.0) {
            None | Some(0) => None,
            Some(&slot) => Some(&self.names[slot as usize - 1]),
        }
    }

    pub fn contains(&self, id: TypeId) -> bool {
        self.slots.get(id.0).is_some_and(|&slot| slot != 0)
    }
}

/// The TypeScript names of the API's named types. `taken` holds the package's own
/// names (see [`PACKAGE_NAMES`], plus namespace classes); a type that would clash with
/// one of them or with a global gets `Model` appended (then a number, if needed).
pub fn type_names(
    api: &Api,
    named: &[TypeId],
    taken: &FxHashSet<String>,
    warnings: &mut Vec<Warning>,
) -> TypeNames {
    let bases: Vec<String> = named
        .iter()
        .map(|id| sanitize_type_name(api.types.name_of(*id)))
        .collect();
    // Names the IR gave; a renamed type must not take another one's name (made at the
    // first clash: most APIs have none).
    let mut ir_names: Option<FxHashSet<&str>> = None;
    // The names no type may take: the package's, the globals, and those given so far
    // (one set: a name is looked up once).
    let mut used: FxHashSet<std::borrow::Cow<'_, str>> = FxHashSet::with_capacity_and_hasher(
        named.len() + taken.len() + ES_GLOBALS.len(),
        Default::default(),
    );
    used.extend(taken.iter().map(|n| std::borrow::Cow::Borrowed(n.as_str())));
    used.extend(ES_GLOBALS.iter().map(|n| std::borrow::Cow::Borrowed(*n)));
    // The names of renamed types; the others keep their base, moved in at the end.
    let mut renamed: Vec<Option<String>> = vec![None; named.len()];
    for ((&id, base), renamed) in named.iter().zip(&bases).zip(&mut renamed) {
        let ir_name = api.types.name_of(id);
        if used.insert(std::borrow::Cow::Borrowed(base)) {
            if base != ir_name {
                warnings.push(Warning {
                    pointer: api.types.get(id).pointer.clone(),
                    message: format!("TypeScript: type `{ir_name}` is named `{base}` (the name is taken in TypeScript)"),
                });
            }
            continue;
        }
        let ir_names = ir_names.get_or_insert_with(|| bases.iter().map(String::as_str).collect());
        let stem = format!("{base}Model");
        let mut name = stem.clone();
        let mut n = 2;
        while used.contains(name.as_str()) || (ir_names.contains(name.as_str()) && name != *base) {
            name = format!("{stem}{n}");
            n += 1;
        }
        if name != ir_name {
            warnings.push(Warning {
                pointer: api.types.get(id).pointer.clone(),
                message: format!("TypeScript: type `{ir_name}` is named `{name}` (the name is taken in TypeScript)"),
            });
        }
        used.insert(std::borrow::Cow::Owned(name.clone()));
        *renamed = Some(name);
    }
    drop(used);
    drop(ir_names);
    let mut out = TypeNames::with_capacity(api.types.types.len(), named.len());
    for ((&id, base), renamed) in named.iter().zip(bases).zip(renamed) {
        out.insert(id, renamed.unwrap_or(base));
    }
    out
}

/// Unique names within one scope (a class's members, an enum's keys).
pub struct Scope {
    used: FxHashSet<String>,
    reserved: FxHashSet<String>,
}

impl Scope {
    pub fn new(reserved: &[&str]) -> Self {
        Scope {
            used: FxHashSet::default(),
            reserved: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `wanted`, or the first free of `wanted_`, `wanted2`, `wanted3`... (a
    /// reserved name gets `_` first). Returns the name and whether it changed.
    pub fn claim(&mut self, wanted: &str) -> (String, bool) {
        // Most names are free: looked up once in each set, no name built to look them up.
        if !self.reserved.contains(wanted) && !self.used.contains(wanted) {
            self.used.insert(wanted.to_string());
            return (wanted.to_string(), false);
        }
        let mut name = wanted.to_string();
        if self.reserved.contains(&name) {
            name.push('_');
        }
        if self.used.contains(&name) || self.reserved.contains(&name) {
            let stem = name.clone();
            let mut n = 2;
            while self.used.contains(&name) || self.reserved.contains(&name) {
                name = format!("{stem}{n}");
                n += 1;
            }
        }
        self.used.insert(name.clone());
        let changed = name != wanted;
        (name, changed)
    }
}

/// The methods grouped by namespace: `chat.rooms.join` is method `join` of namespace
/// `rooms` of namespace `chat`.
#[derive(Debug, Default)]
pub struct Namespace {
    /// The wire segments leading here (empty for the client itself).
    pub path: Vec<String>,
    /// Indexes into `api.methods`, in document order.
    pub methods: Vec<usize>,
    /// By first segment, in order of first appearance.
    pub children: Vec<Namespace>,
}

impl Namespace {
    pub fn build(api: &Api) -> Namespace {
        let mut root = Namespace::default();
        for (index, method) in api.methods.iter().enumerate() {
            let mut node = &mut root;
            let (namespaces, _) = method.path.split_at(method.path.len().saturating_sub(1));
            for segment in namespaces {
                let position = match node
                    .children
                    .iter()
                    .position(|c| c.path.last() == Some(segment))
                {
                    Some(p) => p,
                    None => {
                        let mut path = node.path.clone();
                        path.push(segment.clone());
                        node.children.push(Namespace {
                            path,
                            ..Namespace::default()
                        });
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[position];
            }
            node.methods.push(index);
        }
        root
    }

    /// Every namespace below this one, depth first, parents before children.
    pub fn descendants(&self) -> Vec<&Namespace> {
        let mut out = Vec::new();
        for child in &self.children {
            out.push(child);
            out.extend(child.descendants());
        }
        out
    }
}

/// A member name and the name it would have had without a clash.
pub struct MemberName {
    pub name: String,
    pub wanted: String,
}

/// The member names of one class: its methods (document order) take their names first,
/// then its child namespaces; the client's own members and [`RESERVED_MEMBERS`] are
/// never taken.
pub fn members(api: &Api, ns: &Namespace) -> (Vec<MemberName>, Vec<MemberName>) {
    let mut reserved: Vec<&str> = RESERVED_MEMBERS.to_vec();
    if ns.path.is_empty() {
        reserved.extend(CLIENT_MEMBERS);
    }
    let mut scope = Scope::new(&reserved);
    let mut claim = |segment: &str| {
        let wanted = camel(segment);
        let (name, _) = scope.claim(&wanted);
        MemberName { name, wanted }
    };
    let methods = ns
        .methods
        .iter()
        .map(|&i| {
            claim(
                api.methods[i]
                    .path
                    .last()
                    .expect("a method path is never empty"),
            )
        })
        .collect();
    let children = ns
        .children
        .iter()
        .map(|c| claim(c.path.last().expect("a namespace has a name")))
        .collect();
    (methods, children)
}

/// The class names of all namespaces (`chat.rooms` → `ChatRoomsNamespace`), unique,
/// keyed by wire path.
pub fn namespace_classes(
    root: &Namespace,
    warnings: &mut Vec<Warning>,
) -> BTreeMap<Vec<String>, String> {
    let mut scope = Scope::new(&[]);
    let mut out = BTreeMap::new();
    for ns in root.descendants() {
        let stem: String = ns
            .path
            .iter()
            .map(|s| pascal(s).unwrap_or_else(|| "Ns".to_string()))
            .collect();
        let wanted = format!("{stem}Namespace");
        let (name, changed) = scope.claim(&wanted);
        if changed {
            warnings.push(Warning {
                pointer: "/methods".to_string(),
                message: format!(
                    "TypeScript: namespace `{}` has class `{name}` (`{wanted}` is taken)",
                    ns.path.join(".")
                ),
            });
        }
        out.insert(ns.path.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::naming::{TRICKY_NAMES, all_short_strings};

    /// The byte-wise conversions are heck's on every short string of letters of both
    /// cases, a digit and separators.
    #[test]
    fn ascii_camel_matches_heck() {
        let mut words: Vec<String> = TRICKY_NAMES.iter().map(|s| s.to_string()).collect();
        words.extend(all_short_strings(&['a', 'B', 'C', 'z', '0', '_', '-'], 6));
        for w in &words {
            assert_eq!(
                ascii_camel(w, false),
                identifier_chars(&w.to_lower_camel_case()),
                "{w:?}"
            );
            assert_eq!(
                ascii_camel(w, true),
                identifier_chars(&w.to_upper_camel_case()),
                "{w:?}"
            );
        }
    }

    #[test]
    fn casing() {
        assert_eq!(camel("get_status"), "getStatus");
        assert_eq!(camel("2fa"), "_2fa");
        assert_eq!(camel("!!"), "method");
        assert_eq!(pascal("chat-rooms").as_deref(), Some("ChatRooms"));
    }

    #[test]
    fn scope_is_deterministic() {
        let mut scope = Scope::new(RESERVED_MEMBERS);
        assert_eq!(scope.claim("getStatus"), ("getStatus".to_string(), false));
        assert_eq!(scope.claim("getStatus"), ("getStatus2".to_string(), true));
        assert_eq!(
            scope.claim("constructor"),
            ("constructor_".to_string(), true)
        );
        assert_eq!(
            scope.claim("constructor"),
            ("constructor_2".to_string(), true)
        );
    }
}
