//! Adapters for the migration job wizard: mailbox discovery streamed page by page, and job drafts.

use mailferry_core::jobs::{Job, JobDraft};
use mailferry_core::mailboxes::{DiscoveryPage, DiscoveryTotals};
use mailferry_core::IpcError;
use tauri::ipc::Channel;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

/// Reads the mailboxes of a connection's tenant; each page is sent on `on_page` as it arrives.
#[tauri::command]
pub async fn discover_mailboxes(
    state: State<'_, AppState>,
    connection_id: Uuid,
    on_page: Channel<DiscoveryPage>,
) -> Result<DiscoveryTotals, IpcError> {
    let ws = state.workspace();
    let send = |page: DiscoveryPage| {
        let _ = on_page.send(page);
        Ok(())
    };
    Ok(ws.discovery()?.discover(ws.connections()?, connection_id, send).await?)
}

#[tauri::command]
pub fn cancel_discovery(state: State<'_, AppState>) -> Result<bool, IpcError> {
    let ws = state.workspace();
    Ok(ws.discovery()?.cancel())
}

#[tauri::command]
pub async fn list_jobs(state: State<'_, AppState>) -> Result<Vec<Job>, IpcError> {
    let ws = state.workspace();
    Ok(ws.jobs()?.list().await?)
}

#[tauri::command]
pub async fn get_job(state: State<'_, AppState>, id: Uuid) -> Result<Job, IpcError> {
    let ws = state.workspace();
    Ok(ws.jobs()?.get(id).await?)
}

#[tauri::command]
pub async fn save_job(state: State<'_, AppState>, draft: JobDraft) -> Result<Job, IpcError> {
    let ws = state.workspace();
    Ok(ws.jobs()?.save(draft).await?)
}

#[tauri::command]
pub async fn rename_job(state: State<'_, AppState>, id: Uuid, name: String) -> Result<Job, IpcError> {
    let ws = state.workspace();
    Ok(ws.jobs()?.rename(id, &name).await?)
}

#[tauri::command]
pub async fn delete_job(state: State<'_, AppState>, id: Uuid) -> Result<Job, IpcError> {
    let ws = state.workspace();
    Ok(ws.jobs()?.delete(id).await?)
}
