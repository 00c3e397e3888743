//! Automatic registration against entra-sim: the admin signs in through the real sign-in form
//! (driven over HTTP by a stand-in for the browser), Mailferry registers the application,
//! grants the permissions, waits out replication, and saves a working connection. Failures at
//! every step resume without duplicates or orphans.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entra_sim::request_log::sequential_round_trips;
use entra_sim::{Seed, SimHandle};
use mailferry_core::certs::CertificateStore;
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::{CancellationToken, HttpConfig};
use mailferry_core::identity::signin::{
    registration_scopes, sign_in, AdminToken, Browser, SignIn, DEFAULT_SIGN_IN_CLIENT_ID,
};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Connection, Credential, RegistrationMode, Role};
use mailferry_core::registration::{
    Registrar, RegistrationConfig, RegistrationRequest, RegistrationStatus, RegistrationStep, StepState,
};
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;
use mailferry_testsupport::browser::FormBrowser;
use mailferry_testsupport::recorder;
use serde_json::{json, Value};

const TENANT: &str = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
const DOMAIN: &str = "contoso.onmicrosoft.com";
const PASSWORD: &str = "Passw0rd!";

/// Stands in for the system browser: loads the sign-in page, fills in the form as a person
/// would (user name, password, Accept or Cancel) and follows the redirect to Mailferry.
/// The admin sign-in to the fixture's tenant with the default sign-in client.
fn sign_in_to(cloud: &Cloud, timeout: Duration) -> SignIn<'_> {
    SignIn { cloud, tenant: DOMAIN, client_id: DEFAULT_SIGN_IN_CLIENT_ID, scopes: registration_scopes(cloud), timeout }
}

struct Fixture {
    _dir: tempfile::TempDir,
    sim: SimHandle,
    identity: IdentityClient,
    connections: ConnectionService,
    config: RegistrationConfig,
}

fn fast_http(request_timeout: Duration) -> HttpConfig {
    mailferry_testsupport::fast_http(request_timeout)
}

async fn fixture_with(request_timeout: Duration) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemorySecretStore::new());
    let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
    let certificates = CertificateStore::new(dir.path(), vault.clone());
    Fixture {
        sim: SimHandle::start(Seed::demo(), 0).await.unwrap(),
        identity: IdentityClient::new(fast_http(request_timeout)).unwrap(),
        connections: ConnectionService::new(store, vault, certificates),
        config: RegistrationConfig { poll_interval: Duration::from_millis(200), poll_timeout: Duration::from_secs(30) },
        _dir: dir,
    }
}

async fn fixture() -> Fixture {
    fixture_with(Duration::from_secs(5)).await
}

impl Fixture {
    fn cloud(&self) -> Cloud {
        Cloud::Custom { login_url: self.sim.base_url.clone(), graph_url: self.sim.base_url.clone() }
    }

    fn registrar(&self) -> Registrar<'_> {
        Registrar::new(&self.identity, &self.connections, self.config.clone())
    }

    async fn sign_in_as(&self, user: &str, accept: bool) -> mailferry_core::Result<AdminToken> {
        let cloud = self.cloud();
        let request = sign_in_to(&cloud, Duration::from_secs(20));
        let browser = FormBrowser { user: user.into(), password: PASSWORD.into(), accept };
        sign_in(&self.identity.http, &request, &browser, &CancellationToken::new()).await
    }

    async fn admin(&self) -> AdminToken {
        self.sign_in_as("admin@contoso.onmicrosoft.com", true).await.unwrap()
    }

    fn request(&self) -> RegistrationRequest {
        RegistrationRequest {
            role: Role::Source,
            cloud: self.cloud(),
            permission_profile: None,
            scope_group: None,
            connection_name: Some("Contoso".into()),
            application_mailbox: Some("migration@contoso.onmicrosoft.com".into()),
            reuse_app_id: None,
            trusted_key_ids: Vec::new(),
        }
    }

    async fn sim(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.sim.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap_or(Value::Null)
    }

    /// Graph as the signed-in admin: the status and the body (null when there is none).
    async fn graph(
        &self,
        method: reqwest::Method,
        path: &str,
        admin: &AdminToken,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}/v1.0{path}", self.sim.base_url))
            .bearer_auth(admin.bearer());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap_or(Value::Null))
    }

    /// Registers again, reusing the application `app_id`; the request log holds only this run.
    async fn reuse(&self, admin: &AdminToken, app_id: &str, connection_name: &str) -> Connection {
        self.reuse_trusting(admin, app_id, connection_name, Vec::new()).await.unwrap()
    }

    /// The same, keeping the credentials Mailferry did not create whose keyIds are `trusted`.
    async fn reuse_trusting(
        &self,
        admin: &AdminToken,
        app_id: &str,
        connection_name: &str,
        trusted: Vec<String>,
    ) -> mailferry_core::Result<Connection> {
        let mut request = self.request();
        request.reuse_app_id = Some(app_id.to_owned());
        request.trusted_key_ids = trusted;
        request.connection_name = Some(connection_name.into());
        let registrar = self.registrar();
        let registration = registrar.begin(admin, request).await.unwrap();
        self.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
        registrar.run(registration.id, admin, &|_| {}, &CancellationToken::new()).await
    }

    /// Every request entra-sim saw, as method and path.
    async fn calls(&self) -> Vec<String> {
        let log = self.sim(reqwest::Method::GET, "/_sim/requests", None).await;
        log.as_array().unwrap().iter().map(|r| format!("{} {}", r["method"], r["path"]).replace('"', "")).collect()
    }

    async fn set_faults(&self, faults: Value) {
        self.sim(reqwest::Method::PUT, "/_sim/faults", Some(faults)).await;
    }

    async fn applications(&self) -> Vec<Value> {
        self.sim(reqwest::Method::GET, "/_sim/applications", None).await.as_array().cloned().unwrap_or_default()
    }

    /// Each connection passes every configuration check: it really works.
    async fn assert_every_check_passes(&self, connections: impl IntoIterator<Item = Connection>) {
        let checks = CheckService::new(IdentityClient::new(fast_http(Duration::from_secs(5))).unwrap());
        for connection in connections {
            let run = checks
                .check(&self.connections, mailferry_core::connections::CheckTarget::Saved(connection.id), &|_| {})
                .await
                .unwrap();
            assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
        }
    }

    /// The Microsoft Graph roles granted to the application `app_id`.
    async fn granted(&self, app_id: &str) -> Vec<String> {
        let grants = self.sim(reqwest::Method::GET, "/_sim/grants", None).await;
        let mut values: Vec<String> = grants
            .as_array()
            .into_iter()
            .flatten()
            .filter(|g| g["principalAppId"] == app_id)
            .filter_map(|g| g["value"].as_str().map(str::to_owned))
            .collect();
        values.sort();
        values
    }
}

fn source_set() -> Vec<String> {
    let mut set: Vec<String> = mailferry_core::permissions::permission_set(
        Role::Source,
        mailferry_core::permissions::PermissionProfile::ItemLevel,
    )
    .into_iter()
    .map(|p| p.name)
    .collect();
    set.sort();
    set
}

#[tokio::test]
async fn an_admin_signs_in_and_mailferry_registers_a_working_application() {
    let f = fixture().await;
    let admin = f.admin().await;
    assert_eq!(admin.claims.tid, TENANT);
    assert_eq!(admin.claims.user(), "admin@contoso.onmicrosoft.com");
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();
    let (events, on_event) = recorder();
    f.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
    // Some latency, so that requests in flight together overlap in the log.
    f.set_faults(json!({"rules": [{"route": "/", "latencyMs": 50}]})).await;

    let connection = registrar.run(registration.id, &admin, &on_event, &CancellationToken::new()).await.unwrap();

    // Create, then service principal with Graph's roles and the tenant's metadata read alongside,
    // one batch of grants, one token: four round trips in a row.
    let log = f.sim(reqwest::Method::GET, "/_sim/requests", None).await;
    let log = log.as_array().unwrap();
    assert!(sequential_round_trips(log) <= 4, "{log:#?}");

    assert_eq!(connection.registration, RegistrationMode::Automatic);
    assert_eq!(connection.tenant_id, TENANT);
    assert!(
        matches!(&connection.credential, Credential::Certificate { subject: Some(s), .. } if s == "CN=Mailferry Migration Source")
    );
    let apps = f.applications().await;
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["displayName"], "Mailferry Migration Source");
    assert_eq!(apps[0]["appId"], connection.client_id.as_str());
    assert!(apps[0]["tags"].as_array().unwrap().iter().any(|t| t == "mailferry"));
    assert_eq!(f.granted(&connection.client_id).await, source_set());
    let done: Vec<RegistrationStep> =
        events.lock().unwrap().iter().filter(|e| e.state == StepState::Done).map(|e| e.step).collect();
    assert_eq!(done, RegistrationStep::ALL);
    assert_eq!(registrar.get(registration.id).await.unwrap().status, RegistrationStatus::Completed);

    // The connection it saved passes every configuration check.
    f.assert_every_check_passes([connection]).await;
}

/// The role ids Mailferry knows are a shortcut, not the truth: if Microsoft Graph's service
/// principal offers a permission under another id, Graph refuses the application (400), the
/// roles are read by value and the application is created with Graph's ids, and works.
#[tokio::test]
async fn a_permission_whose_role_id_changed_at_microsoft_is_found_by_its_value() {
    let f = fixture().await;
    let changed = uuid::Uuid::new_v4().to_string();
    {
        let mut world = f.sim.sim.world();
        let tenant = world.tenant_mut(TENANT).unwrap();
        let graph = tenant
            .service_principals
            .iter_mut()
            .find(|sp| sp.app_id == mailferry_core::permissions::MICROSOFT_GRAPH_APP_ID)
            .unwrap();
        graph.app_roles.iter_mut().find(|role| role.value == "Mail.Read").unwrap().id = changed.clone();
    }
    let admin = f.admin().await;
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();

    let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();

    let apps = f.applications().await;
    let asked: Vec<&str> = apps[0]["requiredResourceAccess"][0]["resourceAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|access| access["id"].as_str().unwrap())
        .collect();
    assert!(asked.contains(&changed.as_str()), "{asked:?}");
    assert!(!asked.contains(&"810c84a8-4a9e-49e6-bf7d-12d183f40d01"), "the old id is not asked for: {asked:?}");
    assert_eq!(f.granted(&connection.client_id).await, source_set());
    f.assert_every_check_passes([connection]).await;
}

#[tokio::test]
async fn replication_delays_are_waited_out_by_polling() {
    let f = fixture().await;
    let admin = f.admin().await;
    // Several seconds on each, as on a real tenant; entra-sim answers in Microsoft's shapes
    // (400 Request_BadRequest with NoBackingApplicationObject in details, 404, AADSTS700016).
    f.set_faults(json!({"rules": [], "consistency": {
        "applicationSecs": 3, "servicePrincipalSecs": 3, "roleAssignmentSecs": 3, "credentialSecs": 3
    }}))
    .await;
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();
    let (events, on_event) = recorder();
    registrar.run(registration.id, &admin, &on_event, &CancellationToken::new()).await.unwrap();

    let events = events.lock().unwrap();
    let waits = |step| events.iter().filter(|e| e.step == step && e.state == StepState::Waiting).count();
    assert!(waits(RegistrationStep::ServicePrincipal) > 0, "the new application was not visible at once");
    assert!(waits(RegistrationStep::Consent) > 0, "nor were its roles in the token");
    assert!(waits(RegistrationStep::Permissions) > 0, "nor the service principal to grants");
    // Polled every 200 ms: a 3 s window costs about fifteen polls, not a fixed long sleep.
    for step in [RegistrationStep::ServicePrincipal, RegistrationStep::Permissions, RegistrationStep::Consent] {
        assert!(waits(step) <= 20, "{step:?} polled {} times", waits(step));
    }
}

/// Microsoft's answer to `POST /servicePrincipals` while a new application replicates, word
/// for word (docs/microsoft-contract.md): the generic code on top, the specific
/// one in `details`. It is waited out, not reported.
#[tokio::test]
async fn microsofts_exact_no_backing_application_answer_is_waited_out() {
    let f = fixture().await;
    let admin = f.admin().await;
    let message = "The appId '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' of the service principal does not reference a valid application object.";
    let microsoft = json!({"error": {
        "code": "Request_BadRequest",
        "message": message,
        "details": [{"code": "NoBackingApplicationObject", "message": message, "target": "appId"}],
        "innerError": {"date": "2026-12-01T10:00:00", "request-id": "6f0c4d36-2f5e-4a3b-9a43-6a1d5c8f2b11",
            "client-request-id": "6f0c4d36-2f5e-4a3b-9a43-6a1d5c8f2b11"}
    }});
    f.set_faults(json!({"rules": [
        {"route": "/v1.0/servicePrincipals", "method": "POST", "status": 400, "body": microsoft, "times": 3}
    ]}))
    .await;
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();
    let (events, on_event) = recorder();

    let connection = registrar.run(registration.id, &admin, &on_event, &CancellationToken::new()).await.unwrap();

    let waits = events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.step == RegistrationStep::ServicePrincipal && e.state == StepState::Waiting)
        .count();
    assert_eq!(waits, 3, "each of Microsoft's three refusals was waited out");
    let sps = f.sim(reqwest::Method::GET, "/_sim/service-principals", None).await;
    let ours = sps.as_array().unwrap().iter().filter(|sp| sp["appId"] == connection.client_id.as_str()).count();
    assert_eq!(ours, 1);
    assert_eq!(f.granted(&connection.client_id).await, source_set());
}

/// Another 400 is not mistaken for replication: it stops the registration with Microsoft's
/// own codes in the details.
#[tokio::test]
async fn another_bad_request_on_the_service_principal_stops_with_microsofts_codes() {
    let f = fixture().await;
    let admin = f.admin().await;
    let refusal = json!({"error": {"code": "Request_BadRequest", "message": "Property appId is invalid.",
        "details": [{"code": "InvalidValue", "message": "Property appId is invalid.", "target": "appId"}]}});
    f.set_faults(json!({"rules": [{"route": "/v1.0/servicePrincipals", "method": "POST", "body": refusal}]})).await;
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();

    let error = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap_err();

    let mailferry_core::Error::Microsoft(failure) = &error else { panic!("{error:?}") };
    assert_eq!(failure.detail.http_status, 400);
    assert_eq!(failure.detail.code, "Request_BadRequest / InvalidValue");
    assert!(failure.message.contains("create the enterprise application"), "{}", failure.message);
}

#[tokio::test]
async fn an_admin_without_the_granting_role_is_told_which_role_and_given_the_consent_link() {
    let f = fixture().await;
    let admin = f.sign_in_as("appadmin@contoso.onmicrosoft.com", true).await.unwrap();
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();
    let error = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap_err();

    assert!(
        error.to_string().contains("needs the Global Administrator or Privileged Role Administrator role"),
        "{error}"
    );
    let hint = error.hint().unwrap();
    assert!(hint.contains("/v2.0/adminconsent?client_id="), "{hint}");
    // The UI gets the link as a field of its own, not to be dug out of the hint.
    let ipc = mailferry_core::IpcError::from(error);
    assert_eq!(ipc.code, mailferry_core::ErrorCode::RoleRequired);
    let app_id = f.applications().await[0]["appId"].as_str().unwrap().to_owned();
    assert_eq!(
        ipc.consent_url.as_deref(),
        Some(mailferry_core::registration::admin_consent_url(&f.cloud(), TENANT, &app_id).as_str())
    );
    let failed = registrar.get(registration.id).await.unwrap();
    assert_eq!(failed.status, RegistrationStatus::Failed);
    assert_eq!(registrar.unfinished().await.unwrap().len(), 1, "offered to resume or clean up");

    // Cleaning up removes the application it had created.
    assert_eq!(f.applications().await.len(), 1);
    let rolled_back = registrar.roll_back(registration.id, &admin, &CancellationToken::new()).await.unwrap();
    assert_eq!(rolled_back.status, RegistrationStatus::RolledBack);
    assert!(f.applications().await.is_empty());
    assert!(f.connections.certificates().list().await.unwrap().is_empty(), "and its certificate");
}

#[tokio::test]
async fn a_sign_in_to_a_custom_cloud_over_plain_http_is_refused_before_any_browser_opens() {
    use mailferry_core::registration::{RegistrationService, RegistrationSignIn};
    struct NoBrowser;
    impl Browser for NoBrowser {
        fn open(&self, url: &str) -> mailferry_core::Result<()> {
            panic!("no browser may open for a refused cloud, yet {url} was opened");
        }
    }
    let f = fixture().await;
    let service = RegistrationService::new(f.identity.clone(), f.config.clone());
    let cloud = Cloud::Custom { login_url: "http://login.contoso.example".into(), graph_url: f.sim.base_url.clone() };
    let sign_in = RegistrationSignIn { role: Role::Source, cloud, tenant: DOMAIN.into(), device_code: false };
    let refused = service.sign_in(&f.connections, sign_in, &NoBrowser, &|_| {}).await.unwrap_err();
    assert_eq!(refused.code(), mailferry_core::ErrorCode::Invalid);
    assert!(refused.to_string().contains("the login URL must start with https://"), "{refused}");
}

/// A browser may resolve `localhost` to [::1]: the sign-in listens there too, on the same port,
/// so the redirect arrives (and no other local program can take it on that address). A
/// connection that sends nothing does not hold up the browser's.
#[tokio::test]
async fn the_sign_in_redirect_arrives_over_ipv6_too_and_a_silent_connection_does_not_hold_it_up() {
    struct SilentThenIpv6(FormBrowser, std::sync::Mutex<Option<std::net::TcpStream>>);
    impl Browser for SilentThenIpv6 {
        fn open(&self, url: &str) -> mailferry_core::Result<()> {
            let port = url.split("localhost%3A").nth(1).and_then(|rest| rest.split('%').next()).unwrap().to_owned();
            // Another local program connects first and says nothing.
            let silent = std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
            *self.1.lock().unwrap() = Some(silent);
            self.0.drive(url, "[::1]")
        }
    }
    let f = fixture().await;
    let browser = SilentThenIpv6(FormBrowser::accepting("admin@contoso.onmicrosoft.com"), Default::default());
    let cloud = f.cloud();
    let request = sign_in_to(&cloud, Duration::from_secs(30));
    let admin = sign_in(&f.identity.http, &request, &browser, &CancellationToken::new()).await.unwrap();
    assert_eq!(admin.claims.tid, TENANT);
    assert!(browser.1.lock().unwrap().is_some(), "the silent connection was still open when the sign-in ended");
}

#[tokio::test]
async fn a_sign_in_cancelled_in_the_browser_says_so() {
    let f = fixture().await;
    let error = f.sign_in_as("admin@contoso.onmicrosoft.com", false).await.unwrap_err();
    assert!(error.to_string().contains("cancelled"), "{error}");
}

/// What the identity platform refuses at sign-in comes back in the redirect's
/// `error_description` (AADSTS code first): each is explained with its fix.
#[tokio::test]
async fn sign_ins_refused_by_tenant_policy_name_the_policy_and_the_fix() {
    let f = fixture().await;
    for (switch, code, words) in [
        ("conditionalAccessBlock", 53003, "Conditional Access"),
        ("mfaRequired", 50076, "multi-factor"),
        ("signInClientDisabled", 7000112, "disabled"),
    ] {
        f.sim(reqwest::Method::PATCH, &format!("/_sim/tenants/{DOMAIN}"), Some(json!({ switch: true }))).await;
        let error = f.sign_in_as("admin@contoso.onmicrosoft.com", true).await.unwrap_err();
        f.sim(reqwest::Method::PATCH, &format!("/_sim/tenants/{DOMAIN}"), Some(json!({ switch: false }))).await;
        let mailferry_core::Error::Microsoft(failure) = &error else { panic!("{switch}: {error:?}") };
        assert_eq!(failure.aadsts, Some(code), "{switch}");
        assert!(failure.message.contains(words), "{switch}: {}", failure.message);
        assert!(!failure.hint.is_empty());
    }
}

#[tokio::test]
async fn a_sign_in_nobody_completes_times_out_and_a_cancel_stops_it() {
    struct Nowhere;
    impl Browser for Nowhere {
        fn open(&self, _url: &str) -> mailferry_core::Result<()> {
            Ok(())
        }
    }
    let f = fixture().await;
    let cloud = f.cloud();
    let request = sign_in_to(&cloud, Duration::from_millis(300));
    let error = sign_in(&f.identity.http, &request, &Nowhere, &CancellationToken::new()).await.unwrap_err();
    assert!(error.to_string().contains("got no answer"), "{error}");
    let cancel = CancellationToken::new();
    cancel.cancel();
    let request = SignIn { timeout: Duration::from_secs(30), ..request };
    let error = sign_in(&f.identity.http, &request, &Nowhere, &cancel).await.unwrap_err();
    assert_eq!(error.code(), mailferry_core::ErrorCode::Cancelled);
}

/// Where each step's call goes, and the step that makes it.
const STEP_ROUTES: [(&str, &str, RegistrationStep); 4] = [
    ("POST", "/v1.0/applications", RegistrationStep::Application),
    ("POST", "/v1.0/servicePrincipals", RegistrationStep::ServicePrincipal),
    ("POST", "/v1.0/$batch", RegistrationStep::Permissions),
    ("POST", "/oauth2/v2.0/token", RegistrationStep::Consent),
];

#[derive(Debug, Clone, Copy)]
enum Fault {
    Throttled,
    Unavailable,
    Timeout,
    /// Microsoft acted, but its answer never arrived.
    AnswerLost,
    Kill,
}

/// At every step: a fault, then a second run that resumes. One application, fully granted,
/// and a connection that works; nothing orphaned.
#[tokio::test]
async fn every_step_survives_throttling_outages_timeouts_and_a_kill_without_duplicates() {
    for (method, route, step) in STEP_ROUTES {
        for fault in [Fault::Throttled, Fault::Unavailable, Fault::Timeout, Fault::AnswerLost, Fault::Kill] {
            let f = fixture_with(Duration::from_millis(800)).await;
            let admin = Arc::new(f.admin().await);
            let f = Arc::new(f);
            let registration = f.registrar().begin(&admin, f.request()).await.unwrap();
            let rule = match fault {
                Fault::Throttled => {
                    json!({"route": route, "method": method, "status": 429, "retryAfter": 1, "times": 2})
                }
                Fault::Unavailable => json!({"route": route, "method": method, "status": 503}),
                Fault::AnswerLost => json!({"route": route, "method": method, "dropAfter": true, "times": 1}),
                Fault::Timeout | Fault::Kill => json!({"route": route, "method": method, "latencyMs": 2000}),
            };
            f.set_faults(json!({"rules": [rule]})).await;

            let first = {
                let (f, admin) = (f.clone(), admin.clone());
                let (events, on_event) = recorder();
                let run = tokio::spawn(async move {
                    f.registrar().run(registration.id, &admin, &on_event, &CancellationToken::new()).await
                });
                if let Fault::Kill = fault {
                    // The process dies while the step's call is in flight: no code of ours runs after.
                    while !events.lock().unwrap().iter().any(|e| e.step == step && e.state == StepState::Started) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    run.abort();
                    None
                } else {
                    Some(run.await.unwrap())
                }
            };
            match (fault, &first) {
                (Fault::Throttled, Some(outcome)) => assert!(outcome.is_ok(), "{step:?} 429: {outcome:?}"),
                (Fault::Kill, None) => {}
                // A lost answer is recovered in the same run where that is safe: the created
                // application is found by the registration's tag; the grants' $batch and the
                // token polls are sent again (a grant already made answers 409, done). Only the
                // service principal's POST waits for a resume, which finds it by its appId.
                (Fault::AnswerLost, Some(outcome)) if step != RegistrationStep::ServicePrincipal => {
                    assert!(outcome.is_ok(), "{step:?} answer lost: {outcome:?}")
                }
                (Fault::Timeout, Some(_)) if step == RegistrationStep::Application => {}
                (_, Some(outcome)) => assert!(outcome.is_err(), "{step:?} {fault:?} should fail the first run"),
                _ => unreachable!(),
            }
            f.set_faults(json!({"rules": []})).await;
            let unfinished = f.registrar().unfinished().await.unwrap();
            if f.registrar().get(registration.id).await.unwrap().status != RegistrationStatus::Completed {
                assert_eq!(unfinished.len(), 1, "{step:?} {fault:?}: the registration waits to be resumed");
                f.registrar()
                    .run(registration.id, &admin, &|_| {}, &CancellationToken::new())
                    .await
                    .unwrap_or_else(|e| panic!("{step:?} {fault:?}: resuming failed: {e}"));
            }

            let apps = f.applications().await;
            assert_eq!(apps.len(), 1, "{step:?} {fault:?}: exactly one application, no orphan: {apps:#?}");
            let app_id = apps[0]["appId"].as_str().unwrap();
            assert_eq!(f.granted(app_id).await, source_set(), "{step:?} {fault:?}");
            let connections = f.connections.list(None).await.unwrap();
            assert_eq!(connections.len(), 1, "{step:?} {fault:?}: one connection");
            assert_eq!(connections[0].client_id, app_id);
            assert_eq!(f.registrar().get(registration.id).await.unwrap().status, RegistrationStatus::Completed);
        }
    }
}

/// Microsoft created the application but its answer was lost (the network failed right
/// after, or Microsoft answered 503): the run finds it by the registration's tag instead of
/// sending the POST again, and leaves an unrelated application of the same name alone.
#[tokio::test]
async fn an_application_whose_creation_answer_was_lost_is_adopted_not_duplicated() {
    for lost in [json!({"dropAfter": true}), json!({"statusAfter": 503})] {
        let f = fixture().await;
        let admin = f.admin().await;
        let body = json!({"displayName": "Mailferry Migration Source", "tags": ["mailferry"]});
        f.graph(reqwest::Method::POST, "/applications", &admin, Some(body)).await;
        let registrar = f.registrar();
        let registration = registrar.begin(&admin, f.request()).await.unwrap();
        let mut rule = json!({"route": "/v1.0/applications", "method": "POST", "times": 1});
        rule.as_object_mut().unwrap().extend(lost.as_object().unwrap().clone());
        f.set_faults(json!({"rules": [rule]})).await;

        let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();

        let apps = f.applications().await;
        assert_eq!(apps.len(), 2, "{lost}: the unrelated one and Mailferry's, no duplicate: {apps:#?}");
        let adopted = apps.iter().find(|a| a["appId"] == connection.client_id.as_str()).unwrap();
        let tag = format!("mailferry-registration-{}", registration.id);
        assert!(adopted["tags"].as_array().unwrap().iter().any(|t| t == tag.as_str()));
        let creations = f.calls().await.iter().filter(|c| *c == "POST /v1.0/applications").count();
        assert_eq!(creations, 2, "{lost}: the unrelated one's and Mailferry's, sent once");
        f.assert_every_check_passes([connection]).await;
    }
}

#[tokio::test]
async fn the_device_code_sign_in_registers_with_a_code_typed_on_another_device() {
    use mailferry_core::identity::device_code::DeviceCodePrompt;
    use mailferry_core::registration::{
        AutomaticRegistration, RegistrationProgress, RegistrationService, RegistrationSignIn,
    };
    struct NoBrowser;
    impl Browser for NoBrowser {
        fn open(&self, _url: &str) -> mailferry_core::Result<()> {
            panic!("the device code sign-in opens no browser here");
        }
    }
    let f = fixture().await;
    f.sim(
        reqwest::Method::PUT,
        "/_sim/settings",
        Some(json!({"deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 60})),
    )
    .await;
    let service =
        RegistrationService::new(IdentityClient::new(fast_http(Duration::from_secs(5))).unwrap(), f.config.clone());
    let prompts: Arc<Mutex<Vec<DeviceCodePrompt>>> = Arc::default();

    // The other device: the admin opens the page shown and types the code.
    let shown = prompts.clone();
    tokio::spawn(async move {
        let prompt = loop {
            if let Some(prompt) = shown.lock().unwrap().first().cloned() {
                break prompt;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        reqwest::Client::new()
            .post(&prompt.verification_uri)
            .form(&[
                ("user_code", prompt.user_code.as_str()),
                ("username", "admin@contoso.onmicrosoft.com"),
                ("password", PASSWORD),
                ("action", "accept"),
            ])
            .send()
            .await
            .unwrap();
    });
    let progress: Arc<Mutex<Vec<RegistrationProgress>>> = Arc::default();
    let on_progress = |event: RegistrationProgress| {
        if let RegistrationProgress::DeviceCode { prompt } = &event {
            prompts.lock().unwrap().push(prompt.clone());
        }
        progress.lock().unwrap().push(event);
    };
    let sign_in = RegistrationSignIn { role: Role::Source, cloud: f.cloud(), tenant: DOMAIN.into(), device_code: true };
    let signed_in = service.sign_in(&f.connections, sign_in, &NoBrowser, &on_progress).await.unwrap();
    assert_eq!(signed_in.tenant_id, TENANT);
    assert!(signed_in.earlier.is_empty());
    let request = AutomaticRegistration {
        connection_name: None,
        permission_profile: None,
        scope_group: None,
        application_mailbox: Some("migration@contoso.onmicrosoft.com".into()),
        resume: None,
        reuse_app_id: None,
        trusted_key_ids: Vec::new(),
    };
    let connection = service.register(&f.connections, request, &on_progress).await.unwrap();

    assert_eq!(connection.registration, RegistrationMode::Automatic);
    assert_eq!(connection.name, "contoso.onmicrosoft.com", "named after the admin's domain");
    let progress = progress.lock().unwrap();
    assert!(progress.contains(&RegistrationProgress::SignedIn { user: "admin@contoso.onmicrosoft.com".into() }));
    let prompt = prompts.lock().unwrap()[0].clone();
    assert!(prompt.verification_uri.ends_with("/devicelogin") && !prompt.user_code.is_empty());
}

/// An earlier Mailferry registration is offered after the sign-in, and reusing it uploads the
/// new certificate to it (next to the one Mailferry holds) instead of registering another.
#[tokio::test]
async fn an_earlier_registration_is_offered_and_reused_without_a_second_application() {
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let first = registrar.begin(&admin, f.request()).await.unwrap();
    let earlier = registrar.run(first.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();
    let Credential::Certificate { sha1_thumbprint: earlier_thumbprint, .. } = &earlier.credential else { panic!() };

    let offered =
        registrar.earlier_registrations(&admin, &f.cloud(), Role::Source, &CancellationToken::new()).await.unwrap();
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].app_id, earlier.client_id);
    assert_eq!(offered[0].held_certificate.as_deref(), Some(earlier_thumbprint.as_str()));
    assert_eq!(offered[0].connections, ["Contoso"]);

    let reused = f.reuse(&admin, &earlier.client_id, "Contoso again").await;

    assert_eq!(reused.client_id, earlier.client_id, "the same application");
    let apps = f.applications().await;
    assert_eq!(apps.len(), 1, "no second application");
    let keys = apps[0]["keyCredentials"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "the new certificate next to the earlier one");
    // Entra's form: the SHA-1 thumbprint in upper-case hex, which Mailferry recognised as its own.
    assert!(keys.iter().any(|k| k["customKeyIdentifier"] == earlier_thumbprint.as_str()), "{keys:#?}");
    let calls = f.calls().await;
    assert!(calls.iter().any(|c| c.starts_with("POST") && c.ends_with("/addKey")), "{calls:#?}");
    assert!(!calls.iter().any(|c| c.starts_with("PATCH")), "nothing replaced: {calls:#?}");
    assert_ne!(reused.credential, earlier.credential);
    // Both connections still sign in.
    f.assert_every_check_passes([earlier, reused]).await;
}

/// What a Graph client sees of the application (`$select=keyCredentials` on one object
/// returns each certificate's bytes).
async fn key_credentials(f: &Fixture, admin: &AdminToken, object_id: &str) -> Vec<Value> {
    let path = format!("/applications/{object_id}?$select=id,keyCredentials");
    let (_, app) = f.graph(reqwest::Method::GET, &path, admin, None).await;
    app["keyCredentials"].as_array().cloned().unwrap()
}

/// An application of Mailferry's name whose certificate another tool uploaded (Mailferry does
/// not hold its key): reusing it adds Mailferry's certificate and keeps the other one, so that
/// tool's connection goes on working.
#[tokio::test]
async fn reusing_an_application_whose_certificate_mailferry_does_not_hold_keeps_that_certificate() {
    use base64::Engine;
    let f = fixture().await;
    let admin = f.admin().await;
    let other_tool = mailferry_core::certs::generate(Role::Source).unwrap();
    let date = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = json!({"displayName": "Mailferry Migration Source", "keyCredentials": [{
        "type": "AsymmetricX509Cert", "usage": "Verify", "displayName": "CN=Another tool",
        "key": base64::engine::general_purpose::STANDARD.encode(&other_tool.der),
        "startDateTime": date(other_tool.info.not_before), "endDateTime": date(other_tool.info.not_after),
    }]});
    let (_, created) = f.graph(reqwest::Method::POST, "/applications", &admin, Some(body)).await;
    let (object_id, app_id) = (created["id"].as_str().unwrap(), created["appId"].as_str().unwrap().to_owned());
    let before = key_credentials(&f, &admin, object_id).await;
    assert_eq!(before[0]["customKeyIdentifier"], other_tool.info.sha1_thumbprint.as_str(), "Entra's hex form");

    let registrar = f.registrar();
    let offered =
        registrar.earlier_registrations(&admin, &f.cloud(), Role::Source, &CancellationToken::new()).await.unwrap();
    assert_eq!(offered[0].held_certificate, None, "Mailferry holds none of its certificates");
    let foreign = &offered[0].credentials[0];
    assert!(!foreign.mailferry, "{foreign:?}");
    let connection = f.reuse_trusting(&admin, &app_id, "Contoso", vec![foreign.key_id.clone()]).await.unwrap();

    assert_eq!(connection.client_id, app_id);
    let after = key_credentials(&f, &admin, object_id).await;
    assert_eq!(after.len(), 2, "{after:#?}");
    let kept = after.iter().find(|k| k["keyId"] == before[0]["keyId"]).expect("the other tool's certificate is kept");
    assert_eq!(kept["key"], before[0]["key"]);
    assert_eq!(kept["customKeyIdentifier"], before[0]["customKeyIdentifier"]);
    let Credential::Certificate { sha1_thumbprint, .. } = &connection.credential else { panic!() };
    assert!(after.iter().any(|k| k["customKeyIdentifier"] == sha1_thumbprint.as_str()), "and Mailferry's added");
    assert!(f.calls().await.iter().any(|c| c.starts_with("PATCH")), "a PATCH of the whole list");

    // Both the other tool's certificate and Mailferry's sign in.
    f.connections.certificates().put(&other_tool).await.unwrap();
    let mut other = connection.clone();
    other.credential = Credential::Certificate {
        sha1_thumbprint: other_tool.info.sha1_thumbprint.clone(),
        sha256_thumbprint: Some(other_tool.info.sha256_thumbprint.clone()),
        subject: None,
        not_after: Some(other_tool.info.not_after),
    };
    f.assert_every_check_passes([connection, other]).await;
}

/// Anyone may register an application under Mailferry's name and give it a secret: reusing it
/// would grant mail access to whoever holds that secret. The reuse is refused until the admin,
/// shown every credential and the owners, agrees to keep exactly those; nothing is granted or
/// changed before.
#[tokio::test]
async fn an_application_holding_a_secret_mailferry_did_not_create_is_not_reused_without_consent() {
    let f = fixture().await;
    let admin = f.admin().await;
    let body = json!({"displayName": "Mailferry Migration Source", "tags": ["mailferry"]});
    let (_, created) = f.graph(reqwest::Method::POST, "/applications", &admin, Some(body)).await;
    let (object_id, app_id) =
        (created["id"].as_str().unwrap().to_owned(), created["appId"].as_str().unwrap().to_owned());
    let secret = json!({"passwordCredential": {"displayName": "left by someone"}});
    let (_, added) =
        f.graph(reqwest::Method::POST, &format!("/applications/{object_id}/addPassword"), &admin, Some(secret)).await;

    let registrar = f.registrar();
    let offered =
        registrar.earlier_registrations(&admin, &f.cloud(), Role::Source, &CancellationToken::new()).await.unwrap();
    let credentials = &offered[0].credentials;
    assert_eq!(credentials.len(), 1, "{credentials:#?}");
    assert_eq!(credentials[0].kind, mailferry_core::model::CredentialKind::Secret);
    assert_eq!(credentials[0].display_name.as_deref(), Some("left by someone"));
    assert_eq!(credentials[0].key_id, added["keyId"].as_str().unwrap());
    assert!(!credentials[0].mailferry);
    assert_eq!(offered[0].owners, ["admin@contoso.onmicrosoft.com"]);

    let refused = f.reuse_trusting(&admin, &app_id, "Contoso", Vec::new()).await.unwrap_err();
    assert_eq!(refused.code(), mailferry_core::ErrorCode::Conflict);
    assert!(refused.to_string().contains("client secret \"left by someone\""), "{refused}");
    assert!(refused.to_string().contains("can read every mailbox"), "{refused}");
    assert!(f.granted(&app_id).await.is_empty(), "nothing granted");
    assert!(key_credentials(&f, &admin, &object_id).await.is_empty(), "no certificate added");
    let calls = f.calls().await;
    assert!(!calls.iter().any(|c| c.starts_with("POST") || c.starts_with("PATCH")), "nothing changed: {calls:#?}");

    let connection = f.reuse_trusting(&admin, &app_id, "Contoso", vec![credentials[0].key_id.clone()]).await.unwrap();
    assert_eq!(connection.client_id, app_id);
    assert_eq!(f.granted(&app_id).await, source_set());
    let (_, after) = f.graph(reqwest::Method::GET, &format!("/applications/{object_id}"), &admin, None).await;
    assert_eq!(after["passwordCredentials"].as_array().map(Vec::len), Some(1), "the secret it agreed to keep stays");
}

/// A certificate of Mailferry's whose `customKeyIdentifier` an older tool rewrote as base64
/// of the hash bytes is still recognised: reuse proves it and adds the new one with addKey.
#[tokio::test]
async fn a_held_certificate_named_in_the_older_base64_form_is_recognised_for_add_key() {
    use base64::Engine;
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let first = registrar.begin(&admin, f.request()).await.unwrap();
    let earlier = registrar.run(first.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();
    let Credential::Certificate { sha1_thumbprint, .. } = &earlier.credential else { panic!() };
    let object_id = registrar.get(first.id).await.unwrap().application_object_id.unwrap();
    let mut keys = key_credentials(&f, &admin, &object_id).await;
    let bytes: Vec<u8> = (0..20).map(|i| u8::from_str_radix(&sha1_thumbprint[2 * i..2 * i + 2], 16).unwrap()).collect();
    let older_form = base64::engine::general_purpose::STANDARD.encode(bytes);
    keys[0]["customKeyIdentifier"] = json!(older_form);
    keys[0].as_object_mut().unwrap().remove("@odata.type");
    let path = format!("/applications/{object_id}");
    let (status, _) = f.graph(reqwest::Method::PATCH, &path, &admin, Some(json!({"keyCredentials": keys}))).await;
    assert_eq!(status, 204);
    let listed = f.applications().await;
    assert_eq!(listed[0]["keyCredentials"][0]["customKeyIdentifier"], older_form.as_str());

    let offered =
        registrar.earlier_registrations(&admin, &f.cloud(), Role::Source, &CancellationToken::new()).await.unwrap();
    assert_eq!(offered[0].held_certificate.as_deref(), Some(sha1_thumbprint.as_str()));
    f.reuse(&admin, &earlier.client_id, "Contoso again").await;

    let calls = f.calls().await;
    assert!(calls.iter().any(|c| c.starts_with("POST") && c.ends_with("/addKey")), "{calls:#?}");
    assert!(!calls.iter().any(|c| c.starts_with("PATCH")), "{calls:#?}");
    assert_eq!(key_credentials(&f, &admin, &object_id).await.len(), 2);
}

#[tokio::test]
async fn an_automatic_connections_application_can_be_deleted_from_entra_with_a_preview_first() {
    use mailferry_core::registration::RegistrationService;
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let registration = registrar.begin(&admin, f.request()).await.unwrap();
    let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();
    let service =
        RegistrationService::new(IdentityClient::new(fast_http(Duration::from_secs(5))).unwrap(), f.config.clone());

    let preview = service.deletion_preview(&f.connections, connection.id).await.unwrap();
    assert_eq!(preview.display_name, "Mailferry Migration Source");
    assert_eq!(preview.app_id, connection.client_id);
    assert_eq!(preview.permissions.len(), 6);
    assert!(preview.other_connections.is_empty());
    assert_eq!(f.granted(&connection.client_id).await.len(), 6);

    let browser = FormBrowser::accepting("admin@contoso.onmicrosoft.com");
    service.delete_application(&f.connections, connection.id, &browser, &|_| {}).await.unwrap();
    assert!(f.applications().await.is_empty(), "the application is gone from Entra ID");
    assert!(f.granted(&connection.client_id).await.is_empty(), "with its permissions");
    assert!(f.connections.get(connection.id).await.is_ok(), "the connection itself goes with OK");

    let mut manual = connection.clone();
    manual.registration = RegistrationMode::Manual;
    let upsert = mailferry_core::connections::Upsert { connection: manual.clone(), secret: None };
    f.connections.save(vec![upsert], &[]).await.unwrap();
    let refused = service.deletion_preview(&f.connections, manual.id).await.unwrap_err();
    assert!(refused.to_string().contains("was registered by hand"), "{refused}");
}

#[tokio::test]
async fn the_sign_in_application_can_be_replaced_by_the_organizations_own() {
    use mailferry_core::registration::RegistrationService;
    let f = fixture().await;
    let service =
        RegistrationService::new(IdentityClient::new(fast_http(Duration::from_secs(5))).unwrap(), f.config.clone());
    let default = service.sign_in_client(&f.connections).await.unwrap();
    assert!(default.is_default);
    assert_eq!(default.client_id, DEFAULT_SIGN_IN_CLIENT_ID);

    let refused = service.set_sign_in_client(&f.connections, Some("my sign-in app")).await.unwrap_err();
    assert!(refused.to_string().contains("is not an application (client) ID"), "{refused}");
    let own = service.set_sign_in_client(&f.connections, Some(" 7E8F9A0B-1C2D-4E3F-8A4B-5C6D7E8F9A0B ")).await.unwrap();
    assert_eq!(own.client_id, "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b");
    assert!(!own.is_default);
    assert_eq!(service.sign_in_client(&f.connections).await.unwrap(), own, "kept in the database");
    assert!(service.set_sign_in_client(&f.connections, None).await.unwrap().is_default);
}

#[tokio::test]
async fn a_target_registration_is_named_for_the_target_and_granted_the_write_set() {
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let mut request = f.request();
    request.role = Role::Target;
    let registration = registrar.begin(&admin, request).await.unwrap();
    let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();

    assert_eq!(connection.role, Role::Target);
    assert!(
        matches!(&connection.credential, Credential::Certificate { subject: Some(s), .. } if s == "CN=Mailferry Migration Target")
    );
    let apps = f.applications().await;
    assert_eq!(apps[0]["displayName"], "Mailferry Migration Target");
    let mut expected: Vec<String> = mailferry_core::permissions::permission_set(
        Role::Target,
        mailferry_core::permissions::PermissionProfile::ItemLevel,
    )
    .into_iter()
    .map(|p| p.name)
    .collect();
    expected.sort();
    assert_eq!(f.granted(&connection.client_id).await, expected);
    f.assert_every_check_passes([connection]).await;
}

#[tokio::test]
async fn a_full_fidelity_registration_asks_for_the_mailbox_api_permissions_and_its_connections_migrate() {
    use mailferry_core::permissions::{permission_set, PermissionProfile};
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    for role in [Role::Source, Role::Target] {
        let mut request = f.request();
        request.role = role;
        request.permission_profile = Some(PermissionProfile::FullFidelity);
        let registration = registrar.begin(&admin, request).await.unwrap();
        let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();

        assert_eq!(connection.permission_profile, PermissionProfile::FullFidelity);
        let app = f.applications().await.into_iter().find(|a| a["appId"] == connection.client_id.as_str()).unwrap();
        let asked: Vec<&str> = app["requiredResourceAccess"][0]["resourceAccess"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        let set = permission_set(role, PermissionProfile::FullFidelity);
        assert_eq!(asked, set.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let mut expected: Vec<String> = set.into_iter().map(|p| p.name).collect();
        expected.sort();
        assert_eq!(f.granted(&connection.client_id).await, expected);
        // Its check exports an item (source) or opens an import session (target).
        f.assert_every_check_passes([connection]).await;
    }
}

#[tokio::test]
async fn a_scoped_registration_grants_only_directory_permissions_in_entra() {
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let mut request = f.request();
    request.permission_profile = Some(mailferry_core::permissions::PermissionProfile::FullFidelity);
    request.scope_group = Some(" Wave1@Contoso.onmicrosoft.com ".into());
    let registration = registrar.begin(&admin, request).await.unwrap();
    let connection = registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();

    assert_eq!(connection.mailbox_scope.as_ref().map(|s| s.group.as_str()), Some("Wave1@contoso.onmicrosoft.com"));
    // The mailbox permissions are left to Exchange Online: granted in Entra they would void the scope.
    assert_eq!(
        f.granted(&connection.client_id).await,
        ["GroupMember.Read.All", "Organization.Read.All", "User.Read.All"]
    );
}

#[tokio::test]
async fn full_fidelity_is_refused_outside_the_global_cloud_before_anything_is_recorded() {
    let f = fixture().await;
    let admin = f.admin().await;
    let registrar = f.registrar();
    let mut request = f.request();
    request.cloud = Cloud::GccHigh;
    request.permission_profile = Some(mailferry_core::permissions::PermissionProfile::FullFidelity);
    let error = registrar.begin(&admin, request).await.unwrap_err();
    assert!(error.to_string().contains("Global cloud only, not in GCC High"), "{error}");
    assert!(registrar.unfinished().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_bad_name_or_mailbox_is_refused_before_anything_is_recorded_or_created() {
    let f = fixture().await;
    let admin = f.admin().await;
    f.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
    let registrar = f.registrar();
    let mut request = f.request();
    request.application_mailbox = Some("migration".into());
    let refused = registrar.begin(&admin, request).await.unwrap_err();
    assert_eq!(refused.code(), mailferry_core::ErrorCode::Invalid);
    assert!(refused.to_string().starts_with("Application mailbox:"), "{refused}");
    let mut request = f.request();
    request.connection_name = Some("x".repeat(300));
    assert_eq!(registrar.begin(&admin, request).await.unwrap_err().code(), mailferry_core::ErrorCode::Invalid);
    assert!(registrar.unfinished().await.unwrap().is_empty(), "nothing recorded");
    assert!(f.calls().await.is_empty(), "nothing sent to the tenant");
}
