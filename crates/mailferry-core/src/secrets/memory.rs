use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::{SecretKey, SecretStore};
use crate::{Error, Result};

/// Keeps secrets in process memory. For unit tests of logic that only needs *a* store; the
/// application itself always uses [`super::KeyringStore`].
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
    /// When set, every call fails as an unreachable keychain would.
    unavailable: std::sync::atomic::AtomicBool,
}

impl MemorySecretStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.store(unavailable, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn len(&self) -> usize {
        self.lock().map(|entries| entries.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Zeroizing<Vec<u8>>>>> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::KeychainUnavailable { detail: "the test keychain is switched off".into() });
        }
        self.entries.lock().map_err(|_| Error::Internal("secret store lock poisoned".into()))
    }
}

impl SecretStore for MemorySecretStore {
    fn put(&self, key: &SecretKey, secret: &[u8]) -> Result<()> {
        self.lock()?.insert(key.account(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.lock()?.get(&key.account()).cloned())
    }

    fn delete(&self, key: &SecretKey) -> Result<bool> {
        Ok(self.lock()?.remove(&key.account()).is_some())
    }
}
