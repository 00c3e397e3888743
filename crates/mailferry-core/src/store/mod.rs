//! The SQLite store: one file in the data folder, WAL mode, migrations applied on open.

mod check_runs;
mod connections;
mod credential_policies;
mod expiry_alerts;
mod jobs;
mod registrations;
mod renewals;
mod settings;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::{Error, Result};

/// How every table keeps a moment: RFC 3339 in UTC, to the millisecond (sorts as text).
fn timestamp(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub use check_runs::CheckRunRepo;
pub use connections::ConnectionRepo;
pub use credential_policies::{CredentialPolicyRepo, PolicyScope};
pub use expiry_alerts::ExpiryAlertRepo;
pub use jobs::JobRepo;
pub use registrations::RegistrationRepo;
pub use renewals::RenewalRepo;
pub use settings::SettingsRepo;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|source| Error::Io {
                context: format!("Could not create the data folder {}", parent.display()),
                source,
            })?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        match MIGRATOR.run(&pool).await {
            Ok(()) => Ok(Store { pool }),
            // Its schema has a step this Mailferry does not know: reading it could lose data.
            Err(sqlx::migrate::MigrateError::VersionMissing(version)) => {
                pool.close().await;
                Err(Error::NewerDatabase { path: path.display().to_string(), version })
            }
            Err(error) => Err(error.into()),
        }
    }

    pub fn connections(&self) -> ConnectionRepo<'_> {
        ConnectionRepo::new(&self.pool)
    }

    pub fn jobs(&self) -> JobRepo<'_> {
        JobRepo::new(&self.pool)
    }

    pub fn check_runs(&self) -> CheckRunRepo<'_> {
        CheckRunRepo::new(&self.pool)
    }

    pub fn registrations(&self) -> RegistrationRepo<'_> {
        RegistrationRepo::new(&self.pool)
    }

    pub fn renewals(&self) -> RenewalRepo<'_> {
        RenewalRepo::new(&self.pool)
    }

    pub fn expiry_alerts(&self) -> ExpiryAlertRepo<'_> {
        ExpiryAlertRepo::new(&self.pool)
    }

    pub fn credential_policies(&self) -> CredentialPolicyRepo<'_> {
        CredentialPolicyRepo::new(&self.pool)
    }

    pub fn settings(&self) -> SettingsRepo<'_> {
        SettingsRepo::new(&self.pool)
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads first and writes later would fail, not wait, when the CLI and the
    /// app write at the same time.
    pub(crate) async fn write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
