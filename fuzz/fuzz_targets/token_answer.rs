//! Answers of the token and device code endpoints, optionally preceded by a status ("400 {…}"):
//! read as a token or explained as a refusal, never a panic, and an access token in the answer
//! is never repeated in an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (status, body) = mailferry_fuzz::status_and_body(text);
        mailferry_core::fuzzing::token_answer(status, body);
    }
});
