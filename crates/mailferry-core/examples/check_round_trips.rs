//! Benchmark of the configuration checks: wall time and sequential round trips to Microsoft
//! (counted from entra-sim's request log) with 100 ms of latency on every request, against a
//! naive client that sends one request per check, in a row.
//!
//!   cargo run --release -p mailferry-core --example check_round_trips [RUNS]

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failure here is a failed run

use std::time::{Duration, Instant};

use entra_sim::request_log::sequential_round_trips;
use entra_sim::seed::{ApplicationSeed, DomainSeed, TenantSeed, UserSeed};
use entra_sim::{Seed, SimHandle};
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Role};
use mailferry_testsupport::{fields_in, Core};
use serde_json::{json, Value};

const TENANT: &str = "0f6a2b3c-4d5e-4f60-8a1b-2c3d4e5f6a7b";
const APP: &str = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
const SECRET: &str = "Bn8Q~bench.SecretValue_0123456789abcdefXYZ";
const MAILBOX: &str = "migration@fabrikam.onmicrosoft.com";
const LATENCY_MS: u64 = 100;

fn seed() -> Seed {
    Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Fabrikam".into(),
            domains: vec![DomainSeed { name: "fabrikam.onmicrosoft.com".into(), is_default: true, is_initial: true }],
            users: vec![UserSeed {
                id: uuid::Uuid::new_v4().to_string(),
                user_principal_name: MAILBOX.into(),
                display_name: "Migration".into(),
                mail: Some(MAILBOX.into()),
                mailbox: true,
                password: None,
                roles: Vec::new(),
            }],
            applications: vec![ApplicationSeed::with_secret(
                APP,
                SECRET,
                &[
                    "User.Read.All",
                    "Organization.Read.All",
                    "Mail.Read",
                    "MailboxSettings.Read",
                    "Calendars.Read",
                    "Contacts.Read",
                ],
            )],
            conditional_access_block: false,
            mfa_required: false,
            sign_in_client_disabled: false,
            generated_users: None,
            show_accounts: false,
        }],
        faults: Some(serde_json::from_value(json!({"rules": [{"route": "/", "latencyMs": LATENCY_MS}]})).unwrap()),
    }
}

struct Measure {
    wall: Duration,
    requests: usize,
    round_trips: usize,
}

async fn request_log(client: &reqwest::Client, base: &str) -> Vec<Value> {
    let log: Value = client.get(format!("{base}/_sim/requests")).send().await.unwrap().json().await.unwrap();
    client.delete(format!("{base}/_sim/requests")).send().await.unwrap();
    log.as_array().cloned().unwrap_or_default()
}

/// One request per check, in a row, as a first version of the checks would do it.
async fn naive_checks(client: &reqwest::Client, base: &str) {
    let metadata: Value = client
        .get(format!("{base}/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(metadata["issuer"].as_str().unwrap().contains(TENANT));
    let token: Value = client
        .post(format!("{base}/{TENANT}/oauth2/v2.0/token"))
        .form(&[
            ("client_id", APP),
            ("client_secret", SECRET),
            ("scope", &format!("{base}/.default")),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_owned();
    for path in [
        "/v1.0/organization?$select=id,displayName,verifiedDomains".to_owned(),
        format!("/v1.0/users/{MAILBOX}?$select=id,userPrincipalName,mail"),
        format!("/v1.0/users/{MAILBOX}/mailFolders/inbox?$select=id,totalItemCount"),
        format!("/v1.0/applications?$filter=appId eq '{APP}'&$select=id,passwordCredentials"),
    ] {
        client.get(format!("{base}{path}")).bearer_auth(&bearer).send().await.unwrap();
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let sim = SimHandle::start(seed(), 0).await.unwrap();
    let base = sim.base_url.clone();
    let client = reqwest::Client::new();
    // A draft of the wizard, checked as Configure checks it.
    let core = Core::new().await;
    let cloud = Cloud::Custom { login_url: base.clone(), graph_url: base.clone() };
    let fields = fields_in(cloud, "Fabrikam", "fabrikam.onmicrosoft.com", APP, MAILBOX);
    let drafted = core.draft(Role::Source, fields, Some(SECRET)).await;
    let target = CheckTarget::InSession { session: drafted.session, connection: drafted.draft };
    request_log(&client, &base).await;

    let (mut cold, mut warm, mut naive) = (Vec::<Measure>::new(), Vec::<Measure>::new(), Vec::<Measure>::new());
    for _ in 0..runs {
        // A new process: nothing cached.
        let checks = CheckService::new(IdentityClient::new(HttpConfig::default()).unwrap());
        for measures in [&mut cold, &mut warm] {
            let started = Instant::now();
            let run = checks.check(&core.connections, target, &|_| {}).await.unwrap();
            let wall = started.elapsed();
            assert_eq!(run.report.outcome, CheckOutcome::Passed);
            let log = request_log(&client, &base).await;
            measures.push(Measure { wall, requests: log.len(), round_trips: sequential_round_trips(&log) });
        }
        let started = Instant::now();
        naive_checks(&client, &base).await;
        let wall = started.elapsed();
        let log = request_log(&client, &base).await;
        naive.push(Measure { wall, requests: log.len(), round_trips: sequential_round_trips(&log) });
    }

    println!("Configuration checks, {runs} runs, {LATENCY_MS} ms latency per request (median wall time):");
    println!("{:<48} {:>9} {:>9} {:>12}", "", "requests", "in a row", "wall time");
    let naive_wall = median(naive.iter().map(|m| m.wall).collect());
    for (label, measures) in [
        ("Mailferry, first run (tenant metadata fetched)", &cold),
        ("Mailferry, later runs (metadata cached)", &warm),
        ("naive: one request per check, in a row", &naive),
    ] {
        let wall = median(measures.iter().map(|m| m.wall).collect());
        println!(
            "{label:<48} {:>9} {:>9} {:>9.0} ms  ({:.2}x naive)",
            measures[0].requests,
            measures[0].round_trips,
            wall.as_secs_f64() * 1000.0,
            wall.as_secs_f64() / naive_wall.as_secs_f64()
        );
    }
}
