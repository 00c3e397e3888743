//! The connection service: what the wizard and the Manage connections window do, in terms of
//! the store and the vault.
//!
//! A secret typed in the wizard is *staged* here, in memory, until OK saves the window's
//! changes; the UI only ever holds the connection without its secret. Saving writes the
//! staged secrets to the keychain and the rows to SQLite so that either both land or neither
//! does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::certs::CertificateStore;
use crate::checks::CheckReport;
use crate::identity::AppCredential;
use crate::model::{
    Connection, ConnectionDraft, Credential, CredentialDraft, LastCheck, RegistrationMode, Role, StagedChanges,
};
use crate::secrets::{SecretKey, SecretStore};
use crate::store::Store;
use crate::validate::{self, Field, FieldIssue};
use crate::{Error, Result};

pub struct ConnectionService {
    store: Store,
    vault: Arc<dyn SecretStore>,
    certificates: CertificateStore,
    staged_secrets: Mutex<HashMap<Uuid, SecretString>>,
}

/// A draft whose fields all passed validation, in normal form.
struct CheckedDraft {
    name: String,
    tenant: String,
    client_id: String,
    mailbox: String,
    credential: CheckedCredential,
}

enum CheckedCredential {
    NewSecret(SecretString),
    KeepSecret,
    Thumbprint(String),
}

impl ConnectionService {
    pub fn new(store: Store, vault: Arc<dyn SecretStore>, certificates: CertificateStore) -> Self {
        ConnectionService { store, vault, certificates, staged_secrets: Mutex::new(HashMap::new()) }
    }

    pub fn certificates(&self) -> &CertificateStore {
        &self.certificates
    }

    pub fn store(&self) -> &Store {
        &self.store
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
            .map(|c| format!("\"{}\"", c.name))
            .collect();
        if !users.is_empty() {
            return Err(Error::Conflict {
                message: format!(
                    "The certificate {} is used by the connection {}.",
                    info.sha1_thumbprint,
                    users.join(", ")
                ),
                hint: "Delete those connections or give them another credential first.".into(),
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
            many => Err(Error::Conflict {
                message: format!("\"{reference}\" matches {} connections.", many.len()),
                hint: format!(
                    "Use the full id: {}.",
                    many.iter()
                        .map(|c| format!("{} ({} {})", c.id, c.role.as_str(), c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// Every problem with the draft, for live feedback while the admin types.
    pub async fn validate(&self, draft: &ConnectionDraft) -> Result<Vec<FieldIssue>> {
        Ok(match self.check_draft(draft).await? {
            Ok(_) => Vec::new(),
            Err(issues) => issues,
        })
    }

    /// Validates the draft and turns it into a connection ready to be saved with OK. A new
    /// secret is held here until then.
    pub async fn stage(&self, draft: ConnectionDraft) -> Result<Connection> {
        let checked = self.check_draft(&draft).await?.map_err(Error::InvalidDraft)?;
        let id = draft.id.unwrap_or_else(Uuid::new_v4);
        let saved = self.store.connections().get(id).await?;
        let now = crate::model::now();

        let credential = match checked.credential {
            CheckedCredential::NewSecret(secret) => {
                let hint = secret_hint(secret.expose_secret());
                self.staged()?.insert(id, secret);
                Credential::Secret { hint, expires_at: None }
            }
            CheckedCredential::KeepSecret => self.kept_secret(id, saved.as_ref())?,
            CheckedCredential::Thumbprint(sha1_thumbprint) => {
                self.staged()?.remove(&id);
                // A certificate in Mailferry's store is described in full; one typed by hand
                // that is not there is kept by its thumbprint alone.
                match self.certificates.find(&sha1_thumbprint).await? {
                    Some(info) => Credential::Certificate {
                        sha1_thumbprint: info.sha1_thumbprint,
                        sha256_thumbprint: Some(info.sha256_thumbprint),
                        subject: Some(info.subject),
                        not_after: Some(info.not_after),
                    },
                    None => Credential::Certificate {
                        sha1_thumbprint,
                        sha256_thumbprint: None,
                        subject: None,
                        not_after: None,
                    },
                }
            }
        };

        let mut connection = Connection {
            id,
            role: draft.role,
            name: checked.name,
            cloud: draft.cloud,
            tenant_id: checked.tenant,
            tenant_name: None,
            default_domain: None,
            client_id: checked.client_id,
            application_mailbox: checked.mailbox,
            registration: RegistrationMode::Manual,
            credential,
            created_at: now,
            updated_at: now,
            last_check: None,
        };
        if let Some(saved) = saved {
            connection.created_at = saved.created_at;
            connection.registration = saved.registration;
            // A check proves the details it ran with; keep its result only if none changed.
            let same_target = same_details(&saved, &connection) && !self.staged()?.contains_key(&id);
            if same_target {
                connection.tenant_name = saved.tenant_name;
                connection.default_domain = saved.default_domain;
                connection.last_check = saved.last_check;
            }
        }
        Ok(connection)
    }

    /// Forgets every secret staged by the wizard, and the check runs of connections that were
    /// never saved (the Manage connections window was cancelled).
    pub async fn discard_staged(&self) -> Result<()> {
        self.staged()?.clear();
        self.store.check_runs().delete_orphans().await?;
        Ok(())
    }

    /// The credential a connection signs in with: a staged or saved secret, or a certificate
    /// with its private key from Mailferry's certificate store.
    pub async fn app_credential(&self, connection: &Connection) -> Result<AppCredential> {
        match &connection.credential {
            Credential::Secret { .. } => {
                if let Some(secret) = self.staged()?.get(&connection.id) {
                    return Ok(AppCredential::Secret(secret.clone()));
                }
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

    /// Stores a check run and returns the connection with what it learnt: the tenant's id,
    /// name and default domain, the secret's end date where readable, and the last check.
    /// A saved connection with the same details is updated in the database at once (a check
    /// is not an edit); a staged one is saved later with OK.
    pub async fn record_check(&self, connection: Connection, report: &CheckReport) -> Result<Connection> {
        self.store.check_runs().insert(report).await?;
        let learn = |mut c: Connection| {
            if let Some(id) = &report.tenant_id {
                c.tenant_id = id.clone();
            }
            c.tenant_name = report.tenant_name.clone().or(c.tenant_name);
            c.default_domain = report.default_domain.clone().or(c.default_domain);
            if let (Credential::Secret { expires_at, .. }, Some(end)) =
                (&mut c.credential, report.credential_expires_at)
            {
                *expires_at = Some(end);
            }
            c.last_check = Some(LastCheck { at: report.finished_at, outcome: report.outcome });
            c
        };
        if let Some(saved) = self.store.connections().get(connection.id).await? {
            let staged_secret = self.staged()?.contains_key(&connection.id);
            if same_details(&saved, &connection) && !staged_secret {
                let updated = learn(saved);
                self.store.connections().update(&updated).await?;
            }
        }
        Ok(learn(connection))
    }

    /// The newest check report of a connection.
    pub async fn last_report(&self, id: Uuid) -> Result<Option<CheckReport>> {
        self.store.check_runs().latest(id).await
    }

    /// Saves what the Manage connections window staged, as one unit: secrets to the keychain,
    /// rows to SQLite. On any failure nothing changes and staged secrets stay staged, so the
    /// admin can fix the cause and press OK again.
    pub async fn save(&self, changes: StagedChanges) -> Result<Vec<Connection>> {
        let now = crate::model::now();
        let mut upserts = Vec::with_capacity(changes.upserts.len());
        let mut secret_writes: Vec<(SecretKey, SecretString)> = Vec::new();
        let mut obsolete_secrets: Vec<SecretKey> = Vec::new();

        for mut connection in changes.upserts {
            check_saved_fields(&connection)?;
            let saved = self.store.connections().get(connection.id).await?;
            let key = SecretKey::client_secret(connection.id);
            match &connection.credential {
                Credential::Secret { .. } => {
                    if let Some(secret) = self.staged()?.get(&connection.id) {
                        secret_writes.push((key, secret.clone()));
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
        for id in &changes.deletes {
            obsolete_secrets.push(SecretKey::client_secret(*id));
        }
        for id in &changes.deletes {
            let jobs = self.store.jobs().using(*id).await?;
            if !jobs.is_empty() {
                let name = self.store.connections().get(*id).await?.map(|c| c.name).unwrap_or_else(|| id.to_string());
                return Err(Error::Conflict {
                    message: format!(
                        "The connection \"{name}\" is used by the migration job {}.",
                        jobs.iter().map(|j| format!("\"{j}\"")).collect::<Vec<_>>().join(", ")
                    ),
                    hint: "Delete that job, or give it another connection, first.".into(),
                });
            }
        }
        let obsolete_certificates = self.certificates_left_unused(&upserts, &changes.deletes).await?;

        // Make sure the keychain answers before anything is deleted from the database, so a
        // deleted connection never leaves its secret behind unnoticed.
        if let Some(key) = obsolete_secrets.first().cloned() {
            self.with_vault(move |vault| vault.get(&key).map(drop)).await?;
        }

        let backups = self.write_secrets(secret_writes).await?;
        if let Err(error) = self.store.connections().apply(&upserts, &changes.deletes).await {
            self.restore_secrets(backups).await;
            return Err(error);
        }

        {
            let mut staged = self.staged()?;
            for connection in &upserts {
                staged.remove(&connection.id);
            }
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
        self.save(StagedChanges { upserts: Vec::new(), deletes: vec![id] }).await?;
        Ok(connection)
    }

    /// Reads a connection's client secret from the keychain.
    pub async fn client_secret(&self, id: Uuid) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let key = SecretKey::client_secret(id);
        self.with_vault(move |vault| vault.get(&key)).await
    }

    async fn check_draft(&self, draft: &ConnectionDraft) -> Result<std::result::Result<CheckedDraft, Vec<FieldIssue>>> {
        let mut issues = Vec::new();
        let mut keep = |checked: std::result::Result<String, FieldIssue>| match checked {
            Ok(value) => value,
            Err(issue) => {
                issues.push(issue);
                String::new()
            }
        };
        let name = keep(validate::connection_name(&draft.name));
        let mailbox = keep(validate::application_mailbox(&draft.application_mailbox));
        let client_id = keep(validate::client_id(&draft.client_id));
        let tenant = keep(validate::tenant(&draft.tenant));
        if let Err(issue) = validate::cloud(&draft.cloud) {
            issues.push(issue);
        }
        let credential = match &draft.credential {
            CredentialDraft::Secret { value: Some(value) } => match validate::client_secret(value.expose_secret()) {
                Ok(trimmed) => CheckedCredential::NewSecret(SecretString::from(trimmed)),
                Err(issue) => {
                    issues.push(issue);
                    CheckedCredential::KeepSecret
                }
            },
            CredentialDraft::Secret { value: None } => {
                if !self.holds_secret_for(draft.id).await? {
                    issues.push(validate::client_secret("").err().unwrap_or_else(missing_secret_issue));
                }
                CheckedCredential::KeepSecret
            }
            CredentialDraft::Certificate { thumbprint } => match validate::certificate_thumbprint(thumbprint) {
                Ok(sha1) => CheckedCredential::Thumbprint(sha1),
                // A SHA-256 thumbprint is fine when Mailferry holds that certificate: use its SHA-1.
                Err(issue) => match self.certificates.find(thumbprint).await? {
                    Some(info) => CheckedCredential::Thumbprint(info.sha1_thumbprint),
                    None => {
                        issues.push(issue);
                        CheckedCredential::Thumbprint(String::new())
                    }
                },
            },
        };
        if !client_id.is_empty() && client_id == tenant {
            issues.push(FieldIssue {
                field: Field::ClientId,
                message: "Application (client) ID: this is the tenant ID; the client ID is a different GUID.".into(),
                hint: "Both GUIDs are on your app registration's Overview page: copy \"Application (client) ID\" here and \"Directory (tenant) ID\" below.".into(),
            });
        }
        let name = if name.is_empty() { tenant.clone() } else { name };
        if !name.is_empty() && self.store.connections().name_taken(draft.role, &name, draft.id).await? {
            issues.push(FieldIssue {
                field: Field::Name,
                message: format!(
                    "Connection name: a {} connection named \"{name}\" already exists.",
                    draft.role.as_str()
                ),
                hint: "Give this connection another name, such as the customer's name.".into(),
            });
        }
        if !issues.is_empty() {
            return Ok(Err(issues));
        }
        Ok(Ok(CheckedDraft { name, tenant, client_id, mailbox, credential }))
    }

    /// Whether a secret exists for the connection being edited: staged, or saved in the keychain.
    async fn holds_secret_for(&self, id: Option<Uuid>) -> Result<bool> {
        let Some(id) = id else { return Ok(false) };
        if self.staged()?.contains_key(&id) {
            return Ok(true);
        }
        Ok(matches!(self.store.connections().get(id).await?.map(|c| c.credential), Some(Credential::Secret { .. })))
    }

    fn kept_secret(&self, id: Uuid, saved: Option<&Connection>) -> Result<Credential> {
        if let Some(secret) = self.staged()?.get(&id) {
            return Ok(Credential::Secret { hint: secret_hint(secret.expose_secret()), expires_at: None });
        }
        match saved.map(|s| &s.credential) {
            Some(credential @ Credential::Secret { .. }) => Ok(credential.clone()),
            _ => Err(Error::Invalid(missing_secret_issue())),
        }
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

    fn staged(&self) -> Result<MutexGuard<'_, HashMap<Uuid, SecretString>>> {
        self.staged_secrets.lock().map_err(|_| Error::Internal("staged secrets lock poisoned".into()))
    }
}

/// Whether two versions of a connection reach the same application the same way, so that a
/// check of one holds for the other.
fn same_details(a: &Connection, b: &Connection) -> bool {
    a.tenant_id == b.tenant_id
        && a.client_id == b.client_id
        && a.application_mailbox == b.application_mailbox
        && a.cloud == b.cloud
        && a.credential.kind() == b.credential.kind()
        && match (&a.credential, &b.credential) {
            (
                Credential::Certificate { sha1_thumbprint: x, .. },
                Credential::Certificate { sha1_thumbprint: y, .. },
            ) => x == y,
            _ => true,
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

fn missing_secret_issue() -> FieldIssue {
    FieldIssue {
        field: Field::ClientSecret,
        message: "Client secret: paste the client secret's Value.".into(),
        hint: "Mailferry holds no secret for this connection yet.".into(),
    }
}

/// What the UI sends back on OK is re-checked: the core never trusts its own UI with a row.
fn check_saved_fields(c: &Connection) -> Result<()> {
    let mut issues: Vec<FieldIssue> = [
        validate::connection_name(&c.name).err(),
        validate::application_mailbox(&c.application_mailbox).err(),
        validate::client_id(&c.client_id).err(),
        validate::tenant(&c.tenant_id).err(),
        validate::cloud(&c.cloud).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if c.name.trim().is_empty() {
        issues.push(FieldIssue {
            field: Field::Name,
            message: "Connection name: a saved connection needs a name.".into(),
            hint: "Edit the connection and give it a name.".into(),
        });
    }
    if let Credential::Certificate { sha1_thumbprint, .. } = &c.credential {
        issues.extend(validate::certificate_thumbprint(sha1_thumbprint).err());
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidDraft(issues))
    }
}

/// The last three characters of a long enough secret, so the admin can tell secrets apart.
fn secret_hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return String::new();
    }
    chars[chars.len() - 3..].iter().collect()
}
