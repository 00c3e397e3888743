//! Whatever a browser, or any other local program, sends to the loopback sign-in port: only a
//! request carrying the sign-in's own state is taken as the redirect, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mailferry_core::fuzzing::loopback_request(data));
