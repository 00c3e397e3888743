//! Where secrets live: the OS keychain, behind the `SecretStore` port. Nothing here ever
//! writes a secret anywhere else, and there is no plaintext fallback.

mod keyring_store;
mod memory;

pub use keyring_store::KeyringStore;
pub use memory::MemorySecretStore;

use uuid::Uuid;
use zeroize::Zeroizing;

use crate::Result;

/// The service name every Mailferry keychain entry is filed under.
pub const SERVICE: &str = "Mailferry";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    ClientSecret,
    CertificateKey,
}

/// Which secret: one per connection and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub connection: Uuid,
    pub kind: SecretKind,
}

impl SecretKey {
    pub fn client_secret(connection: Uuid) -> SecretKey {
        SecretKey { connection, kind: SecretKind::ClientSecret }
    }

    pub fn certificate_key(connection: Uuid) -> SecretKey {
        SecretKey { connection, kind: SecretKind::CertificateKey }
    }

    /// The keychain account name, e.g. `connection/<uuid>/client-secret`.
    pub fn account(&self) -> String {
        let kind = match self.kind {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::CertificateKey => "certificate-key",
        };
        format!("connection/{}/{kind}", self.connection)
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
