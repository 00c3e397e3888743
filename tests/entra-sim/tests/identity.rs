//! The identity platform endpoints, exercised by independent client code.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use jsonwebtoken::Algorithm;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, ClientId, ClientSecret, DeviceAuthorizationUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse, TokenUrl,
};
use serde_json::json;
use support::*;

#[tokio::test]
async fn metadata_resolves_a_domain_to_the_tenant_guid_and_an_unknown_tenant_is_aadsts90002() {
    let f = start().await;
    for name in [TENANT, DOMAIN, "fabrikam.com"] {
        let metadata: serde_json::Value = f
            .http
            .get(format!("{}/{name}/v2.0/.well-known/openid-configuration", f.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(metadata["issuer"], format!("{}/{TENANT}/v2.0", f.base));
        assert_eq!(metadata["token_endpoint"], f.token_url(TENANT));
    }
    let response =
        f.http.get(format!("{}/contoso.example/v2.0/.well-known/openid-configuration", f.base)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    let description = assert_aadsts(&body, 90002);
    assert!(description.contains("Tenant 'contoso.example' not found"));
}

#[tokio::test]
async fn client_credentials_with_a_secret_issue_a_signed_token_whose_roles_are_the_grants() {
    let f = start().await;
    // The oauth2 crate sends the secret with HTTP Basic; Entra accepts both forms.
    for auth in [AuthType::BasicAuth, AuthType::RequestBody] {
        let client = BasicClient::new(ClientId::new(SECRET_APP.into()))
            .set_client_secret(ClientSecret::new(SECRET_VALUE.into()))
            .set_token_uri(TokenUrl::new(f.token_url(DOMAIN)).unwrap())
            .set_auth_type(auth);
        let token = client
            .exchange_client_credentials()
            .add_scope(Scope::new(f.graph_scope()))
            .request_async(&f.http)
            .await
            .unwrap();
        let claims = f.verify(token.access_token().secret()).await;
        assert_eq!(claims["tid"], TENANT);
        assert_eq!(claims["appid"], SECRET_APP);
        assert_eq!(claims["idtyp"], "app");
        assert_eq!(
            claims["roles"],
            json!([
                "Mail.Read",
                "MailboxFolder.Read.All",
                "MailboxItem.ImportExport.All",
                "MailboxItem.Read.All",
                "MailboxSettings.Read",
                "Organization.Read.All",
                "User.Read.All"
            ])
        );
        assert!(token.expires_in().unwrap().as_secs() > 3000);
    }
}

#[tokio::test]
async fn an_app_without_grants_gets_a_token_without_roles() {
    let f = start().await;
    let token = f.app_token(NO_ROLES_APP, NO_ROLES_VALUE).await;
    assert!(f.verify(&token).await.get("roles").is_none());
}

#[tokio::test]
async fn every_wrong_secret_is_refused_with_microsofts_code() {
    let f = start().await;
    let (status, body) = f.secret_token(SECRET_APP, "wrong-value").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert_aadsts(&body, 7000215);

    let (_, body) = f.secret_token(SECRET_APP, SECRET_ID).await;
    assert!(assert_aadsts(&body, 7000215).contains("not the client secret ID"));

    let (status, body) = f.secret_token(SECRET_APP, EXPIRED_VALUE).await;
    assert_eq!(status, 401);
    assert!(assert_aadsts(&body, 7000222).contains("are expired"));

    let (status, body) = f.secret_token("11111111-2222-4333-8444-555555555555", SECRET_VALUE).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "unauthorized_client");
    assert_aadsts(&body, 700016);

    let (_, body) = f
        .token(TENANT, &[("grant_type", "client_credentials"), ("client_id", SECRET_APP), ("scope", &f.graph_scope())])
        .await;
    assert_aadsts(&body, 7000218);
}

#[tokio::test]
async fn app_only_scopes_must_be_one_resource_with_default() {
    let f = start().await;
    let f = &f;
    let request = |scope: String| async move {
        f.token(
            TENANT,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", SECRET_APP),
                ("client_secret", SECRET_VALUE),
                ("scope", &scope),
            ],
        )
        .await
    };
    let (_, body) = request(format!("{}/User.Read.All", f.base)).await;
    assert_aadsts(&body, 1002012);
    let (_, body) = request(format!("{}/.default https://outlook.office365.com/.default", f.base)).await;
    assert_aadsts(&body, 700022);
    let (_, body) = request("https://unknown.example/.default".into()).await;
    assert_aadsts(&body, 500011);
    let (status, _) = request("https://graph.microsoft.com/.default".into()).await;
    assert_eq!(status, 200, "Microsoft's own Graph host is an accepted alias");
}

#[tokio::test]
async fn a_certificate_assertion_is_verified_in_both_forms() {
    let f = start().await;
    let current = Assertion::new(&f, &f.cert, CERT_APP).sign();
    let (status, body) = assertion_token(&f, CERT_APP, &current).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(f.verify(body["access_token"].as_str().unwrap()).await["roles"], json!(["User.Read.All"]));

    let mut older = Assertion::new(&f, &f.cert, CERT_APP);
    older.alg = Algorithm::RS256;
    older.pad_thumbprint = true; // as MSAL for Python sends it
    let (status, body) = assertion_token(&f, CERT_APP, &older.sign()).await;
    assert_eq!(status, 200, "{body}");

    let (status, _) = assertion_token(&f, CERT_APP, &current).await;
    assert_eq!(status, 200, "a still-valid assertion is accepted again, as MSAL reuses one");
}

#[tokio::test]
async fn a_bad_assertion_gets_the_code_that_names_the_cause() {
    let f = start().await;
    let other = TestCert::rsa(2048);

    let unknown = Assertion::new(&f, &other, CERT_APP).sign();
    let description = assert_aadsts(&assertion_token(&f, CERT_APP, &unknown).await.1, 700027);
    assert!(description.contains("The key was not found"));

    // The registered certificate's thumbprint, but signed with another key.
    let forged = Assertion::new(&f, &f.cert, CERT_APP).sign_with(&other.key_pem);
    assert!(assert_aadsts(&assertion_token(&f, CERT_APP, &forged).await.1, 700027).contains("signature validation"));

    let mut wrong_audience = Assertion::new(&f, &f.cert, CERT_APP);
    wrong_audience.audience = format!("{}/common/oauth2/v2.0/token", f.base);
    assert_aadsts(&assertion_token(&f, CERT_APP, &wrong_audience.sign()).await.1, 700212);

    let mut expired = Assertion::new(&f, &f.cert, CERT_APP);
    expired.offset_secs = -1200;
    assert_aadsts(&assertion_token(&f, CERT_APP, &expired.sign()).await.1, 700024);

    let mut too_long = Assertion::new(&f, &f.cert, CERT_APP);
    too_long.lifetime_secs = 3600;
    assert_aadsts(&assertion_token(&f, CERT_APP, &too_long.sign()).await.1, 700024);

    let mut other_issuer = Assertion::new(&f, &f.cert, CERT_APP);
    other_issuer.issuer = SECRET_APP.into();
    assert_aadsts(&assertion_token(&f, CERT_APP, &other_issuer.sign()).await.1, 700021);
}

#[tokio::test]
async fn the_admin_sign_in_runs_through_the_real_form_with_pkce() {
    let f = start().await;
    let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
    assert_eq!(flow.status, 200);
    assert!(
        flow.form_html.contains("Application.ReadWrite.All")
            && flow.form_html.contains("AppRoleAssignment.ReadWrite.All"),
        "the form lists the permissions"
    );
    let location = flow.submit(&f, "admin", PASSWORD, "accept").await;
    assert!(location.starts_with("http://127.0.0.1:53117/?"), "{location}");
    assert_eq!(query_param(&location, "state").as_deref(), Some(flow.state.as_str()));
    let code = query_param(&location, "code").unwrap();

    let (status, body) = flow.redeem(&f, &code).await;
    assert_eq!(status, 200, "{body}");
    let claims = f.verify(body["access_token"].as_str().unwrap()).await;
    assert_eq!(claims["scp"], "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All");
    assert_eq!(claims["wids"], json!(["62e90394-69f5-4237-9190-012177145e10"]));
    assert_eq!(claims["idtyp"], "user");
    assert!(body["id_token"].is_string() && body["refresh_token"].is_string());

    let (status, again) = flow.redeem(&f, &code).await;
    assert_eq!(status, 400);
    assert_aadsts(&again, 54005);

    let (status, refreshed) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", SIGN_IN_CLIENT),
                ("refresh_token", body["refresh_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{refreshed}");
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_uri_is_refused() {
    let f = start().await;
    let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
    let code = query_param(&flow.submit(&f, "admin", PASSWORD, "accept").await, "code").unwrap();
    let (_, body) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("code", &code),
                ("redirect_uri", &flow.redirect_uri),
                ("code_verifier", "not-the-verifier-0123456789012345678901234"),
            ],
        )
        .await;
    assert_aadsts(&body, 50148);

    let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
    let code = query_param(&flow.submit(&f, "admin", PASSWORD, "accept").await, "code").unwrap();
    let (_, body) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1:1/"),
                ("code_verifier", &flow.verifier),
            ],
        )
        .await;
    assert_aadsts(&body, 50011);
}

#[tokio::test]
async fn sign_in_failures_come_back_as_microsoft_redirects_or_pages() {
    let f = start().await;
    let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
    let page = flow.submit(&f, "admin", "wrong password", "accept").await;
    assert!(page.contains("AADSTS50126: Your account or password is incorrect."), "the form shows the error again");

    let cancelled = flow.submit(&f, "admin", PASSWORD, "cancel").await;
    assert_eq!(query_param(&cancelled, "error").as_deref(), Some("access_denied"));
    assert!(query_param(&cancelled, "error_description").unwrap().starts_with("AADSTS65004:"));
    assert_eq!(query_param(&cancelled, "state").as_deref(), Some(flow.state.as_str()));

    let plain_user = flow.submit(&f, "alex", PASSWORD, "accept").await;
    assert!(
        query_param(&plain_user, "error_description").unwrap().starts_with("AADSTS90094:"),
        "admin consent needs an admin"
    );

    for (flag, code) in [
        ("conditionalAccessBlock", "AADSTS53003:"),
        ("mfaRequired", "AADSTS50076:"),
        ("signInClientDisabled", "AADSTS7000112:"),
    ] {
        f.http.patch(format!("{}/_sim/tenants/{TENANT}", f.base)).json(&json!({ flag: true })).send().await.unwrap();
        let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
        let refused = flow.submit(&f, "admin", PASSWORD, "accept").await;
        assert!(query_param(&refused, "error_description").unwrap().starts_with(code), "{flag}: {refused}");
        f.http.patch(format!("{}/_sim/tenants/{TENANT}", f.base)).json(&json!({ flag: false })).send().await.unwrap();
    }
}

#[tokio::test]
async fn authorize_enforces_loopback_redirects_and_pkce() {
    let f = start().await;
    let web =
        AuthFlow::begin_with(&f, REGISTRATION_SCOPES, SIGN_IN_CLIENT, "https://evil.example/callback", true).await;
    assert_eq!(web.status, 400);
    assert!(web.form_html.contains("AADSTS50011"), "a non-loopback redirect is an error page, never a redirect");

    let without_pkce =
        AuthFlow::begin_with(&f, REGISTRATION_SCOPES, SIGN_IN_CLIENT, "http://localhost:8400/", false).await;
    let location = without_pkce.location.expect("an error redirect");
    assert_eq!(query_param(&location, "error").as_deref(), Some("invalid_request"));

    let unknown = AuthFlow::begin_with(
        &f,
        REGISTRATION_SCOPES,
        "11111111-2222-4333-8444-555555555555",
        "http://localhost:8400/",
        true,
    )
    .await;
    assert!(unknown.form_html.contains("AADSTS700016"));
}

#[tokio::test]
async fn auto_approve_is_a_switch_of_the_simulator() {
    let f = start().await;
    f.sim_put("auto-approve", json!({ "user": format!("admin@{DOMAIN}") })).await;
    let flow = AuthFlow::begin(&f, REGISTRATION_SCOPES).await;
    let location = flow.location.clone().expect("redirected at once");
    let (status, _) = flow.redeem(&f, &query_param(&location, "code").unwrap()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_device_code_flow_polls_until_the_user_signs_in() {
    let f = start().await;
    f.sim_put("settings", json!({ "deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 60 })).await;
    let client = BasicClient::new(ClientId::new(SIGN_IN_CLIENT.into()))
        .set_token_uri(TokenUrl::new(f.token_url(DOMAIN)).unwrap())
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(format!("{}/{DOMAIN}/oauth2/v2.0/devicecode", f.base)).unwrap(),
        )
        .set_auth_type(AuthType::RequestBody);
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new(format!("{}/Application.ReadWrite.All", f.base)))
        .request_async(&f.http)
        .await
        .unwrap();
    assert_eq!(details.verification_uri().as_str(), format!("{}/devicelogin", f.base));

    let (_, pending) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("device_code", details.device_code().secret()),
            ],
        )
        .await;
    assert_eq!(pending["error"], "authorization_pending");
    let (_, fast) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("device_code", details.device_code().secret()),
            ],
        )
        .await;
    assert_eq!(fast["error"], "slow_down");
    f.sim_put("settings", json!({ "deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 60 })).await;

    let user_code = details.user_code().secret().clone();
    let http = f.http.clone();
    let base = f.base.clone();
    let approve = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let form = [
            ("user_code", user_code.as_str()),
            ("username", &format!("admin@{DOMAIN}")),
            ("password", PASSWORD),
            ("action", "accept"),
        ];
        let page = http.post(format!("{base}/devicelogin")).form(&form).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("You have signed in"), "{page}");
    });
    let token =
        client.exchange_device_access_token(&details).request_async(&f.http, tokio::time::sleep, None).await.unwrap();
    approve.await.unwrap();
    assert_eq!(f.verify(token.access_token().secret()).await["scp"], "Application.ReadWrite.All");
}

#[tokio::test]
async fn an_expired_device_code_says_so() {
    let f = start().await;
    f.sim_put("settings", json!({ "deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": 0 })).await;
    let response: serde_json::Value = f
        .http
        .post(format!("{}/{DOMAIN}/oauth2/v2.0/devicecode", f.base))
        .form(&[("client_id", SIGN_IN_CLIENT), ("scope", "openid")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, body) = f
        .token(
            DOMAIN,
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", SIGN_IN_CLIENT),
                ("device_code", response["device_code"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(body["error"], "expired_token");
    assert_aadsts(&body, 70019);
}
