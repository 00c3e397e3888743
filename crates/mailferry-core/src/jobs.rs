//! Migration jobs (drafts for now): a name, the source connection and its chosen mailboxes,
//! and the target connection. Kept in SQLite; a connection a job uses cannot be deleted.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::model::Role;
use crate::store::Store;
use crate::validate::{Field, FieldIssue};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum JobState {
    Draft,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobMailbox {
    pub id: String,
    pub address: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Job {
    pub id: Uuid,
    pub name: String,
    pub source_connection_id: Option<Uuid>,
    pub target_connection_id: Option<Uuid>,
    pub state: JobState,
    pub mailbox_count: usize,
    /// Empty in lists; filled when one job is read.
    pub mailboxes: Vec<JobMailbox>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the job wizard saves.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub source_connection_id: Option<Uuid>,
    pub target_connection_id: Option<Uuid>,
    pub mailboxes: Vec<JobMailbox>,
}

pub const MAX_NAME: usize = 100;

fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub struct JobService {
    store: Store,
}

impl JobService {
    pub fn new(store: Store) -> Self {
        JobService { store }
    }

    /// Every job, newest first, without their mailbox lists.
    pub async fn list(&self) -> Result<Vec<Job>> {
        let rows = sqlx::query(
            "SELECT j.*, (SELECT count(*) FROM job_mailboxes m WHERE m.job_id = j.id) AS mailbox_count \
             FROM jobs j ORDER BY j.created_at DESC",
        )
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(decode).collect()
    }

    pub async fn get(&self, id: Uuid) -> Result<Job> {
        let row = sqlx::query(
            "SELECT j.*, (SELECT count(*) FROM job_mailboxes m WHERE m.job_id = j.id) AS mailbox_count \
             FROM jobs j WHERE j.id = ?",
        )
        .bind(id.to_string())
        .fetch_optional(self.store.pool())
        .await?;
        let mut job = decode(&row.ok_or_else(|| Error::NotFound { what: "Job", id: id.to_string() })?)?;
        let rows = sqlx::query(
            "SELECT mailbox_id, address, display_name FROM job_mailboxes WHERE job_id = ? ORDER BY position",
        )
        .bind(id.to_string())
        .fetch_all(self.store.pool())
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
        Ok(job)
    }

    /// A job by id, id prefix (4 characters or more) or name.
    pub async fn find(&self, reference: &str) -> Result<Job> {
        let reference = reference.trim();
        if let Ok(id) = Uuid::parse_str(reference) {
            return self.get(id).await;
        }
        let all = self.list().await?;
        let lower = reference.to_ascii_lowercase();
        let found: Vec<&Job> = all
            .iter()
            .filter(|j| {
                j.name.eq_ignore_ascii_case(reference) || (reference.len() >= 4 && j.id.to_string().starts_with(&lower))
            })
            .collect();
        match found.as_slice() {
            [one] => self.get(one.id).await,
            [] => Err(Error::NotFound { what: "Job", id: format!("\"{reference}\"") }),
            _ => Err(Error::Conflict {
                message: format!("\"{reference}\" matches {} jobs.", found.len()),
                hint: "Use the job's full id.".into(),
            }),
        }
    }

    /// Validates and saves a draft (new or edited) in one transaction.
    pub async fn save(&self, draft: JobDraft) -> Result<Job> {
        let name = draft.name.trim().to_owned();
        let mut issues = Vec::new();
        if name.is_empty() {
            issues.push(issue("Job name: enter a name for the job.", "For example: Contoso to Fabrikam, wave 1."));
        } else if name.chars().count() > MAX_NAME {
            issues.push(issue(&format!("Job name: at most {MAX_NAME} characters."), "Shorten the name."));
        }
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM jobs WHERE name = ? COLLATE NOCASE AND id != ?")
            .bind(&name)
            .bind(draft.id.map(|id| id.to_string()).unwrap_or_default())
            .fetch_optional(self.store.pool())
            .await?;
        if taken.is_some() {
            issues.push(issue(
                &format!("Job name: a job named \"{name}\" already exists."),
                "Give this job another name.",
            ));
        }
        for (id, role) in [(draft.source_connection_id, Role::Source), (draft.target_connection_id, Role::Target)] {
            if let Some(id) = id {
                let connection = self.store.connections().get(id).await?;
                match connection {
                    Some(c) if c.role == role => {}
                    Some(c) => issues.push(issue(
                        &format!("\"{}\" is a {} connection, not a {} one.", c.name, c.role.as_str(), role.as_str()),
                        "Choose a connection of the right side.",
                    )),
                    None => issues.push(issue(
                        &format!("The {} connection {id} does not exist.", role.as_str()),
                        "Choose a defined connection, or add one.",
                    )),
                }
            }
        }
        if !issues.is_empty() {
            return Err(Error::InvalidDraft(issues));
        }
        let id = draft.id.unwrap_or_else(Uuid::new_v4);
        let now = crate::model::now();
        let mut tx = self.store.pool().begin().await?;
        sqlx::query(
            "INSERT INTO jobs (id, name, source_connection_id, target_connection_id, state, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?5) ON CONFLICT (id) DO UPDATE SET name = ?2, \
             source_connection_id = ?3, target_connection_id = ?4, updated_at = ?5",
        )
        .bind(id.to_string())
        .bind(&name)
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
        self.get(id).await
    }

    pub async fn rename(&self, id: Uuid, name: &str) -> Result<Job> {
        let job = self.get(id).await?;
        self.save(JobDraft {
            id: Some(id),
            name: name.into(),
            source_connection_id: job.source_connection_id,
            target_connection_id: job.target_connection_id,
            mailboxes: job.mailboxes,
        })
        .await
    }

    pub async fn delete(&self, id: Uuid) -> Result<Job> {
        let job = self.get(id).await?;
        sqlx::query("DELETE FROM jobs WHERE id = ?").bind(id.to_string()).execute(self.store.pool()).await?;
        Ok(job)
    }
}

/// The jobs that use a connection, by name: such a connection cannot be deleted.
pub async fn jobs_using(store: &Store, connection_id: Uuid) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM jobs WHERE source_connection_id = ?1 OR target_connection_id = ?1 ORDER BY name",
    )
    .bind(connection_id.to_string())
    .fetch_all(store.pool())
    .await?)
}

fn issue(message: &str, hint: &str) -> FieldIssue {
    FieldIssue { field: Field::Name, message: message.into(), hint: hint.into() }
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
