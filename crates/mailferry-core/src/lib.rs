//! Mailferry's logic, free of any UI framework: the connection model, input validation, the
//! SQLite store, the keychain vault and the services that tie them together. The desktop shell
//! (`src-tauri`) and the `mailferry` CLI are thin adapters over this crate.

pub mod certs;
pub mod checks;
pub mod cloud;
pub mod connections;
pub mod credential_policy;
pub mod error;
pub mod expiry;
pub mod expiry_alerts;
pub mod export;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod graph;
pub mod http;
pub mod identity;
pub mod jobs;
pub mod mailbox_scope;
pub mod mailboxes;
pub mod microsoft_errors;
pub mod model;
pub mod paths;
pub mod permission_upgrade;
pub mod permissions;
pub mod proxy;
pub mod registration;
pub mod renewal;
pub mod secrets;
pub mod store;
mod tls_diagnosis;
pub mod validate;
pub mod words;

pub use error::{Error, ErrorCode, IpcError, Result};
