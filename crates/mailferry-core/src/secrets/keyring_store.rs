use keyring::Entry;
use zeroize::Zeroizing;

use super::{SecretKey, SecretStore, SERVICE};
use crate::{Error, Result};

/// The OS keychain through keyring 3: Windows Credential Manager, macOS Keychain, or the
/// Secret Service on Linux. Values are stored as raw bytes (`set_secret`), which keeps key
/// material within Windows' 2560-byte credential limit.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    /// The service every entry is filed under: a namespace, which keeps the demo's entries
    /// apart from real ones.
    service: &'static str,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

impl KeyringStore {
    /// Entries under Mailferry's service name.
    pub fn new() -> Self {
        KeyringStore { service: SERVICE }
    }

    /// Entries under another service name ([`super::DEMO_SERVICE`] for the demo).
    pub fn for_service(service: &'static str) -> Self {
        KeyringStore { service }
    }

    pub fn service(&self) -> &'static str {
        self.service
    }

    fn entry(&self, key: &SecretKey) -> Result<Entry> {
        Entry::new(self.service, &key.account()).map_err(map_error)
    }
}

/// Windows Credential Manager keeps at most this many bytes in one entry
/// (`CRED_MAX_CREDENTIAL_BLOB_SIZE`); keyring refuses more with `TooLong`. A 4096-bit RSA key
/// (about 2,380 bytes as PKCS#8) fits; an 8192-bit one (about 4,760) does not.
pub const WINDOWS_ENTRY_LIMIT: usize = 2560;

/// The most one entry of this platform's keychain holds, where there is a known limit.
fn entry_limit() -> Option<usize> {
    cfg!(windows).then_some(WINDOWS_ENTRY_LIMIT)
}

/// Refuses, before the keychain is touched, a value larger than one entry of it can hold:
/// the user learns what is too large and what to use instead, not "the keychain refused".
pub fn check_entry_size(key: &SecretKey, bytes: usize, limit: Option<usize>) -> Result<()> {
    match limit {
        Some(limit) if bytes > limit => Err(too_large(key, bytes, limit)),
        _ => Ok(()),
    }
}

fn too_large(key: &SecretKey, bytes: usize, limit: usize) -> Error {
    let what = match key {
        SecretKey::ClientSecret(_) => "client secret".to_owned(),
        SecretKey::CertificateKey { sha1, .. } | SecretKey::LegacyCertificateKey(sha1) => {
            format!("private key of certificate {sha1}")
        }
        SecretKey::ProxyPassword { .. } => "proxy password".to_owned(),
    };
    Error::KeychainEntryTooLarge { what, bytes, limit }
}

impl SecretStore for KeyringStore {
    fn put(&self, key: &SecretKey, secret: &[u8]) -> Result<()> {
        check_entry_size(key, secret.len(), entry_limit())?;
        self.entry(key)?.set_secret(secret).map_err(|error| match error {
            // The platform's own limit, should it be lower than the one known here.
            keyring::Error::TooLong(_, limit) => too_large(key, secret.len(), limit as usize),
            other => map_error(other),
        })
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match self.entry(key)?.get_secret() {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn delete(&self, key: &SecretKey) -> Result<bool> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// keyring's errors describe the platform, never the secret, so their text is safe to show.
fn map_error(error: keyring::Error) -> Error {
    match error {
        keyring::Error::PlatformFailure(e) => {
            Error::KeychainUnavailable { detail: describe_platform_failure(&e.to_string()) }
        }
        keyring::Error::NoStorageAccess(e) => {
            Error::KeychainUnavailable { detail: format!("the keychain is locked or access was refused ({e})") }
        }
        other => Error::Keychain { detail: other.to_string() },
    }
}

fn describe_platform_failure(raw: &str) -> String {
    if raw.contains("autolaunch")
        || raw.contains("DBUS_SESSION_BUS_ADDRESS")
        || raw.contains("Failed to connect to socket")
    {
        format!("no D-Bus session bus is running, so no Secret Service can be reached ({raw})")
    } else if raw.contains("org.freedesktop.secrets") || raw.contains("ServiceUnknown") {
        format!("no Secret Service (such as GNOME Keyring) is running on the session bus ({raw})")
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_larger_than_a_keychain_entry_is_named_with_its_size_and_what_to_use() {
        let key = SecretKey::certificate_key("folder", "3b7e115a90c4d2e81f00aabbccddeeff01234567");
        let limit = Some(WINDOWS_ENTRY_LIMIT);
        // A 4096-bit key fits Windows Credential Manager; an 8192-bit one does not.
        assert!(check_entry_size(&key, 2_374, limit).is_ok());
        let error = check_entry_size(&key, 4_760, limit).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::KeychainEntryTooLarge);
        assert_eq!(
            error.to_string(),
            "The private key of certificate 3B7E115A90C4D2E81F00AABBCCDDEEFF01234567 is 4760 bytes, more than the 2560 bytes the OS keychain keeps in one entry"
        );
        assert!(error.hint().unwrap_or_default().contains("4096 bits or fewer"));
        // Where the keychain has no known limit (macOS, the Secret Service), nothing is refused.
        assert!(check_entry_size(&key, 1 << 20, None).is_ok());
    }
}
