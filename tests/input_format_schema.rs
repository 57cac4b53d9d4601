//! `schemas/rpc-schema-v1.json` is what `rpcforge schema` prints: the committed copy of
//! the input format's JSON Schema cannot drift from the types that read documents.

#[test]
fn committed_input_format_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/rpc-schema-v1.json");
    let committed = std::fs::read_to_string(path).expect("schemas/rpc-schema-v1.json exists");
    let current = rpcforge::cli::input_format_schema();
    assert!(
        committed == current,
        "schemas/rpc-schema-v1.json is stale: run `cargo run -- schema > schemas/rpc-schema-v1.json`"
    );
}

#[test]
fn cli_schema_command_prints_it() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        rpcforge::cli::input_format_schema()
    );
}
