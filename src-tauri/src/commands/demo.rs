//! The demo cloud: whether the dashboard shows it, entering and leaving it, and the demo
//! tenants' certificate for Import on the Manual path.

use std::path::PathBuf;

use mailferry_core::model::demo::DemoStatus;
use mailferry_core::IpcError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub fn demo_status(state: State<'_, AppState>) -> DemoStatus {
    state.demo_status()
}

/// Try with a demo tenant: the demo's connections, folder and keychain from now on, and at the
/// next start.
#[tauri::command]
pub async fn enter_demo(state: State<'_, AppState>) -> Result<DemoStatus, IpcError> {
    state.switch(true).await
}

/// Leave the demo: the user's own connections again, now and at the next start.
#[tauri::command]
pub async fn leave_demo(state: State<'_, AppState>) -> Result<DemoStatus, IpcError> {
    state.switch(false).await
}

/// Writes a demo tenant's PFX to the path the save dialog chose.
#[tauri::command]
pub fn save_demo_certificate(tenant_id: String, path: PathBuf) -> Result<(), IpcError> {
    Ok(crate::demo::save_pfx(&tenant_id, &path)?)
}
