//! The tenant's app management policy against entra-sim: a certificate lifetime cap read
//! before registering (when the admin's token may read it) or learnt from Graph's refusal
//! (when it may not), in registration and in renewal; and the refusal explained when nothing
//! Mailferry can make fits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::{Arc, Mutex};

use entra_sim::Seed;
use mailferry_core::http::CancellationToken;
use mailferry_core::model::registration::{RegistrationEvent, RegistrationStep, StepState};
use mailferry_core::model::Connection;
use mailferry_core::renewal::{RenewalEvent, RenewalStatus, RenewalStep, Renewer};
use mailferry_testsupport::register::register_source;
use mailferry_testsupport::sim_core::SimCore;
use serde_json::{json, Value};

const TENANT: &str = "contoso.onmicrosoft.com";
const SINCE: &str = "2019-01-01T00:00:00Z";

struct Fixture(SimCore);

impl std::ops::Deref for Fixture {
    type Target = SimCore;
    fn deref(&self) -> &SimCore {
        &self.0
    }
}

async fn fixture() -> Fixture {
    Fixture(SimCore::start(Seed::demo()).await)
}

impl Fixture {
    async fn sim(&self, method: reqwest::Method, path: &str, body: Value) {
        let url = format!("{}/_sim/{path}", self.sim.base_url);
        let response = reqwest::Client::new().request(method, url).json(&body).send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
    }

    /// The tenant's default policy caps certificates at `max_lifetime`.
    async fn cap_certificates(&self, max_lifetime: &str) {
        let restriction = json!({"restrictionType": "asymmetricKeyLifetime", "maxLifetime": max_lifetime, "restrictForAppsCreatedAfterDateTime": SINCE});
        let policy =
            json!({"default": {"isEnabled": true, "applicationRestrictions": {"keyCredentials": [restriction]}}});
        self.sim(reqwest::Method::PUT, &format!("tenants/{TENANT}/app-management-policies"), policy).await;
    }

    /// The administrator consented Policy.Read.All to the sign-in client earlier (Graph
    /// PowerShell users often have): the token may read the policy.
    async fn policy_readable(&self) {
        self.sim(reqwest::Method::PATCH, &format!("tenants/{TENANT}"), json!({"consentedScopes": ["Policy.Read.All"]}))
            .await;
    }

    async fn register(&self) -> (mailferry_core::Result<Connection>, Vec<RegistrationEvent>) {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let on_event = move |e: RegistrationEvent| sink.lock().unwrap().push(e);
        let cloud = self.cloud();
        let result = register_source(&self.identity, &self.connections, self.config.clone(), &cloud, &on_event).await;
        let events = events.lock().unwrap().clone();
        (result, events)
    }

    async fn renew(&self, connection: &Connection) -> (mailferry_core::renewal::Renewal, Vec<RenewalEvent>) {
        let renewer = Renewer::new(&self.identity, &self.connections, self.config.clone());
        let renewal = renewer.begin(connection.id, None).await.unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let on_event = move |e: RenewalEvent| sink.lock().unwrap().push(e);
        let done = renewer.run(renewal.id, &on_event, &CancellationToken::new()).await.unwrap();
        let events = events.lock().unwrap().clone();
        (done, events)
    }

    async fn requests_to(&self, method: &str, path: &str) -> usize {
        let log: Value =
            reqwest::get(format!("{}/_sim/requests", self.sim.base_url)).await.unwrap().json().await.unwrap();
        log.as_array().unwrap().iter().filter(|r| r["method"] == method && r["path"] == path).count()
    }
}

/// Days the connection's certificate has left.
fn days_left(connection: &Connection) -> i64 {
    (connection.credential.expires_at().unwrap() - chrono::Utc::now()).num_days()
}

#[tokio::test]
async fn a_policy_capping_certificates_at_one_year_read_before_registering_gives_a_one_year_certificate() {
    let f = fixture().await;
    f.policy_readable().await;
    f.cap_certificates("P1Y").await;

    let (connection, events) = f.register().await;
    let connection = connection.unwrap();
    assert!((363..=365).contains(&days_left(&connection)), "about a year: {}", days_left(&connection));
    let certificate = events
        .iter()
        .find(|e| e.step == RegistrationStep::Certificate && e.state == StepState::Done)
        .map(|e| e.detail.clone())
        .unwrap_or_default();
    assert!(certificate.contains("the tenant's app management policy caps certificates at 1 year"), "{certificate}");
    assert_eq!(f.requests_to("POST", "/v1.0/applications").await, 1, "the certificate fitted at once: one POST");
    assert_eq!(f.requests_to("GET", "/v1.0/policies/defaultAppManagementPolicy").await, 1);

    // Renewing under the same cap: the app's own token may not read the policy, so the 5-year
    // certificate is refused and one as long as the current one is tried, and accepted.
    let (renewal, events) = f.renew(&connection).await;
    assert_eq!(renewal.status, RenewalStatus::Completed);
    let told = events
        .iter()
        .find(|e| e.step == RenewalStep::AddKey && e.state == StepState::Waiting)
        .map(|e| e.detail.clone())
        .unwrap_or_default();
    assert!(told.contains("the tenant's app management policy refused a certificate valid 18"), "{told}");
    let renewed = f.connections.get(connection.id).await.unwrap();
    assert!((362..=365).contains(&days_left(&renewed)), "within the cap: {}", days_left(&renewed));
    assert_eq!(
        f.connections.certificates().list().await.unwrap().len(),
        1,
        "the refused certificate left the keychain"
    );
}

#[tokio::test]
async fn a_cap_the_admins_token_may_not_read_is_learnt_from_graphs_refusal_and_said() {
    let f = fixture().await;
    f.cap_certificates("P200D").await;

    let (connection, events) = f.register().await;
    let connection = connection.unwrap();
    let waits: Vec<String> = events
        .iter()
        .filter(|e| e.step == RegistrationStep::Application && e.state == StepState::Waiting)
        .map(|e| e.detail.clone())
        .collect();
    assert_eq!(waits.len(), 3, "730, 365 then 180 days: {waits:?}");
    assert!(waits[0].contains("refused a certificate valid 18") && waits[0].ends_with("trying one valid 730 days"));
    assert!(waits[2].ends_with("trying one valid 180 days"), "{waits:?}");
    assert!((178..=180).contains(&days_left(&connection)), "{}", days_left(&connection));
    assert_eq!(f.connections.certificates().list().await.unwrap().len(), 1, "refused certificates left the keychain");
    assert_eq!(
        f.requests_to("POST", "/v1.0/applications").await,
        4,
        "each refused POST created nothing; the fourth did"
    );
    assert_eq!(
        f.requests_to("GET", "/v1.0/policies/defaultAppManagementPolicy").await,
        0,
        "a token without Policy.Read.All is not sent for a sure refusal"
    );
}

#[tokio::test]
async fn a_cap_nothing_fits_is_explained_with_the_policy_and_what_to_change() {
    let f = fixture().await;
    f.cap_certificates("P7D").await;

    let (result, _) = f.register().await;
    let error = result.unwrap_err();
    let (message, hint) = (error.to_string(), error.hint().unwrap_or_default());
    assert!(message.contains("The tenant's app management policy refused the credential"), "{message}");
    assert!(message.contains("asymmetricKeyLifetime"), "{message}");
    assert!(hint.contains("/policies/defaultAppManagementPolicy") && hint.contains("30 days"), "{hint}");
    let apps: Value =
        reqwest::get(format!("{}/_sim/applications", f.sim.base_url)).await.unwrap().json().await.unwrap();
    let ours = apps.as_array().unwrap().iter().filter(|a| a["displayName"] == "Mailferry Migration Source").count();
    assert_eq!(ours, 0, "nothing was created in the tenant");
}

#[tokio::test]
async fn a_readable_cap_too_short_for_a_migration_stops_before_anything_is_created() {
    let f = fixture().await;
    f.policy_readable().await;
    f.cap_certificates("PT12H").await;
    let (result, _) = f.register().await;
    let message = result.unwrap_err().to_string();
    assert!(message.contains("allows certificates of at most 12 hours (asymmetricKeyLifetime)"), "{message}");
    assert_eq!(f.requests_to("POST", "/v1.0/applications").await, 0);
}
