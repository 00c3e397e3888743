//! Any bytes, as a PFX/PEM/DER file with or without a password, and split into a certificate
//! file and a key file: the importer answers with a certificate or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailferry_core::certs::import;

fuzz_target!(|data: &[u8]| {
    let _ = import(data, None, None);
    let _ = import(data, None, Some("password"));
    if data.len() > 2 {
        let (first, second) = data.split_at(data.len() / 2);
        let _ = import(first, Some(second), None);
    }
});
