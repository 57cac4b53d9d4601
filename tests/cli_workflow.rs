//! The CI workflow: the manifest and safe writes, `check`, the configuration file, `init`,
//! and `generate-clients --watch`.
//!
//! The write and check layer is tested through the library with hand-made files, so those
//! tests do not depend on the backends; the command-line tests generate the TypeScript
//! package of a tiny schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rpcforge::lang::GeneratedFile;
use rpcforge::output::{
    self, ConflictKind, DiffKind, MANIFEST_FILE, PackageOutput, WriteError, check_package,
};

fn files(list: &[(&str, &str)]) -> Vec<GeneratedFile> {
    list.iter()
        .map(|(p, c)| GeneratedFile {
            path: p.to_string(),
            contents: c.to_string(),
        })
        .collect()
}

fn write(
    dir: &Path,
    files: &[GeneratedFile],
    force: bool,
) -> Result<Vec<output::Written>, WriteError> {
    output::write_packages(
        &[PackageOutput::new(dir.to_path_buf(), files.to_vec())],
        force,
    )
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn v1() -> Vec<GeneratedFile> {
    files(&[
        ("package.json", "{\"version\": \"1\"}\n"),
        ("src/index.ts", "export * from './types';\n"),
        ("src/types.ts", "export type A = 1;\n"),
        ("src/old/legacy.ts", "export const legacy = 1;\n"),
    ])
}

fn v2() -> Vec<GeneratedFile> {
    files(&[
        ("package.json", "{\"version\": \"2\"}\n"),
        ("src/index.ts", "export * from './types';\n"),
        ("src/types.ts", "export type A = 2;\n"),
    ])
}

#[test]
fn manifest_lists_the_written_files_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    write(&a, &v1(), false).unwrap();
    write(&b, &v1(), false).unwrap();
    let manifest = read(a.join(MANIFEST_FILE));
    assert_eq!(
        manifest,
        read(b.join(MANIFEST_FILE)),
        "no timestamps, no paths"
    );
    let m = output::Manifest::parse(&manifest).unwrap();
    let paths: Vec<&str> = m.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "package.json",
            "src/index.ts",
            "src/old/legacy.ts",
            "src/types.ts"
        ]
    );
    assert_eq!(m, output::Manifest::of(&v1()));
    // A rerun with the same files changes nothing on disk.
    let before = std::fs::metadata(a.join("src/index.ts"))
        .unwrap()
        .modified()
        .unwrap();
    let w = write(&a, &v1(), false).unwrap();
    assert!(w[0].written.is_empty() && w[0].removed.is_empty());
    assert_eq!(w[0].unchanged, 4);
    let after = std::fs::metadata(a.join("src/index.ts"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "unchanged files are not rewritten");
}

#[test]
fn manifest_keeps_a_users_file_and_removes_a_stale_generated_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    write(&dir, &v1(), false).unwrap();
    std::fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
    std::fs::write(dir.join("src/custom.ts"), "mine\n").unwrap();
    std::fs::write(dir.join("src/old/mine.ts"), "mine\n").unwrap();
    std::fs::create_dir_all(dir.join("node_modules/x")).unwrap();
    std::fs::write(dir.join("node_modules/x/index.js"), "1\n").unwrap();

    let w = write(&dir, &v2(), false).unwrap();
    assert_eq!(w[0].removed, ["src/old/legacy.ts"]);
    assert_eq!(w[0].written, ["package.json", "src/types.ts"]);
    assert!(
        !dir.join("src/old/legacy.ts").exists(),
        "stale generated file removed"
    );
    assert_eq!(read(dir.join("NOTES.md")), "mine\n");
    assert_eq!(read(dir.join("src/custom.ts")), "mine\n");
    assert_eq!(
        read(dir.join("src/old/mine.ts")),
        "mine\n",
        "its directory stays for it"
    );
    assert_eq!(read(dir.join("node_modules/x/index.js")), "1\n");
    assert_eq!(read(dir.join("src/types.ts")), "export type A = 2;\n");
    assert!(!dir.join(output::STAGING_DIR).exists());

    // Without the user's file there, an emptied generated directory is removed too.
    let tmp2 = tempfile::tempdir().unwrap();
    write(tmp2.path(), &v1(), false).unwrap();
    write(tmp2.path(), &v2(), false).unwrap();
    assert!(!tmp2.path().join("src/old").exists());
}

#[test]
fn a_hand_edited_generated_file_is_reported_and_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    write(&dir, &v1(), false).unwrap();
    std::fs::write(dir.join("src/types.ts"), "export type A = 'edited';\n").unwrap();
    std::fs::write(dir.join("src/old/legacy.ts"), "edited too\n").unwrap();
    let Err(WriteError::Conflicts(conflicts)) = write(&dir, &v2(), false) else {
        panic!("expected conflicts");
    };
    let paths: Vec<(&str, &ConflictKind)> = conflicts
        .iter()
        .map(|(_, c)| (c.path.as_str(), &c.kind))
        .collect();
    assert_eq!(
        paths,
        [
            ("src/old/legacy.ts", &ConflictKind::HandEdited),
            ("src/types.ts", &ConflictKind::HandEdited)
        ]
    );
    assert_eq!(
        read(dir.join("src/types.ts")),
        "export type A = 'edited';\n",
        "not overwritten"
    );
    assert_eq!(
        read(dir.join("package.json")),
        "{\"version\": \"1\"}\n",
        "nothing written"
    );

    let w = write(&dir, &v2(), true).unwrap();
    assert_eq!(w[0].forced.len(), 2);
    assert_eq!(read(dir.join("src/types.ts")), "export type A = 2;\n");
    assert!(!dir.join("src/old/legacy.ts").exists());
}

#[test]
fn files_rpcforge_did_not_write_are_never_overwritten_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    // Same content as would be generated: adopted silently.
    std::fs::write(dir.join("src/index.ts"), "export * from './types';\n").unwrap();
    // Other content: a conflict.
    std::fs::write(dir.join("package.json"), "{\"mine\": true}\n").unwrap();
    let Err(WriteError::Conflicts(c)) = write(&dir, &v1(), false) else {
        panic!("expected a conflict");
    };
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].1.path, "package.json");
    assert_eq!(c[0].1.kind, ConflictKind::NotGenerated);
    assert_eq!(read(dir.join("package.json")), "{\"mine\": true}\n");
    assert!(!dir.join("src/types.ts").exists(), "nothing written");

    // A directory where a generated file goes: never replaced, even with --force.
    std::fs::create_dir_all(dir.join("src/types.ts/inside")).unwrap();
    let Err(WriteError::Conflicts(c)) = write(&dir, &v1(), true) else {
        panic!("expected a conflict");
    };
    assert!(matches!(c[0].1.kind, ConflictKind::InTheWay(_)), "{c:?}");
    std::fs::remove_dir_all(dir.join("src/types.ts")).unwrap();
    write(&dir, &v1(), true).unwrap();
    assert_eq!(read(dir.join("package.json")), "{\"version\": \"1\"}\n");
}

#[test]
fn a_conflict_in_one_package_writes_nothing_to_any() {
    let tmp = tempfile::tempdir().unwrap();
    let (ts, py) = (
        tmp.path().join("out/typescript"),
        tmp.path().join("out/python"),
    );
    write(&ts, &v1(), false).unwrap();
    std::fs::write(ts.join("src/types.ts"), "edited\n").unwrap();
    let packages = [
        PackageOutput::new(ts.clone(), v2()),
        PackageOutput::new(py.clone(), v2()),
    ];
    assert!(matches!(
        output::write_packages(&packages, false),
        Err(WriteError::Conflicts(_))
    ));
    assert!(!py.exists(), "no empty directory left behind");
    assert_eq!(read(ts.join("package.json")), "{\"version\": \"1\"}\n");
    // Overlapping package directories are refused.
    let nested = [
        PackageOutput::new(ts.clone(), v2()),
        PackageOutput::new(ts.join("inner"), v2()),
    ];
    assert!(matches!(
        output::write_packages(&nested, true),
        Err(WriteError::Io(..))
    ));
}

#[test]
fn a_tampered_manifest_cannot_reach_outside_the_package() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    write(&dir, &v1(), false).unwrap();
    std::fs::write(tmp.path().join("outside.txt"), "precious\n").unwrap();
    let hash = output::manifest::hash(b"precious\n");
    std::fs::write(
        dir.join(MANIFEST_FILE),
        format!(r#"{{"generator":"rpcforge","manifestVersion":1,"files":{{"../outside.txt":"{hash}"}}}}"#),
    )
    .unwrap();
    let w = write(&dir, &v1(), false).unwrap();
    assert!(
        w[0].notes
            .iter()
            .any(|n| n.contains("expected relative paths")),
        "{:?}",
        w[0].notes
    );
    assert_eq!(read(tmp.path().join("outside.txt")), "precious\n");
    assert!(
        output::Manifest::parse(&read(dir.join(MANIFEST_FILE))).is_ok(),
        "rewritten"
    );
}

#[test]
fn check_on_current_and_stale_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pkg");
    let missing = check_package(&dir, &v1()).unwrap();
    assert_eq!(missing.differences.len(), 4);
    assert!(
        missing
            .differences
            .iter()
            .all(|d| d.kind == DiffKind::Missing)
    );

    write(&dir, &v1(), false).unwrap();
    assert!(
        check_package(&dir, &v1()).unwrap().differences.is_empty(),
        "current"
    );

    // User files and the manifest itself are not differences.
    std::fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
    std::fs::write(dir.join("src/custom.ts"), "mine\n").unwrap();
    assert!(check_package(&dir, &v1()).unwrap().differences.is_empty());
    let manifest = read(dir.join(MANIFEST_FILE));
    std::fs::remove_file(dir.join(MANIFEST_FILE)).unwrap();
    assert!(check_package(&dir, &v1()).unwrap().differences.is_empty());
    std::fs::write(dir.join(MANIFEST_FILE), manifest).unwrap();

    // Stale: changed, missing, and no longer generated.
    std::fs::write(dir.join("src/types.ts"), "export type A = 'edited';\n").unwrap();
    std::fs::remove_file(dir.join("src/index.ts")).unwrap();
    let checked = check_package(&dir, &v2()).unwrap();
    let kinds: Vec<(&str, DiffKind)> = checked
        .differences
        .iter()
        .map(|d| (d.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("package.json", DiffKind::Changed),
            ("src/index.ts", DiffKind::Missing),
            ("src/old/legacy.ts", DiffKind::Stale),
            ("src/types.ts", DiffKind::Changed),
        ]
    );
    let types = &checked.differences[3];
    assert_eq!(
        types.unified("pkg/src/types.ts"),
        "--- a/pkg/src/types.ts\n+++ b/pkg/src/types.ts\n@@ -1 +1 @@\n\
         -export type A = 'edited';\n+export type A = 2;\n"
    );
    assert_eq!(types.first_changed_line(), Some(1));
    assert!(
        checked.differences[1]
            .unified("x")
            .starts_with("--- /dev/null\n+++ b/x\n")
    );
    assert!(
        checked.differences[2]
            .unified("y")
            .starts_with("--- a/y\n+++ /dev/null\n")
    );
    assert!(
        !dir.join(output::STAGING_DIR).exists(),
        "check writes nothing"
    );
}

// --- The command line ------------------------------------------------------------------

const SCHEMA: &str = r##"{
  "rpcSchema": "1",
  "info": {"title": "Workflow", "version": "1.0.0"},
  "methods": [
    {"name": "ping", "params": {"$ref": "#/$defs/Ping"}, "result": {"$ref": "#/$defs/Pong"}}
  ],
  "$defs": {
    "Ping": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    "Pong": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
  }
}
"##;

fn schema_v2() -> String {
    SCHEMA.replace(
        r#"{"name": "ping","#,
        r##"{"name": "status", "result": {"$ref": "#/$defs/Pong"}},
    {"name": "ping","##,
    )
}

fn rpcforge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .args(args)
        .current_dir(dir)
        .env_remove("RPCFORGE_TEST_PAUSE_AT_STEP")
        .env_remove("RPCFORGE_TEST_STEP_DELAY_US")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("api.rpc.json"), SCHEMA).unwrap();
    tmp
}

const GEN: &[&str] = &[
    "generate-clients",
    "api.rpc.json",
    "--output",
    "clients",
    "--lang",
    "typescript",
];
const CHECK: &[&str] = &[
    "check",
    "api.rpc.json",
    "--output",
    "clients",
    "--lang",
    "typescript",
];

#[test]
fn cli_check_passes_when_current_and_fails_with_a_diff_when_stale() {
    let p = project();
    let dir = p.path();
    let o = rpcforge(dir, CHECK);
    assert_eq!(code(&o), 1, "nothing generated yet: stale");
    let o = rpcforge(dir, GEN);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let pkg = dir.join("clients/typescript");
    assert!(pkg.join(MANIFEST_FILE).is_file());

    let o = rpcforge(dir, CHECK);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());

    // User files in the package do not count.
    std::fs::write(pkg.join("NOTES.md"), "mine\n").unwrap();
    std::fs::create_dir_all(pkg.join("node_modules/x")).unwrap();
    std::fs::write(pkg.join("node_modules/x/i.js"), "1\n").unwrap();
    assert_eq!(code(&rpcforge(dir, CHECK)), 0);

    // A changed schema: stale, with a unified diff on stdout.
    std::fs::write(dir.join("api.rpc.json"), schema_v2()).unwrap();
    let o = rpcforge(dir, CHECK);
    assert_eq!(code(&o), 1);
    let diff = text(&o.stdout);
    assert!(diff.contains("--- a/clients/typescript/"), "{diff}");
    assert!(diff.contains("+++ b/clients/typescript/"), "{diff}");
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && l.contains("status")),
        "{diff}"
    );
    assert!(
        text(&o.stderr).contains("out of date"),
        "{}",
        text(&o.stderr)
    );

    let mut args = CHECK.to_vec();
    args.extend(["--format", "github"]);
    let o = rpcforge(dir, &args);
    assert_eq!(code(&o), 1);
    let gh = text(&o.stdout);
    assert!(
        gh.lines()
            .any(|l| l.starts_with("::error file=clients/typescript/") && l.contains(",line=")),
        "{gh}"
    );
    assert!(
        gh.contains("::group::") && gh.contains("::endgroup::"),
        "{gh}"
    );

    assert_eq!(code(&rpcforge(dir, GEN)), 0);
    assert_eq!(code(&rpcforge(dir, CHECK)), 0);
    assert_eq!(read(pkg.join("NOTES.md")), "mine\n");
    assert_eq!(read(pkg.join("node_modules/x/i.js")), "1\n");
}

#[test]
fn cli_hand_edited_file_exit_1_and_force() {
    let p = project();
    let dir = p.path();
    assert_eq!(code(&rpcforge(dir, GEN)), 0);
    let pkg = dir.join("clients/typescript");
    let manifest = output::Manifest::parse(&read(pkg.join(MANIFEST_FILE))).unwrap();
    let victim = manifest
        .files
        .keys()
        .find(|p| p.ends_with(".ts"))
        .unwrap()
        .clone();
    std::fs::write(pkg.join(&victim), "// my edit\n").unwrap();
    std::fs::write(dir.join("api.rpc.json"), schema_v2()).unwrap();

    let o = rpcforge(dir, GEN);
    assert_eq!(code(&o), 1);
    let err = text(&o.stderr);
    assert!(
        err.contains(&victim) && err.contains("edited by hand"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(read(pkg.join(&victim)), "// my edit\n");

    let mut forced = GEN.to_vec();
    forced.push("--force");
    let o = rpcforge(dir, &forced);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert_ne!(read(pkg.join(&victim)), "// my edit\n");
    assert_eq!(code(&rpcforge(dir, CHECK)), 0);
}

#[test]
fn cli_bad_input_exits_2_and_leaves_the_package_untouched() {
    let p = project();
    let dir = p.path();
    assert_eq!(code(&rpcforge(dir, GEN)), 0);
    let before = snapshot(&dir.join("clients"));
    std::fs::write(
        dir.join("api.rpc.json"),
        r#"{"rpcSchema": "1", "info": {"title": "T", "version": "1"}, "methods": [{"name": 5}]}"#,
    )
    .unwrap();
    for args in [GEN, CHECK] {
        let o = rpcforge(dir, args);
        assert_eq!(code(&o), 2);
        let err = text(&o.stderr);
        assert!(
            err.contains("api.rpc.json") && err.contains("/methods/0/name"),
            "{err}"
        );
    }
    assert_eq!(snapshot(&dir.join("clients")), before);
    let o = rpcforge(dir, &["check", "--lang", "typescript"]);
    assert_eq!(code(&o), 2, "no schema, no config: usage");
    assert!(text(&o.stderr).contains("<SCHEMA>"));
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn config_file_init_and_overrides() {
    let p = project();
    let dir = p.path();
    let o = rpcforge(
        dir,
        &["init", "--schema", "api.rpc.json", "--output", "gen"],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let config = read(dir.join("rpcforge.toml"));
    assert!(
        config.contains("schema = \"api.rpc.json\"") && config.lines().any(|l| l.starts_with('#'))
    );
    assert_eq!(
        code(&rpcforge(dir, &["init"])),
        2,
        "never overwrites without --force"
    );
    assert_eq!(read(dir.join("rpcforge.toml")), config);

    // Only TypeScript (the file says which languages), with a package name.
    let config = config
        .replace(
            r#"languages = ["typescript", "python"]"#,
            r#"languages = ["typescript"]"#,
        )
        .replace(
            "# package-name = \"@shop/client\"",
            "package-name = \"@acme/workflow\"",
        );
    std::fs::write(dir.join("rpcforge.toml"), &config).unwrap();
    let o = rpcforge(dir, &["generate-clients"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(read(dir.join("gen/typescript/package.json")).contains("@acme/workflow"));
    assert!(!dir.join("gen/python").exists());
    assert_eq!(code(&rpcforge(dir, &["check"])), 0);
    assert_eq!(code(&rpcforge(dir, &["validate"])), 0);

    // Flags override the file.
    let o = rpcforge(
        dir,
        &[
            "generate-clients",
            "--output",
            "other",
            "--package-name",
            "flag-name",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(read(dir.join("other/typescript/package.json")).contains("flag-name"));
    assert_eq!(
        code(&rpcforge(dir, &["check", "--output", "other"])),
        1,
        "names differ"
    );
    assert_eq!(
        code(&rpcforge(
            dir,
            &["check", "--output", "other", "--package-name", "flag-name"]
        )),
        0
    );

    // --config from elsewhere: paths are relative to the file.
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    assert_eq!(
        code(&rpcforge(&sub, &["--config", "../rpcforge.toml", "check"])),
        0
    );

    // A bad file: exit 2 with the file, line and what was expected.
    std::fs::write(
        dir.join("rpcforge.toml"),
        "schema = \"api.rpc.json\"\nlanguages = [\"cobol\"]\n",
    )
    .unwrap();
    let o = rpcforge(dir, &["check"]);
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(
        err.contains("rpcforge.toml:2:") && err.contains("\"cobol\""),
        "{err}"
    );
    std::fs::write(dir.join("rpcforge.toml"), "scheme = \"x\"\n").unwrap();
    let o = rpcforge(dir, &["check"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("scheme"), "{}", text(&o.stderr));
    let o = rpcforge(dir, &["--config", "missing.toml", "check"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("missing.toml"));
}

/// Waits (polling) for a condition; the bound is a safety net against a hang, not an
/// assertion on speed.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never happened: {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_regenerates_when_the_schema_changes() {
    let p = project();
    let dir = p.path();
    std::fs::write(
        dir.join("rpcforge.toml"),
        "schema = \"api.rpc.json\"\noutput = \"clients\"\nlanguages = [\"typescript\"]\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .args(["generate-clients", "--watch"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let current = |dir: &Path| code(&rpcforge(dir, &["check", "--quiet"])) == 0;
    eventually("the first generation", || current(dir));
    // The watcher may start just after the first generation: keep rewriting the schema
    // until the regeneration shows.
    let v2 = schema_v2();
    eventually("the regeneration", || {
        std::fs::write(dir.join("api.rpc.json"), &v2).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        current(dir)
    });
    // A broken schema does not end the watch; fixing it regenerates again.
    std::fs::write(dir.join("api.rpc.json"), "{ broken").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still watching after bad input"
    );
    eventually("the regeneration after a fix", || {
        std::fs::write(dir.join("api.rpc.json"), SCHEMA).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        current(dir)
    });
    let _ = child.kill();
    child.wait().unwrap();
}

#[test]
fn a_deleted_working_directory_is_named_and_absolute_paths_still_work() {
    let p = project();
    let schema = p.path().join("api.rpc.json");
    let out = p.path().join("abs-clients");
    let gone = p.path().join("gone");
    std::fs::create_dir(&gone).unwrap();
    // The shell enters the directory, deletes it, then runs rpcforge there.
    let run = |output: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(r#"cd "$1" && rmdir "$1" && shift && exec "$@""#)
            .arg("sh")
            .arg(&gone)
            .arg(env!("CARGO_BIN_EXE_rpcforge"))
            .args([
                "generate-clients",
                schema.to_str().unwrap(),
                "--output",
                output,
            ])
            .args(["--lang", "typescript", "--quiet"])
            .output()
            .unwrap()
    };
    let o = run(out.to_str().unwrap());
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(out.join("typescript/src/client.ts").is_file());

    std::fs::create_dir(&gone).unwrap();
    let o = run("relative-clients");
    let err = text(&o.stderr);
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("relative-clients/typescript") && err.contains("current directory"),
        "{err}"
    );
}
