//! Whom an application reused by Mailferry would serve. Any user of a tenant can register an
//! application under Mailferry's name and give it a secret; reusing it grants mail access to
//! every mailbox, with that secret still on it. So every credential is shown, each marked as
//! Mailferry's own (a certificate whose key Mailferry holds, or one its registrations
//! uploaded) or not, and an application holding one Mailferry did not create is reused only
//! when the admin agreed to keep exactly those.

use uuid::Uuid;

use super::key_credentials;
use super::Registrar;
use crate::certs::CertificateInfo;
use crate::graph::{KeyCredential, PasswordCredential};
use crate::model::registration::ExistingCredential;
use crate::model::CredentialKind;
use crate::{Error, Result};

impl Registrar<'_> {
    /// The thumbprints of the certificates Mailferry made: those it holds with their keys
    /// (`held`, the certificate store's list) and those its registrations uploaded.
    pub(super) async fn own_certificates(&self, held: &[CertificateInfo]) -> Result<Vec<String>> {
        let mut own: Vec<String> = held.iter().map(|c| c.sha1_thumbprint.clone()).collect();
        own.extend(self.repo().uploaded_certificates().await?);
        Ok(own)
    }

    /// Records more credentials the admin agreed to keep (a resume after the refusal).
    pub async fn trust(&self, id: Uuid, key_ids: &[String]) -> Result<()> {
        let mut r = self.get(id).await?;
        for key_id in key_ids {
            if !r.trusted_key_ids.contains(key_id) {
                r.trusted_key_ids.push(key_id.clone());
            }
        }
        self.repo().save(&r).await
    }
}

/// Every credential of an application, marked with whether Mailferry made it.
pub fn describe(keys: &[KeyCredential], secrets: &[PasswordCredential], own: &[String]) -> Vec<ExistingCredential> {
    let certificates = keys.iter().map(|key| {
        let thumbprint = key_credentials::thumbprint(key);
        ExistingCredential {
            key_id: key.key_id.clone().unwrap_or_default(),
            kind: CredentialKind::Certificate,
            display_name: key.display_name.clone(),
            mailferry: thumbprint.as_ref().is_some_and(|t| own.iter().any(|o| o.eq_ignore_ascii_case(t))),
            identifier: thumbprint,
            starts_at: key.start_date_time.as_deref().and_then(|t| t.parse().ok()),
            ends_at: key.ends(),
        }
    });
    // Mailferry registers with certificates only: every secret is someone else's.
    let passwords = secrets.iter().map(|secret| ExistingCredential {
        key_id: secret.key_id.clone().unwrap_or_default(),
        kind: CredentialKind::Secret,
        display_name: secret.display_name.clone(),
        identifier: secret.hint.clone(),
        starts_at: secret.start_date_time,
        ends_at: secret.end_date_time,
        mailferry: false,
    });
    certificates.chain(passwords).collect()
}

/// Refuses the reuse when the application holds a credential Mailferry did not create that
/// the admin did not agree to keep. Nothing has been changed in the tenant at this point.
pub fn refuse_untrusted(app_id: &str, credentials: &[ExistingCredential], trusted: &[String]) -> Result<()> {
    let untrusted: Vec<String> = credentials
        .iter()
        .filter(|c| !c.mailferry && !trusted.contains(&c.key_id))
        .map(|c| {
            let kind = c.kind.noun();
            let name = c.display_name.as_deref().map(|n| format!(" \"{n}\"")).unwrap_or_default();
            let identifier = c.identifier.as_deref().map(|i| format!(" ({i}…)")).unwrap_or_default();
            format!("{kind}{name}{identifier}")
        })
        .collect();
    if untrusted.is_empty() {
        Ok(())
    } else {
        Err(Error::UntrustedCredentials { app_id: app_id.to_owned(), credentials: untrusted })
    }
}
