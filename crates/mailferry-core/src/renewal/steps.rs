//! What each renewal step does at Microsoft and in the store.

use std::sync::Arc;

use super::Renewer;
use crate::certs::{new_key_off_thread, self_signed, subject_name};
use crate::connections::Upsert;
use crate::credential_policy::{shorter_certificate, LIFETIME_REFUSED};
use crate::graph::{GraphClient, KeyCredential};
use crate::http::CancellationToken;
use crate::identity::{proof_of_possession, AppCredential, ResolvedTenant};
use crate::model::registration::StepState;
use crate::model::renewal::{Renewal, RenewalStep};
use crate::model::{Connection, Credential};
use crate::registration::key_credentials;
use crate::registration::polling::Poller;
use crate::{Error, Result};

/// What the steps of one run share.
pub(super) struct Run {
    pub connection: Connection,
    pub tenant: ResolvedTenant,
}

/// The token endpoint does not know a just-added certificate yet (AADSTS700027, "not
/// registered on application"), as with a new application's (docs/microsoft-contract.md).
pub(super) fn not_replicated_yet(error: &Error) -> bool {
    matches!(error, Error::Microsoft(failure) if failure.aadsts == Some(700027))
}

impl Renewer<'_> {
    pub(super) fn poller(&self) -> Poller<'_> {
        self.poller_for("Microsoft's replication of the new certificate")
    }

    pub(super) fn poller_for(&self, waiting_for: &'static str) -> Poller<'_> {
        Poller { config: &self.config, waiting_for }
    }

    async fn credential(&self, sha1: &str) -> Result<AppCredential> {
        Ok(AppCredential::Certificate(Arc::new(self.connections.certificates().load(sha1).await?)))
    }

    fn new_sha1(r: &Renewal) -> Result<&str> {
        r.new_sha1.as_deref().ok_or_else(|| Error::Internal("the renewal's new certificate is missing".into()))
    }

    /// Replaces the renewal's refused new certificate with a shorter one: its thumbprint and
    /// what to show; `None` when nothing shorter is worth trying.
    async fn shorter_certificate(&self, r: &mut Renewal, role: crate::model::Role) -> Result<Option<(String, String)>> {
        let certificates = self.connections.certificates();
        let Some(refused) = certificates.find(Self::new_sha1(r)?).await? else { return Ok(None) };
        let current = certificates.find(&r.old_sha1).await?.map(|c| (c.not_after - c.not_before).num_days());
        let Some((info, said)) = shorter_certificate(certificates, &refused, role, current).await? else {
            return Ok(None);
        };
        r.new_sha1 = Some(info.sha1_thumbprint.clone());
        self.repo().save(r).await?;
        Ok(Some((info.sha1_thumbprint, said)))
    }

    /// Whether Microsoft issues a token for the new certificate now.
    async fn new_certificate_works(
        &self,
        run: &Run,
        credential: &AppCredential,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        match self.token(&run.connection, &run.tenant, credential, true, cancel).await {
            Ok(_) => Ok(true),
            Err(error) if not_replicated_yet(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Carries out one step, recording its output in the renewal; answers what to show.
    pub(super) async fn perform(
        &self,
        step: RenewalStep,
        r: &mut Renewal,
        run: &Run,
        tried_before: bool,
        report: &(impl Fn(RenewalStep, StepState, String) + Sync),
        cancel: &CancellationToken,
    ) -> Result<String> {
        let connection = &run.connection;
        match step {
            // Made here; only its public part leaves the machine.
            RenewalStep::Certificate => {
                let generated = self_signed(new_key_off_thread().await?, connection.role, None)?;
                let info = self.connections.certificates().put(&generated).await?;
                r.new_sha1 = Some(info.sha1_thumbprint.clone());
                Ok(info.sha1_thumbprint)
            }
            // addKey with the application's own token, proven by the current certificate.
            RenewalStep::AddKey => {
                let new_sha1 = Self::new_sha1(r)?.to_owned();
                let key_id = key_credentials::key_id_for(&new_sha1).to_string();
                let new_credential = self.credential(&new_sha1).await?;
                // An earlier attempt's answer may have been lost after Microsoft added it.
                if tried_before {
                    let added =
                        |_| async { Ok(self.new_certificate_works(run, &new_credential, cancel).await?.then_some(())) };
                    if self.poller().poll_briefly(cancel, added).await?.is_some() {
                        r.added = true;
                        r.new_key_id = Some(key_id.clone());
                        return Ok(key_id);
                    }
                }
                let old = self.credential(&r.old_sha1).await?;
                let AppCredential::Certificate(old_keyed) = &old else {
                    return Err(Error::Internal("the old credential is not a certificate".into()));
                };
                let token = self.token(connection, &run.tenant, &old, false, cancel).await?;
                let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), token.bearer());
                let what = "add the new certificate to the application";
                let object_id = r.application_object_id.clone();
                let add = |sha1: String| {
                    let (graph, object_id) = (&graph, &object_id);
                    async move {
                        let new = self.connections.certificates().load(&sha1).await?;
                        let key = KeyCredential::certificate(
                            &new.der,
                            key_credentials::key_id_for(&sha1),
                            subject_name(connection.role),
                            new.info.not_before,
                            new.info.not_after,
                        );
                        let proof = proof_of_possession(old_keyed, object_id, chrono::Utc::now())?;
                        graph.add_key(object_id, &key, &proof, what, cancel).await
                    }
                };
                let mut answer = add(new_sha1.clone()).await?;
                let mut key_id = key_id;
                // The app's own token may not read the tenant's policy: a lifetime it refuses
                // is learnt here, and a shorter certificate tried (first as long as the
                // current one, which the policy accepted), each said as it happens.
                while answer.status == 400 && answer.error().has_code(LIFETIME_REFUSED) {
                    let Some((shorter, detail)) = self.shorter_certificate(r, connection.role).await? else { break };
                    report(RenewalStep::AddKey, StepState::Waiting, detail);
                    key_id = key_credentials::key_id_for(&shorter).to_string();
                    answer = add(shorter).await?;
                }
                let body = answer.into_result(what)?;
                // The answer is the new keyCredential; Microsoft's example shows it truncated,
                // so the keyId Mailferry sent stands in when the answer has none.
                let answered = body["keyId"].as_str().map(str::to_owned);
                r.new_key_id = Some(answered.unwrap_or(key_id));
                r.added = true;
                Ok(r.new_key_id.clone().unwrap_or_default())
            }
            // Poll the token endpoint with the new certificate through replication.
            RenewalStep::Proven => {
                let credential = self.credential(Self::new_sha1(r)?).await?;
                self.poller()
                    .poll(cancel, |attempt| {
                        let credential = &credential;
                        async move {
                            if self.new_certificate_works(run, credential, cancel).await? {
                                return Ok(Some(()));
                            }
                            let detail = crate::registration::waiting_detail(attempt);
                            report(RenewalStep::Proven, StepState::Waiting, detail);
                            Ok(None)
                        }
                    })
                    .await?;
                r.proven = true;
                Ok(String::new())
            }
            // The connection signs in with the new certificate from now on; the old one's key
            // leaves the keychain with it (no other connection uses it).
            RenewalStep::Switch => {
                let new = self.connections.certificates().get(Self::new_sha1(r)?).await?;
                let mut switched = self.connections.get(connection.id).await?;
                switched.credential = Credential::Certificate {
                    sha1_thumbprint: new.sha1_thumbprint.clone(),
                    sha256_thumbprint: Some(new.sha256_thumbprint.clone()),
                    subject: Some(new.subject.clone()),
                    not_after: Some(new.not_after),
                };
                self.connections.save(vec![Upsert { connection: switched, secret: None }], &[]).await?;
                r.switched = true;
                Ok(format!("valid until {}", new.not_after.format("%Y-%m-%d")))
            }
            // removeKey of the old certificate, proven by the new one. A refusal leaves both on
            // the application and the connection working: the admin is told what to remove.
            RenewalStep::RemoveOld => {
                let Some(old_key_id) = r.old_key_id.clone() else {
                    r.warning = Some(format!(
                        "The old certificate {} is still on the application: Mailferry may not read the application to find it. Remove it under Certificates & secrets in the Microsoft Entra admin center; until then it stops working when it expires.",
                        r.old_sha1
                    ));
                    return Ok(r.warning.clone().unwrap_or_default());
                };
                let credential = self.credential(Self::new_sha1(r)?).await?;
                let AppCredential::Certificate(new_keyed) = &credential else {
                    return Err(Error::Internal("the new credential is not a certificate".into()));
                };
                let token = self.token(connection, &run.tenant, &credential, false, cancel).await?;
                let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), token.bearer());
                let proof = proof_of_possession(new_keyed, &r.application_object_id, chrono::Utc::now())?;
                let what = "remove the old certificate from the application";
                let answer = graph.remove_key(&r.application_object_id, &old_key_id, &proof, what, cancel).await?;
                if answer.is_success() || answer.status == 404 {
                    r.old_removed = true;
                    return Ok(r.old_sha1.clone());
                }
                if answer.status >= 500 || answer.status == 429 {
                    return Err(answer.into_result(what).err().unwrap_or(Error::Internal(what.into())));
                }
                let refusal = answer.into_result(what).err().map(|e| e.to_string()).unwrap_or_default();
                r.warning = Some(format!(
                    "The old certificate {} is still on the application: Microsoft refused to remove it ({refusal}). The connection works with the new one; remove the old one under Certificates & secrets in the Microsoft Entra admin center.",
                    r.old_sha1
                ));
                Ok(r.warning.clone().unwrap_or_default())
            }
        }
    }
}
