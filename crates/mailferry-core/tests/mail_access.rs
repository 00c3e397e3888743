//! Check 6 (mail access) proves a migration can run, for each permission profile and role,
//! against entra-sim over loopback: full fidelity through Microsoft Graph's mailbox import
//! and export API (with its archive redirects), item level through messages, events and
//! contacts. Nothing of a mailbox's content or an import URL reaches the report.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::time::Duration;

use chrono::Utc;
use entra_sim::request_log::sequential_round_trips;
use entra_sim::seed::{ApplicationSeed, DomainSeed, SecretSeed, TenantSeed, UserSeed};
use entra_sim::{Seed, SimHandle};
use mailferry_core::checks::{CheckId, CheckReport, CheckService, CheckStatus};
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Role};
use mailferry_core::permissions::{permission_set, PermissionProfile};
use mailferry_testsupport::{fields_in, Core};
use serde_json::{json, Value};

const TENANT: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const DOMAIN: &str = "northwind.onmicrosoft.com";
const MAILBOX: &str = "migration@northwind.onmicrosoft.com";
const EMPTY_MAILBOX: &str = "empty@northwind.onmicrosoft.com";
const SECRET: &str = "Nw8Q~mailaccess.SecretValue_0123456789abcdef";

const FULL_SOURCE: &str = "11111111-1111-4111-8111-111111111111";
const FULL_SOURCE_NO_EXPORT: &str = "22222222-2222-4222-8222-222222222222";
const FULL_TARGET: &str = "33333333-3333-4333-8333-333333333333";
const FULL_TARGET_NO_IMPORT: &str = "44444444-4444-4444-8444-444444444444";
const ITEM_TARGET: &str = "55555555-5555-4555-8555-555555555555";

fn names(role: Role, profile: PermissionProfile) -> Vec<String> {
    permission_set(role, profile).into_iter().map(|p| p.name).collect()
}

fn app(app_id: &str, roles: Vec<String>) -> ApplicationSeed {
    ApplicationSeed {
        app_id: app_id.into(),
        display_name: "Mailferry Migration".into(),
        secrets: vec![SecretSeed {
            key_id: uuid::Uuid::new_v4().to_string(),
            value: SECRET.into(),
            end_date_time: Utc::now() + chrono::Duration::days(365),
        }],
        certificates: Vec::new(),
        granted_roles: roles,
    }
}

fn user(upn: &str, display_name: &str) -> UserSeed {
    UserSeed {
        id: uuid::Uuid::new_v4().to_string(),
        user_principal_name: upn.into(),
        display_name: display_name.into(),
        mail: Some(upn.into()),
        mailbox: true,
        password: None,
        roles: Vec::new(),
    }
}

fn northwind() -> Seed {
    let without = |mut roles: Vec<String>, name: &str| {
        roles.retain(|r| r != name);
        roles
    };
    let full_source = names(Role::Source, PermissionProfile::FullFidelity);
    let full_target = names(Role::Target, PermissionProfile::FullFidelity);
    Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Northwind".into(),
            domains: vec![DomainSeed { name: DOMAIN.into(), is_default: true, is_initial: true }],
            // The simulator gives an inbox seven items per letter of the display name.
            users: vec![user(MAILBOX, "Migration"), user(EMPTY_MAILBOX, "")],
            applications: vec![
                app(FULL_SOURCE, full_source.clone()),
                app(FULL_SOURCE_NO_EXPORT, without(full_source, "MailboxItem.Export.All")),
                app(FULL_TARGET, full_target.clone()),
                app(FULL_TARGET_NO_IMPORT, without(full_target, "MailboxItem.ImportExport.All")),
                app(ITEM_TARGET, names(Role::Target, PermissionProfile::ItemLevel)),
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

struct Fixture {
    core: Core,
    sim: SimHandle,
    checks: CheckService,
}

async fn fixture() -> Fixture {
    let http = mailferry_testsupport::fast_http(Duration::from_secs(5));
    Fixture {
        core: Core::new().await,
        sim: SimHandle::start(northwind(), 0).await.unwrap(),
        checks: CheckService::new(IdentityClient::new(http).unwrap()),
    }
}

impl Fixture {
    async fn check(&self, role: Role, profile: PermissionProfile, client_id: &str, mailbox: &str) -> CheckReport {
        let cloud = Cloud::Custom { login_url: self.sim.base_url.clone(), graph_url: self.sim.base_url.clone() };
        let mut fields = fields_in(cloud, &format!("Northwind {}", uuid::Uuid::new_v4()), TENANT, client_id, mailbox);
        fields.permission_profile = profile;
        let drafted = self.core.draft(role, fields, Some(SECRET)).await;
        let target = CheckTarget::InSession { session: drafted.session, connection: drafted.draft };
        self.checks.check(&self.core.connections, target, &|_| {}).await.unwrap().report
    }

    async fn sim(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.sim.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap_or(Value::Null)
    }

    /// The user's mailbox ids; `aux` puts its items in an auxiliary archive.
    async fn exchange(&self, user: &str, aux: bool) -> Value {
        let path = format!("/_sim/tenants/{TENANT}/users/{user}/exchange");
        self.sim(reqwest::Method::PUT, &path, Some(json!({ "itemsInAuxiliaryArchive": aux }))).await
    }

    async fn requests(&self) -> Vec<Value> {
        self.sim(reqwest::Method::GET, "/_sim/requests", None).await.as_array().cloned().unwrap_or_default()
    }

    async fn clear_requests(&self) {
        self.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;
    }
}

fn access(report: &CheckReport) -> (CheckStatus, String, String) {
    let result = report.result(CheckId::MailAccess).unwrap();
    (result.status, result.summary.clone(), result.fix.clone().unwrap_or_default())
}

/// The requests, alone or inside a `$batch`, whose path contains `part`, as `METHOD path`.
fn calls(log: &[Value], part: &str) -> Vec<String> {
    log.iter()
        .flat_map(|r| {
            let alone =
                format!("{} {}", r["method"].as_str().unwrap_or_default(), r["path"].as_str().unwrap_or_default());
            let batched = r["batched"].as_array().cloned().unwrap_or_default();
            std::iter::once(alone).chain(batched.into_iter().filter_map(|b| b.as_str().map(str::to_owned)))
        })
        .filter(|call| call.split('?').next().unwrap_or_default().contains(part))
        .collect()
}

#[tokio::test]
async fn a_full_fidelity_source_lists_folders_and_items_and_exports_one_item_which_it_keeps_nothing_of() {
    let f = fixture().await;
    f.clear_requests().await;
    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, MAILBOX).await;

    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    let (_, summary, _) = access(&report);
    assert!(
        summary.contains("listed the 5 folders of migration@northwind.onmicrosoft.com (Inbox: 63 items)"),
        "{summary}"
    );
    assert!(summary.contains("exported one item in full fidelity"), "{summary}");
    // The exported stream is dropped at once: nothing of it is in the report.
    let written = serde_json::to_string(&report).unwrap();
    assert!(!written.contains("FTS stream") && !written.contains("RlRTIHN0cmVhb"), "{written}");

    // Metadata, token, the first batch (with settings/exchange), one batch for the folders
    // and the items, one export: five round trips in a row.
    let log = f.requests().await;
    assert_eq!(sequential_round_trips(&log), 5, "{log:#?}");
    assert_eq!(calls(&log, "/exportItems").len(), 1);
    assert_eq!(calls(&log, "/settings/exchange").len(), 1);
    assert_eq!(calls(&log, "/folders/inbox/items").len(), 1);
    assert!(calls(&log, "/mailFolders/").is_empty(), "no item-level read: {log:#?}");
}

#[tokio::test]
async fn a_full_fidelity_source_without_the_export_permission_is_told_which_permission_it_needs() {
    let f = fixture().await;
    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE_NO_EXPORT, MAILBOX).await;

    assert_eq!(report.missing_permissions, ["MailboxItem.Export.All"]);
    let (status, summary, fix) = access(&report);
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        summary.contains("export an item of migration@northwind.onmicrosoft.com: it needs MailboxItem.Export.All"),
        "{summary}"
    );
    assert!(fix.contains("Grant the Microsoft Graph application permission MailboxItem.Export.All"), "{fix}");
    assert_eq!(report.result(CheckId::MailAccess).unwrap().microsoft.as_ref().unwrap().code, "ErrorAccessDenied");
}

#[tokio::test]
async fn a_full_fidelity_target_opens_an_import_session_and_keeps_no_import_url() {
    let f = fixture().await;
    f.clear_requests().await;
    let report = f.check(Role::Target, PermissionProfile::FullFidelity, FULL_TARGET, MAILBOX).await;

    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    let (_, summary, _) = access(&report);
    assert!(summary.contains("opened an import session (nothing imported)"), "{summary}");
    let written = serde_json::to_string(&report).unwrap();
    assert!(!written.contains("authtoken") && !written.contains("importItem"), "{written}");
    // The folders and the import session share one batch: four round trips in a row.
    let log = f.requests().await;
    assert_eq!(sequential_round_trips(&log), 4, "{log:#?}");
    assert!(calls(&log, "/exportItems").is_empty());
}

#[tokio::test]
async fn a_full_fidelity_target_without_import_export_is_told_which_permission_it_needs() {
    let f = fixture().await;
    let report = f.check(Role::Target, PermissionProfile::FullFidelity, FULL_TARGET_NO_IMPORT, MAILBOX).await;
    let (status, summary, _) = access(&report);
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        summary.contains(
            "open an import session on migration@northwind.onmicrosoft.com: it needs MailboxItem.ImportExport.All"
        ),
        "{summary}"
    );
}

#[tokio::test]
async fn an_item_in_an_auxiliary_archive_is_exported_again_where_microsoft_says() {
    let f = fixture().await;
    let ids = f.exchange(MAILBOX, true).await;
    let aux = ids["auxiliaryArchiveMailboxId"].as_str().unwrap().to_owned();
    f.clear_requests().await;

    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, MAILBOX).await;

    assert_eq!(access(&report).0, CheckStatus::Pass, "{:#?}", report.results);
    let exports = calls(&f.requests().await, "/exportItems");
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(exports[1].contains(&aux.replace(':', "%3A")) || exports[1].contains(&aux), "{exports:?}");
}

#[tokio::test]
async fn the_archive_error_spelled_as_in_microsofts_redirect_example_is_followed_too() {
    let f = fixture().await;
    let ids = f.exchange(MAILBOX, false).await;
    let aux = ids["auxiliaryArchiveMailboxId"].as_str().unwrap();
    // Microsoft's "Handle archive mailbox redirects" example, word for word but for the URL.
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.exportItemResponse)",
        "value": [{
            "itemId": "AQMkADVmZgBkYzA2OSADDSG",
            "Error": {
                "message": format!("{}/v1.0/admin/exchange/mailboxes/{aux}/exportItems", f.sim.base_url),
                "code": "ErrorArchiveFolderMovedPermanently"
            }
        }]
    });
    let rule = json!({"rules": [{"route": "/exportItems", "status": 200, "body": body, "times": 1}]});
    f.sim(reqwest::Method::PUT, "/_sim/faults", Some(rule)).await;
    f.clear_requests().await;

    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, MAILBOX).await;

    assert_eq!(access(&report).0, CheckStatus::Pass, "{:#?}", report.results);
    let exports = calls(&f.requests().await, "/exportItems");
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(exports[1].contains(&aux.replace(':', "%3A")) || exports[1].contains(aux), "{exports:?}");
}

#[tokio::test]
async fn a_folder_list_redirected_to_an_auxiliary_archive_is_followed_with_the_token() {
    let f = fixture().await;
    let ids = f.exchange(MAILBOX, false).await;
    let aux = ids["auxiliaryArchiveMailboxId"].as_str().unwrap();
    let location = format!("{}/v1.0/admin/exchange/mailboxes/{aux}/folders", f.sim.base_url);
    let rule =
        json!({"rules": [{"route": "/folders", "method": "GET", "status": 308, "location": location, "times": 1}]});
    f.sim(reqwest::Method::PUT, "/_sim/faults", Some(rule)).await;

    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, MAILBOX).await;

    assert_eq!(access(&report).0, CheckStatus::Pass, "{:#?}", report.results);
    let folder_reads = calls(&f.requests().await, &format!("{aux}/folders"));
    assert_eq!(folder_reads.len(), 1, "the redirect was followed once: {folder_reads:?}");
}

#[tokio::test]
async fn a_redirect_that_leads_away_from_graph_is_not_followed() {
    let f = fixture().await;
    let rule = json!({"rules": [{"route": "/folders", "method": "GET", "status": 308, "location": "https://graph.example.net/v1.0/admin/exchange/mailboxes/MBX:x@y/folders"}]});
    f.sim(reqwest::Method::PUT, "/_sim/faults", Some(rule)).await;

    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, MAILBOX).await;

    let (status, summary, _) = access(&report);
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains("leads away from Microsoft Graph"), "{summary}");
}

#[tokio::test]
async fn an_empty_inbox_is_a_warning_that_says_how_to_prove_the_export() {
    let f = fixture().await;
    let report = f.check(Role::Source, PermissionProfile::FullFidelity, FULL_SOURCE, EMPTY_MAILBOX).await;
    let (status, summary, fix) = access(&report);
    assert_eq!(status, CheckStatus::Warn, "{summary}");
    assert!(summary.contains("its Inbox is empty, so no export was tried"), "{summary}");
    assert!(fix.contains("Send empty@northwind.onmicrosoft.com one message and retry"), "{fix}");
    assert_eq!(report.outcome, CheckOutcome::Warnings);
}

#[tokio::test]
async fn an_item_level_target_reads_its_inbox_a_message_an_event_and_a_contact_in_the_first_batch() {
    let f = fixture().await;
    f.clear_requests().await;
    let report = f.check(Role::Target, PermissionProfile::ItemLevel, ITEM_TARGET, MAILBOX).await;

    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    let (_, summary, _) = access(&report);
    assert!(summary.contains("its inbox (63 items), its messages, calendar and contacts"), "{summary}");
    let log = f.requests().await;
    assert_eq!(sequential_round_trips(&log), 3, "{log:#?}");
    for part in ["/messages", "/events", "/contacts"] {
        assert_eq!(calls(&log, part).len(), 1, "{part}: {log:#?}");
    }
}
