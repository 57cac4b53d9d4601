//! Reading: any bytes give a document or an input error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = rpcforge::schema::parse_document(text, "fuzz.json");
    }
});
