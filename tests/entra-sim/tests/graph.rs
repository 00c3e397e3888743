//! Microsoft Graph: reads with app-only tokens, and the registration writes with an admin's
//! delegated token, authorised like Microsoft.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::*;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const USER_READ_ALL: &str = "df021288-bdef-4463-88db-98f22de89214";
const MAIL_READ: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";

#[tokio::test]
async fn organization_gives_the_tenant_name_and_domains_to_an_app_with_the_role() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    let (status, body) =
        f.graph(Method::GET, "/organization?$select=id,displayName,verifiedDomains", &token, None).await;
    assert_eq!(status, 200, "{body}");
    let org = &body["value"][0];
    assert_eq!(org["displayName"], "Fabrikam");
    assert_eq!(org["id"], TENANT);
    assert!(org.get("tenantType").is_none(), "$select keeps only what was asked");
    let default: Vec<&Value> =
        org["verifiedDomains"].as_array().unwrap().iter().filter(|d| d["isDefault"] == true).collect();
    assert_eq!(default[0]["name"], "fabrikam.com");

    let no_roles = f.app_token(NO_ROLES_APP, NO_ROLES_VALUE).await;
    let (status, body) = f.graph(Method::GET, "/organization", &no_roles, None).await;
    assert_eq!(status, 403);
    assert_graph_error(&body, "Authorization_RequestDenied");
}

#[tokio::test]
async fn graph_refuses_missing_foreign_and_forged_tokens() {
    let f = start().await;
    let (status, body) = f.graph(Method::GET, "/users", "", None).await;
    assert_eq!(status, 401);
    assert_graph_error(&body, "InvalidAuthenticationToken");
    let other = start().await;
    let foreign = other.app_token(SECRET_APP, SECRET_VALUE).await;
    let (status, _) = f.graph(Method::GET, "/users", &foreign, None).await;
    assert_eq!(status, 401, "a token signed by another authority is refused");
}

#[tokio::test]
async fn users_page_with_next_links_select_and_filter() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    let mut url = "/users?$top=2&$select=id,userPrincipalName,mail,provisionedPlans".to_owned();
    let mut seen = Vec::new();
    loop {
        let (status, body) = f.graph(Method::GET, &url, &token, None).await;
        assert_eq!(status, 200, "{body}");
        for user in body["value"].as_array().unwrap() {
            assert_eq!(user.as_object().unwrap().len(), 4, "only the selected properties: {user}");
            seen.push(user["userPrincipalName"].as_str().unwrap().to_owned());
        }
        match body["@odata.nextLink"].as_str() {
            Some(next) => url = next.strip_prefix(&format!("{}/v1.0", f.base)).unwrap().to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);

    let (_, body) =
        f.graph(Method::GET, &format!("/users?$filter=userPrincipalName eq 'MIGRATION@{DOMAIN}'"), &token, None).await;
    assert_eq!(body["value"].as_array().unwrap().len(), 1);
    let (_, body) = f.graph(Method::GET, "/users?$filter=startswith(displayName,'a')", &token, None).await;
    assert_eq!(body["value"].as_array().unwrap().len(), 3, "admin, appadmin, alex");
    let (status, body) = f.graph(Method::GET, "/users?$top=1000", &token, None).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("Must be between 1 and 999"));
}

#[tokio::test]
async fn a_user_and_the_mail_endpoints_answer_like_exchange_online() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    let (status, user) = f
        .graph(Method::GET, &format!("/users/migration@{DOMAIN}?$select=id,userPrincipalName,mail"), &token, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(user["mail"], "migration@fabrikam.com");

    let (status, body) = f.graph(Method::GET, &format!("/users/nobody@{DOMAIN}"), &token, None).await;
    assert_eq!(status, 404);
    assert_graph_error(&body, "Request_ResourceNotFound");

    let (status, inbox) = f
        .graph(
            Method::GET,
            &format!("/users/{}/mailFolders/inbox?$select=id,totalItemCount", user["id"].as_str().unwrap()),
            &token,
            None,
        )
        .await;
    assert_eq!(status, 200, "{inbox}");
    assert!(inbox["totalItemCount"].is_u64());

    let (status, body) =
        f.graph(Method::GET, &format!("/users/nomailbox@{DOMAIN}/mailFolders/inbox"), &token, None).await;
    assert_eq!(status, 404);
    assert_graph_error(&body, "MailboxNotEnabledForRESTAPI");

    let no_mail = f.app_token(NO_ROLES_APP, NO_ROLES_VALUE).await;
    let (status, body) =
        f.graph(Method::GET, &format!("/users/migration@{DOMAIN}/mailFolders/inbox"), &no_mail, None).await;
    assert_eq!(status, 403);
    assert_graph_error(&body, "ErrorAccessDenied");
}

/// What automatic registration sends to create "Mailferry Migration Source".
fn registration_body(cert: &TestCert) -> Value {
    json!({
        "displayName": "Mailferry Migration Source",
        "signInAudience": "AzureADMyOrg",
        "tags": ["mailferry"],
        "requiredResourceAccess": [{ "resourceAppId": GRAPH, "resourceAccess": [
            { "id": USER_READ_ALL, "type": "Role" }, { "id": MAIL_READ, "type": "Role" }
        ]}],
        "keyCredentials": [cert.key_credential()],
    })
}

async fn graph_sp_id(f: &Fixture, token: &str) -> String {
    let (status, body) = f
        .graph(Method::GET, &format!("/servicePrincipals?$filter=appId eq '{GRAPH}'&$select=id,appRoles"), token, None)
        .await;
    assert_eq!(status, 200, "{body}");
    let sp = &body["value"][0];
    assert!(sp["appRoles"].as_array().unwrap().iter().any(|r| r["value"] == "Mail.Read" && r["id"] == MAIL_READ));
    sp["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_admin_registers_an_app_with_a_certificate_grants_roles_in_a_batch_and_the_app_signs_in() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let cert = TestCert::rsa(2048);

    let (status, app) = f.graph(Method::POST, "/applications", &admin, Some(registration_body(&cert))).await;
    assert_eq!(status, 201, "{app}");
    let app_id = app["appId"].as_str().unwrap().to_owned();
    assert!(app["keyCredentials"][0]["key"].is_null(), "Graph never returns the key");

    let (_, found) = f
        .graph(
            Method::GET,
            "/applications?$filter=displayName eq 'Mailferry Migration Source'&$select=id,appId,keyCredentials",
            &admin,
            None,
        )
        .await;
    assert_eq!(found["value"][0]["appId"], app_id.as_str());

    let (status, sp) = f.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({ "appId": app_id }))).await;
    assert_eq!(status, 201, "{sp}");
    let sp_id = sp["id"].as_str().unwrap();
    let graph_sp = graph_sp_id(&f, &admin).await;

    let requests: Vec<Value> = [USER_READ_ALL, MAIL_READ]
        .iter()
        .enumerate()
        .map(|(i, role)| json!({
            "id": (i + 1).to_string(), "method": "POST", "url": format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo"),
            "headers": { "Content-Type": "application/json" },
            "body": { "principalId": sp_id, "resourceId": graph_sp, "appRoleId": role },
        }))
        .collect();
    let (status, batch) = f.graph(Method::POST, "/$batch", &admin, Some(json!({ "requests": requests }))).await;
    assert_eq!(status, 200);
    for response in batch["responses"].as_array().unwrap() {
        assert_eq!(response["status"], 201, "{response}");
    }

    let assertion = Assertion::new(&f, &cert, &app_id).sign();
    let (status, token) = assertion_token(&f, &app_id, &assertion).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(f.verify(token["access_token"].as_str().unwrap()).await["roles"], json!(["Mail.Read", "User.Read.All"]));

    let grants = f.sim_get("grants").await;
    assert_eq!(grants.as_array().unwrap().iter().filter(|g| g["principalAppId"] == app_id.as_str()).count(), 2);
}

#[tokio::test]
async fn a_cloud_application_administrator_creates_apps_but_cannot_grant_graph_roles() {
    let f = start().await;
    let appadmin = f.user_token("appadmin", REGISTRATION_SCOPES).await;
    let (status, app) =
        f.graph(Method::POST, "/applications", &appadmin, Some(registration_body(&TestCert::rsa(2048)))).await;
    assert_eq!(status, 201);
    let (_, sp) = f.graph(Method::POST, "/servicePrincipals", &appadmin, Some(json!({ "appId": app["appId"] }))).await;
    let graph_sp = graph_sp_id(&f, &appadmin).await;
    let (status, body) = f
        .graph(
            Method::POST,
            &format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo"),
            &appadmin,
            Some(json!({ "principalId": sp["id"], "resourceId": graph_sp, "appRoleId": MAIL_READ })),
        )
        .await;
    assert_eq!(status, 403);
    assert_graph_error(&body, "Authorization_RequestDenied");

    let plain = f.user_token("admin", &["User.Read.All"]).await; // a token without the write scope
    let (status, _) =
        f.graph(Method::POST, "/applications", &plain, Some(registration_body(&TestCert::rsa(2048)))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn key_credentials_are_validated_like_graph_does() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let create = |body: Value| {
        let f = &f;
        let admin = admin.clone();
        async move { f.graph(Method::POST, "/applications", &admin, Some(body)).await }
    };
    let cert = TestCert::rsa(2048);

    let mut ec = registration_body(&cert);
    ec["keyCredentials"] = json!([TestCert::ec().key_credential()]);
    let (status, body) = create(ec).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("not RSA"), "{body}");

    let mut wrong_dates = registration_body(&cert);
    wrong_dates["keyCredentials"][0]["endDateTime"] = json!("2040-01-01T00:00:00Z");
    let (status, body) = create(wrong_dates).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("NotAfter"), "{body}");

    let mut garbage = registration_body(&cert);
    garbage["keyCredentials"][0]["key"] = json!("bm90IGEgY2VydGlmaWNhdGU=");
    assert_eq!(create(garbage).await.0, 400);

    let mut sign_usage = registration_body(&cert);
    sign_usage["keyCredentials"][0]["usage"] = json!("Sign");
    assert_eq!(create(sign_usage).await.0, 400);

    let mut unknown_role = registration_body(&cert);
    unknown_role["requiredResourceAccess"][0]["resourceAccess"][0]["id"] =
        json!("00000000-1111-4222-8333-444444444444");
    let (status, body) = create(unknown_role).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].as_str().unwrap().contains("was not found on application 'Microsoft Graph'"));
}

#[tokio::test]
async fn add_password_shows_the_secret_once_and_delete_removes_app_and_grants() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let (_, app) = f.graph(Method::POST, "/applications", &admin, Some(registration_body(&TestCert::rsa(2048)))).await;
    let id = app["id"].as_str().unwrap();
    let app_id = app["appId"].as_str().unwrap();
    let (status, secret) = f
        .graph(
            Method::POST,
            &format!("/applications/{id}/addPassword"),
            &admin,
            Some(json!({ "passwordCredential": { "displayName": "Mailferry" } })),
        )
        .await;
    assert_eq!(status, 200, "{secret}");
    let text = secret["secretText"].as_str().unwrap();
    assert_eq!(&text[3..6], "8Q~");
    assert_eq!(secret["hint"], &text[..3]);

    let (_, read) =
        f.graph(Method::GET, &format!("/applications/{id}?$select=passwordCredentials"), &admin, None).await;
    assert!(read["passwordCredentials"][0]["secretText"].is_null(), "never on reads");
    assert!(!f.sim_get("secrets").await.to_string().contains(text), "the /_sim API shows hints only");

    let (status, _) = f.graph(Method::POST, "/servicePrincipals", &admin, Some(json!({ "appId": app_id }))).await;
    assert_eq!(status, 201);
    let (status, token) = f.secret_token(app_id, text).await;
    assert_eq!(status, 200, "{token}");

    let (status, _) = f.graph(Method::DELETE, &format!("/applications/{id}"), &admin, None).await;
    assert_eq!(status, 204);
    assert!(!f.sim_get("applications").await.to_string().contains(app_id));
    assert!(!f.sim_get("service-principals").await.to_string().contains(app_id), "its service principal went with it");
    assert_aadsts(&f.secret_token(app_id, text).await.1, 700016);
}

#[tokio::test]
async fn add_key_and_remove_key_need_a_proof_signed_by_a_current_certificate() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let first = TestCert::rsa(2048);
    let (_, app) = f.graph(Method::POST, "/applications", &admin, Some(registration_body(&first))).await;
    let id = app["id"].as_str().unwrap().to_owned();
    let proof = |cert: &TestCert, iss: &str| {
        let now = chrono::Utc::now().timestamp();
        let claims = json!({ "aud": "00000002-0000-0000-c000-000000000000", "iss": iss, "nbf": now, "exp": now + 600 });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_rsa_pem(cert.key_pem.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let second = TestCert::rsa(2048);
    let (status, body) = f
        .graph(Method::POST, &format!("/applications/{id}/addKey"), &admin, Some(json!({ "keyCredential": second.key_credential(), "passwordCredential": null, "proof": proof(&second, &id) })))
        .await;
    assert_eq!(status, 400, "a proof signed by the new key proves nothing: {body}");

    let (status, added) = f
        .graph(Method::POST, &format!("/applications/{id}/addKey"), &admin, Some(json!({ "keyCredential": second.key_credential(), "passwordCredential": null, "proof": proof(&first, &id) })))
        .await;
    assert_eq!(status, 200, "{added}");

    let (_, read) = f.graph(Method::GET, &format!("/applications/{id}?$select=keyCredentials"), &admin, None).await;
    let first_key = read["keyCredentials"][0]["keyId"].as_str().unwrap().to_owned();
    let (status, _) = f
        .graph(
            Method::POST,
            &format!("/applications/{id}/removeKey"),
            &admin,
            Some(json!({ "keyId": first_key, "proof": proof(&second, &id) })),
        )
        .await;
    assert_eq!(status, 204);
    let (_, read) = f.graph(Method::GET, &format!("/applications/{id}?$select=keyCredentials"), &admin, None).await;
    assert_eq!(read["keyCredentials"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn admin_consent_grants_what_the_app_asks_for_and_errors_also_carry_admin_consent() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let (_, app) = f.graph(Method::POST, "/applications", &admin, Some(registration_body(&TestCert::rsa(2048)))).await;
    let app_id = app["appId"].as_str().unwrap();
    let consent = |user: &'static str| {
        let f = &f;
        async move {
            let url = format!("{}/{DOMAIN}/v2.0/adminconsent?client_id={app_id}&redirect_uri=http://localhost:9/done&state=s1&scope={}/.default", f.base, f.base);
            let page = f.http.get(url).send().await.unwrap().text().await.unwrap();
            assert!(page.contains("Mail.Read (application permission)"), "the consent page lists the permissions");
            let form = [
                ("client_id", app_id),
                ("redirect_uri", "http://localhost:9/done"),
                ("state", "s1"),
                ("username", &format!("{user}@{DOMAIN}")),
                ("password", PASSWORD),
                ("action", "accept"),
            ];
            let response =
                f.http.post(format!("{}/{DOMAIN}/v2.0/adminconsent", f.base)).form(&form).send().await.unwrap();
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    let refused = consent("appadmin").await;
    assert_eq!(query_param(&refused, "admin_consent").as_deref(), Some("True"), "the error redirect carries it too");
    assert_eq!(query_param(&refused, "error").as_deref(), Some("access_denied"));

    let granted = consent("pra").await;
    assert_eq!(query_param(&granted, "error"), None);
    assert_eq!(query_param(&granted, "tenant").as_deref(), Some(TENANT));
    assert_eq!(query_param(&granted, "state").as_deref(), Some("s1"));
    let values: Vec<Value> = f
        .sim_get("grants")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["principalAppId"] == app_id)
        .map(|g| g["value"].clone())
        .collect();
    assert_eq!(values.len(), 2);
}

#[tokio::test]
async fn a_batch_holds_at_most_twenty_requests() {
    let f = start().await;
    let token = f.app_token(SECRET_APP, SECRET_VALUE).await;
    let requests: Vec<Value> =
        (0..21).map(|i| json!({ "id": i.to_string(), "method": "GET", "url": "/organization" })).collect();
    let (status, body) = f.graph(Method::POST, "/$batch", &token, Some(json!({ "requests": requests }))).await;
    assert_eq!(status, 400);
    assert_graph_error(&body, "BadRequest");

    let requests = json!({ "requests": [
        { "id": "org", "method": "GET", "url": "/organization?$select=displayName" },
        { "id": "user", "method": "GET", "url": format!("/users/migration@{DOMAIN}?$select=id") },
        { "id": "inbox", "method": "GET", "url": format!("/users/nomailbox@{DOMAIN}/mailFolders/inbox") },
    ]});
    let (status, body) = f.graph(Method::POST, "/$batch", &token, Some(requests)).await;
    assert_eq!(status, 200);
    let by_id = |id: &str| body["responses"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("org")["body"]["value"][0]["displayName"], "Fabrikam");
    assert_eq!(by_id("user")["status"], 200);
    assert_eq!(by_id("inbox")["status"], 404);
    assert_eq!(by_id("inbox")["body"]["error"]["code"], "MailboxNotEnabledForRESTAPI");
}
