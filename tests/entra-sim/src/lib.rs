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
}

impl Sim {
    pub fn world(&self) -> MutexGuard<'_, World> {
        // A panicking handler must not take the simulator down with it.
        self.world.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// A simulator serving on loopback; stops when dropped.
pub struct SimHandle {
    pub base_url: String,
    pub sim: SharedSim,
    _shutdown: oneshot::Sender<()>,
}

impl SimHandle {
    /// Starts on 127.0.0.1 (`port` 0 picks a free one) with the given tenants, over HTTP.
    pub async fn start(seed: Seed, port: u16) -> Result<SimHandle, String> {
        Self::start_with(seed, port, None).await
    }

    /// The same over HTTPS, with `tls`'s certificate: Microsoft's own clients (MSAL) accept
    /// only an https authority.
    pub async fn start_tls(seed: Seed, port: u16, tls: &tls::TlsIdentity) -> Result<SimHandle, String> {
        Self::start_with(seed, port, Some(tls)).await
    }

    async fn start_with(seed: Seed, port: u16, tls: Option<&tls::TlsIdentity>) -> Result<SimHandle, String> {
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let base_url = format!("{}://{address}", if tls.is_some() { "https" } else { "http" });
        let sim = Arc::new(Sim {
            world: Mutex::new(World::from_seed(seed)?),
            key: keys::SigningKey::generate()?,
            base_url: base_url.clone(),
            started: Instant::now(),
        });
        let app = router(sim.clone());
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
    Router::new()
        .merge(identity::routes())
        .merge(graph::routes())
        .merge(sim_api::routes())
        .layer(axum::middleware::from_fn_with_state(sim.clone(), middleware::log_and_faults))
        .with_state(sim)
}
