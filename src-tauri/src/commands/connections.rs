//! Adapters from the UI to `ConnectionService` and its edit sessions: parse, call, map the
//! error. Nothing else. The UI sends ids and field values; a secret travels once, in
//! `put_secret`, and nothing sends a whole connection back to the core.

use mailferry_core::cloud::Cloud;
use mailferry_core::model::{Connection, DraftFields, DraftState, Role, SessionView};
use mailferry_core::permissions::{self, Permission, PermissionProfile};
use mailferry_core::IpcError;
use secrecy::SecretString;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

#[tauri::command]
pub async fn list_connections(state: State<'_, AppState>, role: Option<Role>) -> Result<Vec<Connection>, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.list(role).await?)
}

#[tauri::command]
pub async fn get_connection(state: State<'_, AppState>, id: Uuid) -> Result<Connection, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.get(id).await?)
}

#[tauri::command]
pub async fn open_edit_session(state: State<'_, AppState>, role: Role) -> Result<SessionView, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.open_session(role).await?)
}

#[tauri::command]
pub async fn edit_session_view(state: State<'_, AppState>, session_id: Uuid) -> Result<SessionView, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.session_view(session_id).await?)
}

#[tauri::command]
pub async fn start_draft(
    state: State<'_, AppState>,
    session_id: Uuid,
    connection_id: Option<Uuid>,
) -> Result<Uuid, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.start_draft(session_id, connection_id).await?)
}

#[tauri::command]
pub async fn put_draft(
    state: State<'_, AppState>,
    session_id: Uuid,
    draft_id: Uuid,
    fields: DraftFields,
) -> Result<DraftState, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.put_draft(session_id, draft_id, fields).await?)
}

#[tauri::command]
pub async fn put_secret(
    state: State<'_, AppState>,
    session_id: Uuid,
    draft_id: Uuid,
    secret: SecretString,
) -> Result<DraftState, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.put_secret(session_id, draft_id, secret).await?)
}

#[tauri::command]
pub async fn keep_draft(state: State<'_, AppState>, session_id: Uuid, draft_id: Uuid) -> Result<SessionView, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.keep_draft(session_id, draft_id).await?)
}

#[tauri::command]
pub fn drop_draft(state: State<'_, AppState>, session_id: Uuid, draft_id: Uuid) -> Result<(), IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.drop_draft(session_id, draft_id)?)
}

#[tauri::command]
pub async fn stage_delete(
    state: State<'_, AppState>,
    session_id: Uuid,
    connection_id: Uuid,
    delete: bool,
) -> Result<SessionView, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.stage_delete(session_id, connection_id, delete).await?)
}

#[tauri::command]
pub async fn commit_edit_session(state: State<'_, AppState>, session_id: Uuid) -> Result<Vec<Connection>, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.commit(session_id).await?)
}

#[tauri::command]
pub async fn discard_edit_session(state: State<'_, AppState>, session_id: Uuid) -> Result<(), IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.discard(session_id).await?)
}

#[tauri::command]
pub fn permission_set(role: Role, profile: PermissionProfile) -> Vec<Permission> {
    permissions::permission_set(role, profile)
}

/// The cloud a new connection starts with: the demo's in the demo, else a Custom cloud set in
/// the environment, else Global.
#[tauri::command]
pub fn default_cloud(state: State<'_, AppState>) -> Cloud {
    state.workspace().default_cloud()
}
