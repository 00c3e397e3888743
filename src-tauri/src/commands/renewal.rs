//! Adapter for certificate renewal: the application renews its own certificate, with no
//! administrator; progress streams to the card.

use mailferry_core::renewal::{renew, Renewal, RenewalEvent};
use mailferry_core::IpcError;
use tauri::ipc::Channel;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

#[tauri::command]
pub async fn renew_certificate(
    state: State<'_, AppState>,
    connection_id: Uuid,
    object_id: Option<String>,
    on_progress: Channel<RenewalEvent>,
) -> Result<Renewal, IpcError> {
    let ws = state.workspace();
    let forward = move |event: RenewalEvent| {
        let _ = on_progress.send(event);
    };
    Ok(renew(ws.identity()?, ws.connections()?, connection_id, object_id, &forward).await?)
}
