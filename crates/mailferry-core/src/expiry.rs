//! When each connection's credential stops working: a certificate's end date (read from the
//! certificate), a client secret's when the admin gave it. The same answer serves the CLI's
//! monitoring command and, later, the dashboard's warnings.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::model::{Connection, CredentialKind, Role};

/// The warning thresholds in days, as the dashboard and notifications use them.
pub const WARN_AT_DAYS: [i64; 3] = [60, 30, 7];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ExpiryState {
    /// The credential's end date has passed: the connection no longer signs in.
    Expired,
    /// It ends within the days asked about.
    Soon,
    /// It ends later.
    Later,
    /// Mailferry does not know when (a client secret whose Expires date was not given).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CredentialExpiry {
    pub connection_id: Uuid,
    pub name: String,
    pub role: Role,
    pub credential: CredentialKind,
    pub expires_at: Option<DateTime<Utc>>,
    /// Whole days from now to the end date, rounded down; negative once it has passed.
    pub days_left: Option<i64>,
    pub state: ExpiryState,
}

/// Every connection's expiry as of `now`, with "soon" meaning within `within_days`: the ones
/// that end first come first, the unknown ones last.
pub fn credential_expiries(connections: &[Connection], now: DateTime<Utc>, within_days: i64) -> Vec<CredentialExpiry> {
    let mut expiries: Vec<CredentialExpiry> = connections
        .iter()
        .map(|connection| {
            let expires_at = connection.credential.expires_at();
            let days_left = expires_at.map(|end| (end - now).num_days());
            let state = match expires_at {
                None => ExpiryState::Unknown,
                Some(end) if end <= now => ExpiryState::Expired,
                Some(end) if end - now <= chrono::Duration::days(within_days) => ExpiryState::Soon,
                Some(_) => ExpiryState::Later,
            };
            CredentialExpiry {
                connection_id: connection.id,
                name: connection.name.clone(),
                role: connection.role,
                credential: connection.credential.kind(),
                expires_at,
                days_left,
                state,
            }
        })
        .collect();
    expiries.sort_by_key(|e| (e.expires_at.is_none(), e.expires_at, e.name.clone()));
    expiries
}

/// One line for a person: "expired 3 days ago", "expires in 12 days", "expiry not known".
pub fn describe(expiry: &CredentialExpiry) -> String {
    let noun = expiry.credential.noun();
    match (expiry.state, expiry.days_left, expiry.expires_at) {
        (ExpiryState::Unknown, ..) => {
            format!("{noun}: expiry not known (give the secret's Expires date from the Microsoft Entra admin center)")
        }
        (ExpiryState::Expired, Some(days), Some(end)) => {
            let ago = -days;
            let when = if ago == 0 { "today".to_owned() } else { format!("{ago} day{} ago", plural(ago)) };
            format!("{noun} expired {when} ({})", end.format("%Y-%m-%d"))
        }
        (_, Some(days), Some(end)) => {
            format!("{noun} expires in {days} day{} ({})", plural(days), end.format("%Y-%m-%d"))
        }
        _ => format!("{noun}: expiry not known"),
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
