//! The desktop shell: plugins, state and the command table. Logic lives in mailferry-core.

mod commands;
mod demo;
mod expiry_watch;
mod logging;
mod rendering;
mod state;
mod workspace;

use tauri::Manager;

pub fn run() {
    // First, while this is the only thread: the web processes read what it decides.
    let compositing = rendering::choose();
    // Kept until the app stops: Tauri's commands and tasks run on it.
    let _runtime = async_runtime();
    let app = tauri::Builder::default()
        // First: a second launch focuses the running window instead of opening another
        // instance on the same database and keychain entries.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        // Used from Rust only (Show in folder for an exported file); the web view is granted none of it.
        .plugin(tauri_plugin_opener::init())
        // Used from Rust only (credential expiry warnings); the web view is granted none of it.
        .plugin(tauri_plugin_notification::init())
        // Start-up is measured from here (scripts/bench-startup.sh reads these lines).
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                tracing::info!(window = webview.label(), "page loaded");
            }
        })
        .setup(move |app| {
            let log_guard = logging::init(app.path().app_log_dir().ok());
            tracing::info!(?compositing, "web view compositing");
            app.manage(state::AppState::open(log_guard));
            expiry_watch::watch(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connections::list_connections,
            commands::connections::get_connection,
            commands::connections::open_edit_session,
            commands::connections::edit_session_view,
            commands::connections::start_draft,
            commands::connections::put_draft,
            commands::connections::put_secret,
            commands::connections::keep_draft,
            commands::connections::drop_draft,
            commands::connections::stage_delete,
            commands::connections::commit_edit_session,
            commands::connections::discard_edit_session,
            commands::connections::permission_set,
            commands::connections::default_cloud,
            commands::checks::check_connection,
            commands::checks::cancel_check,
            commands::checks::last_check_report,
            commands::export::export_connections,
            commands::export::show_export_in_folder,
            commands::registration::sign_in_for_registration,
            commands::registration::register_automatically,
            commands::registration::roll_back_registration,
            commands::registration::cancel_registration,
            commands::registration::unfinished_registrations,
            commands::registration::application_deletion_preview,
            commands::registration::delete_connection_application,
            commands::renewal::renew_certificate,
            commands::renewal::replace_client_secret,
            commands::renewal::switch_to_certificate,
            commands::renewal::upgrade_permissions_preview,
            commands::renewal::upgrade_permissions,
            commands::registration::sign_in_client,
            commands::jobs::discover_mailboxes,
            commands::jobs::cancel_discovery,
            commands::jobs::list_jobs,
            commands::jobs::get_job,
            commands::jobs::save_job,
            commands::jobs::rename_job,
            commands::jobs::delete_job,
            commands::registration::set_sign_in_client,
            commands::network::proxy_settings,
            commands::demo::demo_status,
            commands::demo::enter_demo,
            commands::demo::leave_demo,
            commands::demo::save_demo_certificate,
            commands::network::set_proxy_settings,
            commands::certificates::import_certificate,
            commands::certificates::find_certificate,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            eprintln!("Mailferry could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// Two async workers instead of one per core: Mailferry waits on Microsoft and SQLite, it does
/// not compute, and each further worker is a thread with its own stack and queues.
fn async_runtime() -> Option<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mailferry-async")
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => {
            tauri::async_runtime::set(runtime.handle().clone());
            Some(runtime)
        }
        // Tauri then starts its own default runtime.
        Err(error) => {
            eprintln!("Mailferry starts with the default async runtime: {error}");
            None
        }
    }
}
