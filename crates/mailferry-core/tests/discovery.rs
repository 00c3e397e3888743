//! Mailbox discovery against entra-sim tenants of thousands of generated users: every page read,
//! every user classified, throttling survived, and a cancel that stops the requests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;
use std::time::Duration;

use entra_sim::seed::{ApplicationSeed, GeneratedUsers};
use entra_sim::{Seed, SimHandle};
use mailferry_core::cloud::Cloud;
use mailferry_core::http::{CancellationToken, HttpConfig};
use mailferry_core::identity::IdentityClient;
use mailferry_core::mailboxes::{discover, DiscoveryPage, DiscoveryTotals};
use mailferry_core::model::{Connection, Role};
use mailferry_core::ErrorCode;
use mailferry_testsupport::{fields_in, Core};
use serde_json::{json, Value};

const APP: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET: &str = "Ds1~discovery.SecretValue_0123456789abcdefXYZ";
/// The demo tenant's own users, before the generated ones.
const DEMO_USERS: usize = 6;

struct Fixture {
    sim: SimHandle,
    identity: IdentityClient,
    core: Core,
    connection: Connection,
}

async fn fixture(generated: usize) -> Fixture {
    let mut seed = Seed::demo();
    seed.tenants[0].generated_users =
        Some(GeneratedUsers { count: generated, without_mailbox_every: 10, without_mail_every: 25 });
    seed.tenants[0].applications = vec![ApplicationSeed::with_secret(APP, SECRET, &["User.Read.All"])];
    let sim = SimHandle::start(seed, 0).await.unwrap();
    let core = Core::new().await;
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let fields = fields_in(cloud, "Contoso", "contoso.onmicrosoft.com", APP, "migration@contoso.onmicrosoft.com");
    let connection = core.add(Role::Source, fields, Some(SECRET)).await;
    let http = HttpConfig {
        request_timeout: Duration::from_secs(30),
        min_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        ..HttpConfig::default()
    };
    Fixture { identity: IdentityClient::new(http).unwrap(), sim, core, connection }
}

impl Fixture {
    async fn user_requests(&self) -> Vec<Value> {
        let log: Value =
            reqwest::get(format!("{}/_sim/requests", self.sim.base_url)).await.unwrap().json().await.unwrap();
        log.as_array().unwrap().iter().filter(|r| r["path"] == "/v1.0/users").cloned().collect()
    }

    async fn set_faults(&self, faults: Value) {
        reqwest::Client::new().put(format!("{}/_sim/faults", self.sim.base_url)).json(&faults).send().await.unwrap();
    }
}

/// What the generated tenant holds: every 10th user has no mailbox, every 25th no mail.
fn expected(generated: usize) -> DiscoveryTotals {
    let every = |k: usize| generated / k;
    let no_mail = every(25);
    let no_mailbox = every(10) + no_mail - generated / 50; // multiples of 50 counted once
    let pages = (generated + DEMO_USERS).div_ceil(999);
    DiscoveryTotals {
        users_read: generated + DEMO_USERS,
        // The demo tenant has one user without a mailbox (with a mail address).
        mailboxes: generated - no_mailbox + DEMO_USERS - 1,
        without_exchange: no_mailbox - no_mail + 1,
        pages,
    }
}

#[tokio::test]
async fn every_page_is_read_and_every_user_classified() {
    let f = fixture(2_500).await;
    let mut pages: Vec<DiscoveryPage> = Vec::new();
    let totals = discover(
        &f.identity,
        &f.core.connections,
        &f.connection,
        |page| {
            pages.push(page);
            Ok(())
        },
        &CancellationToken::new(),
    )
    .await
    .unwrap();

    assert_eq!(totals, expected(2_500));
    assert_eq!(pages.len(), 3, "999 users a page");
    assert_eq!(pages.last().unwrap().totals, totals, "running totals reach the end");
    let without: Vec<&str> =
        pages.iter().flat_map(|p| &p.without_exchange).map(|m| m.user_principal_name.as_str()).collect();
    assert!(without.contains(&"nomailbox@contoso.onmicrosoft.com"));
    assert!(without.contains(&"user000010@contoso.onmicrosoft.com"));
    assert!(!without.contains(&"user000025@contoso.onmicrosoft.com"), "no mail address: not a mailbox user at all");
    let all: Vec<&str> = pages.iter().flat_map(|p| &p.mailboxes).map(|m| m.user_principal_name.as_str()).collect();
    assert!(all.contains(&"user002499@contoso.onmicrosoft.com"));
    assert_eq!(f.user_requests().await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_in_the_middle_is_waited_out() {
    let f = Arc::new(fixture(2_500).await);
    let (first_page, page_seen) = std::sync::mpsc::channel::<()>();
    let (go_on, may_continue) = std::sync::mpsc::channel::<()>();
    let running = {
        let f = f.clone();
        let may_continue = std::sync::Mutex::new(may_continue);
        tokio::spawn(async move {
            let mut seen = 0;
            discover(
                &f.identity,
                &f.core.connections,
                &f.connection,
                |_| {
                    seen += 1;
                    if seen == 1 {
                        // Hold the next request until Microsoft has started throttling.
                        first_page.send(()).unwrap();
                        may_continue.lock().unwrap().recv().unwrap();
                    }
                    Ok(())
                },
                &CancellationToken::new(),
            )
            .await
        })
    };
    tokio::task::spawn_blocking(move || page_seen.recv().unwrap()).await.unwrap();
    f.set_faults(json!({"rules": [{"route": "/v1.0/users", "status": 429, "retryAfter": 1, "times": 1}]})).await;
    go_on.send(()).unwrap();

    let totals = running.await.unwrap().unwrap();
    assert_eq!(totals, expected(2_500));
    let statuses: Vec<u64> = f.user_requests().await.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [200, 429, 200, 200]);
}

#[tokio::test]
async fn a_cancel_stops_the_requests() {
    let f = fixture(2_500).await;
    let cancel = CancellationToken::new();
    let outcome = discover(
        &f.identity,
        &f.core.connections,
        &f.connection,
        |_| {
            cancel.cancel();
            Ok(())
        },
        &cancel,
    )
    .await;
    assert_eq!(outcome.unwrap_err().code(), ErrorCode::Cancelled);
    assert_eq!(f.user_requests().await.len(), 1, "no page asked for after the cancel");
}

#[tokio::test]
async fn a_tenant_of_100000_users_is_read_in_the_fewest_pages() {
    let f = fixture(100_000).await;
    let mut largest_page = 0;
    let totals = discover(
        &f.identity,
        &f.core.connections,
        &f.connection,
        |page| {
            largest_page = largest_page.max(page.mailboxes.len() + page.without_exchange.len());
            Ok(())
        },
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(totals, expected(100_000));
    assert_eq!(f.user_requests().await.len(), 100_006usize.div_ceil(999), "ceil(users / 999) requests");
    assert!(largest_page <= 999, "pages are handed on one by one");
}

/// A page of one user whose next link is `next`, as a misbehaving or hostile server sends it.
fn page_leading_to(next: &str) -> Value {
    json!({
        "value": [{"id": "u1", "displayName": "One", "userPrincipalName": "one@contoso.onmicrosoft.com",
                   "mail": "one@contoso.onmicrosoft.com", "mailboxSettings": {"userPurpose": "user"}}],
        "@odata.nextLink": next
    })
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed_and_the_token_goes_nowhere_else() {
    let f = fixture(10).await;
    let elsewhere = SimHandle::start(Seed { tenants: Vec::new(), faults: None }, 0).await.unwrap();
    let foreign = format!("{}/v1.0/users?$skiptoken=stolen", elsewhere.base_url);
    f.set_faults(json!({"rules": [{"route": "/v1.0/users", "status": 200, "body": page_leading_to(&foreign)}]})).await;

    let error = discover(&f.identity, &f.core.connections, &f.connection, |_| Ok(()), &CancellationToken::new())
        .await
        .unwrap_err();

    assert_eq!(error.code(), ErrorCode::UnexpectedResponse);
    assert!(error.to_string().contains("leads away from Microsoft Graph"), "{error}");
    assert!(!error.to_string().contains("stolen"), "the link's query is not repeated: {error}");
    let reached: Value =
        reqwest::get(format!("{}/_sim/requests", elsewhere.base_url)).await.unwrap().json().await.unwrap();
    assert_eq!(reached.as_array().map(Vec::len), Some(0), "the bearer token went nowhere else: {reached:#}");

    // Another path on Graph's own host is refused too: only /v1.0 and /beta are Graph's.
    let outside = format!("{}/_sim/requests?x=1", f.sim.base_url);
    f.set_faults(json!({"rules": [{"route": "/v1.0/users", "status": 200, "body": page_leading_to(&outside)}]})).await;
    let error = discover(&f.identity, &f.core.connections, &f.connection, |_| Ok(()), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("leads away from Microsoft Graph"), "{error}");
}

#[tokio::test]
async fn a_next_link_that_leads_back_to_a_page_already_read_stops_the_paging() {
    let f = fixture(10).await;
    let first = format!("{}/v1.0/users?$skiptoken=again", f.sim.base_url);
    f.set_faults(json!({"rules": [{"route": "/v1.0/users", "status": 200, "body": page_leading_to(&first)}]})).await;

    let mut pages = 0;
    let error = discover(
        &f.identity,
        &f.core.connections,
        &f.connection,
        |_| {
            pages += 1;
            Ok(())
        },
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();

    assert!(error.to_string().contains("leads back to a page already read"), "{error}");
    assert_eq!(pages, 1, "the first page; the page its link named links to itself, and paging stops there");
    assert_eq!(f.user_requests().await.len(), 2, "two requests, not an endless loop");
}

#[tokio::test]
async fn a_connection_reset_in_the_middle_of_100000_users_is_retried_and_discovery_goes_on_from_that_page() {
    let f = fixture(100_000).await;
    // The 51st page request (of 101) loses its connection once.
    f.set_faults(json!({"rules": [
        {"route": "/v1.0/users", "method": "GET", "drop": true, "after": 50, "times": 1},
    ]}))
    .await;
    let totals =
        discover(&f.identity, &f.core.connections, &f.connection, |_| Ok(()), &CancellationToken::new()).await.unwrap();
    assert_eq!(totals, expected(100_000), "every user read despite the reset");
    let requests = f.user_requests().await;
    let pages = 100_006usize.div_ceil(999);
    assert_eq!(requests.len(), pages + 1, "every page once, the one reset twice");
    assert_ne!(requests[50]["query"], requests[49]["query"]);
    assert_eq!(requests[51]["query"], requests[50]["query"], "the same next link asked for again, not the first page");
}
