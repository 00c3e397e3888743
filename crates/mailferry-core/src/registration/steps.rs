//! What each registration step does at Microsoft and in the store: create the application,
//! the service principal, grant the roles, wait for them, save the connection. Replication
//! delays are waited out by polling, never by fixed sleeps (docs/microsoft-contract.md).

use serde_json::{json, Value};
use uuid::Uuid;

use super::polling::Poller;
use super::workflow::{application_name, denied, id_of, replicating, waiting_detail, Registrar};
use crate::certs::CertificateInfo;
use crate::connections::Upsert;
use crate::credential_policy::{lifetime_refused, shorter_certificate};
use crate::graph::{grant_request, BatchRequest, GraphClient};
use crate::http::CancellationToken;
use crate::identity::{AppCredential, AppTokenRequest};
use crate::microsoft_errors::MicrosoftFailure;
use crate::model::registration::{RegistrationStep, StepState};
use crate::model::{Connection, Credential, RegistrationMode};
use crate::permissions::{Needs, MICROSOFT_GRAPH_APP_ID};
use crate::registration::Registration;
use crate::{Error, Result};

impl Registrar<'_> {
    pub(super) async fn recorded_certificate(&self, r: &Registration) -> Result<Option<CertificateInfo>> {
        match &r.certificate_sha1 {
            Some(sha1) => self.connections.certificates().find(sha1).await,
            None => Ok(None),
        }
    }

    pub(super) async fn create_application(
        &self,
        graph: &GraphClient<'_>,
        r: &Registration,
        certificate: &CertificateInfo,
        role_ids: &[String],
        tag: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, String)> {
        let roles: Vec<Value> = role_ids.iter().map(|id| json!({"id": id, "type": "Role"})).collect();
        let body = json!({
            "displayName": application_name(r.role),
            "signInAudience": "AzureADMyOrg",
            "requiredResourceAccess": [{"resourceAppId": MICROSOFT_GRAPH_APP_ID, "resourceAccess": roles}],
            "keyCredentials": [self.key_credential(r.role, certificate).await?],
            "tags": ["mailferry", tag],
            "notes": format!("Registered by Mailferry for mailbox migration ({}), signed in as {}.", r.role.as_str(), r.admin),
        });
        let what = "register the application";
        let answer = graph.create_application(&body, what, cancel).await?;
        if answer.status == 403 {
            return Err(denied(
                r,
                "register applications",
                "Application Administrator, Cloud Application Administrator or Global Administrator",
                None,
            ));
        }
        let app = answer.into_result(what)?;
        match (app["id"].as_str(), app["appId"].as_str()) {
            (Some(id), Some(app_id)) => Ok((id.to_owned(), app_id.to_owned())),
            _ => Err(Error::UnexpectedResponse { what: "POST /applications".into(), detail: "no id or appId".into() }),
        }
    }

    /// POST /applications with the certificate; when Graph refuses its lifetime (a policy the
    /// admin's token could not read), nothing was created, so a shorter certificate is made and
    /// tried, down to 30 days, each said as it happens.
    ///
    /// The permissions are sent with the role ids Mailferry knows, which saves reading Microsoft
    /// Graph's roles before the first write. Graph refuses an id its service principal does not
    /// offer (400), so on a 400 the roles are read by value: if an id differs, the difference
    /// is logged and the application created with Graph's ids; if none does, the refusal was
    /// about something else and is returned as it came.
    pub(super) async fn create_within_policy(
        &self,
        graph: &GraphClient<'_>,
        r: &mut Registration,
        certificate: &mut CertificateInfo,
        tag: &str,
        report: &impl Fn(RegistrationStep, StepState, String),
        cancel: &CancellationToken,
    ) -> Result<(String, String)> {
        let mut role_ids: Vec<String> = r.needs().entra().into_iter().map(|p| p.id).collect();
        let mut resolved = false;
        loop {
            let error = match self.create_application(graph, r, certificate, &role_ids, tag, cancel).await {
                Err(error) if lifetime_refused(&error) => error,
                Err(error) if !resolved && bad_request(&error) => {
                    resolved = true;
                    let (_, by_value) = self.graph_roles(graph, r.needs(), cancel).await?;
                    if by_value.iter().zip(&role_ids).all(|(graph, known)| graph.eq_ignore_ascii_case(known)) {
                        return Err(error);
                    }
                    role_ids = by_value;
                    continue;
                }
                other => return other,
            };
            let shorter = shorter_certificate(self.connections.certificates(), certificate, r.role, None).await?;
            let Some((replacement, said)) = shorter else { return Err(error) };
            report(RegistrationStep::Application, StepState::Waiting, said);
            r.certificate_sha1 = Some(replacement.sha1_thumbprint.clone());
            self.repo().save(r).await?;
            *certificate = replacement;
        }
    }

    pub(super) async fn create_service_principal(
        &self,
        graph: &GraphClient<'_>,
        app_id: &str,
        report: &impl Fn(RegistrationStep, StepState, String),
        cancel: &CancellationToken,
    ) -> Result<String> {
        let what = "create the enterprise application";
        self.poll(cancel, |attempt| async move {
            let answer = graph.create_service_principal(app_id, what, cancel).await?;
            if answer.is_success() {
                return Ok(Some(id_of(&answer)?));
            }
            if answer.status == 409 {
                // Created by an earlier attempt: look it up.
                return graph.service_principal_id(app_id, what, cancel).await?.map(Some).ok_or_else(|| {
                    Error::UnexpectedResponse {
                        what: "GET /servicePrincipals".into(),
                        detail: "no service principal".into(),
                    }
                });
            }
            if replicating(answer.status, &answer.error()) {
                report(RegistrationStep::ServicePrincipal, StepState::Waiting, waiting_detail(attempt));
                return Ok(None);
            }
            Err(answer.into_result(what).err().unwrap_or_else(|| Error::Internal("unreachable".into())))
        })
        .await
    }

    /// Microsoft Graph's service principal and the ids of the roles to grant, read by value
    /// (the GUIDs Mailferry knows are the cross-check).
    pub(super) async fn graph_roles(
        &self,
        graph: &GraphClient<'_>,
        needs: Needs,
        cancel: &CancellationToken,
    ) -> Result<(String, Vec<String>)> {
        let (resource_id, app_roles) = graph.microsoft_graph_roles(cancel).await?;
        let role_ids = crate::graph::role_ids_by_value(&needs.entra(), &app_roles)?;
        Ok((resource_id, role_ids))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn grant(
        &self,
        graph: &GraphClient<'_>,
        r: &Registration,
        service_principal: &str,
        app_id: &str,
        (resource_id, role_ids): (String, Vec<String>),
        report: &impl Fn(RegistrationStep, StepState, String),
        cancel: &CancellationToken,
    ) -> Result<()> {
        let mut pending = role_ids;
        let what = "grant the permissions";
        let deadline = self.deadline();
        let mut attempt = 1;
        loop {
            let requests: Vec<BatchRequest> =
                pending.iter().map(|role| grant_request(&resource_id, service_principal, role)).collect();
            let answers = graph.batch(requests, cancel).await?;
            let mut still = Vec::new();
            for (role, answer) in pending.iter().zip(&answers) {
                match answer.status {
                    // 409: granted by an earlier attempt.
                    200..=299 | 409 => {}
                    // Our service principal is not visible to grants yet.
                    status if replicating(status, &answer.error()) => still.push(role.clone()),
                    403 => {
                        return Err(denied(
                            r,
                            "grant Microsoft Graph application permissions",
                            "Global Administrator or Privileged Role Administrator",
                            Some(app_id),
                        ));
                    }
                    _ => {
                        let (message, hint) =
                            crate::microsoft_errors::explain_graph(answer.status, &answer.error(), what);
                        let detail = answer.detail();
                        return Err(Error::Microsoft(Box::new(MicrosoftFailure {
                            message,
                            hint,
                            aadsts: None,
                            detail,
                        })));
                    }
                }
            }
            if still.is_empty() {
                return Ok(());
            }
            report(RegistrationStep::Permissions, StepState::Waiting, waiting_detail(attempt));
            pending = still;
            self.pause(deadline, cancel).await?;
            attempt += 1;
        }
    }

    pub(super) async fn wait_for_roles(
        &self,
        r: &Registration,
        tenant: &crate::identity::ResolvedTenant,
        app_id: &str,
        certificate: &CertificateInfo,
        report: &impl Fn(RegistrationStep, StepState, String),
        cancel: &CancellationToken,
    ) -> Result<()> {
        let keyed = std::sync::Arc::new(self.connections.certificates().load(&certificate.sha1_thumbprint).await?);
        let credential = AppCredential::Certificate(keyed);
        let needed = r.needs().entra().len();
        self.poll(cancel, |attempt| {
            let credential = &credential;
            async move {
                let request = AppTokenRequest { cloud: &r.cloud, tenant, client_id: app_id, credential, fresh: true };
                match self.identity.tokens.app_only(&self.identity.http, &request, cancel).await {
                    Ok(token) => {
                        let missing = crate::checks::compare_roles(r.needs(), &token.claims.roles).missing;
                        if missing.is_empty() {
                            return Ok(Some(()));
                        }
                        let detail = format!(
                            "{} of {needed} permissions in the token; {}",
                            needed - missing.len(),
                            waiting_detail(attempt)
                        );
                        report(RegistrationStep::Consent, StepState::Waiting, detail);
                        Ok(None)
                    }
                    // A new application and its certificate take a while to reach sign-in.
                    Err(Error::Microsoft(failure)) if matches!(failure.aadsts, Some(700016 | 700027 | 7000215)) => {
                        report(RegistrationStep::Consent, StepState::Waiting, waiting_detail(attempt));
                        Ok(None)
                    }
                    Err(error) => Err(error),
                }
            }
        })
        .await
    }

    pub(super) async fn save_connection(
        &self,
        r: &Registration,
        app_id: &str,
        certificate: &CertificateInfo,
    ) -> Result<Connection> {
        if let Some(id) = r.connection_id {
            if let Ok(existing) = self.connections.get(id).await {
                return Ok(existing);
            }
        }
        let mut name = r.connection_name.clone();
        let mut n = 2;
        while self.connections.store().connections().name_taken(r.role, &name, None).await? {
            name = format!("{} ({n})", r.connection_name);
            n += 1;
        }
        let now = crate::model::now();
        let connection = Connection {
            id: Uuid::new_v4(),
            role: r.role,
            name,
            cloud: r.cloud.clone(),
            tenant_id: r.tenant_id.clone(),
            tenant_name: None,
            default_domain: None,
            client_id: app_id.to_owned(),
            application_mailbox: r.application_mailbox.clone(),
            registration: RegistrationMode::Automatic,
            permission_profile: r.permission_profile,
            mailbox_scope: r.scope_group.clone().map(|group| crate::model::MailboxScope { group, display_name: None }),
            credential: Credential::Certificate {
                sha1_thumbprint: certificate.sha1_thumbprint.clone(),
                sha256_thumbprint: Some(certificate.sha256_thumbprint.clone()),
                subject: Some(certificate.subject.clone()),
                not_after: Some(certificate.not_after),
            },
            created_at: now,
            updated_at: now,
            last_check: None,
            secrets_blocked: false,
        };
        self.connections.save(vec![Upsert { connection: connection.clone(), secret: None }], &[]).await?;
        self.connections.get(connection.id).await
    }

    /// Replication waits of a registration.
    pub(super) fn poller(&self) -> Poller<'_> {
        Poller { config: &self.config, waiting_for: "Microsoft's replication of the new application" }
    }

    pub(super) fn deadline(&self) -> tokio::time::Instant {
        self.poller().deadline()
    }

    pub(super) async fn pause(&self, deadline: tokio::time::Instant, cancel: &CancellationToken) -> Result<()> {
        self.poller().pause(deadline, cancel).await
    }

    pub(super) async fn poll_briefly<T, F, Fut>(&self, cancel: &CancellationToken, attempt: F) -> Result<Option<T>>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        self.poller().poll_briefly(cancel, attempt).await
    }

    pub(super) async fn poll<T, F, Fut>(&self, cancel: &CancellationToken, attempt: F) -> Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        self.poller().poll(cancel, attempt).await
    }
}

/// Graph refused the request as malformed (HTTP 400), whatever its codes.
fn bad_request(error: &Error) -> bool {
    matches!(error, Error::Microsoft(failure) if failure.detail.http_status == 400)
}
