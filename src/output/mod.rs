//! Writing generated packages to disk safely, and checking that they are current.
//!
//! - [`manifest`]: the `.rpcforge-manifest.json` of each package (paths and hashes);
//! - [`txn`]: the transaction that swaps a package's generated files (staging directory,
//!   journal, roll forward / roll back), with the exact guarantee in its documentation;
//! - [`check`]: comparing what is on disk with what would be generated.

pub mod check;
pub mod manifest;
pub mod txn;

use std::io;
use std::path::{Component, Path, PathBuf};

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
    check_distinct(packages.iter().map(|p| p.dir.as_path()))
        .map_err(|e| WriteError::Io(PathBuf::new(), e))?;
    let mut planned = Vec::new();
    // Directories this run creates: removed again (when still empty) if nothing is written.
    let mut created = Vec::new();
    let undo = |created: &[PathBuf]| {
        for dir in created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    };
    for p in packages {
        let io_err = |e| WriteError::Io(p.dir.clone(), e);
        let mut missing = Vec::new();
        let mut ancestor = Some(p.dir.as_path());
        while let Some(a) = ancestor.filter(|a| !a.as_os_str().is_empty() && !a.exists()) {
            missing.push(a.to_path_buf());
            ancestor = a.parent();
        }
        std::fs::create_dir_all(&p.dir).map_err(io_err)?;
        created.extend(missing.into_iter().rev());
        let lock = Lock::acquire(&p.dir, || {
            eprintln!(
                "waiting for another rpcforge process writing {}",
                p.dir.display()
            )
        })
        .map_err(io_err)?;
        let recovered = txn::recover(&lock).map_err(io_err)?;
        let plan = txn::plan(&lock, &p.files, &p.manifest, force).map_err(io_err)?;
        planned.push((p, lock, recovered, plan));
    }
    let conflicts: Vec<(PathBuf, Conflict)> = planned
        .iter()
        .flat_map(|(p, _, _, plan)| plan.conflicts.iter().map(|c| (p.dir.clone(), c.clone())))
        .collect();
    if !conflicts.is_empty() {
        drop(planned); // unlock before removing
        undo(&created);
        return Err(WriteError::Conflicts(conflicts));
    }
    // Each package is its own transaction: applied at the same time, one package's writes
    // and fsyncs overlap the other's. Results (and the error reported) in package order.
    let applied: Vec<io::Result<()>> = std::thread::scope(|s| {
        let others: Vec<_> = planned
            .iter()
            .skip(1)
            .map(|(_, lock, _, plan)| s.spawn(move || txn::apply(lock, plan)))
            .collect();
        let first = planned
            .first()
            .map(|(_, lock, _, plan)| txn::apply(lock, plan));
        first
            .into_iter()
            .chain(others.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }))
            .collect()
    });
    let mut out = Vec::new();
    for ((p, _, recovered, plan), result) in planned.iter().zip(applied) {
        result.map_err(|e| WriteError::Io(p.dir.clone(), e))?;
        out.push(Written {
            dir: p.dir.clone(),
            recovered: *recovered,
            written: plan.written().into_iter().map(String::from).collect(),
            removed: plan.removed().into_iter().map(String::from).collect(),
            unchanged: plan.unchanged,
            forced: plan.forced.clone(),
            notes: plan.notes.clone(),
        });
    }
    Ok(out)
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
