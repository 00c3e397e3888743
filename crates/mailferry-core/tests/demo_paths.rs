//! Every registration path a newcomer walks in the demo cloud, as the app's wizard drives them
//! (RegistrationService): automatic registration through the demo sign-in page, reuse of that
//! registration after a device code sign-in by the Privileged Role Administrator, the
//! admin-consent link for a user without an admin role, and a restart of the demo cloud after
//! which the registered connection still passes every check.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entra_sim::demo::{self, CONTOSO};
use entra_sim::persist::StateFile;
use entra_sim::{SimHandle, SimOptions};
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::http::HttpConfig;
use mailferry_core::identity::signin::Browser;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, Connection, Role};
use mailferry_core::registration::{
    AutomaticRegistration, RegistrationConfig, RegistrationProgress, RegistrationService, RegistrationSignIn,
};
use mailferry_core::{ErrorCode, IpcError};
use mailferry_testsupport::browser::FormBrowser;
use mailferry_testsupport::Core;

/// The demo cloud as the app serves it: directory changes kept in `folder`, no test API.
async fn serve(folder: &std::path::Path, port: u16) -> SimHandle {
    let options = || SimOptions::demo(StateFile::new(folder.join("demo-cloud.json")));
    // A restart on the same port (a saved connection's cloud URL holds it) may find the last
    // server still letting go of it.
    for _ in 0..50 {
        match SimHandle::start_with_options(demo::seed(), port, options()).await {
            Ok(sim) => return sim,
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the demo cloud did not start on port {port}");
}

fn identity() -> IdentityClient {
    IdentityClient::new(HttpConfig { direct: true, ..HttpConfig::default() }).unwrap()
}

fn service() -> RegistrationService {
    let config =
        RegistrationConfig { poll_interval: Duration::from_millis(200), poll_timeout: Duration::from_secs(30) };
    RegistrationService::new(identity(), config)
}

fn sign_in_request(cloud: &Cloud, device_code: bool) -> RegistrationSignIn {
    RegistrationSignIn { role: Role::Source, cloud: cloud.clone(), tenant: CONTOSO.domain.into(), device_code }
}

fn new_registration(reuse_app_id: Option<String>) -> AutomaticRegistration {
    AutomaticRegistration {
        connection_name: None,
        permission_profile: None,
        scope_group: None,
        application_mailbox: Some(format!("migration@{}", CONTOSO.mail_domain)),
        resume: None,
        reuse_app_id,
        trusted_key_ids: Vec::new(),
    }
}

async fn assert_every_check_passes(core: &Core, connection: &Connection) {
    let run = CheckService::new(identity())
        .check(&core.connections, CheckTarget::Saved(connection.id), &|_| {})
        .await
        .unwrap();
    assert_eq!(run.report.outcome, CheckOutcome::Passed, "{}: {:#?}", connection.name, run.report.results);
}

struct NoBrowser;

impl Browser for NoBrowser {
    fn open(&self, _url: &str) -> mailferry_core::Result<()> {
        panic!("the device code sign-in opens no browser here");
    }
}

#[tokio::test]
async fn in_the_demo_every_registration_path_works_and_a_restart_keeps_the_registration() {
    let folder = tempfile::tempdir().unwrap();
    let sim = serve(folder.path(), 0).await;
    let port: u16 = sim.base_url.rsplit(':').next().unwrap().parse().unwrap();
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let core = Core::new().await;
    let service = service();

    // Automatic registration, signed in on the demo's page as its Global Administrator.
    let browser = FormBrowser::accepting(&format!("admin@{}", CONTOSO.domain));
    let signed_in =
        service.sign_in(&core.connections, sign_in_request(&cloud, false), &browser, &|_| {}).await.unwrap();
    assert_eq!(signed_in.tenant_id, CONTOSO.tenant_id);
    assert!(signed_in.earlier.is_empty(), "{:?}", signed_in.earlier);
    let registered = service.register(&core.connections, new_registration(None), &|_| {}).await.unwrap();
    assert_eq!(registered.tenant_id, CONTOSO.tenant_id);
    assert_every_check_passes(&core, &registered).await;

    // A device code sign-in, as the Privileged Role Administrator on another device, finds
    // that registration; reusing it adds a certificate, not an application.
    sim.sim.world().settings.device_code_interval_secs = 1;
    let prompts: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let shown = prompts.clone();
    tokio::spawn(async move {
        let (uri, code) = loop {
            if let Some(prompt) = shown.lock().unwrap().first().cloned() {
                break prompt;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let pra = format!("pra@{}", CONTOSO.domain);
        let form =
            [("user_code", code.as_str()), ("username", &pra), ("password", demo::PASSWORD), ("action", "accept")];
        reqwest::Client::new().post(&uri).form(&form).send().await.unwrap();
    });
    let on_progress = |event: RegistrationProgress| {
        if let RegistrationProgress::DeviceCode { prompt } = event {
            prompts.lock().unwrap().push((prompt.verification_uri, prompt.user_code));
        }
    };
    let signed_in =
        service.sign_in(&core.connections, sign_in_request(&cloud, true), &NoBrowser, &on_progress).await.unwrap();
    let earlier: Vec<&str> = signed_in.earlier.iter().map(|e| e.app_id.as_str()).collect();
    assert_eq!(earlier, [registered.client_id.as_str()]);
    let reused = service
        .register(&core.connections, new_registration(Some(registered.client_id.clone())), &|_| {})
        .await
        .unwrap();
    assert_eq!(reused.client_id, registered.client_id, "the same application");
    let mailferry_apps =
        sim.sim.world().tenants[0].applications.iter().filter(|a| a.tags.iter().any(|t| t == "mailferry")).count();
    assert_eq!(mailferry_apps, 1, "no second application");
    assert_every_check_passes(&core, &reused).await;

    // An Application Administrator may create the application but not grant it Microsoft
    // Graph's permissions: told which role is needed, with the admin-consent link to hand on.
    let app_admin = FormBrowser::accepting(&format!("appadmin@{}", CONTOSO.domain));
    service.sign_in(&core.connections, sign_in_request(&cloud, false), &app_admin, &|_| {}).await.unwrap();
    let refused = service.register(&core.connections, new_registration(None), &|_| {}).await.unwrap_err();
    let refused = IpcError::from(refused);
    assert_eq!(refused.code, ErrorCode::RoleRequired, "{refused:?}");
    let link = refused.consent_url.expect("the admin-consent link");
    assert!(
        link.starts_with(&format!("{}/{}/v2.0/adminconsent?client_id=", sim.base_url, CONTOSO.tenant_id)),
        "{link}"
    );
    let page = reqwest::get(&link).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Mail.Read (application permission)"),
        "the link asks an administrator for Mailferry's permissions: {page}"
    );

    // A user without an admin role cannot consent at all (AADSTS90094, as Microsoft answers):
    // told who can, and how to hand the sign-in to them.
    let user = FormBrowser::accepting(&format!("user@{}", CONTOSO.domain));
    let refused = service.sign_in(&core.connections, sign_in_request(&cloud, false), &user, &|_| {}).await.unwrap_err();
    let refused = IpcError::from(refused);
    assert_eq!(refused.aadsts, Some(90094), "{refused:?}");
    assert!(
        refused.message.contains("may not consent to the permissions Mailferry signs in with"),
        "{}",
        refused.message
    );
    let hint = refused.hint.unwrap_or_default();
    assert!(hint.contains("Global Administrator") && hint.contains("Sign in with a code on another device"), "{hint}");

    // The demo cloud restarts (the app restarted): the registration is still there.
    drop(sim);
    let _restarted = serve(folder.path(), port).await;
    assert_every_check_passes(&core, &registered).await;
    assert_every_check_passes(&core, &reused).await;
}
