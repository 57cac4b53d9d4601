//! Helpers shared by the integration tests (`tests/*.rs` include this with `mod common;`).
//!
//! External tools (tsc, prettier, mypy, ruff, python) are installed by `scripts/test`, which
//! passes their absolute paths in `RPCFORGE_<TOOL>` environment variables. When a variable is
//! unset, [`tool`] falls back to the local install location; when the tool is not there either,
//! the test FAILS (it never skips) and says to run `scripts/test`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The examples every test suite checks by name (one `#[test]` each).
pub const KNOWN_EXAMPLES: &[&str] = &["chat", "dashboard", "ecommerce", "game", "notifications"];

/// Upper bound for any single external command; a hung tool fails the test instead of CI.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

/// The repository root (where Cargo.toml lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Path of a schema relative to the repo root, for messages.
pub fn display_path(path: &Path) -> String {
    let root = repo_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `examples/<name>/<name>.rpc.json`; whether it exists is checked by the caller.
pub fn example_schema(name: &str) -> PathBuf {
    repo_root()
        .join("examples")
        .join(name)
        .join(format!("{name}.rpc.json"))
}

/// All schemas the generator must handle, sorted: `examples/*/*.rpc.json` plus
/// `tests/fixtures/**/*.rpc.json`. Fixtures below a directory named `invalid` are left out
/// (they are inputs the generator must reject, for error tests).
pub fn example_schemas() -> Vec<PathBuf> {
    let root = repo_root();
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("examples")) {
        for entry in entries.flatten() {
            let dir = entry.path();
            if !dir.is_dir() {
                continue;
            }
            if let Ok(files) = std::fs::read_dir(&dir) {
                for f in files.flatten() {
                    let p = f.path();
                    if p.is_file() && is_schema_file(&p) {
                        out.push(p);
                    }
                }
            }
        }
    }
    collect_schemas_recursive(&root.join("tests").join("fixtures"), &mut out);
    out.sort();
    out.dedup();
    out
}

/// Discovered schemas that are not one of [`KNOWN_EXAMPLES`] (fixtures, extra examples).
pub fn extra_schemas() -> Vec<PathBuf> {
    let known: Vec<PathBuf> = KNOWN_EXAMPLES.iter().map(|n| example_schema(n)).collect();
    example_schemas()
        .into_iter()
        .filter(|p| !known.contains(p))
        .collect()
}

fn is_schema_file(p: &Path) -> bool {
    p.file_name()
        .and_then(OsStr::to_str)
        .is_some_and(|n| n.ends_with(".rpc.json"))
}

fn collect_schemas_recursive(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if p.file_name() == Some(OsStr::new("invalid")) {
                continue;
            }
            collect_schemas_recursive(&p, out);
        } else if p.is_file() && is_schema_file(&p) {
            out.push(p);
        }
    }
}

/// Path of the built `rpcforge` binary.
pub fn rpcforge_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rpcforge"))
}

/// Run the built `rpcforge` binary with `args` (cwd: repo root) and return its output.
pub fn run_rpcforge<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(rpcforge_bin());
    cmd.args(args).current_dir(repo_root());
    run(&mut cmd)
}

/// Run `rpcforge generate-clients <schema> --output <out>`; panics (with the generator's
/// stdout/stderr) unless it exits 0.
pub fn generate_into(schema: &Path, out: &Path) {
    let output = run_rpcforge([
        OsStr::new("generate-clients"),
        schema.as_os_str(),
        OsStr::new("--output"),
        out.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "`rpcforge generate-clients {} --output {}` failed ({})\n{}",
        display_path(schema),
        out.display(),
        output.status,
        output_text(&output)
    );
}

/// Absolute path of an external tool used by the tests.
///
/// Resolution: env var `RPCFORGE_<NAME>` (upper case, `-` -> `_`), else the local install
/// (`tests/node/node_modules/.bin/` for Node tools, `.venv/bin/` for Python tools). Panics with a
/// hint to run `scripts/test` when the resolved path does not exist.
pub fn tool(name: &str) -> PathBuf {
    let var = format!("RPCFORGE_{}", name.to_ascii_uppercase().replace('-', "_"));
    let root = repo_root();
    let fallback = match name {
        "tsc" | "prettier" | "esbuild" => root
            .join("tests")
            .join("node")
            .join("node_modules")
            .join(".bin")
            .join(name),
        "mypy" | "ruff" | "python" | "pytest" => root.join(".venv").join("bin").join(name),
        "redis-server" => PathBuf::from("/usr/bin/redis-server"),
        other => panic!("tests/common: unknown tool {other:?}"),
    };
    let (path, source) = match std::env::var_os(&var) {
        Some(v) if !v.is_empty() => (PathBuf::from(v), format!("from ${var}")),
        _ => (fallback, format!("${var} is unset; local fallback")),
    };
    if !path.exists() {
        panic!(
            "required test tool `{name}` not found at {} ({source}).\n\
             Run `scripts/test` (the project's test command): it installs the pinned tools \
             (npm ci in tests/node, .venv from tests/python/requirements.txt) and sets {var}.",
            path.display()
        );
    }
    path
}

/// Run a command to completion with [`COMMAND_TIMEOUT`], capturing stdout and stderr.
/// Panics if it cannot be started or runs past the timeout (the process is killed).
pub fn run(cmd: &mut Command) -> Output {
    run_with_timeout(cmd, COMMAND_TIMEOUT)
}

pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Output {
    let desc = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {desc}: {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("timed out after {}s: {desc}", timeout.as_secs());
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {desc}: {e}"),
        }
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// stdout and stderr of a finished command, for failure messages.
pub fn output_text(output: &Output) -> String {
    let mut s = String::new();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !stdout.trim().is_empty() {
        s.push_str("--- stdout ---\n");
        s.push_str(stdout.trim_end());
        s.push('\n');
    }
    if !stderr.trim().is_empty() {
        s.push_str("--- stderr ---\n");
        s.push_str(stderr.trim_end());
        s.push('\n');
    }
    if s.is_empty() {
        s.push_str("(no output)\n");
    }
    s
}

/// Every file below `dir` (recursively), keyed by its path relative to `dir` with `/`
/// separators, mapped to its bytes. Directories themselves are not listed.
pub fn list_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let entries = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read directory {}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
            let path = entry.path();
            let ft = entry
                .file_type()
                .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
            if ft.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("path below base")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A compact "what changed" view of two texts: the common prefix and suffix lines are dropped
/// and the differing middle is shown from both sides (capped), with line numbers.
pub fn brief_diff(
    expected_label: &str,
    expected: &str,
    actual_label: &str,
    actual: &str,
) -> String {
    const MAX_LINES: usize = 40;
    const CONTEXT: usize = 2;
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if prefix == a.len() && prefix == b.len() {
        return if expected == actual {
            "(identical)\n".to_string()
        } else {
            "(differs only in line endings / trailing newline)\n".to_string()
        };
    }
    let start = prefix.saturating_sub(CONTEXT);
    let mut s = String::new();
    for (label, lines, sign) in [(expected_label, &a, '-'), (actual_label, &b, '+')] {
        let end = (lines.len() - suffix + CONTEXT).min(lines.len());
        s.push_str(&format!(
            "{sign}{sign}{sign} {label} (lines {}-{})\n",
            start + 1,
            end
        ));
        for (i, line) in lines[start..end].iter().enumerate().take(MAX_LINES) {
            let n = start + i;
            let mark = if n < prefix || n >= lines.len() - suffix {
                ' '
            } else {
                sign
            };
            s.push_str(&format!("{mark}{:>5} | {line}\n", n + 1));
        }
        if end - start > MAX_LINES {
            s.push_str(&format!("   ... {} more lines\n", end - start - MAX_LINES));
        }
    }
    s
}

/// Today's UTC date as (year, month, day), from the system clock (no date crate needed).
pub fn today_utc() -> (i64, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    civil_from_days(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[test]
fn civil_from_days_known_dates() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    assert_eq!(civil_from_days(20_454), (2026, 1, 1));
}

/// The message of a caught panic (from `std::panic::catch_unwind`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "(non-string panic)".to_string()
    }
}
