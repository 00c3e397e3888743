//! What Mailferry's tests share: one in-memory core (a real SQLite file in a temporary folder,
//! the in-memory secret store standing in for the keychain, which vault.rs tests on a real
//! Secret Service) and connections made the way the wizard makes them, through an edit session.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

pub mod browser;
pub mod register;
pub mod sim_core;
pub mod tinyproxy;

use std::sync::Arc;

use mailferry_core::certs::CertificateStore;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::model::{Connection, CredentialChoice, DraftFields, DraftState, Role};
use mailferry_core::permissions::PermissionProfile;
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;
use secrecy::SecretString;
use uuid::Uuid;

/// A saved connection as the store keeps it: Contoso, Global cloud, a manual application with
/// a certificate whose end date is not known. Tests change what they are about.
pub fn connection(role: Role, name: &str) -> Connection {
    let now = mailferry_core::model::now();
    Connection {
        id: Uuid::new_v4(),
        role,
        name: name.into(),
        cloud: Cloud::Global,
        tenant_id: "contoso.onmicrosoft.com".into(),
        tenant_name: None,
        default_domain: None,
        client_id: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into(),
        application_mailbox: "migration@contoso.com".into(),
        registration: mailferry_core::model::RegistrationMode::Manual,
        permission_profile: PermissionProfile::ItemLevel,
        mailbox_scope: None,
        credential: mailferry_core::model::Credential::Certificate {
            sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
            sha256_thumbprint: None,
            subject: None,
            not_after: None,
        },
        created_at: now,
        updated_at: now,
        last_check: None,
        secrets_blocked: false,
    }
}

/// A client secret's Value as Entra shows it (made up).
pub const SECRET: &str = "Zq48Q~Hd7.fakeClientSecretValue_1234abcd";

pub struct Core {
    pub dir: tempfile::TempDir,
    pub vault: Arc<MemorySecretStore>,
    pub connections: ConnectionService,
}

impl Core {
    pub async fn new() -> Core {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
        let vault = Arc::new(MemorySecretStore::new());
        let certificates = CertificateStore::new(dir.path(), vault.clone());
        let connections = ConnectionService::new(store, vault.clone(), certificates);
        Core { dir, vault, connections }
    }

    pub fn store(&self) -> &Store {
        self.connections.store()
    }

    /// Saves a connection as the wizard and OK do; `secret` is pasted for a secret credential.
    pub async fn add(&self, role: Role, fields: DraftFields, secret: Option<&str>) -> Connection {
        self.connections.add_connection(role, fields, secret.map(SecretString::from)).await.unwrap()
    }

    /// A connection defined in an open edit session and kept with Finish, not saved: what
    /// Configure checks before OK.
    pub async fn draft(&self, role: Role, fields: DraftFields, secret: Option<&str>) -> Drafted {
        let session = self.connections.open_session(role).await.unwrap().session_id;
        let draft = self.connections.start_draft(session, None).await.unwrap();
        if let Some(secret) = secret {
            self.connections.put_secret(session, draft, SecretString::from(secret)).await.unwrap();
        }
        let state = self.connections.put_draft(session, draft, fields).await.unwrap();
        Drafted { session, draft, state }
    }
}

/// A draft in an edit session, with the core's answer to its fields.
pub struct Drafted {
    pub session: Uuid,
    pub draft: Uuid,
    pub state: DraftState,
}

impl Drafted {
    pub fn connection(&self) -> &Connection {
        self.state.connection.as_ref().unwrap_or_else(|| panic!("the draft has problems: {:?}", self.state.issues))
    }
}

/// The fields of a source connection to Contoso with a client secret, as typed (mixed case,
/// as admins paste them).
pub fn fields(name: &str) -> DraftFields {
    DraftFields {
        name: name.into(),
        cloud: Cloud::Global,
        tenant: "Contoso.onmicrosoft.com".into(),
        client_id: "1B2C3D4E-5F60-4A1B-8C9D-0E1F2A3B4C5D".into(),
        application_mailbox: "migration@contoso.com".into(),
        permission_profile: PermissionProfile::ItemLevel,
        scope_group: None,
        credential: CredentialChoice::Secret { expires_on: None },
    }
}

/// The same fields reaching `cloud` (a simulator's URLs, in tests against entra-sim).
pub fn fields_in(cloud: Cloud, name: &str, tenant: &str, client_id: &str, mailbox: &str) -> DraftFields {
    DraftFields {
        name: name.into(),
        cloud,
        tenant: tenant.into(),
        client_id: client_id.into(),
        application_mailbox: mailbox.into(),
        permission_profile: PermissionProfile::ItemLevel,
        scope_group: None,
        credential: CredentialChoice::Secret { expires_on: None },
    }
}

/// HTTP settings for tests against entra-sim: short timeouts and backoffs, so that waiting out
/// a fault takes milliseconds, with Mailferry's own retry logic unchanged.
pub fn fast_http(request_timeout: std::time::Duration) -> mailferry_core::http::HttpConfig {
    use std::time::Duration;
    mailferry_core::http::HttpConfig {
        request_timeout,
        connect_timeout: Duration::from_secs(2),
        max_retries: 3,
        min_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(2),
        ..mailferry_core::http::HttpConfig::default()
    }
}

/// A progress callback for the workflows' `on_progress`/`on_event` parameters and the list it
/// fills, so a test can assert what the user was told and in which order.
pub fn recorder<T: Send + 'static>() -> (Arc<std::sync::Mutex<Vec<T>>>, impl Fn(T) + Send + Sync + 'static) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    #[allow(clippy::unwrap_used)] // a poisoned lock means another assertion already failed
    let push = move |item| sink.lock().unwrap().push(item);
    (seen, push)
}
