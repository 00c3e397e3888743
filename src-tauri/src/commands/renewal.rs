//! Adapters for credential renewal: the application renews its own certificate, with no
//! administrator; a client secret is replaced after an administrator signs in in the system
//! browser, as is a client secret connection's switch to a certificate. Progress streams to
//! the card. A connection's move to another permission profile, after an administrator signs
//! in, lives here too.

use mailferry_core::identity::signin::SystemBrowser;
use mailferry_core::model::Connection;
use mailferry_core::permission_upgrade::{self, UpgradePreview};
use mailferry_core::permissions::PermissionProfile;
use mailferry_core::registration::RegistrationProgress;
use mailferry_core::renewal::{renew, CertificateSwitch, Renewal, RenewalEvent, SecretReplacement};
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

#[tauri::command]
pub async fn replace_client_secret(
    state: State<'_, AppState>,
    connection_id: Uuid,
    days: Option<i64>,
    on_progress: Channel<RegistrationProgress>,
) -> Result<SecretReplacement, IpcError> {
    let ws = state.workspace();
    let forward = move |progress: RegistrationProgress| {
        let _ = on_progress.send(progress);
    };
    let service = ws.registrations()?;
    Ok(service.replace_secret(ws.connections()?, connection_id, days, &SystemBrowser, &forward).await?)
}

#[tauri::command]
pub async fn switch_to_certificate(
    state: State<'_, AppState>,
    connection_id: Uuid,
    keep_secret: bool,
    on_progress: Channel<RegistrationProgress>,
) -> Result<CertificateSwitch, IpcError> {
    let ws = state.workspace();
    let forward = move |progress: RegistrationProgress| {
        let _ = on_progress.send(progress);
    };
    let service = ws.registrations()?;
    Ok(service.switch_to_certificate(ws.connections()?, connection_id, keep_secret, &SystemBrowser, &forward).await?)
}

#[tauri::command]
pub async fn upgrade_permissions_preview(
    state: State<'_, AppState>,
    connection_id: Uuid,
    to: PermissionProfile,
) -> Result<UpgradePreview, IpcError> {
    let ws = state.workspace();
    let connection = ws.connections()?.get(connection_id).await?;
    Ok(permission_upgrade::preview(&connection, to)?)
}

#[tauri::command]
pub async fn upgrade_permissions(
    state: State<'_, AppState>,
    connection_id: Uuid,
    to: PermissionProfile,
    on_progress: Channel<RegistrationProgress>,
) -> Result<Connection, IpcError> {
    let ws = state.workspace();
    let forward = move |progress: RegistrationProgress| {
        let _ = on_progress.send(progress);
    };
    let service = ws.registrations()?;
    Ok(service.upgrade_permissions(ws.connections()?, connection_id, to, &SystemBrowser, &forward).await?)
}
