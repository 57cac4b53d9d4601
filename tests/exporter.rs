//! The Python exporter (exporters/python): its own pytest suite (django-ipc router source,
//! Django management command, CLI, --check) and the freshness of every committed document
//! it writes (examples/*/*.rpc.json, tests/fixtures/pydantic/*/*.rpc.json): a models.py
//! changed without re-exporting fails here.

mod common;

use std::process::Command;

use common::{output_text, repo_root, run_with_timeout, tool};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(1200);

fn run_ok(mut cmd: Command, what: &str) {
    let output = run_with_timeout(cmd.current_dir(repo_root()), TIMEOUT);
    assert!(
        output.status.success(),
        "{what} failed ({})\n{}",
        output.status,
        output_text(&output)
    );
}

#[test]
fn exporter_pytest_suite() {
    let mut cmd = Command::new(tool("python"));
    cmd.args(["-m", "pytest", "exporters/python/tests", "-q"])
        .env("PYTHONDONTWRITEBYTECODE", "1");
    run_ok(cmd, "pytest exporters/python/tests");
}

#[test]
fn example_documents_are_current() {
    let mut cmd = Command::new("bash");
    cmd.args(["examples/export_all.sh", "--check"])
        .env("PYTHON", tool("python"));
    run_ok(
        cmd,
        "examples/export_all.sh --check (stale: run examples/export_all.sh)",
    );
}

#[test]
fn fixture_documents_are_current() {
    let mut cmd = Command::new("bash");
    cmd.args(["tests/fixtures/export_all.sh", "--check"])
        .env("PYTHON", tool("python"));
    run_ok(
        cmd,
        "tests/fixtures/export_all.sh --check (stale: run tests/fixtures/export_all.sh)",
    );
}
