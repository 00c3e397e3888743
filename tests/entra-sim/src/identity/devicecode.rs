//! The device code flow: `POST /{tenant}/oauth2/v2.0/devicecode`, and the page at
//! `/devicelogin` where the user enters the code and signs in.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::{Duration, Utc};

use super::pages::{self, SignIn, SignInForm};
use super::split_scopes;
use super::token::is_known_public_client;
use crate::errors::Aadsts;
use crate::world::{new_id, DeviceCode, DeviceState};
use crate::SharedSim;

type Params = HashMap<String, String>;

fn user_code() -> String {
    // Eight letters from a random UUID, as Microsoft's codes look (e.g. "FQK5HW3UF").
    let letters: String = uuid::Uuid::new_v4().simple().to_string().chars().filter(char::is_ascii_alphabetic).collect();
    format!("{letters}ABCDEFGH").chars().take(8).collect::<String>().to_uppercase()
}

pub async fn start(
    State(sim): State<SharedSim>,
    Path(tenant_name): Path<String>,
    Form(form): Form<Params>,
) -> Response {
    let mut world = sim.world();
    let Some(tenant) = world.tenant(&tenant_name).cloned() else {
        return Aadsts::tenant_not_found(&tenant_name).into_response();
    };
    let client_id = form.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    if !is_known_public_client(&tenant, &client_id) {
        return Aadsts::app_not_found(&client_id, &tenant_name).into_response();
    }
    let Some(scope) = form.get("scope").filter(|s| !s.trim().is_empty()) else {
        return Aadsts::invalid_request(900144, "The request body must contain the following parameter: 'scope'.")
            .into_response();
    };
    let device_code = format!("{}.{}", new_id(), new_id());
    let code = user_code();
    let settings = world.settings.clone();
    world.device_codes.insert(
        device_code.clone(),
        DeviceCode {
            tenant: tenant.id.clone(),
            client_id,
            user_code: code.clone(),
            scopes: split_scopes(scope),
            expires: Utc::now() + Duration::seconds(settings.device_code_lifetime_secs),
            interval: settings.device_code_interval_secs,
            last_poll: None,
            state: DeviceState::Pending,
        },
    );
    let verification_uri = format!("{}/devicelogin", sim.base_url);
    Json(serde_json::json!({
        "user_code": code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": settings.device_code_lifetime_secs,
        "interval": settings.device_code_interval_secs,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {code} to authenticate."),
    }))
    .into_response()
}

pub async fn page(State(sim): State<SharedSim>) -> Response {
    let world = sim.world();
    let Some(tenant) = world.tenants.first().cloned() else {
        return (StatusCode::NOT_FOUND, "no tenant").into_response();
    };
    drop(world);
    pages::sign_in(&SignInForm {
        title: "Enter code",
        tenant: &tenant,
        action: "/devicelogin",
        hidden: &[],
        permissions: &[],
        error: None,
        ask_user_code: true,
        username: "",
    })
}

pub async fn submit(State(sim): State<SharedSim>, Form(form): Form<Params>) -> Response {
    let code = form.get("user_code").map(|c| c.trim().to_uppercase()).unwrap_or_default();
    let mut world = sim.world();
    let Some((device_code, entry)) =
        world.device_codes.iter().find(|(_, d)| d.user_code == code).map(|(k, d)| (k.clone(), d.clone()))
    else {
        return pages::error_page(&Aadsts::invalid_request(70000, "The code you entered is not valid or has expired."));
    };
    if form.get("action").map(String::as_str) != Some("accept") {
        if let Some(d) = world.device_codes.get_mut(&device_code) {
            d.state = DeviceState::Declined;
        }
        return pages::done_page("You have declined the sign-in. You can close this window.");
    }
    let Some(tenant) = world.tenant(&entry.tenant).cloned() else {
        return pages::error_page(&Aadsts::tenant_not_found(&entry.tenant));
    };
    let needs_admin = entry.scopes.iter().any(|s| s.ends_with(".All"));
    let username = form.get("username").cloned().unwrap_or_default();
    match pages::sign_in_user(
        &tenant,
        &entry.client_id,
        &username,
        form.get("password").map_or("", String::as_str),
        needs_admin,
    ) {
        SignIn::Ok(user) => {
            if let Some(d) = world.device_codes.get_mut(&device_code) {
                d.state = DeviceState::Approved { user_id: user.id };
            }
            pages::done_page("You have signed in. You can close this window and return to the application.")
        }
        SignIn::Retry(message) => pages::sign_in(&SignInForm {
            title: "Enter code",
            tenant: &tenant,
            action: "/devicelogin",
            hidden: &[],
            permissions: &[],
            error: Some(&message),
            ask_user_code: true,
            username: &username,
        }),
        SignIn::Refused(refusal) => {
            if let Some(d) = world.device_codes.get_mut(&device_code) {
                d.state = DeviceState::Declined;
            }
            pages::error_page(&refusal.aadsts)
        }
    }
}
