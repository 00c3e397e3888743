//! A client secret connection switched to a certificate that Mailferry makes and later renews
//! with no administrator. The administrator's token reads the application (every certificate
//! with its bytes, a single-object read) and the tenant's policy, in parallel with the key
//! generation; the new certificate is written next to the current ones with a PATCH of the
//! whole `keyCredentials` list (a PATCH replaces the list: every current certificate is written
//! back as Microsoft gave it); a token with it is awaited through replication; the connection
//! is switched; the old secret is removed unless the administrator keeps it.
//!
//! Resumable by construction: a certificate uploaded by an interrupted switch is on the
//! application and in Mailferry's store with its key, so the next attempt finds it and goes on
//! from the proof instead of adding another. Until the switch the connection keeps its secret.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::secret::remove_old_secret;
use super::Renewer;
use crate::certs::{new_key_off_thread, self_signed, subject_name, CertificateInfo, VALIDITY_YEARS};
use crate::connections::Upsert;
use crate::credential_policy::{lifetime_refused, read_default, remember, shorter_certificate};
use crate::graph::{GraphClient, KeyCredential};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::identity::AppCredential;
use crate::model::{Connection, Credential};
use crate::registration::key_credentials;
use crate::{Error, Result};

/// What a switch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertificateSwitch {
    pub connection_id: Uuid,
    /// The certificate the connection signs in with now.
    pub sha1_thumbprint: String,
    pub expires_at: DateTime<Utc>,
    /// The tenant's policy made the certificate shorter than five years.
    pub policy_note: Option<String>,
    /// The client secret left the application.
    pub secret_removed: bool,
    /// The old secret is still on the application though its removal was asked for.
    pub warning: Option<String>,
}

fn already_a_certificate(connection: &Connection) -> Error {
    Error::NotRenewable {
        message: format!("Connection \"{}\" already signs in with a certificate.", connection.name),
        hint: "Use Renew certificate on its card when it nears its end: no sign-in is needed.".into(),
    }
}

/// A certificate left by an interrupted switch: on the application, held with its key by
/// Mailferry, used by no connection, and far from its end.
fn left_by_earlier_attempt(
    keys: &[KeyCredential],
    stored: &[CertificateInfo],
    used: &[String],
    now: DateTime<Utc>,
) -> Option<CertificateInfo> {
    let unused: Vec<CertificateInfo> = stored
        .iter()
        .filter(|c| !used.iter().any(|u| u.eq_ignore_ascii_case(&c.sha1_thumbprint)))
        .filter(|c| c.not_after - now > chrono::Duration::days(crate::expiry::WARN_AT_DAYS[0]))
        .cloned()
        .collect();
    let sha1 = key_credentials::held_certificate(keys, &unused, now)?;
    unused.into_iter().find(|c| c.sha1_thumbprint == sha1)
}

impl Renewer<'_> {
    /// Switches the client secret connection `connection_id` to a new certificate, made and
    /// uploaded with the signed-in administrator's token; removes the old secret from the
    /// application unless `keep_secret`.
    pub async fn switch_to_certificate(
        &self,
        admin: &AdminToken,
        connection_id: Uuid,
        keep_secret: bool,
        on_progress: &(dyn Fn(String) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<CertificateSwitch> {
        let connection = self.connections.get(connection_id).await?;
        let AppCredential::Secret(old_secret) = self.connections.app_credential(&connection).await? else {
            return Err(already_a_certificate(&connection));
        };
        let tenant = self.admins_tenant(admin, &connection, cancel).await?;
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), admin.bearer());
        let application = async {
            let what = "find the application";
            let Some(object_id) = graph.application_object_id(&connection.client_id, what, cancel).await? else {
                return Err(Error::NotRenewable {
                    message: format!("No application with the ID {} is in the tenant.", connection.client_id),
                    hint: "Check the connection's Application (client) ID; the application may have been deleted."
                        .into(),
                });
            };
            let what = "read the application's certificates and secrets";
            let (keys, secrets) = graph.application_credentials(&object_id, what, cancel).await?;
            Ok((object_id, keys, secrets))
        };
        // One round of reads, and the key made meanwhile (it takes as long as a round trip).
        let (policy, (object_id, keys, secrets), key) =
            tokio::try_join!(read_default(&graph, &admin.claims, None, cancel), application, new_key_off_thread())?;
        remember(self.connections.store(), &[&connection.tenant_id, &tenant.id], &policy).await?;
        let policy = policy.policy();

        let certificates = self.connections.certificates();
        let used: Vec<String> = self
            .connections
            .list(None)
            .await?
            .into_iter()
            .filter_map(|c| match c.credential {
                Credential::Certificate { sha1_thumbprint, .. } => Some(sha1_thumbprint),
                Credential::Secret { .. } => None,
            })
            .collect();
        let now = Utc::now();
        let (certificate, policy_note) = match left_by_earlier_attempt(&keys, &certificates.list().await?, &used, now) {
            Some(earlier) => {
                on_progress(format!(
                    "The certificate an earlier attempt added ({}) is on the application: going on with it",
                    earlier.sha1_thumbprint
                ));
                (earlier, None)
            }
            None => {
                let cap = policy.certificate_max_lifetime.as_ref();
                let made = certificates.put(&self_signed(key, connection.role, cap)?).await?;
                let full_term = made.not_before + chrono::Duration::days(365 * i64::from(VALIDITY_YEARS));
                let note = cap
                    .filter(|_| made.not_after < full_term)
                    .map(|cap| format!("the tenant's app management policy caps certificates at {}", cap.describe()));
                self.upload_keeping_others(&graph, &connection, &object_id, &keys, made, note, on_progress, cancel)
                    .await?
            }
        };

        // Proven: Microsoft issues a token for it (through replication), before the switch.
        let credential = AppCredential::Certificate(Arc::new(certificates.load(&certificate.sha1_thumbprint).await?));
        self.poller()
            .poll(cancel, |attempt| {
                let (credential, tenant, connection) = (&credential, &tenant, &connection);
                async move {
                    match self.token(connection, tenant, credential, true, cancel).await {
                        Ok(_) => Ok(Some(())),
                        Err(error) if super::steps::not_replicated_yet(&error) => {
                            on_progress(format!(
                                "Waiting for the new certificate: {}",
                                crate::registration::waiting_detail(attempt)
                            ));
                            Ok(None)
                        }
                        Err(error) => Err(error),
                    }
                }
            })
            .await?;
        on_progress("The new certificate signs in".into());

        // Switched: the keychain's secret goes with the save; later renewals need no admin and
        // name the application by the object id read here.
        let mut switched = connection.clone();
        switched.credential = Credential::Certificate {
            sha1_thumbprint: certificate.sha1_thumbprint.clone(),
            sha256_thumbprint: Some(certificate.sha256_thumbprint.clone()),
            subject: Some(certificate.subject.clone()),
            not_after: Some(certificate.not_after),
        };
        self.connections.save(vec![Upsert { connection: switched, secret: None }], &[]).await?;
        // Mailferry's own keyId, unless the application names the certificate otherwise.
        let key_id = keys
            .iter()
            .find(|k| key_credentials::is_certificate(k, &certificate.sha1_thumbprint))
            .and_then(|k| k.key_id.clone())
            .unwrap_or_else(|| key_credentials::key_id_for(&certificate.sha1_thumbprint).to_string());
        self.repo().record_upload(connection_id, &certificate.sha1_thumbprint, &key_id, &object_id).await?;
        on_progress(format!(
            "The connection signs in with the certificate, valid until {}",
            certificate.not_after.format("%Y-%m-%d")
        ));

        let warning = if keep_secret {
            None
        } else {
            let hint: String = old_secret.expose_secret().chars().take(3).collect();
            let warning = remove_old_secret(&graph, &object_id, &secrets, &hint, cancel).await?;
            if warning.is_none() {
                on_progress("The client secret was removed from the application".into());
            }
            warning
        };
        Ok(CertificateSwitch {
            connection_id,
            sha1_thumbprint: certificate.sha1_thumbprint,
            expires_at: certificate.not_after,
            policy_note,
            secret_removed: !keep_secret && warning.is_none(),
            warning,
        })
    }

    /// PATCH of `keyCredentials` with every current certificate written back and the new one
    /// added; a lifetime the tenant's policy refuses (one the admin's token could not read)
    /// is stepped down, each try said. Answers the certificate uploaded and the policy note.
    #[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
    async fn upload_keeping_others(
        &self,
        graph: &GraphClient<'_>,
        connection: &Connection,
        object_id: &str,
        keys: &[KeyCredential],
        mut certificate: CertificateInfo,
        mut note: Option<String>,
        on_progress: &(dyn Fn(String) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<(CertificateInfo, Option<String>)> {
        let kept = key_credentials::kept_as_they_are(keys).map_err(|held_back| Error::KeyBytesWithheld {
            certificate: held_back,
            app_id: connection.client_id.clone(),
        })?;
        let certificates = self.connections.certificates();
        let what = "add the certificate to the application";
        loop {
            let der = certificates.load(&certificate.sha1_thumbprint).await?.der;
            let key_id = key_credentials::key_id_for(&certificate.sha1_thumbprint);
            let new_key = KeyCredential::certificate(
                &der,
                key_id,
                subject_name(connection.role),
                certificate.not_before,
                certificate.not_after,
            );
            let all: Vec<KeyCredential> = kept.iter().cloned().chain([new_key]).collect();
            match graph.replace_key_credentials(object_id, &all, what, cancel).await {
                Ok(()) => break,
                Err(error) if lifetime_refused(&error) => {
                    let Some((shorter, said)) =
                        shorter_certificate(certificates, &certificate, connection.role, None).await?
                    else {
                        return Err(error);
                    };
                    on_progress(said.clone());
                    note = Some(said);
                    certificate = shorter;
                }
                Err(error) => return Err(error),
            }
        }
        on_progress(format!(
            "Certificate {} added to the application, valid until {}",
            certificate.sha1_thumbprint,
            certificate.not_after.format("%Y-%m-%d")
        ));
        Ok((certificate, note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(sha1: &str, days_left: i64, now: DateTime<Utc>) -> CertificateInfo {
        CertificateInfo {
            subject: "CN=Mailferry Migration Source".into(),
            issuer: "CN=Mailferry Migration Source".into(),
            serial: "01".into(),
            not_before: now - chrono::Duration::days(1),
            not_after: now + chrono::Duration::days(days_left),
            key_algorithm: "RSA".into(),
            key_bits: 2048,
            sha1_thumbprint: sha1.into(),
            sha256_thumbprint: String::new(),
            x5t: String::new(),
            x5t_s256: String::new(),
        }
    }

    fn on_app(sha1: &str, now: DateTime<Utc>) -> KeyCredential {
        KeyCredential {
            custom_key_identifier: Some(sha1.into()),
            end_date_time: Some((now + chrono::Duration::days(1000)).to_rfc3339()),
            ..KeyCredential::default()
        }
    }

    const A: &str = "BB5D1064437D8720A5C53078185E6A361A78B10A";
    const B: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

    #[test]
    fn an_unused_certificate_on_the_application_is_taken_up_again() {
        let now = Utc::now();
        let found = left_by_earlier_attempt(&[on_app(A, now)], &[stored(A, 1800, now)], &[], now);
        assert_eq!(found.map(|c| c.sha1_thumbprint), Some(A.to_owned()));
    }

    #[test]
    fn a_certificate_another_connection_uses_or_one_near_its_end_is_not() {
        let now = Utc::now();
        let keys = [on_app(A, now), on_app(B, now)];
        assert_eq!(left_by_earlier_attempt(&keys, &[stored(A, 1800, now)], &[A.to_lowercase()], now), None);
        assert_eq!(left_by_earlier_attempt(&keys, &[stored(B, 20, now)], &[], now), None);
        assert_eq!(left_by_earlier_attempt(&[on_app(A, now)], &[stored(B, 1800, now)], &[], now), None);
    }
}
