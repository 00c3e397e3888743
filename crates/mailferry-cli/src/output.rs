//! How connections are printed: JSON for scripts, aligned text for people.

use std::io::{self, Write};

use mailferry_core::checks::CheckStatus;
use mailferry_core::model::{CheckOutcome, Connection, Credential};
use serde::Serialize;

pub fn json<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

pub fn line(out: &mut impl Write, text: &str) -> io::Result<()> {
    writeln!(out, "{text}")
}

pub fn table(out: &mut impl Write, connections: &[Connection]) -> io::Result<()> {
    if connections.is_empty() {
        return writeln!(out, "No connections.");
    }
    let rows: Vec<[String; 6]> = connections
        .iter()
        .map(|c| {
            [
                c.id.to_string(),
                c.role.as_str().to_owned(),
                c.name.clone(),
                c.tenant_name.clone().unwrap_or_else(|| c.tenant_id.clone()),
                credential_summary(&c.credential),
                status(c).to_owned(),
            ]
        })
        .collect();
    let header = ["ID", "ROLE", "NAME", "TENANT", "CREDENTIAL", "STATUS"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}

pub fn details(out: &mut impl Write, c: &Connection) -> io::Result<()> {
    let fields = [
        ("Name", c.name.clone()),
        ("ID", c.id.to_string()),
        ("Role", c.role.as_str().to_owned()),
        ("Cloud", c.cloud.display_name().to_owned()),
        ("Tenant", c.tenant_id.clone()),
        ("Tenant name", c.tenant_name.clone().unwrap_or_else(|| "-".into())),
        ("Default domain", c.default_domain.clone().unwrap_or_else(|| "-".into())),
        ("Application (client) ID", c.client_id.clone()),
        ("Application mailbox", c.application_mailbox.clone()),
        ("Registration", c.registration.as_str().to_owned()),
        ("Permissions", format!("{} ({})", c.permission_profile.display_name(), c.permission_profile.slug())),
        (
            "Mailbox scope",
            match &c.mailbox_scope {
                Some(scope) => match &scope.display_name {
                    Some(name) => format!("members of {name} ({})", scope.group),
                    None => format!("members of {}", scope.group),
                },
                None => "tenant-wide".into(),
            },
        ),
        ("Credential", credential_summary(&c.credential)),
        ("Status", status(c).to_owned()),
        ("Created", c.created_at.to_rfc3339()),
        ("Updated", c.updated_at.to_rfc3339()),
    ];
    for (label, value) in fields {
        writeln!(out, "{:<25}{value}", format!("{label}:"))?;
    }
    Ok(())
}

fn credential_summary(credential: &Credential) -> String {
    match credential {
        Credential::Secret { hint, expires_at } => {
            let mut text =
                if hint.is_empty() { "client secret".to_owned() } else { format!("client secret ...{hint}") };
            if let Some(at) = expires_at {
                text.push_str(&format!(", expires {}", at.date_naive()));
            }
            text
        }
        Credential::Certificate { sha1_thumbprint, not_after, .. } => {
            let mut text = format!("certificate {sha1_thumbprint}");
            if let Some(at) = not_after {
                text.push_str(&format!(", expires {}", at.date_naive()));
            }
            text
        }
    }
}

fn status(c: &Connection) -> &'static str {
    match c.last_check.as_ref().map(|check| check.outcome) {
        None => "not verified",
        Some(CheckOutcome::Passed) => "verified",
        Some(CheckOutcome::Warnings) => "verified with warnings",
        Some(CheckOutcome::Failed) => "check failed",
    }
}

/// A check report for people: one line per check, then its fix and Microsoft's ids.
pub fn report(out: &mut impl Write, c: &Connection, report: &mailferry_core::checks::CheckReport) -> io::Result<()> {
    writeln!(out, "Checks of {} connection \"{}\" ({}):", c.role.as_str(), c.name, c.id)?;
    for result in &report.results {
        writeln!(out, "{} {}: {}", marker(result.status), result.title, result.summary)?;
        if let Some(fix) = &result.fix {
            writeln!(out, "       fix: {fix}")?;
        }
        if let Some(ms) = &result.microsoft {
            let ids: Vec<String> = [
                Some(format!("{} (HTTP {})", ms.code, ms.http_status)),
                ms.correlation_id.as_ref().map(|id| format!("correlation id {id}")),
                ms.trace_id.as_ref().map(|id| format!("trace id {id}")),
                ms.request_id.as_ref().map(|id| format!("request id {id}")),
                ms.timestamp.as_ref().map(|t| format!("at {t}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            writeln!(out, "       Microsoft: {}", ids.join(", "))?;
        }
    }
    if let (Some(name), Some(domain)) = (&report.tenant_name, &report.default_domain) {
        writeln!(out, "Tenant: {name} ({domain})")?;
    }
    if let Some(script) = &report.scope_script {
        writeln!(out, "Exchange Online PowerShell for the mailbox scope:")?;
        for line in script.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(out, "Result: {}", report.outcome.as_str())
}

/// The mark a check result gets in text output.
pub(crate) fn marker(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "[pass]",
        CheckStatus::Warn => "[warn]",
        CheckStatus::Fail => "[FAIL]",
        CheckStatus::Skipped => "[skip]",
        CheckStatus::Unknown => "[????]",
    }
}
