//! The contents of a PFX behind its MAC: the fuzzer's bytes are the authenticated safe, and
//! the target wraps them in a PFX whose MAC is right for the password, so every mutation
//! reaches the inner parsers (bags, PBES2 parameters and their iteration counts, the key and
//! the certificate) instead of stopping at the MAC check. The importer answers with a
//! certificate or an error, never a panic and never an unbounded key derivation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailferry_fuzz::{pfx_around, PASSWORD};

fuzz_target!(|data: &[u8]| {
    if let Some(pfx) = pfx_around(data) {
        let _ = mailferry_core::certs::import(&pfx, None, Some(PASSWORD));
    }
});
