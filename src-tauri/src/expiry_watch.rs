//! Credential expiry warnings as operating-system notifications, on start and then daily while
//! the app runs. Which warnings are due, and that each is told once, is the core's
//! (`expiry_alerts`); the dashboard's cards show the same days left.

use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Starts the daily look, first right away.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            notify_due(&app).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

async fn notify_due<R: Runtime>(app: &AppHandle<R>) {
    let workspace = app.state::<AppState>().workspace();
    let Ok(connections) = workspace.connections() else { return };
    let alerts = match mailferry_core::expiry_alerts::take_due_now(connections).await {
        Ok(alerts) => alerts,
        Err(error) => {
            tracing::warn!(%error, "the credential expiry warnings could not be read");
            return;
        }
    };
    for alert in alerts {
        let shown = app.notification().builder().title(&alert.title).body(&alert.body).show();
        match shown {
            Ok(()) => {
                tracing::info!(connection = %alert.connection_id, days = alert.threshold_days, "expiry warning shown")
            }
            // No notification service (a bare session): the card on the dashboard still says it.
            Err(error) => {
                tracing::warn!(%error, connection = %alert.connection_id, "the expiry warning could not be shown")
            }
        }
    }
}
