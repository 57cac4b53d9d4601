//! Normalizing: any readable document gives an API or an input error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(doc) = rpcforge::schema::parse_document(text, "fuzz.json") {
        let _ = rpcforge::ir::normalize(&doc, "fuzz.json", Some(text));
    }
});
