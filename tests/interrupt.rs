//! Interrupting a write at any moment leaves the package whole: old or new, never a mix,
//! and the user's files untouched.
//!
//! The writer has a test hook (`RPCFORGE_TEST_PAUSE_AT_STEP=N`): at its N-th step (every
//! file system change, and the middle of every file write) it prints a line and waits
//! forever. The tests start a writer, wait for that line, and kill it with SIGKILL, so the
//! kill lands exactly between two steps: deterministic, whatever the machine's speed. One
//! test does this at every step in turn (and kills the recovery too, at every step of it);
//! another kills at random moments with no pause at all; the last does the same with the
//! real `rpcforge generate-clients` and reads the result with `rpcforge check`.
//!
//! After each kill: (1) before any recovery, each generated file on disk is whole (its old
//! or its new content, or absent where old or new has no such file) and every user file is
//! intact; (2) after recovery (what the next run or `check` does first), the directory tree
//! equals exactly the old one or exactly the new one, and it is the old one exactly when the
//! kill came before the commit step.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rpcforge::lang::GeneratedFile;
use rpcforge::output::{self, MANIFEST_FILE, PackageOutput, Recovery};

/// A safety net against a hung child (a bug): never reached by a passing run, never an
/// assertion on how long anything takes.
const HANG: Duration = Duration::from_secs(300);

const CHILD_ENV: &str = "RPCFORGE_INTERRUPT_CHILD";

fn files(list: &[(&str, &str)]) -> Vec<GeneratedFile> {
    list.iter()
        .map(|(p, c)| GeneratedFile {
            path: p.to_string(),
            contents: c.to_string(),
        })
        .collect()
}

/// Old and new generated files: unchanged, changed, removed (its directory emptied, or
/// holding a user file), added in a new directory, and a file that becomes a directory.
fn old_files() -> Vec<GeneratedFile> {
    let big = "x".repeat(100_000);
    files(&[
        ("package.json", "{\"version\": \"1.0.0\"}\n"),
        ("src/keep.ts", "export const keep = 1;\n"),
        ("src/change.ts", "export const v = 1;\n"),
        ("src/stale.ts", "export const stale = 1;\n"),
        ("gone/deep/x.ts", "x\n"),
        ("shared/old.ts", "old\n"),
        ("lib", "a file that becomes a directory\n"),
        ("big.txt", &big),
    ])
}

fn new_files() -> Vec<GeneratedFile> {
    let big = "y".repeat(100_000);
    files(&[
        ("package.json", "{\"version\": \"2.0.0\"}\n"),
        ("src/keep.ts", "export const keep = 1;\n"),
        ("src/change.ts", "export const v = 2;\n"),
        ("src/added.ts", "export const added = 2;\n"),
        ("fresh/dir/y.ts", "y\n"),
        ("lib/index.ts", "export {};\n"),
        ("big.txt", &big),
    ])
}

/// Files the user keeps in the package directory, some inside generated directories.
const USER_FILES: &[(&str, &str)] = &[
    ("NOTES.md", "my notes\n"),
    ("src/custom.ts", "export const mine = true;\n"),
    ("node_modules/dep/index.js", "module.exports = 1;\n"),
    ("shared/user.txt", "keep me\n"),
    (".rpcforge-manifest.json.bak", "not ours\n"),
];

/// Every file (path → content) and directory (path → None) below `dir`.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if e.file_type().unwrap().is_dir() {
                out.insert(rel, None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn add_user_files(dir: &Path) {
    for (p, c) in USER_FILES {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// The child side: when started by a test with [`CHILD_ENV`], writes or recovers as the
/// spec says, then exits. A no-op in a normal test run.
#[test]
fn child_process_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    let dir = PathBuf::from(spec["dir"].as_str().unwrap());
    let code = match spec["mode"].as_str().unwrap() {
        "write" => {
            let files = spec["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| GeneratedFile {
                    path: f[0].as_str().unwrap().to_string(),
                    contents: f[1].as_str().unwrap().to_string(),
                })
                .collect();
            match output::write_packages(&[PackageOutput::new(dir, files)], false) {
                Ok(_) => 0,
                Err(e) => {
                    eprintln!("child: {e}");
                    3
                }
            }
        }
        _ => match output::recover(&dir) {
            Ok(_) => 0,
            Err(e) => {
                eprintln!("child: {e}");
                3
            }
        },
    };
    std::process::exit(code);
}

fn spawn_child(spec: &serde_json::Value, work: &Path, env: &[(&str, String)]) -> Child {
    let spec_path = work.join(format!("spec-{}.json", std::process::id()));
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_process_entry",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(CHILD_ENV, &spec_path)
    .env_remove("RPCFORGE_TEST_PAUSE_AT_STEP")
    .env_remove("RPCFORGE_TEST_STEP_DELAY_US")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// How a paused run ended.
enum Ran {
    /// Paused at a step with this label, and was killed there.
    KilledAt(String),
    /// Finished (the step number was past its last step).
    Finished,
}

/// Waits for the child to pause (then kills it with SIGKILL) or to finish.
fn kill_at_pause(mut child: Child) -> Ran {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stderr).lines();
        let mut all = String::new();
        while let Some(Ok(line)) = lines.next() {
            if let Some(rest) = line.strip_prefix("rpcforge-test-hook: paused at step ") {
                let label = rest.split_once(": ").map_or("", |(_, l)| l).to_string();
                let _ = tx.send(Some(label));
                return;
            }
            all.push_str(&line);
            all.push('\n');
        }
        let _ = tx.send(None);
        eprint!("{all}");
    });
    match rx.recv_timeout(HANG) {
        Ok(Some(label)) => {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            Ran::KilledAt(label)
        }
        Ok(None) => {
            let status = child.wait().unwrap();
            assert!(status.success(), "the child failed: {status}");
            Ran::Finished
        }
        Err(_) => {
            let _ = child.kill();
            panic!("the child neither paused nor finished: hung");
        }
    }
}

struct Scenario {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// The package directory before the write (old generated files, user files).
    base: PathBuf,
    old: BTreeMap<String, Option<Vec<u8>>>,
    new: BTreeMap<String, Option<Vec<u8>>>,
    write_spec: serde_json::Value,
}

fn scenario() -> Scenario {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let base = root.join("base/pkg");
    output::write_packages(&[PackageOutput::new(base.clone(), old_files())], false).unwrap();
    add_user_files(&base);
    let old = tree(&base);
    let reference = root.join("reference/pkg");
    copy_tree(&base, &reference);
    output::write_packages(&[PackageOutput::new(reference.clone(), new_files())], false).unwrap();
    let new = tree(&reference);
    assert_ne!(old, new);
    for (p, c) in USER_FILES {
        assert_eq!(new.get(*p), Some(&Some(c.as_bytes().to_vec())), "{p} kept");
    }
    assert!(
        !new.contains_key("gone"),
        "emptied generated directories are removed"
    );
    assert!(
        !new.contains_key("src/stale.ts"),
        "stale generated files are removed"
    );
    assert!(new.contains_key("shared/user.txt"));
    let write_spec = serde_json::json!({
        "mode": "write",
        "dir": "",
        "files": new_files().iter().map(|f| [f.path.clone(), f.contents.clone()]).collect::<Vec<_>>(),
    });
    Scenario {
        _tmp: tmp,
        root,
        base,
        old,
        new,
        write_spec,
    }
}

impl Scenario {
    fn fresh_copy(&self, name: &str) -> PathBuf {
        let dir = self.root.join(name).join("pkg");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        copy_tree(&self.base, &dir);
        dir
    }

    fn spec_for(&self, mode: &str, dir: &Path) -> serde_json::Value {
        let mut spec = self.write_spec.clone();
        spec["mode"] = mode.into();
        spec["dir"] = dir.to_str().unwrap().into();
        spec
    }

    /// Before recovery: every generated file whole (old, new or absent as one of them has
    /// it), every user file intact.
    fn assert_files_whole(&self, dir: &Path, context: &str) {
        let now = tree(dir);
        for (p, c) in USER_FILES {
            assert_eq!(
                now.get(*p),
                Some(&Some(c.as_bytes().to_vec())),
                "{context}: user file {p}"
            );
        }
        let mut generated: Vec<String> = old_files()
            .iter()
            .chain(new_files().iter())
            .map(|f| f.path.clone())
            .collect();
        generated.push(MANIFEST_FILE.to_string());
        for p in generated {
            let on_disk = now.get(&p).cloned().flatten();
            let old = self.old.get(&p).cloned().flatten();
            let new = self.new.get(&p).cloned().flatten();
            assert!(
                on_disk == old || on_disk == new,
                "{context}: {p} is neither its old nor its new version"
            );
        }
    }

    /// After recovery: the whole tree is the old one or the new one.
    fn outcome(&self, dir: &Path, context: &str) -> Outcome {
        let now = tree(dir);
        if now == self.old {
            Outcome::Old
        } else if now == self.new {
            Outcome::New
        } else {
            let differ: Vec<&String> = now
                .keys()
                .chain(self.old.keys())
                .filter(|k| now.get(*k) != self.old.get(*k) && now.get(*k) != self.new.get(*k))
                .collect();
            panic!("{context}: the tree is neither old nor new; differing: {differ:?}");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Old,
    New,
}

#[test]
fn killed_at_every_step_the_package_is_old_or_new() {
    let s = scenario();
    let mut outcomes = Vec::new();
    let mut committed_at = None;
    for n in 1.. {
        let dir = s.fresh_copy("work");
        let child = spawn_child(
            &s.spec_for("write", &dir),
            &s.root,
            &[("RPCFORGE_TEST_PAUSE_AT_STEP", n.to_string())],
        );
        let label = match kill_at_pause(child) {
            Ran::Finished => {
                assert_eq!(s.outcome(&dir, "finished"), Outcome::New);
                break;
            }
            Ran::KilledAt(label) => label,
        };
        let context = format!("killed at step {n} ({label})");
        if label.starts_with("committed") {
            committed_at = Some(n);
        }
        s.assert_files_whole(&dir, &context);
        let recovered = output::recover(&dir).unwrap();
        let outcome = s.outcome(&dir, &context);
        let expected = if committed_at.is_some() {
            Outcome::New
        } else {
            Outcome::Old
        };
        assert_eq!(outcome, expected, "{context}");
        if label != "removed the staging directory" {
            assert_ne!(
                recovered,
                Recovery::Clean,
                "{context}: a staging directory was left"
            );
        }
        assert_eq!(output::recover(&dir).unwrap(), Recovery::Clean, "{context}");
        outcomes.push((n, label, outcome));
    }
    let committed_at = committed_at.expect("the commit step was reached");
    assert!(committed_at > 5, "steps before the commit: {outcomes:?}");
    assert!(
        outcomes.len() > committed_at + 5,
        "steps after the commit: {outcomes:?}"
    );
}

/// The recovery can be interrupted too (the next run or `check` is killed): kill the
/// write at each step after the commit, then kill the recovery at each of its steps, then
/// recover for good.
#[test]
fn killed_during_recovery_the_package_is_still_whole() {
    let s = scenario();
    let mut write_steps_after_commit = Vec::new();
    let mut committed = false;
    for n in 1.. {
        let dir = s.fresh_copy("probe");
        let child = spawn_child(
            &s.spec_for("write", &dir),
            &s.root,
            &[("RPCFORGE_TEST_PAUSE_AT_STEP", n.to_string())],
        );
        match kill_at_pause(child) {
            Ran::Finished => break,
            Ran::KilledAt(label) => {
                committed |= label.starts_with("committed");
                if committed {
                    write_steps_after_commit.push(n);
                }
            }
        }
    }
    assert!(!write_steps_after_commit.is_empty());
    let mut kills = 0;
    for &n in &write_steps_after_commit {
        let killed = s.fresh_copy("killed");
        let child = spawn_child(
            &s.spec_for("write", &killed),
            &s.root,
            &[("RPCFORGE_TEST_PAUSE_AT_STEP", n.to_string())],
        );
        assert!(matches!(kill_at_pause(child), Ran::KilledAt(_)));
        for m in 1.. {
            let dir = s.root.join("nested/pkg");
            if dir.exists() {
                std::fs::remove_dir_all(&dir).unwrap();
            }
            copy_tree(&killed, &dir);
            let child = spawn_child(
                &s.spec_for("recover", &dir),
                &s.root,
                &[("RPCFORGE_TEST_PAUSE_AT_STEP", m.to_string())],
            );
            let context = format!("write killed at step {n}, recovery killed at step {m}");
            match kill_at_pause(child) {
                Ran::Finished => {
                    assert_eq!(s.outcome(&dir, &context), Outcome::New);
                    break;
                }
                Ran::KilledAt(_) => kills += 1,
            }
            s.assert_files_whole(&dir, &context);
            output::recover(&dir).unwrap();
            assert_eq!(s.outcome(&dir, &context), Outcome::New, "{context}");
        }
    }
    assert!(kills > 0);
}

/// xorshift64*: a seeded generator, so a failure can be replayed with the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("RPCFORGE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001)
}

/// Real kills at random moments of a free-running writer (slowed down a little between
/// steps so that kills land inside the write): whatever the timing, the result is whole.
#[test]
fn killed_at_random_moments_the_package_is_old_or_new() {
    let s = scenario();
    let seed = seed();
    let mut rng = Rng(seed);
    // How long one uninterrupted write takes here, to spread the kills over it (this only
    // aims the kills; nothing asserts on time).
    let delay_us = 1_000;
    let spread = {
        let dir = s.fresh_copy("random");
        let started = std::time::Instant::now();
        let mut child = spawn_child(
            &s.spec_for("write", &dir),
            &s.root,
            &[("RPCFORGE_TEST_STEP_DELAY_US", delay_us.to_string())],
        );
        assert!(child.wait().unwrap().success());
        assert_eq!(s.outcome(&dir, "uninterrupted"), Outcome::New);
        started.elapsed().as_micros() as u64 + 1
    };
    let mut seen = (0, 0);
    for round in 0..40 {
        let dir = s.fresh_copy("random");
        let mut child = spawn_child(
            &s.spec_for("write", &dir),
            &s.root,
            &[("RPCFORGE_TEST_STEP_DELAY_US", delay_us.to_string())],
        );
        std::thread::sleep(Duration::from_micros(rng.below(spread)));
        let _ = child.kill();
        child.wait().unwrap();
        let context = format!("seed {seed}, round {round}");
        s.assert_files_whole(&dir, &context);
        output::recover(&dir).unwrap();
        match s.outcome(&dir, &context) {
            Outcome::Old => seen.0 += 1,
            Outcome::New => seen.1 += 1,
        }
    }
    eprintln!("random kills: {} old, {} new (seed {seed})", seen.0, seen.1);
}

// --- The real command line ------------------------------------------------------------

const SCHEMA_V1: &str = r##"{
  "rpcSchema": "1",
  "info": {"title": "Kill Test", "version": "1.0.0"},
  "methods": [
    {"name": "orders.get", "params": {"$ref": "#/$defs/GetParams"}, "result": {"$ref": "#/$defs/Order"}},
    {"name": "orders.cancel", "params": {"$ref": "#/$defs/GetParams"}}
  ],
  "$defs": {
    "GetParams": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
    "Order": {"type": "object", "properties": {"id": {"type": "string"}, "total": {"type": "number"}}, "required": ["id"]}
  }
}
"##;

const SCHEMA_V2: &str = r##"{
  "rpcSchema": "1",
  "info": {"title": "Kill Test", "version": "2.0.0"},
  "methods": [
    {"name": "orders.get", "params": {"$ref": "#/$defs/GetParams"}, "result": {"$ref": "#/$defs/Order"}},
    {"name": "orders.list", "result": {"$ref": "#/$defs/OrderList"}}
  ],
  "events": [{"name": "order_changed", "payload": {"$ref": "#/$defs/Order"}}],
  "$defs": {
    "GetParams": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
    "Order": {"type": "object", "properties": {"id": {"type": "string"}, "note": {"type": "string"}}, "required": ["id"]},
    "OrderList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/Order"}}}, "required": ["items"]}
  }
}
"##;

fn rpcforge(cwd: &Path, args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rpcforge"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("RPCFORGE_TEST_PAUSE_AT_STEP")
        .env_remove("RPCFORGE_TEST_STEP_DELAY_US")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// `rpcforge generate-clients` killed at steps and at random moments; `rpcforge check`
/// (which recovers first) then passes against exactly one of the two schemas, and the
/// tree is exactly the old or the new one.
#[test]
fn killed_cli_generate_then_check_sees_old_or_new() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("v1.rpc.json"), SCHEMA_V1).unwrap();
    std::fs::write(root.join("v2.rpc.json"), SCHEMA_V2).unwrap();
    let gen_args = |schema: &'static str, out: &'static str| {
        vec![
            "generate-clients",
            schema,
            "--output",
            out,
            "--lang",
            "typescript",
        ]
    };
    let run = |args: &[&str], env: &[(&str, String)]| {
        let out = rpcforge(root, args, env).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(&gen_args("v1.rpc.json", "base"), &[]);
    assert_eq!(code, Some(0), "{err}");
    add_user_files(&root.join("base/typescript"));
    let old = tree(&root.join("base/typescript"));
    copy_tree(&root.join("base"), &root.join("reference"));
    let (code, err) = run(&gen_args("v2.rpc.json", "reference"), &[]);
    assert_eq!(code, Some(0), "{err}");
    let new = tree(&root.join("reference/typescript"));
    assert_ne!(old, new);

    let check = |schema: &'static str| {
        run(
            &[
                "check",
                schema,
                "--output",
                "work",
                "--lang",
                "typescript",
                "--quiet",
            ],
            &[],
        )
        .0
    };
    let mut rng = Rng(seed());
    let mut steps = 0;
    let mut cases: Vec<(String, Option<String>)> = (1..=12)
        .map(|n| ("pause".into(), Some(n.to_string())))
        .collect();
    cases.extend((0..12).map(|_| ("random".into(), None)));
    for (kind, step) in cases {
        let work = root.join("work");
        if work.exists() {
            std::fs::remove_dir_all(&work).unwrap();
        }
        copy_tree(&root.join("base"), &work);
        let context;
        match &step {
            Some(n) => {
                let child = rpcforge(
                    root,
                    &gen_args("v2.rpc.json", "work"),
                    &[("RPCFORGE_TEST_PAUSE_AT_STEP", n.clone())],
                )
                .spawn()
                .unwrap();
                context = format!("cli killed at step {n}");
                if let Ran::KilledAt(_) = kill_at_pause(child) {
                    steps += 1;
                }
            }
            None => {
                let delay = 20 + rng.below(300);
                let mut child = rpcforge(
                    root,
                    &gen_args("v2.rpc.json", "work"),
                    &[("RPCFORGE_TEST_STEP_DELAY_US", delay.to_string())],
                )
                .spawn()
                .unwrap();
                std::thread::sleep(Duration::from_micros(rng.below(30_000)));
                let _ = child.kill();
                child.wait().unwrap();
                context = format!("cli {kind} kill");
            }
        }
        let (v1, v2) = (check("v1.rpc.json"), check("v2.rpc.json"));
        let now = tree(&work.join("typescript"));
        if now == old {
            assert_eq!(
                (v1, v2),
                (Some(0), Some(1)),
                "{context}: old tree, check agrees"
            );
        } else if now == new {
            assert_eq!(
                (v1, v2),
                (Some(1), Some(0)),
                "{context}: new tree, check agrees"
            );
        } else {
            panic!("{context}: after check's recovery the tree is neither old nor new");
        }
    }
    assert!(steps > 0, "the writer paused at least once");
}
