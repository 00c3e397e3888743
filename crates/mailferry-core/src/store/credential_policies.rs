//! Rows of `credential_policies`: whether new client secrets were blocked when last learnt,
//! for a tenant (its default app management policy) or one application (Graph's answer).

use sqlx::SqlitePool;

use super::timestamp;
use crate::Result;

pub struct CredentialPolicyRepo<'a> {
    pool: &'a SqlitePool,
}

/// What was learnt about: a tenant's default policy, or one application's own.
pub enum PolicyScope<'a> {
    /// Each name of the tenant: its GUID and the domain a connection may know it by.
    Tenant(&'a [&'a str]),
    /// An application (client) id.
    Application(&'a str),
}

impl<'a> CredentialPolicyRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        CredentialPolicyRepo { pool }
    }

    pub async fn record_secrets_blocked(&self, scope: PolicyScope<'_>, blocked: bool) -> Result<()> {
        let keys: Vec<String> = match scope {
            PolicyScope::Tenant(names) => {
                names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).map(|n| format!("tenant:{n}")).collect()
            }
            PolicyScope::Application(client_id) => vec![format!("app:{}", client_id.trim())],
        };
        let mut tx = self.pool.begin().await?;
        for key in keys {
            sqlx::query(
                "INSERT INTO credential_policies (scope, secrets_blocked, learnt_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (scope) DO UPDATE SET secrets_blocked = ?2, learnt_at = ?3",
            )
            .bind(key)
            .bind(blocked)
            .bind(timestamp(&crate::model::now()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
