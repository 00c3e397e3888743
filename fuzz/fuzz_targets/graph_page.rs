//! Graph collection pages, optionally preceded by a status ("200 {…}"): a next link that is
//! followed stays on Graph's origin and versions and never returns to a page already read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (status, body) = mailferry_fuzz::status_and_body(text);
        mailferry_core::fuzzing::graph_page(status, body);
    }
});
