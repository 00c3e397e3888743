//! The demo cloud inside Mailferry, for trying it without a Microsoft 365 tenant: entra-sim's
//! demo tenants (Contoso, the source, and Fabrikam, the target) served in-process on a
//! loopback port, and a data folder of its own, so that demo connections never mix with real
//! ones. The port is fixed (`MAILFERRY_DEMO_PORT`, default 47365) because a saved connection's
//! cloud URL holds it; a demo already served there (the app's, while the CLI runs) is shared.

use std::path::{Path, PathBuf};

use entra_sim::SimHandle;
use mailferry_core::cloud::Cloud;
use mailferry_core::{Error, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `MAILFERRY_DEMO=1` (or `true`) starts the app or the CLI in the demo.
pub const DEMO_VAR: &str = "MAILFERRY_DEMO";
pub const PORT_VAR: &str = "MAILFERRY_DEMO_PORT";
pub const DEFAULT_PORT: u16 = 47_365;
/// The demo's data folder, inside the real one.
pub const FOLDER: &str = "demo";

pub use entra_sim::demo::{DemoTenant, CONTOSO, FABRIKAM, PASSWORD, PFX_PASSWORD, TENANTS};

/// Whether the environment asks for the demo.
pub fn requested_by_env() -> bool {
    std::env::var(DEMO_VAR).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// The demo's port: `MAILFERRY_DEMO_PORT`, else 47365.
pub fn port() -> Result<u16> {
    match std::env::var(PORT_VAR) {
        Err(_) => Ok(DEFAULT_PORT),
        Ok(text) => text
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| Error::Internal(format!("{PORT_VAR} is \"{text}\": give a port number from 1 to 65535"))),
    }
}

/// For a start that `asked` for the demo: its port, with the demo cloud made the default
/// cloud of new connections (through the Custom cloud variables, which every cloud option and
/// `Cloud::default_for_new` read). Call it before any other thread runs.
pub fn prepare(asked: bool) -> Result<Option<u16>> {
    if !(asked || requested_by_env()) {
        return Ok(None);
    }
    let port = port()?;
    let url = base_url(port);
    std::env::set_var(mailferry_core::cloud::LOGIN_URL_VAR, &url);
    std::env::set_var(mailferry_core::cloud::GRAPH_URL_VAR, &url);
    Ok(Some(port))
}

pub fn base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The demo cloud, as a Custom cloud at the demo's port.
pub fn cloud(port: u16) -> Cloud {
    Cloud::Custom { login_url: base_url(port), graph_url: base_url(port) }
}

/// The demo's data folder for the real data folder `real`: always a folder inside it, so the
/// two are never the same and never share a database, certificates or keychain names.
pub fn data_dir(real: &Path) -> PathBuf {
    real.join(FOLDER)
}

/// A running demo cloud; served until dropped (unless it is another process's, shared).
pub struct DemoCloud {
    pub port: u16,
    served: Option<SimHandle>,
}

impl DemoCloud {
    pub fn cloud(&self) -> Cloud {
        cloud(self.port)
    }

    pub fn base_url(&self) -> String {
        base_url(self.port)
    }

    /// Whether this process serves it (not another Mailferry's demo on the same port).
    pub fn served_here(&self) -> bool {
        self.served.is_some()
    }
}

/// Serves the demo cloud on `port`, or joins the demo another Mailferry already serves there.
pub async fn start(port: u16) -> Result<DemoCloud> {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(probe) => drop(probe),
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            if is_demo_cloud(port).await {
                return Ok(DemoCloud { port, served: None });
            }
            return Err(port_taken(port, error));
        }
        Err(error) => return Err(port_taken(port, error)),
    }
    let handle = SimHandle::start(entra_sim::demo::seed(), port)
        .await
        .map_err(|detail| Error::Internal(format!("the demo cloud could not start: {detail}")))?;
    Ok(DemoCloud { port, served: Some(handle) })
}

fn port_taken(port: u16, source: std::io::Error) -> Error {
    Error::Io {
        context: format!(
            "The demo cloud cannot listen on 127.0.0.1:{port}, which another program uses; set {PORT_VAR} to a free port"
        ),
        source,
    }
}

/// Whether what answers on the port is a Mailferry demo cloud (its tenant list names Contoso).
async fn is_demo_cloud(port: u16) -> bool {
    let probe = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let request = format!("GET /_sim/tenants HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        let answer = String::from_utf8_lossy(&answer);
        Some(
            answer.starts_with("HTTP/1.1 200")
                && answer.contains(CONTOSO.tenant_id)
                && answer.contains(FABRIKAM.tenant_id),
        )
    };
    tokio::time::timeout(std::time::Duration::from_secs(2), probe).await.ok().flatten().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_folder_is_inside_the_real_one_and_never_the_same() {
        let real = Path::new("/home/admin/.local/share/com.mailferry.desktop");
        assert_eq!(data_dir(real), real.join("demo"));
        assert_ne!(data_dir(real), real);
        assert_ne!(data_dir(&data_dir(real)), data_dir(real), "a demo inside a demo folder is another folder again");
    }

    #[tokio::test]
    async fn a_second_start_on_the_same_port_joins_the_demo_and_another_program_is_refused() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let first = start(port).await.unwrap();
        assert!(first.served_here());
        let second = start(port).await.unwrap();
        assert!(!second.served_here(), "the running demo is shared");
        assert_eq!(second.base_url(), first.base_url());

        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let taken = other.local_addr().unwrap().port();
        let refused = start(taken).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains(&format!("127.0.0.1:{taken}")) && refused.contains(PORT_VAR), "{refused}");
    }
}
