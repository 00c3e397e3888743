//! The configuration checks against entra-sim over loopback: a connection staged as the wizard
//! stages it, checked as Configure checks it, on a real SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use entra_sim::request_log::sequential_round_trips;
use entra_sim::seed::{ApplicationSeed, DomainSeed, SecretSeed, TenantSeed, UserSeed};
use entra_sim::{Seed, SimHandle};
use mailferry_core::certs::generate;
use mailferry_core::checks::{CheckEvent, CheckId, CheckReport, CheckRun, CheckService, CheckStatus};
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, CredentialChoice, Role};
use mailferry_core::{Error, ErrorCode};
use mailferry_testsupport::{fields_in, Core, Drafted};
use serde_json::{json, Value};

const TENANT: &str = "0f6a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b";
const DOMAIN: &str = "fabrikam.onmicrosoft.com";
const SECRET_APP: &str = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
const CERT_APP: &str = "2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e";
const PARTIAL_APP: &str = "3c4d5e6f-7a8b-4c3d-ae4f-5a6b7c8d9e0f";
const EXPIRED_APP: &str = "4d5e6f7a-8b9c-4d4e-bf5a-6b7c8d9e0f1a";
/// May read its own registration (Application.Read.All), so its secret's end date is known.
const SELF_READING_APP: &str = "5e6f7a8b-9c0d-4e5f-8a6b-7c8d9e0f1a2b";
const SECRET: &str = "Fq8Q~checks.SecretValue_0123456789abcdefXYZ";
const EXPIRED_SECRET: &str = "Ex8Q~expired.SecretValue_0123456789abcdefXY";
const MAILBOX: &str = "migration@fabrikam.onmicrosoft.com";

const SOURCE_ROLES: [&str; 6] =
    ["User.Read.All", "Organization.Read.All", "Mail.Read", "MailboxSettings.Read", "Calendars.Read", "Contacts.Read"];

enum Cred<'a> {
    Secret(&'a str),
    Certificate(&'a str),
}

fn target(drafted: &Drafted) -> CheckTarget {
    CheckTarget::InSession { session: drafted.session, connection: drafted.draft }
}

struct Fixture {
    core: Core,
    sim: SimHandle,
    checks: CheckService,
    certificate_thumbprint: String,
}

fn fast_http() -> HttpConfig {
    mailferry_testsupport::fast_http(Duration::from_secs(5))
}

fn user(upn: &str, mail: &str, mailbox: bool) -> UserSeed {
    UserSeed {
        id: uuid::Uuid::new_v4().to_string(),
        user_principal_name: upn.into(),
        display_name: upn.split('@').next().unwrap_or_default().into(),
        mail: Some(mail.into()),
        mailbox,
        password: None,
        roles: Vec::new(),
    }
}

fn app(app_id: &str, secrets: Vec<SecretSeed>, certificates: Vec<String>, roles: &[&str]) -> ApplicationSeed {
    ApplicationSeed {
        app_id: app_id.into(),
        display_name: "Migration app".into(),
        secrets,
        certificates,
        granted_roles: roles.iter().map(|r| (*r).into()).collect(),
    }
}

fn secret(value: &str, days: i64) -> SecretSeed {
    SecretSeed {
        key_id: uuid::Uuid::new_v4().to_string(),
        value: value.into(),
        end_date_time: Utc::now() + chrono::Duration::days(days),
    }
}

fn fabrikam(certificate_pem: String) -> Seed {
    Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Fabrikam".into(),
            domains: vec![
                DomainSeed { name: DOMAIN.into(), is_default: false, is_initial: true },
                DomainSeed { name: "fabrikam.com".into(), is_default: true, is_initial: false },
            ],
            users: vec![
                user(MAILBOX, "migration@fabrikam.com", true),
                user("nomailbox@fabrikam.onmicrosoft.com", "nomailbox@fabrikam.com", false),
            ],
            applications: vec![
                app(SECRET_APP, vec![secret(SECRET, 365)], Vec::new(), &SOURCE_ROLES),
                app(CERT_APP, Vec::new(), vec![certificate_pem], &SOURCE_ROLES),
                app(
                    PARTIAL_APP,
                    vec![secret(SECRET, 30)],
                    Vec::new(),
                    &["User.Read.All", "Organization.Read.All", "Mail.Read"],
                ),
                app(EXPIRED_APP, vec![secret(EXPIRED_SECRET, -2)], Vec::new(), &SOURCE_ROLES),
                app(
                    SELF_READING_APP,
                    vec![secret("Zz9~other.secret_value_of_this_app_0123", 700), secret(SECRET, 30)],
                    Vec::new(),
                    &[&SOURCE_ROLES[..], &["Application.Read.All"]].concat(),
                ),
            ],
            conditional_access_block: false,
            mfa_required: false,
            sign_in_client_disabled: false,
            generated_users: None,
            show_accounts: false,
        }],
        faults: None,
    }
}

async fn fixture_with(http: HttpConfig) -> Fixture {
    let core = Core::new().await;
    let certificate = generate(Role::Source).unwrap();
    let info = core.connections.certificates().put(&certificate).await.unwrap();
    let pem = pem::encode(&pem::Pem::new("CERTIFICATE", certificate.der.clone()));
    let sim = SimHandle::start(fabrikam(pem), 0).await.unwrap();
    Fixture {
        core,
        sim,
        checks: CheckService::new(IdentityClient::new(http).unwrap()),
        certificate_thumbprint: info.sha1_thumbprint,
    }
}

async fn fixture() -> Fixture {
    fixture_with(fast_http()).await
}

impl Fixture {
    fn cloud(&self) -> Cloud {
        Cloud::Custom { login_url: self.sim.base_url.clone(), graph_url: self.sim.base_url.clone() }
    }

    /// A connection defined in an edit session the way the wizard defines it (the secret put
    /// once, held by the core), not saved.
    async fn staged(&self, client_id: &str, tenant: &str, mailbox: &str, credential: Cred<'_>) -> Drafted {
        self.staged_in(self.cloud(), client_id, tenant, mailbox, credential).await
    }

    async fn staged_in(
        &self,
        cloud: Cloud,
        client_id: &str,
        tenant: &str,
        mailbox: &str,
        credential: Cred<'_>,
    ) -> Drafted {
        let name = format!("Fabrikam {}", uuid::Uuid::new_v4());
        let mut fields = fields_in(cloud, &name, tenant, client_id, mailbox);
        let secret = match credential {
            Cred::Secret(secret) => Some(secret),
            Cred::Certificate(thumbprint) => {
                fields.credential = CredentialChoice::Certificate { thumbprint: thumbprint.into() };
                None
            }
        };
        self.core.draft(Role::Source, fields, secret).await
    }

    async fn with_secret(&self, client_id: &str, secret: &str) -> Drafted {
        self.staged(client_id, TENANT, MAILBOX, Cred::Secret(secret)).await
    }

    /// Configure on a draft.
    async fn check(&self, drafted: &Drafted) -> CheckRun {
        self.checks.check(&self.core.connections, target(drafted), &|_| {}).await.unwrap()
    }

    async fn sim(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.sim.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        response.json().await.unwrap_or(Value::Null)
    }

    async fn set_faults(&self, faults: Value) {
        self.sim(reqwest::Method::PUT, "/_sim/faults", Some(faults)).await;
    }

    /// The requests Mailferry made, oldest first (the simulator's own API excluded).
    async fn requests(&self) -> Vec<Value> {
        let log = self.sim(reqwest::Method::GET, "/_sim/requests", None).await;
        log.as_array().cloned().unwrap_or_default()
    }
}

fn status(report: &CheckReport, id: CheckId) -> CheckStatus {
    report.result(id).map(|r| r.status).unwrap()
}

fn text(report: &CheckReport, id: CheckId) -> (String, String) {
    let result = report.result(id).unwrap();
    (result.summary.clone(), result.fix.clone().unwrap_or_default())
}

#[tokio::test]
async fn a_connection_with_a_client_secret_passes_every_check_in_three_round_trips() {
    let f = fixture().await;
    let connection = f.staged(SECRET_APP, DOMAIN, MAILBOX, Cred::Secret(SECRET)).await;
    let events = Mutex::new(Vec::new());
    let run =
        f.checks.check(&f.core.connections, target(&connection), &|e| events.lock().unwrap().push(e)).await.unwrap();

    let report = &run.report;
    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    assert_eq!(report.results.iter().map(|r| r.id).collect::<Vec<_>>(), CheckId::ALL);
    assert_eq!(report.tenant_name.as_deref(), Some("Fabrikam"));
    assert_eq!(report.default_domain.as_deref(), Some("fabrikam.com"));
    assert!(report.missing_permissions.is_empty());
    assert!(text(report, CheckId::Tenant).0.contains(TENANT), "the domain is resolved to the tenant id");
    // The connection learnt the tenant's id, name and domain, and its last check.
    assert_eq!(run.connection.tenant_id, TENANT);
    assert_eq!(run.connection.tenant_name.as_deref(), Some("Fabrikam"));
    assert_eq!(run.connection.last_check.map(|c| c.outcome), Some(CheckOutcome::Passed));
    // Each check was announced, then reported, as it happened.
    let events = events.into_inner().unwrap();
    assert_eq!(events.iter().filter(|e| matches!(e, CheckEvent::Started { .. })).count(), CheckId::ALL.len());
    assert_eq!(events.iter().filter(|e| matches!(e, CheckEvent::Finished { .. })).count(), CheckId::ALL.len());
    // Metadata, token, one batch: three round trips; the run is stored.
    let requests = f.requests().await;
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_eq!(sequential_round_trips(&requests), 3);
    assert_eq!(f.core.connections.last_report(connection.draft).await.unwrap().as_ref(), Some(report));

    // Once the tenant's metadata is cached, a run costs two.
    f.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
    let again = f.check(&connection).await;
    assert_eq!(again.report.outcome, CheckOutcome::Passed);
    assert_eq!(f.requests().await.len(), 2);
}

#[tokio::test]
async fn a_connection_with_an_imported_certificate_passes_every_check() {
    let f = fixture().await;
    let credential = Cred::Certificate(&f.certificate_thumbprint);
    let run = f.check(&f.staged(CERT_APP, TENANT, MAILBOX, credential).await).await;
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
    assert!(text(&run.report, CheckId::Token).0.contains("with its certificate"));
    assert!(text(&run.report, CheckId::CredentialExpiry).0.contains("valid until"));
}

#[tokio::test]
async fn a_wrong_secret_fails_sign_in_with_the_value_not_secret_id_fix_and_microsofts_ids() {
    let f = fixture().await;
    let run = f.check(&f.with_secret(SECRET_APP, "Wr0ng~secret.value_that_is_long_enough").await).await;
    let report = &run.report;
    assert_eq!(report.outcome, CheckOutcome::Failed);
    assert_eq!(status(report, CheckId::Tenant), CheckStatus::Pass);
    assert_eq!(status(report, CheckId::Token), CheckStatus::Fail);
    let token = report.result(CheckId::Token).unwrap();
    assert!(token.fix.as_deref().unwrap().contains("Value, not its Secret ID"), "{token:?}");
    let microsoft = token.microsoft.as_ref().unwrap();
    assert_eq!(microsoft.code, "AADSTS7000215");
    assert!(microsoft.correlation_id.is_some() && microsoft.trace_id.is_some());
    for id in [CheckId::Permissions, CheckId::Organization, CheckId::Mailbox, CheckId::MailAccess] {
        assert_eq!(status(report, id), CheckStatus::Skipped);
    }
}

#[tokio::test]
async fn a_pasted_secret_id_is_refused_before_anything_is_sent_to_microsoft() {
    let f = fixture().await;
    let drafted = f.with_secret(SECRET_APP, "8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b").await;
    assert!(drafted.state.issues[0].message.contains("looks like the Secret ID"), "{:?}", drafted.state.issues);
    let error = f.checks.check(&f.core.connections, target(&drafted), &|_| {}).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Invalid, "Configure refuses a draft with problems");
    assert!(f.requests().await.is_empty());
}

#[tokio::test]
async fn an_expired_secret_fails_sign_in_and_expiry() {
    let f = fixture().await;
    let report = f.check(&f.with_secret(EXPIRED_APP, EXPIRED_SECRET).await).await.report;
    let token = report.result(CheckId::Token).unwrap();
    assert_eq!(token.microsoft.as_ref().unwrap().code, "AADSTS7000222");
    assert!(token.summary.contains("has expired"));
    assert_eq!(status(&report, CheckId::CredentialExpiry), CheckStatus::Fail);
    assert!(text(&report, CheckId::CredentialExpiry).1.contains("Create a new client secret"));
}

#[tokio::test]
async fn an_unknown_client_id_is_named_in_the_failure() {
    let f = fixture().await;
    let unknown = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
    let report = f.check(&f.with_secret(unknown, SECRET).await).await.report;
    let (summary, fix) = text(&report, CheckId::Token);
    assert!(summary.contains(unknown) && summary.contains("was not found"), "{summary}");
    assert!(fix.contains("Application (client) ID"));
    assert_eq!(report.result(CheckId::Token).unwrap().microsoft.as_ref().unwrap().code, "AADSTS700016");
}

#[tokio::test]
async fn an_unknown_tenant_fails_the_first_check_and_suggests_the_cloud() {
    let f = fixture().await;
    let credential = Cred::Secret(SECRET);
    let report = f.check(&f.staged(SECRET_APP, "contoso.onmicrosoft.com", MAILBOX, credential).await).await.report;
    assert_eq!(status(&report, CheckId::Tenant), CheckStatus::Fail);
    let (summary, fix) = text(&report, CheckId::Tenant);
    assert!(summary.contains("contoso.onmicrosoft.com was not found"), "{summary}");
    assert!(fix.contains("another Microsoft cloud"), "{fix}");
    assert!(CheckId::ALL[1..6].iter().all(|id| status(&report, *id) == CheckStatus::Skipped));
}

#[tokio::test]
async fn a_tenant_of_another_cloud_is_not_found_in_this_one() {
    let f = fixture().await;
    // A second simulator plays another Microsoft cloud, where Fabrikam does not exist.
    let other_cloud = SimHandle::start(Seed { tenants: Vec::new(), faults: None }, 0).await.unwrap();
    let cloud = Cloud::Custom { login_url: other_cloud.base_url.clone(), graph_url: other_cloud.base_url.clone() };
    let connection = f.staged_in(cloud, SECRET_APP, TENANT, MAILBOX, Cred::Secret(SECRET)).await;
    let report = f.check(&connection).await.report;
    let tenant = report.result(CheckId::Tenant).unwrap();
    assert_eq!(tenant.status, CheckStatus::Fail);
    assert_eq!(tenant.microsoft.as_ref().unwrap().code, "AADSTS90002");
    assert!(tenant.fix.as_deref().unwrap().contains("choose the tenant's cloud"));
}

#[tokio::test]
async fn a_certificate_not_uploaded_to_the_application_fails_with_the_upload_fix() {
    let f = fixture().await;
    let credential = Cred::Certificate(&f.certificate_thumbprint);
    let report = f.check(&f.staged(SECRET_APP, TENANT, MAILBOX, credential).await).await.report;
    let token = report.result(CheckId::Token).unwrap();
    assert_eq!(token.microsoft.as_ref().unwrap().code, "AADSTS700027");
    assert!(token.summary.contains(&f.certificate_thumbprint));
    assert!(token.fix.as_deref().unwrap().contains("Upload the certificate"));
    // The certificate itself is fine, and that is still shown.
    assert_eq!(status(&report, CheckId::CredentialExpiry), CheckStatus::Pass);
}

#[tokio::test]
async fn a_certificate_missing_from_mailferrys_store_says_to_import_it() {
    let f = fixture().await;
    let credential = Cred::Certificate("0123456789ABCDEF0123456789ABCDEF01234567");
    let report = f.check(&f.staged(CERT_APP, TENANT, MAILBOX, credential).await).await.report;
    let (summary, fix) = text(&report, CheckId::Token);
    assert!(summary.contains("not in Mailferry's certificate store"), "{summary}");
    assert!(fix.contains("import the certificate"));
}

#[tokio::test]
async fn missing_permissions_are_named_and_the_rest_still_checked() {
    let f = fixture().await;
    let report = f.check(&f.with_secret(PARTIAL_APP, SECRET).await).await.report;
    assert_eq!(report.missing_permissions, ["MailboxSettings.Read", "Calendars.Read", "Contacts.Read"]);
    let (summary, fix) = text(&report, CheckId::Permissions);
    assert!(summary.contains("MailboxSettings.Read, Calendars.Read, Contacts.Read"), "{summary}");
    assert!(fix.contains("Grant admin consent"));
    // Mail access reads a message, an event and a contact: the inbox is readable with Mail.Read,
    // the calendar is not, and the check says which permission that takes.
    let (summary, fix) = text(&report, CheckId::MailAccess);
    assert_eq!(status(&report, CheckId::MailAccess), CheckStatus::Fail);
    assert!(
        summary.contains("read an event of migration@") && summary.contains("it needs Calendars.Read"),
        "{summary}"
    );
    assert!(fix.contains("Grant the Microsoft Graph application permission Calendars.Read"), "{fix}");
}

#[tokio::test]
async fn an_unknown_mailbox_fails_and_mail_access_is_not_tried() {
    let f = fixture().await;
    let credential = Cred::Secret(SECRET);
    let report = f.check(&f.staged(SECRET_APP, TENANT, "ghost@fabrikam.com", credential).await).await.report;
    assert_eq!(status(&report, CheckId::Mailbox), CheckStatus::Fail);
    assert!(text(&report, CheckId::Mailbox).0.contains("No user ghost@fabrikam.com"));
    assert_eq!(status(&report, CheckId::MailAccess), CheckStatus::Skipped);
}

#[tokio::test]
async fn a_mailbox_given_by_its_email_address_is_found_through_its_mail_attribute() {
    let f = fixture().await;
    let credential = Cred::Secret(SECRET);
    let report = f.check(&f.staged(SECRET_APP, TENANT, "migration@fabrikam.com", credential).await).await.report;
    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    assert!(text(&report, CheckId::Mailbox).0.contains(MAILBOX));
    // The alias costs two more requests: the lookup by mail, then the inbox by the user's id.
    assert_eq!(f.requests().await.len(), 5);
}

#[tokio::test]
async fn a_user_without_exchange_online_fails_mail_access_with_the_licence_fix() {
    let f = fixture().await;
    let credential = Cred::Secret(SECRET);
    let report =
        f.check(&f.staged(SECRET_APP, TENANT, "nomailbox@fabrikam.onmicrosoft.com", credential).await).await.report;
    assert_eq!(status(&report, CheckId::Mailbox), CheckStatus::Pass);
    let access = report.result(CheckId::MailAccess).unwrap();
    assert_eq!(access.status, CheckStatus::Fail);
    assert!(access.summary.contains("has no Exchange Online mailbox"));
    assert!(access.fix.as_deref().unwrap().contains("Exchange Online"));
    assert_eq!(access.microsoft.as_ref().unwrap().code, "MailboxNotEnabledForRESTAPI");
    assert_eq!(f.requests().await.len(), 3, "no second look at a mailbox found by its UPN");
}

#[tokio::test]
async fn a_secret_ending_within_sixty_days_is_a_warning_when_its_end_date_is_readable() {
    let f = fixture().await;
    let run = f.check(&f.with_secret(SELF_READING_APP, SECRET).await).await;
    assert_eq!(run.report.outcome, CheckOutcome::Warnings, "{:#?}", run.report.results);
    let (summary, fix) = text(&run.report, CheckId::CredentialExpiry);
    assert!(summary.contains("The client secret expires on") && summary.contains("in 29 days"), "{summary}");
    assert!(fix.contains("Create a new client secret"));
    assert!(run.report.application_object_id.is_some(), "readable with Application.Read.All");
    // The end date of the secret in use (found by its hint), not of the app's other secret.
    assert!(run.connection.credential.expires_at().is_some_and(|at| (at - Utc::now()).num_days() == 29));
}

#[tokio::test]
async fn a_secret_whose_end_date_cannot_be_read_is_not_known_rather_than_passed() {
    let f = fixture().await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    assert_eq!(status(&report, CheckId::CredentialExpiry), CheckStatus::Unknown);
    let (summary, fix) = text(&report, CheckId::CredentialExpiry);
    assert!(summary.contains("cannot be read"), "{summary}");
    assert!(fix.contains("Certificates & secrets"), "says where to find out: {fix}");
    // The connection works: not knowing an end date does not fail or warn the run.
    assert_eq!(report.outcome, CheckOutcome::Passed);
}

#[tokio::test]
async fn throttled_requests_are_retried_after_retry_after_then_pass() {
    let f = fixture().await;
    f.set_faults(json!({"rules": [
        {"route": "/oauth2/v2.0/token", "status": 429, "retryAfter": 1, "times": 2},
        {"route": "/mailFolders/inbox", "status": 429, "retryAfter": 1, "times": 1}
    ]}))
    .await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    let requests = f.requests().await;
    let tokens: Vec<&Value> = requests.iter().filter(|r| r["path"].as_str().unwrap().ends_with("/token")).collect();
    assert_eq!(tokens.iter().map(|r| r["status"].as_u64().unwrap()).collect::<Vec<_>>(), [429, 429, 200]);
    // Retry-After was honoured: each retry reached Microsoft a second or more after the
    // refusal left it (the simulator's own clock, not this test's duration).
    for pair in tokens.windows(2) {
        let waited = pair[1]["startedMs"].as_f64().unwrap() - pair[0]["finishedMs"].as_f64().unwrap();
        assert!(waited >= 1000.0, "retried after {waited} ms");
    }
}

#[tokio::test]
async fn a_503_storm_fails_clearly_after_the_retry_cap() {
    let f = fixture().await;
    f.set_faults(json!({"rules": [{"route": "/v1.0/$batch", "status": 503}]})).await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    assert_eq!(status(&report, CheckId::Token), CheckStatus::Pass);
    let (summary, fix) = text(&report, CheckId::Organization);
    assert!(summary.contains("refused 4 times in a row (HTTP 503)"), "{summary}");
    assert!(fix.contains("wait, then retry"));
    let batches = f.requests().await.iter().filter(|r| r["path"] == "/v1.0/$batch").count();
    assert_eq!(batches, 4, "one attempt and three retries");
}

#[tokio::test]
async fn a_request_that_gets_no_answer_times_out_with_a_clear_message() {
    let f = fixture_with(HttpConfig { request_timeout: Duration::from_millis(500), ..fast_http() }).await;
    f.set_faults(json!({"rules": [{"route": "/oauth2/v2.0/token", "latencyMs": 3000}]})).await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    let (summary, fix) = text(&report, CheckId::Token);
    assert!(summary.contains("got no answer within"), "{summary}");
    assert!(fix.contains("network"));
}

#[tokio::test]
async fn a_cancelled_run_stops_at_once_and_records_nothing() {
    let f = Arc::new(fixture().await);
    f.set_faults(json!({"rules": [{"route": "/oauth2/v2.0/token", "latencyMs": 10000}]})).await;
    let connection = f.with_secret(SECRET_APP, SECRET).await;
    let id = connection.draft;
    let started = std::time::Instant::now();
    let running = {
        let f = f.clone();
        tokio::spawn(async move { f.checks.check(&f.core.connections, target(&connection), &|_| {}).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(f.checks.cancel(id));
    let outcome = running.await.unwrap();
    assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(f.core.connections.last_report(id).await.unwrap(), None);
    assert_eq!(Error::Cancelled.code(), ErrorCode::Cancelled);
}

/// A writer the log goes to, to look for secrets in it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_reaches_the_log_the_report_or_the_events() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    // The global subscriber, so every test of this file that runs after it is scanned too.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let f = fixture().await;
    let events = Mutex::new(Vec::new());
    let mut runs = Vec::new();
    for secret in [SECRET, "Wr0ng~secret.value_that_is_long_enough"] {
        let connection = f.with_secret(SECRET_APP, secret).await;
        let run = f
            .checks
            .check(&f.core.connections, target(&connection), &|e| events.lock().unwrap().push(e))
            .await
            .unwrap();
        runs.push(run);
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("configuration checked"), "the log was captured");
    let everything = format!(
        "{log}\n{}\n{}",
        serde_json::to_string(&runs).unwrap(),
        serde_json::to_string(&*events.lock().unwrap()).unwrap()
    );
    for secret in [SECRET, "Wr0ng~secret.value_that_is_long_enough"] {
        assert!(!everything.contains(secret), "a secret leaked");
    }
    assert!(!everything.contains("eyJ"), "no token either");
}

#[tokio::test]
async fn an_app_only_token_is_reused_from_the_cache_unless_a_fresh_one_is_asked_for() {
    use mailferry_core::identity::{AppCredential, AppTokenRequest};
    let f = fixture().await;
    let identity = f.checks.identity();
    let cancel = mailferry_core::http::CancellationToken::new();
    let cloud = f.cloud();
    let tenant = identity.tenants.resolve(&identity.http, &cloud, DOMAIN, &cancel).await.unwrap();
    assert_eq!(tenant.id, TENANT);
    let credential = AppCredential::Secret(SECRET.into());
    let request = |fresh| AppTokenRequest {
        cloud: &cloud,
        tenant: &tenant,
        client_id: SECRET_APP,
        credential: &credential,
        fresh,
    };

    let first = identity.tokens.app_only(&identity.http, &request(false), &cancel).await.unwrap();
    let again = identity.tokens.app_only(&identity.http, &request(false), &cancel).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "the cached token");
    assert_eq!(first.claims.tid, TENANT);
    assert_eq!(first.claims.roles.len(), SOURCE_ROLES.len());
    identity.tokens.app_only(&identity.http, &request(true), &cancel).await.unwrap();
    // The tenant is resolved once (cached too), and two tokens were asked for.
    let tokens = f.requests().await.iter().filter(|r| r["path"].as_str().unwrap().ends_with("/token")).count();
    assert_eq!(tokens, 2);
    assert!(identity.tenants.cached(&cloud, "FABRIKAM.onmicrosoft.com").is_some(), "case does not matter");
}

#[tokio::test]
async fn the_graph_client_hands_over_every_page_following_next_links() {
    use mailferry_core::graph::GraphClient;
    use mailferry_core::identity::{AppCredential, AppTokenRequest};
    let f = fixture().await;
    let identity = f.checks.identity();
    let cancel = mailferry_core::http::CancellationToken::new();
    let cloud = f.cloud();
    let tenant = identity.tenants.resolve(&identity.http, &cloud, TENANT, &cancel).await.unwrap();
    let credential = AppCredential::Secret(SECRET.into());
    let request = AppTokenRequest {
        cloud: &cloud,
        tenant: &tenant,
        client_id: SECRET_APP,
        credential: &credential,
        fresh: false,
    };
    let token = identity.tokens.app_only(&identity.http, &request, &cancel).await.unwrap();
    let graph = GraphClient::new(&identity.http, cloud.graph_url(), token.bearer());

    let mut pages = Vec::new();
    let requests = graph
        .pages("/users?$top=1&$select=id,userPrincipalName", "list the users", &cancel, |page| {
            pages.push(page);
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(requests, 2);
    let names: Vec<&str> = pages.iter().flatten().map(|u| u["userPrincipalName"].as_str().unwrap()).collect();
    assert_eq!(names, [MAILBOX, "nomailbox@fabrikam.onmicrosoft.com"]);
}

#[tokio::test]
async fn a_check_holds_while_the_details_it_proved_stay_and_a_saved_connection_learns_at_once() {
    let f = fixture().await;
    let s = &f.core.connections;
    let drafted = f.staged(SECRET_APP, DOMAIN, MAILBOX, Cred::Secret(SECRET)).await;
    let (session, draft) = (drafted.session, drafted.draft);
    let mut fields = fields_in(f.cloud(), "Fabrikam", DOMAIN, SECRET_APP, MAILBOX);
    f.check(&drafted).await;

    // Renaming changes nothing a check proved: the result and the learnt tenant GUID stay.
    let renamed = s.put_draft(session, draft, fields.clone()).await.unwrap().connection.unwrap();
    assert_eq!(renamed.last_check.map(|c| c.outcome), Some(CheckOutcome::Passed));
    assert_eq!(renamed.tenant_id, TENANT);
    assert_eq!(renamed.tenant_name.as_deref(), Some("Fabrikam"));
    // Another mailbox, or another secret, is not what was checked.
    fields.application_mailbox = "other@fabrikam.onmicrosoft.com".into();
    assert_eq!(s.put_draft(session, draft, fields.clone()).await.unwrap().connection.unwrap().last_check, None);
    fields.application_mailbox = MAILBOX.into();
    f.check(&drafted).await;
    let repasted = s.put_secret(session, draft, SECRET.into()).await.unwrap();
    assert_eq!(repasted.connection.unwrap().last_check, None, "a pasted secret needs its own check");
    f.check(&drafted).await;
    s.keep_draft(session, draft).await.unwrap();
    s.commit(session).await.unwrap();
    let saved = s.get(draft).await.unwrap();
    assert!(saved.last_check.is_some(), "OK saves what the check learnt");
    assert_eq!(saved.tenant_id, TENANT);

    // Test in a new session, on the saved connection as it is: stored at once.
    let session = s.open_session(Role::Source).await.unwrap().session_id;
    let before = saved.last_check.unwrap().at;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let target = CheckTarget::InSession { session, connection: draft };
    f.checks.check(s, target, &|_| {}).await.unwrap();
    assert!(s.get(draft).await.unwrap().last_check.unwrap().at > before, "a check is not an edit");

    // A draft with another secret is checked with that secret, and the saved row is left alone.
    let edit = s.start_draft(session, Some(draft)).await.unwrap();
    s.put_secret(session, edit, "Wr0ng~secret.value_that_is_long_enough".into()).await.unwrap();
    s.put_draft(session, edit, fields.clone()).await.unwrap();
    let stored = s.get(draft).await.unwrap().last_check;
    let run = f.checks.check(s, target, &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Failed, "the draft's own secret was used");
    assert_eq!(s.get(draft).await.unwrap().last_check, stored);
}

#[tokio::test]
async fn a_saved_secret_is_never_sent_to_a_cloud_the_draft_moved_it_to() {
    let f = fixture().await;
    let s = &f.core.connections;
    let fields = fields_in(f.cloud(), "Fabrikam", TENANT, SECRET_APP, MAILBOX);
    let saved = f.core.add(Role::Source, fields.clone(), Some(SECRET)).await;
    // Another "cloud" the draft names: a second simulator that records what reaches it.
    let elsewhere = SimHandle::start(Seed { tenants: Vec::new(), faults: None }, 0).await.unwrap();
    let session = s.open_session(Role::Source).await.unwrap().session_id;
    let draft = s.start_draft(session, Some(saved.id)).await.unwrap();
    let mut moved = fields;
    moved.cloud = Cloud::Custom { login_url: elsewhere.base_url.clone(), graph_url: elsewhere.base_url.clone() };
    let state = s.put_draft(session, draft, moved).await.unwrap();
    assert!(!state.issues.is_empty(), "the saved secret does not follow the connection to another cloud");

    let target = CheckTarget::InSession { session, connection: draft };
    let refused = f.checks.check(s, target, &|_| {}).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Invalid);
    let reached: Value =
        reqwest::get(format!("{}/_sim/requests", elsewhere.base_url)).await.unwrap().json().await.unwrap();
    assert_eq!(reached.as_array().map(Vec::len), Some(0), "nothing reached the other cloud: {reached:#}");
}

#[tokio::test]
async fn a_redirect_is_never_followed_with_a_secret_or_a_token() {
    let f = fixture().await;
    let elsewhere = SimHandle::start(Seed { tenants: Vec::new(), faults: None }, 0).await.unwrap();
    let reached = || async {
        let log: Value =
            reqwest::get(format!("{}/_sim/requests", elsewhere.base_url)).await.unwrap().json().await.unwrap();
        log.as_array().map(Vec::len)
    };
    // The token request (it carries the secret) is redirected elsewhere.
    let to = format!("{}/{TENANT}/oauth2/v2.0/token", elsewhere.base_url);
    f.set_faults(json!({"rules": [{"route": "/oauth2/v2.0/token", "status": 307, "location": to}]})).await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    assert_eq!(status(&report, CheckId::Token), CheckStatus::Fail, "{:#?}", report.results);
    assert!(
        text(&report, CheckId::Token).0.contains("does not follow redirects"),
        "{:?}",
        text(&report, CheckId::Token)
    );
    assert_eq!(reached().await, Some(0), "the secret was not re-sent to the redirect's target");

    // A Graph request (it carries the token) is redirected elsewhere.
    let to = format!("{}/v1.0/organization", elsewhere.base_url);
    f.set_faults(json!({"rules": [{"route": "/v1.0/$batch", "status": 307, "location": to}]})).await;
    let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
    assert_eq!(report.outcome, CheckOutcome::Failed, "{:#?}", report.results);
    assert_eq!(reached().await, Some(0), "the token was not re-sent to the redirect's target");
}

#[tokio::test]
async fn a_token_answer_promising_endless_life_neither_crashes_nor_is_cached_for_ever() {
    use base64::Engine;
    let f = fixture().await;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token =
        format!("{}.{}.c2ln", b64(json!({"alg": "RS256", "typ": "JWT"})), b64(json!({"tid": TENANT, "roles": []})));
    for expires_in in [json!(u64::MAX), json!("18446744073709551615"), json!(1e300)] {
        let body = json!({"token_type": "Bearer", "expires_in": expires_in, "access_token": token});
        f.set_faults(json!({"rules": [{"route": "/oauth2/v2.0/token", "status": 200, "body": body}]})).await;
        let report = f.check(&f.with_secret(SECRET_APP, SECRET).await).await.report;
        // The forged token signs nothing in: Graph refuses it. What matters is that Mailferry
        // answered at all, with the sign-in passed and the rest explained.
        assert_eq!(status(&report, CheckId::Token), CheckStatus::Pass, "{expires_in}: {:#?}", report.results);
        assert_eq!(report.outcome, CheckOutcome::Failed);
    }
}

#[tokio::test]
async fn a_refused_tls_certificate_is_named_with_its_subject_and_issuer() {
    // entra-sim over TLS with its own authority, which this system does not trust: as when a
    // TLS-inspecting proxy puts its certificate in place of Microsoft's.
    let tls = entra_sim::tls::TlsIdentity::generate().unwrap();
    let sim = SimHandle::start_tls(Seed { tenants: Vec::new(), faults: None }, 0, &tls).await.unwrap();
    let f = fixture().await;
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let connection = f.staged_in(cloud, SECRET_APP, TENANT, MAILBOX, Cred::Secret(SECRET)).await;
    let report = f.check(&connection).await.report;
    let (summary, fix) = text(&report, CheckId::Tenant);
    assert_eq!(status(&report, CheckId::Tenant), CheckStatus::Fail);
    assert!(summary.contains("does not trust the certificate"), "{summary}");
    assert!(summary.contains("CN=entra-sim, issued by CN=entra-sim test authority"), "{summary}");
    assert!(fix.contains("TLS-inspecting proxy"), "{fix}");
}
