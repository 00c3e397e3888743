//! Rows of `registrations` and `registration_steps`: the journal of automatic registrations.

use chrono::{DateTime, Utc};

use super::timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::cloud::Cloud;
use crate::model::registration::{Registration, RegistrationStatus, RegistrationStep};
use crate::model::Role;
use crate::permissions::PermissionProfile;
use crate::{Error, Result};

pub struct RegistrationRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> RegistrationRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        RegistrationRepo { pool }
    }

    /// Inserts or updates the whole record.
    pub async fn save(&self, r: &Registration) -> Result<()> {
        let (login, graph) = r.cloud.custom_urls();
        sqlx::query(
            "INSERT INTO registrations (id, role, cloud, cloud_login_url, cloud_graph_url, tenant_id, admin, connection_name, \
             application_mailbox, status, certificate_sha1, application_object_id, application_app_id, service_principal_id, \
             roles_granted, connection_id, last_error, started_at, updated_at, reuse_app_id, trusted_key_ids, permission_profile, scope_group) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23) \
             ON CONFLICT (id) DO UPDATE SET status = ?10, certificate_sha1 = ?11, application_object_id = ?12, \
             application_app_id = ?13, service_principal_id = ?14, roles_granted = ?15, connection_id = ?16, \
             last_error = ?17, updated_at = ?19, trusted_key_ids = ?21",
        )
        .bind(r.id.to_string())
        .bind(r.role.as_str())
        .bind(r.cloud.slug())
        .bind(login)
        .bind(graph)
        .bind(&r.tenant_id)
        .bind(&r.admin)
        .bind(&r.connection_name)
        .bind(&r.application_mailbox)
        .bind(r.status.as_str())
        .bind(&r.certificate_sha1)
        .bind(&r.application_object_id)
        .bind(&r.application_app_id)
        .bind(&r.service_principal_id)
        .bind(r.roles_granted)
        .bind(r.connection_id.map(|id| id.to_string()))
        .bind(&r.last_error)
        .bind(timestamp(&r.started_at))
        .bind(timestamp(&r.updated_at))
        .bind(&r.reuse_app_id)
        .bind(serde_json::to_string(&r.trusted_key_ids).unwrap_or_else(|_| "[]".into()))
        .bind(r.permission_profile.slug())
        .bind(&r.scope_group)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<Registration>> {
        let row = sqlx::query("SELECT * FROM registrations WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Registrations that neither completed nor were rolled back: to resume or clean up.
    pub async fn unfinished(&self) -> Result<Vec<Registration>> {
        let rows = sqlx::query("SELECT * FROM registrations WHERE status IN ('running', 'failed') ORDER BY started_at")
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(decode).collect()
    }

    /// Appends a journal line for a step: before its call and after it.
    pub async fn log(&self, id: Uuid, step: RegistrationStep, phase: &str, detail: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO registration_steps (registration_id, seq, step, phase, detail, at) \
             VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM registration_steps WHERE registration_id = ?1), ?2, ?3, ?4, ?5)",
        )
        .bind(id.to_string())
        .bind(step.as_str())
        .bind(phase)
        .bind(detail)
        .bind(timestamp(&crate::model::now()))
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The journal of one registration: (step, phase, detail), oldest first.
    /// Every certificate Mailferry's registrations uploaded (SHA-1 thumbprints), kept or not.
    pub async fn uploaded_certificates(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT DISTINCT certificate_sha1 FROM registrations WHERE certificate_sha1 IS NOT NULL")
            .fetch_all(self.pool)
            .await?)
    }

    pub async fn journal(&self, id: Uuid) -> Result<Vec<(String, String, String)>> {
        let rows =
            sqlx::query("SELECT step, phase, detail FROM registration_steps WHERE registration_id = ? ORDER BY seq")
                .bind(id.to_string())
                .fetch_all(self.pool)
                .await?;
        rows.iter().map(|r| Ok((r.try_get("step")?, r.try_get("phase")?, r.try_get("detail")?))).collect()
    }
}

fn decode(row: &SqliteRow) -> Result<Registration> {
    let corrupt = |what: &str| Error::Corrupt(format!("registration: {what}"));
    let text = |name: &str| -> Result<String> { Ok(row.try_get::<String, _>(name)?) };
    let optional = |name: &str| -> Result<Option<String>> { Ok(row.try_get::<Option<String>, _>(name)?) };
    let time = |name: &str| -> Result<DateTime<Utc>> { text(name)?.parse().map_err(|_| corrupt(name)) };
    Ok(Registration {
        id: Uuid::parse_str(&text("id")?).map_err(|_| corrupt("id"))?,
        role: Role::parse(&text("role")?).ok_or_else(|| corrupt("role"))?,
        cloud: Cloud::from_parts(&text("cloud")?, optional("cloud_login_url")?, optional("cloud_graph_url")?)
            .ok_or_else(|| corrupt("cloud"))?,
        permission_profile: PermissionProfile::parse(&text("permission_profile")?)
            .ok_or_else(|| corrupt("permission_profile"))?,
        scope_group: optional("scope_group")?,
        tenant_id: text("tenant_id")?,
        admin: text("admin")?,
        connection_name: text("connection_name")?,
        application_mailbox: text("application_mailbox")?,
        status: RegistrationStatus::parse(&text("status")?).ok_or_else(|| corrupt("status"))?,
        reuse_app_id: optional("reuse_app_id")?,
        trusted_key_ids: serde_json::from_str(&text("trusted_key_ids")?).map_err(|_| corrupt("trusted_key_ids"))?,
        certificate_sha1: optional("certificate_sha1")?,
        application_object_id: optional("application_object_id")?,
        application_app_id: optional("application_app_id")?,
        service_principal_id: optional("service_principal_id")?,
        roles_granted: row.try_get::<bool, _>("roles_granted")?,
        connection_id: optional("connection_id")?
            .map(|id| Uuid::parse_str(&id).map_err(|_| corrupt("connection_id")))
            .transpose()?,
        last_error: optional("last_error")?,
        started_at: time("started_at")?,
        updated_at: time("updated_at")?,
    })
}
