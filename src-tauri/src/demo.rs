//! The demo cloud, when this build has it (the `demo` feature, on by default): whether a
//! start is in the demo (`--demo`, `MAILFERRY_DEMO=1`, or the user was in it when Mailferry
//! last stopped), and the demo crate's pieces the workspace needs. Without the feature, the
//! same names say there is no demo.

#[cfg(feature = "demo")]
mod with_demo {
    use std::path::{Path, PathBuf};

    use mailferry_core::cloud::Cloud;
    use mailferry_core::model::demo::DemoTenantDetails;
    use mailferry_core::secrets::KeyringStore;
    use mailferry_core::Result;

    pub const AVAILABLE: bool = true;

    /// The demo cloud, served while the app runs.
    pub type Served = mailferry_demo::DemoCloud;

    /// Whether the command line or the environment asks for the demo.
    pub fn asked_for() -> bool {
        std::env::args().skip(1).any(|arg| arg == "--demo") || mailferry_demo::requested_by_env()
    }

    pub async fn serve(folder: &Path) -> Result<Served> {
        let served = mailferry_demo::start(mailferry_demo::port()?, folder).await?;
        tracing::info!(port = served.port, here = served.served_here(), "demo cloud started");
        Ok(served)
    }

    pub fn cloud(served: &Served) -> Cloud {
        served.cloud()
    }

    pub fn folder(real: &Path) -> PathBuf {
        mailferry_demo::data_dir(real)
    }

    pub fn keychain() -> KeyringStore {
        mailferry_demo::keychain()
    }

    pub fn remembered(real: &Path) -> bool {
        mailferry_demo::remembered(real)
    }

    pub fn remember(real: &Path, in_demo: bool) -> Result<()> {
        mailferry_demo::remember(real, in_demo)
    }

    pub fn tenants() -> Vec<DemoTenantDetails> {
        mailferry_demo::tenant_details()
    }

    pub fn save_pfx(tenant_id: &str, path: &Path) -> Result<()> {
        mailferry_demo::save_pfx(tenant_id, path)
    }
}

#[cfg(not(feature = "demo"))]
mod with_demo {
    use std::path::{Path, PathBuf};

    use mailferry_core::cloud::Cloud;
    use mailferry_core::model::demo::DemoTenantDetails;
    use mailferry_core::secrets::KeyringStore;
    use mailferry_core::{Error, Result};

    pub const AVAILABLE: bool = false;

    pub type Served = ();

    fn missing() -> Error {
        Error::Internal("this build of Mailferry has no demo cloud (built without the demo feature)".into())
    }

    pub fn asked_for() -> bool {
        false
    }

    pub async fn serve(_folder: &Path) -> Result<Served> {
        Err(missing())
    }

    pub fn cloud(_served: &Served) -> Cloud {
        Cloud::default_for_new()
    }

    pub fn folder(real: &Path) -> PathBuf {
        real.join("demo")
    }

    pub fn keychain() -> KeyringStore {
        KeyringStore::for_service(mailferry_core::secrets::DEMO_SERVICE)
    }

    pub fn remembered(_real: &Path) -> bool {
        false
    }

    pub fn remember(_real: &Path, _in_demo: bool) -> Result<()> {
        Ok(())
    }

    pub fn tenants() -> Vec<DemoTenantDetails> {
        Vec::new()
    }

    pub fn save_pfx(_tenant_id: &str, _path: &Path) -> Result<()> {
        Err(missing())
    }
}

pub use with_demo::*;
