//! Tests of the Python backend on hand-built APIs, one per mapping rule, plus (ignored by
//! default, they need the pinned tools) a check of a kitchen-sink package with mypy, ruff and
//! an import.

use indexmap::IndexMap;
use serde_json::json;

use super::generate;
use crate::ir::*;
use crate::lang::{Package, PackageOptions};

/// Builds an [`Api`] by hand.
#[derive(Default)]
struct B {
    types: Vec<TypeEntry>,
    methods: Vec<Method>,
    events: Vec<Event>,
}

impl B {
    fn add(&mut self, kind: TypeKind) -> TypeId {
        // Anonymous types are interned in the IR; the tests do not depend on it.
        self.types.push(TypeEntry {
            name: None,
            kind,
            docs: CompactDocs::default(),
            pointer: format!("/anon/{}", self.types.len()),
        });
        TypeId(self.types.len() - 1)
    }
    fn named(&mut self, name: &str, kind: TypeKind, docs: Docs) -> TypeId {
        self.types.push(TypeEntry {
            name: Some(TypeName {
                name: name.to_string(),
                source: name.to_string(),
                priority: NamePriority::Definition,
            }),
            kind,
            docs: docs.into(),
            pointer: format!("/$defs/{name}"),
        });
        TypeId(self.types.len() - 1)
    }
    /// Declares a named type whose kind is set later (for recursion).
    fn forward(&mut self, name: &str) -> TypeId {
        self.named(name, TypeKind::Any, Docs::default())
    }
    fn set(&mut self, id: TypeId, kind: TypeKind) {
        self.types[id.0].kind = kind;
    }
    fn object(&mut self, name: &str, fields: Vec<Field>) -> TypeId {
        let kind = object(fields, AdditionalProperties::Allowed);
        self.named(name, kind, Docs::default())
    }
    fn string(&mut self) -> TypeId {
        self.add(TypeKind::String(StringType::plain(StringFormat::None)))
    }
    fn format(&mut self, f: StringFormat) -> TypeId {
        self.add(TypeKind::String(StringType::plain(f)))
    }
    fn int(&mut self) -> TypeId {
        self.add(TypeKind::Integer(NumberConstraints::default()))
    }
    fn float(&mut self) -> TypeId {
        self.add(TypeKind::Number(NumberConstraints::default()))
    }
    fn nullable(&mut self, t: TypeId) -> TypeId {
        self.add(TypeKind::Nullable(t))
    }
    fn list(&mut self, t: TypeId, unique: bool) -> TypeId {
        self.add(TypeKind::Array(ArrayType {
            items: t,
            unique,
            min_items: None,
            max_items: None,
        }))
    }
    fn lit(&mut self, s: &str) -> TypeId {
        self.add(TypeKind::Literal(Literal::String(s.to_string())))
    }
    fn method(&mut self, wire: &str, params: Option<TypeId>, result: Option<TypeId>) {
        self.methods.push(Method {
            wire_name: wire.to_string(),
            path: wire.split('.').map(str::to_string).collect(),
            summary: None,
            description: None,
            deprecated: false,
            params,
            result,
            pointer: format!("/methods/{}", self.methods.len()),
        });
    }
    fn event(&mut self, wire: &str, payload: TypeId) {
        self.events.push(Event {
            wire_name: wire.to_string(),
            description: None,
            payload,
            pointer: format!("/events/{}", self.events.len()),
        });
    }
    fn api(self) -> Api {
        let mut servers = IndexMap::new();
        servers.insert("dev".to_string(), "ws://localhost:8765".to_string());
        Api {
            title: "Test API".to_string(),
            version: "1.2.3".to_string(),
            description: Some("A test.".to_string()),
            source_format: "rpc-schema 1".to_string(),
            servers,
            methods: self.methods,
            events: self.events,
            types: TypeSpace { types: self.types },
        }
    }
}

fn object(fields: Vec<Field>, additional: AdditionalProperties) -> TypeKind {
    TypeKind::Object(ObjectType { fields, additional })
}

fn field(wire: &str, ty: TypeId, required: bool) -> Field {
    Field {
        wire_name: wire.to_string(),
        ty,
        required,
        default: None,
        docs: CompactDocs::default(),
        read_only: false,
    }
}

fn with_default(mut f: Field, v: serde_json::Value) -> Field {
    f.default = Some(JsonValue::from_value(&v));
    f
}

fn render_pkg(api: &Api) -> Package {
    generate(api, &PackageOptions::default()).expect("generates")
}

fn file<'a>(p: &'a Package, suffix: &str) -> &'a str {
    &p.files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .expect(suffix)
        .contents
}

fn models(api: &Api) -> String {
    file(&render_pkg(api), "/models.py").to_string()
}

fn client(api: &Api) -> String {
    file(&render_pkg(api), "/client.py").to_string()
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{haystack}"
    );
}

#[test]
fn optional_nullable_required_and_defaults() {
    let mut b = B::default();
    let s = b.string();
    let i = b.int();
    let ns = b.nullable(s);
    let li = b.list(i, false);
    b.object(
        "Thing",
        vec![
            field("req", s, true),
            field("opt", s, false),
            field("nullable_req", ns, true),
            with_default(field("count", i, false), json!(3)),
            with_default(field("tags", li, false), json!([1, 2])),
            with_default(field("empty", li, false), json!([])),
            with_default(field("none_default", i, false), json!(null)),
        ],
    );
    let m = models(&b.api());
    assert_contains(&m, "class Thing(BaseModel):");
    assert_contains(&m, "    req: str\n");
    assert_contains(&m, "    opt: str | MISSING = MISSING\n");
    assert_contains(&m, "    nullable_req: str | None\n");
    assert_contains(&m, "    count: int = 3\n");
    assert_contains(&m, "    tags: list[int] = [1, 2]\n");
    assert_contains(&m, "    empty: list[int] = Field(default_factory=list)\n");
    assert_contains(&m, "    none_default: int | None = None\n");
}

#[test]
fn aliases_extra_and_reserved_field_names() {
    let mut b = B::default();
    let s = b.string();
    let i = b.int();
    let kind = object(
        vec![
            field("firstName", s, true),
            field("class", s, false),
            field("model_config", s, false),
            field("json", s, false),
            field("date", s, false),
            field("first_name", s, false),
        ],
        AdditionalProperties::Forbidden,
    );
    b.named("Person", kind, Docs::default());
    b.named(
        "Bag",
        object(vec![field("a", s, true)], AdditionalProperties::Typed(i)),
        Docs::default(),
    );
    let p = render_pkg(&b.api());
    let m = file(&p, "/models.py");
    assert_contains(
        m,
        "    model_config = ConfigDict(\n        populate_by_name=True, extra=\"forbid\", protected_namespaces=()\n    )",
    );
    assert_contains(m, "    first_name_2: str = Field(alias=\"firstName\")\n");
    assert_contains(
        m,
        "    class_: str | MISSING = Field(default=MISSING, alias=\"class\")\n",
    );
    assert_contains(
        m,
        "    model_config_: str | MISSING = Field(default=MISSING, alias=\"model_config\")\n",
    );
    assert_contains(
        m,
        "    json_: str | MISSING = Field(default=MISSING, alias=\"json\")\n",
    );
    assert_contains(
        m,
        "    date_: str | MISSING = Field(default=MISSING, alias=\"date\")\n",
    );
    assert_contains(m, "    first_name: str | MISSING = MISSING\n");
    assert!(
        p.warnings.iter().any(|w| w.message.contains("first_name_2")
            && w.pointer == "/$defs/Person/properties/firstName")
    );
    assert_contains(
        m,
        "    model_config = ConfigDict(extra=\"allow\")\n\n    __pydantic_extra__: dict[str, int] = Field(init=False)\n",
    );
}

#[test]
fn collections_sets_tuples_maps() {
    let mut b = B::default();
    let s = b.string();
    let i = b.int();
    let f = b.float();
    let obj = b.object("Item", vec![field("x", i, true)]);
    let set = b.list(s, true);
    let objs = b.list(obj, true);
    let tup = b.add(TypeKind::Tuple(TupleType {
        items: vec![f, f],
        rest: None,
    }));
    let var = b.add(TypeKind::Tuple(TupleType {
        items: vec![],
        rest: Some(i),
    }));
    let set_of_tuples = b.list(tup, true);
    let map = b.add(TypeKind::Map(MapType {
        keys: None,
        values: obj,
        min_properties: Some(1),
        max_properties: None,
    }));
    b.object(
        "Shapes",
        vec![
            field("names", set, true),
            field("items", objs, true),
            field("point", tup, true),
            field("numbers", var, true),
            field("points", set_of_tuples, true),
            field("by_name", map, true),
        ],
    );
    let m = models(&b.api());
    assert_contains(&m, "    names: set[str]\n");
    assert_contains(&m, "    items: list[Item]\n");
    assert_contains(&m, "    point: tuple[float, float]\n");
    assert_contains(&m, "    numbers: tuple[int, ...]\n");
    assert_contains(&m, "    points: set[tuple[float, float]]\n");
    assert_contains(&m, "    by_name: dict[str, Item] = Field(min_length=1)\n");
}

#[test]
fn enums_literals_and_enum_defaults() {
    let mut b = B::default();
    let status = b.named(
        "Status",
        TypeKind::Enum(EnumType {
            values: vec![
                EnumValue {
                    wire: "active".into(),
                },
                EnumValue {
                    wire: "in-progress".into(),
                },
                EnumValue { wire: "".into() },
            ],
            repr: EnumRepr::String,
        }),
        Docs::default(),
    );
    let prio = b.named(
        "Priority",
        TypeKind::Enum(EnumType {
            values: vec![
                EnumValue { wire: "1".into() },
                EnumValue { wire: "-2".into() },
            ],
            repr: EnumRepr::Integer,
        }),
        Docs::default(),
    );
    let kind = b.lit("fixed");
    let lu = b.add(TypeKind::LiteralUnion(vec![
        Literal::String("a".into()),
        Literal::Integer("1".into()),
        Literal::Boolean(true),
        Literal::Null,
    ]));
    b.object(
        "Task",
        vec![
            with_default(field("status", status, false), json!("in-progress")),
            field("priority", prio, true),
            field("kind", kind, true),
            field("mixed", lu, true),
        ],
    );
    let m = models(&b.api());
    assert_contains(
        &m,
        "class Status(str, Enum):\n    ACTIVE = \"active\"\n    IN_PROGRESS = \"in-progress\"\n    EMPTY = \"\"\n",
    );
    assert_contains(
        &m,
        "class Priority(IntEnum):\n    VALUE_1 = 1\n    VALUE_MINUS_2 = -2\n",
    );
    assert_contains(&m, "    status: Status = Status.IN_PROGRESS\n");
    assert_contains(&m, "    kind: Literal[\"fixed\"]\n");
    assert_contains(&m, "    mixed: Literal[\"a\", 1, True] | None\n");
    // Enums come before the models that use their members as defaults.
    assert!(m.find("class Status").unwrap() < m.find("class Task").unwrap());
}

#[test]
fn discriminated_unions_nested_and_nullable() {
    let mut b = B::default();
    let f = b.float();
    let t_circle = b.lit("circle");
    let t_square = b.lit("square");
    let circle = b.object(
        "Circle",
        vec![field("kind", t_circle, true), field("r", f, true)],
    );
    let square = b.object(
        "Square",
        vec![field("kind", t_square, true), field("side", f, true)],
    );
    let union = b.add(TypeKind::Union(UnionType {
        variants: vec![circle, square],
        discriminator: Some(Discriminator {
            property: "kind".into(),
            mapping: vec![("circle".into(), circle), ("square".into(), square)],
        }),
    }));
    let maybe = b.nullable(union);
    let many = b.list(union, false);
    b.object(
        "Drawing",
        vec![
            field("main", union, true),
            field("extra", maybe, false),
            field("all", many, true),
        ],
    );
    b.named("Shape", TypeKind::Alias(union), Docs::default());
    let m = models(&b.api());
    assert_contains(
        &m,
        "    main: Annotated[Circle | Square, Field(discriminator=\"kind\")]\n",
    );
    assert_contains(
        &m,
        "    extra: Annotated[Circle | Square, Field(discriminator=\"kind\")] | None | MISSING = (\n        MISSING\n    )\n",
    );
    assert_contains(
        &m,
        "    all: list[Annotated[Circle | Square, Field(discriminator=\"kind\")]]\n",
    );
    assert_contains(
        &m,
        "Shape: TypeAlias = Annotated[Circle | Square, Field(discriminator=\"kind\")]\n",
    );
}

#[test]
fn recursion_rebuilds_and_recursive_aliases() {
    let mut b = B::default();
    let node = b.forward("Node");
    let children = b.list(node, false);
    b.set(
        node,
        object(
            vec![field("children", children, true)],
            AdditionalProperties::Allowed,
        ),
    );
    let a = b.forward("A");
    let bb = b.forward("B");
    let na = b.nullable(a);
    let nb = b.nullable(bb);
    b.set(
        a,
        object(vec![field("b", nb, false)], AdditionalProperties::Allowed),
    );
    b.set(
        bb,
        object(vec![field("a", na, false)], AdditionalProperties::Allowed),
    );
    let tree = b.forward("Tree");
    let i = b.int();
    let map = b.add(TypeKind::Map(MapType {
        keys: None,
        values: tree,
        min_properties: None,
        max_properties: None,
    }));
    let u = b.add(TypeKind::Union(UnionType {
        variants: vec![map, i],
        discriminator: None,
    }));
    b.set(tree, TypeKind::Alias(u));
    let p = render_pkg(&b.api());
    let m = file(&p, "/models.py");
    assert_contains(m, "    children: list[Node]\n");
    // B refers to A, defined earlier but itself waiting for B: both are rebuilt.
    assert_contains(
        m,
        "A.model_rebuild()\nB.model_rebuild()\nNode.model_rebuild()\n",
    );
    assert_contains(
        m,
        "Tree = TypeAliasType(\"Tree\", \"dict[str, Tree] | int\")\n",
    );
    assert_contains(m, "from typing_extensions import TypeAliasType\n");
}

#[test]
fn formats_and_constraints() {
    let mut b = B::default();
    let dt = b.format(StringFormat::DateTime);
    let d = b.format(StringFormat::Date);
    let t = b.format(StringFormat::Time);
    let dur = b.format(StringFormat::Duration);
    let uuid = b.format(StringFormat::Uuid);
    let bin = b.format(StringFormat::Binary);
    let dec = b.format(StringFormat::Decimal);
    let email = b.format(StringFormat::Email);
    let code = b.add(TypeKind::String(StringType {
        format: StringFormat::None,
        min_length: Some(2),
        max_length: Some(5),
        pattern: Some("^[A-Z]+\\d$".into()),
    }));
    let ranged = b.add(TypeKind::Integer(NumberConstraints {
        minimum: Some("0".into()),
        exclusive_maximum: Some("1e2".into()),
        ..Default::default()
    }));
    let codes = b.list(code, false);
    b.object(
        "Formats",
        vec![
            field("at", dt, true),
            field("day", d, true),
            field("clock", t, true),
            field("took", dur, true),
            field("id", uuid, true),
            field("blob", bin, true),
            with_default(field("price", dec, false), json!("1.50")),
            field("mail", email, true),
            field("code", code, true),
            field("n", ranged, true),
            field("codes", codes, true),
        ],
    );
    let m = models(&b.api());
    assert_contains(
        &m,
        "from datetime import date, datetime, time, timedelta\nfrom decimal import Decimal\n",
    );
    assert_contains(&m, "from uuid import UUID\n");
    assert_contains(
        &m,
        "    at: datetime\n    day: date\n    clock: time\n    took: timedelta\n    id: UUID\n    blob: bytes\n",
    );
    assert_contains(&m, "    price: Decimal = Decimal(\"1.50\")\n");
    assert_contains(&m, "    mail: str\n    \"\"\"Format: ``email``.\"\"\"\n");
    assert_contains(
        &m,
        "    code: str = Field(min_length=2, max_length=5, pattern=\"^[A-Z]+\\\\d$\")\n",
    );
    assert_contains(&m, "    n: int = Field(ge=0, lt=100)\n");
    assert_contains(
        &m,
        "    codes: list[\n        Annotated[str, Field(min_length=2, max_length=5, pattern=\"^[A-Z]+\\\\d$\")]\n    ]\n",
    );
}

#[test]
fn docs_are_escaped_and_deprecations_kept() {
    let mut b = B::default();
    let s = b.string();
    let mut f = field("old", s, false);
    f.docs.description = Some("Ends \"\"\" here \\ and\u{202e}.".into());
    f.docs.deprecated = true;
    let docs = Docs {
        description: Some("Line one.\n\n  Indented.".into()),
        ..Default::default()
    };
    let thing = b.named(
        "Thing",
        object(vec![f], AdditionalProperties::Allowed),
        docs,
    );
    b.method("things.get", None, Some(thing));
    b.methods[0].deprecated = true;
    b.methods[0].summary = Some("Get \"\"\" it".into());
    let api = b.api();
    let m = models(&api);
    assert_contains(&m, "    \"\"\"Line one.\n\n    Indented.\n    \"\"\"\n");
    assert_contains(
        &m,
        "    old: str | MISSING = Field(default=MISSING, deprecated=True)\n",
    );
    assert_contains(
        &m,
        "    \"\"\"Ends \"\"\\\" here \\\\ and\\u202e.\n\n    Deprecated.\n    \"\"\"\n",
    );
    let c = client(&api);
    assert_contains(
        &c,
        "        warnings.warn(\"things.get is deprecated\", DeprecationWarning, stacklevel=2)\n",
    );
    assert_contains(&c, "        \"\"\"Get \"\"\\\" it\n");
    assert_contains(&c, "import warnings\n");
}

#[test]
fn reserved_class_names_are_renamed_with_a_warning() {
    let mut b = B::default();
    let s = b.string();
    b.object("Field", vec![field("x", s, true)]);
    b.object("RPCClient", vec![field("x", s, true)]);
    let p = render_pkg(&b.api());
    let m = file(&p, "/models.py");
    assert_contains(m, "class FieldModel(BaseModel):");
    assert_contains(m, "class RPCClientModel(BaseModel):");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.pointer == "/$defs/Field" && w.message.contains("FieldModel"))
    );
}

#[test]
fn client_namespaces_clashes_and_results() {
    let mut b = B::default();
    let s = b.string();
    let params = b.object("Params", vec![field("q", s, true)]);
    let a = b.object("A", vec![field("x", s, true)]);
    let c = b.object("C", vec![field("y", s, true)]);
    let union = b.add(TypeKind::Union(UnionType {
        variants: vec![a, c],
        discriminator: None,
    }));
    let maybe_a = b.nullable(a);
    b.method("orders.get_status", Some(params), Some(a));
    b.method("orders.items.list", Some(params), Some(union));
    b.method("chat", Some(params), Some(maybe_a));
    b.method("chat.send", Some(params), None);
    b.method("connect", None, Some(a));
    b.method("ping", None, None);
    b.method("getStatus", None, None);
    b.method("get_status", None, None);
    b.event("notice", a);
    b.event("tick", s);
    let p = render_pkg(&b.api());
    let cl = file(&p, "/client.py");
    assert_contains(
        cl,
        "        self.orders = _OrdersNamespace(self._rt)\n        self.chat = _ChatNamespace(self._rt)\n",
    );
    assert_contains(cl, "        self.items = _OrdersItemsNamespace(runtime)\n");
    // The params model, or its fields as keyword arguments: two overloads.
    assert_contains(
        cl,
        "    @overload\n    async def get_status(\n        self, params: Params, /, *, timeout: float | None = None\n    ) -> A: ...\n\n    @overload\n    async def get_status(self, /, *, q: str, timeout: float | None = None) -> A: ...\n",
    );
    assert_contains(
        cl,
        "        return await self._rt.call(\n            \"orders.get_status\",\n            params_of(Params, params, fields),\n            A.model_validate,\n            timeout,\n        )\n",
    );
    // The sync client has the same methods, without await.
    assert_contains(
        cl,
        "    def get_status(self, /, *, q: str, timeout: float | None = None) -> A: ...\n",
    );
    assert_contains(cl, "        self.orders = _SyncOrdersNamespace(self._rt)\n");
    // A method that shares its name with a namespace becomes the namespace's __call__.
    assert_contains(
        cl,
        "    async def __call__(\n        self, params: Params, /, *, timeout: float | None = None\n    ) -> A | None: ...\n",
    );
    assert_contains(
        cl,
        "_CHAT_RESULT: TypeAdapter[A | None] = TypeAdapter(A | None)\n",
    );
    assert_contains(
        cl,
        "_ORDERS_ITEMS_LIST_RESULT: TypeAdapter[A | C] = TypeAdapter(A | C)\n",
    );
    // Client members keep their names; the method gets a trailing underscore.
    assert_contains(
        cl,
        "    async def connect_(self, *, timeout: float | None = None) -> A:\n",
    );
    assert_contains(
        cl,
        "    async def ping(self, *, timeout: float | None = None) -> None:\n        \"\"\"Calls ``ping``.\"\"\"\n        await self._rt.call(\"ping\", None, ignore_result, timeout)\n",
    );
    assert_contains(
        cl,
        "    async def get_status_2(self, *, timeout: float | None = None) -> None:\n",
    );
    assert!(p.warnings.iter().any(|w| w.pointer == "/methods/7"));
    // Typed event subscriptions.
    assert_contains(
        cl,
        "    @overload\n    def on(\n        self, event: Literal[\"notice\"], handler: Callable[[A], object]\n    ) -> Callable[[], None]: ...\n",
    );
    assert_contains(cl, "    \"tick\": _TICK_PAYLOAD.validate_python,\n");
    assert_contains(
        cl,
        "SERVERS: dict[str, str] = {\"dev\": \"ws://localhost:8765\"}\n",
    );
    let readme = file(&p, "README.md");
    assert_contains(
        readme,
        "await client.orders.items.list(params: Params) -> A | C",
    );
}

#[test]
fn package_files_headers_and_determinism() {
    let mut b = B::default();
    let s = b.string();
    let t = b.object("T", vec![field("x", s, true)]);
    b.method("x.get", Some(t), Some(t));
    let api = b.api();
    let one = render_pkg(&api);
    let two = render_pkg(&api);
    assert_eq!(one.files, two.files);
    let paths: Vec<&str> = one.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            ".gitignore",
            "README.md",
            "pyproject.toml",
            "test_api/__init__.py",
            "test_api/_runtime.py",
            "test_api/client.py",
            "test_api/errors.py",
            "test_api/models.py",
            "test_api/py.typed",
        ]
    );
    let header = crate::lang::header_text(&api);
    for f in &one.files {
        if f.path.ends_with(".py") {
            assert!(
                f.contents.starts_with(&format!("# {header}\n")),
                "{}",
                f.path
            );
        }
        if !f.contents.is_empty() {
            assert!(
                f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
                "{}",
                f.path
            );
            assert!(!f.contents.lines().any(|l| l.ends_with(' ')), "{}", f.path);
        }
    }
    let pyproject = file(&one, "pyproject.toml");
    assert_contains(pyproject, "name = \"test-api\"\nversion = \"1.2.3\"\n");
    assert_contains(pyproject, "requires-python = \">=3.10\"\n");
    assert_contains(pyproject, "packages = [\"test_api\"]\n");
    assert_contains(
        file(&one, "_runtime.py"),
        "logger = logging.getLogger(__package__)\n",
    );

    let named = generate(
        &api,
        &PackageOptions {
            name: Some("shop-client".into()),
            version: Some("v2.0".into()),
        },
    )
    .unwrap();
    let pyproject = file(&named, "pyproject.toml");
    assert_contains(pyproject, "name = \"shop-client\"\nversion = \"2.0\"\n");
    assert!(
        named
            .files
            .iter()
            .any(|f| f.path == "shop_client/client.py")
    );
}

#[test]
fn header_cannot_become_a_directive() {
    let mut b = B::default();
    b.method("x", None, None);
    let mut api = b.api();
    api.title = "A # noqa # type: ignore\u{202e} -*- coding: latin-1 -*-".into();
    let p = render_pkg(&api);
    let first = file(&p, "/models.py").lines().next().unwrap().to_string();
    assert!(!first[1..].contains('#'), "{first}");
    assert!(
        !first.contains("coding:") && !first.contains('\u{202e}'),
        "{first}"
    );
}

#[test]
fn pep440_versions() {
    use super::pep440_version as v;
    assert_eq!(v("1.0.0"), "1.0.0");
    assert_eq!(v("v2.1"), "2.1");
    assert_eq!(v("3.0.0-beta.2"), "3.0.0b2");
    assert_eq!(v("1.0-rc1"), "1.0rc1");
    assert_eq!(v("1.0.post2.dev3"), "1.0.post2.dev3");
    assert_eq!(v("1.0+local.7"), "1.0+local.7");
    assert_eq!(v("2024-01"), "2024.post1");
    assert_eq!(v("latest"), "0.0.0+latest");
}

/// The kitchen-sink API of the tests above, generated and checked with the pinned tools
/// (mypy --strict, ruff check, ruff format --check, import and validation of sample data).
/// Needs the pinned tools in .venv (`scripts/test` installs them): fails, never skips,
/// without them.
#[test]
fn kitchen_sink_passes_the_python_tools() {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin");
    let tool = |name: &str| {
        std::env::var_os(format!("RPCFORGE_{}", name.to_uppercase()))
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| venv.join(name))
    };
    let mut b = B::default();
    let s = b.string();
    let i = b.int();
    let f = b.float();
    let dt = b.format(StringFormat::DateTime);
    let node = b.forward("Node");
    let children = b.list(node, false);
    b.set(
        node,
        object(
            vec![field("children", children, true), field("name", s, true)],
            AdditionalProperties::Allowed,
        ),
    );
    let t_circle = b.lit("circle");
    let t_square = b.lit("square");
    let circle = b.object(
        "Circle",
        vec![
            with_default(field("kind", t_circle, false), json!("circle")),
            field("r", f, true),
        ],
    );
    let square = b.object(
        "Square",
        vec![field("kind", t_square, true), field("side", f, true)],
    );
    let union = b.add(TypeKind::Union(UnionType {
        variants: vec![circle, square],
        discriminator: Some(Discriminator {
            property: "kind".into(),
            mapping: vec![("circle".into(), circle), ("square".into(), square)],
        }),
    }));
    let shapes = b.list(union, false);
    let tree = b.forward("Tree");
    let map = b.add(TypeKind::Map(MapType {
        keys: None,
        values: tree,
        min_properties: None,
        max_properties: None,
    }));
    let tu = b.add(TypeKind::Union(UnionType {
        variants: vec![map, i],
        discriminator: None,
    }));
    b.set(tree, TypeKind::Alias(tu));
    let drawing = b.object(
        "Drawing",
        vec![
            field("firstName", s, true),
            field("shapes", shapes, true),
            with_default(
                field("default_shapes", shapes, false),
                json!([{"kind": "square", "side": 1}]),
            ),
            with_default(
                field("root", node, false),
                json!({"children": [], "name": "r"}),
            ),
            field("tree", tree, false),
            field("at", dt, false),
        ],
    );
    b.method("drawings.save", Some(drawing), Some(drawing));
    b.method("drawings", None, None);
    b.event("drawn", drawing);
    b.event("count", i);
    let api = b.api();
    let pkg = render_pkg(&api);
    let dir = tempfile::tempdir().unwrap();
    for file in &pkg.files {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.contents).unwrap();
    }
    let run = |program: std::path::PathBuf, args: &[&str]| {
        let out = std::process::Command::new(&program)
            .args(args)
            .current_dir(dir.path())
            .env("PYTHONPATH", dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} {args:?}:\n{}{}",
            program.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(tool("mypy"), &["--strict", "--no-incremental", "test_api"]);
    run(tool("ruff"), &["check", "--no-cache", "."]);
    run(tool("ruff"), &["format", "--check", "--no-cache", "."]);
    let script = r#"
import warnings
warnings.simplefilter("error")
from test_api import RPCClient
from test_api.models import Drawing, Circle
d = Drawing.model_validate({
    "firstName": "x",
    "shapes": [{"kind": "circle", "r": 1.5}, {"kind": "square", "side": 2}],
    "tree": {"a": {"b": 1}},
    "at": "2024-01-02T03:04:05Z",
})
assert d.first_name == "x" and type(d.shapes[1]).__name__ == "Square"
assert type(d.default_shapes[0]).__name__ == "Square" and d.root.name == "r"
assert Circle(r=1).model_dump(mode="json", by_alias=True, exclude_unset=True) == {"kind": "circle", "r": 1.0}
dumped = d.model_dump(mode="json", by_alias=True, exclude_unset=True)
assert dumped["firstName"] == "x" and "default_shapes" not in dumped, dumped
RPCClient("ws://localhost:1")
"#;
    run(tool("python"), &["-c", script]);
}

/// Natural order from the first difference is natural order from the start, on random
/// strings of letters, digits (with leading zeros) and a non-ASCII letter.
#[test]
fn natural_cmp_skips_the_common_prefix() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let alphabet = ["a", "b", "A", "_", "0", "0", "1", "7", "9", "é"];
    let word = |next: &mut dyn FnMut(usize) -> usize, base: &str| {
        let mut s = base.to_string();
        for _ in 0..next(8) {
            s.push_str(alphabet[next(alphabet.len())]);
        }
        s
    };
    for _ in 0..50_000 {
        let prefix = word(&mut next, "");
        let a = word(&mut next, &prefix);
        let b = word(&mut next, &prefix);
        assert_eq!(
            super::natural_cmp(&a, &b),
            super::natural_cmp_tokens(a.as_bytes(), b.as_bytes()),
            "{a:?} {b:?}"
        );
    }
}
