//! Expiry warnings as operating-system notifications: at 60, 30 and 7 days before a
//! connection's credential ends, and when it has ended, each told once per credential (a
//! renewed credential has another end date and is told about afresh). The app asks on start
//! and daily while it runs; a threshold passed while it was closed is told once, as the most
//! urgent one reached, never as a late series.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::expiry::{credential_expiries, CredentialExpiry, ExpiryState, WARN_AT_DAYS};
use crate::model::{Connection, CredentialKind};
use crate::store::Store;
use crate::Result;

/// One warning to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExpiryAlert {
    pub connection_id: Uuid,
    /// 60, 30 or 7; 0 once the credential has ended.
    pub threshold_days: i64,
    pub expires_at: DateTime<Utc>,
    pub title: String,
    pub body: String,
}

/// The most urgent threshold `expiry` has reached (0: ended), if any.
fn reached(expiry: &CredentialExpiry) -> Option<i64> {
    match (expiry.state, expiry.days_left) {
        (ExpiryState::Expired, _) => Some(0),
        (_, Some(days)) => WARN_AT_DAYS.iter().copied().filter(|t| days <= *t).min(),
        _ => None,
    }
}

/// What to do about it, by credential.
fn remedy(kind: CredentialKind, ended: bool) -> &'static str {
    match (kind, ended) {
        (CredentialKind::Certificate, false) => "Open Mailferry and choose Renew certificate on its card.",
        (CredentialKind::Certificate, true) => {
            "Register the application again, or import a new certificate in Manage connections."
        }
        (CredentialKind::Secret, _) => {
            "Add a new client secret in the Microsoft Entra admin center and paste it in Manage connections."
        }
    }
}

fn alert(expiry: &CredentialExpiry, expires_at: DateTime<Utc>, threshold_days: i64) -> ExpiryAlert {
    let noun = expiry.credential.noun();
    let date = expires_at.format("%Y-%m-%d");
    let role = expiry.role.as_str();
    let (title, body) = if threshold_days == 0 {
        (
            format!("{}: the {noun} has expired", expiry.name),
            format!(
                "The {role} connection {} no longer signs in since {date}. {}",
                expiry.name,
                remedy(expiry.credential, true)
            ),
        )
    } else {
        let days = expiry.days_left.unwrap_or(threshold_days).max(0);
        (
            format!("{}: the {noun} expires in {days} day{}", expiry.name, if days == 1 { "" } else { "s" }),
            format!(
                "On {date} the {role} connection {} stops signing in. {}",
                expiry.name,
                remedy(expiry.credential, false)
            ),
        )
    };
    ExpiryAlert { connection_id: expiry.connection_id, threshold_days, expires_at, title, body }
}

/// Takes the warnings due as of `now` and records them as told, with every longer threshold
/// they stand for, so each is told once.
pub async fn take_due(store: &Store, connections: &[Connection], now: DateTime<Utc>) -> Result<Vec<ExpiryAlert>> {
    let repo = store.expiry_alerts();
    let mut due = Vec::new();
    let mut told = Vec::new();
    for expiry in credential_expiries(connections, now, 0) {
        let (Some(threshold), Some(expires_at)) = (reached(&expiry), expiry.expires_at) else { continue };
        if repo.told(expiry.connection_id, &expires_at).await?.contains(&threshold) {
            continue;
        }
        for covered in WARN_AT_DAYS.iter().copied().chain([0]).filter(|t| *t >= threshold) {
            told.push((expiry.connection_id, expires_at, covered));
        }
        due.push(alert(&expiry, expires_at, threshold));
    }
    repo.record(&told, now).await?;
    Ok(due)
}

/// [`take_due`] for every saved connection, now: what the app calls on start and daily.
pub async fn take_due_now(connections: &crate::connections::ConnectionService) -> Result<Vec<ExpiryAlert>> {
    let saved = connections.list(None).await?;
    take_due(connections.store(), &saved, Utc::now()).await
}
