//! One error type for the whole core, and the shape in which it reaches the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::microsoft_errors::{MicrosoftDetail, MicrosoftFailure};
use crate::model::Role;
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

    /// Two saved things may not share a name (the store's unique index said so).
    #[error("A {} connection named \"{name}\" already exists.", .role.as_str())]
    NameTaken { role: Role, name: String },

    /// A short reference (a name, or the start of an id) names more than one thing.
    #[error("\"{reference}\" matches {} {what}.", .candidates.len())]
    Ambiguous { reference: String, what: &'static str, candidates: Vec<String> },

    /// Something still uses what is to be deleted.
    #[error("The {what} {name} is used by the {users_are} {}.", quoted(.users))]
    InUse { what: &'static str, name: String, users_are: &'static str, users: Vec<String> },

    /// The CLI deletes only with --yes.
    #[error("Not deleted: {what} stays as it is.")]
    NotConfirmed { what: String, deletes: &'static str },

    #[error("Not mailboxes of the source tenant: {}.", .addresses.join(", "))]
    NotMailboxes { addresses: Vec<String> },

    #[error("Mailferry cannot tell the format of \"{path}\" from its extension.")]
    UnknownExportFormat { path: String },

    #[error("{0}")]
    CustomCloud(String),

    #[error("\"{value}\" is not an application (client) ID.")]
    NotAClientId { value: String },

    /// The admin said no: in the browser, or on the device code's verification page.
    #[error("{}", if *.on_device { "The sign-in was declined on the verification page." } else { "The sign-in was cancelled in the browser, or consent was refused." })]
    SignInDeclined { on_device: bool },

    #[error("The code expired before anyone signed in with it.")]
    DeviceCodeExpired,

    #[error("The cloud's login URL does not make a valid sign-in address: {detail}")]
    InvalidLoginUrl { detail: String },

    /// The browser would be sent somewhere other than the cloud's own login host over HTTPS.
    #[error("Mailferry will not open {host} for the sign-in.")]
    UnsafeSignInAddress { host: String },

    /// The admin signed in to another tenant than the one the work belongs to.
    #[error("{user} signed in to tenant {signed_in}, but this {owner} belongs to tenant {expected}.")]
    WrongTenant { user: String, signed_in: String, expected: String, owner: &'static str },

    #[error("No administrator is signed in for the registration.")]
    NotSignedIn,

    #[error("An automatic registration is already in progress.")]
    RegistrationRunning,

    /// A finished registration cannot run or be rolled back again.
    #[error("{}", closed_message(*.completed, .rolling_back))]
    RegistrationClosed { completed: bool, rolling_back: bool },

    /// The CLI found a registration of the role that did not finish.
    #[error("An earlier {} registration in tenant {tenant_id} did not finish (started {started} by {admin}).", .role.as_str())]
    UnfinishedRegistration { id: uuid::Uuid, role: Role, tenant_id: String, started: String, admin: String },

    /// The CLI found earlier Mailferry registrations and needs to be told which way to go.
    #[error("The tenant already has {} Mailferry registration(s): {}.", .earlier.len(), .earlier.join("; "))]
    EarlierRegistrations { earlier: Vec<String> },

    #[error("\"{name}\" was registered by hand: Mailferry does not delete its application.")]
    RegisteredByHand { name: String },

    /// Reusing the application would grant mail access to whoever holds these credentials.
    #[error("Application {app_id} holds credentials Mailferry did not create: {}. Whoever holds one of them can read every mailbox once the permissions are granted, so nothing was changed.", .credentials.join(", "))]
    UntrustedCredentials { app_id: String, credentials: Vec<String> },

    /// Reuse would have to write the application's certificates back without their bytes.
    #[error("Microsoft did not return the bytes of certificate \"{certificate}\" of application {app_id}, so Mailferry cannot add its certificate without removing that one.")]
    KeyBytesWithheld { certificate: String, app_id: String },

    /// The signed-in administrator lacks a directory role; another administrator who has it
    /// can finish, from the admin consent link where there is one.
    #[error("{user} may not {action}: it needs the {roles} role.")]
    RoleRequired { user: String, action: String, roles: String, consent_url: Option<String> },

    /// Renewing a certificate needs the application's object id, which Mailferry could not learn.
    #[error("Mailferry needs the Object ID of application {app_id} to renew its certificate: its own token may not read the application.")]
    ObjectIdNeeded { app_id: String },

    /// The connection's certificate cannot be renewed by the application itself.
    #[error("{message}")]
    NotRenewable { message: String, hint: String },

    #[error("The client secret of connection \"{name}\" is no longer held by Mailferry")]
    SecretMissing { name: String },

    #[error("The OS keychain is not reachable: {detail}")]
    KeychainUnavailable { detail: String },

    #[error("The OS keychain refused the operation: {detail}")]
    Keychain { detail: String },

    /// Windows Credential Manager keeps at most 2560 bytes in one entry.
    #[error("The {what} is {bytes} bytes, more than the {limit} bytes the OS keychain keeps in one entry")]
    KeychainEntryTooLarge { what: String, bytes: usize, limit: usize },

    #[error("The proxy URL {detail}")]
    InvalidProxy { detail: String },

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

    /// The data folder was last used by a newer Mailferry; this one leaves it untouched.
    #[error("The connection database {path} was written by a newer version of Mailferry (its schema step {version} is unknown here), so this version does not open it")]
    NewerDatabase { path: String, version: i64 },

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

    /// Microsoft's token and Graph endpoints do not redirect; following one would re-send a
    /// secret, an assertion or a token to wherever it points.
    #[error("{what} was redirected (HTTP {status}) to {to}; Mailferry does not follow redirects, which would send the credentials there")]
    Redirected { what: String, status: u16, to: String },

    #[error("Internal error: {0}")]
    Internal(String),
}

/// `"a", "b"`: names as the messages quote them.
fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

fn closed_message(completed: bool, rolling_back: &bool) -> &'static str {
    match (completed, *rolling_back) {
        (true, true) => "This registration completed: its connection is in use.",
        (true, false) => "This registration is already completed.",
        (false, _) => "This registration is already rolled back.",
    }
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
    /// A renewal needs the application's Object ID typed in.
    ObjectIdNeeded,
    KeychainUnavailable,
    Keychain,
    KeychainEntryTooLarge,
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
            Error::Invalid(_) | Error::InvalidDraft(_) | Error::InvalidProxy { .. } => ErrorCode::Invalid,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::NotAClientId { .. } | Error::CustomCloud(_) | Error::UnknownExportFormat { .. } => {
                ErrorCode::Invalid
            }
            Error::NameTaken { .. }
            | Error::Ambiguous { .. }
            | Error::InUse { .. }
            | Error::NotConfirmed { .. }
            | Error::NotMailboxes { .. }
            | Error::SignInDeclined { .. }
            | Error::DeviceCodeExpired
            | Error::InvalidLoginUrl { .. }
            | Error::UnsafeSignInAddress { .. }
            | Error::WrongTenant { .. }
            | Error::NotSignedIn
            | Error::RegistrationRunning
            | Error::RegistrationClosed { .. }
            | Error::UnfinishedRegistration { .. }
            | Error::EarlierRegistrations { .. }
            | Error::RegisteredByHand { .. }
            | Error::UntrustedCredentials { .. }
            | Error::KeyBytesWithheld { .. }
            | Error::NotRenewable { .. } => ErrorCode::Conflict,
            Error::ObjectIdNeeded { .. } => ErrorCode::ObjectIdNeeded,
            Error::RoleRequired { .. } => ErrorCode::RoleRequired,
            Error::SecretMissing { .. } => ErrorCode::SecretMissing,
            Error::KeychainUnavailable { .. } => ErrorCode::KeychainUnavailable,
            Error::Keychain { .. } => ErrorCode::Keychain,
            Error::KeychainEntryTooLarge { .. } => ErrorCode::KeychainEntryTooLarge,
            Error::Certificate { .. } => ErrorCode::Certificate,
            Error::CertificatePassword { .. } => ErrorCode::CertificatePassword,
            Error::Database(_) | Error::Migration(_) | Error::Corrupt(_) | Error::NewerDatabase { .. } => {
                ErrorCode::Database
            }
            Error::Io { .. } => ErrorCode::Io,
            Error::Microsoft(failure) if failure.aadsts.is_some() => ErrorCode::Aadsts,
            Error::Microsoft(_) => ErrorCode::Graph,
            Error::Network { .. } => ErrorCode::Network,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::Busy { .. } => ErrorCode::Busy,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::UnexpectedResponse { .. } | Error::Redirected { .. } => ErrorCode::UnexpectedResponse,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the user can do about it, in one or two sentences.
    pub fn hint(&self) -> Option<String> {
        let hint = match self {
            Error::Invalid(issue) => return Some(issue.hint.clone()),
            Error::InvalidDraft(_) => "Correct the highlighted fields and try again.",
            Error::NotFound { .. } => "It may have been deleted in the meantime; list the connections again to see the current ones.",
            Error::NameTaken { .. } => "Give this connection another name.",
            Error::Ambiguous { candidates, .. } => return Some(format!("Use the full id: {}.", candidates.join(", "))),
            Error::InUse { what: "certificate", .. } => "Delete those connections or give them another credential first.",
            Error::InUse { .. } => "Delete that job, or give it another connection, first.",
            Error::NotConfirmed { deletes, .. } => return Some(format!("Add --yes to delete {deletes}.")),
            Error::NotMailboxes { .. } => {
                "Check the addresses; a user without an Exchange Online mailbox cannot be migrated."
            }
            Error::UnknownExportFormat { .. } => "Name the file with .json, .csv or .html.",
            Error::CustomCloud(_) => "Give both --login-url and --graph-url (or set MAILFERRY_CLOUD_LOGIN_URL and MAILFERRY_CLOUD_GRAPH_URL).",
            Error::NotAClientId { .. } => {
                "Copy the sign-in application's Application (client) ID (a GUID) from its Overview page."
            }
            Error::SignInDeclined { on_device: true } => "Start again and accept the permissions Mailferry asks for.",
            Error::SignInDeclined { on_device: false } => {
                "Start again and accept the permissions Mailferry asks for; they are needed to register the application."
            }
            Error::DeviceCodeExpired => "Start again: a new code is valid for about 15 minutes.",
            Error::InvalidLoginUrl { .. } => "Check the Login URL of the custom cloud.",
            Error::UnsafeSignInAddress { .. } => {
                "The sign-in must go to the cloud's login host over HTTPS: check the custom cloud's Login URL."
            }
            Error::WrongTenant { owner, .. } => {
                return Some(format!("Sign in with an administrator account of the {owner}'s tenant."))
            }
            Error::NotSignedIn => "Press \"Log in as Office 365 admin\" first.",
            Error::RegistrationRunning => "Wait for it to finish, or cancel it first.",
            Error::RegistrationClosed { completed: true, rolling_back: true } => {
                "Delete the connection instead (it offers to delete the application too)."
            }
            Error::RegistrationClosed { .. } => "Start a new automatic registration.",
            Error::UnfinishedRegistration { id, .. } => {
                return Some(format!("Resume it with --resume {id}, or delete what it created with --roll-back {id}."))
            }
            Error::EarlierRegistrations { .. } => {
                "Reuse one with --reuse APP_ID (the new certificate is uploaded to it), or register another with --new."
            }
            Error::UntrustedCredentials { .. } => {
                "Register a new application instead; or, if you know who holds those credentials and trust them, confirm keeping them (in the CLI: --trust-existing-credentials) and register again."
            }
            Error::RegisteredByHand { .. } => {
                "Delete the application in the Microsoft Entra admin center if it is no longer needed."
            }
            Error::KeyBytesWithheld { .. } => {
                "Register a new application instead, or upload Mailferry's certificate to this application in the Microsoft Entra admin center."
            }
            Error::RoleRequired { roles, consent_url, .. } => {
                let mut hint = format!("Sign in as an administrator with the {roles} role and resume.");
                if let Some(url) = consent_url {
                    hint.push_str(&format!(" Or send this admin consent link to such an administrator, then resume: {url}"));
                }
                return Some(hint);
            }
            Error::ObjectIdNeeded { .. } => {
                "Copy the Object ID from the app registration's Overview page in the Microsoft Entra admin center (it is not the Application (client) ID) and give it (in the CLI: --object-id)."
            }
            Error::NotRenewable { hint, .. } => return Some(hint.clone()),
            Error::SecretMissing { .. } => {
                "Edit the connection and paste the client secret again; Mailferry holds a secret only until OK saves it."
            }
            Error::KeychainUnavailable { .. } => KEYCHAIN_HINT,
            Error::Keychain { .. } => "Check that the keychain is unlocked and that Mailferry may use it, then try again.",
            Error::KeychainEntryTooLarge { .. } => {
                "Use a certificate whose RSA key has 4096 bits or fewer (an 8192-bit key does not fit in Windows Credential Manager), or let automatic registration make Mailferry's own 2048-bit certificate."
            }
            Error::InvalidProxy { .. } => {
                "Type the proxy as http://proxy.example.com:8080 (https:// for a proxy spoken to over TLS), with its user name and password in their own fields, or leave it empty to use the system's proxy."
            }
            Error::Certificate { hint, .. } => return Some(hint.clone()),
            Error::CertificatePassword { .. } => "Type the password that protects the PFX file (the one chosen when it was exported).",
            Error::NewerDatabase { .. } => {
                "Update Mailferry to the version that last used this data folder, or point MAILFERRY_DATA_DIR at another folder."
            }
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
            Error::UnexpectedResponse { .. } | Error::Redirected { .. } => {
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
