//! Graph `$batch` answers: each kept answer belongs to a request sent, and each is explained
//! (code, request id, wait) without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        mailferry_core::fuzzing::batch_answer(text);
    }
});
