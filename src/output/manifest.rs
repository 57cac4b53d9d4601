//! The manifest: which files of a package directory rpcforge wrote, with their hashes.
//!
//! It lives at `<package>/.rpcforge-manifest.json`. Its content depends only on the
//! generated files (sorted paths, SHA-256 of each), never on the time or the machine, so it
//! is byte-identical across runs and can be committed with the package.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::lang::GeneratedFile;

/// The manifest's file name, at the root of each package directory.
pub const MANIFEST_FILE: &str = ".rpcforge-manifest.json";

/// The staging directory of an unfinished write, at the root of each package directory.
pub const STAGING_DIR: &str = ".rpcforge-staging";

/// The manifest's format version.
const FORMAT: u32 = 1;

/// Path → `sha256:<hex>` of every generated file (the manifest itself excluded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestJson {
    generator: String,
    #[serde(rename = "manifestVersion")]
    manifest_version: u32,
    files: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest of a set of generated files.
    pub fn of(files: &[GeneratedFile]) -> Manifest {
        Manifest {
            files: files
                .iter()
                .map(|f| (f.path.clone(), hash(f.contents.as_bytes())))
                .collect(),
        }
    }

    /// The manifest file's text (pretty JSON, sorted keys, trailing newline).
    pub fn to_json(&self) -> String {
        let json = ManifestJson {
            generator: "rpcforge".to_string(),
            manifest_version: FORMAT,
            files: self.files.clone(),
        };
        serde_json::to_string_pretty(&json).expect("a manifest serializes") + "\n"
    }

    /// Parses a manifest file. Entries whose path is not a plain relative path inside the
    /// package (`..`, absolute, the manifest or staging directory itself) are refused, so a
    /// tampered manifest can never make rpcforge touch a file outside its package.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let json: ManifestJson =
            serde_json::from_str(text).map_err(|e| format!("expected a manifest: {e}"))?;
        if json.manifest_version != FORMAT {
            return Err(format!(
                "expected manifestVersion {FORMAT}, found {}",
                json.manifest_version
            ));
        }
        for (path, digest) in &json.files {
            if !is_package_path(path) {
                return Err(format!(
                    "expected relative paths inside the package, found {path:?}"
                ));
            }
            if !is_hash(digest) {
                return Err(format!(
                    "expected \"sha256:<64 hex digits>\" for {path:?}, found {digest:?}"
                ));
            }
        }
        Ok(Manifest { files: json.files })
    }
}

/// `sha256:<hex>` of some bytes.
pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

fn is_hash(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A `/`-separated relative path of normal components, not the manifest and not inside the
/// staging directory: the only paths rpcforge ever writes or removes in a package.
pub fn is_package_path(path: &str) -> bool {
    if path.is_empty() || path.contains('\\') || path.contains('\0') {
        return false;
    }
    let p = Path::new(path);
    let normal = p.components().all(|c| matches!(c, Component::Normal(_)))
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    normal && path != MANIFEST_FILE && path.split('/').next() != Some(STAGING_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_deterministic() {
        let files = vec![
            GeneratedFile {
                path: "b/x.ts".into(),
                contents: "x".into(),
            },
            GeneratedFile {
                path: "a.json".into(),
                contents: "{}".into(),
            },
        ];
        let m = Manifest::of(&files);
        let text = m.to_json();
        assert_eq!(text, Manifest::of(&files).to_json());
        assert!(text.find("a.json").unwrap() < text.find("b/x.ts").unwrap());
        assert_eq!(Manifest::parse(&text).unwrap(), m);
    }

    #[test]
    fn refuses_paths_outside_the_package() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "",
            ".rpcforge-staging/x",
            MANIFEST_FILE,
            "a//b",
            "./a",
        ] {
            assert!(!is_package_path(bad), "{bad}");
            let text = format!(
                r#"{{"generator":"rpcforge","manifestVersion":1,"files":{{{}:"{}"}}}}"#,
                serde_json::to_string(bad).unwrap(),
                hash(b"")
            );
            assert!(Manifest::parse(&text).is_err(), "{bad}");
        }
        assert!(is_package_path("src/index.ts"));
    }
}
