//! Groups, for a connection scoped to a mail-enabled group: the group and its direct members.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::caller;
use super::odata::{self, Query as ODataQuery};
use crate::errors::GraphError;
use crate::SharedSim;

const READ_MEMBERS_ROLES: &[&str] =
    &["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const READ_MEMBERS_SCOPES: &[&str] = &["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"];

fn respond(result: Result<Value, GraphError>) -> Response {
    super::respond(result.map(|body| (StatusCode::OK, body)))
}

fn group_json(group: &super::exchange_rbac::Group) -> Value {
    json!({
        "id": group.id,
        "displayName": group.display_name,
        "mail": group.mail,
        "mailEnabled": group.mail_enabled,
        "securityEnabled": group.security_enabled,
        "groupTypes": [],
    })
}

/// `GET /groups`, filtered by `mail`, `displayName` or `id` as Graph allows.
pub async fn list(State(sim): State<SharedSim>, headers: HeaderMap, Query(query): Query<ODataQuery>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_MEMBERS_ROLES, READ_MEMBERS_SCOPES)?;
        let filter = odata::filter(&query, &["mail", "displayName", "id"])?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let groups: Vec<Value> = tenant
            .groups
            .iter()
            .map(group_json)
            .filter(|g| filter.as_ref().is_none_or(|f| f.matches(g)))
            .map(|g| odata::select(g, &query))
            .collect();
        odata::page(&sim.base_url, "/v1.0/groups", "groups", groups, &query, 100)
    })())
}

/// A group of the caller's tenant, once the caller may read groups and their members.
fn with_group(
    sim: &SharedSim,
    headers: &HeaderMap,
    id: &str,
    then: impl FnOnce(&crate::world::Tenant, &super::exchange_rbac::Group) -> Result<Value, GraphError>,
) -> Response {
    respond((|| {
        let caller = caller(sim, headers)?;
        caller.require(READ_MEMBERS_ROLES, READ_MEMBERS_SCOPES)?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let group = tenant.group(id).ok_or_else(|| GraphError::not_found(id))?;
        then(tenant, group)
    })())
}

pub async fn get(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    with_group(&sim, &headers, &id, |_, group| {
        let mut body = group_json(group);
        body["@odata.context"] = Value::String(format!("{}/v1.0/$metadata#groups/$entity", sim.base_url));
        Ok(odata::select(body, &query))
    })
}

/// Direct members only, each as `#microsoft.graph.user`.
pub async fn members(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    with_group(&sim, &headers, &id, |tenant, group| {
        let members: Vec<Value> = group
            .members
            .iter()
            .filter_map(|m| tenant.user(m))
            .map(|u| {
                let mut user = super::users::user_json(u);
                user["@odata.type"] = Value::String("#microsoft.graph.user".into());
                odata::select(user, &query)
            })
            .collect();
        odata::page(&sim.base_url, &format!("/v1.0/groups/{id}/members"), "directoryObjects", members, &query, 100)
    })
}
