//! `rpcforge check`: whether the files on disk are what would be generated.
//!
//! Only generated files count: the files the generator would write, and the files the
//! manifest lists that it would no longer write (they would be deleted). The manifest
//! itself, the staging directory and every other file (a user's) are not differences.

use std::io;
use std::path::{Path, PathBuf};

use similar::{DiffTag, TextDiff};

use super::txn::{self, Lock, Probe, Recovery, probe};
use crate::lang::GeneratedFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    /// Would be written; not on disk (or something else is in its place).
    Missing,
    /// On disk with other content.
    Changed,
    /// Generated before, no longer produced: would be deleted.
    Stale,
}

#[derive(Debug, Clone)]
pub struct Difference {
    /// Relative to the package directory.
    pub path: String,
    pub kind: DiffKind,
    /// The content on disk (`None` when missing).
    pub on_disk: Option<Vec<u8>>,
    /// What would be generated (`None` when stale).
    pub expected: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CheckedPackage {
    pub dir: PathBuf,
    pub recovered: Recovery,
    /// Sorted by path.
    pub differences: Vec<Difference>,
    pub notes: Vec<String>,
}

/// Compares the package directory with `files`. An interrupted write is recovered first
/// (under the package lock), so what is compared is what any later run would see.
pub fn check_package(dir: &Path, files: &[GeneratedFile]) -> io::Result<CheckedPackage> {
    let mut out = CheckedPackage {
        dir: dir.to_path_buf(),
        recovered: Recovery::Clean,
        differences: Vec::new(),
        notes: Vec::new(),
    };
    if !dir.is_dir() {
        out.differences = files
            .iter()
            .map(|f| Difference {
                path: f.path.clone(),
                kind: DiffKind::Missing,
                on_disk: None,
                expected: Some(f.contents.clone()),
            })
            .collect();
        out.differences.sort_by(|a, b| a.path.cmp(&b.path));
        return Ok(out);
    }
    let lock = Lock::acquire(dir, || {
        eprintln!(
            "waiting for another rpcforge process writing {}",
            dir.display()
        )
    })?;
    out.recovered = txn::recover(&lock)?;
    for f in files {
        let (kind, on_disk) = match probe(dir, &f.path)? {
            Probe::File(bytes) if bytes == f.contents.as_bytes() => continue,
            Probe::File(bytes) => (DiffKind::Changed, Some(bytes)),
            _ => (DiffKind::Missing, None),
        };
        out.differences.push(Difference {
            path: f.path.clone(),
            kind,
            on_disk,
            expected: Some(f.contents.clone()),
        });
    }
    match txn::read_manifest(dir)? {
        Ok(Some(manifest)) => {
            for path in manifest.files.keys() {
                if files.iter().any(|f| &f.path == path) {
                    continue;
                }
                if let Probe::File(bytes) = probe(dir, path)? {
                    out.differences.push(Difference {
                        path: path.clone(),
                        kind: DiffKind::Stale,
                        on_disk: Some(bytes),
                        expected: None,
                    });
                }
            }
        }
        Ok(None) => {}
        Err(reason) => out.notes.push(format!(
            "{}: {reason}; stale generated files cannot be detected",
            super::MANIFEST_FILE
        )),
    }
    out.differences.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

impl Difference {
    fn on_disk_text(&self) -> String {
        self.on_disk
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    /// A unified diff from the file on disk to the file that would be generated, with
    /// `shown` (the file's path as the user named it) in the headers.
    pub fn unified(&self, shown: &str) -> String {
        let old = self.on_disk_text();
        let new = self.expected.clone().unwrap_or_default();
        let a = if self.on_disk.is_some() {
            format!("a/{shown}")
        } else {
            "/dev/null".to_string()
        };
        let b = if self.expected.is_some() {
            format!("b/{shown}")
        } else {
            "/dev/null".to_string()
        };
        let diff = TextDiff::from_lines(&old, &new);
        let mut text = diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        if text.is_empty() {
            // Same text but different bytes (invalid UTF-8 on disk): still a difference.
            text = format!("--- {a}\n+++ {b}\n(binary content differs)\n");
        }
        text
    }

    /// The first line (1-based) of the file on disk where it differs, for annotations.
    pub fn first_changed_line(&self) -> Option<usize> {
        self.on_disk.as_ref()?;
        let old = self.on_disk_text();
        let new = self.expected.clone().unwrap_or_default();
        let diff = TextDiff::from_lines(&old, &new);
        let op = diff.ops().iter().find(|op| op.tag() != DiffTag::Equal)?;
        let line = op.old_range().start + 1;
        Some(line.min(old.lines().count().max(1)))
    }

    pub fn summary(&self) -> &'static str {
        match self.kind {
            DiffKind::Missing => "missing: would be generated",
            DiffKind::Changed => "stale: differs from what would be generated",
            DiffKind::Stale => "no longer generated: would be deleted",
        }
    }
}

/// Escapes the message of a GitHub Actions workflow command.
pub fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (`file=`, `title=`) of a GitHub Actions workflow command.
pub fn github_escape_property(s: &str) -> String {
    github_escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
}
