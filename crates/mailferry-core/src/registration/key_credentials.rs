//! Which of an application's `keyCredentials` is which certificate (docs/microsoft-contract.md).
//! Microsoft writes `customKeyIdentifier` in two forms: uploaded without one, Entra sets it to
//! the SHA-1 thumbprint as 40 upper-case hex characters (Microsoft's "Add a certificate to an
//! app using Microsoft Graph"); older tools wrote base64 of the 20 hash bytes. Both are
//! accepted, case-insensitively. Surest of all is the certificate itself: a single-object read
//! with `$select=keyCredentials` returns each `key` (base64 DER), hashed here.

use base64::Engine;
use chrono::{DateTime, Utc};

use crate::certs::{hex_upper, sha1_thumbprint, CertificateInfo};
use crate::graph::KeyCredential;

/// The `keyId` Mailferry gives a certificate it uploads, made from its SHA-1 thumbprint: a
/// `keyCredential`'s `keyId` may be set by the client (keyCredential resource type: "The unique
/// identifier (GUID) for the key"), and one derived from the certificate lets Mailferry name it
/// in a later `removeKey` without reading the application, which its own token may not do.
pub fn key_id_for(sha1_hex: &str) -> uuid::Uuid {
    const MAILFERRY_KEYS: uuid::Uuid = uuid::uuid!("5d1b1c0e-8f0a-4c1e-9a57-6d61696c6665");
    uuid::Uuid::new_v5(&MAILFERRY_KEYS, sha1_hex.trim().to_ascii_uppercase().as_bytes())
}

/// The certificate's bytes, when Microsoft returned them (`key` is null in lists).
fn key_bytes(key: &KeyCredential) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(key.key.as_deref()?.trim()).ok()
}

/// The SHA-1 thumbprint (upper-case hex) that `customKeyIdentifier` names, in either form.
fn identifier_thumbprint(identifier: &str) -> Option<String> {
    let identifier = identifier.trim();
    if identifier.len() == 40 && identifier.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(identifier.to_ascii_uppercase());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(identifier).ok()?;
    (bytes.len() == 20).then(|| hex_upper(&bytes))
}

/// The SHA-1 thumbprint of one `keyCredentials` entry: from its certificate when Microsoft
/// returned it, else from its `customKeyIdentifier`.
pub fn thumbprint(key: &KeyCredential) -> Option<String> {
    if let Some(der) = key_bytes(key) {
        return Some(sha1_thumbprint(&der));
    }
    identifier_thumbprint(key.custom_key_identifier.as_deref()?)
}

/// Whether the entry is the certificate whose SHA-1 thumbprint is `sha1_hex`.
pub fn is_certificate(key: &KeyCredential, sha1_hex: &str) -> bool {
    thumbprint(key).is_some_and(|t| t.eq_ignore_ascii_case(sha1_hex.trim()))
}

/// A still-valid certificate of the application that Mailferry holds with its key: it can
/// prove possession for `addKey`.
pub fn held_certificate(keys: &[KeyCredential], stored: &[CertificateInfo], now: DateTime<Utc>) -> Option<String> {
    keys.iter().filter(|key| key.ends().is_some_and(|end| end > now)).find_map(|key| {
        stored
            .iter()
            .find(|c| c.not_after > now && is_certificate(key, &c.sha1_thumbprint))
            .map(|c| c.sha1_thumbprint.clone())
    })
}

/// The application's current certificates, to be written back unchanged by a PATCH of
/// `keyCredentials` (which replaces the whole list): an entry without its certificate bytes
/// cannot be written back, so it is named instead and nothing is changed.
pub fn kept_as_they_are(keys: &[KeyCredential]) -> Result<Vec<KeyCredential>, String> {
    match keys.iter().find(|key| key_bytes(key).is_none()) {
        Some(key) => Err(key.display_name.clone().or(key.key_id.clone()).unwrap_or_else(|| "a certificate".into())),
        None => Ok(keys.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: &str = "BB5D1064437D8720A5C53078185E6A361A78B10A";

    fn named(identifier: &str) -> KeyCredential {
        KeyCredential { custom_key_identifier: Some(identifier.into()), ..KeyCredential::default() }
    }

    #[test]
    fn the_hex_identifier_entra_sets_is_recognised_in_any_case() {
        assert!(is_certificate(&named(SHA1), SHA1));
        assert!(is_certificate(&named(&SHA1.to_lowercase()), SHA1));
        assert!(is_certificate(&named(SHA1), &SHA1.to_lowercase()));
        assert!(!is_certificate(&named(SHA1), "0000000000000000000000000000000000000000"));
    }

    #[test]
    fn the_older_base64_identifier_of_the_hash_bytes_is_recognised_too() {
        let bytes: Vec<u8> = (0..20).map(|i| u8::from_str_radix(&SHA1[2 * i..2 * i + 2], 16).unwrap_or(0)).collect();
        assert!(is_certificate(&named(&base64::engine::general_purpose::STANDARD.encode(bytes)), SHA1));
    }

    #[test]
    fn the_certificate_bytes_win_over_whatever_the_identifier_says() {
        let der = b"not really a certificate, but bytes all the same".to_vec();
        let sha1 = sha1_thumbprint(&der);
        let key = KeyCredential { key: Some(base64::engine::general_purpose::STANDARD.encode(&der)), ..named(SHA1) };
        assert!(is_certificate(&key, &sha1));
        assert!(!is_certificate(&key, SHA1));
    }

    #[test]
    fn an_identifier_of_another_shape_names_no_certificate() {
        assert_eq!(thumbprint(&named("my own label")), None);
        assert_eq!(thumbprint(&KeyCredential::default()), None);
    }

    #[test]
    fn certificates_are_written_back_whole_or_not_at_all() {
        let whole = KeyCredential { key_id: Some("k1".into()), key: Some("AAAA".into()), ..named(SHA1) };
        assert_eq!(kept_as_they_are(std::slice::from_ref(&whole)), Ok(vec![whole.clone()]));
        let listed = KeyCredential {
            key_id: Some("k2".into()),
            display_name: Some("CN=Listed".into()),
            ..KeyCredential::default()
        };
        assert_eq!(kept_as_they_are(&[whole, listed]), Err("CN=Listed".to_owned()));
    }

    #[test]
    fn an_expired_certificate_cannot_prove_possession() {
        let now = Utc::now();
        let key = KeyCredential { end_date_time: Some("2020-01-01T00:00:00Z".into()), ..named(SHA1) };
        let stored = CertificateInfo {
            subject: "CN=x".into(),
            issuer: "CN=x".into(),
            serial: "01".into(),
            not_before: now - chrono::Duration::days(1),
            not_after: now + chrono::Duration::days(1),
            key_algorithm: "RSA".into(),
            key_bits: 2048,
            sha1_thumbprint: SHA1.into(),
            sha256_thumbprint: String::new(),
            x5t: String::new(),
            x5t_s256: String::new(),
        };
        assert_eq!(held_certificate(std::slice::from_ref(&key), std::slice::from_ref(&stored), now), None);
        let valid = KeyCredential { end_date_time: Some((now + chrono::Duration::days(1)).to_rfc3339()), ..key };
        assert_eq!(held_certificate(&[valid], &[stored], now), Some(SHA1.to_owned()));
    }
}
