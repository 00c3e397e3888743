//! OpenID configuration documents: a tenant id read from one is always a GUID.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        mailferry_core::fuzzing::metadata_answer(text);
    }
});
