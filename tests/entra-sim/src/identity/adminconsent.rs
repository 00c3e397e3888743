//! `GET/POST /{tenant}/v2.0/adminconsent`: an administrator grants an application the
//! application permissions it lists in `requiredResourceAccess`. Both the success and the error
//! redirect carry `admin_consent=True`; clients must check `error` first.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::Utc;

use super::pages::{self, SignIn, SignInForm};
use crate::catalog::ROLE_GRANTERS;
use crate::errors::Aadsts;
use crate::world::{new_id, AppRoleAssignment, ServicePrincipal, Tenant};
use crate::{SharedSim, Sim};

type Params = HashMap<String, String>;

fn redirect_error(params: &Params, aadsts: &Aadsts) -> Response {
    let description = pages::redirect_description(aadsts);
    pages::redirect_to_client(
        params,
        &[("error", aadsts.error), ("error_description", &description), ("admin_consent", "True")],
    )
}

/// The app role values the application asks for, per resource app id.
fn requested_roles(tenant: &Tenant, client_id: &str) -> Vec<(String, String)> {
    let Some(app) = tenant.app_by_app_id(client_id) else { return Vec::new() };
    let mut roles = Vec::new();
    for resource in app.required_resource_access.as_array().into_iter().flatten() {
        let resource_app = resource["resourceAppId"].as_str().unwrap_or_default().to_lowercase();
        for access in resource["resourceAccess"].as_array().into_iter().flatten() {
            if access["type"] == "Role" {
                roles.push((resource_app.clone(), access["id"].as_str().unwrap_or_default().to_lowercase()));
            }
        }
    }
    roles
}

/// The tenant, when the application asking for consent is registered in it.
fn check(sim: &Sim, tenant_name: &str, params: &Params) -> Result<Tenant, Aadsts> {
    let tenant = sim.world().tenant(tenant_name).cloned().ok_or_else(|| Aadsts::tenant_not_found(tenant_name))?;
    let client_id = params.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    if tenant.app_by_app_id(&client_id).is_none() {
        return Err(Aadsts::app_not_found(&client_id, tenant_name));
    }
    Ok(tenant)
}

pub async fn show(
    State(sim): State<SharedSim>,
    Path(tenant_name): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    let tenant = match check(&sim, &tenant_name, &params) {
        Ok(tenant) => tenant,
        Err(error) => return pages::error_page(&error),
    };
    let client_id = params.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    let permissions: Vec<String> = requested_roles(&tenant, &client_id)
        .iter()
        .filter_map(|(resource, role)| {
            tenant
                .sp_by_app_id(resource)
                .and_then(|sp| sp.app_roles.iter().find(|r| &r.id == role))
                .map(|r| format!("{} (application permission)", r.value))
        })
        .collect();
    let hidden: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    pages::sign_in(&SignInForm {
        title: "Permissions requested: accept for your organization",
        tenant: &tenant,
        action: &format!("/{tenant_name}/v2.0/adminconsent"),
        hidden: &hidden,
        permissions: &permissions,
        error: None,
        ask_user_code: false,
        username: "",
    })
}

pub async fn submit(
    State(sim): State<SharedSim>,
    Path(tenant_name): Path<String>,
    Form(form): Form<Params>,
) -> Response {
    let tenant = match check(&sim, &tenant_name, &form) {
        Ok(tenant) => tenant,
        Err(error) => return pages::error_page(&error),
    };
    if form.get("action").map(String::as_str) != Some("accept") {
        return redirect_error(
            &form,
            &Aadsts::new(
                StatusCode::BAD_REQUEST,
                "access_denied",
                65004,
                "The admin declined to consent to access the app.",
            ),
        );
    }
    let client_id = form.get("client_id").map(|c| c.to_lowercase()).unwrap_or_default();
    let user = match pages::sign_in_user(
        &tenant,
        &client_id,
        form.get("username").map_or("", String::as_str),
        form.get("password").map_or("", String::as_str),
        false,
    ) {
        SignIn::Ok(user) => user,
        SignIn::Retry(message) => return pages::error_page(&Aadsts::invalid_request(50126, message)),
        SignIn::Refused(refusal) => return redirect_error(&form, &refusal.aadsts),
    };
    if !user.role_ids.iter().any(|r| ROLE_GRANTERS.contains(&r.as_str())) {
        return redirect_error(&form, &Aadsts::new(StatusCode::BAD_REQUEST, "access_denied", 90094, "The grant requires admin permission: sign in as a Global Administrator or Privileged Role Administrator."));
    }
    let mut world = sim.world();
    let Some(tenant) = world.tenant_mut(&tenant_name) else { return StatusCode::BAD_REQUEST.into_response() };
    grant_requested(tenant, &client_id);
    let tid = tenant.id.clone();
    drop(world);
    pages::redirect_to_client(
        &form,
        &[("admin_consent", "True"), ("tenant", &tid), ("scope", &format!("{}/.default", sim.base_url))],
    )
}

/// Creates the service principal if needed and assigns every requested app role.
fn grant_requested(tenant: &mut Tenant, client_id: &str) {
    let roles = requested_roles(tenant, client_id);
    let Some(app) = tenant.app_by_app_id(client_id).cloned() else { return };
    let sp_id = match tenant.sp_by_app_id(client_id) {
        Some(sp) => sp.id.clone(),
        None => {
            let sp = ServicePrincipal {
                id: new_id(),
                app_id: app.app_id.clone(),
                display_name: app.display_name.clone(),
                app_roles: Vec::new(),
                account_enabled: true,
                service_principal_type: "Application".into(),
                created: Utc::now(),
            };
            let id = sp.id.clone();
            tenant.service_principals.push(sp);
            id
        }
    };
    for (resource_app, role_id) in roles {
        let Some(resource) = tenant.sp_by_app_id(&resource_app).cloned() else { continue };
        let exists = tenant
            .assignments
            .iter()
            .any(|a| a.principal_id == sp_id && a.resource_id == resource.id && a.app_role_id == role_id);
        if !exists && resource.app_roles.iter().any(|r| r.id == role_id) {
            tenant.assignments.push(AppRoleAssignment {
                id: new_id(),
                principal_id: sp_id.clone(),
                principal_display_name: app.display_name.clone(),
                principal_type: "ServicePrincipal".into(),
                resource_id: resource.id.clone(),
                resource_display_name: resource.display_name.clone(),
                app_role_id: role_id,
                created_date_time: Utc::now(),
            });
        }
    }
}
