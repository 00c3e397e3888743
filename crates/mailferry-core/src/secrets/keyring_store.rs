use keyring::Entry;
use zeroize::Zeroizing;

use super::{SecretKey, SecretStore, SERVICE};
use crate::{Error, Result};

/// The OS keychain through keyring 3: Windows Credential Manager, macOS Keychain, or the
/// Secret Service on Linux. Values are stored as raw bytes (`set_secret`), which keeps key
/// material within Windows' 2560-byte credential limit.
#[derive(Debug, Default, Clone)]
pub struct KeyringStore;

impl KeyringStore {
    pub fn new() -> Self {
        KeyringStore
    }

    fn entry(key: &SecretKey) -> Result<Entry> {
        Entry::new(SERVICE, &key.account()).map_err(map_error)
    }
}

impl SecretStore for KeyringStore {
    fn put(&self, key: &SecretKey, secret: &[u8]) -> Result<()> {
        Self::entry(key)?.set_secret(secret).map_err(map_error)
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match Self::entry(key)?.get_secret() {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn delete(&self, key: &SecretKey) -> Result<bool> {
        match Self::entry(key)?.delete_credential() {
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
