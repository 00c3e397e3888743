//! A client secret replaced with an administrator's sign-in (an application cannot add a
//! secret to itself): `addPassword` within the tenant's policy, the new secret proven by a
//! token, the connection switched to it, then `removePassword` of the old one. A failure
//! before the switch leaves the connection on its old secret; a refused removal leaves both
//! secrets and says which one to remove.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;
use uuid::Uuid;

use super::Renewer;
use crate::connections::Upsert;
use crate::credential_policy::{lifetime_refused, next_shorter, read_default, remember, type_refused, PolicyKnowledge};
use crate::graph::{odata_string, path_segment, GraphClient};
use crate::http::CancellationToken;
use crate::identity::signin::AdminToken;
use crate::identity::{AppCredential, AppTokenRequest, ResolvedTenant};
use crate::model::{Connection, Credential};
use crate::{Error, Result};

/// How long a new secret lives unless asked otherwise: Microsoft's recommended 180 days.
pub const DEFAULT_SECRET_DAYS: i64 = 180;
/// The longest a new secret may live: the 24 months the Entra admin center offers.
pub const LONGEST_SECRET_DAYS: i64 = 730;

/// What a replacement did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecretReplacement {
    pub connection_id: Uuid,
    /// The new secret's end.
    pub expires_at: DateTime<Utc>,
    /// The tenant's policy shortened the lifetime asked for.
    pub policy_note: Option<String>,
    /// The old secret is still on the application (it could not be removed, or not found).
    pub warning: Option<String>,
}

fn not_a_secret(connection: &Connection) -> Error {
    Error::NotRenewable {
        message: format!("Connection \"{}\" signs in with a certificate, not a client secret.", connection.name),
        hint: "Use Renew certificate on its card (mailferry connections renew): no sign-in is needed.".into(),
    }
}

fn secrets_blocked() -> Error {
    Error::NotRenewable {
        message: "The tenant's app management policy blocks new client secrets (passwordAddition); nothing was added.".into(),
        hint: "Switch the connection to a certificate, which Mailferry makes and renews itself, or ask an administrator to allow client secrets for this application in an app management policy assigned to it.".into(),
    }
}

impl Renewer<'_> {
    /// The connection's tenant, refused unless the administrator signed in to it.
    pub(super) async fn admins_tenant(
        &self,
        admin: &AdminToken,
        connection: &Connection,
        cancel: &CancellationToken,
    ) -> Result<ResolvedTenant> {
        let tenant = self.tenant(connection, cancel).await?;
        if !admin.claims.tid.eq_ignore_ascii_case(&tenant.id) {
            return Err(Error::WrongTenant {
                user: admin.claims.user().to_owned(),
                signed_in: admin.claims.tid.clone(),
                expected: tenant.id.clone(),
                owner: "connection",
            });
        }
        Ok(tenant)
    }

    /// Records what Graph's answer to addPassword said of this application's own policy.
    async fn learnt_for_application(&self, connection: &Connection, blocked: bool) -> Result<()> {
        let scope = crate::store::PolicyScope::Application(&connection.client_id);
        self.connections.store().credential_policies().record_secrets_blocked(scope, blocked).await
    }

    /// Replaces the client secret of `connection_id` with a new one of `days` (default 180),
    /// made by the signed-in administrator.
    pub async fn replace_secret(
        &self,
        admin: &AdminToken,
        connection_id: Uuid,
        days: Option<i64>,
        on_progress: &(dyn Fn(String) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<SecretReplacement> {
        let connection = self.connections.get(connection_id).await?;
        let AppCredential::Secret(old_secret) = self.connections.app_credential(&connection).await? else {
            return Err(not_a_secret(&connection));
        };
        let tenant = self.admins_tenant(admin, &connection, cancel).await?;
        let graph = GraphClient::new(&self.identity.http, connection.cloud.graph_url(), admin.bearer());
        let what = "read the application's client secrets";
        let path = format!(
            "/applications?$filter=appId%20eq%20'{}'&$select=id,appId,passwordCredentials",
            odata_string(&connection.client_id)
        );
        let (policy, application) = tokio::try_join!(
            read_default(&graph, &admin.claims, None, cancel),
            graph.read_collection::<crate::graph::Application>(&path, what, cancel),
        )?;
        let application = application.into_iter().next().ok_or_else(|| Error::NotRenewable {
            message: format!("No application with the ID {} is in the tenant.", connection.client_id),
            hint: "Check the connection's Application (client) ID; the application may have been deleted.".into(),
        })?;
        let object_id = application.id.clone();
        remember(self.connections.store(), &[&connection.tenant_id, &tenant.id], &policy).await?;
        let policy = match policy {
            PolicyKnowledge::Known(policy) => policy,
            PolicyKnowledge::NotKnown { reason } => {
                tracing::info!(%reason, "the tenant's app management policy is not known");
                Default::default()
            }
        };
        // The default policy is not the last word: a policy assigned to the application
        // replaces it ("an app management policy applied to an app overrides the tenant
        // default"), and an admin's token may not read those. Graph decides; a refusal adds
        // nothing.
        if policy.secrets_blocked {
            on_progress(
                "The tenant's default app management policy blocks new client secrets; asking Microsoft whether a policy assigned to this application allows them".into(),
            );
        }
        let now = Utc::now();
        let asked = days.unwrap_or(DEFAULT_SECRET_DAYS).clamp(1, LONGEST_SECRET_DAYS);
        let mut end = now + chrono::Duration::days(asked);
        let mut policy_note = None;
        if let Some(latest) = policy.secret_max_lifetime.as_ref().and_then(|cap| cap.latest_end(now).map(|l| (cap, l)))
        {
            if latest.1 < end {
                end = latest.1;
                policy_note =
                    Some(format!("the tenant's app management policy caps client secrets at {}", latest.0.describe()));
            }
        }

        // addPassword, stepping down when a policy the admin's token could not read refuses
        // the lifetime (nothing was added then).
        let name = format!("Mailferry {} {}", connection.role.as_str(), now.format("%Y-%m-%d"));
        let add_path = format!("/applications/{}/addPassword", path_segment(&object_id));
        let what = "add a new client secret to the application";
        let added = loop {
            let body = json!({"passwordCredential": {"displayName": name, "endDateTime": end.to_rfc3339()}});
            let answer = graph.send(reqwest::Method::POST, &add_path, Some(&body), what, cancel).await?;
            match answer.into_result(what) {
                Ok(added) => break added,
                Err(error) if lifetime_refused(&error) => {
                    let days = (end - now).num_days();
                    let Some(shorter) = next_shorter(days, None) else { return Err(error) };
                    end = shorter.latest_end(now).unwrap_or(end);
                    let note = format!(
                        "the tenant's app management policy refused a secret valid {days} days; trying {}",
                        shorter.describe()
                    );
                    on_progress(note.clone());
                    policy_note = Some(note);
                }
                Err(error) if type_refused(&error) => {
                    self.learnt_for_application(&connection, true).await?;
                    return Err(secrets_blocked());
                }
                Err(error) => return Err(error),
            }
        };
        // Whatever the default says, this application may have secrets.
        self.learnt_for_application(&connection, false).await?;
        let secret = SecretString::from(added["secretText"].as_str().unwrap_or_default().to_owned());
        if secret.expose_secret().is_empty() {
            return Err(Error::UnexpectedResponse {
                what: format!("POST {add_path}"),
                detail: "no secretText in the answer".into(),
            });
        }
        let end = added["endDateTime"]
            .as_str()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(end);
        on_progress(format!("New client secret added, valid until {}", end.format("%Y-%m-%d")));

        // Proven: Microsoft issues a token for it (through replication), before the switch.
        let credential = AppCredential::Secret(secret.clone());
        self.poller_for("Microsoft's replication of the new secret")
            .poll(cancel, |attempt| {
                let (credential, tenant, connection) = (&credential, &tenant, &connection);
                async move {
                    let request = AppTokenRequest {
                        cloud: &connection.cloud,
                        tenant,
                        client_id: &connection.client_id,
                        credential,
                        fresh: true,
                    };
                    match self.identity.tokens.app_only(&self.identity.http, &request, cancel).await {
                        Ok(_) => Ok(Some(())),
                        // The token endpoint does not know the new secret yet.
                        Err(Error::Microsoft(failure)) if failure.aadsts == Some(7000215) => {
                            on_progress(format!(
                                "Waiting for the new secret: {}",
                                crate::registration::waiting_detail(attempt)
                            ));
                            Ok(None)
                        }
                        Err(error) => Err(error),
                    }
                }
            })
            .await?;
        on_progress("The new secret signs in".into());

        // Switched: the keychain holds the new secret from now on.
        let old_hint: String = old_secret.expose_secret().chars().take(3).collect();
        let mut switched = connection.clone();
        switched.credential = Credential::Secret { hint: last_three(secret.expose_secret()), expires_at: Some(end) };
        self.connections.save(vec![Upsert { connection: switched, secret: Some(secret) }], &[]).await?;
        on_progress("The connection signs in with the new secret".into());

        let warning =
            remove_old_secret(&graph, &object_id, &application.password_credentials, &old_hint, cancel).await?;
        if warning.is_none() {
            on_progress("The old secret was removed".into());
        }
        Ok(SecretReplacement { connection_id, expires_at: end, policy_note, warning })
    }
}

/// `removePassword` of the client secret whose first three characters are `old_hint` (Graph's
/// `hint`): `None` when it is gone, else a warning that says which secret to delete by hand.
pub(super) async fn remove_old_secret(
    graph: &GraphClient<'_>,
    object_id: &str,
    secrets: &[crate::graph::PasswordCredential],
    old_hint: &str,
    cancel: &CancellationToken,
) -> Result<Option<String>> {
    let old: Vec<&crate::graph::PasswordCredential> =
        secrets.iter().filter(|c| c.hint.as_deref() == Some(old_hint)).collect();
    let [one] = old.as_slice() else {
        return Ok(Some(format!(
            "The old client secret (starting {old_hint}…) was not found on the application by its first characters; if it is still there, delete it under Certificates & secrets in the Microsoft Entra admin center."
        )));
    };
    let Some(key_id) = one.key_id.clone() else {
        return Ok(Some(format!(
            "The old client secret (starting {old_hint}…) has no Secret ID on the application; delete it under Certificates & secrets in the Microsoft Entra admin center."
        )));
    };
    let what = "remove the old client secret";
    let path = format!("/applications/{}/removePassword", path_segment(object_id));
    let answer = graph.send(reqwest::Method::POST, &path, Some(&json!({"keyId": key_id})), what, cancel).await?;
    Ok(match answer.status {
        200..=299 | 404 => None,
        _ => Some(format!(
            "The old client secret (starting {old_hint}…, Secret ID {key_id}) is still on the application: Microsoft refused to remove it (HTTP {}). Delete it under Certificates & secrets in the Microsoft Entra admin center.",
            answer.status
        )),
    })
}

fn last_three(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars[chars.len().saturating_sub(3)..].iter().collect()
}
