//! Connection summaries for colleagues, customers and auditors: JSON, CSV and a self-contained
//! HTML page. Built from what Mailferry stores about a connection and its last check; no secret
//! or key is ever read to make one.

pub(crate) mod csv_format;
pub(crate) mod html;
pub(crate) mod model;

use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use csv_format::CsvRow;
pub use model::{
    CloudSummary, ConnectionSummary, CredentialSummary, ExportDocument, LastCheckSummary, PermissionSummary,
    SCHEMA_VERSION,
};

use crate::checks::{compare_roles, CheckReport};
use crate::connections::ConnectionService;
use crate::model::{Connection, Credential};
use crate::permissions::permission_set;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExportFormat {
    Json,
    Csv,
    Html,
}

impl ExportFormat {
    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Result<ExportFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match extension.as_str() {
            "json" => Ok(ExportFormat::Json),
            "csv" => Ok(ExportFormat::Csv),
            "html" | "htm" => Ok(ExportFormat::Html),
            _ => Err(Error::UnknownExportFormat { path: path.display().to_string() }),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Start a CSV file with a UTF-8 byte order mark, so Excel reads its accents right.
    pub csv_bom: bool,
}

/// What an export is stamped with; fixed in tests so the output is reproducible.
#[derive(Debug, Clone)]
pub struct ExportStamp {
    pub exported_at: DateTime<Utc>,
    pub mailferry_version: String,
}

impl ExportStamp {
    pub fn now() -> Self {
        ExportStamp { exported_at: crate::model::now(), mailferry_version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// The summary of one connection, from what is stored about it.
pub fn summarize(
    connection: &Connection,
    report: Option<&CheckReport>,
    certificate: Option<&crate::certs::CertificateInfo>,
) -> ConnectionSummary {
    let granted = report.map(|r| r.granted_permissions.clone());
    let missing = granted.as_ref().map(|roles| compare_roles(crate::permissions::Needs::of(connection), roles).missing);
    let permissions = permission_set(connection.role, connection.permission_profile)
        .into_iter()
        .map(|p| PermissionSummary {
            seen_in_token: missing.as_ref().map(|missing| !missing.contains(&p.name)),
            name: p.name,
            id: p.id,
            reason: p.reason,
        })
        .collect();
    let credential = match &connection.credential {
        Credential::Secret { hint, expires_at } => CredentialSummary {
            kind: connection.credential.kind(),
            certificate_sha1_thumbprint: None,
            certificate_sha256_thumbprint: None,
            certificate_subject: None,
            certificate_not_before: None,
            certificate_not_after: None,
            secret_hint: Some(hint.clone()).filter(|h| !h.is_empty()),
            secret_expires_at: *expires_at,
        },
        Credential::Certificate { sha1_thumbprint, sha256_thumbprint, subject, not_after } => CredentialSummary {
            kind: connection.credential.kind(),
            certificate_sha1_thumbprint: Some(sha1_thumbprint.clone()),
            certificate_sha256_thumbprint: sha256_thumbprint
                .clone()
                .or_else(|| certificate.map(|c| c.sha256_thumbprint.clone())),
            certificate_subject: subject.clone().or_else(|| certificate.map(|c| c.subject.clone())),
            certificate_not_before: certificate.map(|c| c.not_before),
            certificate_not_after: not_after.or_else(|| certificate.map(|c| c.not_after)),
            secret_hint: None,
            secret_expires_at: None,
        },
    };
    let (login, graph) = (connection.cloud.login_url().to_owned(), connection.cloud.graph_url().to_owned());
    ConnectionSummary {
        id: connection.id,
        name: connection.name.clone(),
        role: connection.role,
        cloud: CloudSummary { name: connection.cloud.slug().to_owned(), login_url: login, graph_url: graph },
        tenant_id: report.and_then(|r| r.tenant_id.clone()).unwrap_or_else(|| connection.tenant_id.clone()),
        tenant_name: connection.tenant_name.clone(),
        default_domain: connection.default_domain.clone(),
        client_id: connection.client_id.clone(),
        application_object_id: report.and_then(|r| r.application_object_id.clone()),
        application_mailbox: connection.application_mailbox.clone(),
        registration: connection.registration,
        permission_profile: connection.permission_profile,
        credential,
        permissions,
        last_check: report.map(|r| LastCheckSummary {
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome,
            results: r.results.clone(),
        }),
        created_at: connection.created_at,
        updated_at: connection.updated_at,
    }
}

/// The summaries of the given connections (all, when `ids` is empty), in list order.
pub async fn build(service: &ConnectionService, ids: &[Uuid], stamp: ExportStamp) -> Result<ExportDocument> {
    let all = service.list(None).await?;
    let chosen: Vec<&Connection> = if ids.is_empty() {
        all.iter().collect()
    } else {
        let mut chosen = Vec::with_capacity(ids.len());
        for id in ids {
            chosen.push(
                all.iter()
                    .find(|c| c.id == *id)
                    .ok_or_else(|| Error::NotFound { what: "Connection", id: id.to_string() })?,
            );
        }
        chosen
    };
    let mut connections = Vec::with_capacity(chosen.len());
    for connection in chosen {
        let report = service.last_report(connection.id).await?;
        let certificate = match &connection.credential {
            Credential::Certificate { sha1_thumbprint, .. } => service.certificates().find(sha1_thumbprint).await?,
            Credential::Secret { .. } => None,
        };
        connections.push(summarize(connection, report.as_ref(), certificate.as_ref()));
    }
    Ok(ExportDocument {
        schema_version: SCHEMA_VERSION,
        mailferry_version: stamp.mailferry_version,
        exported_at: stamp.exported_at,
        connections,
    })
}

/// The document in the chosen format.
pub fn render(document: &ExportDocument, format: ExportFormat, options: RenderOptions) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Json => {
            let mut bytes =
                serde_json::to_vec_pretty(document).map_err(|e| Error::Internal(format!("JSON export: {e}")))?;
            bytes.push(b'\n');
            Ok(bytes)
        }
        ExportFormat::Csv => csv_format::render(document, options.csv_bom),
        ExportFormat::Html => html::render(document),
    }
}

/// What an export to a file did, for the toast that offers to show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportOutcome {
    pub path: String,
    pub format: ExportFormat,
    pub count: usize,
}

/// Exports the summaries of `ids` (all when empty) to `path`, in the format its extension names.
pub async fn export_to_file(
    service: &ConnectionService,
    ids: &[Uuid],
    path: &Path,
    options: RenderOptions,
) -> Result<ExportOutcome> {
    let format = ExportFormat::from_path(path)?;
    let document = build(service, ids, ExportStamp::now()).await?;
    write_file(path, render(&document, format, options)?).await?;
    tracing::info!(count = document.connections.len(), ?format, "connection summaries exported");
    Ok(ExportOutcome { path: path.display().to_string(), format, count: document.connections.len() })
}

/// Writes an export next to its destination first, then moves it in place: an interrupted
/// export never leaves half a file under the chosen name.
pub async fn write_file(path: &Path, bytes: Vec<u8>) -> Result<()> {
    let path = path.to_owned();
    let written = tokio::task::spawn_blocking(move || {
        let io_error = |source| Error::Io { context: format!("Could not write {}", path.display()), source };
        // A new file with a random name, created exclusively beside the target (never an
        // existing file or a link someone left there), then renamed over the target in one step.
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut partial = tempfile::Builder::new().prefix(".mailferry-export-").tempfile_in(dir).map_err(io_error)?;
        std::io::Write::write_all(&mut partial, &bytes).map_err(io_error)?;
        partial.as_file().sync_all().map_err(io_error)?;
        partial.persist(&path).map_err(|e| io_error(e.error))?;
        Ok(())
    })
    .await;
    written.map_err(|e| Error::Internal(format!("the export writer stopped: {e}")))?
}
