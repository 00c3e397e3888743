//! entra-sim: a local emulator of the Microsoft identity platform (login endpoints at
//! `{base}/{tenant}/...`) and of the Microsoft Graph subset Mailferry uses (`{base}/v1.0/...`),
//! strict where Microsoft is strict. See README.md for the seed format, flags and `/_sim` API.

pub mod catalog;
pub mod certs;
pub mod demo;
pub mod errors;
pub mod faults;
mod graph;
mod identity;
pub mod keys;
mod middleware;
pub mod persist;
pub mod request_log;
pub mod seed;
mod sim_api;
pub mod tls;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use tokio::sync::oneshot;

pub use seed::Seed;
use world::World;

/// The running simulator's state, shared by every handler.
pub struct Sim {
    world: Mutex<World>,
    pub key: keys::SigningKey,
    pub base_url: String,
    started: Instant,
    /// Where directory changes are kept across starts (the demo), with what was last written.
    state_file: Option<(persist::StateFile, Mutex<Vec<u8>>)>,
    /// Whether requests are kept for `/_sim/requests` (tests); a demo running for days keeps none.
    keep_log: bool,
}

impl Sim {
    pub fn world(&self) -> MutexGuard<'_, World> {
        // A panicking handler must not take the simulator down with it.
        self.world.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the directory's changes to the state file, if there is one and they changed.
    pub(crate) fn save_if_changed(&self) {
        let Some((file, last)) = &self.state_file else { return };
        let world = self.world();
        let Ok(json) = persist::to_json(&world) else { return };
        let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *last == json {
            return;
        }
        match file.write(&json) {
            Ok(()) => *last = json,
            Err(error) => eprintln!("entra-sim: the directory could not be kept in {}: {error}", file.path().display()),
        }
    }

    pub(crate) fn keeps_log(&self) -> bool {
        self.keep_log
    }

    pub fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Every alias under which a Graph token's audience is accepted.
    pub fn graph_audiences(&self) -> [String; 3] {
        [self.base_url.clone(), "https://graph.microsoft.com".into(), catalog::GRAPH_APP_ID.into()]
    }
}

pub type SharedSim = Arc<Sim>;

/// A GUID in lower case, or None.
pub(crate) fn world_guid(value: &str) -> Option<String> {
    uuid::Uuid::parse_str(value.trim()).ok().map(|u| u.to_string())
}

/// How a simulator runs, beyond its seed.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Keep directory changes in this file and start from it (the demo cloud).
    pub state_file: Option<persist::StateFile>,
    /// Serve the `/_sim` test API. Off, only `GET /_sim/tenants` answers, which says what this
    /// server is; nothing can change the world or read its secrets from outside.
    pub sim_api: bool,
    /// Keep every request for `/_sim/requests`.
    pub keep_log: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { state_file: None, sim_api: true, keep_log: true }
    }
}

impl SimOptions {
    /// A demo cloud: changes kept in `state_file`, no test API, no request log.
    pub fn demo(state_file: persist::StateFile) -> Self {
        SimOptions { state_file: Some(state_file), sim_api: false, keep_log: false }
    }
}

/// A simulator serving on loopback; stops when dropped.
pub struct SimHandle {
    pub base_url: String,
    pub sim: SharedSim,
    _shutdown: oneshot::Sender<()>,
}

impl SimHandle {
    /// Starts on 127.0.0.1 (`port` 0 picks a free one) with the given tenants, over HTTP.
    pub async fn start(seed: Seed, port: u16) -> Result<SimHandle, String> {
        Self::start_with(seed, port, None, SimOptions::default()).await
    }

    /// Starts on 127.0.0.1 over HTTP, run as `options` say.
    pub async fn start_with_options(seed: Seed, port: u16, options: SimOptions) -> Result<SimHandle, String> {
        Self::start_with(seed, port, None, options).await
    }

    /// The same over HTTPS, with `tls`'s certificate: Microsoft's own clients (MSAL) accept
    /// only an https authority.
    pub async fn start_tls(seed: Seed, port: u16, tls: &tls::TlsIdentity) -> Result<SimHandle, String> {
        Self::start_with(seed, port, Some(tls), SimOptions::default()).await
    }

    async fn start_with(
        seed: Seed,
        port: u16,
        tls: Option<&tls::TlsIdentity>,
        options: SimOptions,
    ) -> Result<SimHandle, String> {
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let base_url = format!("{}://{address}", if tls.is_some() { "https" } else { "http" });
        let mut world = World::from_seed(seed)?;
        let state_file = options.state_file.map(|file| {
            if let Some(warning) = file.load_into(&mut world) {
                eprintln!("entra-sim: {warning}");
            }
            let saved = persist::to_json(&world).unwrap_or_default();
            (file, Mutex::new(saved))
        });
        let sim = Arc::new(Sim {
            world: Mutex::new(world),
            key: keys::SigningKey::generate()?,
            base_url: base_url.clone(),
            started: Instant::now(),
            state_file,
            keep_log: options.keep_log,
        });
        let app = if options.sim_api { router(sim.clone()) } else { closed_router(sim.clone()) };
        let (shutdown, stopped) = oneshot::channel::<()>();
        match tls {
            None => {
                let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
                tokio::spawn(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
            }
            Some(tls) => {
                let server = axum_server::from_tcp_rustls(listener, tls.server_config()?).map_err(|e| e.to_string())?;
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    let _ = stopped.await;
                    stopper.graceful_shutdown(Some(std::time::Duration::from_secs(1)));
                });
                tokio::spawn(async move {
                    let _ = server.handle(handle).serve(app.into_make_service()).await;
                });
            }
        }
        Ok(SimHandle { base_url, sim, _shutdown: shutdown })
    }
}

pub fn router(sim: SharedSim) -> Router {
    serve_with(sim, sim_api::routes())
}

/// Microsoft's endpoints and only the read of which tenants this is, for a simulator other
/// programs on this computer must not steer (the demo cloud).
pub fn closed_router(sim: SharedSim) -> Router {
    serve_with(sim, sim_api::identity_routes())
}

/// Microsoft's endpoints, with `sim_routes` of the simulator's own beside them.
fn serve_with(sim: SharedSim, sim_routes: Router<SharedSim>) -> Router {
    Router::new()
        .merge(identity::routes())
        .merge(graph::routes())
        .merge(sim_routes)
        .layer(axum::middleware::from_fn_with_state(sim.clone(), middleware::log_and_faults))
        .with_state(sim)
}
