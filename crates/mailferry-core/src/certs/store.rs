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
}

fn io_error(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

impl CertificateStore {
    pub fn new(data_dir: &Path, vault: Arc<dyn SecretStore>) -> Self {
        CertificateStore { dir: data_dir.join("certificates"), vault }
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
        let key = SecretKey::certificate_key(&certificate.info.sha1_thumbprint);
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
        let key = SecretKey::certificate_key(&info.sha1_thumbprint);
        let pkcs8: Zeroizing<Vec<u8>> = self.with_vault(move |vault| vault.get(&key)).await?.ok_or_else(|| {
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
        let key = SecretKey::certificate_key(&info.sha1_thumbprint);
        self.with_vault(move |vault| vault.delete(&key)).await?;
        tokio::fs::remove_file(self.path(&info.sha1_thumbprint))
            .await
            .map_err(io_error(format!("Could not delete the certificate {}", info.sha1_thumbprint)))?;
        Ok(true)
    }
}
