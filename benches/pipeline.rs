//! `cargo bench`: each stage of `rpcforge generate-clients`, in process, on the five bundled
//! examples and on the synthetic documents of `scripts/bench` (N = 10, 100, 1000, 5000
//! methods; made by `scripts/bench_schema.py` into `target/bench/docs/`, or the directory in
//! `RPCFORGE_BENCH_DOCS`). Documents that are not there are left out, with a note.
//!
//!   parse_document   JSON text -> SourceDocument (syntax, format detection, typed decoding)
//!   normalize        SourceDocument -> IR (refs, interning, naming)
//!   render_*         IR -> the files of one package, in memory
//!   pipeline         all of it from the file on disk, both languages (writing excepted)
//!
//! Run one stage or size: `cargo bench --bench pipeline -- normalize`, `... -- n1000`.
//! The whole binary (with writing, peak memory and the comparison with django-ipc) is timed
//! by `scripts/bench`.

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::Bencher;
use rpcforge::ir::{self, Normalized};
use rpcforge::lang::{self, Language, PackageOptions};
use rpcforge::schema::{self, SourceDocument};

fn main() {
    divan::main();
}

const EXAMPLES: [&str; 5] = ["chat", "dashboard", "ecommerce", "game", "notifications"];
const SIZES: [usize; 4] = [10, 100, 1000, 5000];

struct Doc {
    label: &'static str,
    path: PathBuf,
    file: String,
    text: String,
    source: OnceLock<SourceDocument>,
    normalized: OnceLock<Normalized>,
}

impl Doc {
    fn source(&self) -> &SourceDocument {
        self.source.get_or_init(|| {
            schema::parse_document(&self.text, &self.file)
                .unwrap_or_else(|e| panic!("{}: {e}", self.file))
        })
    }

    fn normalized(&self) -> &Normalized {
        self.normalized.get_or_init(|| {
            ir::normalize(self.source(), &self.file, Some(&self.text))
                .unwrap_or_else(|e| panic!("{}: {e}", self.file))
        })
    }
}

fn docs() -> &'static [Doc] {
    static DOCS: OnceLock<Vec<Doc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let generated = std::env::var_os("RPCFORGE_BENCH_DOCS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/bench/docs"));
        let mut found = Vec::new();
        for name in EXAMPLES {
            found.push((
                format!("ex_{name}"),
                root.join(format!("examples/{name}/{name}.rpc.json")),
            ));
        }
        for n in SIZES {
            let path = generated.join(format!("bench_{n}.rpc.json"));
            if path.is_file() {
                found.push((format!("n{n}"), path));
            } else {
                eprintln!(
                    "note: {} is missing: run scripts/bench (or scripts/bench --docs-only) to \
                     generate the synthetic documents",
                    path.display()
                );
            }
        }
        found
            .into_iter()
            .map(|(label, path)| Doc {
                label: Box::leak(label.into_boxed_str()),
                file: path.display().to_string(),
                text: std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
                path,
                source: OnceLock::new(),
                normalized: OnceLock::new(),
            })
            .collect()
    })
}

fn doc(label: &str) -> &'static Doc {
    docs()
        .iter()
        .find(|d| d.label == label)
        .expect("a known label")
}

fn labels() -> Vec<&'static str> {
    docs().iter().map(|d| d.label).collect()
}

/// The documents a backend renders (none while it is not written yet).
fn renderable(language: Language) -> Vec<&'static str> {
    docs()
        .iter()
        .filter(
            |d| match lang::render(&d.normalized().api, &[language], &options()) {
                Ok(_) => true,
                Err(e) => {
                    eprintln!(
                        "note: render_{}: {}: skipped: {e:#}",
                        language.dir_name(),
                        d.label
                    );
                    false
                }
            },
        )
        .map(|d| d.label)
        .collect()
}

fn options() -> PackageOptions {
    PackageOptions::default()
}

#[divan::bench(args = labels(), sample_count = 25, max_time = 8)]
fn parse_document(bencher: Bencher, label: &str) {
    let d = doc(label);
    bencher.bench(|| schema::parse_document(&d.text, &d.file).expect("valid"));
}

#[divan::bench(args = labels(), sample_count = 25, max_time = 8)]
fn normalize(bencher: Bencher, label: &str) {
    let d = doc(label);
    let source = d.source();
    bencher.bench(|| ir::normalize(source, &d.file, Some(&d.text)).expect("valid"));
}

/// Reading and normalizing as the CLI does: named schemas decoded lazily from the text.
#[divan::bench(args = labels(), sample_count = 25, max_time = 8)]
fn normalize_text(bencher: Bencher, label: &str) {
    let d = doc(label);
    bencher.bench(|| ir::normalize_text(&d.text, &d.file).expect("valid"));
}

#[divan::bench(args = renderable(Language::Typescript), sample_count = 25, max_time = 8)]
fn render_typescript(bencher: Bencher, label: &str) {
    let api = &doc(label).normalized().api;
    bencher.bench(|| lang::render(api, &[Language::Typescript], &options()).expect("renders"));
}

#[divan::bench(args = renderable(Language::Python), sample_count = 25, max_time = 8)]
fn render_python(bencher: Bencher, label: &str) {
    let api = &doc(label).normalized().api;
    bencher.bench(|| lang::render(api, &[Language::Python], &options()).expect("renders"));
}

/// Read, normalize (as the CLI does) and render both languages, from the file on disk.
#[divan::bench(args = labels(), sample_count = 25, max_time = 8)]
fn pipeline(bencher: Bencher, label: &str) {
    let d = doc(label);
    let languages = [Language::Typescript, Language::Python];
    bencher.bench(|| {
        let text = std::fs::read_to_string(&d.path).expect("readable");
        let normalized = ir::normalize_text(&text, &d.file).expect("valid");
        // Both languages on this thread (the CLI renders them on two).
        lang::render(&normalized.api, &languages, &options()).expect("renders")
    });
}
