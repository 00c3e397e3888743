//! Injected faults and eventual consistency, and the `/_sim` API that sets them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use support::*;

#[tokio::test]
async fn latency_is_added_and_the_request_log_shows_each_round_trip() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    f.http.delete(format!("{}/_sim/requests", f.base)).send().await.unwrap();
    f.sim_put("faults", json!({ "rules": [{ "route": "/v1.0/", "latencyMs": 120 }] })).await;

    let (a, b) =
        tokio::join!(f.graph(Method::GET, "/organization", &token, None), f.graph(Method::GET, "/users", &token, None));
    assert_eq!((a.0, b.0), (200, 200));
    f.graph(Method::GET, "/organization", &token, None).await;

    let log = f.sim_get("requests").await;
    let records = log.as_array().unwrap();
    assert_eq!(records.len(), 3, "the /_sim calls are not logged: {log}");
    for r in records {
        assert!(r["finishedMs"].as_f64().unwrap() - r["startedMs"].as_f64().unwrap() >= 120.0, "{r}");
    }
    let overlapping = |x: &Value, y: &Value| {
        x["startedMs"].as_f64() < y["finishedMs"].as_f64() && y["startedMs"].as_f64() < x["finishedMs"].as_f64()
    };
    assert!(overlapping(&records[0], &records[1]), "the two parallel requests overlap");
    assert!(
        !overlapping(&records[1], &records[2]) && !overlapping(&records[0], &records[2]),
        "the third followed them"
    );
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_then_recovers() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    f.sim_put("faults", json!({ "rules": [{ "route": "/v1.0/users", "status": 429, "retryAfter": 2, "times": 1 }] }))
        .await;
    let response = f.http.get(format!("{}/v1.0/users", f.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_graph_error(&response.json().await.unwrap(), "TooManyRequests");
    assert_eq!(f.graph(Method::GET, "/users", &token, None).await.0, 200);
}

#[tokio::test]
async fn a_503_on_the_token_endpoint_is_in_the_identity_platforms_shape() {
    let f = start().await;
    f.sim_put("faults", json!({ "rules": [{ "route": "/oauth2/v2.0/token", "status": 503 }] })).await;
    let (status, body) = f.secret_token(SECRET_APP, SECRET_VALUE).await;
    assert_eq!(status, 503);
    assert_aadsts(&body, 90033);
    f.http.delete(format!("{}/_sim/faults", f.base)).send().await.unwrap();
    assert_eq!(f.secret_token(SECRET_APP, SECRET_VALUE).await.0, 200);
}

#[tokio::test]
async fn a_dropped_connection_fails_the_client() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    f.sim_put("faults", json!({ "rules": [{ "route": "/v1.0/organization", "drop": true, "times": 1 }] })).await;
    let result =
        async { f.http.get(format!("{}/v1.0/organization", f.base)).bearer_auth(&token).send().await?.text().await }
            .await;
    assert!(result.is_err(), "the response never completes");
    assert_eq!(f.graph(Method::GET, "/organization", &token, None).await.0, 200);
}

#[tokio::test]
async fn throttling_inside_a_batch_is_per_request() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    f.sim_put("faults", json!({ "rules": [{ "route": "/v1.0/users", "status": 429, "retryAfter": 1, "times": 1 }] }))
        .await;
    let batch = json!({ "requests": [
        { "id": "1", "method": "GET", "url": "/organization" },
        { "id": "2", "method": "GET", "url": format!("/users/migration@{DOMAIN}") },
    ]});
    let (status, body) = f.graph(Method::POST, "/$batch", &token, Some(batch)).await;
    assert_eq!(status, 200);
    let responses = body["responses"].as_array().unwrap();
    assert_eq!(responses[0]["status"], 200);
    assert_eq!(responses[1]["status"], 429);
    assert_eq!(responses[1]["headers"]["Retry-After"], "1");
}

#[tokio::test]
async fn a_new_application_service_principal_and_grant_become_visible_only_after_their_windows() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    f.sim_put(
        "faults",
        json!({ "consistency": { "applicationSecs": 2, "servicePrincipalSecs": 2, "roleAssignmentSecs": 2 } }),
    )
    .await;

    let (_, app) = f.graph(Method::POST, "/applications", &admin, Some(json!({ "displayName": "Propagating" }))).await;
    let app_id = app["appId"].as_str().unwrap().to_owned();
    let (_, secret) = f
        .graph(
            Method::POST,
            &format!("/applications/{}/addPassword", app["id"].as_str().unwrap()),
            &admin,
            Some(json!({})),
        )
        .await;
    let secret = secret["secretText"].as_str().unwrap().to_owned();

    let (status, body) = f.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({ "appId": app_id }))).await;
    // Microsoft's shape: the generic code on top, the specific one in details.
    assert_eq!(status, 400);
    assert_graph_error(&body, "Request_BadRequest");
    let message =
        format!("The appId '{app_id}' of the service principal does not reference a valid application object.");
    assert_eq!(body["error"]["message"], message.as_str());
    assert_eq!(
        body["error"]["details"],
        json!([{ "code": "NoBackingApplicationObject", "message": message, "target": "appId" }])
    );
    assert_aadsts(&f.secret_token(&app_id, &secret).await.1, 700016);

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, sp) = f.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({ "appId": app_id }))).await;
    assert_eq!(status, 201);
    let (_, graph) = f
        .graph(Method::GET, "/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'", &admin, None)
        .await;
    let graph_id = graph["value"][0]["id"].as_str().unwrap().to_owned();
    let grant =
        json!({ "principalId": sp["id"], "resourceId": graph_id, "appRoleId": "df021288-bdef-4463-88db-98f22de89214" });
    let (status, body) = f
        .graph(Method::POST, &format!("/servicePrincipals/{graph_id}/appRoleAssignedTo"), &admin, Some(grant.clone()))
        .await;
    assert_eq!(status, 404, "the new service principal is not known yet");
    assert_graph_error(&body, "Request_ResourceNotFound");

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, _) =
        f.graph(Method::POST, &format!("/servicePrincipals/{graph_id}/appRoleAssignedTo"), &admin, Some(grant)).await;
    assert_eq!(status, 201);
    let token = f.app_token(&app_id, &secret).await;
    assert!(f.verify(&token).await.get("roles").is_none(), "the grant is not in tokens yet");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let token = f.app_token(&app_id, &secret).await;
    assert_eq!(f.verify(&token).await["roles"], json!(["User.Read.All"]));
}

#[tokio::test]
async fn reset_returns_to_the_seed() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    f.graph(Method::POST, "/applications", &admin, Some(json!({ "displayName": "Temporary" }))).await;
    f.sim_put("faults", json!({ "rules": [{ "status": 503 }] })).await;
    let response = f.http.post(format!("{}/_sim/reset", f.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(!f.sim_get("applications").await.to_string().contains("Temporary"));
    assert_eq!(f.sim_get("faults").await["rules"], json!([]));
    assert_eq!(f.secret_token(SECRET_APP, SECRET_VALUE).await.0, 200);
}

#[tokio::test]
async fn the_binary_prints_its_url_and_serves_the_demo_tenant() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_entra-sim"))
        .args(["--port", "0", "--demo"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let base = lines.next_line().await.unwrap().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let metadata: Value = reqwest::get(format!("{base}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(metadata["issuer"], format!("{base}/6babcaad-604b-40ac-a9d7-9fd97c0b779f/v2.0"));
    child.kill().await.unwrap();
}

#[tokio::test]
async fn a_tenant_file_is_read_and_a_bad_one_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"tenants": [{"id": "x", "displayName": "X", "domains": [], "colour": "blue"}]}"#).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_entra-sim"))
        .arg("--tenant-file")
        .arg(&bad)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("unknown field `colour`"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_fault_can_target_one_tenant_on_login_urls_and_on_graph_by_token() {
    let cert = TestCert::rsa(2048);
    let mut seed = seed(&cert);
    let mut other = seed.tenants[0].clone();
    other.id = "7b7b7b7b-1111-4222-8333-444444444444".into();
    other.display_name = "Other".into();
    other.domains =
        vec![entra_sim::seed::DomainSeed { name: "other.onmicrosoft.com".into(), is_default: true, is_initial: true }];
    seed.tenants.push(other);
    seed.faults = Some(serde_json::from_value(json!({ "rules": [{ "tenant": DOMAIN, "status": 503 }] })).unwrap());
    let sim = entra_sim::SimHandle::start(seed, 0).await.unwrap();
    let http = reqwest::Client::new();
    let token = |tenant: &str| {
        let url = format!("{}/{tenant}/oauth2/v2.0/token", sim.base_url);
        let scope = format!("{}/.default", sim.base_url);
        let http = http.clone();
        async move {
            http.post(url)
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", SECRET_APP),
                    ("client_secret", SECRET_VALUE),
                    ("scope", &scope),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(token(TENANT).await.status().as_u16(), 503, "the seed's fault applies to the tenant by GUID too");
    let other_token: Value = token("other.onmicrosoft.com").await.json().await.unwrap();
    let access = other_token["access_token"].as_str().unwrap();
    let response = http.get(format!("{}/v1.0/organization", sim.base_url)).bearer_auth(access).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "Graph calls for the other tenant are untouched");
}
