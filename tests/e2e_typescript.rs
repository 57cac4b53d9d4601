//! End-to-end tests of the generated TypeScript client against the real django-ipc 1.0.9
//! server (tests/e2e/server): the client is generated for `tests/e2e/server/e2e.rpc.json`,
//! compiled with the package's own tsconfig (tsc, strict), its typed API is checked with
//! `tests/e2e/node/typed_usage.ts`, and the Node tests in `tests/e2e/node/` run with
//! `node --test`:
//!
//! - `unit.test.mjs`: the runtime against a scripted in-process WebSocket;
//! - `e2e.test.mjs`: every scenario against the real server, from Node 20 with `ws`;
//! - `fault.test.mjs`: 1000 calls while the server is killed and restarted 5 times;
//! - `browser.test.mjs`: the same scenarios in headless Chromium (esbuild bundle).
//!
//! Needs node, tsc and esbuild (tests/node), the venv's python (django-ipc), redis-server and
//! chromium, all installed by `scripts/test`; a missing one FAILS the test.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use common::{output_text, repo_root, run, run_rpcforge, run_with_timeout, tool};

/// The generated package, built once for all tests of this binary.
struct Built {
    _dir: tempfile::TempDir,
    package: PathBuf,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let schema = repo_root().join("tests/e2e/server/e2e.rpc.json");
        let out = run_rpcforge([
            "generate-clients".as_ref(),
            schema.as_os_str(),
            "--output".as_ref(),
            dir.path().as_os_str(),
            "--lang".as_ref(),
            "typescript".as_ref(),
            "--quiet".as_ref(),
        ]);
        assert!(
            out.status.success(),
            "generate-clients failed\n{}",
            output_text(&out)
        );
        let package = dir.path().join("typescript");
        let out = run(Command::new(tool("tsc"))
            .arg("-p")
            .arg(package.join("tsconfig.json")));
        assert!(
            out.status.success(),
            "tsc (the package's tsconfig) failed\n{}",
            output_text(&out)
        );
        assert!(
            package.join("dist/index.js").is_file(),
            "tsc wrote no dist/index.js"
        );
        Built { _dir: dir, package }
    })
}

/// One Node run at a time: each starts its own server, and the machine is small.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn node() -> PathBuf {
    let path = std::env::var_os("RPCFORGE_NODE")
        .map(PathBuf::from)
        .or_else(|| which("node"))
        .expect("`node` (Node.js 20) is not on PATH; scripts/test requires it");
    assert!(path.exists(), "node not found at {}", path.display());
    path
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("RPCFORGE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "chromium not found at {} (scripts/test installs Debian's `chromium`; \
         RPCFORGE_CHROMIUM overrides the path)",
        path.display()
    );
    path
}

/// `node --test tests/e2e/node/<file>` with the built package; panics with its output unless
/// every test passed.
fn node_test(file: &str, timeout: Duration) {
    let package = &built().package;
    let _guard = serial();
    let script = repo_root().join("tests/e2e/node").join(file);
    let mut cmd = Command::new(node());
    cmd.arg("--test")
        .arg("--test-reporter=spec")
        .arg(&script)
        .current_dir(repo_root())
        .env("RPCFORGE_TS_CLIENT", package)
        .env("RPCFORGE_PYTHON", tool("python"))
        .env("NODE_NO_WARNINGS", "1");
    if file.starts_with("browser") {
        cmd.env("RPCFORGE_CHROMIUM", chromium());
    }
    // The harness finds redis-server on PATH; make sure the one tests use is there.
    let redis = tool("redis-server");
    assert!(
        redis.is_file(),
        "redis-server missing at {}",
        redis.display()
    );
    let out = run_with_timeout(&mut cmd, timeout);
    assert!(
        out.status.success(),
        "node --test {file} failed ({})\n{}",
        out.status,
        output_text(&out)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn typed_api_type_checks() {
    let package = &built().package;
    let check = package.parent().expect("parent").join("check");
    std::fs::create_dir_all(&check).expect("mkdir check");
    std::fs::copy(
        repo_root().join("tests/e2e/node/typed_usage.ts"),
        check.join("typed_usage.ts"),
    )
    .expect("copy typed_usage.ts");
    std::fs::write(
        check.join("tsconfig.json"),
        r#"{"extends": "../typescript/tsconfig.json", "compilerOptions": {"rootDir": "..", "noEmit": true}, "include": ["*.ts", "../typescript/src/**/*.ts"]}"#,
    )
    .expect("write tsconfig");
    let out = run(Command::new(tool("tsc"))
        .arg("-p")
        .arg(check.join("tsconfig.json")));
    assert!(
        out.status.success(),
        "tsc rejected tests/e2e/node/typed_usage.ts\n{}",
        output_text(&out)
    );
}

#[test]
fn runtime_unit() {
    node_test("unit.test.mjs", Duration::from_secs(300));
}

#[test]
fn node_against_real_server() {
    node_test("e2e.test.mjs", Duration::from_secs(600));
}

#[test]
fn fault_kill_restart_1000_calls() {
    node_test("fault.test.mjs", Duration::from_secs(900));
}

#[test]
fn chromium_against_real_server() {
    node_test("browser.test.mjs", Duration::from_secs(600));
}
