//! Certificate renewal against entra-sim, with no administrator: the application adds a new
//! certificate proven by its current one, waits until Microsoft issues tokens for it, switches
//! the connection, and removes the old one proven by the new one. A kill at any step resumes;
//! a refused removeKey leaves both certificates and a working connection.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;
use std::time::{Duration, Instant};

use entra_sim::Seed;
use mailferry_core::checks::CheckService;
use mailferry_core::connections::{CheckTarget, Upsert};
use mailferry_core::http::{CancellationToken, HttpConfig};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::registration::StepState;
use mailferry_core::model::{CheckOutcome, Connection, Credential, Role};
use mailferry_core::renewal::{RenewalStatus, RenewalStep, Renewer};
use mailferry_core::ErrorCode;
use mailferry_testsupport::recorder;
use mailferry_testsupport::register::register_source;
use mailferry_testsupport::sim_core::SimCore;
use serde_json::{json, Value};

struct Fixture(SimCore);

impl std::ops::Deref for Fixture {
    type Target = SimCore;
    fn deref(&self) -> &SimCore {
        &self.0
    }
}

fn fast_http() -> HttpConfig {
    mailferry_testsupport::fast_http(Duration::from_millis(800))
}

async fn fixture(seed: Seed) -> Fixture {
    Fixture(SimCore::start(seed).await)
}

impl Fixture {
    fn renewer(&self) -> Renewer<'_> {
        Renewer::new(&self.identity, &self.connections, self.config.clone())
    }

    async fn sim(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.sim.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap_or(Value::Null)
    }

    async fn set_faults(&self, faults: Value) {
        self.sim(reqwest::Method::PUT, "/_sim/faults", Some(faults)).await;
    }

    async fn requests(&self) -> usize {
        self.sim(reqwest::Method::GET, "/_sim/requests", None).await.as_array().map_or(0, Vec::len)
    }

    async fn clear_requests(&self) {
        self.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
    }

    /// The SHA-1 thumbprints of the certificates on the application `app_id`, as Entra keeps them.
    async fn certificates_on(&self, app_id: &str) -> Vec<String> {
        let apps = self.sim(reqwest::Method::GET, "/_sim/applications", None).await;
        let app = apps.as_array().unwrap().iter().find(|a| a["appId"] == app_id).cloned().unwrap();
        let mut thumbprints: Vec<String> = app["keyCredentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["customKeyIdentifier"].as_str().unwrap().to_owned())
            .collect();
        thumbprints.sort();
        thumbprints
    }

    async fn object_id_of(&self, app_id: &str) -> String {
        let apps = self.sim(reqwest::Method::GET, "/_sim/applications", None).await;
        let app = apps.as_array().unwrap().iter().find(|a| a["appId"] == app_id).cloned().unwrap();
        app["id"].as_str().unwrap().to_owned()
    }

    /// An automatically registered source connection, as Mailferry registers it.
    async fn registered(&self) -> Connection {
        let cloud = self.cloud();
        register_source(&self.identity, &self.connections, self.config.clone(), &cloud, &|_| {}).await.unwrap()
    }

    async fn assert_it_works(&self, connection: &Connection) {
        let checks = CheckService::new(IdentityClient::new(fast_http()).unwrap());
        let run = checks.check(&self.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
        assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
    }
}

fn thumbprint(connection: &Connection) -> String {
    match &connection.credential {
        Credential::Certificate { sha1_thumbprint, .. } => sha1_thumbprint.clone(),
        Credential::Secret { .. } => panic!("a certificate connection"),
    }
}

#[tokio::test]
async fn a_registered_connection_renews_its_certificate_through_replication_with_no_administrator() {
    for replication_secs in [0, 2] {
        let f = fixture(Seed::demo()).await;
        let before = f.registered().await;
        let old = thumbprint(&before);
        f.set_faults(json!({"rules": [], "consistency": {"credentialSecs": replication_secs}})).await;
        f.clear_requests().await;
        let started = Instant::now();

        let renewal = f.renewer().begin(before.id, None).await.unwrap();
        let (events, on_event) = recorder();
        let done = f.renewer().run(renewal.id, &on_event, &CancellationToken::new()).await.unwrap();

        let (requests, seconds) = (f.requests().await, started.elapsed().as_secs_f64());
        println!("renewal with {replication_secs} s replication: {requests} requests, {seconds:.2} s");
        assert_eq!(done.status, RenewalStatus::Completed);
        assert_eq!(done.warning, None, "the old certificate was removed");
        let after = f.connections.get(before.id).await.unwrap();
        let new = thumbprint(&after);
        assert_ne!(new, old);
        let years = (after.credential.expires_at().unwrap() - chrono::Utc::now()).num_days() / 365;
        assert!(years >= 4, "valid about 5 years: {:?}", after.credential.expires_at());
        assert_eq!(f.certificates_on(&after.client_id).await, vec![new.clone()], "only the new one is on the app");
        assert!(f.connections.certificates().find(&old).await.unwrap().is_none(), "the old key left the keychain");
        if replication_secs > 0 {
            let waited =
                events.lock().unwrap().iter().any(|e| e.step == RenewalStep::Proven && e.state == StepState::Waiting);
            assert!(waited, "the new certificate was waited for, not assumed");
        }
        f.assert_it_works(&after).await;
    }
}

/// The process dies while each step's call is in flight; the next run resumes and finishes with
/// one new certificate on the application and a working connection.
#[tokio::test]
async fn a_kill_at_each_step_resumes_to_one_new_certificate_and_a_working_connection() {
    let routes = [
        (RenewalStep::Certificate, None),
        (RenewalStep::AddKey, Some("/addKey")),
        (RenewalStep::Proven, Some("/oauth2/v2.0/token")),
        (RenewalStep::Switch, None),
        (RenewalStep::RemoveOld, Some("/removeKey")),
    ];
    for (step, route) in routes {
        let f = Arc::new(fixture(Seed::demo()).await);
        let before = f.registered().await;
        if let Some(route) = route {
            f.set_faults(json!({"rules": [{"route": route, "latencyMs": 1500}]})).await;
        }
        let renewal = f.renewer().begin(before.id, None).await.unwrap();
        let (events, on_event) = recorder();
        let run = {
            let f = f.clone();
            tokio::spawn(async move { f.renewer().run(renewal.id, &on_event, &CancellationToken::new()).await })
        };
        while !events.lock().unwrap().iter().any(|e| e.step == step && e.state == StepState::Started) {
            if run.is_finished() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(if route.is_some() { 300 } else { 0 })).await;
        run.abort();
        let _ = run.await;
        f.set_faults(json!({"rules": []})).await;

        // Whatever the step, the connection still signs in after the kill.
        let between = f.connections.get(before.id).await.unwrap();
        f.assert_it_works(&between).await;

        let resumed = f.renewer().begin(before.id, None).await.unwrap();
        assert_eq!(resumed.id, renewal.id, "{step:?}: the unfinished renewal is resumed, not another started");
        let done = f.renewer().run(resumed.id, &|_| {}, &CancellationToken::new()).await.unwrap();
        assert_eq!(done.status, RenewalStatus::Completed, "{step:?}");
        let after = f.connections.get(before.id).await.unwrap();
        assert_eq!(f.certificates_on(&after.client_id).await, vec![thumbprint(&after)], "{step:?}");
        f.assert_it_works(&after).await;
    }
}

#[tokio::test]
async fn a_refused_remove_key_leaves_both_certificates_and_a_working_connection() {
    let f = fixture(Seed::demo()).await;
    let before = f.registered().await;
    let refusal = json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}});
    f.set_faults(json!({"rules": [{"route": "/removeKey", "status": 403, "body": refusal}]})).await;
    let renewal = f.renewer().begin(before.id, None).await.unwrap();
    let done = f.renewer().run(renewal.id, &|_| {}, &CancellationToken::new()).await.unwrap();

    assert_eq!(done.status, RenewalStatus::Completed);
    let warning = done.warning.unwrap_or_default();
    assert!(warning.contains(&thumbprint(&before)) && warning.contains("Certificates & secrets"), "{warning}");
    let after = f.connections.get(before.id).await.unwrap();
    let mut both = vec![thumbprint(&before), thumbprint(&after)];
    both.sort();
    assert_eq!(f.certificates_on(&after.client_id).await, both);
    f.assert_it_works(&after).await;
}

/// A certificate the admin uploaded by hand: the application's own token may not read the
/// application, so its Object ID is asked for, and the old certificate stays with a warning.
#[tokio::test]
async fn a_manual_connection_asks_for_the_object_id_and_names_the_old_certificate_it_leaves() {
    let f = fixture(entra_sim::demo::seed()).await;
    let tenant = entra_sim::demo::CONTOSO;
    let imported =
        mailferry_core::certs::import(tenant.pfx, None, Some(entra_sim::demo::PFX_PASSWORD)).unwrap().certificate;
    let info = f.connections.certificates().put(&imported).await.unwrap();
    let mut connection = mailferry_testsupport::connection(Role::Source, "Contoso by hand");
    connection.cloud = f.cloud();
    connection.tenant_id = tenant.tenant_id.into();
    connection.client_id = tenant.client_id.into();
    connection.application_mailbox = format!("migration@{}", tenant.domain);
    connection.credential = Credential::Certificate {
        sha1_thumbprint: info.sha1_thumbprint.clone(),
        sha256_thumbprint: Some(info.sha256_thumbprint.clone()),
        subject: Some(info.subject.clone()),
        not_after: Some(info.not_after),
    };
    f.connections.save(vec![Upsert { connection: connection.clone(), secret: None }], &[]).await.unwrap();

    let error = f.renewer().begin(connection.id, None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::ObjectIdNeeded, "{error}");
    assert!(error.hint().unwrap_or_default().contains("Overview page"), "{:?}", error.hint());
    let error = f.renewer().begin(connection.id, Some(tenant.client_id.replace('-', "x"))).await.unwrap_err();
    assert!(error.to_string().contains("is not an Object ID"), "{error}");

    let object_id = f.object_id_of(tenant.client_id).await;
    let renewal = f.renewer().begin(connection.id, Some(object_id.to_uppercase())).await.unwrap();
    let done = f.renewer().run(renewal.id, &|_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(done.status, RenewalStatus::Completed);
    assert!(done.warning.unwrap_or_default().contains(&info.sha1_thumbprint), "the old one is named");
    let after = f.connections.get(connection.id).await.unwrap();
    assert_ne!(thumbprint(&after), info.sha1_thumbprint);
    assert_eq!(f.certificates_on(tenant.client_id).await.len(), 2, "the admin's certificate stays");
    f.assert_it_works(&after).await;
}

#[tokio::test]
async fn a_secret_or_an_expired_certificate_is_not_renewed_and_says_what_to_do_instead() {
    let f = fixture(Seed::demo()).await;
    let mut secret = mailferry_testsupport::connection(Role::Source, "With a secret");
    secret.credential = Credential::Secret { hint: "Zq4".into(), expires_at: None };
    f.connections
        .save(vec![Upsert { connection: secret.clone(), secret: Some(mailferry_testsupport::SECRET.into()) }], &[])
        .await
        .unwrap();
    let error = f.renewer().begin(secret.id, None).await.unwrap_err();
    assert!(error.to_string().contains("signs in with a client secret"), "{error}");
    assert!(error.hint().unwrap_or_default().contains("new client secret"));

    // Microsoft takes addKey only from an application that still has a valid certificate.
    let now = chrono::Utc::now();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, "Expired");
    params.not_before =
        time::OffsetDateTime::from_unix_timestamp((now - chrono::Duration::days(400)).timestamp()).unwrap();
    params.not_after =
        time::OffsetDateTime::from_unix_timestamp((now - chrono::Duration::days(3)).timestamp()).unwrap();
    let der = params.self_signed(&key).unwrap().der().to_vec();
    let keyed = mailferry_core::certs::KeyedCertificate {
        info: mailferry_core::certs::inspect(&der).unwrap(),
        der,
        key_pkcs8: zeroize::Zeroizing::new(key.serialize_der()),
    };
    let info = f.connections.certificates().put(&keyed).await.unwrap();
    let mut expired = mailferry_testsupport::connection(Role::Source, "Expired certificate");
    expired.credential = Credential::Certificate {
        sha1_thumbprint: info.sha1_thumbprint,
        sha256_thumbprint: Some(info.sha256_thumbprint),
        subject: Some(info.subject),
        not_after: Some(info.not_after),
    };
    f.connections.save(vec![Upsert { connection: expired.clone(), secret: None }], &[]).await.unwrap();
    let error = f.renewer().begin(expired.id, None).await.unwrap_err();
    assert!(error.to_string().contains("expired on"), "{error}");
    assert!(error.hint().unwrap_or_default().contains("Automatic registration"), "{:?}", error.hint());
}
