//! Writing generated packages to disk safely, and checking that they are current.
//!
//! - [`manifest`]: the `.rpcforge-manifest.json` of each package (paths and hashes);
//! - [`txn`]: the transaction that swaps a package's generated files (staging directory,
//!   journal, roll forward / roll back), with the exact guarantee in its documentation;
//! - [`check`]: comparing what is on disk with what would be generated.
//!
//! [`Writer`] writes several packages, each staged as soon as it is given (from the thread
//! that rendered it), all committed only when every one was staged without conflict;
//! [`write_packages`] does the same with packages already in memory.

pub mod check;
pub mod manifest;
pub mod txn;

use std::borrow::Borrow;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::lang::GeneratedFile;
pub use check::{CheckedPackage, DiffKind, Difference, check_package};
pub use manifest::{MANIFEST_FILE, Manifest, STAGING_DIR};
pub use txn::{Conflict, ConflictKind, Lock, Recovery};

/// One package to write: its directory, its files and their manifest.
#[derive(Debug, Clone)]
pub struct PackageOutput {
    pub dir: PathBuf,
    pub files: Vec<GeneratedFile>,
    /// [`Manifest::of`] the files, computed with them (hashing tens of MB is best done on
    /// the thread that rendered them, beside the other package's rendering). Private, so
    /// that it always is the files' (made by [`PackageOutput::new`]).
    manifest: Manifest,
}

impl PackageOutput {
    pub fn new(dir: PathBuf, files: Vec<GeneratedFile>) -> PackageOutput {
        let manifest = Manifest::of(&files);
        PackageOutput {
            dir,
            files,
            manifest,
        }
    }
}

/// What writing one package did.
#[derive(Debug, Clone)]
pub struct Written {
    pub dir: PathBuf,
    /// Whether an interrupted earlier write was finished or discarded first.
    pub recovered: Recovery,
    /// Files written (new or changed), the manifest not counted.
    pub written: Vec<String>,
    /// Stale generated files deleted.
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Conflicts that `--force` overrode.
    pub forced: Vec<Conflict>,
    pub notes: Vec<String>,
}

#[derive(Debug)]
pub enum WriteError {
    /// Files that stop the write (nothing was written to any package).
    Conflicts(Vec<(PathBuf, Conflict)>),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Conflicts(list) => {
                write!(f, "nothing was written: ")?;
                for (i, (dir, c)) in list.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{}: {}", dir.join(&c.path).display(), c.describe())?;
                }
                Ok(())
            }
            WriteError::Io(dir, e) => write!(f, "writing {}: {e}", dir.display()),
        }
    }
}

/// Writes several packages. Each directory is locked, recovered and planned first; when any
/// plan has a conflict nothing at all is written. Then each package is swapped in by its
/// own transaction (each package directory is whole, old or new, at any instant of recovery;
/// two packages may differ in which, if the process dies between them).
pub fn write_packages(packages: &[PackageOutput], force: bool) -> Result<Vec<Written>, WriteError> {
    let writer = Writer::open(packages.iter().map(|p| p.dir.clone()).collect(), force)?;
    for (i, p) in packages.iter().enumerate() {
        writer.stage_with_manifest(i, p.files.iter().collect(), &p.manifest);
    }
    writer.commit()
}

/// A write of several packages, in three steps, so that each package can be staged as soon
/// as it is rendered (and its files' text freed, file by file, once staged) while the
/// others still render:
///
/// 1. [`Writer::open`]: each directory (in the order given) is created if needed, locked
///    and recovered;
/// 2. [`Writer::stage`], once per package, from any thread: its plan, and, when no package
///    has a conflict so far, its staged files;
/// 3. [`Writer::commit`]: when every package was staged and none has a conflict, each is
///    committed and rolled forward (at the same time); otherwise every staging is discarded
///    and nothing at all is written ([`Writer::discard`] does that too).
///
/// Until the commit nothing in any package directory changes but its staging directory (an
/// uncommitted one, which any recovery removes), so the guarantees are those of
/// [`txn`]: a kill at any instant leaves each package old or new.
#[derive(Debug)]
pub struct Writer {
    packages: Vec<PackageWrite>,
    force: bool,
    /// Directories this write created: removed again (when still empty) if nothing is
    /// written.
    created: Vec<PathBuf>,
    /// Set when a package's plan has conflicts: the write will fail, so the packages staged
    /// after that are only planned (for the report of every conflict).
    conflicted: AtomicBool,
}

#[derive(Debug)]
struct PackageWrite {
    dir: PathBuf,
    lock: Lock,
    recovered: Recovery,
    state: Mutex<Staging>,
}

#[derive(Debug)]
enum Staging {
    /// Not given its files (yet).
    Waiting,
    /// Planning failed.
    PlanFailed(io::Error),
    /// Planned; `staged` tells how staging went (not staged when a package had conflicts).
    Planned {
        plan: Box<txn::Plan>,
        staged: io::Result<bool>,
    },
}

impl Writer {
    /// Creates (when missing), locks and recovers each package directory, in order.
    /// Directories must be distinct and not inside each other.
    pub fn open(dirs: Vec<PathBuf>, force: bool) -> Result<Writer, WriteError> {
        check_distinct(dirs.iter().map(PathBuf::as_path))
            .map_err(|e| WriteError::Io(PathBuf::new(), e))?;
        let mut writer = Writer {
            packages: Vec::with_capacity(dirs.len()),
            force,
            created: Vec::new(),
            conflicted: AtomicBool::new(false),
        };
        for dir in dirs {
            if let Err(e) = writer.open_one(&dir) {
                writer.discard();
                return Err(WriteError::Io(dir, e));
            }
        }
        Ok(writer)
    }

    fn open_one(&mut self, dir: &Path) -> io::Result<()> {
        let mut missing = Vec::new();
        let mut ancestor = Some(dir);
        while let Some(a) = ancestor.filter(|a| !a.as_os_str().is_empty() && !a.exists()) {
            missing.push(a.to_path_buf());
            ancestor = a.parent();
        }
        std::fs::create_dir_all(dir)?;
        self.created.extend(missing.into_iter().rev());
        let lock = Lock::acquire(dir, || {
            eprintln!(
                "waiting for another rpcforge process writing {}",
                dir.display()
            )
        })?;
        let recovered = txn::recover(&lock)?;
        self.packages.push(PackageWrite {
            dir: dir.to_path_buf(),
            lock,
            recovered,
            state: Mutex::new(Staging::Waiting),
        });
        Ok(())
    }

    /// Plans and stages the files of the `index`-th package (each once; the outcome is
    /// reported by [`Writer::commit`]). Each file's text is freed once it is staged.
    pub fn stage(&self, index: usize, files: Vec<GeneratedFile>) {
        let manifest = Manifest::of(&files);
        self.stage_with_manifest(index, files, &manifest);
    }

    /// [`Writer::stage`] with the files' manifest already computed ([`Manifest::of`] them),
    /// and files given owned (freed as staged) or borrowed.
    fn stage_with_manifest<F: Borrow<GeneratedFile>>(
        &self,
        index: usize,
        files: Vec<F>,
        manifest: &Manifest,
    ) {
        let package = &self.packages[index];
        let state = match txn::plan(&package.lock, &files, manifest, self.force) {
            Err(e) => Staging::PlanFailed(e),
            Ok(plan) => {
                if !plan.conflicts.is_empty() {
                    self.conflicted.store(true, Ordering::Relaxed);
                }
                let staged = if self.conflicted.load(Ordering::Relaxed) {
                    Ok(false)
                } else {
                    txn::stage(&package.lock, &plan, files).map(|()| true)
                };
                Staging::Planned {
                    plan: Box::new(plan),
                    staged,
                }
            }
        };
        *package.state.lock().unwrap_or_else(|e| e.into_inner()) = state;
    }

    /// Commits every package when each was staged and none has conflicts (each its own
    /// transaction, at the same time: one package's writes and fsyncs overlap the other's;
    /// results, and the error reported, in package order). Otherwise nothing is written:
    /// the first planning error, else every conflict, else the first staging error.
    pub fn commit(self) -> Result<Vec<Written>, WriteError> {
        let mut planned = Vec::with_capacity(self.packages.len());
        let mut failure = None;
        for package in &self.packages {
            let state = std::mem::replace(
                &mut *package.state.lock().unwrap_or_else(|e| e.into_inner()),
                Staging::Waiting,
            );
            match state {
                Staging::Waiting => {
                    failure.get_or_insert(WriteError::Io(
                        package.dir.clone(),
                        io::Error::other("a package was not given its files"),
                    ));
                }
                Staging::PlanFailed(e) => {
                    failure.get_or_insert(WriteError::Io(package.dir.clone(), e));
                }
                Staging::Planned { plan, staged } => planned.push((package, plan, staged)),
            }
        }
        if failure.is_none() {
            let conflicts: Vec<(PathBuf, Conflict)> = planned
                .iter()
                .flat_map(|(p, plan, _)| plan.conflicts.iter().map(|c| (p.dir.clone(), c.clone())))
                .collect();
            if !conflicts.is_empty() {
                failure = Some(WriteError::Conflicts(conflicts));
            }
        }
        if failure.is_none() {
            for (package, _, staged) in &mut planned {
                if let Err(e) = std::mem::replace(staged, Ok(true)) {
                    failure = Some(WriteError::Io(package.dir.clone(), e));
                    break;
                }
            }
        }
        if let Some(failure) = failure {
            drop(planned);
            self.discard();
            return Err(failure);
        }
        let applied: Vec<io::Result<()>> = std::thread::scope(|s| {
            let others: Vec<_> = planned
                .iter()
                .skip(1)
                .map(|(p, plan, _)| s.spawn(move || txn::commit(&p.lock, plan)))
                .collect();
            let first = planned
                .first()
                .map(|(p, plan, _)| txn::commit(&p.lock, plan));
            first
                .into_iter()
                .chain(others.into_iter().map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                }))
                .collect()
        });
        let mut out = Vec::new();
        for ((p, plan, _), result) in planned.iter().zip(applied) {
            result.map_err(|e| WriteError::Io(p.dir.clone(), e))?;
            out.push(Written {
                dir: p.dir.clone(),
                recovered: p.recovered,
                written: plan.written().into_iter().map(String::from).collect(),
                removed: plan.removed().into_iter().map(String::from).collect(),
                unchanged: plan.unchanged,
                forced: plan.forced.clone(),
                notes: plan.notes.clone(),
            });
        }
        Ok(out)
    }

    /// Writes nothing: every staging is discarded, the locks released, and the directories
    /// this write created removed (when still empty).
    pub fn discard(self) {
        for package in &self.packages {
            // A staging left behind (unremovable now) is uncommitted: the next recovery
            // removes it.
            let _ = txn::discard(&package.lock);
        }
        drop(self.packages); // unlock before removing
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Finishes or discards an interrupted write of `dir` (nothing to do when it does not exist).
pub fn recover(dir: &Path) -> io::Result<Recovery> {
    if !dir.is_dir() {
        return Ok(Recovery::Clean);
    }
    let lock = Lock::acquire(dir, || {})?;
    txn::recover(&lock)
}

/// Package directories must be distinct and not inside each other: each is one locked
/// transaction, and one package's files would be another's user files.
pub fn check_distinct<'a>(dirs: impl Iterator<Item = &'a Path>) -> io::Result<()> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for dir in dirs {
        let abs = if dir.is_absolute() {
            lexical_absolute(Path::new("/"), dir)
        } else {
            let cwd = std::env::current_dir().map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot resolve {} against the current directory (was it deleted?): {e}",
                        dir.display()
                    ),
                )
            })?;
            lexical_absolute(&cwd, dir)
        };
        for (other, other_dir) in &seen {
            if abs.starts_with(other) || other.starts_with(&abs) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "package directories {} and {} overlap: expected a separate directory \
                         per language",
                        other_dir.display(),
                        dir.display()
                    ),
                ));
            }
        }
        seen.push((abs, dir));
    }
    Ok(())
}

fn lexical_absolute(cwd: &Path, p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(p).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(version: &str) -> Vec<GeneratedFile> {
        vec![
            GeneratedFile {
                path: "package.json".into(),
                contents: format!("{{\"version\": \"{version}\"}}\n"),
            },
            GeneratedFile {
                path: "src/index.ts".into(),
                contents: format!("export const v = {version};\n"),
            },
        ]
    }

    /// The first package is staged before the second one's conflict is found: the
    /// staging is discarded, and neither package directory changes (nor is created).
    #[test]
    fn a_conflict_found_after_staging_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let (first, second) = (tmp.path().join("out/a"), tmp.path().join("out/b"));
        write_packages(&[PackageOutput::new(second.clone(), files("1"))], false).unwrap();
        std::fs::write(second.join("src/index.ts"), "edited\n").unwrap();

        let writer = Writer::open(vec![first.clone(), second.clone()], false).unwrap();
        writer.stage(0, files("2"));
        assert!(
            first.join(STAGING_DIR).is_dir(),
            "staged before the conflict"
        );
        writer.stage(1, files("2"));
        assert!(!second.join(STAGING_DIR).exists(), "not staged: conflicts");
        match writer.commit() {
            Err(WriteError::Conflicts(c)) => {
                assert_eq!(c.len(), 1, "{c:?}");
                assert_eq!(c[0].0, second);
                assert_eq!(c[0].1.path, "src/index.ts");
            }
            other => panic!("expected conflicts, found {other:?}"),
        }
        assert!(!first.exists(), "the created directory is removed again");
        assert!(!second.join(STAGING_DIR).exists());
        assert_eq!(
            std::fs::read_to_string(second.join("package.json")).unwrap(),
            "{\"version\": \"1\"}\n"
        );
    }

    /// Each package's files are staged when given (in any order), and written only by the
    /// commit; a discarded write leaves the directories as they were.
    #[test]
    fn staged_packages_change_nothing_until_committed() {
        let tmp = tempfile::tempdir().unwrap();
        let (first, second) = (tmp.path().join("a"), tmp.path().join("b"));
        let writer = Writer::open(vec![first.clone(), second.clone()], false).unwrap();
        writer.stage(1, files("1"));
        writer.stage(0, files("1"));
        assert!(!first.join("package.json").exists());
        assert!(second.join(STAGING_DIR).is_dir());
        writer.discard();
        assert!(!first.exists() && !second.exists());

        let writer = Writer::open(vec![first.clone(), second.clone()], false).unwrap();
        writer.stage(0, files("1"));
        writer.stage(1, files("1"));
        let written = writer.commit().unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(written[1].written, ["package.json", "src/index.ts"]);
        assert!(!second.join(STAGING_DIR).exists());

        // Unchanged files are not staged, nor rewritten.
        let writer = Writer::open(vec![first.clone(), second.clone()], false).unwrap();
        let mut changed = files("1");
        changed[1].contents = "export const v = 2;\n".into();
        writer.stage(0, changed);
        writer.stage(1, files("1"));
        assert!(!second.join(STAGING_DIR).exists(), "nothing to stage");
        let written = writer.commit().unwrap();
        assert_eq!(written[0].written, ["src/index.ts"]);
        assert_eq!(written[0].unchanged, 1);
        assert!(written[1].written.is_empty());
        assert_eq!(
            std::fs::read_to_string(first.join("src/index.ts")).unwrap(),
            "export const v = 2;\n"
        );

        // A package never given its files fails the write: nothing is written.
        let writer = Writer::open(vec![first.clone(), second.clone()], false).unwrap();
        writer.stage(0, files("3"));
        assert!(matches!(writer.commit(), Err(WriteError::Io(..))));
        assert!(!first.join(STAGING_DIR).exists());
        assert_eq!(
            std::fs::read_to_string(first.join("package.json")).unwrap(),
            "{\"version\": \"1\"}\n"
        );
    }
}
