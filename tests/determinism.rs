//! The generator's output must be a pure function of the schema: generating twice gives
//! byte-identical trees, and no file carries a build timestamp.

mod common;

use std::path::Path;

use common::{display_path, list_tree};

macro_rules! example_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let schema = common::example_schema(stringify!($name));
                assert!(
                    schema.is_file(),
                    "example schema {} does not exist",
                    display_path(&schema)
                );
                if let Err(msg) = check_deterministic(&schema) {
                    panic!("{msg}");
                }
            }
        )*
    };
}

example_tests!(chat, dashboard, ecommerce, game, notifications);

/// Schemas found under examples/ and tests/fixtures/ that are not one of the named examples.
#[test]
fn other_discovered_schemas() {
    let mut failures = Vec::new();
    for schema in common::extra_schemas() {
        match std::panic::catch_unwind(|| check_deterministic(&schema)) {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => failures.push(msg),
            Err(payload) => failures.push(common::panic_message(payload.as_ref())),
        }
    }
    if !failures.is_empty() {
        panic!("{}", failures.join("\n\n"));
    }
}

fn check_deterministic(schema: &Path) -> Result<(), String> {
    let name = display_path(schema);
    let a = tempfile::Builder::new()
        .prefix("rpcforge-det-a-")
        .tempdir()
        .expect("temp dir");
    let b = tempfile::Builder::new()
        .prefix("rpcforge-det-b-")
        .tempdir()
        .expect("temp dir");
    common::generate_into(schema, a.path());
    common::generate_into(schema, b.path());
    let ta = list_tree(a.path());
    let tb = list_tree(b.path());

    let mut problems = Vec::new();
    if ta.is_empty() {
        problems.push("the generator wrote no files".to_string());
    }
    let only_a: Vec<&String> = ta.keys().filter(|k| !tb.contains_key(*k)).collect();
    let only_b: Vec<&String> = tb.keys().filter(|k| !ta.contains_key(*k)).collect();
    if !only_a.is_empty() || !only_b.is_empty() {
        problems.push(format!(
            "file lists differ: only in 1st run {only_a:?}, only in 2nd run {only_b:?}"
        ));
    }
    for (path, bytes_a) in &ta {
        if let Some(bytes_b) = tb.get(path)
            && bytes_a != bytes_b
        {
            problems.push(format!(
                "{path} differs between two runs:\n{}",
                common::brief_diff(
                    "1st run",
                    &String::from_utf8_lossy(bytes_a),
                    "2nd run",
                    &String::from_utf8_lossy(bytes_b),
                )
            ));
        }
    }

    // A timestamp of today shows up as "YYYY-MM"; allowed only if the schema itself has it.
    let (year, month, _) = common::today_utc();
    let needle = format!("{year:04}-{month:02}");
    let schema_text = std::fs::read_to_string(schema).unwrap_or_default();
    if !schema_text.contains(&needle) {
        for (path, bytes) in &ta {
            let text = String::from_utf8_lossy(bytes);
            if let Some((i, line)) = text.lines().enumerate().find(|(_, l)| l.contains(&needle)) {
                problems.push(format!(
                    "{path}:{} looks like it contains a timestamp ({needle:?}): {}",
                    i + 1,
                    line.trim()
                ));
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "[{name}] output is not deterministic:\n{}",
            problems.join("\n")
        ))
    }
}
