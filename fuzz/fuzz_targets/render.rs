//! Rendering: any normalized API renders both packages without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpcforge::lang::{Language, PackageOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(doc) = rpcforge::schema::parse_document(text, "fuzz.json") else { return };
    let Ok(normalized) = rpcforge::ir::normalize(&doc, "fuzz.json", Some(text)) else { return };
    let _ = rpcforge::lang::render(
        &normalized.api,
        &[Language::Typescript, Language::Python],
        &PackageOptions::default(),
    );
});
