//! What the simulator needs to know about uploaded certificates.

use chrono::{DateTime, Utc};
use x509_parser::prelude::*;

/// NotBefore and NotAfter of a DER certificate.
pub fn validity(der: &[u8]) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let to_utc = |t: ASN1Time| DateTime::from_timestamp(t.timestamp(), 0).ok_or("certificate date out of range");
    Ok((to_utc(cert.validity().not_before)?, to_utc(cert.validity().not_after)?))
}

/// The RSA public key of a certificate, as PKCS#1 DER, and its size in bits.
pub fn rsa_public_key(der: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => Ok((spki.subject_public_key.data.to_vec(), rsa.key_size())),
        Ok(_) => Err("the certificate's key is not RSA".into()),
        Err(e) => Err(format!("the certificate's public key cannot be read: {e}")),
    }
}
