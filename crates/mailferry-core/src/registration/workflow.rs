//! Automatic registration as a journaled, resumable workflow (docs/microsoft-contract.md):
//! certificate, application, service principal, permissions, consent, connection.
//! Each step records its output before moving on; a step whose output is recorded is skipped
//! when the registration is resumed. Entra's replication delays are waited out by polling,
//! never by fixed sleeps.

use std::time::Duration;

use serde_json::{json, Value};
use uuid::Uuid;

use super::key_credentials;
use super::model::{
    ApplicationDeletion, EarlierRegistration, Registration, RegistrationEvent, RegistrationStatus, RegistrationStep,
    StepState,
};
use crate::certs::{generate, subject_name, CertificateInfo};
use crate::cloud::Cloud;
use crate::connections::ConnectionService;
use crate::graph::{grant_request, BatchRequest, GraphClient, GraphErrorBody, GraphResponse, KeyCredential};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::identity::{AppCredential, AppTokenRequest, IdentityClient};
use crate::microsoft_errors::MicrosoftFailure;
use crate::model::{Connection, Credential, RegistrationMode, Role, StagedChanges};
use crate::permissions::{permission_set, MICROSOFT_GRAPH_APP_ID};
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct RegistrationConfig {
    /// How often Entra is asked again while it replicates (Microsoft suggests 2-5 s).
    pub poll_interval: Duration,
    /// How long replication is waited for before giving up (resumable).
    pub poll_timeout: Duration,
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        RegistrationConfig { poll_interval: Duration::from_secs(3), poll_timeout: Duration::from_secs(300) }
    }
}

/// What the admin asked for.
#[derive(Debug, Clone)]
pub struct RegistrationRequest {
    pub role: Role,
    pub cloud: Cloud,
    /// Defaults to the signed-in admin's domain.
    pub connection_name: Option<String>,
    /// Defaults to the signed-in admin.
    pub application_mailbox: Option<String>,
    /// Upload the new certificate to this earlier Mailferry application instead of registering
    /// another one.
    pub reuse_app_id: Option<String>,
}

pub type OnEvent<'a> = &'a (dyn Fn(RegistrationEvent) + Send + Sync);

pub struct Registrar<'a> {
    identity: &'a IdentityClient,
    connections: &'a ConnectionService,
    config: RegistrationConfig,
}

/// The display name Mailferry registers under, by role.
pub fn application_name(role: Role) -> &'static str {
    match role {
        Role::Source => "Mailferry Migration Source",
        Role::Target => "Mailferry Migration Target",
    }
}

/// The tag that finds this registration's application again, even when the process stopped
/// between Microsoft creating it and the journal recording it.
fn registration_tag(id: Uuid) -> String {
    format!("mailferry-registration-{id}")
}

/// The link an administrator with the right role opens to grant the permissions themselves.
pub fn admin_consent_url(cloud: &Cloud, tenant: &str, app_id: &str) -> String {
    format!("{}/{tenant}/v2.0/adminconsent?client_id={app_id}&scope={}/.default", cloud.login_url(), cloud.graph_url())
}

impl<'a> Registrar<'a> {
    pub fn new(identity: &'a IdentityClient, connections: &'a ConnectionService, config: RegistrationConfig) -> Self {
        Registrar { identity, connections, config }
    }

    fn repo(&self) -> crate::store::RegistrationRepo<'_> {
        self.connections.store().registrations()
    }

    /// Records a new registration for the signed-in admin's tenant; `run` carries it out.
    pub async fn begin(&self, admin: &AdminToken, request: RegistrationRequest) -> Result<Registration> {
        let user = admin.claims.user().to_owned();
        let domain = user.split_once('@').map(|(_, d)| d.to_owned()).unwrap_or_else(|| admin.claims.tid.clone());
        let now = crate::model::now();
        let registration = Registration {
            id: Uuid::new_v4(),
            role: request.role,
            cloud: request.cloud,
            tenant_id: admin.claims.tid.clone(),
            admin: user.clone(),
            connection_name: request.connection_name.filter(|n| !n.trim().is_empty()).unwrap_or(domain),
            application_mailbox: request.application_mailbox.filter(|m| !m.trim().is_empty()).unwrap_or(user),
            status: RegistrationStatus::Running,
            reuse_app_id: request.reuse_app_id.map(|id| id.trim().to_ascii_lowercase()),
            certificate_sha1: None,
            application_object_id: None,
            application_app_id: None,
            service_principal_id: None,
            roles_granted: false,
            connection_id: None,
            last_error: None,
            started_at: now,
            updated_at: now,
        };
        self.repo().save(&registration).await?;
        Ok(registration)
    }

    pub async fn unfinished(&self) -> Result<Vec<Registration>> {
        self.repo().unfinished().await
    }

    pub async fn get(&self, id: Uuid) -> Result<Registration> {
        self.repo().get(id).await?.ok_or_else(|| Error::NotFound { what: "Registration", id: id.to_string() })
    }

    /// Runs the registration, or resumes it from its last completed step.
    pub async fn run(
        &self,
        id: Uuid,
        admin: &AdminToken,
        on_event: OnEvent<'_>,
        cancel: &CancellationToken,
    ) -> Result<Connection> {
        let mut registration = self.get(id).await?;
        if matches!(registration.status, RegistrationStatus::Completed | RegistrationStatus::RolledBack) {
            return Err(Error::Conflict {
                message: format!("This registration is already {}.", registration.status.as_str().replace('_', " ")),
                hint: "Start a new automatic registration.".into(),
            });
        }
        self.check_tenant(&registration, admin)?;
        registration.status = RegistrationStatus::Running;
        registration.last_error = None;
        self.save(&mut registration).await?;
        let outcome = self.steps(&mut registration, admin, on_event, cancel).await;
        match &outcome {
            Ok(connection) => {
                registration.status = RegistrationStatus::Completed;
                registration.connection_id = Some(connection.id);
            }
            Err(error) => {
                registration.status = RegistrationStatus::Failed;
                registration.last_error = Some(error.to_string());
            }
        }
        self.save(&mut registration).await?;
        outcome
    }

    fn check_tenant(&self, registration: &Registration, admin: &AdminToken) -> Result<()> {
        if admin.claims.tid == registration.tenant_id {
            return Ok(());
        }
        Err(Error::Conflict {
            message: format!(
                "{} signed in to tenant {}, but this registration belongs to tenant {}.",
                admin.claims.user(),
                admin.claims.tid,
                registration.tenant_id
            ),
            hint: "Sign in with an administrator account of the registration's tenant.".into(),
        })
    }

    async fn save(&self, registration: &mut Registration) -> Result<()> {
        registration.updated_at = crate::model::now();
        self.repo().save(registration).await
    }

    /// The runner: each step in order, skipped when its output is already recorded (a resumed
    /// registration), else journaled as started, performed, saved, journaled as done, and
    /// reported at each stage. Adding a step is one `RegistrationStep` variant, one arm in
    /// [`Self::recorded`] and one in [`Self::perform`].
    async fn steps(
        &self,
        r: &mut Registration,
        admin: &AdminToken,
        on_event: OnEvent<'_>,
        cancel: &CancellationToken,
    ) -> Result<Connection> {
        let id = r.id;
        let report = |step: RegistrationStep, state: StepState, detail: String| {
            on_event(RegistrationEvent { registration_id: id, step, state, detail });
        };
        let journal = self.repo().journal(id).await?;
        let mut run = Run {
            graph: GraphClient::new(&self.identity.http, r.cloud.graph_url(), admin.bearer()),
            certificate: None,
            app_id: r.application_app_id.clone(),
            roles: None,
            tenant: None,
            connection: None,
        };
        for step in RegistrationStep::ALL {
            if let Some(shown) = self.recorded(step, r, &mut run).await? {
                report(step, StepState::Skipped, shown);
                continue;
            }
            // Only an earlier attempt of this step can have done its work unseen (its answer
            // lost): a first attempt saves the round trip of looking for it.
            let tried_before = journal.iter().any(|(s, phase, _)| s == step.as_str() && phase == "started");
            self.journal(id, step, "started", &self.started_detail(step, r)).await?;
            report(step, StepState::Started, String::new());
            let done = self.perform(step, r, &mut run, tried_before, &report, cancel).await?;
            self.save(r).await?;
            self.journal(id, step, "done", &done.journal).await?;
            report(step, StepState::Done, done.shown);
        }
        run.connection.ok_or_else(|| Error::Internal("the registration ended without its connection".into()))
    }

    /// The step's output when an earlier attempt recorded it: what to show for the skip.
    async fn recorded(&self, step: RegistrationStep, r: &Registration, run: &mut Run<'_>) -> Result<Option<String>> {
        Ok(match step {
            RegistrationStep::Certificate => {
                run.certificate = self.recorded_certificate(r).await?;
                run.certificate.as_ref().map(|c| c.sha1_thumbprint.clone())
            }
            RegistrationStep::Application => r.application_object_id.as_ref().and(r.application_app_id.clone()),
            RegistrationStep::ServicePrincipal => r.service_principal_id.clone(),
            RegistrationStep::Permissions => r.roles_granted.then(String::new),
            // Whether Microsoft applied the permissions is asked again on every run, and the
            // connection is saved once, at the end.
            RegistrationStep::Consent | RegistrationStep::Connection => None,
        })
    }

    fn started_detail(&self, step: RegistrationStep, r: &Registration) -> String {
        match step {
            RegistrationStep::Application => registration_tag(r.id),
            RegistrationStep::ServicePrincipal => r.application_app_id.clone().unwrap_or_default(),
            RegistrationStep::Permissions => r.service_principal_id.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Carries out one step, recording its output in the registration.
    async fn perform(
        &self,
        step: RegistrationStep,
        r: &mut Registration,
        run: &mut Run<'_>,
        tried_before: bool,
        report: &(impl Fn(RegistrationStep, StepState, String) + Sync),
        cancel: &CancellationToken,
    ) -> Result<StepDone> {
        match step {
            // The certificate, generated here; only its public part leaves the machine.
            RegistrationStep::Certificate => {
                let info = self.connections.certificates().put(&generate(r.role)?).await?;
                r.certificate_sha1 = Some(info.sha1_thumbprint.clone());
                let done = StepDone::same(info.sha1_thumbprint.clone());
                run.certificate = Some(info);
                Ok(done)
            }
            // The application, with the permission set and the certificate (or an earlier
            // Mailferry application reused).
            RegistrationStep::Application => {
                let certificate = run.certificate()?;
                let (object_id, app_id) = match r.reuse_app_id.clone() {
                    Some(reused) => self.reuse_application(&run.graph, r, &reused, certificate, cancel).await?,
                    None => {
                        let tag = registration_tag(r.id);
                        let found =
                            if tried_before { self.find_by_tag(&run.graph, r.role, &tag, cancel).await? } else { None };
                        match found {
                            Some(app) => app,
                            None => self.create_application(&run.graph, r, certificate, &tag, cancel).await?,
                        }
                    }
                };
                r.application_object_id = Some(object_id.clone());
                r.application_app_id = Some(app_id.clone());
                run.app_id = Some(app_id.clone());
                Ok(StepDone { journal: format!("{object_id} {app_id}"), shown: app_id })
            }
            // The service principal (enterprise application), unknown to Entra for a while;
            // Microsoft Graph's role ids and the tenant's metadata are read at the same time.
            RegistrationStep::ServicePrincipal => {
                let app_id = run.app_id()?.to_owned();
                let needs_roles = !r.roles_granted;
                let (sp, roles, tenant) = tokio::try_join!(
                    self.create_service_principal(&run.graph, &app_id, report, cancel),
                    async {
                        match needs_roles {
                            true => self.graph_roles(&run.graph, r.role, cancel).await.map(Some),
                            false => Ok(None),
                        }
                    },
                    self.identity.tenants.resolve(&self.identity.http, &r.cloud, &r.tenant_id, cancel),
                )?;
                r.service_principal_id = Some(sp.clone());
                run.roles = roles;
                run.tenant = Some(tenant);
                Ok(StepDone::same(sp))
            }
            // The application permissions, granted in one batch.
            RegistrationStep::Permissions => {
                let roles = match run.roles.take() {
                    Some(roles) => roles,
                    None => self.graph_roles(&run.graph, r.role, cancel).await?,
                };
                let sp =
                    r.service_principal_id.clone().ok_or_else(|| Error::Internal("no service principal".into()))?;
                self.grant(&run.graph, r, &sp, run.app_id()?, roles, report, cancel).await?;
                r.roles_granted = true;
                Ok(StepDone { journal: String::new(), shown: format!("{} permissions", permission_set(r.role).len()) })
            }
            // Wait until app-only tokens carry every role: then the connection works.
            RegistrationStep::Consent => {
                let tenant = match run.tenant.take() {
                    Some(tenant) => tenant,
                    None => self.identity.tenants.resolve(&self.identity.http, &r.cloud, &r.tenant_id, cancel).await?,
                };
                self.wait_for_roles(r, &tenant, run.app_id()?, run.certificate()?, report, cancel).await?;
                Ok(StepDone::same(String::new()))
            }
            // The connection, saved with its certificate credential.
            RegistrationStep::Connection => {
                let connection = self.save_connection(r, run.app_id()?, run.certificate()?).await?;
                let done = StepDone { journal: connection.id.to_string(), shown: connection.name.clone() };
                run.connection = Some(connection);
                Ok(done)
            }
        }
    }

    async fn journal(&self, id: Uuid, step: RegistrationStep, phase: &str, detail: &str) -> Result<()> {
        self.repo().log(id, step, phase, detail).await
    }

    async fn recorded_certificate(&self, r: &Registration) -> Result<Option<CertificateInfo>> {
        match &r.certificate_sha1 {
            Some(sha1) => self.connections.certificates().find(sha1).await,
            None => Ok(None),
        }
    }

    /// The application an earlier attempt created, found by this registration's tag.
    async fn find_by_tag(
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
        let connections = self.connections.list(Some(role)).await?;
        let now = chrono::Utc::now();
        let mut earlier: Vec<EarlierRegistration> = apps
            .into_iter()
            .map(|app| EarlierRegistration {
                held_certificate: key_credentials::held_certificate(&app.key_credentials, &held, now),
                certificate_count: app.key_credentials.len(),
                connections: connections.iter().filter(|c| c.client_id == app.app_id).map(|c| c.name.clone()).collect(),
                display_name: app.display_name.unwrap_or_default(),
                created_at: app.created_date_time,
                object_id: app.id,
                app_id: app.app_id,
            })
            .collect();
        earlier.sort_by_key(|e| std::cmp::Reverse(e.created_at));
        Ok(earlier)
    }

    /// Uploads the new certificate to an earlier Mailferry application, never removing one it
    /// holds: next to them with addKey (proven with a certificate Mailferry holds), or, when
    /// Mailferry holds none of them, with a PATCH of the whole list that writes every current
    /// certificate back with its own bytes (PATCH replaces the list, section 4).
    async fn reuse_application(
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
        let what = "read the certificates of the application to reuse";
        let keys = graph.application_certificates(&object_id, what, cancel).await?;
        if keys.iter().any(|k| key_credentials::is_certificate(k, &certificate.sha1_thumbprint)) {
            return Ok((object_id, app_id.to_owned()));
        }
        let new_key = self.key_credential(r.role, certificate).await?;
        let stored = self.connections.certificates().list().await?;
        let what = "upload the new certificate to the application";
        match key_credentials::held_certificate(&keys, &stored, chrono::Utc::now()) {
            Some(sha1) => {
                let proving = self.connections.certificates().load(&sha1).await?;
                let proof = crate::identity::proof_of_possession(&proving, &object_id, chrono::Utc::now())?;
                graph.add_key(&object_id, &new_key, &proof, what, cancel).await?;
            }
            None => {
                let mut all = key_credentials::kept_as_they_are(&keys).map_err(|name| Error::Conflict {
                    message: format!(
                        "Microsoft did not return the bytes of certificate \"{name}\" of application {app_id}, so Mailferry cannot add its certificate without removing that one."
                    ),
                    hint: "Register a new application instead, or upload Mailferry's certificate to this application in the Microsoft Entra admin center.".into(),
                })?;
                all.push(new_key);
                graph.replace_key_credentials(&object_id, &all, what, cancel).await?;
            }
        }
        Ok((object_id, app_id.to_owned()))
    }

    async fn key_credential(&self, role: Role, certificate: &CertificateInfo) -> Result<KeyCredential> {
        let der = self.connections.certificates().load(&certificate.sha1_thumbprint).await?.der;
        Ok(KeyCredential::certificate(&der, subject_name(role), certificate.not_before, certificate.not_after))
    }

    async fn create_application(
        &self,
        graph: &GraphClient<'_>,
        r: &Registration,
        certificate: &CertificateInfo,
        tag: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, String)> {
        let roles: Vec<Value> = permission_set(r.role).iter().map(|p| json!({"id": p.id, "type": "Role"})).collect();
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

    async fn create_service_principal(
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
    async fn graph_roles(
        &self,
        graph: &GraphClient<'_>,
        role: Role,
        cancel: &CancellationToken,
    ) -> Result<(String, Vec<String>)> {
        let what = "read Microsoft Graph's permissions";
        let (resource_id, app_roles) = graph
            .resource_app_roles(MICROSOFT_GRAPH_APP_ID, what, cancel)
            .await?
            .ok_or_else(|| Error::UnexpectedResponse {
                what: "GET /servicePrincipals (Microsoft Graph)".into(),
                detail: "Microsoft Graph's service principal is missing from the tenant".into(),
            })?;
        let mut role_ids = Vec::new();
        for permission in permission_set(role) {
            let found = app_roles.iter().find(|role| role.value.as_deref() == Some(permission.name.as_str()));
            match found {
                Some(found) => {
                    if !found.id.eq_ignore_ascii_case(&permission.id) {
                        tracing::warn!(permission = %permission.name, id = %found.id, "Microsoft Graph reports another role id than expected");
                    }
                    role_ids.push(found.id.clone());
                }
                None => {
                    return Err(Error::UnexpectedResponse {
                        what: "Microsoft Graph's permissions".into(),
                        detail: format!("{} is not offered in this tenant", permission.name),
                    })
                }
            }
        }

        Ok((resource_id, role_ids))
    }

    #[allow(clippy::too_many_arguments)]
    async fn grant(
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

    async fn wait_for_roles(
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
        let needed = permission_set(r.role).len();
        self.poll(cancel, |attempt| {
            let credential = &credential;
            async move {
                let request = AppTokenRequest { cloud: &r.cloud, tenant, client_id: app_id, credential, fresh: true };
                match self.identity.tokens.app_only(&self.identity.http, &request, cancel).await {
                    Ok(token) => {
                        let missing = crate::checks::compare_roles(r.role, &token.claims.roles).missing;
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

    async fn save_connection(
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
            credential: Credential::Certificate {
                sha1_thumbprint: certificate.sha1_thumbprint.clone(),
                sha256_thumbprint: Some(certificate.sha256_thumbprint.clone()),
                subject: Some(certificate.subject.clone()),
                not_after: Some(certificate.not_after),
            },
            created_at: now,
            updated_at: now,
            last_check: None,
        };
        self.connections.save(StagedChanges { upserts: vec![connection.clone()], deletes: Vec::new() }).await?;
        self.connections.get(connection.id).await
    }

    fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + self.config.poll_timeout
    }

    /// Waits one poll interval, unless that passes the deadline or the run is cancelled.
    async fn pause(&self, deadline: tokio::time::Instant, cancel: &CancellationToken) -> Result<()> {
        if tokio::time::Instant::now() + self.config.poll_interval > deadline {
            return Err(Error::Timeout {
                what: "Microsoft's replication of the new application".into(),
                seconds: self.config.poll_timeout.as_secs(),
            });
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(Error::Cancelled),
            () = tokio::time::sleep(self.config.poll_interval) => Ok(()),
        }
    }

    /// Calls `attempt` every poll interval until it returns a value, the timeout passes, or
    /// the run is cancelled.
    async fn poll<T, F, Fut>(&self, cancel: &CancellationToken, mut attempt: F) -> Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        let deadline = self.deadline();
        let mut n = 1;
        loop {
            if let Some(value) = attempt(n).await? {
                return Ok(value);
            }
            self.pause(deadline, cancel).await?;
            n += 1;
        }
    }

    /// What deleting this automatically registered connection's application would delete.
    pub async fn deletion_preview(&self, connection: &Connection) -> Result<ApplicationDeletion> {
        if connection.registration != RegistrationMode::Automatic {
            return Err(Error::Conflict {
                message: format!(
                    "\"{}\" was registered by hand: Mailferry does not delete its application.",
                    connection.name
                ),
                hint: "Delete the application in the Microsoft Entra admin center if it is no longer needed.".into(),
            });
        }
        let others = self
            .connections
            .list(None)
            .await?
            .into_iter()
            .filter(|c| c.id != connection.id && c.client_id == connection.client_id)
            .map(|c| c.name)
            .collect();
        Ok(ApplicationDeletion {
            display_name: application_name(connection.role).to_owned(),
            app_id: connection.client_id.clone(),
            tenant_id: connection.tenant_id.clone(),
            permissions: permission_set(connection.role).into_iter().map(|p| p.name).collect(),
            other_connections: others,
        })
    }

    /// Deletes an automatically registered connection's application from Entra ID (with its
    /// service principal and grants; Entra keeps it restorable for 30 days).
    pub async fn delete_application(
        &self,
        connection: &Connection,
        admin: &AdminToken,
        cancel: &CancellationToken,
    ) -> Result<ApplicationDeletion> {
        let preview = self.deletion_preview(connection).await?;
        if admin.claims.tid != connection.tenant_id {
            return Err(Error::Conflict {
                message: format!(
                    "{} signed in to another tenant than the connection's ({}).",
                    admin.claims.user(),
                    connection.tenant_id
                ),
                hint: "Sign in with an administrator account of the connection's tenant.".into(),
            });
        }
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), admin.bearer());
        let what = "find the application to delete";
        if let Some(object_id) = graph.application_object_id(&connection.client_id, what, cancel).await? {
            let what = "delete the application";
            let answer = graph.delete_application(&object_id, what, cancel).await?;
            if answer.status == 403 {
                return Err(Error::RoleRequired {
                    user: admin.claims.user().to_owned(),
                    action: "delete applications".into(),
                    roles: "Application Administrator, Cloud Application Administrator or Global Administrator".into(),
                    consent_url: None,
                });
            }
            if !(answer.is_success() || answer.status == 404) {
                answer.into_result(what)?;
            }
        }
        tracing::info!(app_id = %connection.client_id, "application deleted from Entra ID");
        Ok(preview)
    }

    /// Deletes what an unfinished registration created: its application (with its service
    /// principal and grants) and its certificate.
    pub async fn roll_back(&self, id: Uuid, admin: &AdminToken, cancel: &CancellationToken) -> Result<Registration> {
        let mut r = self.get(id).await?;
        if r.status == RegistrationStatus::Completed {
            return Err(Error::Conflict {
                message: "This registration completed: its connection is in use.".into(),
                hint: "Delete the connection instead (it offers to delete the application too).".into(),
            });
        }
        self.check_tenant(&r, admin)?;
        let graph = GraphClient::new(&self.identity.http, r.cloud.graph_url(), admin.bearer());
        // The steps' undos, last step first.
        for step in RegistrationStep::ALL.into_iter().rev() {
            if self.undo(step, &r, &graph, cancel).await? {
                self.journal(id, step, "undone", "").await?;
            }
        }
        r.status = RegistrationStatus::RolledBack;
        self.save(&mut r).await?;
        Ok(r)
    }

    /// Undoes one step of an unfinished registration; whether there was anything to undo.
    /// Deleting the application takes its service principal and grants with it, so only the
    /// application and the certificate have undos of their own.
    async fn undo(
        &self,
        step: RegistrationStep,
        r: &Registration,
        graph: &GraphClient<'_>,
        cancel: &CancellationToken,
    ) -> Result<bool> {
        match step {
            RegistrationStep::Application => {
                let object_id = match &r.application_object_id {
                    // A reused application was there before: it stays (with the new certificate).
                    _ if r.reuse_app_id.is_some() => None,
                    Some(object_id) => Some(object_id.clone()),
                    // Created, but the attempt stopped before recording it: found by its tag.
                    None => self
                        .find_by_tag(graph, r.role, &registration_tag(r.id), cancel)
                        .await?
                        .map(|(object_id, _)| object_id),
                };
                let Some(object_id) = object_id else { return Ok(false) };
                let what = "delete the application";
                let answer = graph.delete_application(&object_id, what, cancel).await?;
                if !(answer.is_success() || answer.status == 404) {
                    answer.into_result(what)?;
                }
                Ok(true)
            }
            RegistrationStep::Certificate => {
                let Some(sha1) = &r.certificate_sha1 else { return Ok(false) };
                let used = self.connections.list(None).await?.iter().any(
                    |c| matches!(&c.credential, Credential::Certificate { sha1_thumbprint, .. } if sha1_thumbprint == sha1),
                );
                if used {
                    return Ok(false);
                }
                self.connections.certificates().delete(sha1).await?;
                Ok(true)
            }
            RegistrationStep::ServicePrincipal
            | RegistrationStep::Permissions
            | RegistrationStep::Consent
            | RegistrationStep::Connection => Ok(false),
        }
    }
}

/// What the steps of one run share.
struct Run<'g> {
    graph: GraphClient<'g>,
    certificate: Option<CertificateInfo>,
    app_id: Option<String>,
    /// Microsoft Graph's service principal and role ids, read beside the service principal.
    roles: Option<(String, Vec<String>)>,
    tenant: Option<crate::identity::ResolvedTenant>,
    connection: Option<Connection>,
}

impl Run<'_> {
    fn certificate(&self) -> Result<&CertificateInfo> {
        self.certificate.as_ref().ok_or_else(|| Error::Internal("the registration's certificate is missing".into()))
    }

    fn app_id(&self) -> Result<&str> {
        self.app_id.as_deref().ok_or_else(|| Error::Internal("the registration's application is missing".into()))
    }
}

/// What a step leaves in the journal, and what the admin is shown.
struct StepDone {
    journal: String,
    shown: String,
}

impl StepDone {
    fn same(detail: String) -> Self {
        StepDone { journal: detail.clone(), shown: detail }
    }
}

fn id_of(answer: &GraphResponse) -> Result<String> {
    answer.body["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::UnexpectedResponse { what: answer.request.clone(), detail: "no id in the answer".into() })
}

/// Entra has not replicated the new object yet (sections 4 and 8): 404, or 400 whose code,
/// at the top level or (as Microsoft sends it) in `details`, is `NoBackingApplicationObject`.
fn replicating(status: u16, error: &GraphErrorBody) -> bool {
    status == 404 || (status == 400 && error.has_code("NoBackingApplicationObject"))
}

fn waiting_detail(attempt: u32) -> String {
    format!("Microsoft is still replicating; asked {attempt} time{}", if attempt == 1 { "" } else { "s" })
}

fn denied(r: &Registration, what: &str, roles: &str, app_id: Option<&str>) -> Error {
    Error::RoleRequired {
        user: r.admin.clone(),
        action: what.to_owned(),
        roles: roles.to_owned(),
        consent_url: app_id.map(|app_id| admin_consent_url(&r.cloud, &r.tenant_id, app_id)),
    }
}
