use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, KeyUsagePurpose, SerialNumber, PKCS_RSA_SHA256};
use zeroize::Zeroizing;

use super::{certificate_error, inspect, KeyedCertificate};
use crate::credential_policy::MaxLifetime;
use crate::model::Role;
use crate::Result;

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
}

fn to_time(t: chrono::DateTime<chrono::Utc>) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).ok()
}

/// How long a generated certificate is valid.
pub const VALIDITY_YEARS: i32 = 5;

/// The subject of the certificate Mailferry creates for a role's application.
pub fn subject_name(role: Role) -> &'static str {
    match role {
        Role::Source => "Mailferry Migration Source",
        Role::Target => "Mailferry Migration Target",
    }
}

fn failed(e: rcgen::Error) -> crate::Error {
    certificate_error(
        format!("The certificate could not be generated: {e}"),
        "Try again; if it keeps failing, report it with the log file.",
    )
}

/// A new RSA-2048 key and a self-signed SHA-256 certificate for it: `CN=Mailferry Migration
/// Source` (or Target), a random serial, valid from five minutes ago (clock skew) for five
/// years, key usage digitalSignature. Unique per call.
pub fn generate(role: Role) -> Result<KeyedCertificate> {
    self_signed(new_key()?, role, None)
}

/// A new RSA-2048 key: the slow part (tens to hundreds of milliseconds), made on a blocking
/// thread while Graph is asked how long the certificate may live.
pub fn new_key() -> Result<KeyPair> {
    KeyPair::generate_for(&PKCS_RSA_SHA256).map_err(failed)
}

/// [`new_key`] on a blocking thread, so that an async caller's other work goes on meanwhile.
pub async fn new_key_off_thread() -> Result<KeyPair> {
    tokio::task::spawn_blocking(new_key)
        .await
        .map_err(|e| crate::Error::Internal(format!("the key generation stopped: {e}")))?
}

/// The certificate of [`generate`] for `key`, ending at the latest when a tenant's app
/// management policy says (`cap`), else after five years.
pub fn self_signed(key: KeyPair, role: Role, cap: Option<&MaxLifetime>) -> Result<KeyedCertificate> {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, subject_name(role));
    params.distinguished_name = name;
    // Whole seconds: Entra ID compares keyCredential dates with the certificate's exactly.
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    params.not_before = now - time::Duration::minutes(5);
    params.not_after = now.replace_year(now.year() + VALIDITY_YEARS).unwrap_or(now + time::Duration::days(1826));
    if let Some(cap) = cap {
        let latest = cap.latest_end(to_chrono(params.not_before)).and_then(to_time);
        match latest {
            Some(latest) if latest - now >= time::Duration::days(1) => params.not_after = params.not_after.min(latest),
            _ => {
                return Err(certificate_error(
                    format!(
                        "The tenant's app management policy allows certificates of at most {} (asymmetricKeyLifetime), too short for a migration.",
                        cap.describe()
                    ),
                    "Ask an administrator to allow certificates of at least a few months in the tenant's default app management policy (Microsoft Graph: /policies/defaultAppManagementPolicy), or to assign this application a policy that does.",
                ))
            }
        }
    }
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
