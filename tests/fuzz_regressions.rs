//! Every input a fuzzer once crashed on (`tests/fuzz_regressions/*.json`, kept by
//! `scripts/fuzz` runs) goes through the whole pipeline again without a panic.

use rpcforge::lang::{Language, PackageOptions};

#[test]
fn fuzz_findings_do_not_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        count += 1;
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Ok(doc) = rpcforge::schema::parse_document(&text, "regression.json") else {
            continue;
        };
        let Ok(n) = rpcforge::ir::normalize(&doc, "regression.json", Some(&text)) else {
            continue;
        };
        let _ = rpcforge::lang::render(
            &n.api,
            &[Language::Typescript, Language::Python],
            &PackageOptions::default(),
        );
    }
    assert!(count > 0, "no regression inputs found in {dir}");
}
