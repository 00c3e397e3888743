//! Corporate networks: requests go through the proxy the environment names (HTTP_PROXY,
//! HTTPS_PROXY), for real, through a tinyproxy started here; a proxy that asks for credentials
//! is explained. Its own test binary, because proxy variables are the process's.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use entra_sim::seed::ApplicationSeed;
use entra_sim::{Seed, SimHandle};
use mailferry_core::checks::{CheckId, CheckService, CheckStatus};
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Role};
use mailferry_core::permissions::{permission_set, PermissionProfile};
use mailferry_testsupport::tinyproxy::Tinyproxy;
use mailferry_testsupport::{fields_in, Core};

const APP: &str = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
const SECRET: &str = "Px8Q~proxy.SecretValue_0123456789abcdefXYZ";

fn use_proxy(url: &str) {
    // SAFETY of the environment: this test binary runs this one test, before any client exists.
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"] {
        std::env::set_var(name, url);
    }
    for name in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::remove_var(name);
    }
}

#[tokio::test]
async fn a_check_goes_through_the_environments_proxy_and_a_proxy_asking_for_credentials_is_explained() {
    let mut seed = Seed::demo();
    // The source permission set, as Mailferry defines it, granted.
    let roles: Vec<String> =
        permission_set(Role::Source, PermissionProfile::ItemLevel).into_iter().map(|p| p.name).collect();
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    seed.tenants[0].applications = vec![ApplicationSeed::with_secret(APP, SECRET, &roles)];
    let sim = SimHandle::start(seed, 0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = Core::new().await;
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let fields = fields_in(cloud, "Contoso", "contoso.onmicrosoft.com", APP, "admin@contoso.onmicrosoft.com");
    let connection = core.add(Role::Source, fields, Some(SECRET)).await;

    let open = Tinyproxy::start(dir.path(), "");
    use_proxy(&open.url());
    let checks = CheckService::new(IdentityClient::new(HttpConfig::default()).unwrap());
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_ne!(run.report.outcome, CheckOutcome::Failed, "{:#?}", run.report.results);
    let logged = open.logged();
    assert!(logged.contains("oauth2/v2.0/token"), "the token request went through the proxy: {logged}");
    assert!(logged.contains("/v1.0/$batch"), "and the Graph batch: {logged}");

    // A proxy that wants a user name and password.
    let guarded = Tinyproxy::start(dir.path(), "BasicAuth someone secret-of-the-proxy");
    use_proxy(&guarded.url());
    let checks = CheckService::new(IdentityClient::new(HttpConfig::default()).unwrap());
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    let first = run.report.result(CheckId::Tenant).unwrap();
    assert_eq!(first.status, CheckStatus::Fail, "{:#?}", run.report.results);
    assert!(first.summary.contains("proxy") && first.summary.contains("407"), "{}", first.summary);
    assert!(first.fix.as_deref().unwrap_or_default().contains("HTTPS_PROXY"), "{:?}", first.fix);

    // The demo's client (a cloud on this computer) goes there directly, whatever the proxy.
    let before = guarded.logged();
    let direct = CheckService::new(IdentityClient::new(HttpConfig { direct: true, ..HttpConfig::default() }).unwrap());
    let run = direct.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_ne!(run.report.outcome, CheckOutcome::Failed, "{:#?}", run.report.results);
    assert_eq!(guarded.logged(), before, "nothing went through the proxy");
}
