//! What an automatic registration is and reports, shared with the UI through ts-rs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::cloud::Cloud;
use crate::model::Role;
use crate::permissions::PermissionProfile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RegistrationStatus {
    Running,
    Failed,
    Completed,
    RolledBack,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Running => "running",
            RegistrationStatus::Failed => "failed",
            RegistrationStatus::Completed => "completed",
            RegistrationStatus::RolledBack => "rolled_back",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RegistrationStatus::Running,
            "failed" => RegistrationStatus::Failed,
            "completed" => RegistrationStatus::Completed,
            "rolled_back" => RegistrationStatus::RolledBack,
            _ => return None,
        })
    }
}

/// The steps, in order. Each records its output in the journal; a resumed registration skips
/// the steps whose output is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RegistrationStep {
    Certificate,
    Application,
    ServicePrincipal,
    Permissions,
    Consent,
    Connection,
}

impl RegistrationStep {
    pub const ALL: [RegistrationStep; 6] = [
        RegistrationStep::Certificate,
        RegistrationStep::Application,
        RegistrationStep::ServicePrincipal,
        RegistrationStep::Permissions,
        RegistrationStep::Consent,
        RegistrationStep::Connection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStep::Certificate => "certificate",
            RegistrationStep::Application => "application",
            RegistrationStep::ServicePrincipal => "servicePrincipal",
            RegistrationStep::Permissions => "permissions",
            RegistrationStep::Consent => "consent",
            RegistrationStep::Connection => "connection",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            RegistrationStep::Certificate => "Certificate created (RSA-2048, valid 5 years)",
            RegistrationStep::Application => "Application registered in Entra ID",
            RegistrationStep::ServicePrincipal => "Enterprise application created",
            RegistrationStep::Permissions => "Permissions granted",
            RegistrationStep::Consent => "Microsoft applied the permissions",
            RegistrationStep::Connection => "Connection saved",
        }
    }
}

/// One automatic registration, as its journal knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Registration {
    pub id: Uuid,
    pub role: Role,
    pub cloud: Cloud,
    pub permission_profile: PermissionProfile,
    /// The group the connection is scoped to (its mailbox permissions then go to Exchange).
    pub scope_group: Option<String>,
    pub tenant_id: String,
    /// Who signed in to start it.
    pub admin: String,
    pub connection_name: String,
    pub application_mailbox: String,
    pub status: RegistrationStatus,
    /// The earlier Mailferry application this registration reuses, if the admin chose one.
    pub reuse_app_id: Option<String>,
    /// The keyIds of credentials Mailferry did not create that the admin agreed to keep on the
    /// reused application; any other such credential stops the reuse.
    pub trusted_key_ids: Vec<String>,
    pub certificate_sha1: Option<String>,
    pub application_object_id: Option<String>,
    pub application_app_id: Option<String>,
    pub service_principal_id: Option<String>,
    pub roles_granted: bool,
    pub connection_id: Option<Uuid>,
    pub last_error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Registration {
    /// The permissions it grants, and where.
    pub fn needs(&self) -> crate::permissions::Needs {
        crate::permissions::Needs {
            role: self.role,
            profile: self.permission_profile,
            scoped: self.scope_group.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepState {
    Started,
    /// Microsoft is still replicating: Mailferry waits and asks again.
    Waiting,
    Done,
    /// Done by an earlier attempt; nothing was sent again.
    Skipped,
}

/// Progress, for the UI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegistrationEvent {
    pub registration_id: Uuid,
    pub step: RegistrationStep,
    pub state: StepState,
    pub detail: String,
}

/// A Mailferry application already registered in the tenant, offered for reuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EarlierRegistration {
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub certificate_count: usize,
    /// A certificate of it that Mailferry holds: the new one is added next to it (addKey).
    /// Without one, the new one is added with a PATCH that writes every current certificate
    /// back: reusing never removes a certificate.
    pub held_certificate: Option<String>,
    /// Mailferry connections that already use it.
    pub connections: Vec<String>,
    /// Every certificate and secret it holds, each marked as Mailferry's own or not.
    pub credentials: Vec<ExistingCredential>,
    /// Its owners (user principal names): they can add credentials to it.
    pub owners: Vec<String>,
}

/// A credential of an application Mailferry may reuse. Whoever holds one Mailferry did not
/// create can read every mailbox once the permissions are granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExistingCredential {
    /// Microsoft's keyId: what the admin's confirmation names.
    pub key_id: String,
    pub kind: crate::model::CredentialKind,
    pub display_name: Option<String>,
    /// A certificate's SHA-1 thumbprint, or a secret's first three characters.
    pub identifier: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Mailferry made it: a certificate whose key it holds, or one its registrations uploaded.
    pub mailferry: bool,
}

/// What deleting an automatically registered connection's application would delete in Entra ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplicationDeletion {
    pub display_name: String,
    pub app_id: String,
    pub tenant_id: String,
    /// The permissions granted to it, which go with it.
    pub permissions: Vec<String>,
    /// Other Mailferry connections that use the same application and would stop working.
    pub other_connections: Vec<String>,
}
