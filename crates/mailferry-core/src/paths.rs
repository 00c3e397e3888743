//! Where Mailferry keeps its data. The desktop app and the CLI resolve the same folder, so
//! both see the same connections.

use std::path::PathBuf;

/// The bundle identifier; Tauri's app data folder is named after it.
pub const APP_IDENTIFIER: &str = "com.mailferry.desktop";
pub const DATA_DIR_ENV: &str = "MAILFERRY_DATA_DIR";
pub const DATABASE_FILE: &str = "mailferry.db";

/// `MAILFERRY_DATA_DIR` when set, else the OS data folder for the app (on Linux
/// `~/.local/share/com.mailferry.desktop`, as Tauri's `app_data_dir`).
pub fn default_data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER)),
    }
}
