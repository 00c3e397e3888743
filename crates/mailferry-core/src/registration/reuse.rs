//! Reusing an earlier Mailferry application: finding it (by display name, by this
//! registration's tag), offering it, and adding the new certificate to it without removing any
//! certificate it holds (docs/microsoft-contract.md).

use super::key_credentials;
use super::workflow::{application_name, Registrar};
use crate::certs::{subject_name, CertificateInfo};
use crate::cloud::Cloud;
use crate::graph::{GraphClient, KeyCredential};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::model::registration::EarlierRegistration;
use crate::model::Role;
use crate::registration::Registration;
use crate::{Error, Result};

impl Registrar<'_> {
    /// The application an earlier attempt created, found by this registration's tag.
    pub(super) async fn find_by_tag(
        &self,
        graph: &GraphClient<'_>,
        role: Role,
        tag: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<(String, String)>> {
        let apps = graph
            .applications_named(application_name(role), "look for this registration's application", cancel)
            .await?;
        Ok(apps.into_iter().find(|app| app.tags.iter().any(|t| t == tag)).map(|app| (app.id, app.app_id)))
    }

    /// The Mailferry applications already registered in the tenant for this role, newest first.
    pub async fn earlier_registrations(
        &self,
        admin: &AdminToken,
        cloud: &Cloud,
        role: Role,
        cancel: &CancellationToken,
    ) -> Result<Vec<EarlierRegistration>> {
        let graph = GraphClient::new(&self.identity.http, cloud.graph_url(), admin.bearer());
        let what = "look for earlier Mailferry registrations";
        let apps = graph.applications_named(application_name(role), what, cancel).await?;
        let held = self.connections.certificates().list().await?;
        let own = self.own_certificates(&held).await?;
        let connections = self.connections.list(Some(role)).await?;
        // Each application's owners, read side by side (one round trip however many there are).
        let owners = futures_util::future::join_all(
            apps.iter().map(|app| graph.application_owners(&app.id, "read the application's owners", cancel)),
        )
        .await;
        let now = chrono::Utc::now();
        let mut earlier: Vec<EarlierRegistration> = apps
            .into_iter()
            .zip(owners)
            .map(|(app, owners)| {
                Ok(EarlierRegistration {
                    held_certificate: key_credentials::held_certificate(&app.key_credentials, &held, now),
                    certificate_count: app.key_credentials.len(),
                    connections: connections
                        .iter()
                        .filter(|c| c.client_id == app.app_id)
                        .map(|c| c.name.clone())
                        .collect(),
                    credentials: super::trust::describe(&app.key_credentials, &app.password_credentials, &own),
                    owners: owners?,
                    display_name: app.display_name.unwrap_or_default(),
                    created_at: app.created_date_time,
                    object_id: app.id,
                    app_id: app.app_id,
                })
            })
            .collect::<Result<_>>()?;
        earlier.sort_by_key(|e| std::cmp::Reverse(e.created_at));
        Ok(earlier)
    }

    /// Uploads the new certificate to an earlier Mailferry application, never removing one it
    /// holds: next to them with addKey (proven with a certificate Mailferry holds), or, when
    /// Mailferry holds none of them, with a PATCH of the whole list that writes every current
    /// certificate back with its own bytes (PATCH replaces the list, section 4).
    pub(super) async fn reuse_application(
        &self,
        graph: &GraphClient<'_>,
        r: &Registration,
        app_id: &str,
        certificate: &CertificateInfo,
        cancel: &CancellationToken,
    ) -> Result<(String, String)> {
        let what = "find the application to reuse";
        let Some(object_id) = graph.application_object_id(app_id, what, cancel).await? else {
            return Err(Error::NotFound { what: "Application", id: app_id.to_owned() });
        };
        // Only a single-object read with keyCredentials selected returns each certificate's
        // bytes (keyCredential resource type): what identifies it surely and lets it be kept.
        // Read now, not trusted from what the admin was shown: a credential added since counts.
        let what = "read the credentials of the application to reuse";
        let (keys, secrets) = graph.application_credentials(&object_id, what, cancel).await?;
        let stored = self.connections.certificates().list().await?;
        let credentials = super::trust::describe(&keys, &secrets, &self.own_certificates(&stored).await?);
        super::trust::refuse_untrusted(app_id, &credentials, &r.trusted_key_ids)?;
        if keys.iter().any(|k| key_credentials::is_certificate(k, &certificate.sha1_thumbprint)) {
            return Ok((object_id, app_id.to_owned()));
        }
        let new_key = self.key_credential(r.role, certificate).await?;
        let what = "upload the new certificate to the application";
        match key_credentials::held_certificate(&keys, &stored, chrono::Utc::now()) {
            Some(sha1) => {
                let proving = self.connections.certificates().load(&sha1).await?;
                let proof = crate::identity::proof_of_possession(&proving, &object_id, chrono::Utc::now())?;
                graph.add_key(&object_id, &new_key, &proof, what, cancel).await?.into_result(what)?;
            }
            None => {
                let mut all = key_credentials::kept_as_they_are(&keys)
                    .map_err(|certificate| Error::KeyBytesWithheld { certificate, app_id: app_id.to_string() })?;
                all.push(new_key);
                graph.replace_key_credentials(&object_id, &all, what, cancel).await?;
            }
        }
        Ok((object_id, app_id.to_owned()))
    }

    pub(super) async fn key_credential(&self, role: Role, certificate: &CertificateInfo) -> Result<KeyCredential> {
        let der = self.connections.certificates().load(&certificate.sha1_thumbprint).await?.der;
        let key_id = key_credentials::key_id_for(&certificate.sha1_thumbprint);
        Ok(KeyCredential::certificate(&der, key_id, subject_name(role), certificate.not_before, certificate.not_after))
    }
}
