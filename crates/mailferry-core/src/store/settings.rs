//! Rows of `settings`: the app's few preferences, by key.

use sqlx::SqlitePool;

use crate::Result;

pub struct SettingsRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> SettingsRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        SettingsRepo { pool }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?").bind(key).fetch_optional(self.pool).await?)
    }

    /// Sets a value, or removes it with `None`.
    pub async fn set(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(value) => {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                )
                .bind(key)
                .bind(value)
                .execute(self.pool)
                .await?
            }
            None => sqlx::query("DELETE FROM settings WHERE key = ?").bind(key).execute(self.pool).await?,
        };
        Ok(())
    }
}
