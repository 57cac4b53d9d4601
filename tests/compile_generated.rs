//! Generate the TypeScript and Python clients for every example / fixture schema and check
//! that they compile, type-check strictly, are formatted, lint clean and import.
//!
//! Tools come from `scripts/test` (see tests/common/mod.rs); a missing tool fails the test.
//! Each known example is its own #[test]; every check of one schema runs even after an earlier
//! one failed, and all failures are reported together, each naming the schema and the tool.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{display_path, output_text, run, tool};

/// Flags forced on for `tsc`, whatever the generated tsconfig.json says.
const TSC_STRICT_FLAGS: &[&str] = &[
    "--strict",
    "--noUncheckedIndexedAccess",
    "--exactOptionalPropertyTypes",
    "--noUnusedLocals",
    "--noUnusedParameters",
    "--noImplicitReturns",
    "--noFallthroughCasesInSwitch",
];

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
                check_schema(&schema);
            }
        )*

        #[test]
        fn known_examples_list_matches() {
            let listed: &[&str] = &[$(stringify!($name)),*];
            assert_eq!(listed, common::KNOWN_EXAMPLES);
        }
    };
}

example_tests!(chat, dashboard, ecommerce, game, notifications);

/// Schemas found under examples/ and tests/fixtures/ that are not one of the named examples.
/// The TypeScript side is checked in one `tsc` and one `prettier` run over all of them (each
/// `tsc` start parses the DOM library, seconds a run); the Python side per schema.
#[test]
fn other_discovered_schemas() {
    let schemas = common::extra_schemas();
    assert!(
        !schemas.is_empty(),
        "no fixtures found under tests/fixtures"
    );
    let tmp = tempfile::Builder::new()
        .prefix("rpcforge-compile-all-")
        .tempdir()
        .unwrap();
    let mut outs = Vec::new();
    for (i, schema) in schemas.iter().enumerate() {
        let out = tmp.path().join(format!("{i:03}"));
        common::generate_into(schema, &out);
        outs.push(out);
    }
    let mut failures = Vec::new();

    // One program holding every package's sources, with the generated compiler options.
    let root_config = tmp.path().join("tsconfig.json");
    std::fs::write(
        &root_config,
        r#"{"extends": "./000/typescript/tsconfig.json", "compilerOptions": {"rootDir": ".", "noEmit": true}, "include": ["*/typescript/src/**/*.ts"]}"#,
    )
    .unwrap();
    let o = run(Command::new(tool("tsc"))
        .current_dir(tmp.path())
        .args(["-p", "tsconfig.json"])
        .args(TSC_STRICT_FLAGS)
        .args(["--pretty", "false"]));
    if !o.status.success() {
        failures.push(format!(
            "tsc: type errors ({}); NNN/ is schema NNN of:\n{}\n{}",
            o.status,
            list(&schemas),
            output_text(&o)
        ));
    }
    let formattable = files_with_ext(tmp.path(), &["ts", "json"])
        .into_iter()
        .filter(|p| p != &root_config)
        .collect::<Vec<_>>();
    if let Err(msg) = prettier_check(tmp.path(), &formattable) {
        failures.push(format!(
            "prettier: {msg}\nNNN/ is schema NNN of:\n{}",
            list(&schemas)
        ));
    }

    for (schema, out) in schemas.iter().zip(&outs) {
        let name = display_path(schema);
        let mut fail = |tool: &str, msg: String| failures.push(format!("[{name}] {tool}: {msg}"));
        check_python(out, tmp.path(), &mut fail);
    }
    if !failures.is_empty() {
        panic!(
            "{} check(s) failed:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

fn list(schemas: &[PathBuf]) -> String {
    schemas
        .iter()
        .enumerate()
        .map(|(i, s)| format!("  {i:03} {}", display_path(s)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Generate `schema` into a temp dir and run every check; panics listing all failures.
fn check_schema(schema: &Path) {
    let name = display_path(schema);
    let tmp = tempfile::Builder::new()
        .prefix("rpcforge-compile-")
        .tempdir()
        .expect("create temp dir");
    let out = tmp.path();
    common::generate_into(schema, out);

    let mut failures: Vec<String> = Vec::new();
    let mut fail = |tool: &str, msg: String| {
        failures.push(format!("[{name}] {tool}: {msg}"));
    };

    // ---- TypeScript ----
    let ts = out.join("typescript");
    let tsconfig = ts.join("tsconfig.json");
    if !tsconfig.is_file() {
        fail("layout", format!("{} is missing", tsconfig.display()));
    } else {
        let mut cmd = Command::new(tool("tsc"));
        cmd.current_dir(&ts)
            .arg("--noEmit")
            .arg("-p")
            .arg(&tsconfig)
            .args(TSC_STRICT_FLAGS)
            .args(["--pretty", "false"]);
        let o = run(&mut cmd);
        if !o.status.success() {
            fail(
                "tsc",
                format!("type errors ({})\n{}", o.status, output_text(&o)),
            );
        }
    }

    let formattable = files_with_ext(out, &["ts", "json"]);
    if formattable.is_empty() {
        fail("prettier", "no generated .ts/.json files found".to_string());
    } else if let Err(msg) = prettier_check(out, &formattable) {
        fail("prettier", msg);
    }

    check_python(out, tmp.path(), &mut fail);

    if !failures.is_empty() {
        panic!(
            "{} check(s) failed for {name}:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

/// mypy --strict, ruff check, ruff format --check and an import of the Python package in
/// `<out>/python`; `scratch` is an unrelated directory to import from.
fn check_python(out: &Path, scratch: &Path, fail: &mut dyn FnMut(&str, String)) {
    let tmp_path = scratch;
    // ---- Python ----
    let py = out.join("python");
    match python_package_dir(&py) {
        Err(msg) => fail("layout", msg),
        Ok(pkg) => {
            let pkg_name = pkg.file_name().unwrap().to_string_lossy().into_owned();
            // One cache for all schemas: the analysis of pydantic and the standard library
            // (most of a cold run's time) is shared; the SQLite cache is safe for the
            // concurrent runs of parallel tests, and a module's entry is rechecked whenever
            // its source differs.
            let mypy_cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mypy-cache-shared");

            let mut cmd = Command::new(tool("mypy"));
            cmd.current_dir(&py)
                .arg("--strict")
                .arg("--sqlite-cache")
                .arg("--cache-dir")
                .arg(&mypy_cache)
                .arg(&pkg_name);
            let o = run(&mut cmd);
            if !o.status.success() {
                fail(
                    "mypy --strict",
                    format!("({})\n{}", o.status, output_text(&o)),
                );
            }

            let mut cmd = Command::new(tool("ruff"));
            cmd.current_dir(&py).args(["check", "--no-cache", "."]);
            let o = run(&mut cmd);
            if !o.status.success() {
                fail("ruff check", format!("({})\n{}", o.status, output_text(&o)));
            }

            let mut cmd = Command::new(tool("ruff"));
            cmd.current_dir(&py)
                .args(["format", "--check", "--no-cache", "."]);
            let o = run(&mut cmd);
            if !o.status.success() {
                // ruff prints a diff of what it would change along with --check.
                fail(
                    "ruff format --check",
                    format!("not formatted ({})\n{}", o.status, output_text(&o)),
                );
            }

            // Import smoke test, from an unrelated cwd so only PYTHONPATH finds the package.
            let code = format!("import {p}, {p}.models, {p}.client", p = pkg_name);
            let mut cmd = Command::new(tool("python"));
            cmd.current_dir(tmp_path)
                .env("PYTHONPATH", &py)
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .args(["-c", &code]);
            let o = run(&mut cmd);
            if !o.status.success() {
                fail(
                    "python import",
                    format!("`{code}` failed ({})\n{}", o.status, output_text(&o)),
                );
            }
        }
    }
}

/// The generated Python package: the one directory directly in `<out>/python` holding `py.typed`.
fn python_package_dir(py: &Path) -> Result<PathBuf, String> {
    let entries =
        std::fs::read_dir(py).map_err(|e| format!("cannot read {}: {e}", py.display()))?;
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("py.typed").is_file())
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("no package with py.typed in {}", py.display())),
        _ => Err(format!(
            "several packages with py.typed in {}: {found:?}",
            py.display()
        )),
    }
}

/// Files below `dir` whose extension is one of `exts`, sorted (node_modules skipped).
fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    common::list_tree(dir)
        .into_keys()
        .filter(|rel| !rel.split('/').any(|c| c == "node_modules"))
        .filter(|rel| {
            Path::new(rel)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .map(|rel| dir.join(rel))
        .collect()
}

/// `prettier --check` with prettier's defaults (no config files, no ignore files), and on
/// failure a diff of each unformatted file against prettier's output.
fn prettier_check(root: &Path, files: &[PathBuf]) -> Result<(), String> {
    let prettier = tool("prettier");
    let base_args: Vec<OsString> = vec![
        "--no-config".into(),
        "--no-editorconfig".into(),
        "--ignore-path".into(),
        "/dev/null".into(),
        "--log-level".into(),
        "warn".into(),
    ];
    let mut cmd = Command::new(&prettier);
    cmd.current_dir(root)
        .args(&base_args)
        .arg("--check")
        .args(files);
    let o = run(&mut cmd);
    if o.status.success() {
        return Ok(());
    }
    let mut msg = format!(
        "files not formatted with prettier defaults ({}):\n",
        o.status
    );
    msg.push_str(&output_text(&o));
    for file in files {
        let original = std::fs::read_to_string(file).unwrap_or_default();
        let mut cmd = Command::new(&prettier);
        cmd.current_dir(root).args(&base_args).arg(file);
        let formatted = run(&mut cmd);
        if !formatted.status.success() {
            continue; // syntax errors already appear in the --check output
        }
        let formatted = String::from_utf8_lossy(&formatted.stdout);
        if formatted != original {
            let rel = file
                .strip_prefix(root)
                .unwrap_or(file)
                .display()
                .to_string();
            msg.push_str(&format!("\n{rel}:\n"));
            msg.push_str(&common::brief_diff(
                "generated",
                &original,
                "prettier",
                &formatted,
            ));
        }
    }
    Err(msg)
}
