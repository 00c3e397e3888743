//! A client secret replaced with the administrator's sign-in, against entra-sim's demo tenant
//! (its hand-registered application signs in with a published secret): addPassword within the
//! tenant's policy, the new secret proven through replication, the connection switched, the
//! old secret removed; a policy that blocks secrets stops it before anything is added.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use entra_sim::demo::CONTOSO;
use mailferry_core::checks::CheckService;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::CheckOutcome;
use mailferry_core::renewal::Renewer;
use mailferry_core::secrets::{SecretKey, SecretStore};
use mailferry_testsupport::recorder;
use mailferry_testsupport::register::admin_token;
use mailferry_testsupport::sim_core::SimCore;
use serde_json::{json, Value};

const TENANT: &str = "contoso.onmicrosoft.com";

/// The application's secrets as entra-sim holds them: (keyId, first three characters).
async fn secrets_on_app(core: &SimCore) -> Vec<String> {
    let secrets =
        reqwest::get(format!("{}/_sim/secrets", core.sim.base_url)).await.unwrap().json::<Value>().await.unwrap();
    secrets
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["appId"] == CONTOSO.client_id)
        .map(|s| s["hint"].as_str().unwrap().to_owned())
        .collect()
}

async fn token_status(core: &SimCore, secret: &str) -> u16 {
    let url = format!("{}/{}/oauth2/v2.0/token", core.sim.base_url, CONTOSO.tenant_id);
    let form = [
        ("client_id", CONTOSO.client_id),
        ("client_secret", secret),
        ("grant_type", "client_credentials"),
        ("scope", &format!("{}/.default", core.sim.base_url)),
    ];
    reqwest::Client::new().post(url).form(&form).send().await.unwrap().status().as_u16()
}

fn renewer(core: &SimCore) -> Renewer<'_> {
    Renewer::new(&core.identity, &core.connections, core.config.clone())
}

#[tokio::test]
async fn a_secret_is_replaced_through_replication_and_the_old_one_removed() {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    core.sim_api(reqwest::Method::PUT, "faults", json!({"rules": [], "consistency": {"credentialSecs": 2}})).await;
    let admin = admin_token(&core.identity, &core.cloud()).await;
    let (progress, on_progress) = recorder::<String>();

    let done =
        renewer(&core).replace_secret(&admin, connection.id, None, &on_progress, &CancellationToken::new()).await;
    let done = done.unwrap();

    assert_eq!(done.warning, None, "the old secret was removed");
    assert!((179..=180).contains(&(done.expires_at - chrono::Utc::now()).num_days()), "{}", done.expires_at);
    let lines = progress.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l.starts_with("Waiting for the new secret: Microsoft is still replicating")),
        "the new secret was waited for: {lines:?}"
    );
    let after = core.connections.get(connection.id).await.unwrap();
    // Kept to the millisecond, as every moment in the store.
    assert_eq!((after.credential.expires_at().unwrap() - done.expires_at).num_milliseconds(), 0);
    let kept = core.vault.get(&SecretKey::client_secret(connection.id)).unwrap().unwrap();
    let new_secret = String::from_utf8(kept.to_vec()).unwrap();
    assert_ne!(new_secret, CONTOSO.client_secret);
    assert_eq!(secrets_on_app(&core).await, vec![new_secret[..3].to_owned()], "only the new secret is on the app");
    assert_eq!(token_status(&core, CONTOSO.client_secret).await, 401, "the old secret no longer signs in");
    let checks = CheckService::new(
        IdentityClient::new(mailferry_testsupport::fast_http(std::time::Duration::from_millis(800))).unwrap(),
    );
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
}

#[tokio::test]
async fn a_readable_policy_caps_the_new_secret_and_one_blocking_secrets_stops_before_anything_is_added() {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    core.sim_api(reqwest::Method::PATCH, &format!("tenants/{TENANT}"), json!({"consentedScopes": ["Policy.Read.All"]}))
        .await;
    let capped = json!({"default": {"isEnabled": true, "applicationRestrictions": {"passwordCredentials": [
        {"restrictionType": "passwordLifetime", "maxLifetime": "P90D", "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"}
    ]}}});
    core.sim_api(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), capped).await;
    let admin = admin_token(&core.identity, &core.cloud()).await;

    let done = renewer(&core)
        .replace_secret(&admin, connection.id, Some(365), &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!((89..=90).contains(&(done.expires_at - chrono::Utc::now()).num_days()), "{}", done.expires_at);
    assert_eq!(done.policy_note.as_deref(), Some("the tenant's app management policy caps client secrets at 90 days"));
    assert!(!core.connections.get(connection.id).await.unwrap().secrets_blocked);

    let blocked = json!({"default": {"isEnabled": true, "applicationRestrictions": {"passwordCredentials": [
        {"restrictionType": "passwordAddition", "maxLifetime": null, "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"}
    ]}}});
    core.sim_api(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), blocked).await;
    let before = secrets_on_app(&core).await;
    let error = renewer(&core)
        .replace_secret(&admin, connection.id, None, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("blocks new client secrets (passwordAddition)"), "{error}");
    assert!(error.hint().unwrap_or_default().contains("Switch the connection to a certificate"), "{:?}", error.hint());
    assert_eq!(secrets_on_app(&core).await, before, "nothing was added");
    // Remembered for the card (which then offers Switch to a certificate instead), by the
    // tenant's GUID as well as the domain this connection names it by.
    assert!(core.connections.get(connection.id).await.unwrap().secrets_blocked);
    let mut by_guid = mailferry_testsupport::connection(mailferry_core::model::Role::Target, "Same tenant by GUID");
    by_guid.tenant_id = CONTOSO.tenant_id.to_uppercase();
    core.connections
        .save(vec![mailferry_core::connections::Upsert { connection: by_guid.clone(), secret: None }], &[])
        .await
        .unwrap();
    assert!(core.connections.get(by_guid.id).await.unwrap().secrets_blocked);

    // Allowed again: the next read says so.
    let allowed = json!({"default": {"isEnabled": false, "applicationRestrictions": {}}});
    core.sim_api(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), allowed).await;
    renewer(&core).replace_secret(&admin, connection.id, None, &|_| {}, &CancellationToken::new()).await.unwrap();
    assert!(!core.connections.get(connection.id).await.unwrap().secrets_blocked);
}

/// Microsoft: a policy assigned to an application replaces the tenant default for it. The
/// admin's token reads only the default, so a default that blocks secrets is not the last word:
/// Graph decides, and a secret the application's own policy allows is added.
#[tokio::test]
async fn a_policy_assigned_to_the_application_that_allows_secrets_wins_over_a_blocking_default() {
    let core = SimCore::start(entra_sim::demo::seed()).await;
    let connection = core.contoso_secret_connection().await;
    core.sim_api(reqwest::Method::PATCH, &format!("tenants/{TENANT}"), json!({"consentedScopes": ["Policy.Read.All"]}))
        .await;
    let policies = json!({
        "default": {"isEnabled": true, "applicationRestrictions": {"passwordCredentials": [
            {"restrictionType": "passwordAddition", "maxLifetime": null, "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"}
        ]}},
        "assigned": [{"displayName": "Migration tools may use secrets", "isEnabled": true, "restrictions": {"passwordCredentials": []}, "appliesTo": [CONTOSO.client_id]}]
    });
    core.sim_api(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), policies).await;
    let admin = admin_token(&core.identity, &core.cloud()).await;
    let (progress, on_progress) = recorder::<String>();

    let done =
        renewer(&core).replace_secret(&admin, connection.id, None, &on_progress, &CancellationToken::new()).await;

    assert_eq!(done.unwrap().warning, None);
    let lines = progress.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l.contains("asking Microsoft whether a policy assigned to this application")),
        "{lines:?}"
    );
    assert!(!core.connections.get(connection.id).await.unwrap().secrets_blocked);
}
