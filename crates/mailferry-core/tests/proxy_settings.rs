//! The proxy in Settings, for real: entra-sim over TLS behind a tinyproxy that asks for a user
//! name and password. A check passes only with the credentials from Settings (the password in
//! the keychain, never in SQLite); a proxy that wants them, or refuses the tunnel, is
//! explained; the running client follows a change without a restart. Its own test binary,
//! because it clears the process's proxy variables and names the sim's CA in SSL_CERT_FILE.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use entra_sim::seed::ApplicationSeed;
use entra_sim::{Seed, SimHandle};
use mailferry_core::checks::{CheckId, CheckService, CheckStatus};
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Role};
use mailferry_core::permissions::{permission_set, PermissionProfile};
use mailferry_core::proxy::{self, ProxyChange, ProxySettings};
use mailferry_core::secrets::{SecretKey, SecretStore};
use mailferry_testsupport::tinyproxy::Tinyproxy;
use mailferry_testsupport::{fields_in, Core};

const APP: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
const SECRET: &str = "Qz7Q~settings.Proxy_SecretValue_0123456789ab";
const PROXY_USER: &str = "mailferry";
const PROXY_PASSWORD: &str = "proxy-Passw0rd-of-the-network-team";

#[tokio::test]
async fn a_check_passes_through_the_proxy_in_settings_with_its_credentials_and_refusals_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let tls = entra_sim::tls::TlsIdentity::generate().unwrap();
    let ca = dir.path().join("sim-ca.pem");
    std::fs::write(&ca, &tls.ca_pem).unwrap();
    // SAFETY of the environment: this binary runs this one test, before any client exists.
    std::env::set_var("SSL_CERT_FILE", &ca);
    for name in
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]
    {
        std::env::remove_var(name);
    }

    let mut seed = Seed::demo();
    let roles: Vec<String> =
        permission_set(Role::Source, PermissionProfile::ItemLevel).into_iter().map(|p| p.name).collect();
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    seed.tenants[0].applications = vec![ApplicationSeed::with_secret(APP, SECRET, &roles)];
    let sim = SimHandle::start_tls(seed, 0, &tls).await.unwrap();
    assert!(sim.base_url.starts_with("https://"));
    let core = Core::new().await;
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let fields = fields_in(cloud, "Contoso", "contoso.onmicrosoft.com", APP, "admin@contoso.onmicrosoft.com");
    let connection = core.add(Role::Source, fields, Some(SECRET)).await;
    let guarded = Tinyproxy::start(core.dir.path(), &format!("BasicAuth {PROXY_USER} {PROXY_PASSWORD}"));

    // The proxy without its credentials: the check's first step says what the proxy wants
    // and where to give it.
    let change = |username: &str, password: Option<&str>| ProxyChange {
        url: guarded.url(),
        username: username.into(),
        password: password.map(str::to_owned),
    };
    proxy::change(&core.connections, change("", None)).await.unwrap();
    let identity = IdentityClient::configured(&core.connections).await.unwrap();
    let checks = CheckService::new(identity.clone());
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    let tenant = run.report.result(CheckId::Tenant).unwrap();
    assert_eq!(tenant.status, CheckStatus::Fail, "{:#?}", run.report.results);
    assert!(tenant.summary.contains("proxy asks for a user name and password (HTTP 407)"), "{}", tenant.summary);
    assert!(tenant.fix.as_deref().unwrap_or_default().contains("Settings > Network proxy"), "{:?}", tenant.fix);

    // With the user name and password saved, the same running client goes through the tunnel.
    let saved = proxy::change(&core.connections, change(PROXY_USER, Some(PROXY_PASSWORD))).await.unwrap();
    identity.http.use_proxy(saved).unwrap();
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
    let port = sim.base_url.rsplit(':').next().unwrap().to_owned();
    assert!(
        guarded.logged().contains(&format!("127.0.0.1:{port}")),
        "the tunnel went through the proxy: {}",
        guarded.logged()
    );
    assert_eq!(
        proxy::settings(&core.connections).await.unwrap(),
        ProxySettings { url: Some(guarded.url()), username: Some(PROXY_USER.into()), has_password: true }
    );
    let key = SecretKey::ProxyPassword { folder: core.connections.certificates().folder().to_owned() };
    assert_eq!(core.vault.get(&key).unwrap().as_deref().map(Vec::as_slice), Some(PROXY_PASSWORD.as_bytes()));
    let database = std::fs::read(core.dir.path().join("mailferry.db")).unwrap();
    assert!(
        !database.windows(PROXY_PASSWORD.len()).any(|w| w == PROXY_PASSWORD.as_bytes()),
        "the password is not in SQLite"
    );

    // A proxy that refuses to open a tunnel to the host (only port 443 allowed).
    let strict = Tinyproxy::start(core.dir.path(), "ConnectPort 443");
    let saved = proxy::change(
        &core.connections,
        ProxyChange { url: strict.url(), username: String::new(), password: Some(String::new()) },
    )
    .await
    .unwrap();
    identity.http.use_proxy(saved).unwrap();
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    // The tenant is known from the first check (no request); the token request is the first sent.
    let failed = run.report.results.iter().find(|r| r.status == CheckStatus::Fail).expect("a failed check");
    assert_eq!(failed.id, CheckId::Token, "{:#?}", run.report.results);
    assert!(failed.summary.contains("The proxy refused to open a connection to 127.0.0.1"), "{}", failed.summary);
    assert_eq!(core.vault.get(&key).unwrap(), None, "an empty password removed the one kept");

    // Cleared: no proxy, no credentials, and the direct route works again.
    let saved =
        proxy::change(&core.connections, ProxyChange { url: " ".into(), username: String::new(), password: None })
            .await
            .unwrap();
    assert!(saved.is_none());
    identity.http.use_proxy(saved).unwrap();
    assert_eq!(proxy::settings(&core.connections).await.unwrap(), ProxySettings::default());
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
}

#[tokio::test]
async fn a_refused_proxy_url_saves_nothing() {
    let core = Core::new().await;
    let refused = proxy::change(
        &core.connections,
        ProxyChange {
            url: "http://someone:secret@proxy.contoso.com:8080".into(),
            username: String::new(),
            password: Some("kept-nowhere".into()),
        },
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("in their own fields"), "{refused}");
    assert_eq!(proxy::settings(&core.connections).await.unwrap(), ProxySettings::default());
    let key = SecretKey::ProxyPassword { folder: core.connections.certificates().folder().to_owned() };
    assert_eq!(core.vault.get(&key).unwrap(), None);
}
