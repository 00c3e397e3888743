//! A core against a running entra-sim: a temporary SQLite file, an in-memory keychain, an
//! identity client with short timeouts, and fast replication polling.

use std::sync::Arc;
use std::time::Duration;

use entra_sim::{Seed, SimHandle};
use mailferry_core::certs::CertificateStore;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::{ConnectionService, Upsert};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{Connection, Credential, RegistrationMode, Role};
use mailferry_core::registration::RegistrationConfig;
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;

pub struct SimCore {
    _dir: tempfile::TempDir,
    pub sim: SimHandle,
    pub identity: IdentityClient,
    pub connections: ConnectionService,
    /// The keychain stand-in the connections keep their secrets in.
    pub vault: Arc<MemorySecretStore>,
    pub config: RegistrationConfig,
}

impl SimCore {
    pub async fn start(seed: Seed) -> SimCore {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary folder: {e}"));
        let vault = Arc::new(MemorySecretStore::new());
        let store = match Store::open(&dir.path().join("mailferry.db")).await {
            Ok(store) => store,
            Err(error) => panic!("the store did not open: {error}"),
        };
        let certificates = CertificateStore::new(dir.path(), vault.clone());
        let sim = match SimHandle::start(seed, 0).await {
            Ok(sim) => sim,
            Err(error) => panic!("entra-sim did not start: {error}"),
        };
        let identity = match IdentityClient::new(crate::fast_http(Duration::from_millis(800))) {
            Ok(identity) => identity,
            Err(error) => panic!("no HTTP client: {error}"),
        };
        SimCore {
            sim,
            identity,
            connections: ConnectionService::new(store, vault.clone(), certificates),
            vault,
            config: RegistrationConfig {
                poll_interval: Duration::from_millis(200),
                poll_timeout: Duration::from_secs(30),
            },
            _dir: dir,
        }
    }

    /// A call to entra-sim's own `/_sim/{path}` API, which must succeed; its JSON answer.
    pub async fn sim_api(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> serde_json::Value {
        let url = format!("{}/_sim/{path}", self.sim.base_url);
        let response = match reqwest::Client::new().request(method, url).json(&body).send().await {
            Ok(response) => response,
            Err(error) => panic!("/_sim/{path}: {error}"),
        };
        assert!(response.status().is_success(), "/_sim/{path}: {}", response.status());
        response.json().await.unwrap_or(serde_json::Value::Null)
    }

    /// The demo's hand-registered Contoso application as a saved manual source connection
    /// signing in with its published client secret (kept in the keychain stand-in).
    pub async fn contoso_secret_connection(&self) -> Connection {
        use entra_sim::demo::CONTOSO;
        let mut connection = crate::connection(Role::Source, "Contoso manual");
        connection.cloud = self.cloud();
        connection.tenant_id = CONTOSO.tenant_id.into();
        connection.client_id = CONTOSO.client_id.into();
        connection.application_mailbox = "migration@contoso.com".into();
        connection.registration = RegistrationMode::Manual;
        connection.credential = Credential::Secret { hint: "789".into(), expires_at: None };
        let secret = secrecy::SecretString::from(CONTOSO.client_secret.to_owned());
        let upsert = Upsert { connection: connection.clone(), secret: Some(secret) };
        if let Err(error) = self.connections.save(vec![upsert], &[]).await {
            panic!("the connection was not saved: {error}");
        }
        match self.connections.get(connection.id).await {
            Ok(saved) => saved,
            Err(error) => panic!("the saved connection is not there: {error}"),
        }
    }

    /// The simulator as a Custom cloud (login and Graph on its loopback address).
    pub fn cloud(&self) -> Cloud {
        Cloud::Custom { login_url: self.sim.base_url.clone(), graph_url: self.sim.base_url.clone() }
    }
}
