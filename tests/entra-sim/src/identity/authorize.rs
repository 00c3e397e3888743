//! `GET/POST /{tenant}/oauth2/v2.0/authorize`: the authorization code flow with PKCE for
//! public clients and loopback redirects, as the admin sign-in of automatic registration uses.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::{Duration, Utc};

use super::pages::{self, SignIn, SignInForm};
use super::token::is_known_public_client;
use super::{split_scopes, OPENID_SCOPES};
use crate::errors::Aadsts;
use crate::world::{new_id, AuthCode, Tenant};
use crate::{SharedSim, Sim};

type Params = HashMap<String, String>;

/// The loopback redirect URIs the sign-in client accepts; Entra ignores the port on localhost.
fn loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http"
            && matches!(u.host_str(), Some("localhost") | Some("127.0.0.1") | Some("[::1]"))
            && u.fragment().is_none()
    })
}

/// The tenant of a request that can be answered through its redirect URI. Problems found
/// before anything can be redirected are shown as an error page.
fn check_request(sim: &Sim, tenant_name: &str, params: &Params) -> Result<Tenant, Aadsts> {
    let tenant = sim.world().tenant(tenant_name).cloned().ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
    let client_id = params.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    if client_id.is_empty() {
        return Err(Aadsts::invalid_request(
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        ));
    }
    if !is_known_public_client(&tenant, &client_id) {
        return Err(Aadsts::app_not_found(&client_id, tenant_name));
    }
    let redirect_uri = params.get("redirect_uri").map(String::as_str).unwrap_or_default();
    if !loopback_redirect(redirect_uri) {
        return Err(Aadsts::new(StatusCode::BAD_REQUEST, "invalid_request", 50011, format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."
        )));
    }
    Ok(tenant)
}

/// Problems the client hears about through its redirect URI.
fn check_protocol(params: &Params) -> Result<(), (&'static str, Aadsts)> {
    if params.get("response_type").map(String::as_str) != Some("code") {
        return Err((
            "unsupported_response_type",
            Aadsts::invalid_request(700054, "response_type 'code' is the only one this client may use."),
        ));
    }
    match (params.get("code_challenge"), params.get("code_challenge_method").map(String::as_str)) {
        (Some(challenge), Some("S256")) if challenge.len() >= 43 => {}
        (Some(_), Some("S256")) => {
            return Err((
                "invalid_request",
                Aadsts::invalid_request(501491, "Invalid size of Code_Challenge parameter."),
            ))
        }
        (Some(_), _) => {
            return Err((
                "invalid_request",
                Aadsts::invalid_request(9002331, "Only the S256 code_challenge_method is accepted."),
            ))
        }
        (None, _) => {
            return Err((
                "invalid_request",
                Aadsts::invalid_request(9002325, "Proof Key for Code Exchange is required for this public client."),
            ))
        }
    }
    if params.get("scope").is_none_or(|s| s.trim().is_empty()) {
        return Err((
            "invalid_request",
            Aadsts::invalid_request(900144, "The request body must contain the following parameter: 'scope'."),
        ));
    }
    if params.get("response_mode").is_some_and(|m| m != "query") {
        return Err((
            "invalid_request",
            Aadsts::invalid_request(900144, "entra-sim supports response_mode=query only."),
        ));
    }
    Ok(())
}

fn redirect_error(params: &Params, error: &str, aadsts: &Aadsts) -> Response {
    pages::redirect_to_client(params, &[("error", error), ("error_description", &pages::redirect_description(aadsts))])
}

fn requested_permissions(scope: &str) -> Vec<String> {
    split_scopes(scope)
        .into_iter()
        .filter(|s| !OPENID_SCOPES.contains(&s.as_str()))
        .map(|s| super::scope_name(&s).to_owned())
        .collect()
}

fn needs_admin_consent(scope: &str) -> bool {
    requested_permissions(scope).iter().any(|s| s.ends_with(".All"))
}

pub async fn show(
    State(sim): State<SharedSim>,
    Path(tenant_name): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    let auto_user = sim.world().auto_approve.clone();
    let tenant = match check_request(&sim, &tenant_name, &params) {
        Ok(tenant) => tenant,
        Err(error) => return pages::error_page(&error),
    };
    if let Err((error, aadsts)) = check_protocol(&params) {
        return redirect_error(&params, error, &aadsts);
    }
    if params.get("prompt").map(String::as_str) == Some("none") && auto_user.is_none() {
        return redirect_error(
            &params,
            "login_required",
            &Aadsts::invalid_request(50058, "A silent sign-in request was sent but no user is signed in."),
        );
    }
    if let Some(upn) = auto_user {
        let password = tenant.user(&upn).and_then(|u| u.password.clone()).unwrap_or_default();
        return complete(&sim, &tenant, &params, &upn, &password);
    }
    let hidden: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let permissions = requested_permissions(params.get("scope").map_or("", String::as_str));
    pages::sign_in(&SignInForm {
        title: "Sign in",
        tenant: &tenant,
        action: &format!("/{tenant_name}/oauth2/v2.0/authorize"),
        hidden: &hidden,
        permissions: &permissions,
        error: None,
        ask_user_code: false,
        username: params.get("login_hint").map_or("", String::as_str),
    })
}

pub async fn submit(
    State(sim): State<SharedSim>,
    Path(tenant_name): Path<String>,
    Form(form): Form<Params>,
) -> Response {
    let tenant = match check_request(&sim, &tenant_name, &form) {
        Ok(tenant) => tenant,
        Err(error) => return pages::error_page(&error),
    };
    if let Err((error, aadsts)) = check_protocol(&form) {
        return redirect_error(&form, error, &aadsts);
    }
    if form.get("action").map(String::as_str) != Some("accept") {
        return redirect_error(
            &form,
            "access_denied",
            &Aadsts::new(
                StatusCode::BAD_REQUEST,
                "access_denied",
                65004,
                "User declined to consent to access the app.",
            ),
        );
    }
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    complete(&sim, &tenant, &form, &username, &password)
}

/// Signs the user in and redirects to the client with a code, or with the reason why not.
fn complete(sim: &SharedSim, tenant: &Tenant, params: &Params, username: &str, password: &str) -> Response {
    let client_id = params.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    let scope = params.get("scope").cloned().unwrap_or_default();
    match pages::sign_in_user(tenant, &client_id, username, password, needs_admin_consent(&scope)) {
        SignIn::Retry(message) => {
            let hidden: Vec<(String, String)> = params
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "username" | "password" | "action"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let permissions = requested_permissions(&scope);
            pages::sign_in(&SignInForm {
                title: "Sign in",
                tenant,
                action: &format!("/{}/oauth2/v2.0/authorize", tenant.id),
                hidden: &hidden,
                permissions: &permissions,
                error: Some(&message),
                ask_user_code: false,
                username,
            })
        }
        SignIn::Refused(refusal) => redirect_error(params, refusal.error, &refusal.aadsts),
        SignIn::Ok(user) => {
            let code = format!("{}.{}", new_id(), new_id());
            let redirect_uri = params.get("redirect_uri").cloned().unwrap_or_default();
            sim.world().codes.insert(
                code.clone(),
                AuthCode {
                    tenant: tenant.id.clone(),
                    client_id,
                    redirect_uri: redirect_uri.clone(),
                    code_challenge: params.get("code_challenge").cloned(),
                    nonce: params.get("nonce").cloned(),
                    user_id: user.id,
                    scopes: split_scopes(&scope),
                    expires: Utc::now() + Duration::minutes(10),
                },
            );
            pages::redirect_to_client(params, &[("code", code.as_str())])
        }
    }
}
