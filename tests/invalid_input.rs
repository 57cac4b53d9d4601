//! Bad input: exit 2, an error naming the file and the JSON pointer, and nothing written.

use std::path::Path;
use std::process::Command;

const HEAD: &str = r#""rpcSchema": "1", "info": {"title": "T", "version": "1"}"#;

/// (case name, document text, the pointer the error must name, a phrase it must contain)
fn cases() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let doc = |rest: &str| format!("{{{HEAD}, {rest}}}");
    vec![
        ("not json", "{ not json".to_string(), "", "expected valid JSON"),
        ("not an object", "[1, 2]".to_string(), "", "expected a JSON object"),
        ("no format key", r#"{"info": {}}"#.to_string(), "", "rpcSchema"),
        ("wrong version", r#"{"rpcSchema": "2", "info": {"title": "T", "version": "1"}, "methods": []}"#.to_string(), "/rpcSchema", "\"2\""),
        ("missing methods", format!("{{{HEAD}}}"), "", "\"methods\""),
        ("missing title", r#"{"rpcSchema": "1", "info": {"version": "1"}, "methods": []}"#.to_string(), "/info", "\"title\""),
        ("method name not a string", doc(r#""methods": [{"name": 5}]"#), "/methods/0/name", "expected a string"),
        ("methods not an array", doc(r#""methods": {}"#), "/methods", "expected a sequence"),
        ("empty method name", doc(r#""methods": [{"name": ""}]"#), "/methods/0/name", "non-empty"),
        ("empty name segment", doc(r#""methods": [{"name": "orders..get"}]"#), "/methods/0/name", "non-empty"),
        ("duplicate method", doc(r#""methods": [{"name": "a"}, {"name": "a"}]"#), "/methods/1/name", "duplicate method name"),
        ("duplicate event", doc(r#""methods": [], "events": [{"name": "e", "payload": {}}, {"name": "e", "payload": {}}]"#), "/events/1/name", "duplicate event name"),
        ("event without payload", doc(r#""methods": [], "events": [{"name": "e"}]"#), "/events/0", "\"payload\""),
        ("unresolvable ref", doc(r##""methods": [{"name": "a", "params": {"$ref": "#/$defs/Nope"}}]"##), "/methods/0/params/$ref", "unresolvable reference"),
        ("external ref", doc(r#""methods": [{"name": "a", "params": {"$ref": "other.json#/X"}}]"#), "/methods/0/params/$ref", "other files"),
        ("string result", doc(r#""methods": [{"name": "a", "result": {"type": "string"}}]"#), "/methods/0/result", "expected an object schema for the result"),
        ("array result", doc(r#""methods": [{"name": "a", "result": {"type": "array", "items": {}}}]"#), "/methods/0/result", "expected an object schema for the result"),
        ("any result", doc(r#""methods": [{"name": "a", "result": {}}]"#), "/methods/0/result", "expected an object schema for the result"),
        ("union result with a string", doc(r#""methods": [{"name": "a", "result": {"anyOf": [{"type": "object", "properties": {"x": {}}}, {"type": "string"}]}}]"#), "/methods/0/result", "expected an object schema"),
        ("integer params", doc(r#""methods": [{"name": "a", "params": {"type": "integer"}}]"#), "/methods/0/params", "expected an object schema for params"),
        ("nullable params", doc(r#""methods": [{"name": "a", "params": {"anyOf": [{"type": "object", "properties": {"x": {}}}, {"type": "null"}]}}]"#), "/methods/0/params", "expected an object schema for params"),
        ("type not a type name", doc(r#""methods": [{"name": "a", "params": {"type": "obj"}}]"#), "/methods/0/params/type", "obj"),
        ("properties not an object", doc(r#""methods": [{"name": "a", "params": {"type": "object", "properties": []}}]"#), "/methods/0/params/properties", "expected a map"),
        ("required not a list", doc(r#""methods": [{"name": "a", "params": {"type": "object", "required": "x"}}]"#), "/methods/0/params/required", "expected a sequence"),
        ("schema is a number", doc(r#""methods": [{"name": "a", "params": 5}]"#), "/methods/0/params", "expected a JSON Schema"),
        ("ref cycle with no content", doc(r##""methods": [{"name": "a", "params": {"$ref": "#/$defs/A"}}], "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}"##), "/$defs/", "reference cycle with no content"),
        ("alias cycle through anyOf", doc(r##""methods": [], "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/B"}, {"type": "null"}]}, "B": {"anyOf": [{"$ref": "#/$defs/A"}]}}"##), "/$defs/", "reference cycle with no content"),
        ("huge number", doc(r#""methods": [{"name": "a", "params": {"type": "object", "properties": {"x": {"type": "number", "maximum": 1e999}}}}]"#), "/methods/0/params/properties/x/maximum", "64-bit float"),
        ("huge default", doc(r#""methods": [{"name": "a", "params": {"type": "object", "properties": {"x": {"default": [1, -2e400]}}}}]"#), "/methods/0/params/properties/x/default", "64-bit float"),
        ("deep nesting", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)), "", "expected valid JSON"),
        ("servers not strings", doc(r#""methods": [], "servers": {"dev": 5}"#), "/servers/dev", "expected a string"),
        ("openrpc missing descriptor name", r#"{"openrpc": "1.2.6", "info": {"title": "T", "version": "1"}, "methods": [{"name": "a", "params": [{"schema": {}}]}]}"#.to_string(), "/methods/0/params/0", "\"name\""),
        ("rpcSchema a number", r#"{"rpcSchema": 1, "info": {"title": "T", "version": "1"}, "methods": []}"#.to_string(), "/rpcSchema", "expected"),
        ("info not an object", r#"{"rpcSchema": "1", "info": "x", "methods": []}"#.to_string(), "/info", "expected"),
        ("version a number", r#"{"rpcSchema": "1", "info": {"title": "T", "version": 1}, "methods": []}"#.to_string(), "/info/version", "expected a string"),
        ("empty file", String::new(), "", "expected valid JSON"),
        ("trailing garbage", format!("{{{HEAD}, \"methods\": []}} x"), "", "expected valid JSON"),
        ("NaN", doc(r#""methods": [{"name": "a", "params": {"type": "object", "properties": {"x": {"default": NaN}}}}]"#), "", "expected valid JSON"),
        ("servers an array", doc(r#""methods": [], "servers": ["ws://x"]"#), "/servers", "expected a map"),
        ("method not an object", doc(r#""methods": ["a"]"#), "/methods/0", "expected"),
        ("summary a number", doc(r#""methods": [{"name": "a", "summary": 1}]"#), "/methods/0/summary", "expected a string"),
        ("deprecated a string", doc(r#""methods": [{"name": "a", "deprecated": "yes"}]"#), "/methods/0/deprecated", "expected a boolean"),
        ("params false", doc(r#""methods": [{"name": "a", "params": false}]"#), "/methods/0/params", "expected an object schema for params"),
        ("params true", doc(r#""methods": [{"name": "a", "params": true}]"#), "/methods/0/params", "expected an object schema for params"),
        ("events not an array", doc(r#""methods": [], "events": {}"#), "/events", "expected a sequence"),
        ("event name a number", doc(r#""methods": [], "events": [{"name": 1, "payload": {}}]"#), "/events/0/name", "expected a string"),
        ("empty event name", doc(r#""methods": [], "events": [{"name": "", "payload": {}}]"#), "/events/0/name", "non-empty"),
        ("event payload a number", doc(r#""methods": [], "events": [{"name": "e", "payload": 3}]"#), "/events/0/payload", "expected a JSON Schema"),
        ("$defs not an object", doc(r#""methods": [], "$defs": []"#), "/$defs", "expected a map"),
        ("$defs entry a string", doc(r#""methods": [], "$defs": {"A": "x"}"#), "/$defs/A", "expected a JSON Schema"),
        ("definitions entry a number", doc(r#""methods": [], "definitions": {"A": 1}"#), "/definitions/A", "expected a JSON Schema"),
        ("$ref not a string", doc(r#""methods": [{"name": "a", "params": {"$ref": 1}}]"#), "/methods/0/params/$ref", "expected a string"),
        ("$ref into methods", doc(r##""methods": [{"name": "a", "params": {"$ref": "#/methods/0"}}]"##), "/methods/0/params/$ref", "unresolvable reference"),
        ("$ref empty name", doc(r##""methods": [{"name": "a", "params": {"$ref": "#/$defs/"}}]"##), "/methods/0/params/$ref", "unresolvable reference"),
        ("$ref into a definition's insides", doc(r##""methods": [{"name": "a", "params": {"$ref": "#/$defs/A/properties/x"}}], "$defs": {"A": {"type": "object", "properties": {"x": {}}}}"##), "/methods/0/params/$ref", "unresolvable reference"),
        ("self reference", doc(r##""methods": [], "$defs": {"A": {"$ref": "#/$defs/A"}}"##), "/$defs/A", "reference cycle with no content"),
        ("allOf cycle", doc(r##""methods": [], "$defs": {"A": {"allOf": [{"$ref": "#/$defs/B"}]}, "B": {"allOf": [{"$ref": "#/$defs/A"}]}}"##), "/$defs/", "reference cycle with no content"),
        ("anyOf of itself", doc(r##""methods": [], "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/A"}]}}"##), "/$defs/A", "reference cycle with no content"),
        ("enum not an array", doc(r#""methods": [], "$defs": {"A": {"enum": "a"}}"#), "/$defs/A/enum", "expected a sequence"),
        ("anyOf not an array", doc(r#""methods": [], "$defs": {"A": {"anyOf": {}}}"#), "/$defs/A/anyOf", "expected a sequence"),
        ("anyOf member a string", doc(r#""methods": [], "$defs": {"A": {"anyOf": ["x"]}}"#), "/$defs/A/anyOf/0", "expected a JSON Schema"),
        ("allOf member a number", doc(r#""methods": [], "$defs": {"A": {"allOf": [1]}}"#), "/$defs/A/allOf/0", "expected a JSON Schema"),
        ("items a number", doc(r#""methods": [], "$defs": {"A": {"type": "array", "items": 1}}"#), "/$defs/A/items", "expected a JSON Schema, or a list"),
        ("prefixItems an object", doc(r#""methods": [], "$defs": {"A": {"type": "array", "prefixItems": {}}}"#), "/$defs/A/prefixItems", "expected a sequence"),
        ("discriminator a string", doc(r#""methods": [], "$defs": {"A": {"oneOf": [], "discriminator": "kind"}}"#), "/$defs/A/discriminator", "expected"),
        ("discriminator without propertyName", doc(r#""methods": [], "$defs": {"A": {"oneOf": [], "discriminator": {}}}"#), "/$defs/A/discriminator", "\"propertyName\""),
        ("negative minLength", doc(r#""methods": [], "$defs": {"A": {"type": "string", "minLength": -1}}"#), "/$defs/A/minLength", "expected"),
        ("fractional maxItems", doc(r#""methods": [], "$defs": {"A": {"type": "array", "maxItems": 1.5}}"#), "/$defs/A/maxItems", "expected"),
        ("pattern a number", doc(r#""methods": [], "$defs": {"A": {"type": "string", "pattern": 5}}"#), "/$defs/A/pattern", "expected a string"),
        ("minimum a string", doc(r#""methods": [], "$defs": {"A": {"type": "integer", "minimum": "1"}}"#), "/$defs/A/minimum", "expected"),
        ("description an array", doc(r#""methods": [], "$defs": {"A": {"description": []}}"#), "/$defs/A/description", "expected a string"),
        ("required with numbers", doc(r#""methods": [], "$defs": {"A": {"type": "object", "required": [1]}}"#), "/$defs/A/required/0", "expected a string"),
        ("property schema a string", doc(r#""methods": [], "$defs": {"A": {"type": "object", "properties": {"x": "string"}}}"#), "/$defs/A/properties/x", "expected a JSON Schema"),
        ("additionalProperties a string", doc(r#""methods": [], "$defs": {"A": {"type": "object", "additionalProperties": "x"}}"#), "/$defs/A/additionalProperties", "expected a JSON Schema"),
        ("type list with a bad name", doc(r#""methods": [], "$defs": {"A": {"type": ["string", "date"]}}"#), "/$defs/A/type", "date"),
        ("empty type list", doc(r#""methods": [{"name": "a", "params": {"type": "object", "properties": {"x": {"type": []}}}}]"#), "/methods/0/params/properties/x/type", "at least one type"),
        ("pointer with escapes", doc(r##""methods": [{"name": "a", "params": {"type": "object", "properties": {"a/b~c": {"$ref": "#/$defs/Nope"}}}}]"##), "/methods/0/params/properties/a~1b~0c/$ref", "unresolvable"),
        ("openrpc version 2", r#"{"openrpc": "2.0.0", "info": {"title": "T", "version": "1"}, "methods": []}"#.to_string(), "/openrpc", "1.x"),
    ]
}

#[test]
fn bad_documents_exit_2_naming_the_pointer_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, text, pointer, phrase) in cases() {
        let input = dir.path().join("bad.rpc.json");
        std::fs::write(&input, &text).unwrap();
        let output = dir.path().join("out");
        let run = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
            .args([
                "generate-clients",
                input.to_str().unwrap(),
                "--output",
                output.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        let first_line = stderr.lines().next().unwrap_or("");
        let named_pointer = if pointer.is_empty() {
            true
        } else {
            first_line.contains(&format!("at {pointer}"))
        };
        if run.status.code() != Some(2)
            || !first_line.contains("bad.rpc.json")
            || !named_pointer
            || !first_line.contains(phrase)
            || Path::new(&output).exists()
        {
            failures.push(format!(
                "{name}: exit {:?}, wrote output: {}, stderr: {stderr}",
                run.status.code(),
                output.exists()
            ));
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked: {stderr}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_carry_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("api.rpc.json");
    std::fs::write(&input, format!("{{{HEAD},\n\"methods\": [\n  {{\"name\": \"a\", \"result\": {{\"type\": \"string\"}}}}\n]}}")).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .args(["validate", input.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr.contains("api.rpc.json:3:27: at /methods/0/result:"),
        "{stderr}"
    );
}

#[test]
fn bad_package_name_is_usage_error() {
    let input = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/chat/chat.rpc.json");
    let dir = tempfile::tempdir().unwrap();
    for name in ["../../etc", "a/b", "", ".hidden", "x y"] {
        let run = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
            .args([
                "generate-clients",
                input,
                "--output",
                dir.path().to_str().unwrap(),
                "--package-name",
                name,
            ])
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{name}: wrote something"
        );
    }
}

#[test]
fn unknown_flag_is_usage_error() {
    let run = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .args(["generate-clients", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}

/// A chain of `$ref`s (each definition has a property of the next one's type) is followed
/// recursively: up to `MAX_REF_DEPTH` definitions deep it generates; deeper, it is an input
/// error (exit 2, nothing written), never a stack overflow.
#[test]
fn ref_chains_deeper_than_the_limit_are_an_input_error() {
    let depth = rpcforge::ir::MAX_REF_DEPTH;
    let dir = tempfile::tempdir().unwrap();
    for (length, expected) in [(depth, 0), (depth + 1, 2), (4 * depth, 2)] {
        let mut defs = serde_json::Map::new();
        for i in 0..length {
            let next = if i + 1 < length {
                serde_json::json!({"anyOf": [{"$ref": format!("#/$defs/M{}", i + 1)}, {"type": "null"}]})
            } else {
                serde_json::json!({"type": "integer"})
            };
            defs.insert(
                format!("M{i}"),
                serde_json::json!({"type": "object", "properties": {"next": next}}),
            );
        }
        let doc = serde_json::json!({
            "rpcSchema": "1",
            "info": {"title": "Chain", "version": "1.0.0"},
            "methods": [{"name": "chain.get", "result": {"$ref": "#/$defs/M0"}}],
            "$defs": defs
        });
        let input = dir.path().join(format!("chain{length}.rpc.json"));
        std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
        let out = dir.path().join(format!("out{length}"));
        let run = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
            .args(["generate-clients", input.to_str().unwrap(), "--output"])
            .arg(&out)
            .arg("--quiet")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(expected), "{length}: {stderr}");
        if expected == 2 {
            assert!(stderr.contains("references nested too deeply"), "{stderr}");
            assert!(!out.exists(), "nothing written");
        }
    }
}
