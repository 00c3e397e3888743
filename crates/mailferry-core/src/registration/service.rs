//! Automatic registration as the app and the CLI start it: sign the admin in, then begin (or
//! resume) the journaled workflow; one at a time, cancellable.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::model::{Registration, RegistrationEvent};
use super::workflow::{Registrar, RegistrationConfig, RegistrationRequest};
use crate::cloud::Cloud;
use crate::connections::ConnectionService;
use crate::http::CancellationToken;
use crate::identity::device_code::{device_code_sign_in, DeviceCodePrompt};
use crate::identity::signin::{registration_scopes, sign_in, sign_in_client_id, AdminToken, Browser, SignIn};
use crate::identity::IdentityClient;
use crate::model::{Connection, Role};
use crate::{Error, Result};

/// What the wizard's Automatic option sends.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AutomaticRegistration {
    pub role: Role,
    pub cloud: Cloud,
    /// A verified domain or the directory (tenant) ID to sign in to.
    pub tenant: String,
    pub connection_name: Option<String>,
    pub application_mailbox: Option<String>,
    /// Resume this unfinished registration instead of starting a new one.
    pub resume: Option<Uuid>,
    /// Sign in with a code on any device instead of this computer's browser.
    #[serde(default)]
    pub device_code: bool,
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
}

pub struct RegistrationService {
    identity: IdentityClient,
    config: RegistrationConfig,
    sign_in_timeout: Duration,
    running: Mutex<Option<CancellationToken>>,
}

impl RegistrationService {
    pub fn new(identity: IdentityClient, config: RegistrationConfig) -> Self {
        RegistrationService { identity, config, sign_in_timeout: Duration::from_secs(300), running: Mutex::new(None) }
    }

    pub fn with_sign_in_timeout(mut self, timeout: Duration) -> Self {
        self.sign_in_timeout = timeout;
        self
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

    fn start(&self) -> Result<CancellationToken> {
        let mut running = self.running.lock().map_err(|_| Error::Internal("registration lock poisoned".into()))?;
        if running.as_ref().is_some_and(|t| !t.is_cancelled()) {
            return Err(Error::Conflict {
                message: "An automatic registration is already in progress.".into(),
                hint: "Wait for it to finish, or cancel it first.".into(),
            });
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

    #[allow(clippy::too_many_arguments)]
    async fn sign_in(
        &self,
        cloud: &Cloud,
        tenant: &str,
        device_code: bool,
        browser: &dyn Browser,
        on_progress: &(dyn Fn(RegistrationProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<AdminToken> {
        let client_id = sign_in_client_id();
        if device_code {
            let prompt = |prompt: DeviceCodePrompt| on_progress(RegistrationProgress::DeviceCode { prompt });
            let scopes = registration_scopes(cloud);
            let admin =
                device_code_sign_in(&self.identity.http, cloud, tenant, &client_id, &scopes, &prompt, cancel).await?;
            on_progress(RegistrationProgress::SignedIn { user: admin.claims.user().to_owned() });
            return Ok(admin);
        }
        let request = SignIn {
            cloud,
            tenant: tenant.trim(),
            client_id: &client_id,
            scopes: registration_scopes(cloud),
            timeout: self.sign_in_timeout,
        };
        on_progress(RegistrationProgress::SigningIn);
        let admin = sign_in(&self.identity.http, &request, browser, cancel).await?;
        on_progress(RegistrationProgress::SignedIn { user: admin.claims.user().to_owned() });
        Ok(admin)
    }

    /// Signs the admin in and registers (or resumes registering) the application; returns the
    /// saved connection.
    pub async fn register(
        &self,
        connections: &ConnectionService,
        request: AutomaticRegistration,
        browser: &dyn Browser,
        on_progress: &(dyn Fn(RegistrationProgress) + Send + Sync),
    ) -> Result<Connection> {
        let cancel = self.start()?;
        let outcome = async {
            let admin = self
                .sign_in(&request.cloud, &request.tenant, request.device_code, browser, on_progress, &cancel)
                .await?;
            let registrar = self.registrar(connections);
            let id = match request.resume {
                Some(id) => id,
                None => {
                    let begin = RegistrationRequest {
                        role: request.role,
                        cloud: request.cloud.clone(),
                        connection_name: request.connection_name.clone(),
                        application_mailbox: request.application_mailbox.clone(),
                    };
                    registrar.begin(&admin, begin).await?.id
                }
            };
            let on_event = |event: RegistrationEvent| on_progress(RegistrationProgress::Step { event });
            registrar.run(id, &admin, &on_event, &cancel).await
        }
        .await;
        self.finish();
        outcome
    }

    /// Signs the admin in and deletes what an unfinished registration created.
    pub async fn roll_back(
        &self,
        connections: &ConnectionService,
        id: Uuid,
        browser: &dyn Browser,
        on_progress: &(dyn Fn(RegistrationProgress) + Send + Sync),
    ) -> Result<Registration> {
        let cancel = self.start()?;
        let outcome = async {
            let registrar = self.registrar(connections);
            let registration = registrar.get(id).await?;
            let admin = self
                .sign_in(&registration.cloud, &registration.tenant_id, false, browser, on_progress, &cancel)
                .await?;
            let rolled_back = registrar.roll_back(id, &admin, &cancel).await?;
            on_progress(RegistrationProgress::RolledBack);
            Ok(rolled_back)
        }
        .await;
        self.finish();
        outcome
    }
}
