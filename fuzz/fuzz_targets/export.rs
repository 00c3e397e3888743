//! Names and messages from a tenant, separated by NUL, in a connection summary: the CSV reads
//! back with no formula cell and the HTML keeps its own markup.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mailferry_core::fuzzing::export(data));
