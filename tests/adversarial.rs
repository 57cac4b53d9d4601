//! Hostile schema text must never become code. `tests/fixtures/adversarial` carries
//! descriptions that would close a comment or a docstring and then define a symbol or call a
//! function (`PWNED_*`), names that clash with keywords, builtins and the runtime's own
//! members, and names that collide after case conversion. The compile checks run on it like
//! on every fixture (`compile_generated`); this test proves that the canary text stayed text:
//! no `PWNED` identifier appears among the tokens of any generated source file, and importing
//! the Python package prints nothing.

mod common;

use std::process::Command;

const SCANNER: &str = r#"
// With `node -e`, the first extra argument is argv[1].
const ts = require(process.argv[1]);
const fs = require("fs");
let found = [];
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    if (t === ts.SyntaxKind.Identifier && scanner.getTokenText().includes("PWNED")) {
      found.push(file + ": " + scanner.getTokenText());
    }
  }
}
if (found.length) { console.log(found.join("\n")); process.exit(1); }
"#;

const TOKENIZER: &str = r#"
import sys, tokenize
found = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        for tok in tokenize.tokenize(f.readline):
            if tok.type == tokenize.NAME and "PWNED" in tok.string:
                found.append(f"{path}:{tok.start[0]}: {tok.string}")
if found:
    print("\n".join(found))
    sys.exit(1)
"#;

#[test]
fn canary_text_never_becomes_code() {
    let schema = common::repo_root().join("tests/fixtures/adversarial/adversarial.rpc.json");
    let tmp = tempfile::tempdir().unwrap();
    common::generate_into(&schema, tmp.path());
    let tree = common::list_tree(tmp.path());

    let ts_files: Vec<String> = tree
        .keys()
        .filter(|p| p.ends_with(".ts"))
        .map(|p| tmp.path().join(p).display().to_string())
        .collect();
    assert!(!ts_files.is_empty(), "no TypeScript files generated");
    let typescript = common::repo_root().join("tests/node/node_modules/typescript");
    assert!(
        typescript.exists(),
        "typescript is not installed: run scripts/test"
    );
    let out = common::run(
        Command::new("node")
            .arg("-e")
            .arg(SCANNER)
            .arg(&typescript)
            .args(&ts_files),
    );
    assert!(
        out.status.success(),
        "schema text became TypeScript code:\n{}",
        common::output_text(&out)
    );

    let py_files: Vec<String> = tree
        .keys()
        .filter(|p| p.ends_with(".py"))
        .map(|p| tmp.path().join(p).display().to_string())
        .collect();
    assert!(!py_files.is_empty(), "no Python files generated");
    let python = common::tool("python");
    let out = common::run(
        Command::new(&python)
            .arg("-c")
            .arg(TOKENIZER)
            .args(&py_files),
    );
    assert!(
        out.status.success(),
        "schema text became Python code:\n{}",
        common::output_text(&out)
    );

    // Importing runs module-level code: the canary would print PWNED_PY.
    let package = tree
        .keys()
        .find_map(|p| {
            p.strip_prefix("python/")
                .and_then(|p| p.strip_suffix("/py.typed"))
        })
        .expect("a Python package with py.typed")
        .to_string();
    let out = common::run(
        Command::new(&python)
            .current_dir(tmp.path().join("python"))
            .arg("-c")
            .arg(format!(
                "import {package}, {package}.models, {package}.client"
            )),
    );
    let text = common::output_text(&out);
    assert!(out.status.success(), "import failed:\n{text}");
    assert!(
        !text.contains("PWNED"),
        "importing ran schema text:\n{text}"
    );
}
