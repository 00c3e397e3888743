//! One data folder opened with the services on it: the real one, or the demo's with the demo
//! cloud. The app switches between the two without a restart (Try with a demo tenant, Leave the
//! demo); a command takes the workspace current when it starts and keeps it to its end, so a
//! check running across a switch finishes where it began.

use std::path::Path;
use std::sync::Arc;

use mailferry_core::certs::CertificateStore;
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::IdentityClient;
use mailferry_core::jobs::JobService;
use mailferry_core::mailboxes::DiscoveryService;
use mailferry_core::paths;
use mailferry_core::proxy;
use mailferry_core::registration::{RegistrationConfig, RegistrationService};
use mailferry_core::secrets::{KeyringStore, SecretStore};
use mailferry_core::store::Store;
use mailferry_core::{Error, IpcError};

/// If the database cannot be opened the app still starts, and every command answers with the
/// reason, which the UI shows.
pub struct Workspace {
    connections: Result<ConnectionService, IpcError>,
    /// Shared with the services below; its proxy follows Settings.
    identity: Result<IdentityClient, IpcError>,
    checks: Result<CheckService, IpcError>,
    registrations: Result<RegistrationService, IpcError>,
    discovery: Result<DiscoveryService, IpcError>,
    /// The demo cloud, when this is the demo's workspace.
    demo: Option<Arc<crate::demo::Served>>,
    /// The demo's workspace, even when its cloud could not start (the user can still leave).
    in_demo: bool,
}

/// Which folder and keychain namespace to open, and the demo cloud that goes with it.
pub enum Place<'a> {
    Real(&'a Path),
    Demo { folder: &'a Path, cloud: Arc<crate::demo::Served> },
}

impl Workspace {
    /// A workspace whose every command answers `error` (no data folder, a demo that could not start).
    pub fn failed(error: IpcError, in_demo: bool) -> Workspace {
        Workspace {
            connections: Err(error.clone()),
            identity: Err(error.clone()),
            checks: Err(error.clone()),
            registrations: Err(error.clone()),
            discovery: Err(error),
            demo: None,
            in_demo,
        }
    }

    pub async fn open(place: Place<'_>) -> Workspace {
        let (opened, demo) = match place {
            Place::Real(dir) => (open_service(dir, KeyringStore::new()).await, None),
            Place::Demo { folder, cloud } => (open_service(folder, crate::demo::keychain()).await, Some(cloud)),
        };
        let in_demo = demo.is_some();
        let connections = opened.map_err(|error| {
            tracing::error!(%error, "the connection database could not be opened");
            IpcError::from(error)
        });
        // One client to Microsoft for the whole workspace: its caches (tenant metadata, tokens)
        // and connection pool serve checks, registration and discovery alike. It fails only if
        // the TLS backend cannot start, and then every command that needs it answers with why.
        let proxy = match &connections {
            Ok(connections) if demo.is_none() => proxy::configured(connections).await.unwrap_or_else(|error| {
                tracing::error!(%error, "the proxy in Settings could not be read; the system's applies");
                None
            }),
            _ => None,
        };
        // The demo cloud is on this computer: no proxy could reach it.
        let config = HttpConfig { proxy, direct: demo.is_some(), ..HttpConfig::default() };
        let identity = IdentityClient::new(config).map_err(|error| {
            tracing::error!(%error, "the HTTP client to Microsoft could not be built");
            IpcError::from(error)
        });
        Workspace {
            identity: identity.clone(),
            connections,
            checks: identity.clone().map(CheckService::new),
            registrations: identity
                .clone()
                .map(|identity| RegistrationService::new(identity, RegistrationConfig::default())),
            discovery: identity.map(DiscoveryService::new),
            demo,
            in_demo,
        }
    }

    pub fn connections(&self) -> Result<&ConnectionService, IpcError> {
        self.connections.as_ref().map_err(Clone::clone)
    }

    pub fn discovery(&self) -> Result<&DiscoveryService, IpcError> {
        self.discovery.as_ref().map_err(Clone::clone)
    }

    /// Job drafts live in the connections' database.
    pub fn jobs(&self) -> Result<JobService, IpcError> {
        Ok(JobService::new(self.connections()?.store().clone()))
    }

    pub fn registrations(&self) -> Result<&RegistrationService, IpcError> {
        self.registrations.as_ref().map_err(Clone::clone)
    }

    pub fn identity(&self) -> Result<&IdentityClient, IpcError> {
        self.identity.as_ref().map_err(Clone::clone)
    }

    pub fn checks(&self) -> Result<&CheckService, IpcError> {
        self.checks.as_ref().map_err(Clone::clone)
    }

    pub fn is_demo(&self) -> bool {
        self.in_demo
    }

    /// The demo cloud, while this workspace is the demo's and it is served.
    pub fn demo_cloud(&self) -> Option<Cloud> {
        self.demo.as_deref().map(crate::demo::cloud)
    }

    /// The cloud a new connection starts with: the demo's in the demo; else a Custom cloud
    /// set in the environment, else Global.
    pub fn default_cloud(&self) -> Cloud {
        self.demo_cloud().unwrap_or_else(Cloud::default_for_new)
    }
}

async fn open_service(dir: &Path, keychain: KeyringStore) -> Result<ConnectionService, Error> {
    let store = Store::open(&dir.join(paths::DATABASE_FILE)).await?;
    tracing::info!(data_dir = %dir.display(), keychain = keychain.service(), "connection store opened");
    let vault: Arc<dyn SecretStore> = Arc::new(keychain);
    let certificates = CertificateStore::new(dir, vault.clone());
    Ok(ConnectionService::new(store, vault, certificates))
}
