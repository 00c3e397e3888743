//! Rows of the `check_runs` table: each configuration check run, as its JSON report.

use chrono::SecondsFormat;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::model::checks::CheckReport;
use crate::{Error, Result};

pub struct CheckRunRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> CheckRunRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        CheckRunRepo { pool }
    }

    pub async fn insert(&self, report: &CheckReport) -> Result<()> {
        let json =
            serde_json::to_string(report).map_err(|e| Error::Internal(format!("report not serialisable: {e}")))?;
        sqlx::query(
            "INSERT INTO check_runs (connection_id, started_at, finished_at, outcome, report) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(report.connection_id.to_string())
        .bind(report.started_at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .bind(report.finished_at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .bind(report.outcome.as_str())
        .bind(json)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The newest run of a connection.
    pub async fn latest(&self, connection_id: Uuid) -> Result<Option<CheckReport>> {
        let row = sqlx::query("SELECT report FROM check_runs WHERE connection_id = ? ORDER BY id DESC LIMIT 1")
            .bind(connection_id.to_string())
            .fetch_optional(self.pool)
            .await?;
        row.map(|row| {
            let json: String = row.try_get("report")?;
            serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("check run of {connection_id}: {e}")))
        })
        .transpose()
    }

    pub async fn count(&self, connection_id: Uuid) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM check_runs WHERE connection_id = ?")
            .bind(connection_id.to_string())
            .fetch_one(self.pool)
            .await?)
    }

    /// Removes the runs of connections that do not exist (never saved, or deleted).
    pub async fn delete_orphans(&self) -> Result<u64> {
        let done = sqlx::query("DELETE FROM check_runs WHERE connection_id NOT IN (SELECT id FROM connections)")
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
