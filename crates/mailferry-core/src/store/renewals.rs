//! Rows of `renewals` and `renewal_steps`: the journal of certificate renewals.

use chrono::{DateTime, Utc};

use super::timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::model::renewal::{Renewal, RenewalStatus, RenewalStep};
use crate::{Error, Result};

pub struct RenewalRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> RenewalRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        RenewalRepo { pool }
    }

    /// Inserts or updates the whole record.
    pub async fn save(&self, r: &Renewal) -> Result<()> {
        sqlx::query(
            "INSERT INTO renewals (id, connection_id, status, application_object_id, old_sha1, old_key_id, new_sha1, \
             new_key_id, added, proven, switched, old_removed, warning, last_error, started_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
             ON CONFLICT (id) DO UPDATE SET status = ?3, old_key_id = ?6, new_sha1 = ?7, new_key_id = ?8, added = ?9, \
             proven = ?10, switched = ?11, old_removed = ?12, warning = ?13, last_error = ?14, updated_at = ?16",
        )
        .bind(r.id.to_string())
        .bind(r.connection_id.to_string())
        .bind(r.status.as_str())
        .bind(&r.application_object_id)
        .bind(&r.old_sha1)
        .bind(&r.old_key_id)
        .bind(&r.new_sha1)
        .bind(&r.new_key_id)
        .bind(r.added)
        .bind(r.proven)
        .bind(r.switched)
        .bind(r.old_removed)
        .bind(&r.warning)
        .bind(&r.last_error)
        .bind(timestamp(&r.started_at))
        .bind(timestamp(&r.updated_at))
        .execute(self.pool)
        .await?;
        Ok(())
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<Renewal>> {
        let row =
            sqlx::query("SELECT * FROM renewals WHERE id = ?").bind(id.to_string()).fetch_optional(self.pool).await?;
        row.as_ref().map(decode).transpose()
    }

    /// The connection's renewal that neither completed: to resume rather than start another.
    pub async fn unfinished_for(&self, connection_id: Uuid) -> Result<Option<Renewal>> {
        let row = sqlx::query(
            "SELECT * FROM renewals WHERE connection_id = ? AND status IN ('running', 'failed') \
             ORDER BY started_at DESC LIMIT 1",
        )
        .bind(connection_id.to_string())
        .fetch_optional(self.pool)
        .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The application object id a connection's earlier renewal or registration recorded.
    pub async fn known_object_id(&self, connection_id: Uuid) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT application_object_id FROM renewals WHERE connection_id = ?1 \
             UNION ALL SELECT application_object_id FROM registrations \
             WHERE connection_id = ?1 AND application_object_id IS NOT NULL \
             UNION ALL SELECT application_object_id FROM uploaded_certificates WHERE connection_id = ?1 LIMIT 1",
        )
        .bind(connection_id.to_string())
        .fetch_optional(self.pool)
        .await?)
    }

    /// Records a certificate Mailferry uploaded outside a renewal or a registration, for the
    /// connection's later renewals.
    pub async fn record_upload(&self, connection_id: Uuid, sha1: &str, key_id: &str, object_id: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO uploaded_certificates (connection_id, sha1_thumbprint, key_id, application_object_id, \
             uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection_id, sha1_thumbprint) \
             DO UPDATE SET key_id = ?3, application_object_id = ?4, uploaded_at = ?5",
        )
        .bind(connection_id.to_string())
        .bind(sha1)
        .bind(key_id)
        .bind(object_id)
        .bind(timestamp(&crate::model::now()))
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The keyId Mailferry gave the connection's certificate `sha1` when it uploaded it: in a
    /// renewal, or outside one.
    pub async fn uploaded_key_id(&self, connection_id: Uuid, sha1: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT new_key_id FROM renewals WHERE connection_id = ?1 AND new_sha1 = ?2 AND added \
             AND new_key_id IS NOT NULL \
             UNION ALL SELECT key_id FROM uploaded_certificates WHERE connection_id = ?1 AND sha1_thumbprint = ?2 \
             LIMIT 1",
        )
        .bind(connection_id.to_string())
        .bind(sha1)
        .fetch_optional(self.pool)
        .await?)
    }

    /// Appends a journal line for a step: before its call and after it.
    pub async fn log(&self, id: Uuid, step: RenewalStep, phase: &str, detail: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO renewal_steps (renewal_id, seq, step, phase, detail, at) \
             VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM renewal_steps WHERE renewal_id = ?1), ?2, ?3, ?4, ?5)",
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

    /// The journal of one renewal: (step, phase, detail), oldest first.
    pub async fn journal(&self, id: Uuid) -> Result<Vec<(String, String, String)>> {
        let rows = sqlx::query("SELECT step, phase, detail FROM renewal_steps WHERE renewal_id = ? ORDER BY seq")
            .bind(id.to_string())
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("step")?, r.try_get("phase")?, r.try_get("detail")?))).collect()
    }
}

fn decode(row: &SqliteRow) -> Result<Renewal> {
    let corrupt = |what: &str| Error::Corrupt(format!("renewal: {what}"));
    let text = |name: &str| -> Result<String> { Ok(row.try_get::<String, _>(name)?) };
    let optional = |name: &str| -> Result<Option<String>> { Ok(row.try_get::<Option<String>, _>(name)?) };
    let flag = |name: &str| -> Result<bool> { Ok(row.try_get::<bool, _>(name)?) };
    let time = |name: &str| -> Result<DateTime<Utc>> { text(name)?.parse().map_err(|_| corrupt(name)) };
    Ok(Renewal {
        id: Uuid::parse_str(&text("id")?).map_err(|_| corrupt("id"))?,
        connection_id: Uuid::parse_str(&text("connection_id")?).map_err(|_| corrupt("connection_id"))?,
        status: RenewalStatus::parse(&text("status")?).ok_or_else(|| corrupt("status"))?,
        application_object_id: text("application_object_id")?,
        old_sha1: text("old_sha1")?,
        old_key_id: optional("old_key_id")?,
        new_sha1: optional("new_sha1")?,
        new_key_id: optional("new_key_id")?,
        added: flag("added")?,
        proven: flag("proven")?,
        switched: flag("switched")?,
        old_removed: flag("old_removed")?,
        warning: optional("warning")?,
        last_error: optional("last_error")?,
        started_at: time("started_at")?,
        updated_at: time("updated_at")?,
    })
}
