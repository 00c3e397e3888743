//! The connection summary: what an export holds, in every format. Built from a connection and
//! its last check; it has no field that could hold a secret or a private key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::checks::CheckResult;
use crate::model::{CheckOutcome, CredentialKind, RegistrationMode, Role};

/// Bumped whenever a field is renamed or removed (adding one keeps the version).
pub const SCHEMA_VERSION: u32 = 1;

/// A JSON export. Field names are part of the documented format (docs/export-format.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportDocument {
    pub schema_version: u32,
    pub mailferry_version: String,
    pub exported_at: DateTime<Utc>,
    pub connections: Vec<ConnectionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionSummary {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub cloud: CloudSummary,
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    pub default_domain: Option<String>,
    pub client_id: String,
    /// Known when the application may read its own registration, or Mailferry registered it.
    pub application_object_id: Option<String>,
    pub application_mailbox: String,
    pub registration: RegistrationMode,
    /// Which Graph API the connection migrates with.
    pub permission_profile: crate::permissions::PermissionProfile,
    pub credential: CredentialSummary,
    /// The permission set of the connection's role and profile.
    pub permissions: Vec<PermissionSummary>,
    pub last_check: Option<LastCheckSummary>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CloudSummary {
    /// `global`, `gcc-high`, `dod`, `china` or `custom`.
    pub name: String,
    pub login_url: String,
    pub graph_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CredentialSummary {
    pub kind: CredentialKind,
    pub certificate_sha1_thumbprint: Option<String>,
    pub certificate_sha256_thumbprint: Option<String>,
    pub certificate_subject: Option<String>,
    pub certificate_not_before: Option<DateTime<Utc>>,
    pub certificate_not_after: Option<DateTime<Utc>>,
    /// The last three characters of the secret, as the app shows them.
    pub secret_hint: Option<String>,
    pub secret_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PermissionSummary {
    pub name: String,
    pub id: String,
    pub reason: String,
    /// Whether the last check's token held it; absent until a check ran.
    pub seen_in_token: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LastCheckSummary {
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: CheckOutcome,
    pub results: Vec<CheckResult>,
}
