//! One error type for the whole core, and the shape in which it reaches the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::microsoft_errors::{MicrosoftDetail, MicrosoftFailure};
use crate::validate::{Field, FieldIssue};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}", .0.message)]
    Invalid(FieldIssue),

    #[error("{}", join_messages(.0))]
    InvalidDraft(Vec<FieldIssue>),

    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },

    #[error("{message}")]
    Conflict { message: String, hint: String },

    /// The signed-in administrator lacks a directory role; another administrator who has it
    /// can finish, from the admin consent link where there is one.
    #[error("{user} may not {action}: it needs the {roles} role.")]
    RoleRequired { user: String, action: String, roles: String, consent_url: Option<String> },

    #[error("The client secret of connection \"{name}\" is no longer held by Mailferry")]
    SecretMissing { name: String },

    #[error("The OS keychain is not reachable: {detail}")]
    KeychainUnavailable { detail: String },

    #[error("The OS keychain refused the operation: {detail}")]
    Keychain { detail: String },

    #[error("{message}")]
    Certificate { message: String, hint: String },

    /// The PFX needs a password, or the one given is wrong: the UI asks for it.
    #[error("{message}")]
    CertificatePassword { message: String },

    #[error("The connection database could not be used: {0}")]
    Database(#[from] sqlx::Error),

    #[error("The connection database could not be upgraded: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("The connection database holds a record Mailferry cannot read: {0}")]
    Corrupt(String),

    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },

    /// Microsoft refused a request; the failure carries the explanation and Microsoft's ids.
    #[error("{}", .0.message)]
    Microsoft(Box<MicrosoftFailure>),

    #[error("{message}")]
    Network { message: String, hint: String },

    #[error("{what} got no answer within {seconds} seconds")]
    Timeout { what: String, seconds: u64 },

    #[error("Microsoft stayed busy: {what} was refused {attempts} times in a row (HTTP {status})")]
    Busy { what: String, status: u16, attempts: usize },

    #[error("Cancelled")]
    Cancelled,

    #[error("Microsoft sent an answer Mailferry cannot read ({what}): {detail}")]
    UnexpectedResponse { what: String, detail: String },

    #[error("Internal error: {0}")]
    Internal(String),
}

fn join_messages(issues: &[FieldIssue]) -> String {
    issues.iter().map(|issue| issue.message.as_str()).collect::<Vec<_>>().join(" ")
}

/// A stable code the UI switches on without parsing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Invalid,
    NotFound,
    Conflict,
    /// The signed-in administrator lacks the role; `consentUrl` may let another one finish.
    RoleRequired,
    SecretMissing,
    KeychainUnavailable,
    Keychain,
    Certificate,
    CertificatePassword,
    Database,
    Io,
    /// The identity platform refused a request; `aadsts` holds the code.
    Aadsts,
    /// Microsoft Graph refused a request.
    Graph,
    Network,
    Timeout,
    Busy,
    Cancelled,
    UnexpectedResponse,
    Internal,
}

/// The error as the UI receives it: what happened, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    /// The fields a validation error is about, each with its own message and hint.
    pub issues: Vec<FieldIssue>,
    /// Microsoft's AADSTS code when the identity platform refused a request.
    pub aadsts: Option<u32>,
    /// Microsoft's correlation id (or Graph's request id), which its support asks for.
    pub correlation_id: Option<String>,
    /// Everything Microsoft said, for the copyable details.
    pub microsoft: Option<Box<MicrosoftDetail>>,
    /// The admin consent link an administrator with the missing role can open.
    pub consent_url: Option<String>,
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) | Error::InvalidDraft(_) => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::RoleRequired { .. } => ErrorCode::RoleRequired,
            Error::SecretMissing { .. } => ErrorCode::SecretMissing,
            Error::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            Error::Keychain { .. } => ErrorCode::Keychain,
            Error::Certificate { .. } => ErrorCode::Certificate,
            Error::CertificatePassword { .. } => ErrorCode::CertificatePassword,
            Error::Database(_) | Error::Migration(_) | Error::Corrupt(_) => ErrorCode::Database,
            Error::Io { .. } => ErrorCode::Io,
            Error::Microsoft(failure) if failure.aadsts.is_some() => ErrorCode::Aadsts,
            Error::Microsoft(_) => ErrorCode::Graph,
            Error::Network { .. } => ErrorCode::Network,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::Busy { .. } => ErrorCode::Busy,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::UnexpectedResponse { .. } => ErrorCode::UnexpectedResponse,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the user can do about it, in one or two sentences.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Error::Invalid(issue) => return Some(issue.hint.clone()),
            Error::InvalidDraft(_) => "Correct the highlighted fields and try again.",
            Error::NotFound { .. } => "It may have been deleted in the meantime; list the connections again to see the current ones.",
            Error::Conflict { hint, .. } => return Some(hint.clone()),
            Error::RoleRequired { roles, consent_url, .. } => {
                let mut hint = format!("Sign in as an administrator with the {roles} role and resume.");
                if let Some(url) = consent_url {
                    hint.push_str(&format!(" Or send this admin consent link to such an administrator, then resume: {url}"));
                }
                return Some(hint);
            }
            Error::SecretMissing { .. } => {
                "Edit the connection and paste the client secret again; Mailferry holds a secret only until OK saves it."
            }
            Error::KeychainUnavailable { .. } => KEYCHAIN_HINT,
            Error::Keychain { .. } => "Check that the keychain is unlocked and that Mailferry may use it, then try again.",
            Error::Certificate { hint, .. } => return Some(hint.clone()),
            Error::CertificatePassword { .. } => "Type the password that protects the PFX file (the one chosen when it was exported).",
            Error::Database(_) | Error::Migration(_) | Error::Corrupt(_) => {
                "Check that the disk is not full and that no other program locks Mailferry's data folder, then try again."
            }
            Error::Io { .. } => "Check the path and its permissions, then try again.",
            Error::Microsoft(failure) => return Some(failure.hint.clone()),
            Error::Network { hint, .. } => return Some(hint.clone()),
            Error::Timeout { .. } => {
                "Check the network connection and any proxy, then retry; Microsoft is sometimes slow for a minute."
            }
            Error::Busy { .. } => "Microsoft throttles busy tenants for a few seconds to minutes: wait, then retry.",
            Error::Cancelled => return None,
            Error::UnexpectedResponse { .. } => {
                "Check that the cloud's login and Graph URLs point at Microsoft (or a proxy that passes its answers through), then retry."
            }
            Error::Internal(_) => "Try again; if it happens again, report it with the log file.",
        };
        Some(hint.to_owned())
    }

    pub fn to_ipc(&self) -> IpcError {
        let issues = match self {
            Error::Invalid(issue) => vec![issue.clone()],
            Error::InvalidDraft(issues) => issues.clone(),
            _ => Vec::new(),
        };
        let microsoft = match self {
            Error::Microsoft(failure) => Some(failure.as_ref()),
            _ => None,
        };
        IpcError {
            code: self.code(),
            message: self.to_string(),
            hint: self.hint(),
            issues,
            aadsts: microsoft.and_then(|f| f.aadsts),
            correlation_id: microsoft
                .and_then(|f| f.detail.correlation_id.clone().or_else(|| f.detail.request_id.clone())),
            microsoft: microsoft.map(|f| Box::new(f.detail.clone())),
            consent_url: match self {
                Error::RoleRequired { consent_url, .. } => consent_url.clone(),
                _ => None,
            },
        }
    }

    pub fn invalid(field: Field, message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Invalid(FieldIssue { field, message: message.into(), hint: hint.into() })
    }
}

#[cfg(target_os = "linux")]
const KEYCHAIN_HINT: &str = "Mailferry keeps secrets in the Secret Service (GNOME Keyring, KWallet or KeePassXC) and never in a plain file. Start or unlock it (log in to a desktop session, or run gnome-keyring-daemon), then try again.";
#[cfg(target_os = "macos")]
const KEYCHAIN_HINT: &str =
    "Mailferry keeps secrets in your login keychain. Unlock it in Keychain Access, then try again.";
#[cfg(target_os = "windows")]
const KEYCHAIN_HINT: &str =
    "Mailferry keeps secrets in Windows Credential Manager. Check that your user profile is loaded, then try again.";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const KEYCHAIN_HINT: &str =
    "Mailferry keeps secrets in the operating system's keychain. Make it available, then try again.";

/// Every error that reaches the UI passes here once, and is logged here once: with its code and
/// Microsoft's ids, never its message, which may quote what the user typed.
impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        let ipc = error.to_ipc();
        let microsoft = ipc.microsoft.as_ref().map(|m| m.code.as_str()).unwrap_or_default();
        let correlation = ipc.correlation_id.as_deref().unwrap_or_default();
        match ipc.code {
            // Typing and cancelling are not failures worth a warning.
            ErrorCode::Invalid | ErrorCode::Cancelled => {
                tracing::debug!(code = ?ipc.code, "a command was refused")
            }
            _ => tracing::warn!(code = ?ipc.code, microsoft, correlation, "a command failed"),
        }
        ipc
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_ipc().serialize(serializer)
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_reaches_the_ui_with_code_field_message_and_hint() {
        let error = Error::invalid(Field::ClientId, "Client ID: not a GUID.", "Find it on the app's Overview page.");
        let json = serde_json::to_value(error.to_ipc()).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "invalid",
                "message": "Client ID: not a GUID.",
                "hint": "Find it on the app's Overview page.",
                "issues": [{"field": "clientId", "message": "Client ID: not a GUID.", "hint": "Find it on the app's Overview page."}],
                "aadsts": null,
                "correlationId": null,
                "microsoft": null,
                "consentUrl": null
            })
        );
    }

    #[test]
    fn keychain_unavailable_says_what_is_missing_and_never_suggests_a_plain_file() {
        let ipc = Error::KeychainUnavailable { detail: "no Secret Service on the session bus".into() }.to_ipc();
        assert_eq!(ipc.code, ErrorCode::KeychainUnavailable);
        assert!(ipc.message.contains("no Secret Service on the session bus"));
        assert!(ipc.hint.unwrap_or_default().contains("never in a plain file"));
    }
}
