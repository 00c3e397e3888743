//! Mailferry's client assertions, accepted by entra-sim's strict verifier (which checks them
//! as Entra ID does) for a certificate Mailferry generated and "uploaded" to the app.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use chrono::Utc;
use entra_sim::seed::{ApplicationSeed, DomainSeed, TenantSeed};
use entra_sim::{Seed, SimHandle};
use mailferry_core::certs::generate;
use mailferry_core::identity::{client_assertion, AssertionAlgorithm};
use mailferry_core::model::Role;

const TENANT: &str = "3c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
const APP: &str = "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b";

async fn sim_with_certificate(pem: String) -> SimHandle {
    let seed = Seed {
        tenants: vec![TenantSeed {
            id: TENANT.into(),
            display_name: "Northwind".into(),
            domains: vec![DomainSeed { name: "northwind.onmicrosoft.com".into(), is_default: true, is_initial: true }],
            users: Vec::new(),
            applications: vec![ApplicationSeed {
                app_id: APP.into(),
                display_name: "Mailferry Migration Source".into(),
                secrets: Vec::new(),
                certificates: vec![pem],
                granted_roles: vec!["User.Read.All".into()],
            }],
            conditional_access_block: false,
            mfa_required: false,
            sign_in_client_disabled: false,
            generated_users: None,
            show_accounts: false,
        }],
        faults: None,
    };
    SimHandle::start(seed, 0).await.unwrap()
}

async fn token_status(sim: &SimHandle, assertion: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", sim.base_url))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", APP),
            ("scope", &format!("{}/.default", sim.base_url)),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion),
        ])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn the_identity_platform_accepts_mailferrys_assertions_in_both_forms() {
    let certificate = generate(Role::Source).unwrap();
    let sim = sim_with_certificate(pem::encode(&pem::Pem::new("CERTIFICATE", certificate.der.clone()))).await;
    let token_url = format!("{}/{TENANT}/oauth2/v2.0/token", sim.base_url);
    for algorithm in [AssertionAlgorithm::Ps256, AssertionAlgorithm::Rs256] {
        let assertion = client_assertion(&certificate, APP, &token_url, algorithm, Utc::now()).unwrap();
        let (status, body) = token_status(&sim, &assertion).await;
        assert_eq!(status, 200, "{algorithm:?}: {body}");
    }
}

#[tokio::test]
async fn a_certificate_not_uploaded_to_the_app_is_aadsts700027() {
    let uploaded = generate(Role::Source).unwrap();
    let other = generate(Role::Source).unwrap();
    let sim = sim_with_certificate(pem::encode(&pem::Pem::new("CERTIFICATE", uploaded.der.clone()))).await;
    let token_url = format!("{}/{TENANT}/oauth2/v2.0/token", sim.base_url);
    let assertion = client_assertion(&other, APP, &token_url, AssertionAlgorithm::Ps256, Utc::now()).unwrap();
    let (status, body) = token_status(&sim, &assertion).await;
    assert_eq!(status, 401);
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS700027:"), "{body}");
}
