//! Settings > Network proxy, and whether this start is the demo cloud.

use mailferry_core::proxy::{self, ProxyChange, ProxySettings};
use mailferry_core::IpcError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn proxy_settings(state: State<'_, AppState>) -> Result<ProxySettings, IpcError> {
    Ok(proxy::settings(state.connections()?).await?)
}

/// Saves the proxy (an empty URL removes it) and sends every later request through it.
#[tauri::command]
pub async fn set_proxy_settings(state: State<'_, AppState>, change: ProxyChange) -> Result<ProxySettings, IpcError> {
    let connections = state.connections()?;
    let config = proxy::change(connections, change).await?;
    state.identity()?.http.use_proxy(config)?;
    Ok(proxy::settings(connections).await?)
}

/// Whether the app runs in the demo cloud (started with `--demo` or MAILFERRY_DEMO=1).
#[tauri::command]
pub fn is_demo(state: State<'_, AppState>) -> bool {
    state.is_demo()
}
