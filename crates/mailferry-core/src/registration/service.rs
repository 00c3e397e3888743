//! Automatic registration as the app starts it, in two moves: the admin signs in (and is shown
//! any earlier Mailferry registrations to reuse), then the journaled workflow runs with that
//! sign-in. The admin's token lives in memory only, for this session; one operation at a time,
//! cancellable.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::workflow::{Registrar, RegistrationConfig, RegistrationRequest};
use crate::cloud::Cloud;
use crate::connections::ConnectionService;
use crate::http::CancellationToken;
use crate::identity::device_code::{device_code_sign_in, DeviceCodePrompt};
use crate::identity::signin::{
    registration_scopes, sign_in, sign_in_client_id_with, AdminToken, Browser, SignIn, DEFAULT_SIGN_IN_CLIENT_ID,
    SIGN_IN_CLIENT_SETTING,
};
use crate::identity::IdentityClient;
use crate::model::registration::{ApplicationDeletion, EarlierRegistration, Registration, RegistrationEvent};
use crate::model::{Connection, Role};
use crate::{Error, Result};

/// The sign-in that starts (or resumes, or cleans up) an automatic registration.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistrationSignIn {
    pub role: Role,
    pub cloud: Cloud,
    /// A verified domain or the directory (tenant) ID to sign in to.
    pub tenant: String,
    /// Sign in with a code on any device instead of this computer's browser.
    #[serde(default)]
    pub device_code: bool,
}

/// Who signed in, and the earlier Mailferry registrations of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignedIn {
    pub user: String,
    pub tenant_id: String,
    pub earlier: Vec<EarlierRegistration>,
}

/// What to register once signed in.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AutomaticRegistration {
    pub connection_name: Option<String>,
    pub application_mailbox: Option<String>,
    /// Left out, the cloud's default (full fidelity in the Global cloud).
    #[serde(default)]
    #[ts(optional)]
    pub permission_profile: Option<crate::permissions::PermissionProfile>,
    /// Limit mailbox access to this group's members (object id or mail address).
    #[serde(default)]
    #[ts(optional)]
    pub scope_group: Option<String>,
    /// Resume this unfinished registration instead of starting a new one.
    pub resume: Option<Uuid>,
    /// Upload the new certificate to this earlier Mailferry application instead of
    /// registering another one.
    pub reuse_app_id: Option<String>,
    /// The keyIds of that application's credentials Mailferry did not create that the admin,
    /// having seen them, agreed to keep (on a resume too).
    #[serde(default)]
    pub trusted_key_ids: Vec<String>,
}

/// Progress of the whole operation, sign-in included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum RegistrationProgress {
    /// The browser is open at Microsoft's sign-in page.
    SigningIn,
    /// Sign in on any device: open the page and type the code.
    DeviceCode {
        prompt: DeviceCodePrompt,
    },
    SignedIn {
        user: String,
    },
    Step {
        event: RegistrationEvent,
    },
    RolledBack,
    /// What a client secret replacement is doing now.
    Note {
        text: String,
    },
}

/// The public client application admins sign in with for automatic registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignInClient {
    pub client_id: String,
    pub is_default: bool,
}

struct Session {
    admin: Arc<AdminToken>,
    role: Role,
    cloud: Cloud,
}

pub struct RegistrationService {
    identity: IdentityClient,
    config: RegistrationConfig,
    sign_in_timeout: Duration,
    running: Mutex<Option<CancellationToken>>,
    session: Mutex<Option<Session>>,
}

type OnProgress<'a> = &'a (dyn Fn(RegistrationProgress) + Send + Sync);

impl RegistrationService {
    pub fn new(identity: IdentityClient, config: RegistrationConfig) -> Self {
        RegistrationService {
            identity,
            config,
            sign_in_timeout: Duration::from_secs(300),
            running: Mutex::new(None),
            session: Mutex::new(None),
        }
    }

    fn registrar<'a>(&'a self, connections: &'a ConnectionService) -> Registrar<'a> {
        Registrar::new(&self.identity, connections, self.config.clone())
    }

    pub async fn unfinished(&self, connections: &ConnectionService) -> Result<Vec<Registration>> {
        self.registrar(connections).unfinished().await
    }

    /// Stops the sign-in or registration in progress.
    pub fn cancel(&self) -> bool {
        let token = self.running.lock().ok().and_then(|mut running| running.take());
        token.map(|t| t.cancel()).is_some()
    }

    /// Forgets the admin's sign-in.
    pub fn sign_out(&self) {
        if let Ok(mut session) = self.session.lock() {
            *session = None;
        }
    }

    fn start(&self) -> Result<CancellationToken> {
        let mut running = self.running.lock().map_err(|_| Error::Internal("registration lock poisoned".into()))?;
        if running.as_ref().is_some_and(|t| !t.is_cancelled()) {
            return Err(Error::RegistrationRunning);
        }
        let token = CancellationToken::new();
        *running = Some(token.clone());
        Ok(token)
    }

    fn finish(&self) {
        if let Ok(mut running) = self.running.lock() {
            *running = None;
        }
    }

    fn session(&self) -> Result<(Arc<AdminToken>, Role, Cloud)> {
        let session = self.session.lock().map_err(|_| Error::Internal("session lock poisoned".into()))?;
        session.as_ref().map(|s| (s.admin.clone(), s.role, s.cloud.clone())).ok_or(Error::NotSignedIn)
    }

    /// Signs the admin in (browser or device code) and lists the earlier registrations.
    pub async fn sign_in(
        &self,
        connections: &ConnectionService,
        request: RegistrationSignIn,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<SignedIn> {
        // The admin's sign-in goes to this cloud: the same rules as a saved connection's.
        crate::validate::cloud(&request.cloud).map_err(Error::Invalid)?;
        let cancel = self.start()?;
        let outcome = async {
            let setting = connections.store().settings().get(SIGN_IN_CLIENT_SETTING).await?;
            let client_id = sign_in_client_id_with(setting.as_deref());
            let scopes = registration_scopes(&request.cloud);
            let tenant = request.tenant.trim();
            let admin = if request.device_code {
                let prompt = |prompt: DeviceCodePrompt| on_progress(RegistrationProgress::DeviceCode { prompt });
                device_code_sign_in(&self.identity.http, &request.cloud, tenant, &client_id, &scopes, &prompt, &cancel)
                    .await?
            } else {
                let sign_in_request = SignIn {
                    cloud: &request.cloud,
                    tenant,
                    client_id: &client_id,
                    scopes,
                    timeout: self.sign_in_timeout,
                };
                on_progress(RegistrationProgress::SigningIn);
                sign_in(&self.identity.http, &sign_in_request, browser, &cancel).await?
            };
            let user = admin.claims.user().to_owned();
            on_progress(RegistrationProgress::SignedIn { user: user.clone() });
            let earlier = self
                .registrar(connections)
                .earlier_registrations(&admin, &request.cloud, request.role, &cancel)
                .await?;
            let signed_in = SignedIn { user, tenant_id: admin.claims.tid.clone(), earlier };
            if let Ok(mut session) = self.session.lock() {
                *session = Some(Session { admin: Arc::new(admin), role: request.role, cloud: request.cloud });
            }
            Ok(signed_in)
        }
        .await;
        self.finish();
        outcome
    }

    /// Registers (or resumes registering) the application with the signed-in admin; returns
    /// the saved connection.
    pub async fn register(
        &self,
        connections: &ConnectionService,
        request: AutomaticRegistration,
        on_progress: OnProgress<'_>,
    ) -> Result<Connection> {
        let (admin, role, cloud) = self.session()?;
        let cancel = self.start()?;
        let outcome = async {
            let registrar = self.registrar(connections);
            let id = match request.resume {
                Some(id) => id,
                None => {
                    let begin = RegistrationRequest {
                        role,
                        cloud,
                        permission_profile: request.permission_profile,
                        scope_group: request.scope_group.clone(),
                        connection_name: request.connection_name.clone(),
                        application_mailbox: request.application_mailbox.clone(),
                        reuse_app_id: request.reuse_app_id.clone(),
                        trusted_key_ids: request.trusted_key_ids.clone(),
                    };
                    registrar.begin(&admin, begin).await?.id
                }
            };
            if request.resume.is_some() && !request.trusted_key_ids.is_empty() {
                registrar.trust(id, &request.trusted_key_ids).await?;
            }
            let on_event = |event: RegistrationEvent| on_progress(RegistrationProgress::Step { event });
            registrar.run(id, &admin, &on_event, &cancel).await
        }
        .await;
        self.finish();
        outcome
    }

    /// The application (client) ID admins sign in with, and whether it is the default.
    pub async fn sign_in_client(&self, connections: &ConnectionService) -> Result<SignInClient> {
        let setting = connections.store().settings().get(SIGN_IN_CLIENT_SETTING).await?;
        let client_id = sign_in_client_id_with(setting.as_deref());
        Ok(SignInClient { is_default: client_id == DEFAULT_SIGN_IN_CLIENT_ID, client_id })
    }

    /// Sets the sign-in client (an organization's own public client app), or back to the
    /// default with `None`.
    pub async fn set_sign_in_client(
        &self,
        connections: &ConnectionService,
        client_id: Option<&str>,
    ) -> Result<SignInClient> {
        let value = match client_id.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(id) => {
                Some(crate::validate::parse_guid(id).ok_or_else(|| Error::NotAClientId { value: id.to_owned() })?)
            }
        };
        connections.store().settings().set(SIGN_IN_CLIENT_SETTING, value.as_deref()).await?;
        self.sign_in_client(connections).await
    }

    /// What deleting this connection's application would delete in Entra ID.
    pub async fn deletion_preview(
        &self,
        connections: &ConnectionService,
        connection_id: Uuid,
    ) -> Result<ApplicationDeletion> {
        let connection = connections.get(connection_id).await?;
        self.registrar(connections).deletion_preview(&connection).await
    }

    /// Signs an admin of the connection's tenant in (in the browser), for work on its application.
    async fn sign_in_for(
        &self,
        connections: &ConnectionService,
        connection: &Connection,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<Arc<AdminToken>> {
        let request = RegistrationSignIn {
            role: connection.role,
            cloud: connection.cloud.clone(),
            tenant: connection.tenant_id.clone(),
            device_code: false,
        };
        self.sign_in(connections, request, browser, on_progress).await?;
        Ok(self.session()?.0)
    }

    /// Signs an admin of the connection's tenant in, deletes the connection's application
    /// from Entra ID, and forgets the sign-in. The connection itself is deleted with OK.
    pub async fn delete_application(
        &self,
        connections: &ConnectionService,
        connection_id: Uuid,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<ApplicationDeletion> {
        let connection = connections.get(connection_id).await?;
        let admin = self.sign_in_for(connections, &connection, browser, on_progress).await?;
        let cancel = self.start()?;
        let outcome = self.registrar(connections).delete_application(&connection, &admin, &cancel).await;
        self.finish();
        self.sign_out();
        outcome
    }

    /// Signs an admin in and replaces the connection's client secret (renewal/secret.rs).
    pub async fn replace_secret(
        &self,
        connections: &ConnectionService,
        connection_id: uuid::Uuid,
        days: Option<i64>,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<crate::renewal::SecretReplacement> {
        let connection = connections.get(connection_id).await?;
        let admin = self.sign_in_for(connections, &connection, browser, on_progress).await?;
        let cancel = self.start()?;
        let renewer = crate::renewal::Renewer::new(&self.identity, connections, self.config.clone());
        let note = |text: String| on_progress(RegistrationProgress::Note { text });
        let outcome = renewer.replace_secret(&admin, connection_id, days, &note, &cancel).await;
        self.finish();
        self.sign_out();
        outcome
    }

    /// Signs an admin in and switches the client secret connection to a certificate
    /// (renewal/switch.rs); the old secret leaves the application unless `keep_secret`.
    pub async fn switch_to_certificate(
        &self,
        connections: &ConnectionService,
        connection_id: uuid::Uuid,
        keep_secret: bool,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<crate::renewal::CertificateSwitch> {
        let connection = connections.get(connection_id).await?;
        let admin = self.sign_in_for(connections, &connection, browser, on_progress).await?;
        let cancel = self.start()?;
        let renewer = crate::renewal::Renewer::new(&self.identity, connections, self.config.clone());
        let note = |text: String| on_progress(RegistrationProgress::Note { text });
        let outcome = renewer.switch_to_certificate(&admin, connection_id, keep_secret, &note, &cancel).await;
        self.finish();
        self.sign_out();
        outcome
    }

    /// Signs an admin in and moves the connection to another permission profile
    /// (permission_upgrade.rs): the new permissions granted, those no longer needed revoked.
    pub async fn upgrade_permissions(
        &self,
        connections: &ConnectionService,
        connection_id: uuid::Uuid,
        to: crate::permissions::PermissionProfile,
        browser: &dyn Browser,
        on_progress: OnProgress<'_>,
    ) -> Result<Connection> {
        let connection = connections.get(connection_id).await?;
        // Refused before anyone signs in when there is nothing to do or the cloud lacks it.
        crate::permission_upgrade::preview(&connection, to)?;
        let admin = self.sign_in_for(connections, &connection, browser, on_progress).await?;
        let cancel = self.start()?;
        let upgrader = crate::permission_upgrade::PermissionUpgrader {
            identity: &self.identity,
            connections,
            config: self.config.clone(),
        };
        let note = |text: String| on_progress(RegistrationProgress::Note { text });
        let outcome = upgrader.upgrade(&admin, connection_id, to, &note, &cancel).await;
        self.finish();
        self.sign_out();
        outcome
    }

    /// Deletes what an unfinished registration created, with the signed-in admin.
    pub async fn roll_back(
        &self,
        connections: &ConnectionService,
        id: Uuid,
        on_progress: OnProgress<'_>,
    ) -> Result<Registration> {
        let (admin, _, _) = self.session()?;
        let cancel = self.start()?;
        let outcome = async {
            let rolled_back = self.registrar(connections).roll_back(id, &admin, &cancel).await?;
            on_progress(RegistrationProgress::RolledBack);
            Ok(rolled_back)
        }
        .await;
        self.finish();
        outcome
    }
}
