//! The demo cloud (entra-sim's `demo` module) as Mailferry uses it: each tenant's application
//! registered by hand signs in with its published secret and, imported from its PFX, with its
//! certificate; it holds exactly Mailferry's permission set for its role; every configuration
//! check passes; and its sign-in page shows the accounts to try.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use entra_sim::demo::{self, DemoTenant};
use entra_sim::SimHandle;
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, CredentialChoice, Role};
use mailferry_core::permissions::{permission_set, PermissionProfile};
use mailferry_testsupport::{fields_in, Core};

fn role_of(tenant: &DemoTenant) -> Role {
    if tenant.role == "source" {
        Role::Source
    } else {
        Role::Target
    }
}

#[test]
fn each_demo_application_holds_mailferrys_permission_set_for_its_role() {
    for tenant in &demo::TENANTS {
        let mut wanted: Vec<String> =
            permission_set(role_of(tenant), PermissionProfile::ItemLevel).into_iter().map(|p| p.name).collect();
        let mut granted: Vec<String> = tenant.granted.iter().map(|r| (*r).to_owned()).collect();
        wanted.sort();
        granted.sort();
        assert_eq!(granted, wanted, "{}", tenant.display_name);
    }
}

#[tokio::test]
async fn each_demo_tenant_passes_every_check_with_its_secret_and_with_its_pfx() {
    let sim = SimHandle::start(demo::seed(), 0).await.unwrap();
    let core = Core::new().await;
    let checks = CheckService::new(IdentityClient::configured(&core.connections).await.unwrap());
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let dir = tempfile::tempdir().unwrap();
    for tenant in &demo::TENANTS {
        let mailbox = format!("migration@{}", tenant.mail_domain);
        let fields = fields_in(cloud.clone(), tenant.display_name, tenant.domain, tenant.client_id, &mailbox);
        let with_secret = core.add(role_of(tenant), fields.clone(), Some(tenant.client_secret)).await;
        let run = checks.check(&core.connections, CheckTarget::Saved(with_secret.id), &|_| {}).await.unwrap();
        assert_eq!(run.report.outcome, CheckOutcome::Passed, "{}: {:#?}", tenant.display_name, run.report.results);
        let found = &run.report.results[0].summary;
        assert!(found.ends_with(&format!("in the Custom cloud at {}.", sim.base_url)), "where: {found}");

        let pfx = dir.path().join(format!("{}.pfx", tenant.display_name));
        std::fs::write(&pfx, tenant.pfx).unwrap();
        let imported = core
            .connections
            .certificates()
            .import_file(pfx, None, Some(demo::PFX_PASSWORD.to_owned().into()))
            .await
            .unwrap();
        let mut fields = fields;
        fields.name = format!("{} (certificate)", tenant.display_name);
        fields.credential = CredentialChoice::Certificate { thumbprint: imported.info.sha1_thumbprint.clone() };
        let with_certificate = core.add(role_of(tenant), fields, None).await;
        let run = checks.check(&core.connections, CheckTarget::Saved(with_certificate.id), &|_| {}).await.unwrap();
        assert_eq!(run.report.outcome, CheckOutcome::Passed, "{}: {:#?}", tenant.display_name, run.report.results);
    }
}

#[tokio::test]
async fn the_demo_sign_in_page_lists_the_accounts_with_their_roles_and_password() {
    let sim = SimHandle::start(demo::seed(), 0).await.unwrap();
    let url = format!(
        "{}/{}/oauth2/v2.0/authorize?client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A1&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        sim.base_url,
        demo::FABRIKAM.domain
    );
    let page = reqwest::get(url.clone()).await.unwrap().text().await.unwrap();
    assert!(page.contains("<h2>Demo accounts</h2>"), "{page}");
    for account in [
        "<code>admin@fabrikam.onmicrosoft.com</code> (Global Administrator)",
        "<code>pra@fabrikam.onmicrosoft.com</code> (Privileged Role Administrator)",
        "<code>user@fabrikam.onmicrosoft.com</code> (no admin role)",
    ] {
        assert!(page.contains(account), "{account} in {page}");
    }
    assert!(page.contains(&format!("password <code>{}</code>", demo::PASSWORD)));
    assert!(!page.contains("migration@fabrikam.onmicrosoft.com"), "accounts without a password are not offered");
    // The form starts filled in as the Global Administrator: Accept is the one click needed.
    assert!(page.contains(r#"name="username" value="admin@fabrikam.onmicrosoft.com""#), "{page}");
    assert!(page.contains(&format!(r#"name="password" value="{}""#, demo::PASSWORD)), "{page}");

    // A tenant that is not a demo's fills in nothing.
    let mut seed = demo::seed();
    seed.tenants.iter_mut().for_each(|t| t.show_accounts = false);
    let plain = SimHandle::start(seed, 0).await.unwrap();
    let page = reqwest::get(url.replace(&sim.base_url, &plain.base_url)).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"name="username" value="""#) && page.contains(r#"name="password" value="""#), "{page}");
    assert!(!page.contains("Demo accounts"));
}
