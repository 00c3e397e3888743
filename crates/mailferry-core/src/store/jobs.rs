//! Rows of `jobs` and `job_mailboxes`: migration job drafts and their mailboxes, in order.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::model::{Job, JobDraft, JobMailbox, JobState};
use crate::{Error, Result};

const WITH_COUNT: &str =
    "SELECT j.*, (SELECT count(*) FROM job_mailboxes m WHERE m.job_id = j.id) AS mailbox_count FROM jobs j";

fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub struct JobRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> JobRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        JobRepo { pool }
    }

    /// Every job, newest first, without their mailbox lists.
    pub async fn list(&self) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!("{WITH_COUNT} ORDER BY j.created_at DESC")).fetch_all(self.pool).await?;
        rows.iter().map(decode).collect()
    }

    /// One job with its mailboxes, in the order they were chosen.
    pub async fn get(&self, id: Uuid) -> Result<Option<Job>> {
        let row =
            sqlx::query(&format!("{WITH_COUNT} WHERE j.id = ?")).bind(id.to_string()).fetch_optional(self.pool).await?;
        let Some(row) = row else { return Ok(None) };
        let mut job = decode(&row)?;
        let rows = sqlx::query(
            "SELECT mailbox_id, address, display_name FROM job_mailboxes WHERE job_id = ? ORDER BY position",
        )
        .bind(id.to_string())
        .fetch_all(self.pool)
        .await?;
        job.mailboxes = rows
            .iter()
            .map(|r| {
                Ok(JobMailbox {
                    id: r.try_get("mailbox_id")?,
                    address: r.try_get("address")?,
                    display_name: r.try_get("display_name")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(job))
    }

    /// Whether another job than `except` has this name (names compare without case).
    pub async fn name_taken(&self, name: &str, except: Option<Uuid>) -> Result<bool> {
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM jobs WHERE name = ? COLLATE NOCASE AND id != ?")
            .bind(name)
            .bind(except.map(|id| id.to_string()).unwrap_or_default())
            .fetch_optional(self.pool)
            .await?;
        Ok(taken.is_some())
    }

    /// Inserts or updates the job and replaces its mailboxes, in one transaction.
    pub async fn save(&self, id: Uuid, name: &str, draft: &JobDraft, now: DateTime<Utc>) -> Result<()> {
        let mut tx = super::Store::write(self.pool).await?;
        sqlx::query(
            "INSERT INTO jobs (id, name, source_connection_id, target_connection_id, state, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?5) ON CONFLICT (id) DO UPDATE SET name = ?2, \
             source_connection_id = ?3, target_connection_id = ?4, updated_at = ?5",
        )
        .bind(id.to_string())
        .bind(name)
        .bind(draft.source_connection_id.map(|i| i.to_string()))
        .bind(draft.target_connection_id.map(|i| i.to_string()))
        .bind(time(&now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM job_mailboxes WHERE job_id = ?").bind(id.to_string()).execute(&mut *tx).await?;
        for (position, mailbox) in draft.mailboxes.iter().enumerate() {
            sqlx::query(
                "INSERT OR IGNORE INTO job_mailboxes (job_id, mailbox_id, address, display_name, position) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id.to_string())
            .bind(&mailbox.id)
            .bind(&mailbox.address)
            .bind(&mailbox.display_name)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete(&self, id: Uuid) -> Result<()> {
        sqlx::query("DELETE FROM jobs WHERE id = ?").bind(id.to_string()).execute(self.pool).await?;
        Ok(())
    }

    /// The jobs that use a connection, by name: such a connection cannot be deleted.
    pub async fn using(&self, connection_id: Uuid) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM jobs WHERE source_connection_id = ?1 OR target_connection_id = ?1 ORDER BY name",
        )
        .bind(connection_id.to_string())
        .fetch_all(self.pool)
        .await?)
    }
}

fn decode(row: &SqliteRow) -> Result<Job> {
    let corrupt = |what: &str| Error::Corrupt(format!("job: {what}"));
    let uuid = |name: &str| -> Result<Option<Uuid>> {
        row.try_get::<Option<String>, _>(name)?.map(|s| Uuid::parse_str(&s).map_err(|_| corrupt(name))).transpose()
    };
    let when =
        |name: &str| -> Result<DateTime<Utc>> { row.try_get::<String, _>(name)?.parse().map_err(|_| corrupt(name)) };
    Ok(Job {
        id: uuid("id")?.ok_or_else(|| corrupt("id"))?,
        name: row.try_get("name")?,
        source_connection_id: uuid("source_connection_id")?,
        target_connection_id: uuid("target_connection_id")?,
        state: JobState::Draft,
        mailbox_count: row.try_get::<i64, _>("mailbox_count")?.max(0) as usize,
        mailboxes: Vec::new(),
        created_at: when("created_at")?,
        updated_at: when("updated_at")?,
    })
}
