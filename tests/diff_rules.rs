//! `rpcforge diff`: one pair of documents per rule under `tests/fixtures/diff/<case>/`
//! (`old.json`, `new.json`, and `expect.json` with the exact list of changes expected, each
//! with its class and JSON pointers), plus the command line (formats, --fail-on, --against).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use rpcforge::diff::{self, Change, Class, Direction, Rule};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures/diff exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn api(path: &Path) -> rpcforge::ir::Api {
    let text = std::fs::read_to_string(path).unwrap();
    let file = path.display().to_string();
    let doc = rpcforge::schema::parse_document(&text, &file).unwrap();
    rpcforge::ir::normalize(&doc, &file, Some(&text))
        .unwrap()
        .api
}

fn changes_of(dir: &Path) -> Vec<Change> {
    diff::diff(&api(&dir.join("old.json")), &api(&dir.join("new.json")))
}

type Key = (String, String, Option<String>, Option<String>);

fn key(class: Class, rule: Rule, old: Option<&str>, new: Option<&str>) -> Key {
    (
        class.as_str().to_string(),
        rule.id().to_string(),
        old.map(String::from),
        new.map(String::from),
    )
}

fn expected(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("expect.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["changes"].as_array().unwrap().clone()
}

fn expected_key(e: &Value) -> Key {
    let s = |k: &str| e[k].as_str().map(String::from);
    (
        s("class").unwrap(),
        s("rule").unwrap(),
        s("oldPointer"),
        s("newPointer"),
    )
}

#[test]
fn every_case_reports_exactly_the_expected_changes() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 40,
        "expected the diff fixtures, found {}",
        all.len()
    );
    for dir in &all {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let got = changes_of(dir);
        let mut got_keys: Vec<Key> = got
            .iter()
            .map(|c| {
                key(
                    c.class,
                    c.rule,
                    c.old_pointer.as_deref(),
                    c.new_pointer.as_deref(),
                )
            })
            .collect();
        let expect = expected(dir);
        let mut want_keys: Vec<Key> = expect.iter().map(expected_key).collect();
        got_keys.sort();
        want_keys.sort();
        if got_keys != want_keys {
            failures.push(format!(
                "{name}:\n  expected {want_keys:?}\n  got      {got_keys:?}\n  messages: {:?}",
                got.iter().map(|c| &c.message).collect::<Vec<_>>()
            ));
            continue;
        }
        for e in &expect {
            if let Some(phrase) = e["messageContains"].as_str() {
                let k = expected_key(e);
                let found = got.iter().any(|c| {
                    key(
                        c.class,
                        c.rule,
                        c.old_pointer.as_deref(),
                        c.new_pointer.as_deref(),
                    ) == k
                        && c.message.contains(phrase)
                });
                if !found {
                    failures.push(format!("{name}: no {k:?} message contains {phrase:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule has a fixture for each class it can take (its class in params, in results,
/// and the conditional ones).
#[test]
fn every_rule_and_class_has_a_fixture() {
    let mut covered = BTreeSet::new();
    for dir in cases() {
        for e in expected(&dir) {
            let (class, rule, _, _) = expected_key(&e);
            covered.insert((rule, class));
        }
    }
    let mut missing = Vec::new();
    for rule in Rule::ALL {
        let mut classes = BTreeSet::from([
            rule.class_in(Direction::Input),
            rule.class_in(Direction::Output),
        ]);
        if matches!(rule, Rule::FieldAddedOptional | Rule::FieldAddedRequired) {
            classes.insert(Class::Breaking);
        }
        for class in classes {
            if !covered.contains(&(rule.id().to_string(), class.as_str().to_string())) {
                missing.push(format!("{} ({})", rule.id(), class.as_str()));
            }
        }
    }
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn identical_examples_have_no_changes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for name in ["chat", "dashboard", "ecommerce", "game", "notifications"] {
        let path = root.join(name).join(format!("{name}.rpc.json"));
        let a = api(&path);
        assert_eq!(diff::diff(&a, &api(&path)), vec![], "{name}");
    }
}

fn rpcforge(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rpcforge"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_formats_and_fail_on() {
    let case = fixtures().join("result_enum_value_added");
    let old = case.join("old.json");
    let new = case.join("new.json");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let tmp = tempfile::tempdir().unwrap();

    let (code, text, _) = rpcforge(tmp.path(), &["diff", old, new]);
    assert_eq!(code, 0, "no --fail-on: exit 0");
    assert!(
        text.starts_with("breaking: ENUM_VALUE_ADDED: /$defs/RStatus/enum: m(result).s: "),
        "{text}"
    );
    assert!(
        text.ends_with("1 breaking change, 0 safe changes\n"),
        "{text}"
    );

    let (code, _, _) = rpcforge(tmp.path(), &["diff", old, new, "--fail-on", "breaking"]);
    assert_eq!(code, 1);
    let (code, _, _) = rpcforge(tmp.path(), &["diff", old, old, "--fail-on", "any"]);
    assert_eq!(code, 0, "no change");
    let safe = fixtures().join("method_added");
    let (code, _, _) = rpcforge(
        tmp.path(),
        &[
            "diff",
            safe.join("old.json").to_str().unwrap(),
            safe.join("new.json").to_str().unwrap(),
            "--fail-on",
            "breaking",
        ],
    );
    assert_eq!(code, 0, "only safe changes");

    let (code, json, _) = rpcforge(tmp.path(), &["diff", old, new, "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["breaking"], 1);
    assert_eq!(v["changes"][0]["rule"], "ENUM_VALUE_ADDED");
    assert_eq!(v["changes"][0]["class"], "breaking");
    assert_eq!(v["changes"][0]["newPointer"], "/$defs/RStatus/enum");

    let (_, md, _) = rpcforge(tmp.path(), &["diff", old, new, "--format", "markdown"]);
    assert!(
        md.starts_with("### rpcforge diff: 1 breaking change"),
        "{md}"
    );
    assert!(
        md.contains("| `ENUM_VALUE_ADDED` | `m(result).s` | `/$defs/RStatus/enum` |"),
        "{md}"
    );

    let (code, _, err) = rpcforge(tmp.path(), &["diff", old]);
    assert_eq!(
        code, 2,
        "one document and no --against is a usage error: {err}"
    );
    let (code, _, err) = rpcforge(tmp.path(), &["diff", old, "missing.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn markdown_escapes_schema_text() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = |name: &str| {
        format!(
            r#"{{"rpcSchema": "1", "info": {{"title": "T", "version": "1"}}, "methods": [{{"name": {}}}]}}"#,
            serde_json::to_string(name).unwrap()
        )
    };
    std::fs::write(tmp.path().join("old.json"), doc("a|<b>[x](http://e)`")).unwrap();
    std::fs::write(tmp.path().join("new.json"), doc("ok")).unwrap();
    let (_, md, _) = rpcforge(
        tmp.path(),
        &["diff", "old.json", "new.json", "--format", "markdown"],
    );
    let row = md
        .lines()
        .find(|l| l.starts_with("| `METHOD_REMOVED`"))
        .unwrap_or_else(|| panic!("{md}"));
    // The name is in a code span (inert), its `|` escaped so the cells stay four; the
    // message cell escapes HTML and link syntax.
    assert!(row.contains("`` a\\|<b>[x](http://e)` ``"), "{row}");
    let message = row.rsplit(" | ").next().unwrap();
    assert!(
        message.contains("&lt;b&gt;") && message.contains("\\[x\\]"),
        "{row}"
    );
    assert!(!message.contains("<b>"), "{row}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn against_a_git_ref() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let case = fixtures().join("result_field_removed");
    std::fs::create_dir(repo.join("api")).unwrap();
    std::fs::copy(case.join("old.json"), repo.join("api/api.rpc.json")).unwrap();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "old"]);
    std::fs::copy(case.join("new.json"), repo.join("api/api.rpc.json")).unwrap();

    let (code, text, err) = rpcforge(
        repo,
        &[
            "diff",
            "--against",
            "main",
            "api/api.rpc.json",
            "--fail-on",
            "breaking",
        ],
    );
    assert_eq!(code, 1, "{text}{err}");
    assert!(
        text.contains("FIELD_REMOVED: /$defs/R/properties/y (old)"),
        "{text}"
    );

    // The schema named in rpcforge.toml, from a subdirectory's point of view too.
    std::fs::write(
        repo.join("rpcforge.toml"),
        "schema = \"api/api.rpc.json\"\noutput = \"clients\"\n",
    )
    .unwrap();
    let (code, text, err) = rpcforge(repo, &["diff", "--against", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("FIELD_REMOVED"), "{text}");

    let (code, _, err) = rpcforge(
        repo,
        &["diff", "--against", "no-such-ref", "api/api.rpc.json"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("no-such-ref:api/api.rpc.json"), "{err}");
}

/// The README's rules table is the one the code defines.
#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&diff::rules_table()),
        "README.md's `diff rules` table is out of date; paste rpcforge::diff::rules_table():\n{}",
        diff::rules_table()
    );
}
