use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mailferry_core::certs::CertificateStore;
use mailferry_core::checks::CheckService;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::IdentityClient;
use mailferry_core::jobs::JobService;
use mailferry_core::mailboxes::DiscoveryService;
use mailferry_core::paths;
use mailferry_core::proxy;
use mailferry_core::registration::{RegistrationConfig, RegistrationService};
use mailferry_core::secrets::KeyringStore;
use mailferry_core::store::Store;
use mailferry_core::{Error, IpcError};
use tracing_appender::non_blocking::WorkerGuard;

/// What the commands share. If the database cannot be opened the app still starts, and every
/// command answers with the reason, which the UI shows.
pub struct AppState {
    connections: Result<ConnectionService, IpcError>,
    /// Shared with the services below; its proxy follows Settings.
    identity: Result<IdentityClient, IpcError>,
    checks: Result<CheckService, IpcError>,
    registrations: Result<RegistrationService, IpcError>,
    discovery: Result<DiscoveryService, IpcError>,
    /// Files exported in this session: the only ones "Show in folder" may reveal.
    exported: Mutex<HashSet<PathBuf>>,
    /// The demo cloud, while this start is the demo.
    demo: Option<crate::demo::Served>,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    /// Opens the data folder (the demo's, with the demo cloud served, when `demo_port` is set).
    pub fn open(log_guard: Option<WorkerGuard>, demo_port: Option<u16>) -> AppState {
        let mut demo = None;
        let opened = data_dir().and_then(|real| match demo_port {
            None => Ok(real),
            Some(port) => crate::demo::start(port, &real).map(|(served, dir)| {
                demo = Some(served);
                dir
            }),
        });
        let connections = opened.and_then(|dir| tauri::async_runtime::block_on(open_service(&dir))).map_err(|error| {
            tracing::error!(%error, "the connection database could not be opened");
            IpcError::from(error)
        });
        // One client to Microsoft for the whole app: its caches (tenant metadata, tokens) and
        // connection pool serve checks, registration and discovery alike. It fails only if the
        // TLS backend cannot start, and then every command that needs it answers with why.
        let proxy = match &connections {
            Ok(connections) => tauri::async_runtime::block_on(proxy::configured(connections)).unwrap_or_else(|error| {
                tracing::error!(%error, "the proxy in Settings could not be read; the system's applies");
                None
            }),
            Err(_) => None,
        };
        let identity = IdentityClient::new(HttpConfig { proxy, ..HttpConfig::default() }).map_err(|error| {
            tracing::error!(%error, "the HTTP client to Microsoft could not be built");
            IpcError::from(error)
        });
        AppState {
            identity: identity.clone(),
            connections,
            checks: identity.clone().map(CheckService::new),
            registrations: identity
                .clone()
                .map(|identity| RegistrationService::new(identity, RegistrationConfig::default())),
            discovery: identity.map(DiscoveryService::new),
            exported: Mutex::default(),
            demo,
            _log_guard: log_guard,
        }
    }

    pub fn connections(&self) -> Result<&ConnectionService, IpcError> {
        self.connections.as_ref().map_err(Clone::clone)
    }

    pub fn remember_export(&self, path: PathBuf) {
        if let Ok(mut exported) = self.exported.lock() {
            exported.insert(path);
        }
    }

    pub fn was_exported(&self, path: &Path) -> bool {
        self.exported.lock().is_ok_and(|exported| exported.contains(path))
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

    /// Whether this start is the demo.
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn identity(&self) -> Result<&IdentityClient, IpcError> {
        self.identity.as_ref().map_err(Clone::clone)
    }

    pub fn checks(&self) -> Result<&CheckService, IpcError> {
        self.checks.as_ref().map_err(Clone::clone)
    }
}

fn data_dir() -> Result<PathBuf, Error> {
    paths::default_data_dir()
        .ok_or_else(|| Error::Internal("the operating system reports no data folder for this user".into()))
}

async fn open_service(dir: &Path) -> Result<ConnectionService, Error> {
    let store = Store::open(&dir.join(paths::DATABASE_FILE)).await?;
    tracing::info!(data_dir = %dir.display(), "connection store opened");
    let vault: Arc<dyn mailferry_core::secrets::SecretStore> = Arc::new(KeyringStore::new());
    let certificates = CertificateStore::new(dir, vault.clone());
    Ok(ConnectionService::new(store, vault, certificates))
}
