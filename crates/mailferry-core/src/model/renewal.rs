//! What a certificate renewal is and reports, shared with the UI through ts-rs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::model::registration::StepState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RenewalStatus {
    Running,
    /// Stopped at a step; the connection still works with the certificate it had. Resumable.
    Failed,
    Completed,
}

impl RenewalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RenewalStatus::Running => "running",
            RenewalStatus::Failed => "failed",
            RenewalStatus::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => RenewalStatus::Running,
            "failed" => RenewalStatus::Failed,
            "completed" => RenewalStatus::Completed,
            _ => return None,
        })
    }
}

/// The steps, in order. Until `Switch`, the connection signs in with its old certificate;
/// the old one leaves the application only after the new one has been proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum RenewalStep {
    Certificate,
    AddKey,
    Proven,
    Switch,
    RemoveOld,
}

impl RenewalStep {
    pub const ALL: [RenewalStep; 5] = [
        RenewalStep::Certificate,
        RenewalStep::AddKey,
        RenewalStep::Proven,
        RenewalStep::Switch,
        RenewalStep::RemoveOld,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RenewalStep::Certificate => "certificate",
            RenewalStep::AddKey => "addKey",
            RenewalStep::Proven => "proven",
            RenewalStep::Switch => "switch",
            RenewalStep::RemoveOld => "removeOld",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            RenewalStep::Certificate => "New certificate created (RSA-2048, valid 5 years)",
            RenewalStep::AddKey => "New certificate added to the application",
            RenewalStep::Proven => "Microsoft accepts the new certificate",
            RenewalStep::Switch => "Connection switched to the new certificate",
            RenewalStep::RemoveOld => "Old certificate removed from the application",
        }
    }
}

/// One renewal of a connection's certificate, as its journal knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Renewal {
    pub id: Uuid,
    pub connection_id: Uuid,
    pub status: RenewalStatus,
    /// The application's object id: the `iss` of every proof.
    pub application_object_id: String,
    pub old_sha1: String,
    /// The old certificate's `keyId` on the application, when Mailferry knows it (it uploaded
    /// the certificate, or could read the application): without it the old one stays.
    pub old_key_id: Option<String>,
    pub new_sha1: Option<String>,
    pub new_key_id: Option<String>,
    pub added: bool,
    pub proven: bool,
    pub switched: bool,
    pub old_removed: bool,
    /// What the admin should still do by hand (the old certificate could not be removed).
    pub warning: Option<String>,
    pub last_error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Progress, for the UI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RenewalEvent {
    pub renewal_id: Uuid,
    pub step: RenewalStep,
    pub state: StepState,
    pub detail: String,
}
