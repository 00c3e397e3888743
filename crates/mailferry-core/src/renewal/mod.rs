//! Renewing a connection's certificate with no administrator (docs/microsoft-contract.md):
//! the application rolls its own keys, which Microsoft allows without any permission
//! ("An application does not need any specific permission to roll its own keys", addKey).
//!
//! New certificate; `addKey` proven by the current one; wait until a token with the new one is
//! issued (replication); switch the connection; `removeKey` of the old one proven by the new
//! one. Journaled and resumable like a registration: until the switch the connection signs in
//! with its old certificate, and the old one leaves Entra only after the new one works, so a
//! failure at any step leaves a working connection.

mod secret;
mod steps;
mod switch;

use std::sync::Arc;

use uuid::Uuid;

use crate::connections::ConnectionService;
use crate::graph::GraphClient;
use crate::http::CancellationToken;
use crate::identity::{AppCredential, AppToken, AppTokenRequest, IdentityClient, ResolvedTenant};
use crate::model::registration::StepState;
pub use crate::model::renewal::{Renewal, RenewalEvent, RenewalStatus, RenewalStep};
use crate::model::{Connection, Credential};
use crate::registration::key_credentials;
use crate::registration::RegistrationConfig;
use crate::{Error, Result};
pub use secret::{SecretReplacement, DEFAULT_SECRET_DAYS, LONGEST_SECRET_DAYS};
pub use switch::CertificateSwitch;

pub type OnRenewalEvent<'a> = &'a (dyn Fn(RenewalEvent) + Send + Sync);

/// Renews a connection's certificate, resuming its unfinished renewal if there is one: what the
/// app's Renew and the CLI's `connections renew` do.
pub async fn renew(
    identity: &IdentityClient,
    connections: &ConnectionService,
    connection_id: Uuid,
    object_id: Option<String>,
    on_event: OnRenewalEvent<'_>,
) -> Result<Renewal> {
    let renewer = Renewer::new(identity, connections, RegistrationConfig::default());
    let renewal = renewer.begin(connection_id, object_id).await?;
    renewer.run(renewal.id, on_event, &CancellationToken::new()).await
}

pub struct Renewer<'a> {
    identity: &'a IdentityClient,
    connections: &'a ConnectionService,
    config: RegistrationConfig,
}

impl<'a> Renewer<'a> {
    pub fn new(identity: &'a IdentityClient, connections: &'a ConnectionService, config: RegistrationConfig) -> Self {
        Renewer { identity, connections, config }
    }

    fn repo(&self) -> crate::store::RenewalRepo<'_> {
        self.connections.store().renewals()
    }

    pub async fn get(&self, id: Uuid) -> Result<Renewal> {
        self.repo().get(id).await?.ok_or_else(|| Error::NotFound { what: "Renewal", id: id.to_string() })
    }

    /// The connection's unfinished renewal, or a new one recorded for it. `object_id` is the
    /// application's Object ID when the admin typed it; without it Mailferry uses the one its
    /// registration or an earlier renewal recorded, or reads it with the application's token.
    pub async fn begin(&self, connection_id: Uuid, object_id: Option<String>) -> Result<Renewal> {
        if let Some(unfinished) = self.repo().unfinished_for(connection_id).await? {
            return Ok(unfinished);
        }
        let connection = self.connections.get(connection_id).await?;
        let old_sha1 = renewable_certificate(&connection)?;
        let keyed = match self.connections.app_credential(&connection).await? {
            AppCredential::Certificate(keyed) => keyed,
            AppCredential::Secret(_) => return Err(Error::Internal("a certificate connection without one".into())),
        };
        let now = crate::model::now();
        if keyed.info.not_after <= now {
            return Err(Error::NotRenewable {
                message: format!(
                    "The certificate of connection \"{}\" expired on {}: Microsoft takes a new certificate from the application itself only while a current one is valid.",
                    connection.name,
                    keyed.info.not_after.format("%Y-%m-%d")
                ),
                hint: "Register the application again with Automatic registration (it offers to reuse this application), or upload a new certificate under Certificates & secrets in the Microsoft Entra admin center and import it into the connection.".into(),
            });
        }
        let typed = match object_id.map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()) {
            Some(id) => Some(crate::validate::parse_guid(&id).ok_or_else(|| Error::NotRenewable {
                message: format!("\"{id}\" is not an Object ID: it looks like 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d."),
                hint: "Copy the Object ID from the app registration's Overview page in the Microsoft Entra admin center.".into(),
            })?),
            None => None,
        };
        let recorded = match typed {
            Some(id) => Some(id),
            None => self.repo().known_object_id(connection_id).await?,
        };
        // Certificates Mailferry uploaded carry a keyId it derives from them (recorded when it
        // was not a registration's); one the admin uploaded is found by reading the application,
        // which its token may not be allowed to.
        let (object_id, old_key_id) = match self.read_application(&connection, &keyed, &old_sha1).await? {
            Some((read_id, key_id)) => (recorded.unwrap_or(read_id), key_id),
            None => {
                let object_id =
                    recorded.ok_or_else(|| Error::ObjectIdNeeded { app_id: connection.client_id.clone() })?;
                let registered = connection.registration == crate::model::RegistrationMode::Automatic;
                let key_id = match self.repo().uploaded_key_id(connection_id, &old_sha1).await? {
                    Some(key_id) => Some(key_id),
                    None => registered.then(|| key_credentials::key_id_for(&old_sha1).to_string()),
                };
                (object_id, key_id)
            }
        };
        let renewal = Renewal {
            id: Uuid::new_v4(),
            connection_id,
            status: RenewalStatus::Running,
            application_object_id: object_id,
            old_sha1,
            old_key_id,
            new_sha1: None,
            new_key_id: None,
            added: false,
            proven: false,
            switched: false,
            old_removed: false,
            warning: None,
            last_error: None,
            started_at: now,
            updated_at: now,
        };
        self.repo().save(&renewal).await?;
        Ok(renewal)
    }

    /// The application's object id and the old certificate's keyId, when the application's
    /// own token may read it (Application.Read.All); none when it may not.
    async fn read_application(
        &self,
        connection: &Connection,
        keyed: &Arc<crate::certs::KeyedCertificate>,
        sha1: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        let cancel = CancellationToken::new();
        let tenant = self.tenant(connection, &cancel).await?;
        let credential = AppCredential::Certificate(keyed.clone());
        let token = self.token(connection, &tenant, &credential, false, &cancel).await?;
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), token.bearer());
        let what = "read the application's certificates";
        let answer = graph.application_keys(&connection.client_id, what, &cancel).await?;
        if matches!(answer.status, 401 | 403) {
            return Ok(None);
        }
        let body = answer.into_result(what)?;
        let app: Option<crate::graph::Application> = crate::graph::first_item(&body);
        Ok(app.map(|app| {
            let key_id = app
                .key_credentials
                .iter()
                .find(|k| key_credentials::is_certificate(k, sha1))
                .and_then(|k| k.key_id.clone());
            (app.id, key_id)
        }))
    }

    async fn tenant(&self, connection: &Connection, cancel: &CancellationToken) -> Result<ResolvedTenant> {
        self.identity.tenants.resolve(&self.identity.http, &connection.cloud, &connection.tenant_id, cancel).await
    }

    async fn token(
        &self,
        connection: &Connection,
        tenant: &ResolvedTenant,
        credential: &AppCredential,
        fresh: bool,
        cancel: &CancellationToken,
    ) -> Result<Arc<AppToken>> {
        let request =
            AppTokenRequest { cloud: &connection.cloud, tenant, client_id: &connection.client_id, credential, fresh };
        self.identity.tokens.app_only(&self.identity.http, &request, cancel).await
    }

    /// Runs the renewal, or resumes it from its last completed step.
    pub async fn run(&self, id: Uuid, on_event: OnRenewalEvent<'_>, cancel: &CancellationToken) -> Result<Renewal> {
        let mut renewal = self.get(id).await?;
        if renewal.status == RenewalStatus::Completed {
            return Ok(renewal);
        }
        renewal.status = RenewalStatus::Running;
        renewal.last_error = None;
        self.save(&mut renewal).await?;
        let outcome = self.steps(&mut renewal, on_event, cancel).await;
        match &outcome {
            Ok(()) => renewal.status = RenewalStatus::Completed,
            Err(error) => {
                renewal.status = RenewalStatus::Failed;
                renewal.last_error = Some(error.to_string());
            }
        }
        self.save(&mut renewal).await?;
        outcome.map(|()| renewal)
    }

    async fn save(&self, renewal: &mut Renewal) -> Result<()> {
        renewal.updated_at = crate::model::now();
        self.repo().save(renewal).await
    }

    /// The runner: each step in order, skipped when its output is recorded, else journaled as
    /// started, performed, saved and journaled as done, and reported at each stage.
    async fn steps(&self, r: &mut Renewal, on_event: OnRenewalEvent<'_>, cancel: &CancellationToken) -> Result<()> {
        let id = r.id;
        let report = |step: RenewalStep, state: StepState, detail: String| {
            on_event(RenewalEvent { renewal_id: id, step, state, detail });
        };
        let journal = self.repo().journal(id).await?;
        let connection = self.connections.get(r.connection_id).await?;
        let tenant = self.tenant(&connection, cancel).await?;
        let run = steps::Run { connection, tenant };
        for step in RenewalStep::ALL {
            if let Some(shown) = self.recorded(step, r).await? {
                report(step, StepState::Skipped, shown);
                continue;
            }
            let tried_before = journal.iter().any(|(s, phase, _)| s == step.as_str() && phase == "started");
            self.repo().log(id, step, "started", "").await?;
            report(step, StepState::Started, String::new());
            let shown = self.perform(step, r, &run, tried_before, &report, cancel).await?;
            self.save(r).await?;
            self.repo().log(id, step, "done", &shown).await?;
            report(step, StepState::Done, shown);
        }
        Ok(())
    }

    /// The step's output when an earlier attempt recorded it: what to show for the skip.
    async fn recorded(&self, step: RenewalStep, r: &Renewal) -> Result<Option<String>> {
        Ok(match step {
            RenewalStep::Certificate => match &r.new_sha1 {
                Some(sha1) => self.connections.certificates().find(sha1).await?.map(|c| c.sha1_thumbprint),
                None => None,
            },
            RenewalStep::AddKey => r.added.then(|| r.new_key_id.clone().unwrap_or_default()),
            RenewalStep::Proven => r.proven.then(String::new),
            RenewalStep::Switch => r.switched.then(String::new),
            RenewalStep::RemoveOld => (r.old_removed || r.warning.is_some()).then(String::new),
        })
    }
}

/// The SHA-1 thumbprint of the certificate a connection signs in with, or why it has none to
/// renew.
fn renewable_certificate(connection: &Connection) -> Result<String> {
    match &connection.credential {
        Credential::Certificate { sha1_thumbprint, .. } => Ok(sha1_thumbprint.clone()),
        Credential::Secret { .. } => Err(Error::NotRenewable {
            message: format!("Connection \"{}\" signs in with a client secret, not a certificate.", connection.name),
            hint: "Create a new client secret under Certificates & secrets in the Microsoft Entra admin center and paste its Value into the connection.".into(),
        }),
    }
}
