//! The transaction that replaces the generated files of one package directory.
//!
//! A package directory `P` holds generated files (listed in `P/.rpcforge-manifest.json`) and
//! anything else the user keeps there (`node_modules/`, `dist/`, notes...). rpcforge never
//! opens, renames or deletes a path that is not in the old or the new manifest. A write goes:
//!
//! 1. **stage**: the new or changed files, and the new manifest, are written and fsynced
//!    under `P/.rpcforge-staging/files/` (same file system as `P`, so renames are atomic).
//!    [`stage`] does this as soon as a package is rendered (each file's text can be freed
//!    once written); a staging that is not committed is [`discard`]ed;
//! 2. **commit**: `P/.rpcforge-staging/journal.json` is written to a temporary name,
//!    fsynced and renamed into place. The rename is the commit point;
//! 3. **roll forward**: stale generated files are deleted (only when their hash is still the
//!    one recorded), each staged file is renamed over its target, the manifest last; then the
//!    journal and the staging directory are removed.
//!
//! [`recover`] runs under the package lock before every write and every `check`: a staging
//! directory without a journal is an uncommitted write and is deleted (roll back; `P` was
//! not touched), one with a journal is committed and is rolled forward (every step is
//! idempotent, so a recovery that is itself interrupted is simply run again). Hence, after
//! a kill at any instant, the next recovery leaves exactly the old generated files or
//! exactly the new ones, and user files are never touched at all.
//!
//! Test hook: with `RPCFORGE_TEST_PAUSE_AT_STEP=N` the process stops at the N-th step of any
//! transaction or recovery (printing `rpcforge-test-hook: paused at step N` to stderr) and
//! waits there forever, so that a test can kill it at exactly that point;
//! `RPCFORGE_TEST_STEP_DELAY_US` sleeps between steps instead.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::{MANIFEST_FILE, Manifest, STAGING_DIR, hash, is_package_path};
use crate::lang::GeneratedFile;

const JOURNAL: &str = "journal.json";
const JOURNAL_TMP: &str = "journal.json.tmp";
const STAGED: &str = "files";

/// An exclusive lock on a package directory (an advisory `flock` on the directory itself,
/// released when this value is dropped or the process dies). Every write and check holds it.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    dir: PathBuf,
}

impl Lock {
    /// Locks `dir`, which must exist, waiting for another rpcforge process if needed.
    pub fn acquire(dir: &Path, mut waiting: impl FnMut()) -> io::Result<Lock> {
        let file = File::open(dir)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                waiting();
                file.lock()?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(Lock {
            _file: file,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No unfinished write.
    Clean,
    /// An uncommitted write was discarded: the directory holds the old files.
    RolledBack,
    /// A committed write was completed: the directory holds the new files.
    RolledForward,
}

/// The journal: what the roll forward does. Written once, before anything in the package
/// directory changes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    journal: u32,
    /// Generated files to delete, each only if its content still has this hash.
    remove: Vec<Removal>,
    /// Staged files to rename into place, in order (the manifest is last).
    write: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Removal {
    path: String,
    sha256: String,
}

/// Why a file stops a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// A generated file whose content no longer matches the manifest (edited by hand).
    HandEdited,
    /// A file rpcforge would write, which exists but is not in the manifest (not written
    /// by rpcforge, or written before manifests existed).
    NotGenerated,
    /// Something that is not a regular file sits where a generated file or one of its
    /// directories goes. Never overridden, even with `--force`.
    InTheWay(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Relative to the package directory.
    pub path: String,
    pub kind: ConflictKind,
}

impl Conflict {
    /// Whether `--force` overwrites (or deletes) the file.
    pub fn overridable(&self) -> bool {
        !matches!(self.kind, ConflictKind::InTheWay(_))
    }

    pub fn describe(&self) -> String {
        match &self.kind {
            ConflictKind::HandEdited => {
                "generated file was edited by hand (its hash differs from the manifest)".into()
            }
            ConflictKind::NotGenerated => {
                "exists but was not written by rpcforge (not in the manifest)".into()
            }
            ConflictKind::InTheWay(what) => what.clone(),
        }
    }
}

/// What a write of one package will do, computed under its lock. It holds no file's
/// contents (tens of MB for thousands of methods): [`stage`] is given the files again.
#[derive(Debug)]
pub struct Plan {
    dir: PathBuf,
    /// The new or changed files: their indices among the files planned, in order.
    writes: Vec<usize>,
    /// Their paths, then the manifest's when it changes (the journal's `write` list).
    write_paths: Vec<String>,
    /// The new manifest's text, when it changes.
    manifest: Option<String>,
    removes: Vec<Removal>,
    /// Generated files whose content is already right (left untouched).
    pub unchanged: usize,
    /// Conflicts that stop the write.
    pub conflicts: Vec<Conflict>,
    /// Conflicts that `--force` overrides in this write.
    pub forced: Vec<Conflict>,
    /// Things worth telling the user (an unreadable manifest...).
    pub notes: Vec<String>,
}

impl Plan {
    /// Files that will be (re)written, the manifest not counted.
    pub fn written(&self) -> Vec<&str> {
        self.write_paths[..self.writes.len()]
            .iter()
            .map(String::as_str)
            .collect()
    }
    /// Generated files that will be deleted.
    pub fn removed(&self) -> Vec<&str> {
        self.removes.iter().map(|r| r.path.as_str()).collect()
    }
    pub fn is_noop(&self) -> bool {
        self.write_paths.is_empty() && self.removes.is_empty()
    }
}

/// What is at a path of the package directory.
pub(crate) enum Probe {
    Missing,
    File(Vec<u8>),
    Dir,
    /// A symlink, a socket...
    Special,
    /// An ancestor (relative path given) is not a real directory.
    Blocked(String),
}

/// Looks at `rel` under `dir` without following symlinks anywhere below `dir`.
pub(crate) fn probe(dir: &Path, rel: &str) -> io::Result<Probe> {
    let parts: Vec<&str> = rel.split('/').collect();
    for i in 1..parts.len() {
        let prefix = parts[..i].join("/");
        match fs::symlink_metadata(dir.join(&prefix)) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(Probe::Blocked(prefix)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Probe::Missing),
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                return Ok(Probe::Blocked(prefix));
            }
            Err(e) => return Err(e),
        }
    }
    let path = dir.join(rel);
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(Probe::File(fs::read(&path)?)),
        Ok(m) if m.is_dir() => Ok(Probe::Dir),
        Ok(_) => Ok(Probe::Special),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Probe::Missing),
        Err(e) => Err(e),
    }
}

/// Reads the package's manifest: `Ok(None)` when there is none, `Err(reason)` when it
/// cannot be used.
pub(crate) fn read_manifest(dir: &Path) -> io::Result<Result<Option<Manifest>, String>> {
    Ok(match probe(dir, MANIFEST_FILE)? {
        Probe::Missing => Ok(None),
        Probe::File(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => Manifest::parse(text).map(Some),
            Err(_) => Err("expected UTF-8 JSON".to_string()),
        },
        _ => Err("expected a regular file".to_string()),
    })
}

/// Decides what writing `files` (whose manifest is `manifest`, see [`Manifest::of`]) into the
/// locked directory does. With `force`, hand-edited generated files and files not written by
/// rpcforge are overwritten (or deleted) instead of stopping the write.
pub fn plan<F: Borrow<GeneratedFile>>(
    lock: &Lock,
    files: &[F],
    manifest: &Manifest,
    force: bool,
) -> io::Result<Plan> {
    let dir = lock.dir();
    let mut seen = BTreeSet::new();
    for f in files {
        let f = f.borrow();
        if !is_package_path(&f.path) || !seen.insert(f.path.as_str()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "refusing to write {:?}: expected distinct relative paths inside the package",
                    f.path
                ),
            ));
        }
    }
    let mut plan = Plan {
        dir: dir.to_path_buf(),
        writes: Vec::new(),
        write_paths: Vec::new(),
        manifest: None,
        removes: Vec::new(),
        unchanged: 0,
        conflicts: Vec::new(),
        forced: Vec::new(),
        notes: Vec::new(),
    };
    let old = match read_manifest(dir)? {
        Ok(m) => m.unwrap_or_default(),
        Err(reason) => {
            plan.notes.push(format!(
                "{MANIFEST_FILE}: {reason}; every existing file is treated as not written by rpcforge"
            ));
            Manifest::default()
        }
    };
    let conflict = |plan: &mut Plan, path: &str, kind: ConflictKind| {
        let c = Conflict {
            path: path.to_string(),
            kind,
        };
        if force && c.overridable() {
            plan.forced.push(c);
            true
        } else {
            plan.conflicts.push(c);
            false
        }
    };

    // Generated files that are no longer produced.
    let mut removed = BTreeSet::new();
    for (path, recorded) in &old.files {
        if seen.contains(path.as_str()) {
            continue;
        }
        match probe(dir, path)? {
            Probe::File(bytes) => {
                let actual = hash(&bytes);
                if actual == *recorded || conflict(&mut plan, path, ConflictKind::HandEdited) {
                    plan.removes.push(Removal {
                        path: path.clone(),
                        sha256: actual,
                    });
                    removed.insert(path.as_str());
                }
            }
            Probe::Missing | Probe::Blocked(_) => {}
            Probe::Dir | Probe::Special => plan.notes.push(format!(
                "{path}: no longer generated, but not a regular file: left alone"
            )),
        }
    }

    for (i, f) in files.iter().enumerate() {
        let f = f.borrow();
        let write = match probe(dir, &f.path)? {
            Probe::Missing => true,
            Probe::Blocked(prefix) if removed.contains(prefix.as_str()) => true,
            Probe::Blocked(prefix) => {
                let what = format!("{prefix} is not a directory, and {} goes inside it", f.path);
                conflict(&mut plan, &f.path, ConflictKind::InTheWay(what))
            }
            Probe::Dir => conflict(
                &mut plan,
                &f.path,
                ConflictKind::InTheWay("a directory is where this generated file goes".into()),
            ),
            Probe::Special => conflict(
                &mut plan,
                &f.path,
                ConflictKind::InTheWay("not a regular file (a symlink?)".into()),
            ),
            Probe::File(bytes) if bytes == f.contents.as_bytes() => {
                plan.unchanged += 1;
                false
            }
            Probe::File(bytes) => match old.files.get(&f.path) {
                Some(recorded) if *recorded == hash(&bytes) => true,
                Some(_) => conflict(&mut plan, &f.path, ConflictKind::HandEdited),
                None => conflict(&mut plan, &f.path, ConflictKind::NotGenerated),
            },
        };
        if write {
            plan.writes.push(i);
            plan.write_paths.push(f.path.clone());
        }
    }

    let manifest = manifest.to_json();
    match probe(dir, MANIFEST_FILE)? {
        Probe::File(bytes) if bytes == manifest.as_bytes() => {}
        Probe::File(_) | Probe::Missing => {
            plan.write_paths.push(MANIFEST_FILE.to_string());
            plan.manifest = Some(manifest);
        }
        _ => {
            conflict(
                &mut plan,
                MANIFEST_FILE,
                ConflictKind::InTheWay("the manifest is not a regular file".into()),
            );
        }
    }
    Ok(plan)
}

/// Whether `plan` has anything to do; an error if it cannot be applied under `lock` (made
/// under another directory, or with conflicts).
fn applicable(lock: &Lock, plan: &Plan) -> io::Result<bool> {
    if plan.dir != lock.dir() {
        return Err(io::Error::other(
            "a plan applied under another directory's lock",
        ));
    }
    if !plan.conflicts.is_empty() {
        return Err(io::Error::other("a plan with conflicts cannot be applied"));
    }
    Ok(!plan.is_noop())
}

/// Stages a plan without conflicts: writes its new and changed files (taken from `files`,
/// the files it was planned with, each dropped once written: given owned, its text is freed
/// there) and the manifest under the staging directory, and makes them durable. Nothing
/// in the package directory changes until [`commit`]; an error leaves a staging directory
/// that [`discard`] (or the next recovery) removes.
pub fn stage<F: Borrow<GeneratedFile>>(
    lock: &Lock,
    plan: &Plan,
    files: impl IntoIterator<Item = F>,
) -> io::Result<()> {
    if !applicable(lock, plan)? {
        return Ok(());
    }
    let dir = lock.dir();
    let staging = dir.join(STAGING_DIR);
    fs::create_dir(&staging)?;
    step("created the staging directory");
    let staged = staging.join(STAGED);
    fs::create_dir(&staged)?;
    let mut staged_dirs = BTreeSet::from([staging.clone(), staged.clone()]);
    let mut staged_files = Vec::with_capacity(plan.write_paths.len());
    let mut stage_one = |path: &str, contents: &str| -> io::Result<()> {
        let target = staged.join(path);
        let parent = target.parent().expect("a joined path has a parent");
        fs::create_dir_all(parent)?;
        let mut ancestor = parent.to_path_buf();
        while ancestor.starts_with(&staged) && staged_dirs.insert(ancestor.clone()) {
            ancestor.pop();
        }
        staged_files.push(write_file(&target, contents.as_bytes())?);
        step("staged a file");
        Ok(())
    };
    let mut writes = plan.writes.iter().zip(&plan.write_paths).peekable();
    for (i, f) in files.into_iter().enumerate() {
        let Some((_, path)) = writes.next_if(|(w, _)| **w == i) else {
            continue;
        };
        let f = f.borrow();
        if f.path != *path {
            return Err(io::Error::other(
                "staged files differ from the planned ones",
            ));
        }
        stage_one(&f.path, &f.contents)?;
    }
    if writes.next().is_some() {
        return Err(io::Error::other(
            "staged files differ from the planned ones",
        ));
    }
    if let Some(manifest) = &plan.manifest {
        stage_one(MANIFEST_FILE, manifest)?;
    }
    // The staged files and their directories, all durable before the journal commits.
    for d in &staged_dirs {
        staged_files.push(File::open(d)?);
    }
    sync_files(&staged_files)
}

/// Commits a plan [`stage`]d under the same lock and rolls it forward: the package directory
/// holds the new files.
pub fn commit(lock: &Lock, plan: &Plan) -> io::Result<()> {
    if !applicable(lock, plan)? {
        return Ok(());
    }
    let dir = lock.dir();
    let staging = dir.join(STAGING_DIR);
    let journal = Journal {
        journal: 1,
        remove: plan.removes.clone(),
        write: plan.write_paths.clone(),
    };
    let text = serde_json::to_string_pretty(&journal).expect("a journal serializes") + "\n";
    write_durably(&staging.join(JOURNAL_TMP), text.as_bytes())?;
    step("wrote the journal's temporary file");
    fs::rename(staging.join(JOURNAL_TMP), staging.join(JOURNAL))?;
    sync_dir(&staging)?;
    step("committed (renamed the journal into place)");
    roll_forward(dir, &journal)
}

/// Removes an uncommitted staging directory of the locked directory (none: nothing to do):
/// the package directory keeps its files.
pub fn discard(lock: &Lock) -> io::Result<()> {
    let staging = lock.dir().join(STAGING_DIR);
    match fs::symlink_metadata(&staging) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(_) => {
            if staging.join(JOURNAL).exists() {
                return Err(io::Error::other("a committed write cannot be discarded"));
            }
            fs::remove_dir_all(&staging)?;
            step("removed an uncommitted staging directory");
            Ok(())
        }
    }
}

/// Finishes or discards an interrupted write of the locked directory.
pub fn recover(lock: &Lock) -> io::Result<Recovery> {
    let dir = lock.dir();
    let staging = dir.join(STAGING_DIR);
    match fs::symlink_metadata(&staging) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Recovery::Clean),
        Err(e) => return Err(e),
        Ok(m) if !m.is_dir() => {
            return Err(io::Error::other(format!(
                "{} is not a directory: it is rpcforge's staging directory name; move it away",
                staging.display()
            )));
        }
        Ok(_) => {}
    }
    let journal = staging.join(JOURNAL);
    match fs::read(&journal) {
        Ok(bytes) => {
            let journal: Journal = serde_json::from_slice(&bytes)
                .ok()
                .filter(valid_journal)
                .ok_or_else(|| {
                    io::Error::other(format!(
                        "{}: expected a journal written by rpcforge; it is damaged, so the \
                         interrupted write cannot be completed: delete {} and regenerate",
                        journal.display(),
                        staging.display()
                    ))
                })?;
            roll_forward(dir, &journal)?;
            Ok(Recovery::RolledForward)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::remove_dir_all(&staging)?;
            step("removed an uncommitted staging directory");
            Ok(Recovery::RolledBack)
        }
        Err(e) => Err(e),
    }
}

fn valid_journal(j: &Journal) -> bool {
    j.journal == 1
        && j.remove.iter().all(|r| is_package_path(&r.path))
        && j.write
            .iter()
            .all(|w| is_package_path(w) || w == MANIFEST_FILE)
}

/// Makes the directory hold the new files. Every step can be repeated: a removal checks the
/// file is still there with the recorded hash, a rename happens only while its staged file
/// exists. The journal is deleted only after everything else, so an interruption anywhere
/// leaves it in place for the next recovery.
fn roll_forward(dir: &Path, journal: &Journal) -> io::Result<()> {
    let staging = dir.join(STAGING_DIR);
    let staged = staging.join(STAGED);
    // The package directory and the directories inside it that gained or lost an entry.
    let mut touched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut touch = |rel: &str| {
        let mut p = dir.join(rel);
        for _ in rel.split('/') {
            p.pop();
            touched.insert(p.clone());
        }
    };
    for r in &journal.remove {
        let path = dir.join(&r.path);
        let gone = match probe(dir, &r.path)? {
            Probe::File(bytes) if hash(&bytes) == r.sha256 => {
                fs::remove_file(&path)?;
                step("removed a stale generated file");
                true
            }
            // Changed since the plan (by hand, after an interruption): left alone.
            Probe::File(_) => false,
            _ => true,
        };
        if gone {
            // Also when an earlier, interrupted roll forward removed the file: pruning is
            // idempotent, so every recovery ends with the same directories.
            prune_empty_parents(dir, &r.path)?;
        }
        touch(&r.path);
    }
    for w in &journal.write {
        let from = staged.join(w);
        if fs::symlink_metadata(&from).is_ok() {
            let to = dir.join(w);
            fs::create_dir_all(to.parent().expect("a joined path has a parent"))?;
            fs::rename(&from, &to)?;
            step("renamed a staged file into place");
        }
        touch(w);
    }
    // Every directory that gained or lost an entry is durable before the journal goes; the
    // order among them does not matter (a crash before that rolls forward again), so they
    // are synced together.
    let mut dirs = Vec::new();
    for d in &touched {
        if d.is_dir() {
            dirs.push(File::open(d)?);
        }
    }
    sync_files(&dirs)?;
    match fs::remove_file(staging.join(JOURNAL)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    sync_dir(&staging)?;
    step("removed the journal");
    fs::remove_dir_all(&staging)?;
    step("removed the staging directory");
    Ok(())
}

/// Removes the directories of `rel` that its removal left empty (never `dir` itself).
fn prune_empty_parents(dir: &Path, rel: &str) -> io::Result<()> {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    while !parts.is_empty() {
        match fs::remove_dir(dir.join(parts.join("/"))) {
            Ok(()) => step("removed an empty directory"),
            // Removed by an earlier, interrupted run: go on with its parent.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Not empty (a user's file, another generated file), or not a directory: keep it.
            Err(_) => break,
        }
        parts.pop();
    }
    Ok(())
}

/// Writes a file and fsyncs it.
fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file(path, bytes)?.sync_all()
}

/// Writes a file (not synced yet). In the middle of the write is a hook step, so that tests
/// can stop the process with a half-written (staged) file.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<File> {
    let mut file = File::create(path)?;
    let half = bytes.len() / 2;
    file.write_all(&bytes[..half])?;
    step("half-wrote a file");
    file.write_all(&bytes[half..])?;
    Ok(file)
}

/// fsyncs files (or directories), several at once: one after the other, each waited for its own journal
/// commit (about half the time of writing a package at N=1000); concurrent ones share
/// commits.
fn sync_files(files: &[File]) -> io::Result<()> {
    const THREADS: usize = 8;
    if files.len() < 2 {
        return files.iter().try_for_each(File::sync_all);
    }
    let per_thread = files.len().div_ceil(THREADS);
    std::thread::scope(|s| {
        let others: Vec<_> = files[per_thread..]
            .chunks(per_thread)
            .map(|chunk| s.spawn(move || chunk.iter().try_for_each(File::sync_all)))
            .collect();
        let mine = files[..per_thread].iter().try_for_each(File::sync_all);
        others
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .fold(mine, Result::and)
    })
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The test hook (see the module documentation). Free when the variables are unset.
fn step(label: &str) {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;
    struct Hook {
        pause_at: Option<u64>,
        delay: Option<Duration>,
    }
    static HOOK: OnceLock<Hook> = OnceLock::new();
    static STEP: AtomicU64 = AtomicU64::new(0);
    let hook = HOOK.get_or_init(|| Hook {
        pause_at: std::env::var("RPCFORGE_TEST_PAUSE_AT_STEP")
            .ok()
            .and_then(|v| v.parse().ok()),
        delay: std::env::var("RPCFORGE_TEST_STEP_DELAY_US")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_micros),
    });
    if hook.pause_at.is_none() && hook.delay.is_none() {
        return;
    }
    let n = STEP.fetch_add(1, Ordering::SeqCst) + 1;
    if hook.pause_at == Some(n) {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "rpcforge-test-hook: paused at step {n}: {label}");
        let _ = err.flush();
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    if let Some(delay) = hook.delay {
        std::thread::sleep(delay);
    }
}
