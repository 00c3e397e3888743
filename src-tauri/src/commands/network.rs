//! Settings > Network proxy.

use mailferry_core::proxy::{self, ProxyChange, ProxySettings};
use mailferry_core::IpcError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn proxy_settings(state: State<'_, AppState>) -> Result<ProxySettings, IpcError> {
    let ws = state.workspace();
    Ok(proxy::settings(ws.connections()?).await?)
}

/// Saves the proxy (an empty URL removes it) and sends every later request through it.
#[tauri::command]
pub async fn set_proxy_settings(state: State<'_, AppState>, change: ProxyChange) -> Result<ProxySettings, IpcError> {
    let ws = state.workspace();
    let connections = ws.connections()?;
    let config = proxy::change(connections, change).await?;
    ws.identity()?.http.use_proxy(config)?;
    Ok(proxy::settings(connections).await?)
}
