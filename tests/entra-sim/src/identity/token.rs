//! `POST /{tenant}/oauth2/v2.0/token`: client_credentials (secret or assertion),
//! authorization_code (PKCE verified, single use, 10 minutes), refresh_token, device_code.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use chrono::{Duration, Utc};
use sha2::Digest as _;

use super::tokens::{app_only, delegated, OpenIdRequest};
use super::{assertion, split_scopes};
use crate::catalog::{EXCHANGE_APP_ID, SIGN_IN_CLIENT_ID};
use crate::errors::Aadsts;
use crate::world::{DeviceState, Tenant, World};
use crate::{SharedSim, Sim};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

type Form = HashMap<String, String>;

pub async fn token(
    State(sim): State<SharedSim>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut form: Form = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    if let Some((id, secret)) = basic_credentials(&headers) {
        form.entry("client_id".into()).or_insert(id);
        form.insert("client_secret".into(), secret);
    }
    match issue(&sim, &tenant, &form) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `Authorization: Basic base64(urlencoded id : urlencoded secret)` (client_secret_basic).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape =
        |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unescape(id)?, unescape(secret)?))
}

fn required<'f>(form: &'f Form, name: &str) -> Result<&'f str, Aadsts> {
    form.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or_else(|| {
        Aadsts::invalid_request(900144, format!("The request body must contain the following parameter: '{name}'."))
    })
}

fn issue(sim: &Sim, tenant_name: &str, form: &Form) -> Result<serde_json::Value, Aadsts> {
    let grant_type = required(form, "grant_type")?;
    let mut world = sim.world();
    if world.tenant(tenant_name).is_none() {
        return Err(Aadsts::tenant_not_found(tenant_name));
    }
    let client_id = required(form, "client_id")?.to_lowercase();
    match grant_type {
        "client_credentials" => client_credentials(sim, &world, tenant_name, &client_id, form),
        "authorization_code" => authorization_code(sim, &mut world, tenant_name, &client_id, form),
        "refresh_token" => refresh_token(sim, &mut world, tenant_name, &client_id, form),
        DEVICE_CODE_GRANT => device_code(sim, &mut world, tenant_name, &client_id, form),
        other => Err(Aadsts::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

/// The resource of an app-only scope: exactly one `{resource}/.default`.
fn app_only_resource(sim: &Sim, tenant: &Tenant, scope: &str) -> Result<String, Aadsts> {
    let scopes = split_scopes(scope);
    let resources: Vec<&str> = scopes.iter().filter_map(|s| s.strip_suffix("/.default")).collect();
    if resources.len() != scopes.len() {
        let bad = scopes.iter().find(|s| !s.ends_with("/.default")).cloned().unwrap_or_default();
        return Err(Aadsts::new(StatusCode::BAD_REQUEST, "invalid_scope", 1002012, format!(
            "The provided value for scope {bad} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
        )));
    }
    if resources.len() > 1 {
        return Err(Aadsts::new(StatusCode::BAD_REQUEST, "invalid_scope", 700022, format!(
            "The provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid."
        )));
    }
    let resource = resources[0].trim_end_matches('/');
    let known = sim.graph_audiences().iter().any(|a| a == resource)
        || resource == "https://outlook.office365.com"
        || resource == EXCHANGE_APP_ID;
    if !known {
        return Err(Aadsts::new(StatusCode::BAD_REQUEST, "invalid_resource", 500011, format!(
            "The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
            tenant.display_name
        )));
    }
    Ok(resource.to_owned())
}

fn client_credentials(
    sim: &Sim,
    world: &World,
    tenant_name: &str,
    client_id: &str,
    form: &Form,
) -> Result<serde_json::Value, Aadsts> {
    let tenant = world.tenant(tenant_name).ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
    let scope = required(form, "scope")?;
    let consistency = &world.faults.consistency;
    let now = Utc::now();
    let app = tenant
        .app_by_app_id(client_id)
        .filter(|app| now - app.created_date_time >= Duration::seconds(consistency.application_secs as i64))
        .ok_or_else(|| Aadsts::app_not_found(client_id, tenant_name))?;
    let resource = app_only_resource(sim, tenant, scope)?;
    let secret = form.get("client_secret").filter(|s| !s.is_empty());
    let assertion = form.get("client_assertion").filter(|s| !s.is_empty());
    if app.is_fallback_public_client == Some(true) && (secret.is_some() || assertion.is_some()) {
        return Err(Aadsts::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        ));
    }
    let credential_window = Duration::seconds(consistency.credential_secs as i64);
    match (secret, assertion) {
        (Some(secret), _) => {
            let invalid = || {
                Aadsts::new(StatusCode::UNAUTHORIZED, "invalid_client", 7000215, format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                app.app_id
            ))
            };
            let found = app
                .password_credentials
                .iter()
                .find(|p| &p.value == secret && now - p.added >= credential_window)
                .ok_or_else(invalid)?;
            if found.end_date_time < now {
                return Err(Aadsts::new(StatusCode::UNAUTHORIZED, "invalid_client", 7000222, format!(
                    "The provided client secret keys for app '{}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                    app.app_id
                )));
            }
        }
        (None, Some(assertion_jwt)) => {
            if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
                return Err(Aadsts::invalid_request(
                    50027,
                    format!("JWT token is invalid or malformed. 'client_assertion_type' must be '{JWT_BEARER}'."),
                ));
            }
            let token_url = format!("{}/{tenant_name}/oauth2/v2.0/token", sim.base_url);
            assertion::verify(app, assertion_jwt, &token_url, consistency.credential_secs)?;
        }
        (None, None) => {
            return Err(Aadsts::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            ));
        }
    }
    let sp = tenant.sp_by_app_id(client_id).ok_or_else(|| {
        Aadsts::new(StatusCode::BAD_REQUEST, "invalid_client", 7000229, format!(
            "The client application {client_id} is missing service principal in the tenant {}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
            tenant.id
        ))
    })?;
    let issued =
        app_only(sim, tenant, client_id, &sp.id, &resource, consistency.role_assignment_secs).map_err(internal)?;
    Ok(issued.body)
}

/// A public client (the sign-in client, or an app marked as one) must not send a secret.
fn refuse_public_client_secret(form: &Form) -> Result<(), Aadsts> {
    if form.contains_key("client_secret") || form.contains_key("client_assertion") {
        return Err(Aadsts::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        ));
    }
    Ok(())
}

fn authorization_code(
    sim: &Sim,
    world: &mut World,
    tenant_name: &str,
    client_id: &str,
    form: &Form,
) -> Result<serde_json::Value, Aadsts> {
    let code = required(form, "code")?;
    let redirect_uri = required(form, "redirect_uri")?;
    refuse_public_client_secret(form)?;
    let invalid_grant = |code: u32, text: &str| Aadsts::new(StatusCode::BAD_REQUEST, "invalid_grant", code, text);
    // Single use: the code is gone whatever happens next.
    let grant = world.codes.remove(code).ok_or_else(|| {
        invalid_grant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
    })?;
    let tenant = world.tenant(tenant_name).ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
    if grant.tenant != tenant.id || grant.client_id != client_id {
        return Err(invalid_grant(
            70000,
            "The provided authorization code was issued to a different client or tenant.",
        ));
    }
    if grant.expires < Utc::now() {
        return Err(invalid_grant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(invalid_grant(50011, &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URI of the authorization request.")));
    }
    if let Some(challenge) = &grant.code_challenge {
        let verifier = form.get("code_verifier").map(String::as_str).unwrap_or_default();
        let computed =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        if verifier.is_empty() || &computed != challenge {
            return Err(invalid_grant(
                50148,
                "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
            ));
        }
    }
    let user = tenant
        .user(&grant.user_id)
        .cloned()
        .ok_or_else(|| invalid_grant(50034, "The user account does not exist in the directory."))?;
    let tenant = tenant.clone();
    let oidc = OpenIdRequest { nonce: grant.nonce.clone(), client_info: asks_client_info(form) };
    issue_delegated(sim, world, &tenant, client_id, &user, &grant.scopes, &oidc)
}

fn asks_client_info(form: &Form) -> bool {
    form.get("client_info").is_some_and(|v| v == "1")
}

fn refresh_token(
    sim: &Sim,
    world: &mut World,
    tenant_name: &str,
    client_id: &str,
    form: &Form,
) -> Result<serde_json::Value, Aadsts> {
    let token = required(form, "refresh_token")?;
    refuse_public_client_secret(form)?;
    let grant = world.refresh_tokens.remove(token).ok_or_else(|| {
        Aadsts::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid.",
        )
    })?;
    let tenant = world.tenant(tenant_name).cloned().ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
    if grant.client_id != client_id || grant.tenant != tenant.id {
        return Err(Aadsts::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            "The refresh token was issued to a different client or tenant.",
        ));
    }
    let user = tenant.user(&grant.user_id).cloned().ok_or_else(|| {
        Aadsts::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50034,
            "The user account does not exist in the directory.",
        )
    })?;
    let oidc = OpenIdRequest { nonce: None, client_info: asks_client_info(form) };
    issue_delegated(sim, world, &tenant, client_id, &user, &grant.scopes, &oidc)
}

fn device_code(
    sim: &Sim,
    world: &mut World,
    tenant_name: &str,
    client_id: &str,
    form: &Form,
) -> Result<serde_json::Value, Aadsts> {
    let device_code = required(form, "device_code")?;
    let now = Utc::now();
    let flow_error =
        |error: &'static str, code: u32, text: &str| Aadsts::new(StatusCode::BAD_REQUEST, error, code, text);
    let entry =
        world.device_codes.get_mut(device_code).filter(|d| d.client_id == client_id).ok_or_else(|| {
            flow_error("invalid_grant", 70000, "The provided value for the 'device_code' is not valid.")
        })?;
    if entry.expires < now {
        return Err(flow_error("expired_token", 70019, "Verification code expired."));
    }
    let too_soon = entry.last_poll.is_some_and(|last| now - last < Duration::seconds(entry.interval));
    entry.last_poll = Some(now);
    match entry.state.clone() {
        DeviceState::Declined => {
            Err(flow_error("authorization_declined", 70000, "The user declined the authentication."))
        }
        DeviceState::Pending if too_soon => {
            entry.interval += 5;
            Err(flow_error(
                "slow_down",
                70016,
                "OAuth 2.0 device flow error. Polling too fast: wait the interval before polling again.",
            ))
        }
        DeviceState::Pending => Err(flow_error(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )),
        DeviceState::Approved { user_id } => {
            let scopes = entry.scopes.clone();
            world.device_codes.remove(device_code);
            let tenant = world.tenant(tenant_name).cloned().ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
            let user = tenant.user(&user_id).cloned().ok_or_else(|| {
                flow_error("invalid_grant", 50034, "The user account does not exist in the directory.")
            })?;
            let oidc = OpenIdRequest { nonce: None, client_info: asks_client_info(form) };
            issue_delegated(sim, world, &tenant, client_id, &user, &scopes, &oidc)
        }
    }
}

/// A delegated token, keeping its refresh token for the refresh_token grant.
fn issue_delegated(
    sim: &Sim,
    world: &mut World,
    tenant: &Tenant,
    client_id: &str,
    user: &crate::world::User,
    scopes: &[String],
    oidc: &OpenIdRequest,
) -> Result<serde_json::Value, Aadsts> {
    let (issued, refresh) = delegated(sim, tenant, client_id, user, scopes, oidc).map_err(internal)?;
    if let Some((token, refresh_grant)) = refresh {
        world.refresh_tokens.insert(token, refresh_grant);
    }
    Ok(issued.body)
}

fn internal(detail: String) -> Aadsts {
    Aadsts::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        90033,
        format!("A transient error has occurred. ({detail})"),
    )
}

/// Whether a client id may use the interactive flows in this tenant.
pub fn is_known_public_client(tenant: &Tenant, client_id: &str) -> bool {
    client_id == SIGN_IN_CLIENT_ID
        || tenant.app_by_app_id(client_id).is_some_and(|a| a.is_fallback_public_client == Some(true))
}
