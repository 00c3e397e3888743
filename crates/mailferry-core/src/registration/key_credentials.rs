//! Which of an application's `keyCredentials` is which certificate (docs/microsoft-contract.md).
//! Microsoft writes `customKeyIdentifier` in two forms: uploaded without one, Entra sets it to the SHA-1 thumbprint as 40 upper-case hex characters (Microsoft's "Add a
//! certificate to an app using Microsoft Graph"); older tools wrote base64 of the 20 hash bytes.
//! Both are accepted, case-insensitively. Surest of all is the certificate itself: a
//! single-object read with `$select=keyCredentials` returns each `key` (base64 DER), hashed here.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use crate::certs::CertificateInfo;

/// The certificate's bytes, when Microsoft returned them (`key` is null in lists).
fn key_bytes(key: &Value) -> Option<Vec<u8>> {
    let text = key.get("key")?.as_str()?;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()
}

/// The SHA-1 thumbprint as 40 upper-case hex characters.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The SHA-1 thumbprint (upper-case hex) that `customKeyIdentifier` names, in either form.
fn identifier_thumbprint(identifier: &str) -> Option<String> {
    let identifier = identifier.trim();
    if identifier.len() == 40 && identifier.chars().all(|c| c.is_ascii_hexdigit()) {
        return Some(identifier.to_ascii_uppercase());
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(identifier).ok()?;
    (bytes.len() == 20).then(|| hex(&bytes))
}

/// The SHA-1 thumbprint of one `keyCredentials` entry: from its certificate when Microsoft
/// returned it, else from its `customKeyIdentifier`.
pub fn thumbprint(key: &Value) -> Option<String> {
    if let Some(der) = key_bytes(key) {
        return Some(hex(&Sha1::digest(&der)));
    }
    identifier_thumbprint(key.get("customKeyIdentifier")?.as_str()?)
}

/// Whether the entry is the certificate whose SHA-1 thumbprint is `sha1_hex`.
pub fn is_certificate(key: &Value, sha1_hex: &str) -> bool {
    thumbprint(key).is_some_and(|t| t.eq_ignore_ascii_case(sha1_hex.trim()))
}

/// A still-valid certificate of the application that Mailferry holds with its key: it can
/// prove possession for `addKey`.
pub fn held_certificate(keys: &[Value], stored: &[CertificateInfo], now: DateTime<Utc>) -> Option<String> {
    keys.iter().find_map(|key| {
        let end: DateTime<Utc> = key["endDateTime"].as_str()?.parse().ok()?;
        if end <= now {
            return None;
        }
        stored
            .iter()
            .find(|c| c.not_after > now && is_certificate(key, &c.sha1_thumbprint))
            .map(|c| c.sha1_thumbprint.clone())
    })
}

/// The application's current certificates written back unchanged, for a PATCH of
/// `keyCredentials` (which replaces the whole list): an entry without its certificate bytes
/// cannot be written back, so it is named instead and nothing is changed.
pub fn kept_as_they_are(keys: &[Value]) -> Result<Vec<Value>, String> {
    keys.iter()
        .map(|key| {
            if key_bytes(key).is_none() {
                let name = key["displayName"].as_str().or(key["keyId"].as_str()).unwrap_or("a certificate");
                return Err(name.to_owned());
            }
            let mut kept = json!({});
            for field in
                ["keyId", "type", "usage", "key", "displayName", "startDateTime", "endDateTime", "customKeyIdentifier"]
            {
                if let Some(value) = key.get(field).filter(|v| !v.is_null()) {
                    kept[field] = value.clone();
                }
            }
            Ok(kept)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: &str = "BB5D1064437D8720A5C53078185E6A361A78B10A";

    #[test]
    fn the_hex_identifier_entra_sets_is_recognised_in_any_case() {
        assert!(is_certificate(&json!({"customKeyIdentifier": SHA1}), SHA1));
        assert!(is_certificate(&json!({"customKeyIdentifier": SHA1.to_lowercase()}), SHA1));
        assert!(is_certificate(&json!({"customKeyIdentifier": SHA1}), &SHA1.to_lowercase()));
        assert!(!is_certificate(&json!({"customKeyIdentifier": SHA1}), "0000000000000000000000000000000000000000"));
    }

    #[test]
    fn the_older_base64_identifier_of_the_hash_bytes_is_recognised_too() {
        let bytes: Vec<u8> = (0..20).map(|i| u8::from_str_radix(&SHA1[2 * i..2 * i + 2], 16).unwrap_or(0)).collect();
        let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(is_certificate(&json!({"customKeyIdentifier": base64}), SHA1));
    }

    #[test]
    fn the_certificate_bytes_win_over_whatever_the_identifier_says() {
        let der = b"not really a certificate, but bytes all the same".to_vec();
        let sha1 = hex(&Sha1::digest(&der));
        let key = json!({
            "customKeyIdentifier": SHA1,
            "key": base64::engine::general_purpose::STANDARD.encode(&der),
        });
        assert!(is_certificate(&key, &sha1));
        assert!(!is_certificate(&key, SHA1));
    }

    #[test]
    fn an_identifier_of_another_shape_names_no_certificate() {
        assert_eq!(thumbprint(&json!({"customKeyIdentifier": "my own label"})), None);
        assert_eq!(thumbprint(&json!({"customKeyIdentifier": null})), None);
    }

    #[test]
    fn certificates_are_written_back_whole_or_not_at_all() {
        let whole = json!({"keyId": "k1", "type": "AsymmetricX509Cert", "usage": "Verify", "key": "AAAA",
            "displayName": "CN=Other tool", "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2027-01-01T00:00:00Z",
            "customKeyIdentifier": SHA1, "@odata.type": "#microsoft.graph.keyCredential"});
        let kept = kept_as_they_are(std::slice::from_ref(&whole)).unwrap_or_default();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["key"], "AAAA");
        assert_eq!(kept[0]["keyId"], "k1");
        assert!(kept[0].get("@odata.type").is_none());
        let listed = json!({"keyId": "k2", "displayName": "CN=Listed", "key": null});
        assert_eq!(kept_as_they_are(&[whole, listed]), Err("CN=Listed".to_owned()));
    }
}
