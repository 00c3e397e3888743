//! The data the store keeps and the services, the CLI and (through ts-rs) the UI exchange:
//! connections and their edit sessions here, check runs in `checks`, registrations in
//! `registration`. The store depends on these and on nothing above them. Nothing here ever
//! holds a secret: credentials are described by hints and thumbprints.

pub mod checks;
pub mod demo;
pub mod registration;
pub mod renewal;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::cloud::Cloud;
use crate::permissions::PermissionProfile;
use crate::validate::FieldIssue;

/// The current time at the precision the store keeps (milliseconds), so that a connection
/// read back equals the one written.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Role {
    Source,
    Target,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Target => "target",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "source" => Some(Role::Source),
            "target" => Some(Role::Target),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RegistrationMode {
    /// The administrator registered the application in Entra ID and typed its details.
    Manual,
    /// Mailferry registered the application itself after an admin signed in.
    Automatic,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Manual => "manual",
            RegistrationMode::Automatic => "automatic",
        }
    }

    pub fn parse(s: &str) -> Option<RegistrationMode> {
        match s {
            "manual" => Some(RegistrationMode::Manual),
            "automatic" => Some(RegistrationMode::Automatic),
            _ => None,
        }
    }
}

/// How the connection authenticates, described without the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum Credential {
    /// A client secret kept in the OS keychain.
    Secret {
        /// The last three characters, so the admin can tell which secret this is.
        hint: String,
        expires_at: Option<DateTime<Utc>>,
    },
    /// A certificate whose private key is kept in the OS keychain. Details beyond the SHA-1
    /// thumbprint are known once the certificate is in Mailferry's certificate store.
    Certificate {
        sha1_thumbprint: String,
        sha256_thumbprint: Option<String>,
        subject: Option<String>,
        not_after: Option<DateTime<Utc>>,
    },
}

impl Credential {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Credential::Secret { .. } => CredentialKind::Secret,
            Credential::Certificate { .. } => CredentialKind::Certificate,
        }
    }

    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Credential::Secret { expires_at, .. } => *expires_at,
            Credential::Certificate { not_after, .. } => *not_after,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CredentialKind {
    Secret,
    Certificate,
}

impl CredentialKind {
    /// The kind in a sentence: "client secret" or "certificate".
    pub fn noun(self) -> &'static str {
        match self {
            CredentialKind::Secret => "client secret",
            CredentialKind::Certificate => "certificate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CheckOutcome {
    Passed,
    Warnings,
    Failed,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Passed => "passed",
            CheckOutcome::Warnings => "warnings",
            CheckOutcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<CheckOutcome> {
        match s {
            "passed" => Some(CheckOutcome::Passed),
            "warnings" => Some(CheckOutcome::Warnings),
            "failed" => Some(CheckOutcome::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LastCheck {
    pub at: DateTime<Utc>,
    pub outcome: CheckOutcome,
}

/// A defined connection to an Office 365 tenant. `last_check` is `None` until the
/// configuration checks have run: the UI shows such a connection as "Not verified".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Connection {
    pub id: Uuid,
    pub role: Role,
    pub name: String,
    pub cloud: Cloud,
    /// Directory (tenant) ID as a GUID, or a verified domain of the tenant.
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    pub default_domain: Option<String>,
    /// Application (client) ID, lower-case GUID.
    pub client_id: String,
    pub application_mailbox: String,
    pub registration: RegistrationMode,
    /// Which Graph API the connection migrates with, hence the permissions it needs.
    #[serde(default)]
    pub permission_profile: PermissionProfile,
    /// Limited to the members of one mail-enabled group through Exchange Online's RBAC for
    /// Applications; `None` when the mailbox permissions are granted tenant-wide.
    #[serde(default)]
    pub mailbox_scope: Option<MailboxScope>,
    pub credential: Credential,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_check: Option<LastCheck>,
    /// The tenant's app management policy blocked new client secrets when an administrator's
    /// token last read it: Replace secret is not offered, Switch to a certificate is.
    #[serde(default)]
    pub secrets_blocked: bool,
}

/// The mail-enabled group a connection's mailbox access is limited to (Exchange Online's RBAC
/// for Applications, a management scope on `MemberOfGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailboxScope {
    /// As the admin gave it: the group's object id or its mail address.
    pub group: String,
    /// Learnt from Microsoft Graph by the last check.
    pub display_name: Option<String>,
}

/// What the wizard's Application details step holds, without the secret: a pasted secret goes
/// to the edit session once, on its own (`put_secret`), and is never sent back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DraftFields {
    /// Left empty, the tenant is used as the name.
    pub name: String,
    pub cloud: Cloud,
    pub tenant: String,
    pub client_id: String,
    pub application_mailbox: String,
    pub permission_profile: PermissionProfile,
    /// The group (its object id or mail address) to limit the connection's mailbox access to.
    #[serde(default)]
    #[ts(optional)]
    pub scope_group: Option<String>,
    pub credential: CredentialChoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum CredentialChoice {
    /// The secret pasted into this session, or else the one already saved for the connection.
    Secret {
        /// Its Expires date as Entra shows it (optional; a saved secret keeps the one it has).
        #[serde(default)]
        #[ts(optional)]
        expires_on: Option<chrono::NaiveDate>,
    },
    Certificate {
        thumbprint: String,
    },
}

/// The answer to every change of a draft: its problems, or the connection it would save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DraftState {
    pub draft_id: Uuid,
    pub issues: Vec<FieldIssue>,
    /// The connection as OK would save it; absent while any field has a problem.
    pub connection: Option<Connection>,
}

/// A row of the Manage connections window: saved, or changed in the open edit session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionRow {
    pub connection: Connection,
    pub change: RowChange,
    /// Marked for deletion with OK.
    pub deleted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RowChange {
    None,
    New,
    Edited,
}

/// What an edit session holds, as the Manage connections window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SessionView {
    pub session_id: Uuid,
    pub role: Role,
    pub rows: Vec<SessionRow>,
    /// Whether OK has anything to save.
    pub has_changes: bool,
}

// Migration jobs (drafts for now): a name, the source connection and its chosen mailboxes, and
// the target connection. The rules are in `jobs`, the rows in `store`.

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
