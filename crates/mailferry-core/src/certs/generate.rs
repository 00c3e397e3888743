use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, KeyUsagePurpose, SerialNumber, PKCS_RSA_SHA256};
use zeroize::Zeroizing;

use super::{certificate_error, inspect, KeyedCertificate};
use crate::model::Role;
use crate::Result;

/// How long a generated certificate is valid.
pub const VALIDITY_YEARS: i32 = 5;

/// The subject of the certificate Mailferry creates for a role's application.
pub fn subject_name(role: Role) -> &'static str {
    match role {
        Role::Source => "Mailferry Migration Source",
        Role::Target => "Mailferry Migration Target",
    }
}

/// A new RSA-2048 key and a self-signed SHA-256 certificate for it: `CN=Mailferry Migration
/// Source` (or Target), a random serial, valid from five minutes ago (clock skew) for five
/// years, key usage digitalSignature. Unique per call.
pub fn generate(role: Role) -> Result<KeyedCertificate> {
    let failed = |e: rcgen::Error| {
        certificate_error(
            format!("The certificate could not be generated: {e}"),
            "Try again; if it keeps failing, report it with the log file.",
        )
    };
    let key = KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(failed)?;

    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, subject_name(role));
    params.distinguished_name = name;
    // Whole seconds: Entra ID compares keyCredential dates with the certificate's exactly.
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    params.not_before = now - time::Duration::minutes(5);
    params.not_after = now.replace_year(now.year() + VALIDITY_YEARS).unwrap_or(now + time::Duration::days(1826));
    let mut serial = [0u8; 16];
    aws_lc_rs::rand::fill(&mut serial)
        .map_err(|_| certificate_error("No randomness is available for the serial number.", "Try again."))?;
    serial[0] &= 0x7f; // a positive INTEGER
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];

    let certificate = params.self_signed(&key).map_err(failed)?;
    let der = certificate.der().to_vec();
    let info = inspect(&der)?;
    Ok(KeyedCertificate { der, key_pkcs8: Zeroizing::new(key.serialize_der()), info })
}
