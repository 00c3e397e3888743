//! `/_sim/...`: the simulator's own API for tests. Never part of Microsoft's surface.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::faults::Faults;
use crate::world::Settings;
use crate::SharedSim;

pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/_sim/tenants", get(tenants))
        .route("/_sim/tenants/{tenant}", patch(update_tenant))
        .route("/_sim/tenants/{tenant}/app-management-policies", put(app_management_policies))
        .route("/_sim/tenants/{tenant}/users/{user}/exchange", put(user_exchange))
        .route("/_sim/tenants/{tenant}/groups/{group}", put(put_group))
        .route("/_sim/tenants/{tenant}/exchange/role-assignments", put(role_assignments))
        .route("/_sim/applications", get(applications))
        .route("/_sim/service-principals", get(service_principals))
        .route("/_sim/grants", get(grants))
        .route("/_sim/secrets", get(secrets))
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/faults", get(faults).put(set_faults).delete(clear_faults))
        .route("/_sim/auto-approve", put(auto_approve))
        .route("/_sim/settings", put(settings))
        .route("/_sim/reset", post(reset))
}

/// What a closed simulator (the demo cloud) still answers: which tenants it serves, so that a
/// second Mailferry can tell it is the demo before it joins it.
pub fn identity_routes() -> Router<SharedSim> {
    Router::new().route("/_sim/tenants", get(tenants))
}

async fn tenants(State(sim): State<SharedSim>) -> Json<Value> {
    let world = sim.world();
    Json(Value::Array(
        world
            .tenants
            .iter()
            .map(|t| {
                serde_json::json!({
                    "id": t.id, "displayName": t.display_name, "defaultDomain": t.default_domain(),
                    "users": t.users.len(), "applications": t.applications.len(),
                    "conditionalAccessBlock": t.conditional_access_block, "mfaRequired": t.mfa_required,
                    "signInClientDisabled": t.sign_in_client_disabled,
                })
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TenantFlags {
    conditional_access_block: Option<bool>,
    mfa_required: Option<bool>,
    sign_in_client_disabled: Option<bool>,
    consented_scopes: Option<Vec<String>>,
}

async fn update_tenant(
    State(sim): State<SharedSim>,
    Path(tenant): Path<String>,
    Json(flags): Json<TenantFlags>,
) -> Response {
    let mut world = sim.world();
    let Some(t) = world.tenant_mut(&tenant) else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(v) = flags.conditional_access_block {
        t.conditional_access_block = v;
    }
    if let Some(v) = flags.mfa_required {
        t.mfa_required = v;
    }
    if let Some(v) = flags.sign_in_client_disabled {
        t.sign_in_client_disabled = v;
    }
    if let Some(v) = flags.consented_scopes {
        t.consented_scopes = v;
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserExchange {
    /// The user's items sit in an auxiliary archive (autoexpanding archive): exportItems from
    /// the primary mailbox answers `ErrorArchiveFolderMovedPermanently` for each.
    items_in_auxiliary_archive: Option<bool>,
}

/// What Exchange Online holds for one user beyond the directory; answers the user's mailbox ids.
async fn user_exchange(
    State(sim): State<SharedSim>,
    Path((tenant, user)): Path<(String, String)>,
    Json(flags): Json<UserExchange>,
) -> Response {
    let mut world = sim.world();
    let Some(t) = world.tenant_mut(&tenant) else { return StatusCode::NOT_FOUND.into_response() };
    let Some(id) = t.user(&user).map(|u| u.id.clone()) else { return StatusCode::NOT_FOUND.into_response() };
    if let Some(moved) = flags.items_in_auxiliary_archive {
        if moved {
            t.exchange.items_in_auxiliary_archive.insert(id.clone());
        } else {
            t.exchange.items_in_auxiliary_archive.remove(&id);
        }
    }
    // The user's mailbox ids, for a test to aim a redirect at.
    Json(crate::graph::mailboxes::mailbox_ids(t, &id)).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GroupSeed {
    display_name: String,
    mail: Option<String>,
    #[serde(default = "yes")]
    mail_enabled: bool,
    #[serde(default = "yes")]
    security_enabled: bool,
    /// User principal names or ids: the group's direct members.
    #[serde(default)]
    members: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A mail-enabled group (a mail-enabled security group by default) with its direct members.
async fn put_group(
    State(sim): State<SharedSim>,
    Path((tenant, group)): Path<(String, String)>,
    Json(seed): Json<GroupSeed>,
) -> Response {
    let mut world = sim.world();
    let Some(t) = world.tenant_mut(&tenant) else { return StatusCode::NOT_FOUND.into_response() };
    let mut members = Vec::new();
    for member in &seed.members {
        match t.user(member) {
            Some(user) => members.push(user.id.clone()),
            None => return (StatusCode::BAD_REQUEST, format!("no user {member}")).into_response(),
        }
    }
    t.groups.retain(|g| !g.id.eq_ignore_ascii_case(&group));
    t.groups.push(crate::graph::exchange_rbac::Group {
        id: group.to_lowercase(),
        display_name: seed.display_name,
        mail: seed.mail,
        mail_enabled: seed.mail_enabled,
        security_enabled: seed.security_enabled,
        members,
    });
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Assignments {
    assignments: Vec<crate::graph::exchange_rbac::AssignmentSeed>,
    /// How long Exchange takes to apply them (Microsoft: 30 minutes to 2 hours).
    #[serde(default)]
    cache_secs: u64,
}

/// The tenant's RBAC for Applications assignments, replacing any earlier ones, as an
/// Exchange administrator would make them with New-ManagementRoleAssignment.
async fn role_assignments(
    State(sim): State<SharedSim>,
    Path(tenant): Path<String>,
    Json(body): Json<Assignments>,
) -> Response {
    let mut world = sim.world();
    let Some(t) = world.tenant_mut(&tenant) else { return StatusCode::NOT_FOUND.into_response() };
    let unknown = body.assignments.iter().find(|a| crate::graph::exchange_rbac::permission_of(&a.role).is_none());
    if let Some(a) = unknown {
        return (StatusCode::BAD_REQUEST, format!("unknown application role {}", a.role)).into_response();
    }
    let cache = chrono::Duration::seconds(i64::try_from(body.cache_secs).unwrap_or(i64::MAX / 1000));
    t.set_assignments(body.assignments, cache);
    StatusCode::NO_CONTENT.into_response()
}

/// The tenant's app management policies (`default`, `assigned`), as set by its administrators.
async fn app_management_policies(
    State(sim): State<SharedSim>,
    Path(tenant): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut world = sim.world();
    let Some(t) = world.tenant_mut(&tenant) else { return StatusCode::NOT_FOUND.into_response() };
    match crate::graph::policies::set_from_sim(t, &body) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, error).into_response(),
    }
}

async fn applications(State(sim): State<SharedSim>) -> Json<Value> {
    let world = sim.world();
    Json(Value::Array(
        world
            .tenants
            .iter()
            .flat_map(|t| {
                t.applications.iter().map(move |a| {
                    let mut app = serde_json::to_value(a).unwrap_or(Value::Null);
                    app["tenantId"] = Value::String(t.id.clone());
                    app
                })
            })
            .collect(),
    ))
}

async fn service_principals(State(sim): State<SharedSim>) -> Json<Value> {
    let world = sim.world();
    Json(Value::Array(
        world
            .tenants
            .iter()
            .flat_map(|t| {
                t.service_principals.iter().map(move |s| {
                    let mut sp = serde_json::to_value(s).unwrap_or(Value::Null);
                    sp["tenantId"] = Value::String(t.id.clone());
                    sp
                })
            })
            .collect(),
    ))
}

/// Every app role assignment, with the role's value and the principal's appId.
async fn grants(State(sim): State<SharedSim>) -> Json<Value> {
    let world = sim.world();
    let mut list = Vec::new();
    for t in &world.tenants {
        for a in &t.assignments {
            let resource = t.service_principals.iter().find(|s| s.id == a.resource_id);
            let value = resource
                .and_then(|r| r.app_roles.iter().find(|role| role.id == a.app_role_id))
                .map(|r| r.value.clone());
            let principal_app = t.service_principals.iter().find(|s| s.id == a.principal_id).map(|s| s.app_id.clone());
            list.push(serde_json::json!({
                "tenantId": t.id, "principalId": a.principal_id, "principalAppId": principal_app,
                "resourceAppId": resource.map(|r| r.app_id.clone()), "appRoleId": a.app_role_id, "value": value,
                "createdDateTime": a.created_date_time,
            }));
        }
    }
    Json(Value::Array(list))
}

/// Secrets by hint only: the simulator's API never repeats a secret's value.
async fn secrets(State(sim): State<SharedSim>) -> Json<Value> {
    let world = sim.world();
    let mut list = Vec::new();
    for t in &world.tenants {
        for a in &t.applications {
            for p in &a.password_credentials {
                list.push(serde_json::json!({
                    "tenantId": t.id, "appId": a.app_id, "keyId": p.key_id, "hint": p.hint, "endDateTime": p.end_date_time,
                }));
            }
        }
    }
    Json(Value::Array(list))
}

async fn requests(State(sim): State<SharedSim>) -> Json<Value> {
    Json(serde_json::to_value(&sim.world().log).unwrap_or(Value::Null))
}

async fn clear_requests(State(sim): State<SharedSim>) -> StatusCode {
    sim.world().log.clear();
    StatusCode::NO_CONTENT
}

async fn faults(State(sim): State<SharedSim>) -> Json<Value> {
    Json(serde_json::to_value(&sim.world().faults).unwrap_or(Value::Null))
}

async fn set_faults(State(sim): State<SharedSim>, Json(faults): Json<Faults>) -> StatusCode {
    sim.world().faults = faults;
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(sim): State<SharedSim>) -> StatusCode {
    sim.world().faults = Faults::default();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AutoApprove {
    user: Option<String>,
}

async fn auto_approve(State(sim): State<SharedSim>, Json(body): Json<AutoApprove>) -> StatusCode {
    sim.world().auto_approve = body.user;
    StatusCode::NO_CONTENT
}

async fn settings(State(sim): State<SharedSim>, Json(settings): Json<Settings>) -> StatusCode {
    sim.world().settings = settings;
    StatusCode::NO_CONTENT
}

async fn reset(State(sim): State<SharedSim>) -> Response {
    match sim.world().reset() {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    }
}
