//! Python identifiers: casing, keywords, reserved names, and deterministic de-duplication.
//!
//! Every identifier the backend emits goes through here. Schema strings are never used as
//! identifiers as they are: they are converted (snake_case / PascalCase / UPPER_SNAKE),
//! reduced to ASCII letters, digits and underscores, kept from starting with a digit or an
//! underscore (pydantic treats `_x` fields as private), and moved off keywords and names that
//! would shadow something the generated code relies on.

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase};

use crate::ir::Warning;

/// Python keywords (hard ones; the soft keywords `match`, `case`, `type`, `_` are fine as
/// names).
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Names a model field must not take: attributes of `pydantic.BaseModel` (shadowing them
/// breaks or warns) and the lower-case names used in annotations and defaults inside model
/// bodies (a field named `date` would hide the type `date` from later annotations).
const FIELD_RESERVED: &[&str] = &[
    // BaseModel attributes
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
    "fields",
    // names used inside model bodies
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "list",
    "set",
    "tuple",
    "datetime",
    "date",
    "time",
    "timedelta",
    "lambda",
];

/// Names a class of the generated package must not take: everything imported or defined by
/// the generated modules, and builtins they use.
const CLASS_RESERVED: &[&str] = &[
    // typing / pydantic / stdlib imports
    "Annotated",
    "Any",
    "Callable",
    "Literal",
    "TypeAlias",
    "TypeAliasType",
    "BaseModel",
    "ConfigDict",
    "Field",
    "TypeAdapter",
    "Enum",
    "IntEnum",
    "Decimal",
    "UUID",
    "Awaitable",
    "Mapping",
    "Sequence",
    // the package's own classes and constants
    "RPCClient",
    "SyncRPCClient",
    "Runtime",
    "SyncRuntime",
    "ReconnectPolicy",
    "EventStream",
    "SyncEventStream",
    "Token",
    "Self",
    "RPCError",
    "ValidationError",
    "FieldError",
    "MethodNotFoundError",
    "InvalidParamsError",
    "ServerError",
    "RPCTimeoutError",
    "ConnectionLostError",
    "AuthError",
    "ResponseValidationError",
    "SERVERS",
    // builtins used by generated code
    "Exception",
    "BaseException",
    "TimeoutError",
    "ValueError",
    "KeyError",
    "TypeError",
    "DeprecationWarning",
    "Warning",
    "NotImplemented",
    "Ellipsis",
];

/// Members of the client class (top-level methods and namespaces must not take them).
pub const CLIENT_MEMBERS: &[&str] = &[
    "connect",
    "close",
    "connected",
    "url",
    "on",
    "events",
    "from_env",
    "on_error",
    "on_unknown_message",
];

/// Modules a package name must not shadow (stdlib modules and dependencies the generated
/// code imports).
const MODULE_RESERVED: &[&str] = &[
    "asyncio",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "inspect",
    "json",
    "logging",
    "typing",
    "uuid",
    "warnings",
    "collections",
    "pydantic",
    "pydantic_core",
    "websockets",
    "typing_extensions",
    "abc",
    "types",
    "os",
    "sys",
    "re",
    "time",
    "test",
    "tests",
];

/// A set of `names`, for the checks made once per identifier (a linear scan of the lists
/// above was most of the cost of naming a field).
fn name_set(names: &[&'static str]) -> FxHashSet<&'static str> {
    names.iter().copied().collect()
}

pub fn is_keyword(s: &str) -> bool {
    static SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| name_set(KEYWORDS));
    SET.contains(s)
}

/// Whether a field must not be named `s`: a keyword or a reserved name (one set: this is
/// asked once per field). A table of the (length, last byte) pairs of those names answers
/// most names without hashing them.
fn is_field_taken(s: &str) -> bool {
    static TAKEN: LazyLock<(FxHashSet<&str>, [u32; 32])> = LazyLock::new(|| {
        let set: FxHashSet<&str> = KEYWORDS.iter().chain(FIELD_RESERVED).copied().collect();
        let mut pairs = [0u32; 32];
        for name in &set {
            let (slot, bit) = length_last_byte(name);
            pairs[slot] |= bit;
        }
        (set, pairs)
    });
    let (set, pairs) = &*TAKEN;
    let (slot, bit) = length_last_byte(s);
    pairs[slot] & bit != 0 && set.contains(s)
}

/// The slot (the length, up to 31) and bit (of the last byte's low five bits) of `s` in
/// [`is_field_taken`]'s table.
fn length_last_byte(s: &str) -> (usize, u32) {
    let last = s.as_bytes().last().copied().unwrap_or(0);
    (s.len().min(31), 1 << (last & 31))
}

fn is_class_reserved(s: &str) -> bool {
    static SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| name_set(CLASS_RESERVED));
    SET.contains(s)
}

/// Reduces `s` to ASCII `[A-Za-z0-9_]`, collapsing runs of other characters into one `_`
/// and trimming underscores at both ends.
fn ascii_ident(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// snake_case of a schema name, as an identifier base (may still be a keyword or reserved).
/// `fallback` is used when nothing usable is left; `prefix` goes before a leading digit.
fn snake_ident(s: &str, fallback: &str, prefix: &str) -> String {
    if is_plain_snake(s) {
        return s.to_string();
    }
    let mut out = if s.is_ascii() {
        ascii_snake(s)
    } else {
        ascii_ident(&s.to_snake_case()).to_ascii_lowercase()
    };
    if out.is_empty() {
        out = fallback.to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = format!("{prefix}_{out}");
    }
    out
}

/// `ascii_ident(&s.to_snake_case()).to_ascii_lowercase()` for an ASCII `s`, in one pass
/// over its bytes (heck's Unicode-aware conversion through a formatter was most of the cost
/// of naming a camelCase field), with heck's word splitting ([`crate::ir::ascii_words`]:
/// `HTTPServer` -> `http_server`).
fn ascii_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for part in s.as_bytes().split(|c| !c.is_ascii_alphanumeric()) {
        crate::ir::ascii_words(part, |word| {
            if !out.is_empty() {
                out.push('_');
            }
            out.extend(word.iter().map(|c| c.to_ascii_lowercase() as char));
        });
    }
    out
}

/// Whether `s` is already what [`snake_ident`] makes of it: lower-case ASCII words of
/// letters and digits joined by single underscores, starting with a letter. Most schema
/// names are, and the general conversion (heck) was 7% of a run.
fn is_plain_snake(s: &str) -> bool {
    /// Per byte: 1 for a lower-case letter or digit, 2 for an underscore, 0 otherwise.
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut c = 0;
        while c < 256 {
            class[c] = match c as u8 {
                b'a'..=b'z' | b'0'..=b'9' => 1,
                b'_' => 2,
                _ => 0,
            };
            c += 1;
        }
        class
    };
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_lowercase) || b.last() == Some(&b'_') {
        return false;
    }
    // One pass over the bytes, pairs of underscores included (a search for `__` after a
    // check of every byte was most of the cost of naming a field).
    let mut previous = 0;
    for &c in b {
        let class = CLASS[c as usize];
        if class == 0 || class & previous == 2 {
            return false;
        }
        previous = class;
    }
    true
}

/// The Python name of an object field (before de-duplication): borrowed when it is the
/// wire name (most are), which saves an allocation per field.
pub fn field_name(wire: &str) -> Cow<'_, str> {
    let mut name = if is_plain_snake(wire) {
        Cow::Borrowed(wire)
    } else {
        Cow::Owned(snake_ident(wire, "field", "field"))
    };
    if is_field_taken(&name) {
        name.to_mut().push('_');
    }
    name
}

/// The Python name of a method or namespace (before de-duplication).
pub fn method_name(segment: &str) -> String {
    let mut name = snake_ident(segment, "method", "call");
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// The member name of an enum value: UPPER_SNAKE of the value, `VALUE_<n>` for integers.
pub fn enum_member_name(wire: &str, integer: bool) -> String {
    if integer {
        let digits = wire.trim_start_matches('-');
        let sign = if wire.starts_with('-') { "MINUS_" } else { "" };
        return format!("VALUE_{sign}{}", ascii_ident(digits));
    }
    let mut name = ascii_ident(&wire.to_shouty_snake_case()).to_ascii_uppercase();
    if name.is_empty() {
        name = if wire.is_empty() {
            "EMPTY".to_string()
        } else {
            "VALUE".to_string()
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("VALUE_{name}");
    }
    name
}

/// A class name: the IR's PascalCase name, made an ASCII identifier and moved off names the
/// generated modules import or define.
pub fn class_name(ir_name: &str) -> String {
    let mut name: String = ir_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    name = name.trim_start_matches('_').to_string();
    if name.is_empty() {
        name = "Model".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("Model{name}");
    }
    if is_keyword(&name) || is_class_reserved(&name) {
        name.push_str("Model");
    }
    name
}

/// Hands out unique names within one scope, in call order: a taken name gets `_2`, `_3`…
/// (`2`, `3`… for class names), with a warning naming the schema location.
#[derive(Debug, Default)]
pub struct Scope {
    taken: FxHashSet<String>,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A scope where `names` are already taken.
    pub fn with_taken<'a>(names: impl IntoIterator<Item = &'a str>) -> Scope {
        Scope {
            taken: names.into_iter().map(str::to_string).collect(),
        }
    }

    /// Reserves `wanted`, or the first free variant of it.
    pub fn claim(
        &mut self,
        wanted: &str,
        what: &str,
        pointer: &str,
        warnings: &mut Vec<Warning>,
    ) -> String {
        self.claim_with(wanted, what, || pointer.to_string(), warnings)
    }

    /// [`Scope::claim`] with the warning's pointer built only when there is a clash (a
    /// pointer is a `format!` per field on large schemas, a clash is rare).
    pub fn claim_with(
        &mut self,
        wanted: &str,
        what: &str,
        pointer: impl FnOnce() -> String,
        warnings: &mut Vec<Warning>,
    ) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        // `Order2` for class names, `first_name_2` / `VALUE_2` for the rest.
        let bare = wanted.trim_start_matches('_');
        let pascal = bare.starts_with(|c: char| c.is_ascii_uppercase())
            && bare.contains(|c: char| c.is_ascii_lowercase())
            && !bare.contains('_');
        let sep = if pascal { "" } else { "_" };
        let base = wanted.trim_end_matches('_');
        let mut n = 2;
        loop {
            let candidate = format!("{base}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                warnings.push(Warning {
                    pointer: pointer(),
                    message: format!(
                        "Python: {what} `{wanted}` clashes with another name after conversion; \
                         renamed to `{candidate}`"
                    ),
                });
                return candidate;
            }
            n += 1;
        }
    }
}

/// The distribution name (PEP 508, kebab-case) and the import package name.
pub fn package_names(title: &str, option: Option<&str>) -> (String, String) {
    let source = option.unwrap_or(title);
    let mut dist: String = source
        .to_kebab_case()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while dist.contains("--") {
        dist = dist.replace("--", "-");
    }
    let mut dist = dist.trim_matches('-').to_string();
    if let Some(name) = option {
        // An explicit name that is already a valid distribution name is kept as written.
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if valid {
            dist = name.to_string();
        }
    }
    if dist.is_empty() {
        dist = "api-client".to_string();
    }
    let mut module = snake_ident(&dist.replace(['-', '.'], "_"), "api_client", "api");
    if is_keyword(&module) || MODULE_RESERVED.contains(&module.as_str()) {
        module.push_str("_client");
    }
    (dist, module)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::naming::{TRICKY_NAMES, all_short_strings};

    #[test]
    fn fields() {
        assert_eq!(field_name("firstName"), "first_name");
        assert_eq!(field_name("first-name"), "first_name");
        assert_eq!(field_name("class"), "class_");
        assert_eq!(field_name("model_config"), "model_config_");
        assert_eq!(field_name("json"), "json_");
        assert_eq!(field_name("date"), "date_");
        assert_eq!(field_name("__proto__"), "proto");
        assert_eq!(field_name("1st"), "field_1st");
        assert_eq!(field_name("$"), "field");
        assert_eq!(field_name("type"), "type");
        assert_eq!(field_name("None"), "none");
    }

    /// The table in front of the set of taken field names lets every taken name through,
    /// and the set decides.
    #[test]
    fn taken_field_names() {
        for name in KEYWORDS.iter().chain(FIELD_RESERVED) {
            assert!(is_field_taken(name), "{name}");
        }
        for name in [
            "", "name", "status", "dates", "model_", "x", "Json", "jsonb", "copy_",
        ] {
            assert!(!is_field_taken(name), "{name}");
        }
    }

    #[test]
    fn plain_snake_names_convert_to_themselves() {
        let samples = [
            "a",
            "ab_c",
            "a1",
            "a_1",
            "a1b2_c3",
            "list_file_103",
            "x_y_z",
            "a__b",
            "a_",
            "_a",
            "1a",
            "aB",
            "a-b",
            "a.b",
            "ab1_2cd",
            "a_1_b",
            "abc123def",
            "v2_api",
        ];
        let mut words: Vec<String> = samples.iter().map(|s| s.to_string()).collect();
        words.extend(all_short_strings(&['a', 'z', '0', '9', '_', 'B', '-'], 4));
        for w in &words {
            if is_plain_snake(w) {
                let general = ascii_ident(&w.to_snake_case()).to_ascii_lowercase();
                assert_eq!(general, *w);
            }
        }
    }

    /// Every non-empty string of up to `max_len` characters over `alphabet`.
    #[test]
    fn ascii_snake_matches_heck() {
        let mut words: Vec<String> = TRICKY_NAMES.iter().map(|s| s.to_string()).collect();
        // An alphabet with each class of byte.
        words.extend(all_short_strings(&['a', 'B', 'C', 'z', '0', '_', '-'], 6));
        for w in &words {
            let general = ascii_ident(&w.to_snake_case()).to_ascii_lowercase();
            assert_eq!(ascii_snake(w), general, "{w:?}");
        }
    }

    #[test]
    fn enums() {
        assert_eq!(enum_member_name("in-progress", false), "IN_PROGRESS");
        assert_eq!(enum_member_name("", false), "EMPTY");
        assert_eq!(enum_member_name("1st", false), "VALUE_1ST");
        assert_eq!(enum_member_name("-3", true), "VALUE_MINUS_3");
        assert_eq!(enum_member_name("日本", false), "VALUE");
    }

    #[test]
    fn classes_and_methods() {
        assert_eq!(class_name("Field"), "FieldModel");
        assert_eq!(class_name("None"), "NoneModel");
        assert_eq!(class_name("Order"), "Order");
        assert_eq!(method_name("getStatus"), "get_status");
        assert_eq!(method_name("import"), "import_");
        assert_eq!(method_name("__init__"), "init");
    }

    #[test]
    fn scope_dedupes_deterministically() {
        let mut w = Vec::new();
        let mut s = Scope::new();
        assert_eq!(s.claim("first_name", "field", "/p", &mut w), "first_name");
        assert_eq!(s.claim("first_name", "field", "/q", &mut w), "first_name_2");
        assert_eq!(s.claim("Order", "class", "/r", &mut w), "Order");
        assert_eq!(s.claim("Order", "class", "/s", &mut w), "Order2");
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].pointer, "/q");
    }

    #[test]
    fn packages() {
        assert_eq!(
            package_names("Order API", None),
            ("order-api".into(), "order_api".into())
        );
        assert_eq!(
            package_names("x", Some("shop-client")),
            ("shop-client".into(), "shop_client".into())
        );
        assert_eq!(
            package_names("JSON", None),
            ("json".into(), "json_client".into())
        );
        assert_eq!(
            package_names("!!!", None),
            ("api-client".into(), "api_client".into())
        );
        assert_eq!(package_names("3D Engine", None).1, "api_3d_engine");
    }
}
