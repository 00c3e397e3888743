//! Connections scoped to a group of mailboxes through Exchange Online's RBAC for Applications,
//! checked against entra-sim: the scope proved (a member reachable, an outsider refused), and
//! each way it can be wrong said exactly (not made or not applied yet, voided by a tenant-wide
//! grant, the application mailbox outside the group, a group without mail), with the exact
//! Exchange Online PowerShell that makes it.

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
use mailferry_core::permissions::{exchange_role, Needs, PermissionProfile};
use mailferry_testsupport::{fields_in, Core};
use serde_json::{json, Value};

const TENANT: &str = "8b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5e";
const DOMAIN: &str = "tailspin.onmicrosoft.com";
const MAILBOX: &str = "migration@tailspin.onmicrosoft.com";
const OUTSIDER: &str = "carol@tailspin.onmicrosoft.com";
const GROUP: &str = "6f0e1d2c-3b4a-4596-8877-665544332211";
const GROUP_MAIL: &str = "wave1@tailspin.onmicrosoft.com";
const SECRET: &str = "Ts8Q~scope.SecretValue_0123456789abcdefghij";
/// Holds only the directory permissions a scoped connection needs in Entra ID.
const SCOPED_APP: &str = "a1a1a1a1-1111-4111-8111-111111111111";
/// The same, plus Mail.Read granted tenant-wide: the scope is void.
const VOIDED_APP: &str = "b2b2b2b2-2222-4222-8222-222222222222";

fn user(upn: &str) -> UserSeed {
    UserSeed {
        id: uuid::Uuid::new_v4().to_string(),
        user_principal_name: upn.into(),
        display_name: upn.split('@').next().unwrap_or_default().into(),
        mail: Some(upn.into()),
        mailbox: true,
        password: None,
        roles: Vec::new(),
    }
}

fn app(app_id: &str, roles: &[&str]) -> ApplicationSeed {
    ApplicationSeed {
        app_id: app_id.into(),
        display_name: "Mailferry Migration Source".into(),
        secrets: vec![SecretSeed {
            key_id: uuid::Uuid::new_v4().to_string(),
            value: SECRET.into(),
            end_date_time: Utc::now() + chrono::Duration::days(365),
        }],
        certificates: Vec::new(),
        granted_roles: roles.iter().map(|r| (*r).into()).collect(),
    }
}

fn tailspin() -> Seed {
    let directory = ["User.Read.All", "Organization.Read.All", "GroupMember.Read.All"];
    Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Tailspin".into(),
            domains: vec![DomainSeed { name: DOMAIN.into(), is_default: true, is_initial: true }],
            users: vec![
                user(MAILBOX),
                user("alice@tailspin.onmicrosoft.com"),
                user("bob@tailspin.onmicrosoft.com"),
                user(OUTSIDER),
            ],
            applications: vec![
                app(SCOPED_APP, &directory),
                app(VOIDED_APP, &[&directory[..], &["Mail.Read"]].concat()),
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
    let f = Fixture {
        core: Core::new().await,
        sim: SimHandle::start(tailspin(), 0).await.unwrap(),
        checks: CheckService::new(IdentityClient::new(http).unwrap()),
    };
    f.group(GROUP, json!({"displayName": "Wave 1", "mail": GROUP_MAIL, "members": [MAILBOX, "alice@tailspin.onmicrosoft.com", "bob@tailspin.onmicrosoft.com"]})).await;
    f
}

impl Fixture {
    async fn sim(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.sim.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap_or(Value::Null)
    }

    async fn group(&self, id: &str, body: Value) {
        self.sim(reqwest::Method::PUT, &format!("/_sim/tenants/{TENANT}/groups/{id}"), Some(body)).await;
    }

    /// What an Exchange administrator assigns with New-ManagementRoleAssignment: each mailbox
    /// permission of the profile, as its application role, on `group`.
    async fn assign(&self, profile: PermissionProfile, group: &str, cache_secs: u64) {
        let needs = Needs { role: Role::Source, profile, scoped: true };
        let assignments: Vec<Value> = needs
            .exchange()
            .iter()
            .map(|p| json!({"appId": SCOPED_APP, "role": exchange_role(&p.name), "groupId": group}))
            .collect();
        let body = json!({"assignments": assignments, "cacheSecs": cache_secs});
        self.sim(reqwest::Method::PUT, &format!("/_sim/tenants/{TENANT}/exchange/role-assignments"), Some(body)).await;
    }

    async fn check_with(&self, client_id: &str, profile: PermissionProfile, group: &str, mailbox: &str) -> CheckReport {
        let cloud = Cloud::Custom { login_url: self.sim.base_url.clone(), graph_url: self.sim.base_url.clone() };
        let mut fields = fields_in(cloud, &format!("Tailspin {}", uuid::Uuid::new_v4()), TENANT, client_id, mailbox);
        fields.permission_profile = profile;
        fields.scope_group = Some(group.into());
        let drafted = self.core.draft(Role::Source, fields, Some(SECRET)).await;
        let target = CheckTarget::InSession { session: drafted.session, connection: drafted.draft };
        self.checks.check(&self.core.connections, target, &|_| {}).await.unwrap().report
    }

    async fn check(&self, client_id: &str) -> CheckReport {
        self.check_with(client_id, PermissionProfile::ItemLevel, GROUP, MAILBOX).await
    }
}

fn scope(report: &CheckReport) -> (CheckStatus, String, String) {
    let result = report.result(CheckId::MailboxScope).unwrap();
    (result.status, result.summary.clone(), result.fix.clone().unwrap_or_default())
}

#[tokio::test]
async fn a_scoped_connection_reaches_its_group_and_is_refused_outside_it() {
    let f = fixture().await;
    f.assign(PermissionProfile::ItemLevel, GROUP, 0).await;
    f.sim(reqwest::Method::DELETE, "/_sim/requests", None).await;

    let report = f.check(SCOPED_APP).await;

    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    let (_, summary, _) = scope(&report);
    assert_eq!(summary, format!("Scoped to Wave 1: 3 mailboxes. {OUTSIDER}, outside it, is refused."));
    let permissions = &report.result(CheckId::Permissions).unwrap().summary;
    assert!(permissions.contains("are not granted tenant-wide, as a scoped connection needs"), "{permissions}");
    assert_eq!(report.scope_group_name.as_deref(), Some("Wave 1"));
    // Metadata, token, the first batch (with the group, its members and a page of users), and
    // the one request that proves an outsider is refused.
    let log = f.sim(reqwest::Method::GET, "/_sim/requests", None).await;
    assert_eq!(sequential_round_trips(log.as_array().unwrap()), 4, "{log:#?}");
}

#[tokio::test]
async fn the_report_holds_the_exact_powershell_with_the_enterprise_applications_object_id() {
    let f = fixture().await;
    let report = f.check(SCOPED_APP).await;
    let sps = f.sim(reqwest::Method::GET, "/_sim/service-principals", None).await;
    let sp =
        sps.as_array().unwrap().iter().find(|sp| sp["appId"] == SCOPED_APP).unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(report.service_principal_id.as_deref(), Some(sp.as_str()));

    let script = report.scope_script.unwrap();
    assert!(script.contains(&format!("$group = Get-Group -Identity '{GROUP}'")), "{script}");
    assert!(script.contains(&format!("New-ServicePrincipal -AppId '{SCOPED_APP}' -ObjectId '{sp}'")), "{script}");
    assert!(
        script.contains("-RecipientRestrictionFilter \"MemberOfGroup -eq '$($group.DistinguishedName)'\""),
        "{script}"
    );
    for role in [
        "Application Mail.Read",
        "Application MailboxSettings.Read",
        "Application Calendars.Read",
        "Application Contacts.Read",
    ] {
        assert!(script.contains(&format!("New-ManagementRoleAssignment -App '{sp}' -Role '{role}' -CustomResourceScope 'Mailferry source Tailspin")), "{role}: {script}");
    }
}

#[tokio::test]
async fn a_scope_not_made_or_not_applied_yet_says_exchange_caches_it_and_passes_once_applied() {
    let f = fixture().await;
    // Nothing assigned yet.
    let report = f.check(SCOPED_APP).await;
    assert_eq!(report.result(CheckId::MailAccess).unwrap().status, CheckStatus::Fail);
    let (status, summary, fix) = scope(&report);
    assert_eq!(status, CheckStatus::Fail);
    assert!(
        summary.contains("the scope's role assignments are missing, or Exchange has not applied them yet"),
        "{summary}"
    );
    assert!(fix.contains("within 30 minutes to 2 hours") && fix.contains("Then retry"), "{fix}");

    // Assigned, but Exchange's cache has not let the assignments through yet: the same answer.
    f.assign(PermissionProfile::ItemLevel, GROUP, 1).await;
    assert_eq!(scope(&f.check(SCOPED_APP).await).0, CheckStatus::Fail);
    // Once it has, Retry passes.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let report = f.check(SCOPED_APP).await;
    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
}

#[tokio::test]
async fn a_tenant_wide_grant_voids_the_scope_and_says_what_to_remove() {
    let f = fixture().await;
    let report = f.check(VOIDED_APP).await;
    let permissions = report.result(CheckId::Permissions).unwrap();
    assert_eq!(permissions.status, CheckStatus::Fail);
    assert!(
        permissions.summary.contains("Mail.Read granted tenant-wide") && permissions.summary.contains("voids it"),
        "{}",
        permissions.summary
    );
    let (status, summary, fix) = scope(&report);
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains("The scope to Wave 1 is void"), "{summary}");
    assert!(fix.contains("Remove Mail.Read"), "{fix}");
}

#[tokio::test]
async fn an_outsider_reached_through_another_assignment_is_named() {
    let f = fixture().await;
    let everyone = "0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d";
    f.group(
        everyone,
        json!({"displayName": "Everyone", "mail": "all@tailspin.onmicrosoft.com", "members": [MAILBOX, OUTSIDER]}),
    )
    .await;
    f.assign(PermissionProfile::ItemLevel, everyone, 0).await;
    let (status, summary, fix) = scope(&f.check(SCOPED_APP).await);
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains(&format!("reached {OUTSIDER}, who is not in Wave 1")), "{summary}");
    assert!(fix.contains("Get-ManagementRoleAssignment"), "{fix}");
}

#[tokio::test]
async fn the_application_mailbox_must_be_a_member_of_the_group() {
    let f = fixture().await;
    f.group(GROUP, json!({"displayName": "Wave 1", "mail": GROUP_MAIL, "members": ["alice@tailspin.onmicrosoft.com"]}))
        .await;
    f.assign(PermissionProfile::ItemLevel, GROUP, 0).await;
    let (status, summary, fix) = scope(&f.check(SCOPED_APP).await);
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains(&format!("{MAILBOX} is not a direct member of Wave 1")), "{summary}");
    assert!(fix.contains(&format!("Add {MAILBOX} to Wave 1")), "{fix}");
}

#[tokio::test]
async fn a_group_given_by_its_address_is_found_and_one_without_mail_is_refused() {
    let f = fixture().await;
    f.assign(PermissionProfile::ItemLevel, GROUP, 0).await;
    let report = f.check_with(SCOPED_APP, PermissionProfile::ItemLevel, GROUP_MAIL, MAILBOX).await;
    assert_eq!(scope(&report).0, CheckStatus::Pass, "{:#?}", report.results);

    f.group(GROUP, json!({"displayName": "Wave 1", "mail": null, "mailEnabled": false, "members": [MAILBOX]})).await;
    let (status, summary, _) = scope(&f.check(SCOPED_APP).await);
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains("Wave 1 is not mail-enabled"), "{summary}");

    let (status, summary, _) = scope(
        &f.check_with(SCOPED_APP, PermissionProfile::ItemLevel, "nobody@tailspin.onmicrosoft.com", MAILBOX).await,
    );
    assert_eq!(status, CheckStatus::Fail);
    assert!(summary.contains("No group with the address nobody@"), "{summary}");
}

#[tokio::test]
async fn a_full_fidelity_scoped_connection_exports_inside_the_group_and_is_refused_outside() {
    let f = fixture().await;
    f.assign(PermissionProfile::FullFidelity, GROUP, 0).await;
    let report = f.check_with(SCOPED_APP, PermissionProfile::FullFidelity, GROUP, MAILBOX).await;
    assert_eq!(report.outcome, CheckOutcome::Passed, "{:#?}", report.results);
    assert!(report.result(CheckId::MailAccess).unwrap().summary.contains("exported one item"));
    assert_eq!(scope(&report).1, format!("Scoped to Wave 1: 3 mailboxes. {OUTSIDER}, outside it, is refused."));
}

#[tokio::test]
async fn a_connection_that_is_not_scoped_says_its_permissions_are_tenant_wide() {
    let f = fixture().await;
    let cloud = Cloud::Custom { login_url: f.sim.base_url.clone(), graph_url: f.sim.base_url.clone() };
    let fields = fields_in(cloud, "Tailspin", TENANT, VOIDED_APP, MAILBOX);
    let drafted = f.core.draft(Role::Source, fields, Some(SECRET)).await;
    let target = CheckTarget::InSession { session: drafted.session, connection: drafted.draft };
    let report = f.checks.check(&f.core.connections, target, &|_| {}).await.unwrap().report;
    let (status, summary, _) = scope(&report);
    assert_eq!(status, CheckStatus::Pass);
    assert!(summary.starts_with("Tenant-wide"), "{summary}");
    assert!(report.scope_script.is_none());
}

#[tokio::test]
async fn discovery_of_a_scoped_connection_lists_only_the_groups_members() {
    let f = fixture().await;
    let cloud = Cloud::Custom { login_url: f.sim.base_url.clone(), graph_url: f.sim.base_url.clone() };
    for group in [GROUP, GROUP_MAIL] {
        let mut fields = fields_in(cloud.clone(), &format!("Tailspin {group}"), TENANT, SCOPED_APP, MAILBOX);
        fields.scope_group = Some(group.into());
        let connection = f.core.add(Role::Source, fields, Some(SECRET)).await;
        let identity = IdentityClient::new(mailferry_testsupport::fast_http(Duration::from_secs(5))).unwrap();
        let mut found = Vec::new();
        let cancel = mailferry_core::http::CancellationToken::new();
        mailferry_core::mailboxes::discover(
            &identity,
            &f.core.connections,
            &connection,
            |page| {
                found.extend(page.mailboxes.into_iter().map(|m| m.user_principal_name));
                Ok(())
            },
            &cancel,
        )
        .await
        .unwrap();
        found.sort();
        assert_eq!(found, ["alice@tailspin.onmicrosoft.com", "bob@tailspin.onmicrosoft.com", MAILBOX,], "{group}");
    }
}
