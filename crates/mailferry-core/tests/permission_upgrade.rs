//! Upgrade permissions against entra-sim: an item-level source registered by Mailferry moves
//! to full fidelity with the administrator's sign-in: the application asks for the new set,
//! the new permissions are granted and the old ones revoked (a grant Mailferry never asked for
//! stays), and the connection then exports an item; the way back works the same.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use entra_sim::Seed;
use mailferry_core::checks::{CheckId, CheckService};
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::CancellationToken;
use mailferry_core::model::{CheckOutcome, Connection, Role};
use mailferry_core::permission_upgrade::{preview, PermissionUpgrader};
use mailferry_core::permissions::{permission_set, PermissionProfile};
use mailferry_testsupport::register::{admin_token, register_source};
use mailferry_testsupport::sim_core::SimCore;
use serde_json::Value;

async fn sim(core: &SimCore, path: &str) -> Value {
    reqwest::get(format!("{}{path}", core.sim.base_url)).await.unwrap().json().await.unwrap()
}

/// The Microsoft Graph roles granted to `app_id`, sorted.
async fn granted(core: &SimCore, app_id: &str) -> Vec<String> {
    let grants = sim(core, "/_sim/grants").await;
    let mut names: Vec<String> = grants
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["principalAppId"] == app_id)
        .filter_map(|g| g["value"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

const APPLICATION_READ_ALL: &str = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30";

fn with_by_hand(mut names: Vec<String>) -> Vec<String> {
    names.push("Application.Read.All".into());
    names.sort();
    names
}

fn sorted_names(profile: PermissionProfile) -> Vec<String> {
    let mut names: Vec<String> = permission_set(Role::Source, profile).into_iter().map(|p| p.name).collect();
    names.sort();
    names
}

async fn passes(core: &SimCore, connection: &Connection) -> String {
    let checks = CheckService::new(core.identity.clone());
    let run = checks.check(&core.connections, CheckTarget::Saved(connection.id), &|_| {}).await.unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{:#?}", run.report.results);
    run.report.result(CheckId::MailAccess).unwrap().summary.clone()
}

#[test]
fn the_preview_says_what_is_granted_and_what_is_revoked() {
    let connection = Connection {
        permission_profile: PermissionProfile::ItemLevel,
        ..mailferry_testsupport::connection(Role::Source, "Contoso")
    };
    let plan = preview(&connection, PermissionProfile::FullFidelity).unwrap();
    let names =
        |set: &[mailferry_core::permissions::Permission]| set.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&plan.add), ["MailboxFolder.Read.All", "MailboxItem.Read.All", "MailboxItem.Export.All"]);
    assert_eq!(names(&plan.remove), ["Mail.Read", "MailboxSettings.Read", "Calendars.Read", "Contacts.Read"]);
    assert_eq!(names(&plan.keep), ["User.Read.All", "Organization.Read.All"]);
    let same = preview(&connection, PermissionProfile::ItemLevel).unwrap_err();
    assert!(same.to_string().contains("already has the Item level permissions"), "{same}");
    let gcc = Connection { cloud: mailferry_core::cloud::Cloud::GccHigh, ..connection };
    assert!(preview(&gcc, PermissionProfile::FullFidelity).unwrap_err().to_string().contains("Global cloud only"));
}

#[tokio::test]
async fn an_item_level_source_is_upgraded_to_full_fidelity_and_back() {
    let core = SimCore::start(Seed::demo()).await;
    let cloud = core.cloud();
    let connection =
        register_source(&core.identity, &core.connections, core.config.clone(), &cloud, &|_| {}).await.unwrap();
    assert_eq!(connection.permission_profile, PermissionProfile::ItemLevel);
    let app_id = connection.client_id.clone();
    let admin = admin_token(&core.identity, &cloud).await;
    // A permission the administrator granted by hand: not Mailferry's to revoke.
    let sps = sim(&core, "/_sim/service-principals").await;
    let sp_of = |app: &str| {
        sps.as_array().unwrap().iter().find(|sp| sp["appId"] == app).unwrap()["id"].as_str().unwrap().to_owned()
    };
    let (graph_sp, app_sp) = (sp_of(mailferry_core::permissions::MICROSOFT_GRAPH_APP_ID), sp_of(&app_id));
    let by_hand = reqwest::Client::new()
        .post(format!("{}/v1.0/servicePrincipals/{graph_sp}/appRoleAssignedTo", core.sim.base_url))
        .bearer_auth(admin.bearer())
        .json(&serde_json::json!({"principalId": app_sp, "resourceId": graph_sp, "appRoleId": APPLICATION_READ_ALL}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_hand.status(), 201);
    let upgrader =
        PermissionUpgrader { identity: &core.identity, connections: &core.connections, config: core.config.clone() };
    let (steps, on_progress) = mailferry_testsupport::recorder::<String>();

    let upgraded = upgrader
        .upgrade(&admin, connection.id, PermissionProfile::FullFidelity, &on_progress, &CancellationToken::new())
        .await
        .unwrap();

    assert_eq!(upgraded.permission_profile, PermissionProfile::FullFidelity);
    assert_eq!(granted(&core, &app_id).await, with_by_hand(sorted_names(PermissionProfile::FullFidelity)));
    let apps = sim(&core, "/_sim/applications").await;
    let app = apps.as_array().unwrap().iter().find(|a| a["appId"] == app_id.as_str()).unwrap();
    let asked: Vec<&str> = app["requiredResourceAccess"][0]["resourceAccess"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let full: Vec<String> =
        permission_set(Role::Source, PermissionProfile::FullFidelity).into_iter().map(|p| p.id).collect();
    assert_eq!(asked, full.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        steps.lock().unwrap().iter().any(|s| s == "Granting 3 and revoking 4 permissions"),
        "{:?}",
        steps.lock().unwrap()
    );
    assert!(passes(&core, &upgraded).await.contains("exported one item in full fidelity"));

    let back = upgrader
        .upgrade(&admin, connection.id, PermissionProfile::ItemLevel, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(back.permission_profile, PermissionProfile::ItemLevel);
    assert_eq!(granted(&core, &app_id).await, with_by_hand(sorted_names(PermissionProfile::ItemLevel)));
    assert!(passes(&core, &back).await.contains("its messages, calendar and contacts"));
}
