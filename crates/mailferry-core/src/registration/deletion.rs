//! Deleting an automatically registered connection's application from Entra ID, with a
//! preview of what goes with it.

use super::workflow::{application_name, Registrar};
use crate::graph::GraphClient;
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::model::registration::ApplicationDeletion;
use crate::model::{Connection, RegistrationMode};
use crate::{Error, Result};

impl Registrar<'_> {
    /// What deleting this automatically registered connection's application would delete.
    pub async fn deletion_preview(&self, connection: &Connection) -> Result<ApplicationDeletion> {
        if connection.registration != RegistrationMode::Automatic {
            return Err(Error::RegisteredByHand { name: connection.name.clone() });
        }
        let others = self
            .connections
            .list(None)
            .await?
            .into_iter()
            .filter(|c| c.id != connection.id && c.client_id == connection.client_id)
            .map(|c| c.name)
            .collect();
        Ok(ApplicationDeletion {
            display_name: application_name(connection.role).to_owned(),
            app_id: connection.client_id.clone(),
            tenant_id: connection.tenant_id.clone(),
            permissions: crate::permissions::Needs::of(connection).entra().into_iter().map(|p| p.name).collect(),
            other_connections: others,
        })
    }

    /// Deletes an automatically registered connection's application from Entra ID (with its
    /// service principal and grants; Entra keeps it restorable for 30 days).
    pub async fn delete_application(
        &self,
        connection: &Connection,
        admin: &AdminToken,
        cancel: &CancellationToken,
    ) -> Result<ApplicationDeletion> {
        let preview = self.deletion_preview(connection).await?;
        if admin.claims.tid != connection.tenant_id {
            return Err(Error::WrongTenant {
                user: admin.claims.user().to_owned(),
                signed_in: admin.claims.tid.clone(),
                expected: connection.tenant_id.clone(),
                owner: "connection",
            });
        }
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), admin.bearer());
        let what = "find the application to delete";
        if let Some(object_id) = graph.application_object_id(&connection.client_id, what, cancel).await? {
            let what = "delete the application";
            let answer = graph.delete_application(&object_id, what, cancel).await?;
            if answer.status == 403 {
                return Err(Error::RoleRequired {
                    user: admin.claims.user().to_owned(),
                    action: "delete applications".into(),
                    roles: "Application Administrator, Cloud Application Administrator or Global Administrator".into(),
                    consent_url: None,
                });
            }
            if !(answer.is_success() || answer.status == 404) {
                answer.into_result(what)?;
            }
        }
        tracing::info!(app_id = %connection.client_id, "application deleted from Entra ID");
        Ok(preview)
    }
}
