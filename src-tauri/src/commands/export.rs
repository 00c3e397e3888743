//! Adapters for Export summary: the core writes the file the save dialog chose; the app can
//! then show that file, and only such a file, in the system's file manager.

use std::path::PathBuf;

use mailferry_core::export::{self, ExportOutcome, RenderOptions};
use mailferry_core::{Error, IpcError};
use tauri::State;
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

use crate::state::AppState;

/// Exports `ids` (all when empty) to `path`; CSV gets a byte order mark, for Excel.
#[tauri::command]
pub async fn export_connections(
    state: State<'_, AppState>,
    ids: Vec<Uuid>,
    path: PathBuf,
) -> Result<ExportOutcome, IpcError> {
    let ws = state.workspace();
    let outcome = export::export_to_file(ws.connections()?, &ids, &path, RenderOptions { csv_bom: true }).await?;
    state.remember_export(path);
    Ok(outcome)
}

/// Shows an exported file in its folder. The web view cannot name any other file.
#[tauri::command]
pub fn show_export_in_folder(app: tauri::AppHandle, state: State<'_, AppState>, path: PathBuf) -> Result<(), IpcError> {
    if !state.was_exported(&path) {
        return Err(Error::NotFound { what: "Exported file", id: path.display().to_string() }.into());
    }
    app.opener().reveal_item_in_dir(&path).map_err(|e| {
        IpcError::from(Error::Io {
            context: format!("Could not show {}", path.display()),
            source: std::io::Error::other(e.to_string()),
        })
    })
}
