//! HTML: one self-contained, printable page (inline style, no script, no external resource),
//! readable in light and dark. Every value is escaped by askama.

use askama::Template;

use super::csv_format::status_word;
use super::model::{ConnectionSummary, ExportDocument};
use crate::checks::CheckStatus;
use crate::{Error, Result};

#[derive(Template)]
#[template(path = "summary.html")]
struct Page {
    exported_at: String,
    version: String,
    count: usize,
    connections: Vec<ConnectionView>,
}

struct ConnectionView {
    name: String,
    role: String,
    facts: Vec<(&'static str, String)>,
    permissions: Vec<PermissionView>,
    check: Option<CheckView>,
}

struct PermissionView {
    name: String,
    reason: String,
    /// "Seen in the token", "Missing from the token" or "Not checked yet".
    state: &'static str,
    class: &'static str,
}

struct CheckView {
    when: String,
    outcome: String,
    results: Vec<ResultView>,
}

struct ResultView {
    title: String,
    status: &'static str,
    class: &'static str,
    summary: String,
    fix: String,
    microsoft: String,
}

fn date(value: chrono::DateTime<chrono::Utc>) -> String {
    value.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn or_dash(value: Option<String>) -> String {
    value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())
}

fn view(c: &ConnectionSummary) -> ConnectionView {
    let credential = &c.credential;
    let mut facts = vec![
        ("Cloud", format!("{} ({}, {})", c.cloud.name, c.cloud.login_url, c.cloud.graph_url)),
        ("Tenant ID", c.tenant_id.clone()),
        ("Tenant name", or_dash(c.tenant_name.clone())),
        ("Default domain", or_dash(c.default_domain.clone())),
        ("Application (client) ID", c.client_id.clone()),
        ("Application object ID", or_dash(c.application_object_id.clone())),
        ("Application mailbox", c.application_mailbox.clone()),
        ("Registration", c.registration.as_str().to_owned()),
        ("Permissions", c.permission_profile.display_name().to_owned()),
    ];
    match credential.kind {
        crate::model::CredentialKind::Certificate => {
            facts.push(("Credential", "certificate".into()));
            facts.push(("Certificate subject", or_dash(credential.certificate_subject.clone())));
            facts.push(("SHA-1 thumbprint", or_dash(credential.certificate_sha1_thumbprint.clone())));
            facts.push(("SHA-256 thumbprint", or_dash(credential.certificate_sha256_thumbprint.clone())));
            facts.push(("Valid from", or_dash(credential.certificate_not_before.map(date))));
            facts.push(("Valid until", or_dash(credential.certificate_not_after.map(date))));
        }
        crate::model::CredentialKind::Secret => {
            facts.push(("Credential", "client secret".into()));
            facts.push(("Secret ends with", or_dash(credential.secret_hint.clone())));
            facts.push(("Secret expires", or_dash(credential.secret_expires_at.map(date))));
        }
    }
    facts.push(("Created", date(c.created_at)));
    facts.push(("Updated", date(c.updated_at)));
    facts.push(("Mailferry ID", c.id.to_string()));
    let permissions = c
        .permissions
        .iter()
        .map(|p| {
            let (state, class) = match p.seen_in_token {
                Some(true) => ("Seen in the token", "pass"),
                Some(false) => ("Missing from the token", "fail"),
                None => ("Not checked yet", "muted"),
            };
            PermissionView { name: p.name.clone(), reason: p.reason.clone(), state, class }
        })
        .collect();
    let check = c.last_check.as_ref().map(|check| CheckView {
        when: date(check.finished_at),
        outcome: check.outcome.as_str().to_owned(),
        results: check
            .results
            .iter()
            .map(|r| ResultView {
                title: r.title.clone(),
                status: status_word(r.status),
                class: match r.status {
                    CheckStatus::Pass => "pass",
                    CheckStatus::Warn => "warn",
                    CheckStatus::Fail => "fail",
                    CheckStatus::Skipped | CheckStatus::Unknown => "muted",
                },
                summary: r.summary.clone(),
                fix: r.fix.clone().unwrap_or_default(),
                microsoft: r
                    .microsoft
                    .as_ref()
                    .map(|m| {
                        let ids = [m.correlation_id.as_deref(), m.request_id.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>();
                        if ids.is_empty() {
                            m.code.clone()
                        } else {
                            format!("{} ({})", m.code, ids.join(", "))
                        }
                    })
                    .unwrap_or_default(),
            })
            .collect(),
    });
    ConnectionView { name: c.name.clone(), role: c.role.as_str().to_owned(), facts, permissions, check }
}

pub fn render(document: &ExportDocument) -> Result<Vec<u8>> {
    let page = Page {
        exported_at: date(document.exported_at),
        version: document.mailferry_version.clone(),
        count: document.connections.len(),
        connections: document.connections.iter().map(view).collect(),
    };
    page.render().map(String::into_bytes).map_err(|e| Error::Internal(format!("HTML export: {e}")))
}
