//! A Custom cloud's login and Graph URLs (one per line), as typed in the wizard, the CLI or
//! the environment: an accepted pair sends requests only to the host it names, over https
//! (http only to this computer), with no user info, query or fragment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        mailferry_core::fuzzing::custom_cloud(text);
    }
});
