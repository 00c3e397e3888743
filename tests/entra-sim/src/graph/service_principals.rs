//! `/servicePrincipals`: create from an appId (through the propagation window), look up by
//! appId with their appRoles, and grant app roles (`appRoleAssignedTo`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use chrono::{Duration, Utc};
use serde_json::Value;

use super::odata::{self, Query as ODataQuery};
use super::{caller, respond, Caller};
use crate::catalog::{APP_WRITERS, EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_GRANTERS};
use crate::errors::GraphError;
use crate::world::{new_id, AppRoleAssignment, ServicePrincipal, Tenant};
use crate::SharedSim;

const READ_ROLES: &[&str] = &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"];
const READ_SCOPES: &[&str] =
    &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "AppRoleAssignment.ReadWrite.All"];

/// A service principal younger than the consistency window is not yet visible.
fn visible(tenant: &Tenant, window_secs: u64) -> impl Iterator<Item = &ServicePrincipal> {
    let now = Utc::now();
    tenant.service_principals.iter().filter(move |sp| now - sp.created >= Duration::seconds(window_secs as i64))
}

fn sp_json(sp: &ServicePrincipal) -> Value {
    serde_json::to_value(sp).unwrap_or(Value::Null)
}

pub async fn list(State(sim): State<SharedSim>, headers: HeaderMap, Query(query): Query<ODataQuery>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_ROLES, READ_SCOPES)?;
        let filter = odata::filter(&query, &["appId", "displayName", "id"])?;
        let world = sim.world();
        let window = world.faults.consistency.service_principal_secs;
        let tenant = caller.tenant_in(&world)?;
        let sps: Vec<Value> =
            visible(tenant, window).map(sp_json).filter(|s| filter.as_ref().is_none_or(|f| f.matches(s))).collect();
        Ok((
            StatusCode::OK,
            odata::page(&sim.base_url, "/v1.0/servicePrincipals", "servicePrincipals", sps, &query, 100)?,
        ))
    })())
}

pub async fn get(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_ROLES, READ_SCOPES)?;
        let world = sim.world();
        let window = world.faults.consistency.service_principal_secs;
        let tenant = caller.tenant_in(&world)?;
        let sp =
            visible(tenant, window).find(|s| s.id == id.to_lowercase()).ok_or_else(|| GraphError::not_found(&id))?;
        Ok((StatusCode::OK, odata::select(sp_json(sp), &query)))
    })())
}

pub async fn create(State(sim): State<SharedSim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller
            .require(&["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"], &["Application.ReadWrite.All"])?;
        if !caller.app_only() && !caller.has_directory_role(APP_WRITERS) {
            return Err(GraphError::denied());
        }
        let app_id = body["appId"]
            .as_str()
            .and_then(crate::world_guid)
            .ok_or_else(|| GraphError::bad_request("Property 'appId' must be a GUID."))?;
        let mut world = sim.world();
        let app_window = Duration::seconds(world.faults.consistency.application_secs as i64);
        let tenant = caller.tenant_in_mut(&mut world)?;
        let app = tenant
            .app_by_app_id(&app_id)
            .filter(|a| Utc::now() - a.created_date_time >= app_window)
            .cloned()
            .ok_or_else(|| no_backing_application(&app_id))?;
        if tenant.sp_by_app_id(&app_id).is_some() {
            return Err(GraphError::new(
                StatusCode::CONFLICT,
                "Request_MultipleObjectsWithSameKeyValue",
                "Another object with the same value for property servicePrincipalNames already exists.",
            ));
        }
        let sp = ServicePrincipal {
            id: new_id(),
            app_id,
            display_name: app.display_name,
            app_roles: Vec::new(),
            account_enabled: true,
            service_principal_type: "Application".into(),
            created: Utc::now(),
        };
        let json = sp_json(&sp);
        tenant.service_principals.push(sp);
        Ok((StatusCode::CREATED, json))
    })())
}

/// Microsoft's answer while a new application has not replicated: the generic top-level code,
/// the specific one in `details` (docs/microsoft-contract.md).
pub fn no_backing_application(app_id: &str) -> GraphError {
    GraphError::bad_request(format!(
        "The appId '{app_id}' of the service principal does not reference a valid application object."
    ))
    .with_detail("NoBackingApplicationObject", Some("appId"))
}

/// Which side of an assignment a listing is for.
#[derive(Clone, Copy)]
enum Side {
    /// `appRoleAssignedTo`: the grants of this resource's roles.
    Resource,
    /// `appRoleAssignments`: the grants this principal holds.
    Principal,
}

fn list_assignments(sim: &SharedSim, headers: &HeaderMap, id: &str, query: &ODataQuery, side: Side) -> Response {
    respond((|| {
        let caller = caller(sim, headers)?;
        caller.require(READ_ROLES, READ_SCOPES)?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let id = id.to_lowercase();
        if !tenant.service_principals.iter().any(|s| s.id == id) {
            return Err(GraphError::not_found(&id));
        }
        let segment = match side {
            Side::Resource => "appRoleAssignedTo",
            Side::Principal => "appRoleAssignments",
        };
        let on_side = |a: &&AppRoleAssignment| match side {
            Side::Resource => a.resource_id == id,
            Side::Principal => a.principal_id == id,
        };
        let list: Vec<Value> =
            tenant.assignments.iter().filter(on_side).map(|a| serde_json::to_value(a).unwrap_or(Value::Null)).collect();
        let path = format!("/v1.0/servicePrincipals/{id}/{segment}");
        Ok((StatusCode::OK, odata::page(&sim.base_url, &path, "appRoleAssignments", list, query, 100)?))
    })())
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo`: who holds this resource's app roles.
pub async fn assignments(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    list_assignments(&sim, &headers, &id, &query, Side::Resource)
}

/// `GET /servicePrincipals/{id}/appRoleAssignments`: the app roles granted to this principal.
pub async fn granted_to(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    list_assignments(&sim, &headers, &id, &query, Side::Principal)
}

/// `DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{assignment}`: revokes one grant,
/// with the same rights as granting it.
pub async fn revoke(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path((id, assignment)): Path<(String, String)>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let id = id.to_lowercase();
        let resource =
            tenant.service_principals.iter().find(|s| s.id == id).cloned().ok_or_else(|| GraphError::not_found(&id))?;
        require_grant(&caller, &resource.app_id)?;
        let before = tenant.assignments.len();
        tenant.assignments.retain(|a| !(a.id == assignment.to_lowercase() && a.resource_id == id));
        if tenant.assignments.len() == before {
            return Err(GraphError::not_found(&assignment));
        }
        Ok((StatusCode::NO_CONTENT, Value::Null))
    })())
}

/// Granting Microsoft's own APIs' app roles needs Global Administrator or Privileged Role
/// Administrator when a user does it.
fn require_grant(caller: &Caller, resource_app_id: &str) -> Result<(), GraphError> {
    caller.require(&["AppRoleAssignment.ReadWrite.All"], &["AppRoleAssignment.ReadWrite.All"])?;
    let microsoft_api = resource_app_id == GRAPH_APP_ID || resource_app_id == EXCHANGE_APP_ID;
    if !caller.app_only() && microsoft_api && !caller.has_directory_role(ROLE_GRANTERS) {
        return Err(GraphError::denied());
    }
    Ok(())
}

pub async fn assign(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        let id = id.to_lowercase();
        let field = |name: &str| {
            body[name]
                .as_str()
                .and_then(crate::world_guid)
                .ok_or_else(|| GraphError::bad_request(format!("Property '{name}' must be a GUID.")))
        };
        let (principal_id, resource_id, app_role_id) =
            (field("principalId")?, field("resourceId")?, field("appRoleId")?);
        if resource_id != id {
            return Err(GraphError::bad_request("resourceId must be the service principal in the request URL."));
        }
        let mut world = sim.world();
        let window = world.faults.consistency.service_principal_secs;
        let tenant = caller.tenant_in_mut(&mut world)?;
        let resource =
            tenant.service_principals.iter().find(|s| s.id == id).cloned().ok_or_else(|| GraphError::not_found(&id))?;
        require_grant(&caller, &resource.app_id)?;
        let principal = visible(tenant, window)
            .find(|s| s.id == principal_id)
            .cloned()
            .ok_or_else(|| GraphError::not_found(&principal_id))?;
        if !resource.app_roles.iter().any(|r| r.id == app_role_id) {
            return Err(GraphError::bad_request(format!(
                "Permission being assigned was not found on application '{}'.",
                resource.display_name
            )));
        }
        if tenant
            .assignments
            .iter()
            .any(|a| a.principal_id == principal_id && a.resource_id == id && a.app_role_id == app_role_id)
        {
            return Err(GraphError::new(
                StatusCode::CONFLICT,
                "Request_MultipleObjectsWithSameKeyValue",
                "Permission being assigned already exists on the object",
            ));
        }
        let assignment = AppRoleAssignment {
            id: new_id(),
            principal_id,
            principal_display_name: principal.display_name,
            principal_type: "ServicePrincipal".into(),
            resource_id: id,
            resource_display_name: resource.display_name,
            app_role_id,
            created_date_time: Utc::now(),
        };
        let json = serde_json::to_value(&assignment).unwrap_or(Value::Null);
        tenant.assignments.push(assignment);
        Ok((StatusCode::CREATED, json))
    })())
}
