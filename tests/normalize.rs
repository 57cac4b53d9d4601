//! The normalizer, rule by rule: each test feeds a small document and looks at the IR.

use rpcforge::ir::*;
use serde_json::{Value, json};

fn normalize_json(doc: Value) -> Normalized {
    let text = doc.to_string();
    let source = rpcforge::schema::parse_document(&text, "test.json").expect("valid document");
    rpcforge::ir::normalize(&source, "test.json", Some(&text)).expect("normalizes")
}

/// A document with one method `m` whose params are `params`, plus `defs`.
fn with_params(params: Value, defs: Value) -> Normalized {
    normalize_json(json!({
        "rpcSchema": "1",
        "info": {"title": "T", "version": "1"},
        "methods": [{"name": "m", "params": params}],
        "$defs": defs,
    }))
}

fn params_object(n: &Normalized) -> &ObjectType {
    let id = n.api.methods[0].params.expect("params");
    match n.api.types.kind(id) {
        TypeKind::Object(o) => o,
        other => panic!("params not an object: {other:?}"),
    }
}

fn field<'a>(n: &'a Normalized, name: &str) -> &'a Field {
    params_object(n)
        .fields
        .iter()
        .find(|f| f.wire_name == name)
        .expect("field")
}

fn kind(n: &Normalized, id: TypeId) -> &TypeKind {
    n.api.types.kind(id)
}

fn named<'a>(n: &'a Normalized, name: &str) -> (TypeId, &'a TypeEntry) {
    let id = n
        .api
        .types
        .named()
        .into_iter()
        .find(|id| n.api.types.name_of(*id) == name)
        .unwrap_or_else(|| {
            let names: Vec<_> = n
                .api
                .types
                .named()
                .into_iter()
                .map(|id| n.api.types.name_of(id).to_string())
                .collect();
            panic!("no type {name}; have {names:?}")
        });
    (id, n.api.types.get(id))
}

fn obj(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required})
}

#[test]
fn optional_is_not_nullable() {
    let n = with_params(
        obj(
            json!({
                "opt": {"type": "integer"},
                "nullable": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                "opt_null": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": null},
            }),
            &["nullable"],
        ),
        json!({}),
    );
    let opt = field(&n, "opt");
    assert!(!opt.required);
    assert!(matches!(kind(&n, opt.ty), TypeKind::Integer(_)));
    let nullable = field(&n, "nullable");
    assert!(nullable.required);
    assert!(
        matches!(kind(&n, nullable.ty), TypeKind::Nullable(inner) if matches!(kind(&n, *inner), TypeKind::Integer(_)))
    );
    let opt_null = field(&n, "opt_null");
    assert!(!opt_null.required);
    assert_eq!(opt_null.default.as_ref().unwrap().0, "null");
    // The same anonymous shape twice is one type.
    assert_eq!(nullable.ty, opt_null.ty);
}

#[test]
fn additional_properties() {
    let n = with_params(
        obj(
            json!({
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                "free": {"type": "object"},
                "closed": {"$ref": "#/$defs/Closed"},
                "mixed": {"$ref": "#/$defs/Mixed"},
            }),
            &[],
        ),
        json!({
            "Closed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false},
            "Mixed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "number"}},
        }),
    );
    assert!(
        matches!(kind(&n, field(&n, "counts").ty), TypeKind::Map(m) if matches!(kind(&n, m.values), TypeKind::Integer(_)))
    );
    assert!(
        matches!(kind(&n, field(&n, "free").ty), TypeKind::Map(m) if matches!(kind(&n, m.values), TypeKind::Any))
    );
    assert!(
        matches!(&named(&n, "Closed").1.kind, TypeKind::Object(o) if o.additional == AdditionalProperties::Forbidden)
    );
    assert!(
        matches!(&named(&n, "Mixed").1.kind, TypeKind::Object(o) if matches!(o.additional, AdditionalProperties::Typed(_)))
    );
}

#[test]
fn arrays_sets_and_tuples() {
    let n = with_params(
        obj(
            json!({
                "list": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
                "set": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "pair": {"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "minItems": 2, "maxItems": 2},
                "open": {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
                "legacy": {"type": "array", "items": [{"type": "string"}, {"type": "boolean"}]},
            }),
            &[],
        ),
        json!({}),
    );
    assert!(
        matches!(kind(&n, field(&n, "list").ty), TypeKind::Array(a) if !a.unique && a.min_items == Some(1) && a.max_items == Some(3))
    );
    assert!(matches!(kind(&n, field(&n, "set").ty), TypeKind::Array(a) if a.unique));
    assert!(
        matches!(kind(&n, field(&n, "pair").ty), TypeKind::Tuple(t) if t.items.len() == 2 && t.rest.is_none())
    );
    assert!(
        matches!(kind(&n, field(&n, "open").ty), TypeKind::Tuple(t) if t.items.len() == 1 && t.rest.is_some())
    );
    assert!(matches!(kind(&n, field(&n, "legacy").ty), TypeKind::Tuple(t) if t.items.len() == 2));
}

#[test]
fn enums_literals_and_consts() {
    let n = with_params(
        obj(
            json!({
                "status": {"$ref": "#/$defs/Status"},
                "level": {"$ref": "#/$defs/Level"},
                "mode": {"enum": ["fast", "slow"], "type": "string"},
                "kind": {"const": "cat", "type": "string"},
                "mixed": {"enum": ["a", 1, true, null]},
            }),
            &[],
        ),
        json!({
            "Status": {"enum": ["active", "on-hold"], "type": "string", "title": "Status"},
            "Level": {"enum": [1, 2, 3], "type": "integer", "title": "Level"},
        }),
    );
    assert!(
        matches!(&named(&n, "Status").1.kind, TypeKind::Enum(e) if e.repr == EnumRepr::String && e.values.len() == 2)
    );
    assert!(
        matches!(&named(&n, "Level").1.kind, TypeKind::Enum(e) if e.repr == EnumRepr::Integer && e.values[2].wire == "3")
    );
    assert!(
        named(&n, "Status").1.docs.title.is_none(),
        "a title equal to the name is noise"
    );
    assert!(matches!(kind(&n, field(&n, "mode").ty), TypeKind::LiteralUnion(ls) if ls.len() == 2));
    assert_eq!(
        kind(&n, field(&n, "kind").ty),
        &TypeKind::Literal(Literal::String("cat".into()))
    );
    assert!(matches!(kind(&n, field(&n, "mixed").ty), TypeKind::LiteralUnion(ls) if ls.len() == 4));
}

#[test]
fn unions_and_discriminators() {
    let n = with_params(
        obj(
            json!({
                "plain": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
                "types": {"type": ["string", "null"]},
                "pet": {
                    "oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/$defs/Cat", "dog": "#/$defs/Dog"}},
                },
                "untagged": {"oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}], "discriminator": {"propertyName": "nope"}},
            }),
            &[],
        ),
        json!({
            "Cat": obj(json!({"kind": {"const": "cat", "type": "string"}, "lives": {"type": "integer"}}), &["kind"]),
            "Dog": obj(json!({"kind": {"const": "dog", "type": "string"}}), &["kind"]),
        }),
    );
    let TypeKind::Nullable(inner) = kind(&n, field(&n, "plain").ty) else {
        panic!()
    };
    assert!(
        matches!(kind(&n, *inner), TypeKind::Union(u) if u.variants.len() == 2 && u.discriminator.is_none())
    );
    assert!(
        matches!(kind(&n, field(&n, "types").ty), TypeKind::Nullable(i) if matches!(kind(&n, *i), TypeKind::String(_)))
    );
    let TypeKind::Union(pet) = kind(&n, field(&n, "pet").ty) else {
        panic!()
    };
    let tag = pet.discriminator.as_ref().expect("discriminator kept");
    assert_eq!(tag.property, "kind");
    assert_eq!(
        tag.mapping
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>(),
        ["cat", "dog"]
    );
    assert!(
        matches!(kind(&n, field(&n, "untagged").ty), TypeKind::Union(u) if u.discriminator.is_none())
    );
    assert!(
        n.warnings.iter().any(|w| w.message.contains("\"nope\"")),
        "{:?}",
        n.warnings
    );
}

#[test]
fn nested_discriminator_with_inline_mapping() {
    // Pydantic writes the inner tagged union inline as the mapping's value.
    let inner = json!({
        "oneOf": [{"$ref": "#/$defs/Walk"}, {"$ref": "#/$defs/Jump"}],
        "discriminator": {"propertyName": "mode", "mapping": {"walk": "#/$defs/Walk", "jump": "#/$defs/Jump"}},
    });
    let n = with_params(
        obj(
            json!({
                "action": {
                    "oneOf": [inner.clone(), {"$ref": "#/$defs/Attack"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"move": inner, "attack": "#/$defs/Attack"}},
                },
            }),
            &["action"],
        ),
        json!({
            "Walk": obj(json!({"kind": {"const": "move"}, "mode": {"const": "walk"}}), &["kind", "mode"]),
            "Jump": obj(json!({"kind": {"const": "move"}, "mode": {"const": "jump"}}), &["kind", "mode"]),
            "Attack": obj(json!({"kind": {"const": "attack"}}), &["kind"]),
        }),
    );
    let TypeKind::Union(outer) = kind(&n, field(&n, "action").ty) else {
        panic!()
    };
    assert_eq!(
        outer.discriminator.as_ref().expect("outer tag").property,
        "kind"
    );
    let TypeKind::Union(inner) = kind(&n, outer.variants[0]) else {
        panic!("{:?}", kind(&n, outer.variants[0]))
    };
    assert_eq!(
        inner.discriminator.as_ref().expect("inner tag").property,
        "mode"
    );
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
}

#[test]
fn all_of() {
    let n = with_params(
        obj(
            json!({
                "one": {"allOf": [{"$ref": "#/$defs/Base"}], "description": "just Base"},
            }),
            &[],
        ),
        json!({
            "Base": obj(json!({"id": {"type": "integer"}}), &["id"]),
            "Extra": obj(json!({"name": {"type": "string"}, "id": {"type": "string"}}), &["name"]),
            "Merged": {"allOf": [{"$ref": "#/$defs/Base"}, {"$ref": "#/$defs/Extra"}], "description": "both"},
        }),
    );
    let (base, _) = named(&n, "Base");
    assert_eq!(field(&n, "one").ty, base);
    assert_eq!(
        field(&n, "one").docs.description.as_deref(),
        Some("just Base")
    );
    let TypeKind::Object(merged) = &named(&n, "Merged").1.kind else {
        panic!("{:?}", named(&n, "Merged").1.kind)
    };
    let names: Vec<_> = merged
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.required))
        .collect();
    assert_eq!(names, [("id", true), ("name", true)]);
    assert!(
        n.warnings
            .iter()
            .any(|w| w.message.contains("disagree on the property \"id\"")),
        "{:?}",
        n.warnings
    );
}

#[test]
fn recursion_and_mutual_recursion() {
    let n = with_params(
        obj(
            json!({"tree": {"$ref": "#/$defs/Node"}, "a": {"$ref": "#/$defs/A"}}),
            &[],
        ),
        json!({
            "Node": obj(json!({"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}), &[]),
            "A": obj(json!({"b": {"anyOf": [{"$ref": "#/$defs/B"}, {"type": "null"}]}}), &[]),
            "B": obj(json!({"a": {"$ref": "#/$defs/A"}}), &["a"]),
            "List": {"type": "array", "items": {"$ref": "#/$defs/List"}},
        }),
    );
    let (node, entry) = named(&n, "Node");
    let TypeKind::Object(o) = &entry.kind else {
        panic!()
    };
    assert!(matches!(kind(&n, o.fields[0].ty), TypeKind::Array(a) if a.items == node));
    let (list, entry) = named(&n, "List");
    assert!(
        matches!(&entry.kind, TypeKind::Alias(inner) if matches!(kind(&n, *inner), TypeKind::Array(a) if a.items == list))
    );
}

#[test]
fn formats_and_decimal() {
    let decimal = json!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"}]});
    let n = with_params(
        obj(
            json!({
                "at": {"type": "string", "format": "date-time"},
                "on": {"type": "string", "format": "date"},
                "t": {"type": "string", "format": "time"},
                "d": {"type": "string", "format": "duration"},
                "id": {"type": "string", "format": "uuid"},
                "blob": {"type": "string", "format": "binary"},
                "price": decimal,
                "price_out": {"type": "string", "pattern": "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"},
                "mail": {"type": "string", "format": "email"},
                "url": {"type": "string", "format": "uri", "minLength": 1, "maxLength": 2083},
                "ip": {"type": "string", "format": "ipv4"},
            }),
            &[],
        ),
        json!({}),
    );
    let format = |name: &str| match kind(&n, field(&n, name).ty) {
        TypeKind::String(s) => s.format.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(format("at"), StringFormat::DateTime);
    assert_eq!(format("on"), StringFormat::Date);
    assert_eq!(format("t"), StringFormat::Time);
    assert_eq!(format("d"), StringFormat::Duration);
    assert_eq!(format("id"), StringFormat::Uuid);
    assert_eq!(format("blob"), StringFormat::Binary);
    assert_eq!(format("price"), StringFormat::Decimal);
    assert_eq!(format("price_out"), StringFormat::Decimal);
    assert_eq!(format("mail"), StringFormat::Email);
    assert_eq!(format("url"), StringFormat::Uri);
    assert_eq!(format("ip"), StringFormat::Other("ipv4".into()));
    assert!(
        matches!(kind(&n, field(&n, "url").ty), TypeKind::String(s) if s.min_length == Some(1) && s.max_length == Some(2083))
    );
    assert!(
        matches!(kind(&n, field(&n, "price_out").ty), TypeKind::String(s) if s.pattern.is_none())
    );
}

#[test]
fn number_constraints_keep_their_text() {
    let n = with_params(
        obj(
            json!({
                "q": {"type": "integer", "minimum": 1, "maximum": 100, "multipleOf": 5},
                "r": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5},
            }),
            &[],
        ),
        json!({}),
    );
    assert!(
        matches!(kind(&n, field(&n, "q").ty), TypeKind::Integer(c) if c.minimum.as_deref() == Some("1") && c.maximum.as_deref() == Some("100") && c.multiple_of.as_deref() == Some("5"))
    );
    assert!(
        matches!(kind(&n, field(&n, "r").ty), TypeKind::Number(c) if c.exclusive_minimum.as_deref() == Some("0") && c.exclusive_maximum.as_deref() == Some("1.5"))
    );
}

#[test]
fn docs_defaults_and_deprecation() {
    let n = with_params(
        obj(
            json!({
                "order_id": {"type": "integer", "title": "Order Id", "description": "The order.", "deprecated": true, "examples": [7]},
                "tags": {"type": "array", "items": {"type": "string"}, "default": ["a"]},
            }),
            &[],
        ),
        json!({}),
    );
    let f = field(&n, "order_id");
    assert_eq!(f.docs.title, None, "Pydantic's generated title is dropped");
    assert_eq!(f.docs.description.as_deref(), Some("The order."));
    assert!(f.docs.deprecated);
    assert_eq!(f.docs.examples, ["7"]);
    assert_eq!(field(&n, "tags").default.as_ref().unwrap().0, r#"["a"]"#);
}

#[test]
fn names_by_priority_and_collisions() {
    let n = with_params(
        obj(
            json!({
                "page": {"$ref": "#/$defs/Page_User_"},
                "money": {"$ref": "#/$defs/Money-Input"},
                "inline": {"type": "object", "properties": {"x": {"type": "integer"}}},
            }),
            &[],
        ),
        json!({
            "Page_User_": obj(json!({"items": {"type": "array", "items": {}}}), &[]),
            "Money-Input": obj(json!({"amount": {"type": "string"}}), &[]),
            "MoneyInput": obj(json!({"cents": {"type": "integer"}}), &[]),
            "MParamsInline": obj(json!({"y": {"type": "integer"}}), &[]),
        }),
    );
    assert_eq!(
        named(&n, "PageUser").1.name.as_ref().unwrap().source,
        "Page_User_"
    );
    assert_eq!(
        named(&n, "MoneyInput").1.name.as_ref().unwrap().source,
        "Money-Input"
    );
    assert_eq!(
        named(&n, "MoneyInput2").1.name.as_ref().unwrap().source,
        "MoneyInput"
    );
    assert!(n.warnings.iter().any(|w| w.message.contains("MoneyInput2")));
    // A $defs name beats a derived one: the inline object gives way.
    assert_eq!(
        named(&n, "MParamsInline").1.name.as_ref().unwrap().priority,
        NamePriority::Definition
    );
    assert_eq!(
        named(&n, "MParamsInline2")
            .1
            .name
            .as_ref()
            .unwrap()
            .priority,
        NamePriority::Derived
    );
    assert_eq!(
        n.api.types.name_of(n.api.methods[0].params.unwrap()),
        "MParams"
    );
}

#[test]
fn interning_merges_equal_inline_shapes() {
    let shape = json!({"type": "object", "properties": {"lat": {"type": "number"}, "lng": {"type": "number"}}, "required": ["lat", "lng"]});
    let n = with_params(
        obj(json!({"from": shape.clone(), "to": shape}), &[]),
        json!({}),
    );
    assert_eq!(field(&n, "from").ty, field(&n, "to").ty);
}

#[test]
fn unsupported_keywords_warn_with_pointer() {
    let n = with_params(
        obj(json!({"x": {"type": "string", "not": {"const": ""}}}), &[]),
        json!({}),
    );
    assert!(n.warnings.iter().any(|w| w.pointer == "/methods/0/params/properties/x" && w.message.contains("\"not\"")), "{:?}", n.warnings);
}

#[test]
fn definitions_and_methods_metadata() {
    let n = normalize_json(json!({
        "rpcSchema": "1",
        "info": {"title": "Shop", "version": "2.1.0", "description": "d"},
        "servers": {"development": "ws://localhost:8765"},
        "methods": [
            {"name": "orders.get_status", "params": {"$ref": "#/definitions/P"}, "result": {"anyOf": [{"$ref": "#/definitions/R"}, {"type": "null"}]}, "deprecated": true, "summary": "s"},
            {"name": "ping"},
        ],
        "events": [{"name": "notification", "payload": {"type": "object", "properties": {"text": {"type": "string"}}}}],
        "definitions": {"P": obj(json!({"id": {"type": "integer"}}), &["id"]), "R": obj(json!({"ok": {"type": "boolean"}}), &[])},
    }));
    let m = &n.api.methods[0];
    assert_eq!(m.path, ["orders", "get_status"]);
    assert!(m.deprecated);
    assert!(matches!(kind(&n, m.result.unwrap()), TypeKind::Nullable(_)));
    assert!(n.api.methods[1].params.is_none() && n.api.methods[1].result.is_none());
    assert_eq!(
        n.api.types.name_of(n.api.events[0].payload),
        "NotificationEvent"
    );
    assert_eq!(n.api.servers["development"], "ws://localhost:8765");
    assert_eq!(n.api.source_format, "rpc-schema 1");
}

#[test]
fn openrpc_documents() {
    let n = normalize_json(json!({
        "openrpc": "1.2.6",
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"name": "production", "url": "wss://x/ws"}],
        "methods": [{
            "name": "orders.get",
            "params": [
                {"name": "order_id", "required": true, "schema": {"type": "integer"}},
                {"$ref": "#/components/contentDescriptors/Verbose"},
            ],
            "result": {"name": "order", "schema": {"$ref": "#/components/schemas/Order"}},
            "deprecated": true,
        }],
        "components": {
            "schemas": {"Order": obj(json!({"id": {"type": "integer"}}), &["id"])},
            "contentDescriptors": {"Verbose": {"name": "verbose", "schema": {"type": "boolean"}}},
        },
    }));
    let m = &n.api.methods[0];
    assert!(m.deprecated);
    let fields: Vec<_> = params_object(&n)
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.required))
        .collect();
    assert_eq!(fields, [("order_id", true), ("verbose", false)]);
    assert_eq!(n.api.types.name_of(m.result.unwrap()), "Order");
    assert_eq!(n.api.servers["production"], "wss://x/ws");
    assert_eq!(n.api.source_format, "openrpc 1.2.6");
}

#[test]
fn examples_normalize_without_warnings() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        let file = dir.join(format!("{name}.rpc.json"));
        if !file.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let source = rpcforge::schema::parse_document(&text, &name).unwrap();
        let n = rpcforge::ir::normalize(&source, &name, Some(&text)).unwrap();
        assert!(n.warnings.is_empty(), "{name}: {:?}", n.warnings);
    }
}

#[test]
fn property_names_type_the_keys_of_a_map() {
    let n = with_params(
        obj(
            json!({
                "by_enum": {"type": "object", "additionalProperties": {"type": "integer"},
                            "propertyNames": {"$ref": "#/$defs/Color"}},
                "by_literal": {"type": "object", "additionalProperties": true,
                               "propertyNames": {"enum": ["min", "max"]}},
                "by_int_enum": {"type": "object", "additionalProperties": true,
                                "propertyNames": {"$ref": "#/$defs/Level"}},
                "pattern_keys": {"type": "object", "additionalProperties": true,
                                 "propertyNames": {"pattern": "^[a-z]+$"}},
            }),
            &[],
        ),
        json!({
            "Color": {"type": "string", "enum": ["red", "green"]},
            "Level": {"type": "integer", "enum": [1, 2]},
        }),
    );
    let keys = |name: &str| match kind(&n, field(&n, name).ty) {
        TypeKind::Map(m) => m.keys,
        other => panic!("{name}: not a map: {other:?}"),
    };
    let (color, _) = named(&n, "Color");
    assert_eq!(keys("by_enum"), Some(color));
    let literal = keys("by_literal").expect("literal keys");
    assert!(matches!(kind(&n, literal), TypeKind::LiteralUnion(ls) if ls.len() == 2));
    // Integer enums cannot name JSON object keys; a bare pattern is not a key type: both
    // stay string keys, with a warning each.
    assert_eq!(keys("by_int_enum"), None);
    assert_eq!(keys("pattern_keys"), None);
    let warned = |p: &str| n.warnings.iter().any(|w| w.pointer.ends_with(p));
    assert!(warned("by_int_enum/propertyNames"), "{:?}", n.warnings);
    assert!(warned("pattern_keys"), "{:?}", n.warnings);
    assert!(!warned("by_enum") && !warned("by_enum/propertyNames"));
}

#[test]
fn min_and_max_properties_of_an_object_with_properties_are_warned() {
    let n = with_params(
        json!({"type": "object", "properties": {"a": {"type": "string"}}, "minProperties": 1}),
        json!({}),
    );
    assert!(
        n.warnings
            .iter()
            .any(|w| w.message.contains("minProperties/maxProperties")),
        "{:?}",
        n.warnings
    );
}

#[test]
fn a_discriminated_union_inside_one_of_its_own_variants_keeps_its_discriminator() {
    // BinOp.left is an Expr while BinOp is still being converted: the discriminator is
    // checked once every definition is done.
    let n = with_params(
        json!({"$ref": "#/$defs/BinOp"}),
        json!({
            "BinOp": obj(json!({
                "kind": {"const": "binop", "type": "string"},
                "left": {"$ref": "#/$defs/Expr"},
                "right": {"anyOf": [{"$ref": "#/$defs/Expr"}, {"type": "null"}]},
            }), &["kind", "left", "right"]),
            "Lit": obj(json!({
                "kind": {"const": "lit", "type": "string"},
                "value": {"type": "number"},
            }), &["kind", "value"]),
            "Expr": {
                "oneOf": [{"$ref": "#/$defs/BinOp"}, {"$ref": "#/$defs/Lit"}],
                "discriminator": {"propertyName": "kind",
                                  "mapping": {"binop": "#/$defs/BinOp", "lit": "#/$defs/Lit"}},
            },
        }),
    );
    assert!(n.warnings.is_empty(), "{:?}", n.warnings);
    let (_, expr) = named(&n, "Expr");
    let union = match &expr.kind {
        TypeKind::Alias(inner) => kind(&n, *inner),
        other => other,
    };
    let TypeKind::Union(u) = union else {
        panic!("Expr is not a union: {union:?}")
    };
    let d = u.discriminator.as_ref().expect("the discriminator is kept");
    assert_eq!(d.property, "kind");
    assert_eq!(d.mapping.len(), 2);
}

/// The CLI reads documents lazily (`normalize_text`: named schemas decoded when reached);
/// the library's `parse_document` + `normalize` is the reference. Both must agree on every
/// document of the repository: the same types, names, methods and warnings.
#[test]
fn lazy_reading_matches_the_reference_on_every_bundled_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = Vec::new();
    for dir in ["examples", "tests/fixtures/pydantic"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let case = entry.unwrap().path();
            if !case.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&case).unwrap() {
                let path = file.unwrap().path();
                if path.to_string_lossy().ends_with(".rpc.json") {
                    docs.push(path);
                }
            }
        }
    }
    docs.push(root.join("tests/e2e/server/e2e.rpc.json"));
    docs.push(root.join("tests/fixtures/adversarial/adversarial.rpc.json"));
    assert!(docs.len() > 55, "found only {} documents", docs.len());
    for path in docs {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.display().to_string();
        let source = rpcforge::schema::parse_document(&text, &file).expect("valid document");
        let reference = rpcforge::ir::normalize(&source, &file, Some(&text)).expect("normalizes");
        let lazy = rpcforge::ir::normalize_text(&text, &file).expect("normalizes lazily");
        assert_eq!(
            format!("{:?}", lazy.api),
            format!("{:?}", reference.api),
            "{file}"
        );
        assert_eq!(lazy.warnings, reference.warnings, "{file}");
    }
}

/// A document with hundreds of named schemas: large enough that `normalize_text` decodes
/// them on a second thread ahead of the builder (`ir/prefetch.rs`). Recursive and shared
/// references, unions, a percent-encoded reference, a definition reached only through
/// `allOf`, unused ones, and `"$ref"` inside a description.
fn many_defs_document(broken: Option<usize>) -> String {
    const N: usize = 240;
    let mut defs = serde_json::Map::new();
    for i in 0..N {
        // References point at lower numbers (M0 at itself): a tree a few levels deep, as the
        // builder follows references recursively (a chain of hundreds of definitions
        // would overflow a test thread's stack in a debug build).
        let a = i / 2;
        let b = i / 3;
        let mut model = serde_json::json!({
            "type": "object",
            "description": format!("Model {i}: see the \"$ref\" of M{a}."),
            "properties": {
                "id": {"type": "integer"},
                "next": {"anyOf": [{"$ref": format!("#/$defs/M{a}")}, {"type": "null"}], "default": null},
                "items": {"type": "array", "items": {"$ref": format!("#/$defs/M{b}")}},
                "color": {"$ref": format!("#/$defs/Color{}", i % 5)},
                "choice": {"$ref": format!("#/$defs/U{}", i % 11)},
                "spaced": {"$ref": "#/$defs/Has%20Space"}
            },
            "required": ["id", "items"]
        });
        if i % 17 == 0 {
            model = serde_json::json!({"allOf": [{"$ref": "#/$defs/Base"}, model]});
        }
        if broken == Some(i) {
            model["properties"]["id"] = serde_json::json!({"type": 5});
        }
        defs.insert(format!("M{i}"), model);
    }
    for i in 0..5 {
        defs.insert(
            format!("Color{i}"),
            serde_json::json!({"enum": ["red", "green", format!("c{i}")], "type": "string"}),
        );
    }
    for i in 0..11 {
        defs.insert(
            format!("U{i}"),
            serde_json::json!({"anyOf": [{"$ref": format!("#/$defs/M{}", i * 3)}, {"$ref": format!("#/$defs/M{}", i * 5 + 1)}]}),
        );
    }
    defs.insert(
        "Base".into(),
        serde_json::json!({"type": "object", "properties": {"version": {"type": "integer"}}}),
    );
    defs.insert(
        "Has Space".into(),
        serde_json::json!({"type": "object", "properties": {"x": {"type": "string"}}}),
    );
    for i in 0..30 {
        defs.insert(
            format!("Unused{i}"),
            serde_json::json!({"type": "object", "properties": {"u": {"$ref": format!("#/$defs/Unused{}", (i + 1) % 30)}}}),
        );
    }
    let methods: Vec<_> = (0..120)
        .map(|i| {
            serde_json::json!({
                "name": format!("ns{}.method_{i}", i % 6),
                "params": {"$ref": format!("#/$defs/M{}", (i * 2) % N)},
                "result": {"$ref": format!("#/$defs/M{}", (i * 2 + 1) % N)}
            })
        })
        .collect();
    let doc = serde_json::json!({
        "rpcSchema": "1",
        "info": {"title": "Many Defs", "version": "1.0.0"},
        "methods": methods,
        "events": [{"name": "tick", "payload": {"$ref": "#/$defs/M1"}}],
        "$defs": defs
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn lazy_reading_with_prefetching_matches_the_reference() {
    let text = many_defs_document(None);
    let file = "many.rpc.json";
    let source = rpcforge::schema::parse_document(&text, file).expect("valid document");
    let reference = rpcforge::ir::normalize(&source, file, Some(&text)).expect("normalizes");
    assert!(reference.api.types.types.len() > 250);
    let expected = format!("{:?}", reference.api);
    // The decoder thread's progress differs from run to run; the result must not.
    for _ in 0..20 {
        let lazy = rpcforge::ir::normalize_text(&text, file).expect("normalizes lazily");
        assert_eq!(format!("{:?}", lazy.api), expected);
        assert_eq!(lazy.warnings, reference.warnings);
    }
}

#[test]
fn lazy_reading_with_prefetching_reports_a_broken_definition_as_the_reference_does() {
    for broken in [0, 7, 239] {
        let text = many_defs_document(Some(broken));
        let file = "many.rpc.json";
        let reference = rpcforge::schema::parse_document(&text, file)
            .and_then(|source| rpcforge::ir::normalize(&source, file, Some(&text)))
            .expect_err("a broken definition");
        let lazy = rpcforge::ir::normalize_text(&text, file).expect_err("a broken definition");
        assert_eq!(lazy.to_string(), reference.to_string());
        assert!(
            reference.to_string().contains(&format!("/$defs/M{broken}")),
            "{reference}"
        );
    }
}
