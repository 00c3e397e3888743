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
/// In the real data folder while the user is in the demo, so that the next start opens there.
pub const MARKER: &str = "demo-mode";
/// The demo cloud's directory changes (applications registered in it), in the demo's folder.
pub const STATE_FILE: &str = "demo-cloud.json";

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
    // The demo is on this computer: a proxy from the environment could not reach it.
    for name in ["NO_PROXY", "no_proxy"] {
        let list = std::env::var(name).unwrap_or_default();
        if !list.split(',').any(|host| host.trim() == "127.0.0.1") {
            let joined = if list.trim().is_empty() { "127.0.0.1".to_owned() } else { format!("{list},127.0.0.1") };
            std::env::set_var(name, joined);
        }
    }
    Ok(Some(port))
}

/// Whether the user was in the demo when Mailferry last stopped (the marker in `real`).
pub fn remembered(real: &Path) -> bool {
    real.join(MARKER).is_file()
}

/// Remembers in `real` whether the user is in the demo, for the next start.
pub fn remember(real: &Path, in_demo: bool) -> Result<()> {
    let marker = real.join(MARKER);
    let io = |source| Error::Io { context: format!("Could not remember the demo in {}", marker.display()), source };
    if in_demo {
        std::fs::create_dir_all(real).map_err(io)?;
        std::fs::write(
            &marker,
            b"The last Mailferry start was in the demo cloud; delete this file to start in your own.\n",
        )
        .map_err(io)
    } else {
        match std::fs::remove_file(&marker) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io(error)),
            _ => Ok(()),
        }
    }
}

/// The demo's keychain: entries under their own service name.
pub fn keychain() -> mailferry_core::secrets::KeyringStore {
    mailferry_core::secrets::KeyringStore::for_service(mailferry_core::secrets::DEMO_SERVICE)
}

/// The demo tenants' published details, for the Demo credentials panel.
pub fn tenant_details() -> Vec<mailferry_core::model::demo::DemoTenantDetails> {
    use entra_sim::demo::{ADMIN, APPLICATION_ADMIN, APPLICATION_MAILBOX, NO_MAILBOX, PRIVILEGED_ROLE_ADMIN, USER};
    use mailferry_core::model::Role;
    TENANTS
        .iter()
        .map(|tenant| mailferry_core::model::demo::DemoTenantDetails {
            display_name: tenant.display_name.into(),
            role: Role::parse(tenant.role).unwrap_or(Role::Source),
            tenant_id: tenant.tenant_id.into(),
            domain: tenant.domain.into(),
            admin: format!("{ADMIN}@{}", tenant.domain),
            privileged_role_admin: format!("{PRIVILEGED_ROLE_ADMIN}@{}", tenant.domain),
            application_admin: format!("{APPLICATION_ADMIN}@{}", tenant.domain),
            user: format!("{USER}@{}", tenant.domain),
            password: PASSWORD.into(),
            application_mailbox: format!("{APPLICATION_MAILBOX}@{}", tenant.mail_domain),
            user_without_mailbox: format!("{NO_MAILBOX}@{}", tenant.mail_domain),
            client_id: tenant.client_id.into(),
            client_secret: tenant.client_secret.into(),
            certificate_thumbprint: entra_sim::world::pem_to_der(tenant.certificate_pem)
                .map(|der| mailferry_core::certs::sha1_thumbprint(&der))
                .unwrap_or_default(),
            pfx_password: PFX_PASSWORD.into(),
        })
        .collect()
}

/// Writes the demo PFX (certificate and private key, under [`PFX_PASSWORD`]) of the tenant
/// `tenant_id` to `path`, for Import on the Manual path.
pub fn save_pfx(tenant_id: &str, path: &Path) -> Result<()> {
    let tenant = TENANTS
        .iter()
        .find(|t| t.tenant_id == tenant_id)
        .ok_or_else(|| Error::NotFound { what: "Demo tenant", id: tenant_id.to_owned() })?;
    std::fs::write(path, tenant.pfx).map_err(|source| Error::Io {
        context: format!("Could not save the demo certificate to {}", path.display()),
        source,
    })
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

/// Serves the demo cloud on `port`, or joins the demo another Mailferry already serves there;
/// the registrations made in it are kept in `folder` (the demo's data folder) across starts.
pub async fn start(port: u16, folder: &Path) -> Result<DemoCloud> {
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
    let options = entra_sim::SimOptions::demo(entra_sim::persist::StateFile::new(folder.join(STATE_FILE)));
    let handle = SimHandle::start_with_options(entra_sim::demo::seed(), port, options)
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

    /// A port nobody listens on now.
    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    #[tokio::test]
    async fn a_second_start_on_the_same_port_joins_the_demo_and_another_program_is_refused() {
        let port = free_port();
        let folder = tempfile::tempdir().unwrap();
        let first = start(port, folder.path()).await.unwrap();
        assert!(first.served_here());
        let second = start(port, folder.path()).await.unwrap();
        assert!(!second.served_here(), "the running demo is shared");
        assert_eq!(second.base_url(), first.base_url());

        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let taken = other.local_addr().unwrap().port();
        let refused = start(taken, folder.path()).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains(&format!("127.0.0.1:{taken}")) && refused.contains(PORT_VAR), "{refused}");
    }

    async fn status(port: u16, method: &str, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn no_other_program_can_steer_the_demo_cloud_or_read_its_secrets() {
        let port = free_port();
        let folder = tempfile::tempdir().unwrap();
        let _demo = start(port, folder.path()).await.unwrap();
        assert!(status(port, "GET", "/_sim/tenants").await.starts_with("HTTP/1.1 200"), "it says what it is");
        for (method, path) in [
            ("GET", "/_sim/secrets"),
            ("POST", "/_sim/reset"),
            ("PUT", "/_sim/auto-approve"),
            ("GET", "/_sim/requests"),
        ] {
            let line = status(port, method, path).await;
            assert!(line.starts_with("HTTP/1.1 404") || line.starts_with("HTTP/1.1 405"), "{method} {path}: {line}");
        }
        let metadata = format!("/{}/v2.0/.well-known/openid-configuration", CONTOSO.domain);
        assert!(status(port, "GET", &metadata).await.starts_with("HTTP/1.1 200"), "Microsoft's endpoints answer");
    }

    #[test]
    fn the_demo_is_remembered_in_the_real_folder_until_the_user_leaves_it() {
        let real = tempfile::tempdir().unwrap();
        let real = real.path().join("com.mailferry.desktop");
        assert!(!remembered(&real), "a first start is not in the demo");
        remember(&real, true).unwrap();
        assert!(remembered(&real));
        assert!(!remembered(&data_dir(&real)), "the marker is in the real folder, not the demo's");
        remember(&real, false).unwrap();
        assert!(!remembered(&real));
        remember(&real, false).unwrap();
    }

    #[test]
    fn the_demo_credentials_are_the_ones_the_demo_tenants_accept() {
        let details = tenant_details();
        assert_eq!(details.len(), 2);
        let contoso = &details[0];
        assert_eq!(contoso.role, mailferry_core::model::Role::Source);
        assert_eq!(contoso.client_secret, CONTOSO.client_secret);
        assert_eq!(contoso.application_mailbox, "migration@contoso.com");
        assert_eq!(contoso.certificate_thumbprint.len(), 40, "{}", contoso.certificate_thumbprint);
        assert_eq!(details[1].role, mailferry_core::model::Role::Target);

        let folder = tempfile::tempdir().unwrap();
        let pfx = folder.path().join("contoso.pfx");
        save_pfx(CONTOSO.tenant_id, &pfx).unwrap();
        assert_eq!(std::fs::read(&pfx).unwrap(), CONTOSO.pfx);
        let unknown = save_pfx("not-a-tenant", &pfx).unwrap_err().to_string();
        assert!(unknown.contains("not-a-tenant"), "{unknown}");
    }
}
