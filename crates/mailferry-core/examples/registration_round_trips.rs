//! Benchmark of automatic registration against entra-sim: sequential round trips and wall time
//! with 100 ms of latency per request and no replication delay, then the time to completion
//! when Microsoft takes 5 s to replicate the application, service principal, roles and
//! certificate (polled every 2 s, as in the app).
//!
//!   cargo run --release -p mailferry-core --example registration_round_trips [RUNS]

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failure here is a failed run

use std::sync::Arc;
use std::time::{Duration, Instant};

use entra_sim::request_log::sequential_round_trips;
use entra_sim::{Seed, SimHandle};
use mailferry_core::certs::CertificateStore;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::{CancellationToken, HttpConfig};
use mailferry_core::identity::signin::{registration_scopes, sign_in, Browser, SignIn, DEFAULT_SIGN_IN_CLIENT_ID};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::Role;
use mailferry_core::registration::{Registrar, RegistrationConfig, RegistrationRequest};
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;
use serde_json::{json, Value};

/// The simulator auto-approves the admin: following the redirect completes the sign-in.
struct AutoApprove;

impl Browser for AutoApprove {
    fn open(&self, url: &str) -> mailferry_core::Result<()> {
        let url = url.to_owned();
        tokio::spawn(async move {
            let _ = reqwest::Client::new().get(url).send().await;
        });
        Ok(())
    }
}

async fn sim_call(base: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new().request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap().json().await.unwrap_or(Value::Null)
}

/// One registration on a fresh simulator; returns (requests, round trips, wall time).
async fn register(consistency_secs: u64, poll: Duration) -> (usize, usize, Duration) {
    let sim = SimHandle::start(Seed::demo(), 0).await.unwrap();
    let base = sim.base_url.clone();
    sim_call(&base, reqwest::Method::PUT, "/_sim/auto-approve", Some(json!({"user": "admin@contoso.onmicrosoft.com"})))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemorySecretStore::new());
    let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
    let connections = ConnectionService::new(store, vault.clone(), CertificateStore::new(dir.path(), vault));
    let identity = IdentityClient::new(HttpConfig::default()).unwrap();
    let cloud = Cloud::Custom { login_url: base.clone(), graph_url: base.clone() };
    let request = SignIn {
        cloud: &cloud,
        tenant: "contoso.onmicrosoft.com",
        client_id: DEFAULT_SIGN_IN_CLIENT_ID,
        scopes: registration_scopes(&cloud),
        timeout: Duration::from_secs(30),
    };
    let admin = sign_in(&identity.http, &request, &AutoApprove, &CancellationToken::new()).await.unwrap();
    sim_call(&base, reqwest::Method::DELETE, "/_sim/requests", None).await;
    let secs = consistency_secs;
    let faults = json!({"rules": [{"route": "/", "latencyMs": 100}], "consistency": {
        "applicationSecs": secs, "servicePrincipalSecs": secs, "roleAssignmentSecs": secs, "credentialSecs": secs
    }});
    sim_call(&base, reqwest::Method::PUT, "/_sim/faults", Some(faults)).await;

    let registrar = Registrar::new(
        &identity,
        &connections,
        RegistrationConfig { poll_interval: poll, poll_timeout: Duration::from_secs(120) },
    );
    let begin = RegistrationRequest {
        role: Role::Source,
        cloud: cloud.clone(),
        permission_profile: None,
        scope_group: None,
        connection_name: None,
        application_mailbox: Some("migration@contoso.onmicrosoft.com".into()),
        reuse_app_id: None,
        trusted_key_ids: Vec::new(),
    };
    let started = Instant::now();
    let registration = registrar.begin(&admin, begin).await.unwrap();
    registrar.run(registration.id, &admin, &|_| {}, &CancellationToken::new()).await.unwrap();
    let wall = started.elapsed();
    let log = sim_call(&base, reqwest::Method::GET, "/_sim/requests", None).await;
    let log = log.as_array().cloned().unwrap_or_default();
    (log.len(), sequential_round_trips(&log), wall)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let mut fast = Vec::new();
    let mut counts = (0, 0);
    for _ in 0..runs {
        let (requests, round_trips, wall) = register(0, Duration::from_secs(2)).await;
        counts = (requests, round_trips);
        fast.push(wall);
    }
    let mut slow = Vec::new();
    let mut slow_counts = (0, 0);
    for _ in 0..runs.min(3) {
        let (requests, round_trips, wall) = register(5, Duration::from_secs(2)).await;
        slow_counts = (requests, round_trips);
        slow.push(wall);
    }
    println!("Automatic registration after the admin's sign-in, 100 ms latency per request (median):");
    println!(
        "  no replication delay: {} requests, {} sequential round trips (goal: at most 8), {:.0} ms",
        counts.0,
        counts.1,
        median(fast).as_secs_f64() * 1000.0
    );
    println!(
        "  5 s replication delay, polled every 2 s: {} requests, {} round trips, {:.1} s to completion",
        slow_counts.0,
        slow_counts.1,
        median(slow).as_secs_f64()
    );
}
