//! Any text in every field of the Application details step: validation answers with a value
//! or a field issue, never a panic, and a valid thumbprint is always 40 upper-case hex.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailferry_core::{certs, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(thumbprint) = validate::certificate_thumbprint(text) {
        assert!(thumbprint.len() == 40 && thumbprint.chars().all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
    }
    if let Ok(guid) = validate::client_id(text) {
        assert_eq!(validate::parse_guid(&guid), Some(guid.clone()));
    }
    let _ = validate::tenant(text);
    let _ = validate::application_mailbox(text);
    let _ = validate::client_secret(text);
    let _ = validate::connection_name(text);
    let _ = certs::normalize_thumbprint(text);
});
