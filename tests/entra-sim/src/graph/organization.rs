use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::caller;
use super::odata::{self, Query as ODataQuery};
use crate::errors::GraphError;
use crate::SharedSim;

/// `GET /organization`: the caller's tenant, its name and verified domains.
pub async fn list(State(sim): State<SharedSim>, headers: HeaderMap, Query(query): Query<ODataQuery>) -> Response {
    match run(&sim, &headers, &query) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

fn run(sim: &SharedSim, headers: &HeaderMap, query: &ODataQuery) -> Result<serde_json::Value, GraphError> {
    let caller = caller(sim, headers)?;
    // Every signed-in user may read their organization; apps need a directory read permission.
    if caller.app_only() {
        caller.require(&["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All"], &[])?;
    }
    let world = sim.world();
    let tenant = caller.tenant_in(&world)?;
    let organization = serde_json::json!({
        "id": tenant.id,
        "displayName": tenant.display_name,
        "tenantType": "AAD",
        "verifiedDomains": tenant.domains,
    });
    odata::page(&sim.base_url, "/v1.0/organization", "organization", vec![organization], query, 100)
}
