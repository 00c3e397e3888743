//! Adapters from the UI to `ConnectionService`: parse, call, map the error. Nothing else.

use mailferry_core::cloud::Cloud;
use mailferry_core::model::{Connection, ConnectionDraft, Role, StagedChanges};
use mailferry_core::permissions::{self, Permission};
use mailferry_core::validate::FieldIssue;
use mailferry_core::IpcError;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>, role: Option<Role>) -> Result<Vec<Connection>, IpcError> {
    Ok(state.connections()?.list(role).await?)
}

#[tauri::command]
pub async fn get_connection(state: State<'_, AppState>, id: Uuid) -> Result<Connection, IpcError> {
    Ok(state.connections()?.get(id).await?)
}

#[tauri::command]
pub async fn validate_connection_draft(
    state: State<'_, AppState>,
    draft: ConnectionDraft,
) -> Result<Vec<FieldIssue>, IpcError> {
    Ok(state.connections()?.validate(&draft).await?)
}

#[tauri::command]
pub async fn stage_connection(state: State<'_, AppState>, draft: ConnectionDraft) -> Result<Connection, IpcError> {
    Ok(state.connections()?.stage(draft).await?)
}

#[tauri::command]
pub async fn discard_staged_connections(state: State<'_, AppState>) -> Result<(), IpcError> {
    Ok(state.connections()?.discard_staged().await?)
}

#[tauri::command]
pub async fn save_connections(state: State<'_, AppState>, changes: StagedChanges) -> Result<Vec<Connection>, IpcError> {
    Ok(state.connections()?.save(changes).await?)
}

#[tauri::command]
pub fn permission_set(role: Role) -> Vec<Permission> {
    permissions::permission_set(role)
}

/// The cloud a new connection starts with (a Custom cloud set in the environment, else Global).
#[tauri::command]
pub fn default_cloud() -> Cloud {
    Cloud::default_for_new()
}
