//! Upgrade permissions: moves a connection to another permission profile (Item level to Full
//! fidelity, or back) with an administrator's sign-in. The preview says what is granted and
//! what is removed; the upgrade then writes the application's requested permissions, grants
//! the new ones, revokes those the profile no longer needs (Mailferry's own permissions only:
//! a grant it never asked for stays), waits until the application's token carries the new set,
//! and saves the connection with its new profile.
//!
//! Round trips: one parallel round of reads (the application's requested permissions,
//! Microsoft Graph's roles by value, the enterprise application's grants), the PATCH, one
//! `$batch` of grants and revocations, then token polls.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;
use uuid::Uuid;

use crate::connections::{ConnectionService, Upsert};
use crate::graph::{grant_request, odata_string, BatchRequest, GraphClient};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::identity::{AppTokenRequest, IdentityClient};
use crate::model::Connection;
use crate::permissions::{Needs, Permission, PermissionProfile, MICROSOFT_GRAPH_APP_ID};
use crate::registration::RegistrationConfig;
use crate::{Error, Result};

/// What an upgrade will change, before anything is changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpgradePreview {
    pub from: PermissionProfile,
    pub to: PermissionProfile,
    /// Granted by the upgrade.
    pub add: Vec<Permission>,
    /// Revoked: the new profile no longer needs them.
    pub remove: Vec<Permission>,
    pub keep: Vec<Permission>,
}

/// The preview of moving `connection` to `to`; refused when the cloud lacks the profile's API
/// or the connection already has it.
pub fn preview(connection: &Connection, to: PermissionProfile) -> Result<UpgradePreview> {
    to.check_cloud(&connection.cloud).map_err(|message| {
        Error::invalid(crate::validate::Field::Cloud, message, "Keep the connection's Item level profile.")
    })?;
    if connection.permission_profile == to {
        return Err(Error::invalid(
            crate::validate::Field::Cloud,
            format!("{} already has the {} permissions.", connection.name, to.display_name()),
            "Nothing to upgrade: choose the other profile.",
        ));
    }
    let from = Needs::of(connection);
    let target = Needs { profile: to, ..from };
    let (old, new) = (from.entra(), target.entra());
    let named = |set: &[Permission], p: &Permission| set.iter().any(|q| q.name == p.name);
    Ok(UpgradePreview {
        from: connection.permission_profile,
        to,
        add: new.iter().filter(|p| !named(&old, p)).cloned().collect(),
        remove: old.iter().filter(|p| !named(&new, p)).cloned().collect(),
        keep: new.iter().filter(|p| named(&old, p)).cloned().collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationAccess {
    id: String,
    #[serde(default)]
    required_resource_access: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Grant {
    id: String,
    app_role_id: String,
    resource_id: String,
}

pub struct PermissionUpgrader<'a> {
    pub identity: &'a IdentityClient,
    pub connections: &'a ConnectionService,
    pub config: RegistrationConfig,
}

impl PermissionUpgrader<'_> {
    /// Carries out [`preview`] with the administrator's token; `on_progress` hears each step.
    pub async fn upgrade(
        &self,
        admin: &AdminToken,
        connection_id: Uuid,
        to: PermissionProfile,
        on_progress: &(dyn Fn(String) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<Connection> {
        let connection = self.connections.get(connection_id).await?;
        let plan = preview(&connection, to)?;
        let tenant = self
            .identity
            .tenants
            .resolve(&self.identity.http, &connection.cloud, &connection.tenant_id, cancel)
            .await?;
        if !admin.claims.tid.eq_ignore_ascii_case(&tenant.id) {
            return Err(Error::WrongTenant {
                user: admin.claims.user().to_owned(),
                signed_in: admin.claims.tid.clone(),
                expected: tenant.id.clone(),
                owner: "connection",
            });
        }
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), admin.bearer());
        let target = Needs { profile: to, ..Needs::of(&connection) };

        on_progress("Reading the application's permissions".into());
        let application = async {
            let path = format!(
                "/applications?$filter=appId%20eq%20'{}'&$select=id,requiredResourceAccess",
                odata_string(&connection.client_id)
            );
            let found: Vec<ApplicationAccess> =
                graph.read_collection(&path, "read the application's permissions", cancel).await?;
            found.into_iter().next().ok_or_else(|| missing_application(&connection))
        };
        let graph_roles = graph.microsoft_graph_roles(cancel);
        let grants = async {
            let what = "read the enterprise application's grants";
            let sp = graph.service_principal_id(&connection.client_id, what, cancel).await?.ok_or_else(|| {
                Error::NotRenewable {
                    message: format!("The application {} has no enterprise application in the tenant.", connection.client_id),
                    hint: "Grant admin consent to the application once in the Microsoft Entra admin center, then upgrade again.".into(),
                }
            })?;
            let path = format!("/servicePrincipals/{sp}/appRoleAssignments?$select=id,appRoleId,resourceId");
            let grants: Vec<Grant> = graph.read_collection(&path, what, cancel).await?;
            Ok::<_, Error>((sp, grants))
        };
        let (application, (graph_sp, roles), (sp, grants)) = tokio::try_join!(application, graph_roles, grants)?;

        // Graph's own ids, found by value: the built-in ids are only a cross-check.
        let wanted = crate::graph::role_ids_by_value(&target.entra(), &roles)?;
        let removed = crate::graph::role_ids_by_value(&plan.remove, &roles)?;

        on_progress("Writing the application's permissions".into());
        let required = required_access(&application.required_resource_access, &wanted);
        let patch = json!({ "requiredResourceAccess": required });
        graph
            .send(
                reqwest::Method::PATCH,
                &format!("/applications/{}", application.id),
                Some(&patch),
                "update the application's permissions",
                cancel,
            )
            .await?
            .into_result("update the application's permissions")?;

        on_progress(format!("Granting {} and revoking {} permissions", plan.add.len(), plan.remove.len()));
        let held: Vec<&str> =
            grants.iter().filter(|g| g.resource_id == graph_sp).map(|g| g.app_role_id.as_str()).collect();
        let mut requests: Vec<BatchRequest> = wanted
            .iter()
            .filter(|id| !held.iter().any(|h| h.eq_ignore_ascii_case(id)))
            .map(|id| grant_request(&graph_sp, &sp, id))
            .collect();
        requests.extend(
            grants
                .iter()
                .filter(|g| g.resource_id == graph_sp && removed.iter().any(|r| r.eq_ignore_ascii_case(&g.app_role_id)))
                .map(|g| BatchRequest::delete(format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo/{}", g.id))),
        );
        for chunk in requests.chunks(crate::graph::MAX_BATCH) {
            for answer in graph.batch(chunk.to_vec(), cancel).await? {
                // 409: granted already; 404: revoked already.
                if !answer.is_success() && !matches!(answer.status, 404 | 409) {
                    crate::graph::GraphResponse::from_batch(&answer).into_result("change the application's grants")?;
                }
            }
        }

        on_progress("Waiting for Microsoft to apply the permissions".into());
        self.await_roles(&connection, target, cancel).await?;
        let mut upgraded = connection.clone();
        upgraded.permission_profile = to;
        upgraded.updated_at = crate::model::now();
        upgraded.last_check = None;
        self.connections.save(vec![Upsert { connection: upgraded, secret: None }], &[]).await?;
        self.connections.get(connection_id).await
    }

    /// Asks for a fresh application token until its roles hold the new set (consent takes a
    /// while to reach new tokens).
    async fn await_roles(&self, connection: &Connection, needs: Needs, cancel: &CancellationToken) -> Result<()> {
        let credential = self.connections.app_credential(connection).await?;
        let tenant = self
            .identity
            .tenants
            .resolve(&self.identity.http, &connection.cloud, &connection.tenant_id, cancel)
            .await?;
        let poller = crate::registration::polling::Poller {
            config: &self.config,
            waiting_for: "the new permissions to reach the application's token",
        };
        let deadline = poller.deadline();
        loop {
            let request = AppTokenRequest {
                cloud: &connection.cloud,
                tenant: &tenant,
                client_id: &connection.client_id,
                credential: &credential,
                fresh: true,
            };
            let token = self.identity.tokens.app_only(&self.identity.http, &request, cancel).await?;
            let comparison = crate::checks::compare_roles(needs, &token.claims.roles);
            if comparison.missing.is_empty() {
                return Ok(());
            }
            poller.pause(deadline, cancel).await?;
        }
    }
}

/// The application's requested permissions with Microsoft Graph's set replaced by `wanted`
/// (the ids are Graph's); every other resource's entry kept as it is.
fn required_access(current: &[Value], wanted: &[String]) -> Vec<Value> {
    let mut out: Vec<Value> = current
        .iter()
        .filter(|entry| entry["resourceAppId"].as_str() != Some(MICROSOFT_GRAPH_APP_ID))
        .cloned()
        .collect();
    let access: Vec<Value> = wanted.iter().map(|id| json!({ "id": id, "type": "Role" })).collect();
    out.push(json!({ "resourceAppId": MICROSOFT_GRAPH_APP_ID, "resourceAccess": access }));
    out
}

fn missing_application(connection: &Connection) -> Error {
    Error::NotRenewable {
        message: format!("No application with the ID {} is in the tenant.", connection.client_id),
        hint: "Check the connection's Application (client) ID; the application may have been deleted.".into(),
    }
}
