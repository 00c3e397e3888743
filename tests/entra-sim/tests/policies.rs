//! The tenant's app management policies: the default policy and those assigned to one
//! application, read over Graph and enforced on every new credential with Microsoft's errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::*;

/// Sets the tenant's policies through `/_sim` (what its administrators would do in Entra).
async fn set_policies(f: &Fixture, body: Value) {
    f.sim_put(&format!("tenants/{TENANT}/app-management-policies"), body).await;
}

fn default_policy(password: Value, key: Value) -> Value {
    json!({ "default": { "isEnabled": true, "applicationRestrictions": { "passwordCredentials": password, "keyCredentials": key } } })
}

async fn object_id(f: &Fixture, token: &str, app_id: &str) -> String {
    let (status, body) =
        f.graph(Method::GET, &format!("/applications?$filter=appId eq '{app_id}'&$select=id"), token, None).await;
    assert_eq!(status, 200, "{body}");
    body["value"][0]["id"].as_str().unwrap().to_owned()
}

fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn new_app(cert: &TestCert) -> Value {
    json!({ "displayName": "Mailferry Migration Source", "keyCredentials": [cert.key_credential()] })
}

#[tokio::test]
async fn the_default_policy_is_read_only_with_a_policy_scope_consented_earlier() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let (status, body) = f.graph(Method::GET, "/policies/defaultAppManagementPolicy", &admin, None).await;
    assert_eq!(status, 403, "Policy.Read.All is not among the registration's scopes: {body}");
    assert_graph_error(&body, "Authorization_RequestDenied");

    f.sim_patch(&format!("tenants/{TENANT}"), json!({ "consentedScopes": ["Policy.Read.All"] })).await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    assert!(f.verify(&admin).await["scp"].as_str().unwrap().contains("Policy.Read.All"));
    let (status, body) = f.graph(Method::GET, "/policies/defaultAppManagementPolicy", &admin, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(body["isEnabled"], false);
    assert!(body["applicationRestrictions"]["keyCredentials"].is_array(), "{body}");
    assert!(body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#policies/defaultAppManagementPolicy/$entity"));

    // A user without a role that reads policies is refused even with the scope.
    let pra = f.user_token("pra", REGISTRATION_SCOPES).await;
    assert!(f.verify(&pra).await["scp"].as_str().unwrap().contains("Policy.Read.All"));
    assert_eq!(f.graph(Method::GET, "/policies/defaultAppManagementPolicy", &pra, None).await.0, 403);
}

#[tokio::test]
async fn a_certificate_longer_than_the_tenants_cap_is_refused_with_microsofts_code() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    set_policies(
        &f,
        default_policy(
            json!([]),
            json!([{ "restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P180D", "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z" }]),
        ),
    )
    .await;
    let (status, body) =
        f.graph(Method::POST, "/applications", &admin, Some(new_app(&TestCert::rsa_for_days(365)))).await;
    assert_eq!(status, 400, "{body}");
    assert_graph_error(&body, "CredentialInvalidLifetimeAsPerAppPolicy");
    assert!(body["error"]["message"].as_str().unwrap().contains("as per assigned policy"), "{body}");

    let (status, app) =
        f.graph(Method::POST, "/applications", &admin, Some(new_app(&TestCert::rsa_for_days(179)))).await;
    assert_eq!(status, 201, "{app}");
    // PATCH holds a new key to the cap; the keys the application has stay.
    let id = app["id"].as_str().unwrap();
    let (_, current) = f.graph(Method::GET, &format!("/applications/{id}?$select=keyCredentials"), &admin, None).await;
    let kept = current["keyCredentials"][0].clone();
    let longer = TestCert::rsa_for_days(400).key_credential();
    let (status, body) = f
        .graph(Method::PATCH, &format!("/applications/{id}"), &admin, Some(json!({ "keyCredentials": [kept, longer] })))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_graph_error(&body, "CredentialInvalidLifetimeAsPerAppPolicy");
}

#[tokio::test]
async fn a_restriction_disabled_or_for_newer_apps_only_is_not_enforced() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    set_policies(
        &f,
        default_policy(
            json!([{ "restrictionType": "passwordAddition", "state": "disabled", "maxLifetime": null }]),
            json!([{ "restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P30D", "restrictForAppsCreatedAfterDateTime": "2099-01-01T00:00:00Z" }]),
        ),
    )
    .await;
    let (status, app) =
        f.graph(Method::POST, "/applications", &admin, Some(new_app(&TestCert::rsa_for_days(365)))).await;
    assert_eq!(status, 201, "{app}");
    let (status, body) = f
        .graph(
            Method::POST,
            &format!("/applications/{}/addPassword", app["id"].as_str().unwrap()),
            &admin,
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn secrets_blocked_or_capped_by_the_default_policy_and_an_assigned_policy_replaces_it() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let secret_app = object_id(&f, &admin, SECRET_APP).await;
    let no_roles_app = object_id(&f, &admin, NO_ROLES_APP).await;
    set_policies(
        &f,
        json!({
            "default": { "isEnabled": true, "applicationRestrictions": { "passwordCredentials": [
                { "restrictionType": "passwordAddition", "maxLifetime": null, "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z" }
            ] } },
            "assigned": [{ "displayName": "Secrets of at most 30 days", "isEnabled": true, "appliesTo": [SECRET_APP],
                "restrictions": { "passwordCredentials": [
                    { "restrictionType": "passwordLifetime", "maxLifetime": "P30D", "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z" }
                ] } }],
        }),
    )
    .await;
    let add = |app: String, days: i64| {
        let admin = admin.clone();
        let f = &f;
        async move {
            let body =
                json!({ "passwordCredential": { "displayName": "Mailferry", "endDateTime": days_from_now(days) } });
            f.graph(Method::POST, &format!("/applications/{app}/addPassword"), &admin, Some(body)).await
        }
    };
    let (status, body) = add(no_roles_app.clone(), 20).await;
    assert_eq!(status, 400, "{body}");
    assert_graph_error(&body, "CredentialTypeNotAllowedAsPerAppPolicy");

    let (status, body) = add(secret_app.clone(), 60).await;
    assert_eq!(status, 400, "the assigned policy caps secrets at 30 days: {body}");
    assert_graph_error(&body, "CredentialInvalidLifetimeAsPerAppPolicy");
    let (status, added) = add(secret_app.clone(), 20).await;
    assert_eq!(status, 200, "the assigned policy allows secrets, replacing the default: {added}");

    // removePassword: the secret no longer signs in; a second removal is a 404.
    let secret = added["secretText"].as_str().unwrap().to_owned();
    assert_eq!(f.secret_token(SECRET_APP, &secret).await.0, 200);
    let remove = json!({ "keyId": added["keyId"] });
    let path = format!("/applications/{secret_app}/removePassword");
    assert_eq!(f.graph(Method::POST, &path, &admin, Some(remove.clone())).await.0, 204);
    let (status, body) = f.secret_token(SECRET_APP, &secret).await;
    assert_eq!(status, 401, "{body}");
    assert_aadsts(&body, 7000215);
    let (status, body) = f.graph(Method::POST, &path, &admin, Some(remove)).await;
    assert_eq!(status, 404, "{body}");
}
