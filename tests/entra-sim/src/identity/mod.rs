//! The Microsoft identity platform's endpoints, under `{base}/{tenant}/...`.

mod adminconsent;
mod assertion;
mod authorize;
mod devicecode;
mod metadata;
mod pages;
mod token;
mod tokens;

use axum::routing::{get, post};
use axum::Router;

use crate::SharedSim;

pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/{tenant}/v2.0/.well-known/openid-configuration", get(metadata::openid_configuration))
        .route("/{tenant}/discovery/v2.0/keys", get(metadata::keys))
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize::show).post(authorize::submit))
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode::start))
        .route("/devicelogin", get(devicecode::page).post(devicecode::submit))
        .route("/{tenant}/v2.0/adminconsent", get(adminconsent::show).post(adminconsent::submit))
}

/// Scopes as sent (space separated), without empty entries.
fn split_scopes(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_owned).collect()
}

/// `https://graph.microsoft.com/Application.ReadWrite.All` -> `Application.ReadWrite.All`;
/// OpenID scopes are kept apart by the caller.
fn scope_name(scope: &str) -> &str {
    scope.rsplit('/').next().unwrap_or(scope)
}

const OPENID_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];
