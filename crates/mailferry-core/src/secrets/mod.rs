//! Where secrets live: the OS keychain, behind the `SecretStore` port. Nothing here ever
//! writes a secret anywhere else, and there is no plaintext fallback.

mod keyring_store;
mod memory;

pub use keyring_store::KeyringStore;
pub use memory::MemorySecretStore;

use std::sync::Arc;

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// The service name every Mailferry keychain entry is filed under.
pub const SERVICE: &str = "Mailferry";

/// The service name of the demo cloud's entries: never mixed with real ones, and never found
/// by a real connection whatever its id.
pub const DEMO_SERVICE: &str = "Mailferry Demo";

/// Which secret. A client secret belongs to a connection; a certificate's private key to the
/// certificate (one certificate may serve several connections of the same application).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretKey {
    ClientSecret(Uuid),
    /// By the data folder's identity and the certificate's SHA-1 thumbprint (upper case): two
    /// data folders holding the same certificate never delete each other's key.
    CertificateKey {
        folder: String,
        sha1: String,
    },
    /// The name keys had before they named their data folder; read (and copied to the new
    /// name) so that keys kept by an earlier Mailferry are still found.
    LegacyCertificateKey(String),
    /// The password of the proxy in Settings, per data folder.
    ProxyPassword {
        folder: String,
    },
}

impl SecretKey {
    pub fn client_secret(connection: Uuid) -> SecretKey {
        SecretKey::ClientSecret(connection)
    }

    pub fn certificate_key(folder: &str, sha1_thumbprint: &str) -> SecretKey {
        SecretKey::CertificateKey { folder: folder.to_owned(), sha1: sha1_thumbprint.to_ascii_uppercase() }
    }

    /// The keychain account name: `connection/<uuid>/client-secret`,
    /// `certificate/<folder>/<SHA-1>/private-key`, the legacy `certificate/<SHA-1>/private-key`,
    /// or `proxy/<folder>/password`.
    pub fn account(&self) -> String {
        match self {
            SecretKey::ClientSecret(id) => format!("connection/{id}/client-secret"),
            SecretKey::CertificateKey { folder, sha1 } => format!("certificate/{folder}/{sha1}/private-key"),
            SecretKey::LegacyCertificateKey(sha1) => format!("certificate/{sha1}/private-key"),
            SecretKey::ProxyPassword { folder } => format!("proxy/{folder}/password"),
        }
    }
}

/// A place that keeps secrets. Calls may block (D-Bus, Keychain Services): async callers run
/// them on a blocking thread.
pub trait SecretStore: Send + Sync {
    fn put(&self, key: &SecretKey, secret: &[u8]) -> Result<()>;
    fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<Vec<u8>>>>;
    /// Returns whether there was something to delete.
    fn delete(&self, key: &SecretKey) -> Result<bool>;
}

/// Runs keychain calls on a blocking thread: they may wait on D-Bus or Keychain Services.
pub async fn on_blocking_thread<T: Send + 'static>(
    vault: &Arc<dyn SecretStore>,
    f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
) -> Result<T> {
    let vault = Arc::clone(vault);
    tokio::task::spawn_blocking(move || f(vault.as_ref()))
        .await
        .map_err(|e| Error::Internal(format!("keychain task failed: {e}")))?
}
