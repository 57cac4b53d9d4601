//! The generated Python client against the real django-ipc server: generates the package of
//! `tests/e2e/server/e2e.rpc.json` into a temp dir and runs, with it on PYTHONPATH,
//!
//! - `pytest tests/e2e/python` (async and sync clients, the fault test; the harness starts
//!   redis-server and the server on loopback),
//! - `mypy --strict` on `tests/e2e/python/types_ok.py` (must pass, `assert_type` on
//!   results) and on `types_misuse.py` (must fail, with exactly the expected errors).
//!
//! Tools missing = failure (see `common::tool`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{generate_into, output_text, repo_root, run_with_timeout, tool};

fn generated() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = repo_root().join("tests/e2e/server/e2e.rpc.json");
    generate_into(&schema, dir.path());
    let py = dir.path().join("python");
    assert!(py.join("shop_orders_e2e/client.py").is_file());
    (dir, py)
}

fn python_env(cmd: &mut Command, package_root: &Path) {
    let redis = tool("redis-server");
    let mut path = std::env::var_os("PATH").unwrap_or_default();
    if let Some(dir) = redis.parent() {
        let mut joined = std::ffi::OsString::from(dir);
        joined.push(":");
        joined.push(&path);
        path = joined;
    }
    cmd.env("PYTHONPATH", package_root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PATH", path);
}

#[test]
fn pytest_end_to_end_and_fault_test() {
    let (_dir, py) = generated();
    let tests = repo_root().join("tests/e2e/python");
    let mut cmd = Command::new(tool("python"));
    cmd.current_dir(&tests).args([
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "console_output_style=classic",
        ".",
    ]);
    python_env(&mut cmd, &py);
    // A hang guard only: the suite itself settles every call within its timeout.
    let out = run_with_timeout(&mut cmd, Duration::from_secs(900));
    assert!(
        out.status.success(),
        "pytest tests/e2e/python failed ({})\n{}",
        out.status,
        output_text(&out)
    );
}

#[test]
fn mypy_type_tests() {
    let (dir, py) = generated();
    let tests = repo_root().join("tests/e2e/python");
    let cache = dir.path().join("mypy-cache");
    let mypy = |file: &str| {
        let mut cmd = Command::new(tool("mypy"));
        cmd.current_dir(&tests)
            .arg("--strict")
            .arg("--no-incremental")
            .arg("--cache-dir")
            .arg(&cache)
            .arg(file);
        python_env(&mut cmd, &py);
        cmd.env("MYPYPATH", &py);
        run_with_timeout(&mut cmd, Duration::from_secs(600))
    };
    let ok = mypy("types_ok.py");
    assert!(
        ok.status.success(),
        "mypy --strict types_ok.py failed ({})\n{}",
        ok.status,
        output_text(&ok)
    );
    let bad = mypy("types_misuse.py");
    let text = output_text(&bad);
    assert!(
        !bad.status.success(),
        "mypy --strict accepted types_misuse.py\n{text}"
    );
    // Every line marked `# E: <code>` is reported with that code, and nothing else is.
    let source = std::fs::read_to_string(tests.join("types_misuse.py")).expect("read");
    let mut expected = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if let Some((_, code)) = line.split_once("# E: ") {
            expected.push(format!("types_misuse.py:{}: error:", i + 1));
            assert!(
                text.lines().any(
                    |l| l.starts_with(&format!("types_misuse.py:{}: error:", i + 1))
                        && l.ends_with(&format!("[{}]", code.trim()))
                ),
                "mypy did not report [{}] on types_misuse.py line {}\n{text}",
                code.trim(),
                i + 1
            );
        }
    }
    assert!(
        !expected.is_empty(),
        "types_misuse.py marks no expected errors"
    );
    for l in text.lines().filter(|l| l.contains(": error:")) {
        assert!(
            expected.iter().any(|e| l.starts_with(e.as_str())),
            "unexpected mypy error in types_misuse.py: {l}\n{text}"
        );
    }
}
