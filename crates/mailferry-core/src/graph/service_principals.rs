//! Microsoft Graph's service principals and app role assignments, as automatic registration
//! uses them (docs/microsoft-contract.md): paths, filters and shapes in one place; statuses
//! that registration judges itself (409, replication) come back as [`GraphResponse`].

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{odata_string, BatchRequest, GraphClient, GraphResponse};
use crate::http::CancellationToken;
use crate::Result;

/// An app role a resource offers, by the `value` Mailferry asks for and the `id` it grants.
#[derive(Debug, Clone, Deserialize)]
pub struct AppRole {
    pub id: String,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServicePrincipal {
    id: String,
    #[serde(default)]
    app_roles: Vec<AppRole>,
}

impl GraphClient<'_> {
    /// `POST /servicePrincipals { appId }`: the caller judges 409 and replication.
    pub async fn create_service_principal(
        &self,
        app_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        self.send(Method::POST, "/servicePrincipals", Some(&json!({ "appId": app_id })), what, cancel).await
    }

    /// The service principal of the application `app_id`, with its app roles.
    async fn service_principal(
        &self,
        app_id: &str,
        select: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ServicePrincipal>> {
        let path = format!("/servicePrincipals?$filter=appId%20eq%20'{}'&$select={select}", odata_string(app_id));
        Ok(self.read_collection::<ServicePrincipal>(&path, what, cancel).await?.into_iter().next())
    }

    /// The object id of the application's service principal (enterprise application).
    pub async fn service_principal_id(
        &self,
        app_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        Ok(self.service_principal(app_id, "id", what, cancel).await?.map(|sp| sp.id))
    }

    /// A resource's service principal id and the app roles it offers (Microsoft Graph's, for
    /// the permissions to grant), read at run time rather than trusted from a table.
    pub async fn resource_app_roles(
        &self,
        resource_app_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<(String, Vec<AppRole>)>> {
        Ok(self.service_principal(resource_app_id, "id,appRoles", what, cancel).await?.map(|sp| (sp.id, sp.app_roles)))
    }
}

impl GraphClient<'_> {
    /// Microsoft Graph's own service principal id and the app roles it offers.
    pub async fn microsoft_graph_roles(&self, cancel: &CancellationToken) -> Result<(String, Vec<AppRole>)> {
        self.resource_app_roles(
            crate::permissions::MICROSOFT_GRAPH_APP_ID,
            "read Microsoft Graph's permissions",
            cancel,
        )
        .await?
        .ok_or_else(|| crate::Error::UnexpectedResponse {
            what: "GET /servicePrincipals (Microsoft Graph)".into(),
            detail: "Microsoft Graph's service principal is missing from the tenant".into(),
        })
    }
}

/// The ids of `permissions` among the roles a resource offers, found by value: the ids
/// Mailferry knows are only a cross-check, a difference logged, never fatal.
pub fn role_ids_by_value(permissions: &[crate::permissions::Permission], app_roles: &[AppRole]) -> Result<Vec<String>> {
    permissions
        .iter()
        .map(|permission| {
            let found = app_roles.iter().find(|role| role.value.as_deref() == Some(permission.name.as_str()));
            match found {
                Some(found) => {
                    if !found.id.eq_ignore_ascii_case(&permission.id) {
                        tracing::warn!(permission = %permission.name, id = %found.id, "Microsoft Graph reports another role id than expected");
                    }
                    Ok(found.id.clone())
                }
                None => Err(crate::Error::UnexpectedResponse {
                    what: "Microsoft Graph's permissions".into(),
                    detail: format!("{} is not offered in this tenant", permission.name),
                }),
            }
        })
        .collect()
}

/// One grant of an application permission, for a `$batch`: the app role `app_role_id` of the
/// resource `resource_id`, to the service principal `principal_id`.
pub fn grant_request(resource_id: &str, principal_id: &str, app_role_id: &str) -> BatchRequest {
    BatchRequest::post(
        format!("/servicePrincipals/{resource_id}/appRoleAssignedTo"),
        json!({"principalId": principal_id, "resourceId": resource_id, "appRoleId": app_role_id}),
    )
}
