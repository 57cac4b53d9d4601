//! Round-trip proof of type fidelity (tests/roundtrip, pytest): for every example and every
//! Pydantic fixture, the original models' JSON validates in the generated Python models and
//! dumps back the same, what the originals reject the generated models reject, and the same
//! samples type-check against the generated TypeScript types (tsc, strict flags).

mod common;

use std::process::Command;
use std::time::Duration;

use common::{output_text, repo_root, rpcforge_bin, run_with_timeout, tool};

/// Hang guard only: the suite takes a few minutes on a busy machine.
const TIMEOUT: Duration = Duration::from_secs(2400);

#[test]
fn roundtrip_python_and_typescript() {
    let mut cmd = Command::new(tool("python"));
    cmd.args(["-m", "pytest", "tests/roundtrip", "-q", "-rxX"])
        .current_dir(repo_root())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("RPCFORGE_BIN", rpcforge_bin())
        .env("RPCFORGE_TSC", tool("tsc"));
    let output = run_with_timeout(&mut cmd, TIMEOUT);
    assert!(
        output.status.success(),
        "pytest tests/roundtrip failed ({})\n{}",
        output.status,
        output_text(&output)
    );
}
