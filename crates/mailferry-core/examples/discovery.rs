//! Benchmark of mailbox discovery: 100,000 users in entra-sim with 20 ms of latency per
//! request: requests made (goal: ceil(100000 / 999) + at most 2), wall time, and the peak
//! memory of this process (which holds the whole result, as the app does).
//!
//!   cargo run --release -p mailferry-core --example discovery [USERS]

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failure here is a failed run

use std::time::Instant;

use entra_sim::seed::{ApplicationSeed, GeneratedUsers};
use entra_sim::{Seed, SimHandle};
use mailferry_core::cloud::Cloud;
use mailferry_core::http::{CancellationToken, HttpConfig};
use mailferry_core::identity::IdentityClient;
use mailferry_core::mailboxes::{discover, Mailbox};
use mailferry_core::model::Role;
use mailferry_testsupport::{fields_in, Core};
use serde_json::{json, Value};

const APP: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET: &str = "Bn1~discovery.SecretValue_0123456789abcdefXYZ";

/// Peak resident memory of this process (Linux), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let users: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let mut seed = Seed::demo();
    seed.tenants[0].generated_users =
        Some(GeneratedUsers { count: users, without_mailbox_every: 10, without_mail_every: 0 });
    seed.tenants[0].applications = vec![ApplicationSeed::with_secret(APP, SECRET, &["User.Read.All"])];
    let sim = SimHandle::start(seed, 0).await.unwrap();
    let base = sim.base_url.clone();
    let client = reqwest::Client::new();
    client
        .put(format!("{base}/_sim/faults"))
        .json(&json!({"rules": [{"route": "/", "latencyMs": 20}]}))
        .send()
        .await
        .unwrap();
    let before = peak_memory_mb().unwrap_or_default();

    let core = Core::new().await;
    let connections = &core.connections;
    let cloud = Cloud::Custom { login_url: base.clone(), graph_url: base.clone() };
    let fields = fields_in(cloud, "Contoso", "contoso.onmicrosoft.com", APP, "migration@contoso.onmicrosoft.com");
    let connection = core.add(Role::Source, fields, Some(SECRET)).await;
    let identity = IdentityClient::new(HttpConfig::default()).unwrap();
    client.delete(format!("{base}/_sim/requests")).send().await.unwrap();

    let started = Instant::now();
    let mut first_page = None;
    let mut kept: Vec<Mailbox> = Vec::new();
    let totals = discover(
        &identity,
        connections,
        &connection,
        |page| {
            first_page.get_or_insert_with(|| started.elapsed());
            kept.extend(page.mailboxes);
            Ok(())
        },
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let wall = started.elapsed();
    let log: Value = client.get(format!("{base}/_sim/requests")).send().await.unwrap().json().await.unwrap();
    let requests = log.as_array().map(Vec::len).unwrap_or_default();
    let goal = (users + 6).div_ceil(999) + 2;
    println!(
        "Mailbox discovery of {} users ({} mailboxes), 20 ms latency per request:",
        totals.users_read, totals.mailboxes
    );
    println!("  requests: {requests} (metadata, token and {} pages; goal at most {goal})", totals.pages);
    println!(
        "  first page after {:.0} ms, all after {:.2} s",
        first_page.unwrap_or_default().as_secs_f64() * 1000.0,
        wall.as_secs_f64()
    );
    println!(
        "  peak memory of this process (simulator included): {:.0} MB, {:.0} MB before discovery; {} mailboxes kept",
        peak_memory_mb().unwrap_or_default(),
        before,
        kept.len()
    );
}
