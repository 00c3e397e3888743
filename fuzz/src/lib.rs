//! Helpers shared by the fuzz targets.

use der::asn1::OctetString;
use der::{Any, Encode, Tag};
use hmac::{KeyInit, Mac};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::pfx::{Pfx, Version};
use pkcs12::{DigestInfo, MacData};

pub const PASSWORD: &str = "password";
const SALT: [u8; 8] = *b"mailfery";
const SHA256: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const DATA: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");

pub fn pfx_around(auth_safe: &[u8]) -> Option<Vec<u8>> {
    let key = derive_key_utf8::<sha2::Sha256>(PASSWORD, &SALT, Pkcs12KeyType::Mac, 1, 32).ok()?;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(auth_safe);
    let digest = mac.finalize().into_bytes();
    let pfx = Pfx {
        version: Version::V3,
        auth_safe: cms::content_info::ContentInfo {
            content_type: DATA,
            content: Any::new(Tag::OctetString, auth_safe).ok()?,
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: spki::AlgorithmIdentifierOwned { oid: SHA256, parameters: None },
                digest: OctetString::new(digest.to_vec()).ok()?,
            },
            mac_salt: OctetString::new(SALT.to_vec()).ok()?,
            iterations: 1,
        }),
    };
    pfx.to_der().ok()
}

/// `"400 {…}"` is a status and a body; anything else is a body answered 200.
pub fn status_and_body(text: &str) -> (u16, &str) {
    match text.split_once(' ') {
        Some((code, body)) if code.len() == 3 => match code.parse() {
            Ok(status) => (status, body),
            Err(_) => (200, text),
        },
        _ => (200, text),
    }
}

#[cfg(test)]
mod tests {
    /// The wrapped seeds import: the MAC is right, so the fuzzer's mutations start past it.
    #[test]
    fn a_seed_wrapped_with_its_mac_imports() {
        for seed in ["plain", "aes", "legacy"] {
            let inner = std::fs::read(format!("corpus/pfx_inner/{seed}.der")).unwrap();
            let pfx = super::pfx_around(&inner).unwrap();
            let imported = mailferry_core::certs::import(&pfx, None, Some(super::PASSWORD));
            assert!(imported.is_ok(), "{seed}: {:?}", imported.err());
        }
    }

    #[test]
    fn a_status_leads_the_body_when_given() {
        assert_eq!(super::status_and_body("400 {}"), (400, "{}"));
        assert_eq!(super::status_and_body("{\"a\": 1}"), (200, "{\"a\": 1}"));
    }
}
