//! Automatic registration as a journaled, resumable workflow (docs/microsoft-contract.md):
//! certificate, application, service principal, permissions, consent, connection. The runner
//! here takes the steps in order; each records its output before the next starts, a step whose
//! output is recorded is skipped when the registration is resumed, and roll back runs their
//! undos last step first. What each step does is in `steps.rs`; reuse and deletion of an
//! application beside it.

use std::time::Duration;

use uuid::Uuid;

use crate::certs::{new_key_off_thread, self_signed, CertificateInfo};
use crate::cloud::Cloud;
use crate::connections::ConnectionService;
use crate::credential_policy::PolicyKnowledge;
use crate::graph::{GraphClient, GraphErrorBody, GraphResponse};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::identity::IdentityClient;
use crate::model::registration::{Registration, RegistrationEvent, RegistrationStatus, RegistrationStep, StepState};
use crate::model::{Connection, Credential, Role};
use crate::permissions::PermissionProfile;
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
    /// Defaults to the cloud's (full fidelity in the Global cloud).
    pub permission_profile: Option<PermissionProfile>,
    /// Limit mailbox access to this group's members (its object id or mail address): the
    /// mailbox permissions are then not granted in Entra ID but in Exchange Online.
    pub scope_group: Option<String>,
    /// Defaults to the signed-in admin's domain.
    pub connection_name: Option<String>,
    /// Defaults to the signed-in admin.
    pub application_mailbox: Option<String>,
    /// Upload the new certificate to this earlier Mailferry application instead of registering
    /// another one.
    pub reuse_app_id: Option<String>,
    /// Credentials of that application Mailferry did not create, which the admin agreed to
    /// keep (their keyIds).
    pub trusted_key_ids: Vec<String>,
}

pub type OnEvent<'a> = &'a (dyn Fn(RegistrationEvent) + Send + Sync);

pub struct Registrar<'a> {
    pub(super) identity: &'a IdentityClient,
    pub(super) connections: &'a ConnectionService,
    pub(super) config: RegistrationConfig,
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
pub(super) fn registration_tag(id: Uuid) -> String {
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

    pub(super) fn repo(&self) -> crate::store::RegistrationRepo<'_> {
        self.connections.store().registrations()
    }

    /// Records a new registration for the signed-in admin's tenant; `run` carries it out.
    pub async fn begin(&self, admin: &AdminToken, request: RegistrationRequest) -> Result<Registration> {
        let user = admin.claims.user().to_owned();
        let domain = user.split_once('@').map(|(_, d)| d.to_owned()).unwrap_or_else(|| admin.claims.tid.clone());
        // The name and mailbox are checked before anything is recorded or created in the tenant.
        let typed_mailbox = request.application_mailbox.filter(|m| !m.trim().is_empty());
        let mailbox = match (typed_mailbox, admin.claims.own_mailbox()) {
            (Some(typed), _) => crate::validate::application_mailbox(&typed).map_err(Error::Invalid)?,
            (None, Some(own)) => own.to_owned(),
            (None, None) => {
                return Err(Error::invalid(
                    crate::validate::Field::ApplicationMailbox,
                    format!("Application mailbox: {user} has no mailbox of this tenant to use by default (a guest or partner account)."),
                    "Type the address of a licensed user mailbox of the tenant that Mailferry may use for its own work, for example migration@contoso.com.",
                ))
            }
        };
        let connection_name = match request.connection_name.filter(|n| !n.trim().is_empty()) {
            Some(name) => crate::validate::connection_name(&name).map_err(Error::Invalid)?,
            None => domain,
        };
        let permission_profile =
            request.permission_profile.unwrap_or_else(|| PermissionProfile::default_for(&request.cloud));
        permission_profile.check_cloud(&request.cloud).map_err(|message| {
            Error::invalid(crate::validate::Field::Cloud, message, "Choose Item level under Permissions.")
        })?;
        let scope_group = match request.scope_group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            Some(group) => Some(crate::validate::scope_group(group).map_err(Error::Invalid)?),
            None => None,
        };
        let now = crate::model::now();
        let registration = Registration {
            id: Uuid::new_v4(),
            role: request.role,
            permission_profile,
            scope_group,
            cloud: request.cloud,
            tenant_id: admin.claims.tid.clone(),
            admin: user.clone(),
            connection_name,
            application_mailbox: mailbox,
            status: RegistrationStatus::Running,
            reuse_app_id: request.reuse_app_id.map(|id| id.trim().to_ascii_lowercase()),
            trusted_key_ids: request.trusted_key_ids,
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
            let completed = registration.status == RegistrationStatus::Completed;
            return Err(Error::RegistrationClosed { completed, rolling_back: false });
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
        Err(Error::WrongTenant {
            user: admin.claims.user().to_owned(),
            signed_in: admin.claims.tid.clone(),
            expected: registration.tenant_id.clone(),
            owner: "registration",
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
            admin: &admin.claims,
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
            // The certificate, generated here; only its public part leaves the machine. Its key
            // is made while the tenant's app management policy is read (no round trip added),
            // and the certificate ends within the policy's cap when it has one.
            RegistrationStep::Certificate => {
                // A new application is created now; a reused one may be of any age.
                let created = r.reuse_app_id.is_none().then(chrono::Utc::now);
                let (key, policy) = tokio::try_join!(
                    new_key_off_thread(),
                    crate::credential_policy::read_default(&run.graph, run.admin, created, cancel),
                )?;
                if let PolicyKnowledge::NotKnown { reason } = &policy {
                    tracing::info!(%reason, "the tenant's app management policy is not known");
                }
                let names = [r.tenant_id.as_str(), run.admin.tid.as_str()];
                crate::credential_policy::remember(self.connections.store(), &names, &policy).await?;
                let cap = policy.policy().certificate_max_lifetime;
                let info = self.connections.certificates().put(&self_signed(key, r.role, cap.as_ref())?).await?;
                r.certificate_sha1 = Some(info.sha1_thumbprint.clone());
                let mut shown =
                    format!("SHA-1 {}, valid until {}", info.sha1_thumbprint, info.not_after.format("%Y-%m-%d"));
                if let Some(cap) =
                    cap.filter(|_| info.not_after < chrono::Utc::now() + chrono::Duration::days(365 * 5 - 2))
                {
                    shown.push_str(&format!(
                        ": the tenant's app management policy caps certificates at {}",
                        cap.describe()
                    ));
                }
                let done = StepDone { journal: info.sha1_thumbprint.clone(), shown };
                run.certificate = Some(info);
                Ok(done)
            }
            // The application, with the permission set and the certificate (or an earlier
            // Mailferry application reused).
            RegistrationStep::Application => {
                let mut certificate = run.certificate()?.clone();
                let (object_id, app_id) = match r.reuse_app_id.clone() {
                    Some(reused) => self.reuse_application(&run.graph, r, &reused, &certificate, cancel).await?,
                    None => {
                        let tag = registration_tag(r.id);
                        let found =
                            if tried_before { self.find_by_tag(&run.graph, r.role, &tag, cancel).await? } else { None };
                        match found {
                            Some(app) => app,
                            None => match self
                                .create_within_policy(&run.graph, r, &mut certificate, &tag, report, cancel)
                                .await
                            {
                                Ok(app) => app,
                                // Microsoft may have created it and lost the answer: look for it
                                // by this registration's tag (through replication) before giving
                                // up, never by sending the POST again.
                                Err(error) if answer_may_be_lost(&error) => {
                                    tracing::info!(%tag, "the answer to POST /applications was lost; looking for the application");
                                    let lost = |_| self.find_by_tag(&run.graph, r.role, &tag, cancel);
                                    match self.poll_briefly(cancel, lost).await? {
                                        Some(app) => app,
                                        None => return Err(error),
                                    }
                                }
                                Err(error) => return Err(error),
                            },
                        }
                    }
                };
                run.certificate = Some(certificate);
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
                            true => self.graph_roles(&run.graph, r.needs(), cancel).await.map(Some),
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
                    None => self.graph_roles(&run.graph, r.needs(), cancel).await?,
                };
                let sp =
                    r.service_principal_id.clone().ok_or_else(|| Error::Internal("no service principal".into()))?;
                self.grant(&run.graph, r, &sp, run.app_id()?, roles, report, cancel).await?;
                r.roles_granted = true;
                Ok(StepDone { journal: String::new(), shown: format!("{} permissions", r.needs().entra().len()) })
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

    /// Deletes what an unfinished registration created: its application (with its service
    /// principal and grants) and its certificate.
    pub async fn roll_back(&self, id: Uuid, admin: &AdminToken, cancel: &CancellationToken) -> Result<Registration> {
        let mut r = self.get(id).await?;
        if r.status == RegistrationStatus::Completed {
            return Err(Error::RegistrationClosed { completed: true, rolling_back: true });
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
    admin: &'g crate::identity::signin::AdminClaims,
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

pub(super) fn id_of(answer: &GraphResponse) -> Result<String> {
    answer.body["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Error::UnexpectedResponse { what: answer.request.clone(), detail: "no id in the answer".into() })
}

/// Entra has not replicated the new object yet (sections 4 and 8): 404, or 400 whose code,
/// at the top level or (as Microsoft sends it) in `details`, is `NoBackingApplicationObject`.
pub(super) fn replicating(status: u16, error: &GraphErrorBody) -> bool {
    status == 404 || (status == 400 && error.has_code("NoBackingApplicationObject"))
}

pub(crate) fn waiting_detail(attempt: u32) -> String {
    format!("Microsoft is still replicating; asked {attempt} time{}", if attempt == 1 { "" } else { "s" })
}

pub(super) fn denied(r: &Registration, what: &str, roles: &str, app_id: Option<&str>) -> Error {
    Error::RoleRequired {
        user: r.admin.clone(),
        action: what.to_owned(),
        roles: roles.to_owned(),
        consent_url: app_id.map(|app_id| admin_consent_url(&r.cloud, &r.tenant_id, app_id)),
    }
}

/// Whether a request's failure leaves open that Microsoft did what it asked: its answer was
/// lost (a reset, a timeout) or Microsoft said it was busy after the request arrived.
fn answer_may_be_lost(error: &Error) -> bool {
    matches!(
        error,
        Error::Network { .. } | Error::Timeout { .. } | Error::Busy { .. } | Error::UnexpectedResponse { .. }
    )
}
