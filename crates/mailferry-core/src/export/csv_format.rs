//! CSV: one row per connection (RFC 4180 through the csv crate), for spreadsheets.

use serde::{Deserialize, Serialize};

use super::model::{ConnectionSummary, ExportDocument};
use crate::checks::CheckStatus;
use crate::{Error, Result};

/// One connection as a flat row; lists are joined with "; ". Column names are documented in
/// docs/export-format.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvRow {
    pub name: String,
    pub role: String,
    pub cloud: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub default_domain: String,
    pub client_id: String,
    pub application_object_id: String,
    pub application_mailbox: String,
    pub registration: String,
    /// `full-fidelity` or `item-level`.
    pub permission_profile: String,
    pub credential_kind: String,
    pub certificate_sha1: String,
    pub certificate_sha256: String,
    pub certificate_subject: String,
    pub certificate_not_before: String,
    pub certificate_not_after: String,
    pub secret_hint: String,
    pub secret_expires_at: String,
    /// `Mail.Read (seen)`, `Mail.Read (missing)`, or the bare name when never checked.
    pub permissions: String,
    pub last_check_at: String,
    pub last_check_outcome: String,
    /// The checks that did not pass, as `Title: status: summary`.
    pub last_check_problems: String,
    pub created_at: String,
    pub updated_at: String,
    pub id: String,
    pub mailferry_version: String,
    pub exported_at: String,
}

/// A spreadsheet runs a cell that starts with = + - @ (or a tab or return) as a formula: such a
/// cell gets a leading apostrophe, as OWASP advises against CSV injection.
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn text<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn time(value: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    value.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
}

impl CsvRow {
    pub fn new(c: &ConnectionSummary, document: &ExportDocument) -> CsvRow {
        let permissions = c
            .permissions
            .iter()
            .map(|p| match p.seen_in_token {
                Some(true) => format!("{} (seen)", p.name),
                Some(false) => format!("{} (missing)", p.name),
                None => p.name.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let problems = c
            .last_check
            .as_ref()
            .map(|check| {
                check
                    .results
                    .iter()
                    .filter(|r| r.status != CheckStatus::Pass)
                    .map(|r| format!("{}: {}: {}", r.title, status_word(r.status), r.summary))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let row = CsvRow {
            name: c.name.clone(),
            role: c.role.as_str().to_owned(),
            cloud: c.cloud.name.clone(),
            tenant_id: c.tenant_id.clone(),
            tenant_name: text(&c.tenant_name),
            default_domain: text(&c.default_domain),
            client_id: c.client_id.clone(),
            application_object_id: text(&c.application_object_id),
            application_mailbox: c.application_mailbox.clone(),
            registration: c.registration.as_str().to_owned(),
            permission_profile: c.permission_profile.slug().to_owned(),
            credential_kind: match c.credential.kind {
                crate::model::CredentialKind::Secret => "secret".into(),
                crate::model::CredentialKind::Certificate => "certificate".into(),
            },
            certificate_sha1: text(&c.credential.certificate_sha1_thumbprint),
            certificate_sha256: text(&c.credential.certificate_sha256_thumbprint),
            certificate_subject: text(&c.credential.certificate_subject),
            certificate_not_before: time(&c.credential.certificate_not_before),
            certificate_not_after: time(&c.credential.certificate_not_after),
            secret_hint: text(&c.credential.secret_hint),
            secret_expires_at: time(&c.credential.secret_expires_at),
            permissions,
            last_check_at: time(&c.last_check.as_ref().map(|l| l.finished_at)),
            last_check_outcome: c.last_check.as_ref().map(|l| l.outcome.as_str().to_owned()).unwrap_or_default(),
            last_check_problems: problems.clone(),
            created_at: time(&Some(c.created_at)),
            updated_at: time(&Some(c.updated_at)),
            id: c.id.to_string(),
            mailferry_version: document.mailferry_version.clone(),
            exported_at: time(&Some(document.exported_at)),
        };
        row.neutralised()
    }

    /// Every cell, not only the free text: a value from a hostile tenant, or a mailbox address
    /// such as -cmd@contoso.com, must not run as a formula either.
    fn neutralised(mut self) -> CsvRow {
        for value in [
            &mut self.name,
            &mut self.role,
            &mut self.cloud,
            &mut self.tenant_id,
            &mut self.tenant_name,
            &mut self.default_domain,
            &mut self.client_id,
            &mut self.application_object_id,
            &mut self.application_mailbox,
            &mut self.registration,
            &mut self.permission_profile,
            &mut self.credential_kind,
            &mut self.certificate_sha1,
            &mut self.certificate_sha256,
            &mut self.certificate_subject,
            &mut self.certificate_not_before,
            &mut self.certificate_not_after,
            &mut self.secret_hint,
            &mut self.secret_expires_at,
            &mut self.permissions,
            &mut self.last_check_at,
            &mut self.last_check_outcome,
            &mut self.last_check_problems,
            &mut self.created_at,
            &mut self.updated_at,
            &mut self.id,
            &mut self.mailferry_version,
            &mut self.exported_at,
        ] {
            *value = cell(value);
        }
        self
    }
}

pub fn status_word(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "passed",
        CheckStatus::Warn => "warning",
        CheckStatus::Fail => "failed",
        CheckStatus::Skipped => "not checked",
        CheckStatus::Unknown => "not known",
    }
}

/// Excel reads a UTF-8 file right only when it starts with this mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn render(document: &ExportDocument, bom: bool) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(UTF8_BOM);
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    let failed = |e: csv::Error| Error::Internal(format!("CSV export: {e}"));
    if document.connections.is_empty() {
        // Still a valid file with its header, so a script reading it finds the columns.
        writer.write_record(CSV_HEADER).map_err(failed)?;
    }
    for connection in &document.connections {
        writer.serialize(CsvRow::new(connection, document)).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| Error::Internal(format!("CSV export: {e}")))
}

const CSV_HEADER: [&str; 28] = [
    "name",
    "role",
    "cloud",
    "tenant_id",
    "tenant_name",
    "default_domain",
    "client_id",
    "application_object_id",
    "application_mailbox",
    "registration",
    "permission_profile",
    "credential_kind",
    "certificate_sha1",
    "certificate_sha256",
    "certificate_subject",
    "certificate_not_before",
    "certificate_not_after",
    "secret_hint",
    "secret_expires_at",
    "permissions",
    "last_check_at",
    "last_check_outcome",
    "last_check_problems",
    "created_at",
    "updated_at",
    "id",
    "mailferry_version",
    "exported_at",
];
