//! The connection service: saved connections in the store, their secrets in the vault, and the
//! edit sessions (`session`) in which the wizard and the Manage connections window change them.
//!
//! Saving writes secrets to the keychain and rows to SQLite so that either both land or
//! neither does.

mod draft;
mod session;

pub use session::{CheckSubject, CheckTarget, CheckTicket};

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::certs::CertificateStore;
use crate::checks::CheckReport;
use crate::identity::AppCredential;
use crate::model::{Connection, Credential, Role};
use crate::secrets::{SecretKey, SecretStore};
use crate::store::Store;
use crate::{Error, Result};

pub struct ConnectionService {
    store: Store,
    vault: Arc<dyn SecretStore>,
    certificates: CertificateStore,
    sessions: session::Sessions,
}

/// A connection to write, with the secret pasted for it (none keeps the saved one).
pub struct Upsert {
    pub connection: Connection,
    pub secret: Option<SecretString>,
}

impl ConnectionService {
    pub fn new(store: Store, vault: Arc<dyn SecretStore>, certificates: CertificateStore) -> Self {
        ConnectionService { store, vault, certificates, sessions: session::Sessions::default() }
    }

    pub fn certificates(&self) -> &CertificateStore {
        &self.certificates
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn vault(&self) -> &Arc<dyn SecretStore> {
        &self.vault
    }

    pub async fn list(&self, role: Option<Role>) -> Result<Vec<Connection>> {
        let connections = self.store.connections().list(role).await?;
        tracing::debug!(count = connections.len(), "connections listed");
        Ok(connections)
    }

    pub async fn get(&self, id: Uuid) -> Result<Connection> {
        self.store
            .connections()
            .get(id)
            .await?
            .ok_or_else(|| Error::NotFound { what: "Connection", id: id.to_string() })
    }

    /// Deletes a stored certificate that no connection uses.
    pub async fn delete_certificate(&self, thumbprint: &str) -> Result<crate::certs::CertificateInfo> {
        let info = self.certificates.get(thumbprint).await?;
        let users: Vec<String> = self
            .list(None)
            .await?
            .into_iter()
            .filter(|c| matches!(&c.credential, Credential::Certificate { sha1_thumbprint, .. } if *sha1_thumbprint == info.sha1_thumbprint))
            .map(|c| c.name)
            .collect();
        if !users.is_empty() {
            return Err(Error::InUse {
                what: "certificate",
                name: info.sha1_thumbprint,
                users_are: "connection",
                users,
            });
        }
        self.certificates.delete(&info.sha1_thumbprint).await?;
        Ok(info)
    }

    /// A connection named the way people name it: its id, the start of its id (at least 4
    /// characters), or its name (ignoring case). Ambiguity is an error, never a guess.
    pub async fn find(&self, reference: &str) -> Result<Connection> {
        let reference = reference.trim();
        if let Ok(id) = Uuid::parse_str(reference) {
            return self.get(id).await;
        }
        let all = self.list(None).await?;
        let by_name: Vec<&Connection> = all.iter().filter(|c| c.name.eq_ignore_ascii_case(reference)).collect();
        let candidates = if by_name.is_empty() && reference.len() >= 4 {
            let prefix = reference.to_ascii_lowercase();
            all.iter().filter(|c| c.id.to_string().starts_with(&prefix)).collect()
        } else {
            by_name
        };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::NotFound { what: "Connection", id: format!("\"{reference}\"") }),
            many => Err(Error::Ambiguous {
                reference: reference.to_owned(),
                what: "connections",
                candidates: many.iter().map(|c| format!("{} ({} {})", c.id, c.role.as_str(), c.name)).collect(),
            }),
        }
    }

    /// The credential a saved connection signs in with: its secret from the keychain, or a
    /// certificate with its private key from Mailferry's certificate store.
    pub async fn app_credential(&self, connection: &Connection) -> Result<AppCredential> {
        match &connection.credential {
            Credential::Secret { .. } => {
                let bytes = self
                    .client_secret(connection.id)
                    .await?
                    .ok_or_else(|| Error::SecretMissing { name: connection.name.clone() })?;
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| Error::Keychain { detail: "the stored client secret is not text".into() })?;
                Ok(AppCredential::Secret(SecretString::from(text)))
            }
            Credential::Certificate { sha1_thumbprint, .. } => {
                if self.certificates.find(sha1_thumbprint).await?.is_none() {
                    return Err(Error::Certificate {
                        message: format!("Certificate {sha1_thumbprint} is not in Mailferry's certificate store, so Mailferry cannot sign in with it."),
                        hint: "Edit the connection and import the certificate with its private key (a PFX file, or PEM certificate and key) with Import.".into(),
                    });
                }
                Ok(AppCredential::Certificate(Arc::new(self.certificates.load(sha1_thumbprint).await?)))
            }
        }
    }

    /// The newest check report of a connection.
    pub async fn last_report(&self, id: Uuid) -> Result<Option<CheckReport>> {
        self.store.check_runs().latest(id).await
    }

    /// Saves connections and deletes others as one unit: secrets to the keychain, rows to
    /// SQLite. On any failure nothing changes, so the admin can fix the cause and try again.
    pub async fn save(&self, changes: Vec<Upsert>, deletes: &[Uuid]) -> Result<Vec<Connection>> {
        let now = crate::model::now();
        let mut upserts = Vec::with_capacity(changes.len());
        let mut secret_writes: Vec<(SecretKey, SecretString)> = Vec::new();
        let mut obsolete_secrets: Vec<SecretKey> = Vec::new();

        for Upsert { mut connection, secret } in changes {
            let saved = self.store.connections().get(connection.id).await?;
            let key = SecretKey::client_secret(connection.id);
            match &connection.credential {
                Credential::Secret { .. } => {
                    if let Some(secret) = secret {
                        secret_writes.push((key, secret));
                    } else if !matches!(saved.as_ref().map(|s| &s.credential), Some(Credential::Secret { .. })) {
                        return Err(Error::SecretMissing { name: connection.name });
                    }
                }
                Credential::Certificate { .. } => {
                    if matches!(saved.as_ref().map(|s| &s.credential), Some(Credential::Secret { .. })) {
                        obsolete_secrets.push(key);
                    }
                }
            }
            connection.created_at = saved.map_or(now, |s| s.created_at);
            connection.updated_at = now;
            upserts.push(connection);
        }
        for id in deletes {
            obsolete_secrets.push(SecretKey::client_secret(*id));
        }
        for id in deletes {
            let jobs = self.store.jobs().using(*id).await?;
            if !jobs.is_empty() {
                let name = self.store.connections().get(*id).await?.map(|c| c.name).unwrap_or_else(|| id.to_string());
                return Err(Error::InUse {
                    what: "connection",
                    name: format!("\"{name}\""),
                    users_are: "migration job",
                    users: jobs,
                });
            }
        }
        let obsolete_certificates = self.certificates_left_unused(&upserts, deletes).await?;

        // Make sure the keychain answers before anything is deleted from the database, so a
        // deleted connection never leaves its secret behind unnoticed.
        if let Some(key) = obsolete_secrets.first().cloned() {
            self.with_vault(move |vault| vault.get(&key).map(drop)).await?;
        }

        let backups = self.write_secrets(secret_writes).await?;
        if let Err(error) = self.store.connections().apply(&upserts, deletes).await {
            self.restore_secrets(backups).await;
            return Err(error);
        }

        self.delete_secrets(obsolete_secrets).await;
        if let Err(error) = self.store.check_runs().delete_orphans().await {
            tracing::warn!(%error, "could not remove the check runs of deleted connections");
        }
        for thumbprint in obsolete_certificates {
            if let Err(error) = self.certificates.delete(&thumbprint).await {
                tracing::warn!(%thumbprint, %error, "could not delete a certificate no connection uses");
            }
        }
        self.list(None).await
    }

    /// Thumbprints that saved connections use now and no connection will use after the change.
    async fn certificates_left_unused(&self, upserts: &[Connection], deletes: &[Uuid]) -> Result<Vec<String>> {
        let saved = self.list(None).await?;
        let thumbprint = |c: &Connection| match &c.credential {
            Credential::Certificate { sha1_thumbprint, .. } => Some(sha1_thumbprint.clone()),
            Credential::Secret { .. } => None,
        };
        let after: Vec<Connection> = saved
            .iter()
            .filter(|c| !deletes.contains(&c.id) && !upserts.iter().any(|u| u.id == c.id))
            .cloned()
            .chain(upserts.iter().cloned())
            .collect();
        let mut unused: Vec<String> = saved
            .iter()
            .filter_map(thumbprint)
            .filter(|t| !after.iter().any(|c| thumbprint(c).as_ref() == Some(t)))
            .collect();
        unused.sort();
        unused.dedup();
        Ok(unused)
    }

    /// Deletes one saved connection and its secrets (the CLI's `connections delete`).
    pub async fn delete(&self, id: Uuid) -> Result<Connection> {
        let connection = self.get(id).await?;
        self.save(Vec::new(), &[id]).await?;
        Ok(connection)
    }

    /// Reads a connection's client secret from the keychain.
    pub async fn client_secret(&self, id: Uuid) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let key = SecretKey::client_secret(id);
        self.with_vault(move |vault| vault.get(&key)).await
    }

    /// Writes secrets, remembering what each key held before so a failed save can put it back.
    async fn write_secrets(
        &self,
        writes: Vec<(SecretKey, SecretString)>,
    ) -> Result<Vec<(SecretKey, Option<Zeroizing<Vec<u8>>>)>> {
        self.with_vault(move |vault| {
            let mut backups = Vec::with_capacity(writes.len());
            for (key, secret) in writes {
                let result = vault.get(&key).and_then(|previous| {
                    vault.put(&key, secret.expose_secret().as_bytes())?;
                    Ok(previous)
                });
                match result {
                    Ok(previous) => backups.push((key, previous)),
                    Err(error) => {
                        restore(vault, backups);
                        return Err(error);
                    }
                }
            }
            Ok(backups)
        })
        .await
    }

    async fn restore_secrets(&self, backups: Vec<(SecretKey, Option<Zeroizing<Vec<u8>>>)>) {
        let _ = self
            .with_vault(move |vault| {
                restore(vault, backups);
                Ok(())
            })
            .await;
    }

    /// Best effort after a successful save: a secret that cannot be deleted now is reported in
    /// the log (by account name, never by value) and stays in the keychain.
    async fn delete_secrets(&self, keys: Vec<SecretKey>) {
        let _ = self
            .with_vault(move |vault| {
                for key in keys {
                    if let Err(error) = vault.delete(&key) {
                        tracing::warn!(account = %key.account(), %error, "could not delete a keychain entry");
                    }
                }
                Ok(())
            })
            .await;
    }

    async fn with_vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        crate::secrets::on_blocking_thread(&self.vault, f).await
    }
}

fn restore(vault: &dyn SecretStore, backups: Vec<(SecretKey, Option<Zeroizing<Vec<u8>>>)>) {
    for (key, previous) in backups.into_iter().rev() {
        let undone = match previous {
            Some(bytes) => vault.put(&key, &bytes),
            None => vault.delete(&key).map(drop),
        };
        if let Err(error) = undone {
            tracing::error!(account = %key.account(), %error, "could not undo a keychain write after a failed save");
        }
    }
}
