//! Rows of `expiry_alerts`: which expiry warnings were given for which credential.

use chrono::{DateTime, Utc};

use super::timestamp;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::Result;

pub struct ExpiryAlertRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> ExpiryAlertRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        ExpiryAlertRepo { pool }
    }

    /// The thresholds (in days, 0 for expired) already told for the credential ending at `expires_at`.
    pub async fn told(&self, connection_id: Uuid, expires_at: &DateTime<Utc>) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT threshold_days FROM expiry_alerts WHERE connection_id = ?1 AND expires_at = ?2")
            .bind(connection_id.to_string())
            .bind(timestamp(expires_at))
            .fetch_all(self.pool)
            .await?;
        Ok(rows.iter().map(|row| row.get::<i64, _>("threshold_days")).collect())
    }

    /// Records thresholds as told, in one transaction.
    pub async fn record(&self, told: &[(Uuid, DateTime<Utc>, i64)], at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for (connection_id, expires_at, threshold) in told {
            sqlx::query(
                "INSERT OR IGNORE INTO expiry_alerts (connection_id, expires_at, threshold_days, sent_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(connection_id.to_string())
            .bind(timestamp(expires_at))
            .bind(threshold)
            .bind(timestamp(&at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
