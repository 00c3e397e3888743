//! The certificate store: each private key in the OS keychain (PKCS#8 DER through
//! `set_secret`, within Windows' 2560-byte credential limit), each certificate as DER in
//! `certificates/` in the data folder, found by either thumbprint.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use super::{certificate_error, inspect, normalize_thumbprint, CertificateInfo, KeyedCertificate};
use crate::secrets::{SecretKey, SecretStore};
use crate::{Error, Result};

#[derive(Clone)]
pub struct CertificateStore {
    dir: PathBuf,
    vault: Arc<dyn SecretStore>,
    /// This data folder's identity, part of every key's keychain name.
    folder: String,
}

/// The file in the data folder that holds its identity (a UUID, made on first use).
pub const FOLDER_ID_FILE: &str = "folder-id";

/// The data folder's identity: read from `folder-id`, made there when missing. When the file
/// cannot be written, a hash of the folder's path serves (stable while the folder stays put).
fn folder_identity(data_dir: &Path) -> String {
    let file = data_dir.join(FOLDER_ID_FILE);
    if let Ok(text) = std::fs::read_to_string(&file) {
        if let Ok(id) = uuid::Uuid::parse_str(text.trim()) {
            return id.simple().to_string();
        }
    }
    let id = uuid::Uuid::new_v4();
    let written = std::fs::create_dir_all(data_dir).and_then(|()| {
        use std::io::Write;
        let mut created = std::fs::OpenOptions::new().write(true).create_new(true).open(&file)?;
        created.write_all(id.to_string().as_bytes())
    });
    match written {
        Ok(()) => id.simple().to_string(),
        // Another process made it first: theirs counts.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| uuid::Uuid::parse_str(t.trim()).ok())
            .map_or_else(|| path_identity(data_dir), |id| id.simple().to_string()),
        Err(error) => {
            tracing::warn!(%error, "the data folder's identity could not be written; its path stands in");
            path_identity(data_dir)
        }
    }
}

fn path_identity(data_dir: &Path) -> String {
    use sha2::Digest;
    let path = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_owned());
    let digest = sha2::Sha256::digest(path.to_string_lossy().as_bytes());
    crate::certs::hex_upper(&digest[..16]).to_ascii_lowercase()
}

fn io_error(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

impl CertificateStore {
    pub fn new(data_dir: &Path, vault: Arc<dyn SecretStore>) -> Self {
        CertificateStore { dir: data_dir.join("certificates"), vault, folder: folder_identity(data_dir) }
    }

    /// This data folder's identity, which names its keychain entries.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// The keychain entry of a certificate's private key in this data folder.
    pub fn key_of(&self, sha1_thumbprint: &str) -> SecretKey {
        SecretKey::certificate_key(&self.folder, sha1_thumbprint)
    }

    fn path(&self, sha1: &str) -> PathBuf {
        self.dir.join(format!("{sha1}.der"))
    }

    async fn with_vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        crate::secrets::on_blocking_thread(&self.vault, f).await
    }

    /// Keeps the certificate and its key; the key first, so a stored certificate always has one.
    pub async fn put(&self, certificate: &KeyedCertificate) -> Result<CertificateInfo> {
        let key = self.key_of(&certificate.info.sha1_thumbprint);
        let pkcs8 = certificate.key_pkcs8.clone();
        self.with_vault(move |vault| vault.put(&key, &pkcs8)).await?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(io_error(format!("Could not create {}", self.dir.display())))?;
        let path = self.path(&certificate.info.sha1_thumbprint);
        let partial = path.with_extension("der.partial");
        tokio::fs::write(&partial, &certificate.der)
            .await
            .map_err(io_error(format!("Could not write {}", partial.display())))?;
        tokio::fs::rename(&partial, &path).await.map_err(io_error(format!("Could not write {}", path.display())))?;
        Ok(certificate.info.clone())
    }

    /// Reads, checks and stores a certificate file with its key (the wizard's Import).
    pub async fn import_file(
        &self,
        path: PathBuf,
        key_path: Option<PathBuf>,
        password: Option<secrecy::SecretString>,
    ) -> Result<super::ImportedCertificate> {
        use secrecy::ExposeSecret as _;
        let imported = tokio::task::spawn_blocking(move || {
            super::import_file(&path, key_path.as_deref(), password.as_ref().map(|p| p.expose_secret()))
        })
        .await
        .map_err(|e| Error::Internal(format!("import task failed: {e}")))??;
        let info = self.put(&imported.certificate).await?;
        Ok(super::ImportedCertificate { info, warnings: imported.warnings })
    }

    /// Every stored certificate, soonest to expire first.
    pub async fn list(&self) -> Result<Vec<CertificateInfo>> {
        let mut infos = Vec::new();
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(infos),
            Err(e) => return Err(io_error(format!("Could not read {}", self.dir.display()))(e)),
        };
        while let Some(entry) =
            entries.next_entry().await.map_err(io_error(format!("Could not read {}", self.dir.display())))?
        {
            if entry.path().extension().is_some_and(|e| e == "der") {
                let der = tokio::fs::read(entry.path())
                    .await
                    .map_err(io_error(format!("Could not read {}", entry.path().display())))?;
                match inspect(&der) {
                    Ok(info) => infos.push(info),
                    Err(error) => {
                        tracing::warn!(file = %entry.path().display(), %error, "unreadable certificate in the store")
                    }
                }
            }
        }
        infos.sort_by_key(|i| i.not_after);
        Ok(infos)
    }

    /// The stored certificate with this SHA-1 or SHA-256 thumbprint (as typed or pasted).
    pub async fn find(&self, thumbprint: &str) -> Result<Option<CertificateInfo>> {
        let Some(wanted) = normalize_thumbprint(thumbprint) else { return Ok(None) };
        if wanted.len() == 40 {
            return match tokio::fs::read(self.path(&wanted)).await {
                Ok(der) => Ok(Some(inspect(&der)?)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_error(format!("Could not read the certificate {wanted}"))(e)),
            };
        }
        Ok(self.list().await?.into_iter().find(|i| i.sha256_thumbprint == wanted))
    }

    pub async fn get(&self, thumbprint: &str) -> Result<CertificateInfo> {
        self.find(thumbprint)
            .await?
            .ok_or_else(|| Error::NotFound { what: "Certificate", id: thumbprint.trim().to_owned() })
    }

    /// The certificate with its private key, to sign with.
    pub async fn load(&self, thumbprint: &str) -> Result<KeyedCertificate> {
        let info = self.get(thumbprint).await?;
        let der = tokio::fs::read(self.path(&info.sha1_thumbprint))
            .await
            .map_err(io_error(format!("Could not read the certificate {}", info.sha1_thumbprint)))?;
        let (key, legacy) =
            (self.key_of(&info.sha1_thumbprint), SecretKey::LegacyCertificateKey(info.sha1_thumbprint.clone()));
        // A key kept by a Mailferry from before keys named their folder is copied to this
        // folder's name (and left where it was: another folder may use it too).
        let found = self.with_vault(move |vault| match vault.get(&key)? {
            Some(pkcs8) => Ok(Some(pkcs8)),
            None => match vault.get(&legacy)? {
                Some(pkcs8) => vault.put(&key, &pkcs8).map(|()| Some(pkcs8)),
                None => Ok(None),
            },
        });
        let pkcs8: Zeroizing<Vec<u8>> = found.await?.ok_or_else(|| {
            certificate_error(
                format!("The private key of certificate {} is not in the keychain.", info.sha1_thumbprint),
                "Import the certificate again with its private key (.pfx or PEM).",
            )
        })?;
        Ok(KeyedCertificate { der, key_pkcs8: pkcs8, info })
    }

    /// Deletes the key and the certificate; returns whether there was one.
    pub async fn delete(&self, thumbprint: &str) -> Result<bool> {
        let Some(info) = self.find(thumbprint).await? else { return Ok(false) };
        let key = self.key_of(&info.sha1_thumbprint);
        self.with_vault(move |vault| vault.delete(&key)).await?;
        tokio::fs::remove_file(self.path(&info.sha1_thumbprint))
            .await
            .map_err(io_error(format!("Could not delete the certificate {}", info.sha1_thumbprint)))?;
        Ok(true)
    }
}
