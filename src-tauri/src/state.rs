use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use mailferry_core::model::demo::DemoStatus;
use mailferry_core::paths;
use mailferry_core::{Error, IpcError};
use tracing_appender::non_blocking::WorkerGuard;

use crate::demo;
use crate::workspace::{Place, Workspace};

/// What the commands share: the workspace open now (the real data folder, or the demo's) and
/// what outlives a switch between them.
pub struct AppState {
    workspace: RwLock<Arc<Workspace>>,
    /// The user's data folder; the demo's is inside it.
    real_dir: Result<PathBuf, IpcError>,
    /// The demo cloud once started: kept until the app stops, so that leaving and entering the
    /// demo again does not race a server that is still shutting down on its fixed port.
    demo_cloud: tokio::sync::Mutex<Option<Arc<demo::Served>>>,
    /// Files exported in this session: the only ones "Show in folder" may reveal.
    exported: Mutex<HashSet<PathBuf>>,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    /// Opens the real data folder, or the demo's when this start is the demo (asked for on the
    /// command line or in the environment, or where the user was when Mailferry last stopped).
    pub fn open(log_guard: Option<WorkerGuard>) -> AppState {
        let real_dir = paths::default_data_dir().ok_or_else(|| {
            IpcError::from(Error::Internal("the operating system reports no data folder for this user".into()))
        });
        let in_demo = demo::asked_for() || real_dir.as_deref().is_ok_and(demo::remembered);
        let demo_cloud = tokio::sync::Mutex::new(None);
        let workspace = tauri::async_runtime::block_on(open_workspace(real_dir.as_deref(), &demo_cloud, in_demo));
        AppState {
            workspace: RwLock::new(Arc::new(workspace)),
            real_dir,
            demo_cloud,
            exported: Mutex::default(),
            _log_guard: log_guard,
        }
    }

    /// The workspace open now; a command keeps it to its end.
    pub fn workspace(&self) -> Arc<Workspace> {
        self.workspace.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn set_workspace(&self, workspace: Workspace) {
        *self.workspace.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(workspace);
    }

    fn real_dir(&self) -> Result<&Path, IpcError> {
        self.real_dir.as_deref().map_err(Clone::clone)
    }

    /// Try with a demo tenant, or Leave the demo: opens the other workspace, then switches to
    /// it, and remembers the choice for the next start. Nothing changes if it cannot open.
    pub async fn switch(&self, to_demo: bool) -> Result<DemoStatus, IpcError> {
        if self.workspace().is_demo() != to_demo {
            let workspace = open_workspace(self.real_dir.as_deref(), &self.demo_cloud, to_demo).await;
            workspace.connections()?;
            demo::remember(self.real_dir()?, to_demo)?;
            self.set_workspace(workspace);
            tracing::info!(demo = to_demo, "workspace switched");
        }
        Ok(self.demo_status())
    }

    pub fn demo_status(&self) -> DemoStatus {
        let workspace = self.workspace();
        DemoStatus {
            active: workspace.is_demo(),
            available: demo::AVAILABLE,
            cloud: workspace.demo_cloud(),
            tenants: demo::tenants(),
        }
    }

    pub fn remember_export(&self, path: PathBuf) {
        if let Ok(mut exported) = self.exported.lock() {
            exported.insert(path);
        }
    }

    pub fn was_exported(&self, path: &Path) -> bool {
        self.exported.lock().is_ok_and(|exported| exported.contains(path))
    }
}

type DemoCloud = tokio::sync::Mutex<Option<Arc<demo::Served>>>;

/// Opens the real workspace, or the demo's with the demo cloud (started on first use and kept).
/// A demo cloud that cannot start leaves a demo workspace whose every command says why.
async fn open_workspace(real: Result<&Path, &IpcError>, demo_cloud: &DemoCloud, in_demo: bool) -> Workspace {
    let real = match real {
        Ok(real) => real,
        Err(error) => return Workspace::failed(error.clone(), in_demo),
    };
    if !in_demo {
        return Workspace::open(Place::Real(real)).await;
    }
    let folder = demo::folder(real);
    let mut started = demo_cloud.lock().await;
    let cloud = match started.as_ref() {
        Some(cloud) => cloud.clone(),
        None => match demo::serve(&folder).await {
            Ok(cloud) => started.insert(Arc::new(cloud)).clone(),
            Err(error) => {
                tracing::error!(%error, "the demo cloud could not start");
                return Workspace::failed(IpcError::from(error), true);
            }
        },
    };
    Workspace::open(Place::Demo { folder: &folder, cloud }).await
}
