//! Adapters for automatic registration: the admin signs in in the system browser (opened by
//! the core after it checked the URL) or with a device code; then the registration runs with
//! that sign-in. Progress streams to the wizard.

use mailferry_core::identity::signin::SystemBrowser;
use mailferry_core::model::Connection;
use mailferry_core::registration::{
    ApplicationDeletion, AutomaticRegistration, Registration, RegistrationProgress, RegistrationSignIn, SignInClient,
    SignedIn,
};
use mailferry_core::IpcError;
use tauri::ipc::Channel;
use tauri::State;
use uuid::Uuid;

use crate::state::AppState;

fn forward(channel: Channel<RegistrationProgress>) -> impl Fn(RegistrationProgress) + Send + Sync {
    move |progress| {
        let _ = channel.send(progress);
    }
}

#[tauri::command]
pub async fn sign_in_for_registration(
    state: State<'_, AppState>,
    request: RegistrationSignIn,
    on_progress: Channel<RegistrationProgress>,
) -> Result<SignedIn, IpcError> {
    let ws = state.workspace();
    let service = ws.registrations()?;
    Ok(service.sign_in(ws.connections()?, request, &SystemBrowser, &forward(on_progress)).await?)
}

#[tauri::command]
pub async fn register_automatically(
    state: State<'_, AppState>,
    request: AutomaticRegistration,
    on_progress: Channel<RegistrationProgress>,
) -> Result<Connection, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.register(ws.connections()?, request, &forward(on_progress)).await?)
}

#[tauri::command]
pub async fn roll_back_registration(
    state: State<'_, AppState>,
    id: Uuid,
    on_progress: Channel<RegistrationProgress>,
) -> Result<Registration, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.roll_back(ws.connections()?, id, &forward(on_progress)).await?)
}

#[tauri::command]
pub fn cancel_registration(state: State<'_, AppState>) -> Result<bool, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.cancel())
}

#[tauri::command]
pub async fn unfinished_registrations(state: State<'_, AppState>) -> Result<Vec<Registration>, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.unfinished(ws.connections()?).await?)
}

#[tauri::command]
pub async fn application_deletion_preview(
    state: State<'_, AppState>,
    connection_id: Uuid,
) -> Result<ApplicationDeletion, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.deletion_preview(ws.connections()?, connection_id).await?)
}

/// Signs an admin in and deletes the connection's application from Entra ID now; the
/// connection itself is deleted when the Manage connections window saves.
#[tauri::command]
pub async fn delete_connection_application(
    state: State<'_, AppState>,
    connection_id: Uuid,
    on_progress: Channel<RegistrationProgress>,
) -> Result<ApplicationDeletion, IpcError> {
    let ws = state.workspace();
    let service = ws.registrations()?;
    Ok(service.delete_application(ws.connections()?, connection_id, &SystemBrowser, &forward(on_progress)).await?)
}

#[tauri::command]
pub async fn sign_in_client(state: State<'_, AppState>) -> Result<SignInClient, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.sign_in_client(ws.connections()?).await?)
}

/// Sets the application admins sign in with (an organization's own), or the default with null.
#[tauri::command]
pub async fn set_sign_in_client(
    state: State<'_, AppState>,
    client_id: Option<String>,
) -> Result<SignInClient, IpcError> {
    let ws = state.workspace();
    Ok(ws.registrations()?.set_sign_in_client(ws.connections()?, client_id.as_deref()).await?)
}
