//! A client secret connection switched to a certificate with the administrator's sign-in,
//! against entra-sim's demo tenant (its hand-registered application signs in with a published
//! secret): the certificate added next to the application's current ones by a PATCH that keeps
//! them, proven through replication, the connection switched, the secret removed; a policy
//! capping certificates respected; an interrupted switch resumed with the same certificate; and
//! the switched connection renewed afterwards with no administrator.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;
use std::time::Duration;

use entra_sim::demo::CONTOSO;
use mailferry_core::checks::CheckService;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Credential};
use mailferry_core::renewal::Renewer;
use mailferry_core::secrets::{SecretKey, SecretStore};
use mailferry_testsupport::recorder;
use mailferry_testsupport::register::admin_token;
use mailferry_testsupport::sim_core::SimCore;
use serde_json::{json, Value};

const TENANT: &str = "contoso.onmicrosoft.com";

/// The demo application as entra-sim holds it.
async fn application(core: &SimCore) -> Value {
    let apps = reqwest::get(format!("{}/_sim/applications", core.sim.base_url)).await.unwrap().json::<Value>();
    let apps = apps.await.unwrap();
    apps.as_array().unwrap().iter().find(|a| a["appId"] == CONTOSO.client_id).unwrap().clone()
}

async fn secrets_on_app(core: &SimCore) -> usize {
    let secrets =
        reqwest::get(format!("{}/_sim/secrets", core.sim.base_url)).await.unwrap().json::<Value>().await.unwrap();
    secrets.as_array().unwrap().iter().filter(|s| s["appId"] == CONTOSO.client_id).count()
}

fn certificates_on(app: &Value) -> usize {
    app["keyCredentials"].as_array().map_or(0, Vec::len)
}

fn renewer(core: &SimCore) -> Renewer<'_> {
    Renewer::new(&core.identity, &core.connections, core.config.clone())
}

async fn assert_it_passes_its_checks(core: &SimCore, id: uuid::Uuid) {
    let checks =
        CheckService::new(IdentityClient::new(mailferry_testsupport::fast_http(Duration::from_millis(800))).unwrap());
    let run = checks.check(&core.connections, CheckTarget::Saved(id), &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
}

#[tokio::test]
async fn a_secret_connection_switches_to_a_five_year_certificate_and_later_renews_with_no_administrator() {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    let before = application(&core).await;
    core.sim_api(reqwest::Method::PUT, "faults", json!({"rules": [], "consistency": {"credentialSecs": 2}})).await;
    let admin = admin_token(&core.identity, &core.cloud()).await;
    let (lines, on_progress) = recorder();

    let done = renewer(&core)
        .switch_to_certificate(&admin, connection.id, false, &on_progress, &CancellationToken::new())
        .await
        .unwrap();

    assert!(done.secret_removed, "{:?}", done.warning);
    assert_eq!(done.policy_note, None);
    assert!((1820..=1827).contains(&(done.expires_at - chrono::Utc::now()).num_days()), "{}", done.expires_at);
    let lines = lines.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l.starts_with("Waiting for the new certificate")),
        "replication waited for: {lines:?}"
    );
    let after = core.connections.get(connection.id).await.unwrap();
    assert!(
        matches!(&after.credential, Credential::Certificate { sha1_thumbprint, .. } if *sha1_thumbprint == done.sha1_thumbprint),
        "{:?}",
        after.credential
    );
    assert_eq!(core.vault.get(&SecretKey::client_secret(connection.id)).unwrap(), None, "the secret left the keychain");
    let app = application(&core).await;
    assert_eq!(certificates_on(&app), certificates_on(&before) + 1, "the current certificates were kept");
    assert_eq!(secrets_on_app(&core).await, 0, "the secret left the application");
    assert_it_passes_its_checks(&core, connection.id).await;

    // From now on the application renews its own certificate, and removes the old one by the
    // keyId recorded at the switch (its own token may not read the application).
    core.sim_api(reqwest::Method::PUT, "faults", json!({"rules": []})).await;
    let renewed =
        mailferry_core::renewal::renew(&core.identity, &core.connections, connection.id, None, &|_| {}).await.unwrap();
    assert_eq!(renewed.warning, None);
    assert!(renewed.old_removed);
    let app = application(&core).await;
    assert_eq!(certificates_on(&app), certificates_on(&before) + 1, "the switched certificate was replaced");
    assert_it_passes_its_checks(&core, connection.id).await;
}

#[tokio::test]
async fn kept_on_request_the_secret_stays_on_the_application_and_still_signs_in() {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    let admin = admin_token(&core.identity, &core.cloud()).await;
    let done = renewer(&core)
        .switch_to_certificate(&admin, connection.id, true, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(!done.secret_removed);
    assert_eq!(done.warning, None);
    assert_eq!(secrets_on_app(&core).await, 1);
}

/// A tenant whose default policy caps certificates at `max_lifetime`, readable by the admin's
/// token or not; the switch's outcome and what it said on the way.
async fn switch_under_a_cap(
    max_lifetime: &str,
    readable: bool,
) -> (mailferry_core::renewal::CertificateSwitch, Vec<String>) {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    if readable {
        let scopes = json!({"consentedScopes": ["Policy.Read.All"]});
        core.sim_api(reqwest::Method::PATCH, &format!("tenants/{TENANT}"), scopes).await;
    }
    let capped = json!({"default": {"isEnabled": true, "applicationRestrictions": {"keyCredentials": [
        {"restrictionType": "asymmetricKeyLifetime", "maxLifetime": max_lifetime, "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"}
    ]}}});
    core.sim_api(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), capped).await;
    let admin = admin_token(&core.identity, &core.cloud()).await;
    let (lines, on_progress) = recorder();
    let done = renewer(&core)
        .switch_to_certificate(&admin, connection.id, false, &on_progress, &CancellationToken::new())
        .await
        .unwrap();
    assert_it_passes_its_checks(&core, connection.id).await;
    let lines = lines.lock().unwrap().clone();
    (done, lines)
}

#[tokio::test]
async fn a_certificate_cap_the_admin_cannot_read_is_stepped_down_to_on_graphs_refusals() {
    let (done, lines) = switch_under_a_cap("P180D", false).await;
    assert!((178..=180).contains(&(done.expires_at - chrono::Utc::now()).num_days()), "{}", done.expires_at);
    assert!(
        lines.iter().any(|l| l.contains("refused a certificate valid 365 days; trying one valid 180 days")),
        "{lines:?}"
    );
    assert!(done.policy_note.unwrap_or_default().contains("180 days"));
}

#[tokio::test]
async fn a_readable_certificate_cap_is_kept_to_from_the_first_certificate_and_said() {
    let (done, lines) = switch_under_a_cap("P1Y", true).await;
    assert!((364..=366).contains(&(done.expires_at - chrono::Utc::now()).num_days()), "{}", done.expires_at);
    assert_eq!(done.policy_note.as_deref(), Some("the tenant's app management policy caps certificates at 1 year"));
    assert!(!lines.iter().any(|l| l.contains("refused")), "no refusal was needed: {lines:?}");
}

/// The process dies while the new certificate is being proven; the connection still signs in
/// with its secret, and the next attempt goes on with the certificate already on the
/// application instead of adding a second one.
#[tokio::test]
async fn a_switch_killed_while_proving_resumes_with_the_certificate_it_added() {
    let core = Arc::new(SimCore::start(entra_sim::demo::seed()).await);
    let connection = core.contoso_secret_connection().await;
    let before = application(&core).await;
    let admin = Arc::new(admin_token(&core.identity, &core.cloud()).await);
    let rule = json!({"rules": [{"route": "/oauth2/v2.0/token", "latencyMs": 1500}]});
    core.sim_api(reqwest::Method::PUT, "faults", rule).await;
    let (lines, on_progress) = recorder();
    let run = {
        let (core, admin) = (core.clone(), admin.clone());
        tokio::spawn(async move {
            renewer(&core)
                .switch_to_certificate(&admin, connection.id, false, &on_progress, &CancellationToken::new())
                .await
        })
    };
    while !lines.lock().unwrap().iter().any(|l| l.contains("added to the application")) {
        assert!(!run.is_finished(), "the switch ended early: {:?}", lines.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    run.abort();
    let _ = run.await;
    core.sim_api(reqwest::Method::PUT, "faults", json!({"rules": []})).await;

    assert!(matches!(core.connections.get(connection.id).await.unwrap().credential, Credential::Secret { .. }));
    assert_it_passes_its_checks(&core, connection.id).await;

    let (lines, on_progress) = recorder();
    let done = renewer(&core)
        .switch_to_certificate(&admin, connection.id, false, &on_progress, &CancellationToken::new())
        .await
        .unwrap();
    let lines = lines.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l.starts_with("The certificate an earlier attempt added")), "{lines:?}");
    assert_eq!(certificates_on(&application(&core).await), certificates_on(&before) + 1, "one certificate added");
    assert!(done.secret_removed);
    assert_it_passes_its_checks(&core, connection.id).await;
}
