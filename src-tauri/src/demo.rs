//! Starting in the demo cloud: `--demo` or `MAILFERRY_DEMO=1`. Decided before anything else
//! runs, because the demo's cloud becomes the default cloud of new connections.

/// The demo's port when this start is the demo; the cloud of new connections is then the demo's.
#[cfg(feature = "demo")]
pub fn prepare() -> Result<Option<u16>, mailferry_core::Error> {
    mailferry_demo::prepare(std::env::args().skip(1).any(|arg| arg == "--demo"))
}

#[cfg(not(feature = "demo"))]
pub fn prepare() -> Result<Option<u16>, mailferry_core::Error> {
    Ok(None)
}

/// The demo cloud, served while the app runs.
#[cfg(feature = "demo")]
pub type Served = mailferry_demo::DemoCloud;

#[cfg(not(feature = "demo"))]
pub type Served = ();

/// Serves the demo cloud on `port`; answers with the demo's data folder inside `real`.
#[cfg(feature = "demo")]
pub fn start(port: u16, real: &std::path::Path) -> Result<(Served, std::path::PathBuf), mailferry_core::Error> {
    let served = tauri::async_runtime::block_on(mailferry_demo::start(port))?;
    tracing::info!(port, "demo cloud served");
    Ok((served, mailferry_demo::data_dir(real)))
}

#[cfg(not(feature = "demo"))]
pub fn start(_port: u16, real: &std::path::Path) -> Result<(Served, std::path::PathBuf), mailferry_core::Error> {
    Ok(((), real.to_owned()))
}
