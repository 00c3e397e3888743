//! Rows of the `connections` table <-> [`Connection`].

use chrono::{DateTime, Utc};

use super::timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use uuid::Uuid;

use crate::cloud::Cloud;
use crate::model::{CheckOutcome, Connection, Credential, LastCheck, MailboxScope, RegistrationMode, Role};
use crate::permissions::PermissionProfile;
use crate::{Error, Result};

const COLUMNS: &str = "id, role, name, cloud, cloud_login_url, cloud_graph_url, tenant_id, tenant_name, \
    default_domain, client_id, application_mailbox, registration, credential_kind, secret_hint, \
    secret_expires_at, cert_sha1, cert_sha256, cert_subject, cert_not_after, created_at, updated_at, \
    last_check_at, last_check_outcome, permission_profile, scope_group, scope_group_name";

/// What a connection is read with besides its own columns: whether new client secrets were
/// blocked when last learnt (`credential_policies`), for its application or else its tenant.
const KNOWN_POLICY: &str = "COALESCE(\
    (SELECT secrets_blocked FROM credential_policies WHERE scope = 'app:' || connections.client_id), \
    (SELECT secrets_blocked FROM credential_policies WHERE scope = 'tenant:' || connections.tenant_id), 0) \
    AS secrets_blocked";

pub struct ConnectionRepo<'a> {
    pool: &'a SqlitePool,
}

impl<'a> ConnectionRepo<'a> {
    pub(super) fn new(pool: &'a SqlitePool) -> Self {
        ConnectionRepo { pool }
    }

    pub async fn create(&self, connection: &Connection) -> Result<()> {
        let mut db = self.pool.acquire().await?;
        insert(&mut db, connection).await
    }

    pub async fn get(&self, id: Uuid) -> Result<Option<Connection>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS}, {KNOWN_POLICY} FROM connections WHERE id = ?"))
            .bind(id.to_string())
            .fetch_optional(self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Connections of one role (or all), by name.
    pub async fn list(&self, role: Option<Role>) -> Result<Vec<Connection>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, {KNOWN_POLICY} FROM connections WHERE ?1 IS NULL OR role = ?1 \
             ORDER BY role, name COLLATE NOCASE"
        ))
        .bind(role.map(Role::as_str))
        .fetch_all(self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    /// Updates a connection that must exist (its `created_at` stays as stored).
    pub async fn update(&self, connection: &Connection) -> Result<()> {
        let mut tx = super::Store::write(self.pool).await?;
        if !exists(&mut tx, connection.id).await? {
            return Err(Error::NotFound { what: "Connection", id: connection.id.to_string() });
        }
        upsert(&mut tx, connection).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Returns whether a row was deleted.
    pub async fn delete(&self, id: Uuid) -> Result<bool> {
        let mut db = self.pool.acquire().await?;
        delete(&mut db, id).await
    }

    /// Writes every upsert and delete in one transaction: all of them, or none.
    pub async fn apply(&self, upserts: &[Connection], deletes: &[Uuid]) -> Result<()> {
        let mut tx = super::Store::write(self.pool).await?;
        for id in deletes {
            delete(&mut tx, *id).await?;
        }
        for connection in upserts {
            upsert(&mut tx, connection).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whether another connection of the role already uses the name (case-insensitive).
    pub async fn name_taken(&self, role: Role, name: &str, except: Option<Uuid>) -> Result<bool> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM connections WHERE role = ? AND name = ? COLLATE NOCASE AND id IS NOT ?")
                .bind(role.as_str())
                .bind(name)
                .bind(except.map(|id| id.to_string()))
                .fetch_optional(self.pool)
                .await?;
        Ok(found.is_some())
    }
}

/// The credential's columns: kind, secret hint and expiry, certificate thumbprints, subject and expiry.
type CredentialColumns<'c> =
    (&'static str, Option<&'c str>, Option<String>, Option<&'c str>, Option<&'c str>, Option<&'c str>, Option<String>);

fn credential_columns(credential: &Credential) -> CredentialColumns<'_> {
    match credential {
        Credential::Secret { hint, expires_at } => {
            ("secret", Some(hint), expires_at.as_ref().map(timestamp), None, None, None, None)
        }
        Credential::Certificate { sha1_thumbprint, sha256_thumbprint, subject, not_after } => (
            "certificate",
            None,
            None,
            Some(sha1_thumbprint),
            sha256_thumbprint.as_deref(),
            subject.as_deref(),
            not_after.as_ref().map(timestamp),
        ),
    }
}

/// Every column in `COLUMNS` order, bound to a statement that has one placeholder per column.
fn bind_columns<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    c: &'q Connection,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    let (kind, hint, secret_expiry, sha1, sha256, subject, not_after) = credential_columns(&c.credential);
    let (login_url, graph_url) = c.cloud.custom_urls();
    query
        .bind(c.id.to_string())
        .bind(c.role.as_str())
        .bind(&c.name)
        .bind(c.cloud.slug())
        .bind(login_url)
        .bind(graph_url)
        .bind(&c.tenant_id)
        .bind(&c.tenant_name)
        .bind(&c.default_domain)
        .bind(&c.client_id)
        .bind(&c.application_mailbox)
        .bind(c.registration.as_str())
        .bind(kind)
        .bind(hint)
        .bind(secret_expiry)
        .bind(sha1)
        .bind(sha256)
        .bind(subject)
        .bind(not_after)
        .bind(timestamp(&c.created_at))
        .bind(timestamp(&c.updated_at))
        .bind(c.last_check.as_ref().map(|check| timestamp(&check.at)))
        .bind(c.last_check.as_ref().map(|check| check.outcome.as_str()))
        .bind(c.permission_profile.slug())
        .bind(c.mailbox_scope.as_ref().map(|s| s.group.as_str()))
        .bind(c.mailbox_scope.as_ref().and_then(|s| s.display_name.as_deref()))
}

fn placeholders() -> String {
    vec!["?"; COLUMNS.split(',').count()].join(", ")
}

async fn insert(db: &mut SqliteConnection, c: &Connection) -> Result<()> {
    let sql = format!("INSERT INTO connections ({COLUMNS}) VALUES ({})", placeholders());
    bind_columns(sqlx::query(&sql), c).execute(&mut *db).await.map_err(|e| name_conflict(e, c))?;
    Ok(())
}

/// Inserts, or updates every field but `id` and `created_at` of the existing row.
async fn upsert(db: &mut SqliteConnection, c: &Connection) -> Result<()> {
    let updates: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|column| !matches!(*column, "id" | "created_at"))
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    let sql = format!(
        "INSERT INTO connections ({COLUMNS}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        placeholders(),
        updates.join(", ")
    );
    bind_columns(sqlx::query(&sql), c).execute(&mut *db).await.map_err(|e| name_conflict(e, c))?;
    Ok(())
}

async fn exists(db: &mut SqliteConnection, id: Uuid) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM connections WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *db)
        .await?;
    Ok(found.is_some())
}

async fn delete(db: &mut SqliteConnection, id: Uuid) -> Result<bool> {
    let done = sqlx::query("DELETE FROM connections WHERE id = ?").bind(id.to_string()).execute(&mut *db).await?;
    Ok(done.rows_affected() == 1)
}

fn name_conflict(error: sqlx::Error, c: &Connection) -> Error {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Error::NameTaken { role: c.role, name: c.name.clone() }
        }
        _ => Error::Database(error),
    }
}

fn decode(row: &SqliteRow) -> Result<Connection> {
    let text = |column: &str| -> Result<String> { Ok(row.try_get::<String, _>(column)?) };
    let optional = |column: &str| -> Result<Option<String>> { Ok(row.try_get::<Option<String>, _>(column)?) };
    let corrupt = |what: &str, value: &str| Error::Corrupt(format!("{what} \"{value}\""));
    let parse_time = |value: &str| -> Result<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).map_err(|_| corrupt("timestamp", value))
    };
    let parse_optional_time = |value: Option<String>| value.as_deref().map(parse_time).transpose();

    let id_text = text("id")?;
    let id = Uuid::parse_str(&id_text).map_err(|_| corrupt("connection id", &id_text))?;
    let role_text = text("role")?;
    let role = Role::parse(&role_text).ok_or_else(|| corrupt("role", &role_text))?;
    let cloud_text = text("cloud")?;
    let cloud = Cloud::from_parts(&cloud_text, optional("cloud_login_url")?, optional("cloud_graph_url")?)
        .ok_or_else(|| corrupt("cloud", &cloud_text))?;
    let registration_text = text("registration")?;
    let registration =
        RegistrationMode::parse(&registration_text).ok_or_else(|| corrupt("registration mode", &registration_text))?;
    let profile_text = text("permission_profile")?;
    let permission_profile =
        PermissionProfile::parse(&profile_text).ok_or_else(|| corrupt("permission profile", &profile_text))?;
    let credential = match text("credential_kind")?.as_str() {
        "secret" => Credential::Secret {
            hint: optional("secret_hint")?.unwrap_or_default(),
            expires_at: parse_optional_time(optional("secret_expires_at")?)?,
        },
        "certificate" => Credential::Certificate {
            sha1_thumbprint: optional("cert_sha1")?.unwrap_or_default(),
            sha256_thumbprint: optional("cert_sha256")?,
            subject: optional("cert_subject")?,
            not_after: parse_optional_time(optional("cert_not_after")?)?,
        },
        other => return Err(corrupt("credential kind", other)),
    };
    let last_check = match (optional("last_check_at")?, optional("last_check_outcome")?) {
        (Some(at), Some(outcome)) => Some(LastCheck {
            at: parse_time(&at)?,
            outcome: CheckOutcome::parse(&outcome).ok_or_else(|| corrupt("check outcome", &outcome))?,
        }),
        _ => None,
    };
    Ok(Connection {
        id,
        role,
        name: text("name")?,
        cloud,
        tenant_id: text("tenant_id")?,
        tenant_name: optional("tenant_name")?,
        default_domain: optional("default_domain")?,
        client_id: text("client_id")?,
        application_mailbox: text("application_mailbox")?,
        registration,
        permission_profile,
        mailbox_scope: optional("scope_group")?
            .map(|group| Ok::<_, Error>(MailboxScope { group, display_name: optional("scope_group_name")? }))
            .transpose()?,
        credential,
        created_at: parse_time(&text("created_at")?)?,
        updated_at: parse_time(&text("updated_at")?)?,
        last_check,
        secrets_blocked: row.try_get::<bool, _>("secrets_blocked")?,
    })
}
