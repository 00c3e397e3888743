//! Certificates for Entra ID app credentials: generated (RSA-2048, 5 years), imported (PFX/P12,
//! PEM, DER), inspected, and kept in the certificate store (key in the OS keychain, public
//! certificate in the data folder).

mod generate;
mod import;
mod store;

pub use generate::{generate, new_key, new_key_off_thread, self_signed, subject_name, VALIDITY_YEARS};
pub use import::{import, import_file, Imported};
pub use store::CertificateStore;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha1::Digest as _;
use ts_rs::TS;
use x509_parser::prelude::*;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// What Mailferry shows about a certificate. Never holds key material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// Serial number, hexadecimal.
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub key_algorithm: String,
    pub key_bits: u32,
    /// SHA-1 of the DER certificate, 40 hex upper case: the "Thumbprint" Entra ID shows.
    pub sha1_thumbprint: String,
    pub sha256_thumbprint: String,
    /// base64url SHA-1, the `x5t` JWT header.
    pub x5t: String,
    /// base64url SHA-256, the `x5t#S256` JWT header.
    #[serde(rename = "x5tS256")]
    #[ts(rename = "x5tS256")]
    pub x5t_s256: String,
}

/// What the wizard's Import shows: the stored certificate, and what to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportedCertificate {
    pub info: CertificateInfo,
    pub warnings: Vec<String>,
}

/// A certificate with its private key (PKCS#8 DER, wiped from memory when dropped).
pub struct KeyedCertificate {
    pub der: Vec<u8>,
    pub key_pkcs8: Zeroizing<Vec<u8>>,
    pub info: CertificateInfo,
}

impl std::fmt::Debug for KeyedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyedCertificate").field("info", &self.info).field("key_pkcs8", &"[redacted]").finish()
    }
}

pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The SHA-1 thumbprint of a DER certificate as Entra ID shows it: 40 upper-case hex characters.
pub fn sha1_thumbprint(der: &[u8]) -> String {
    hex_upper(&sha1::Sha1::digest(der))
}

pub(crate) fn certificate_error(message: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::Certificate { message: message.into(), hint: hint.into() }
}

/// Reads subject, validity, key and thumbprints of a DER certificate.
pub fn inspect(der: &[u8]) -> Result<CertificateInfo> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| {
        certificate_error(
            format!("This is not an X.509 certificate ({e})."),
            "Choose the certificate file (.cer, .crt, .pem) or a .pfx/.p12 with its key.",
        )
    })?;
    let to_utc = |t: ASN1Time| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or_default();
    let (key_algorithm, key_bits) = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => ("RSA".to_owned(), rsa.key_size() as u32),
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => ("ECDSA".to_owned(), ec.key_size() as u32),
        Ok(other) => (format!("{other:?}").split('(').next().unwrap_or("unknown").to_owned(), 0),
        Err(_) => ("unknown".to_owned(), 0),
    };
    let sha1 = sha1::Sha1::digest(der);
    let sha256 = sha2::Sha256::digest(der);
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        serial: cert.raw_serial_as_string().replace(':', "").to_uppercase(),
        not_before: to_utc(cert.validity().not_before),
        not_after: to_utc(cert.validity().not_after),
        key_algorithm,
        key_bits,
        sha1_thumbprint: sha1_thumbprint(der),
        sha256_thumbprint: hex_upper(&sha256),
        x5t: URL_SAFE_NO_PAD.encode(sha1),
        x5t_s256: URL_SAFE_NO_PAD.encode(sha256),
    })
}

/// The certificate's public key as PKCS#1 `RSAPublicKey` DER, to compare with a private key.
fn rsa_public_key(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    matches!(cert.public_key().parsed(), Ok(x509_parser::public_key::PublicKey::RSA(_)))
        .then(|| cert.public_key().subject_public_key.data.to_vec())
}

/// `thumbprint` as typed (40 hex SHA-1 or 64 hex SHA-256, separators ignored), upper case.
pub fn normalize_thumbprint(input: &str) -> Option<String> {
    let cleaned: String = input.chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>().to_uppercase();
    let only_separators =
        input.chars().all(|c| c.is_ascii_hexdigit() || c.is_whitespace() || c == ':' || c == '-' || !c.is_ascii());
    (only_separators && matches!(cleaned.len(), 40 | 64)).then_some(cleaned)
}
