//! Unit tests of the TypeScript backend on hand-built APIs, one per mapping rule.

use indexmap::IndexMap;

use super::generate;
use crate::ir::*;
use crate::lang::PackageOptions;

/// Builds an [`Api`] by hand.
struct B {
    api: Api,
}

impl B {
    fn new() -> Self {
        B {
            api: Api {
                title: "Test API".into(),
                version: "1.2.3".into(),
                description: Some("An API for tests.".into()),
                source_format: "rpc-schema 1".into(),
                servers: IndexMap::new(),
                methods: Vec::new(),
                events: Vec::new(),
                types: TypeSpace::default(),
            },
        }
    }

    fn push(&mut self, name: Option<&str>, kind: TypeKind, docs: Docs) -> TypeId {
        let id = TypeId(self.api.types.types.len());
        self.api.types.types.push(TypeEntry {
            name: name.map(|n| TypeName {
                name: n.into(),
                source: n.into(),
                priority: NamePriority::Definition,
            }),
            kind,
            docs: docs.into(),
            pointer: format!("/$defs/{}", name.unwrap_or("anon")),
        });
        id
    }

    fn anon(&mut self, kind: TypeKind) -> TypeId {
        self.push(None, kind, Docs::default())
    }

    fn named(&mut self, name: &str, kind: TypeKind) -> TypeId {
        self.push(Some(name), kind, Docs::default())
    }

    fn object(&mut self, name: &str, fields: Vec<Field>) -> TypeId {
        self.named(
            name,
            TypeKind::Object(ObjectType {
                fields,
                additional: AdditionalProperties::Allowed,
            }),
        )
    }

    fn string(&mut self) -> TypeId {
        self.anon(TypeKind::String(StringType::plain(StringFormat::None)))
    }

    fn method(&mut self, wire: &str, params: Option<TypeId>, result: Option<TypeId>) {
        let pointer = format!("/methods/{}", self.api.methods.len());
        self.api.methods.push(Method {
            wire_name: wire.into(),
            path: wire.split('.').map(String::from).collect(),
            summary: None,
            description: None,
            deprecated: false,
            params,
            result,
            pointer,
        });
    }

    fn event(&mut self, wire: &str, payload: TypeId) {
        let pointer = format!("/events/{}", self.api.events.len());
        self.api.events.push(Event {
            wire_name: wire.into(),
            description: None,
            payload,
            pointer,
        });
    }

    fn generate(&self) -> (std::collections::BTreeMap<String, String>, Vec<Warning>) {
        let package = generate(&self.api, &PackageOptions::default()).expect("generates");
        (
            package
                .files
                .into_iter()
                .map(|f| (f.path, f.contents))
                .collect(),
            package.warnings,
        )
    }

    fn file(&self, path: &str) -> String {
        self.generate()
            .0
            .remove(path)
            .unwrap_or_else(|| panic!("no {path}"))
    }
}

fn field(name: &str, ty: TypeId, required: bool) -> Field {
    Field {
        wire_name: name.into(),
        ty,
        required,
        default: None,
        docs: CompactDocs::default(),
        read_only: false,
    }
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected\n{needle}\nin\n{haystack}"
    );
}

#[test]
fn objects_optional_nullable_and_quoted_keys() {
    let mut b = B::new();
    let s = b.string();
    let nullable = b.anon(TypeKind::Nullable(s));
    b.object(
        "Person",
        vec![
            field("name", s, true),
            field("nickname", s, false),
            field("middle", nullable, true),
            field("first-name", s, true),
            field("__proto__", s, false),
        ],
    );
    let types = b.file("src/types.ts");
    assert_contains(
        &types,
        "export interface Person {\n  name: string;\n  nickname?: string;\n  middle: string | null;\n  \"first-name\": string;\n  __proto__?: string;\n}\n",
    );
}

#[test]
fn maps_arrays_tuples_and_index_signatures() {
    let mut b = B::new();
    let s = b.string();
    let n = b.anon(TypeKind::Number(NumberConstraints::default()));
    let map = b.anon(TypeKind::Map(MapType {
        keys: None,
        values: n,
        min_properties: None,
        max_properties: None,
    }));
    let list = b.anon(TypeKind::Array(ArrayType {
        items: s,
        unique: true,
        min_items: Some(1),
        max_items: None,
    }));
    let pair = b.anon(TypeKind::Tuple(TupleType {
        items: vec![s, n],
        rest: None,
    }));
    let rest = b.anon(TypeKind::Tuple(TupleType {
        items: vec![s],
        rest: Some(n),
    }));
    b.object(
        "Shapes",
        vec![
            field("scores", map, true),
            field("tags", list, true),
            field("pair", pair, true),
            field("rest", rest, true),
        ],
    );
    b.named(
        "Extra",
        TypeKind::Object(ObjectType {
            fields: vec![field("id", s, true)],
            additional: AdditionalProperties::Typed(n),
        }),
    );
    let types = b.file("src/types.ts");
    assert_contains(&types, "  scores: Record<string, number>;\n");
    assert_contains(
        &types,
        "  /** Constraints: minItems 1, uniqueItems */\n  tags: string[];\n",
    );
    assert_contains(
        &types,
        "  pair: [string, number];\n  rest: [string, ...number[]];\n",
    );
    assert_contains(
        &types,
        "  id: string;\n  /** Other properties. */\n  [key: string]: number | string;\n",
    );
}

#[test]
fn enums_literals_and_literal_unions() {
    let mut b = B::new();
    b.named(
        "Status",
        TypeKind::Enum(EnumType {
            values: vec![
                EnumValue {
                    wire: "pending_payment".into(),
                },
                EnumValue { wire: "EUR".into() },
                EnumValue { wire: "1st".into() },
            ],
            repr: EnumRepr::String,
        }),
    );
    b.named(
        "Level",
        TypeKind::Enum(EnumType {
            values: vec![
                EnumValue { wire: "-1".into() },
                EnumValue { wire: "2".into() },
            ],
            repr: EnumRepr::Integer,
        }),
    );
    let lit = b.anon(TypeKind::Literal(Literal::String("card".into())));
    let lits = b.anon(TypeKind::LiteralUnion(vec![
        Literal::Integer("1".into()),
        Literal::Boolean(true),
        Literal::Null,
    ]));
    b.object(
        "Lits",
        vec![field("kind", lit, true), field("mixed", lits, true)],
    );
    let types = b.file("src/types.ts");
    assert_contains(
        &types,
        "export type Status = \"pending_payment\" | \"EUR\" | \"1st\";\n",
    );
    assert_contains(
        &types,
        "export const Status = {\n  PendingPayment: \"pending_payment\",\n  EUR: \"EUR\",\n  Value1st: \"1st\",\n} as const;\n",
    );
    assert_contains(&types, "export type Level = -1 | 2;\n");
    assert_contains(
        &types,
        "export const Level = {\n  ValueMinus1: -1,\n  Value2: 2,\n} as const;\n",
    );
    assert_contains(&types, "  kind: \"card\";\n  mixed: 1 | true | null;\n");
}

#[test]
fn discriminated_unions_require_their_tags() {
    let mut b = B::new();
    let card = b.anon(TypeKind::Literal(Literal::String("card".into())));
    let cash = b.anon(TypeKind::Literal(Literal::String("cash".into())));
    let mut kind_card = field("kind", card, false);
    kind_card.default = Some(JsonValue("\"card\"".into()));
    let a = b.object("Card", vec![kind_card]);
    let c = b.object("Cash", vec![field("kind", cash, false)]);
    let union = b.anon(TypeKind::Union(UnionType {
        variants: vec![a, c],
        discriminator: Some(Discriminator {
            property: "kind".into(),
            mapping: vec![("card".into(), a), ("cash".into(), c)],
        }),
    }));
    b.named("Payment", TypeKind::Alias(union));
    let types = b.file("src/types.ts");
    assert_contains(
        &types,
        "export interface Card {\n  /** @default \"card\" */\n  kind: \"card\";\n}\n",
    );
    assert_contains(&types, "export interface Cash {\n  kind: \"cash\";\n}\n");
    assert_contains(
        &types,
        "/** Discriminated by `kind`. */\nexport type Payment = Card | Cash;\n",
    );
}

#[test]
fn recursive_types() {
    let mut b = B::new();
    // Tree { children: Tree[] } and mutually recursive A <-> B.
    let tree = b.object("Tree", vec![]);
    let list = b.anon(TypeKind::Array(ArrayType {
        items: tree,
        unique: false,
        min_items: None,
        max_items: None,
    }));
    b.api.types.types[tree.0].kind = TypeKind::Object(ObjectType {
        fields: vec![field("children", list, true)],
        additional: AdditionalProperties::Allowed,
    });
    let a = b.object("A", vec![]);
    let nb = b.object("B", vec![field("a", a, false)]);
    b.api.types.types[a.0].kind = TypeKind::Object(ObjectType {
        fields: vec![field("b", nb, false)],
        additional: AdditionalProperties::Allowed,
    });
    let types = b.file("src/types.ts");
    assert_contains(&types, "export interface Tree {\n  children: Tree[];\n}\n");
    assert_contains(&types, "export interface A {\n  b?: B;\n}\n");
    assert_contains(&types, "export interface B {\n  a?: A;\n}\n");
}

#[test]
fn formats_constraints_defaults_and_deprecation_in_docs() {
    let mut b = B::new();
    let date = b.anon(TypeKind::String(StringType::plain(StringFormat::DateTime)));
    let code = b.anon(TypeKind::String(StringType {
        format: StringFormat::None,
        min_length: Some(1),
        max_length: Some(50),
        pattern: Some("^[a-z]+*/$".into()),
    }));
    let count = b.anon(TypeKind::Integer(NumberConstraints {
        minimum: Some("0".into()),
        ..NumberConstraints::default()
    }));
    let mut limit = field("limit", count, false);
    limit.default = Some(JsonValue("20".into()));
    limit.docs = Docs {
        description: Some("Ends */ early? ${no} `tick`".into()),
        deprecated: true,
        ..Docs::default()
    }
    .into();
    b.object(
        "Query",
        vec![field("at", date, true), field("code", code, true), limit],
    );
    let types = b.file("src/types.ts");
    assert_contains(
        &types,
        "  /** Format: date-time (ISO 8601, e.g. 2024-01-31T12:00:00Z) */\n  at: string;\n",
    );
    assert_contains(
        &types,
        "  /** Constraints: minLength 1, maxLength 50, pattern `^[a-z]+*\\/$` */\n",
    );
    assert_contains(
        &types,
        "  /**\n   * Ends *\\/ early? ${no} `tick`\n   *\n   * Constraints: integer, minimum 0\n   *\n   * @default 20\n   * @deprecated\n   */\n  limit?: number;\n",
    );
}

#[test]
fn type_names_never_shadow_globals_or_the_client() {
    let mut b = B::new();
    let s = b.string();
    let p = b.object("Promise", vec![field("a", s, true)]);
    let c = b.object("RPCClient", vec![field("b", s, true)]);
    b.object("PromiseModel", vec![]);
    b.method("get", Some(p), Some(c));
    let (files, warnings) = b.generate();
    let types = &files["src/types.ts"];
    assert_contains(types, "export interface PromiseModel2 {\n");
    assert_contains(types, "export interface RPCClientModel {\n");
    assert_contains(types, "export interface PromiseModel {\n");
    assert_contains(
        &files["src/client.ts"],
        "get(params: PromiseModel2, options?: CallOptions): Promise<RPCClientModel> {",
    );
    assert!(
        warnings.iter().any(|w| w.message.contains("`Promise`")),
        "{warnings:?}"
    );
}

#[test]
fn namespaces_members_and_reserved_names() {
    let mut b = B::new();
    let s = b.string();
    let params = b.object("JoinParams", vec![field("room", s, true)]);
    let optional = b.object("ListParams", vec![field("cursor", s, false)]);
    b.method("chat.rooms.join", Some(params), None);
    b.method("chat.rooms", Some(optional), None);
    b.method("constructor", None, None);
    b.method("then", None, None);
    b.method("connect", None, None);
    b.method("get_status", None, None);
    b.method("getStatus", None, None);
    let (files, warnings) = b.generate();
    let client = &files["src/client.ts"];
    assert_contains(
        client,
        "export class ChatNamespace {\n  readonly #runtime: RPCRuntime;\n  /** The methods `chat.rooms.*`. */\n  readonly rooms2: ChatRoomsNamespace;\n",
    );
    assert_contains(
        client,
        "  rooms(params?: ListParams, options?: CallOptions): Promise<void> {\n    return this.#runtime.call(\"chat.rooms\", params, options);\n",
    );
    assert_contains(
        client,
        "  join(params: JoinParams, options?: CallOptions): Promise<void> {\n",
    );
    assert_contains(
        client,
        "  constructor_(options?: CallOptions): Promise<void> {\n    return this.#runtime.call(\"constructor\", undefined, options);\n",
    );
    assert_contains(client, "  then_(options?: CallOptions)");
    assert_contains(client, "  connect_(options?: CallOptions)");
    assert_contains(client, "  getStatus(options?: CallOptions)");
    assert_contains(client, "  getStatus2(options?: CallOptions)");
    assert!(!client.contains("  constructor(options?: CallOptions)"));
    assert_eq!(warnings.len(), 5, "{warnings:?}");
    assert_contains(
        &files["README.md"],
        "| `client.chat.rooms2.join` | `chat.rooms.join` |",
    );
}

#[test]
fn events_and_servers() {
    let mut b = B::new();
    let s = b.string();
    let payload = b.object("Note", vec![field("text", s, true)]);
    b.event("notification", payload);
    b.event("room-event", s);
    b.event("__proto__", s);
    b.api
        .servers
        .insert("production".into(), "wss://example.com/ws".into());
    b.api.servers.insert("__proto__".into(), "ws://x".into());
    let (files, _) = b.generate();
    assert_contains(
        &files["src/types.ts"],
        "export interface EventMap {\n  notification: Note;\n  \"room-event\": string;\n  __proto__: string;\n}\n",
    );
    let client = &files["src/client.ts"];
    assert_contains(
        client,
        "const EVENT_TYPES: Record<keyof EventMap, true> = {\n  notification: true,\n  \"room-event\": true,\n  [\"__proto__\"]: true,\n};\n",
    );
    assert_contains(
        client,
        "export const servers = {\n  production: \"wss://example.com/ws\",\n  [\"__proto__\"]: \"ws://x\",\n} as const;\n",
    );
}

#[test]
fn output_is_deterministic_and_tidy() {
    let mut b = B::new();
    let s = b.string();
    let p = b.object("P", vec![field("a", s, true)]);
    b.method("a.b", Some(p), Some(p));
    b.event("e", p);
    let (first, _) = b.generate();
    let (second, _) = b.generate();
    assert_eq!(first, second);
    let paths: Vec<&String> = first.keys().collect();
    assert_eq!(
        paths,
        [
            ".gitignore",
            "README.md",
            "package.json",
            "src/client.ts",
            "src/errors.ts",
            "src/index.ts",
            "src/runtime.ts",
            "src/types.ts",
            "tsconfig.json"
        ]
    );
    let header = crate::lang::header_text(&b.api);
    for (path, contents) in &first {
        assert!(
            contents.ends_with('\n') && !contents.ends_with("\n\n"),
            "{path}: final newline"
        );
        assert!(
            !contents
                .lines()
                .any(|l| l.ends_with(' ') || l.ends_with('\t')),
            "{path}: trailing whitespace"
        );
        if path.ends_with(".ts") {
            assert_eq!(
                contents.lines().next(),
                Some(format!("// {header}").as_str()),
                "{path}: header"
            );
        }
    }
    let package: serde_json::Value =
        serde_json::from_str(&first["package.json"]).expect("valid JSON");
    assert_eq!(package["name"], "test-api");
    assert_eq!(package["version"], "1.2.3");
    assert_eq!(package["type"], "module");
    assert!(package.get("dependencies").is_none());
    serde_json::from_str::<serde_json::Value>(&first["tsconfig.json"]).expect("valid JSON");
}

#[test]
fn package_names_and_versions() {
    assert_eq!(super::npm_name("Shop Orders API"), "shop-orders-api");
    assert_eq!(super::npm_name("!!!"), "rpc-client");
    assert_eq!(super::semver("1.4"), "1.4.0");
    assert_eq!(super::semver("v2.0.1-beta.1"), "2.0.1-beta.1");
    assert_eq!(super::semver("latest"), "0.0.0");
    assert!(super::is_npm_name("@acme/shop-client") && super::is_npm_name("shop.client"));
    assert!(
        !super::is_npm_name("Shop Client")
            && !super::is_npm_name("_x")
            && !super::is_npm_name("@/x")
    );
}

/// Writes a package exercising every rule to `$RPCFORGE_TS_OUT` (default
/// `/tmp/rpcforge-ts-tricky`) for checking with tsc and prettier by hand.
#[test]
#[ignore = "writes a package for tsc/prettier; run by hand"]
fn tricky_package() {
    let mut b = B::new();
    b.api.title = "Tricky */ API ${x}".into();
    b.api.description = Some("Line one */\nLine `two` \"\"\" \\ end".into());
    let s = b.string();
    let n = b.anon(TypeKind::Number(NumberConstraints::default()));
    let nullable = b.anon(TypeKind::Nullable(s));
    let map = b.anon(TypeKind::Map(MapType {
        keys: None,
        values: n,
        min_properties: None,
        max_properties: None,
    }));
    let long_union = b.anon(TypeKind::LiteralUnion(
        [
            "alpha_value",
            "beta_value",
            "gamma_value",
            "delta_value",
            "epsilon_value",
            "it's \"quoted\"",
        ]
        .iter()
        .map(|v| Literal::String(v.to_string()))
        .collect(),
    ));
    let arr = b.anon(TypeKind::Array(ArrayType {
        items: long_union,
        unique: false,
        min_items: None,
        max_items: None,
    }));
    let person = b.object(
        "Person",
        vec![
            field("__proto__", s, false),
            field("constructor", nullable, true),
            field("first-name", map, true),
            field("größe", arr, true),
            field("then", long_union, true),
        ],
    );
    let extra = b.named(
        "Extra",
        TypeKind::Object(ObjectType {
            fields: vec![field("id", s, true), field("n", nullable, false)],
            additional: AdditionalProperties::Typed(n),
        }),
    );
    b.named(
        "Object",
        TypeKind::Object(ObjectType {
            fields: vec![],
            additional: AdditionalProperties::Forbidden,
        }),
    );
    b.named(
        "Open",
        TypeKind::Object(ObjectType {
            fields: vec![],
            additional: AdditionalProperties::Allowed,
        }),
    );
    let nullable_person = b.anon(TypeKind::Nullable(person));
    let union = b.anon(TypeKind::Union(UnionType {
        variants: vec![person, extra],
        discriminator: None,
    }));
    let nullable_union = b.anon(TypeKind::Nullable(union));
    b.method("constructor", Some(person), Some(nullable_person));
    b.method("then", None, Some(nullable_union));
    b.method("chat.rooms", None, None);
    b.method(
        "chat.rooms.join_a_very_long_method_name_that_goes_on_and_on",
        Some(extra),
        Some(union),
    );
    b.method("chat.delete", None, None);
    b.method("new", None, None);
    b.method("get", None, None);
    b.method("async", None, None);
    b.method("static", None, None);
    b.event("__proto__", s);
    b.event("it's", person);
    b.api
        .servers
        .insert("__proto__".into(), "ws://localhost:1".into());
    b.api.servers.insert(
        "prod-eu".into(),
        "wss://a-very-long-host-name.example.com/with/a/long/path/to/the/websocket".into(),
    );
    let dir = std::env::var("RPCFORGE_TS_OUT").unwrap_or_else(|_| "/tmp/rpcforge-ts-tricky".into());
    let (files, warnings) = b.generate();
    for (path, contents) in files {
        let full = std::path::Path::new(&dir).join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
    for w in warnings {
        eprintln!("warning: {}: {}", w.pointer, w.message);
    }
}

#[test]
fn named_types_are_in_the_order_of_the_ir() {
    let mut b = B::new();
    // Equal names (not made by the normalizer, but allowed by the IR) stay in id order;
    // names alike in their first 16 bytes, prefixes of each other, with NUL bytes.
    let names = [
        "b",
        "a",
        "B",
        "a",
        "ab",
        "_",
        "b",
        "",
        "a\0",
        "a\0b",
        "AddressL0n129Long",
        "AddressL0n129Lon",
        "AddressL0n129Longer",
        "AddressL0n129Lonf",
        "AddressL0n129LonX",
        "AddressL0n129Long",
        "é",
        "z",
    ];
    for name in names {
        b.push(Some(name), TypeKind::Boolean, Docs::default());
        b.push(None, TypeKind::Null, Docs::default());
    }
    assert_eq!(super::named_types(&b.api), b.api.types.named());
}

/// Names sorted by [`super::sort_prefix`] first are sorted as the names are (also names
/// sharing long prefixes, holding NUL bytes or non-ASCII text).
#[test]
fn sort_prefix_orders_as_the_names() {
    let mut below = super::fuzz::below_from(0x6a09_e667_f3bc_c908u64);
    let pieces = ["A", "a", "Z", "\0", "é", "OrdersGetStatusParams", "_", "9"];
    for _ in 0..500 {
        let names: Vec<String> = (0..below(40))
            .map(|_| (0..below(8)).map(|_| pieces[below(8)]).collect())
            .collect();
        let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
        expected.sort_unstable();
        expected.dedup();
        let mut keyed: Vec<(u128, &str)> = names
            .iter()
            .map(|name| (super::sort_prefix(name), name.as_str()))
            .collect();
        keyed.sort_unstable();
        keyed.dedup();
        let sorted: Vec<&str> = keyed.iter().map(|&(_, name)| name).collect();
        assert_eq!(sorted, expected);
    }
}
