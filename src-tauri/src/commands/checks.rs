//! Adapters from the UI to `CheckService`: the Configuration step's Configure and Retry, and
//! Test in the Manage connections window.

use mailferry_core::checks::{CheckEvent, CheckReport, CheckRun};
use mailferry_core::connections::CheckTarget;
use mailferry_core::IpcError;
use tauri::ipc::Channel;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

/// Runs the checks on a connection of an edit session (its draft, or else as saved); each start
/// and result is sent on `on_event` as it happens.
#[tauri::command]
pub async fn check_connection(
    state: State<'_, AppState>,
    session_id: Uuid,
    connection_id: Uuid,
    on_event: Channel<CheckEvent>,
) -> Result<CheckRun, IpcError> {
    let ws = state.workspace();
    let send = move |event: CheckEvent| {
        let _ = on_event.send(event);
    };
    let target = CheckTarget::InSession { session: session_id, connection: connection_id };
    Ok(ws.checks()?.check(ws.connections()?, target, &send).await?)
}

#[tauri::command]
pub fn cancel_check(state: State<'_, AppState>, connection_id: Uuid) -> Result<bool, IpcError> {
    let ws = state.workspace();
    Ok(ws.checks()?.cancel(connection_id))
}

#[tauri::command]
pub async fn last_check_report(state: State<'_, AppState>, id: Uuid) -> Result<Option<CheckReport>, IpcError> {
    let ws = state.workspace();
    Ok(ws.connections()?.last_report(id).await?)
}
