/// The app's own commands. Listing them here puts them under Tauri's ACL: each gets an
/// `allow-<command>` permission, and a window may call only what its capability grants.
const COMMANDS: &[&str] = &[
    "list_connections",
    "get_connection",
    "open_edit_session",
    "edit_session_view",
    "start_draft",
    "put_draft",
    "put_secret",
    "keep_draft",
    "drop_draft",
    "stage_delete",
    "commit_edit_session",
    "discard_edit_session",
    "permission_set",
    "default_cloud",
    "check_connection",
    "cancel_check",
    "last_check_report",
    "export_connections",
    "show_export_in_folder",
    "sign_in_for_registration",
    "register_automatically",
    "roll_back_registration",
    "cancel_registration",
    "unfinished_registrations",
    "application_deletion_preview",
    "delete_connection_application",
    "sign_in_client",
    "discover_mailboxes",
    "cancel_discovery",
    "list_jobs",
    "get_job",
    "save_job",
    "rename_job",
    "delete_job",
    "set_sign_in_client",
    "import_certificate",
    "find_certificate",
    "proxy_settings",
    "set_proxy_settings",
    "demo_status",
    "enter_demo",
    "leave_demo",
    "save_demo_certificate",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|error| panic!("tauri-build failed: {error:#}"));
}
