//! Microsoft Graph v1.0, authorised like Microsoft: app roles for app-only tokens, delegated
//! scopes plus directory roles for a signed-in admin.

mod applications;
mod batch;
pub(crate) mod exchange_rbac;
mod groups;
pub(crate) mod mailboxes;
mod odata;
mod organization;
pub(crate) mod policies;
mod service_principals;
mod users;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use axum::Router;

use crate::errors::GraphError;
use crate::keys::Claims;
use crate::{SharedSim, Sim};

pub fn routes() -> Router<SharedSim> {
    Router::new()
        .route("/v1.0/organization", get(organization::list))
        .route("/v1.0/users", get(users::list))
        .route("/v1.0/users/{id}", get(users::get))
        .route("/v1.0/users/{id}/mailFolders/{folder}", get(users::mail_folder))
        .route("/v1.0/users/{id}/mailboxSettings", get(users::mailbox_settings))
        .route("/v1.0/users/{id}/settings/exchange", get(mailboxes::exchange_settings))
        .route("/v1.0/users/{id}/{kind}", get(mailboxes::user_items))
        .route("/v1.0/admin/exchange/mailboxes/{mailbox}/folders", get(mailboxes::folders))
        .route("/v1.0/admin/exchange/mailboxes/{mailbox}/folders/{folder}/items", get(mailboxes::items))
        .route("/v1.0/admin/exchange/mailboxes/{mailbox}/exportItems", post(mailboxes::export_items))
        .route("/v1.0/admin/exchange/mailboxes/{mailbox}/createImportSession", post(mailboxes::create_import_session))
        .route("/v1.0/groups", get(groups::list))
        .route("/v1.0/groups/{id}", get(groups::get))
        .route("/v1.0/groups/{id}/members", get(groups::members))
        // The cast as Microsoft's pages write it, and as the Graph SDK sends it (`graph.user`).
        .route("/v1.0/groups/{id}/members/microsoft.graph.user", get(groups::members))
        .route("/v1.0/groups/{id}/members/graph.user", get(groups::members))
        .route("/v1.0/applications", get(applications::list).post(applications::create))
        .route(
            "/v1.0/applications/{id}",
            get(applications::get).patch(applications::update).delete(applications::delete),
        )
        .route("/v1.0/applications/{id}/owners", get(applications::owners))
        .route("/v1.0/applications/{id}/addPassword", post(applications::add_password))
        .route("/v1.0/applications/{id}/addKey", post(applications::add_key))
        .route("/v1.0/applications/{id}/removeKey", post(applications::remove_key))
        .route("/v1.0/applications/{id}/removePassword", post(applications::remove_password))
        .route("/v1.0/policies/defaultAppManagementPolicy", get(policies::get_default))
        .route("/v1.0/servicePrincipals", get(service_principals::list).post(service_principals::create))
        .route("/v1.0/servicePrincipals/{id}", get(service_principals::get))
        .route(
            "/v1.0/servicePrincipals/{id}/appRoleAssignedTo",
            get(service_principals::assignments).post(service_principals::assign),
        )
        .route("/v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignment}", delete(service_principals::revoke))
        .route("/v1.0/servicePrincipals/{id}/appRoleAssignments", get(service_principals::granted_to))
        .route("/v1.0/$batch", post(batch::batch))
}

/// A handler's result as Graph sends it: the body with its status (204 without a body), or the
/// error in Graph's shape.
fn respond(result: Result<(StatusCode, serde_json::Value), GraphError>) -> Response {
    match result {
        Ok((StatusCode::NO_CONTENT, _)) => StatusCode::NO_CONTENT.into_response(),
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Who is calling, from a verified bearer token.
pub struct Caller {
    pub claims: Claims,
}

impl Caller {
    pub fn app_only(&self) -> bool {
        self.claims.idtyp == "app"
    }

    pub fn tenant(&self) -> &str {
        &self.claims.tid
    }

    fn has_role(&self, any: &[&str]) -> bool {
        self.claims.roles.iter().any(|r| any.contains(&r.as_str()))
    }

    fn has_scope(&self, any: &[&str]) -> bool {
        self.claims.scp.as_deref().unwrap_or_default().split(' ').any(|s| any.contains(&s))
    }

    pub fn has_directory_role(&self, any: &[&str]) -> bool {
        self.claims.wids.iter().any(|w| any.contains(&w.as_str()))
    }

    /// The caller's tenant in the directory.
    pub fn tenant_in<'w>(&self, world: &'w crate::world::World) -> Result<&'w crate::world::Tenant, GraphError> {
        world.tenant(self.tenant()).ok_or_else(|| GraphError::not_found(self.tenant()))
    }

    pub fn tenant_in_mut<'w>(
        &self,
        world: &'w mut crate::world::World,
    ) -> Result<&'w mut crate::world::Tenant, GraphError> {
        world.tenant_mut(&self.claims.tid).ok_or_else(|| GraphError::not_found(&self.claims.tid))
    }

    /// App-only callers need one of `roles`; delegated callers one of `scopes`.
    pub fn require(&self, roles: &[&str], scopes: &[&str]) -> Result<(), GraphError> {
        let allowed = if self.app_only() { self.has_role(roles) } else { self.has_scope(scopes) };
        if allowed {
            Ok(())
        } else {
            Err(GraphError::denied())
        }
    }
}

pub fn caller(sim: &Sim, headers: &HeaderMap) -> Result<Caller, GraphError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| GraphError::unauthorized("Access token is empty."))?;
    let claims = sim.key.verify(token).ok_or_else(|| {
        GraphError::unauthorized(
            "Access token validation failure. The token is expired, malformed or not signed by this authority.",
        )
    })?;
    if !sim.graph_audiences().contains(&claims.aud) {
        return Err(GraphError::unauthorized("Access token validation failure. Invalid audience."));
    }
    Ok(Caller { claims })
}
