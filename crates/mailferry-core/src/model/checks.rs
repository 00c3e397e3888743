//! What a configuration check run reports (docs/microsoft-contract.md), shared with the
//! UI through ts-rs. Nothing here holds a secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::microsoft_errors::MicrosoftDetail;
use crate::model::{CheckOutcome, Connection};

/// The eight checks, in the order they run and are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CheckId {
    Tenant,
    Token,
    Permissions,
    Organization,
    Mailbox,
    MailAccess,
    MailboxScope,
    CredentialExpiry,
}

impl CheckId {
    pub const ALL: [CheckId; 8] = [
        CheckId::Tenant,
        CheckId::Token,
        CheckId::Permissions,
        CheckId::Organization,
        CheckId::Mailbox,
        CheckId::MailAccess,
        CheckId::MailboxScope,
        CheckId::CredentialExpiry,
    ];

    pub fn title(self) -> &'static str {
        match self {
            CheckId::Tenant => "Tenant",
            CheckId::Token => "Sign-in as the application",
            CheckId::Permissions => "Permissions",
            CheckId::Organization => "Organization",
            CheckId::Mailbox => "Application mailbox",
            CheckId::MailAccess => "Mail access",
            CheckId::MailboxScope => "Mailbox scope",
            CheckId::CredentialExpiry => "Credential expiry",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Not run because a check it depends on failed.
    Skipped,
    /// Ran, but Microsoft's answers could not tell (an end date the application may not read):
    /// neither a pass nor a problem, and said so with how to find out.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckResult {
    pub id: CheckId,
    pub title: String,
    pub status: CheckStatus,
    /// What was found, in one sentence.
    pub summary: String,
    /// What to do, when something is wrong.
    pub fix: Option<String>,
    /// What Microsoft answered, when it refused.
    pub microsoft: Option<MicrosoftDetail>,
}

impl CheckResult {
    pub fn new(id: CheckId, status: CheckStatus, summary: impl Into<String>) -> Self {
        CheckResult { id, title: id.title().to_owned(), status, summary: summary.into(), fix: None, microsoft: None }
    }

    pub fn pass(id: CheckId, summary: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Pass, summary)
    }

    pub fn warn(id: CheckId, summary: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Warn, summary).with_fix(fix)
    }

    pub fn fail(id: CheckId, summary: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Fail, summary).with_fix(fix)
    }

    /// `summary` says what could not be learnt, `how_to_find_out` where the admin can see it.
    pub fn unknown(id: CheckId, summary: impl Into<String>, how_to_find_out: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Unknown, summary).with_fix(how_to_find_out)
    }

    pub fn skipped(id: CheckId, because: CheckId) -> Self {
        Self::new(id, CheckStatus::Skipped, format!("Not checked: \"{}\" must pass first.", because.title()))
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn with_microsoft(mut self, detail: Option<MicrosoftDetail>) -> Self {
        self.microsoft = detail;
        self
    }
}

/// The result of one run of the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckReport {
    pub connection_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: CheckOutcome,
    /// One per check, in [`CheckId::ALL`] order.
    pub results: Vec<CheckResult>,
    /// The directory (tenant) id, once the tenant resolved.
    pub tenant_id: Option<String>,
    pub tenant_name: Option<String>,
    pub default_domain: Option<String>,
    /// The `roles` of the application's token.
    pub granted_permissions: Vec<String>,
    /// The permissions of the connection's set that the token lacked.
    pub missing_permissions: Vec<String>,
    /// When the credential expires, where known.
    pub credential_expires_at: Option<DateTime<Utc>>,
    /// The application's object id in Entra ID, where the application may read its own
    /// registration (Application.Read.All).
    pub application_object_id: Option<String>,
    /// The enterprise application's object id (the token's `oid`), once a token came.
    #[serde(default)]
    pub service_principal_id: Option<String>,
    /// The group a scoped connection is limited to, as Microsoft Graph named it.
    #[serde(default)]
    pub scope_group_name: Option<String>,
    /// For a scoped connection, the Exchange Online PowerShell that makes its scope.
    #[serde(default)]
    pub scope_script: Option<String>,
}

impl CheckReport {
    pub fn result(&self, id: CheckId) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.id == id)
    }
}

/// Live progress of a run, for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum CheckEvent {
    Started { id: CheckId },
    Finished { result: Box<CheckResult> },
}

/// A finished run: the report, and the connection with what the run learnt (tenant name,
/// default domain, last check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckRun {
    pub report: CheckReport,
    pub connection: Connection,
}
