//! Certificate commands: the path comes from the native open dialog; the core reads the file.

use std::path::PathBuf;

use mailferry_core::certs::{CertificateInfo, ImportedCertificate};
use mailferry_core::IpcError;
use secrecy::SecretString;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn import_certificate(
    state: State<'_, AppState>,
    path: PathBuf,
    key_path: Option<PathBuf>,
    password: Option<SecretString>,
) -> Result<ImportedCertificate, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.certificates().import_file(path, key_path, password).await?)
}

#[tauri::command]
pub async fn find_certificate(
    state: State<'_, AppState>,
    thumbprint: String,
) -> Result<Option<CertificateInfo>, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.certificates().find(&thumbprint).await?)
}
