//! `mailferry connections ...` on a real data folder.

mod support;

use mailferry_core::model::{Connection, Role};
use support::{connection, mailferry, seed, stderr, stdout};

#[test]
fn an_empty_data_folder_lists_no_connections() {
    let dir = tempfile::tempdir().unwrap();
    let out = mailferry(dir.path(), &["connections", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "No connections.\n");
    assert!(dir.path().join("mailferry.db").exists(), "the database is created on first use");
}

#[test]
fn list_prints_a_table_and_json_and_filters_by_role() {
    let dir = tempfile::tempdir().unwrap();
    let source = connection(Role::Source, "Contoso source");
    let target = connection(Role::Target, "Fabrikam target");
    seed(dir.path(), &[source.clone(), target.clone()]);

    let table = stdout(&mailferry(dir.path(), &["connections", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("CREDENTIAL") && lines[0].ends_with("STATUS"));
    assert!(
        lines[1].contains("Contoso source")
            && lines[1].contains("certificate 3B7E115A")
            && lines[1].ends_with("not verified")
    );
    assert!(lines[2].contains("Fabrikam target"));

    let json = mailferry(dir.path(), &["connections", "list", "--role", "target", "--json"]);
    let parsed: Vec<Connection> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed, vec![target]);
}

#[test]
fn show_finds_a_connection_by_id_prefix_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let c = connection(Role::Source, "Contoso source");
    seed(dir.path(), std::slice::from_ref(&c));

    let by_name = mailferry(dir.path(), &["connections", "show", "contoso SOURCE", "--json"]);
    assert_eq!(serde_json::from_slice::<Connection>(&by_name.stdout).unwrap(), c);
    let prefix = &c.id.to_string()[..8];
    let text = stdout(&mailferry(dir.path(), &["connections", "show", prefix]));
    assert!(text.contains("Application (client) ID: 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d"), "{text}");
    assert!(text.contains("Status:                  not verified"), "{text}");
}

#[test]
fn show_says_the_connections_permission_profile_as_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let full = Connection {
        permission_profile: mailferry_core::permissions::PermissionProfile::FullFidelity,
        ..connection(Role::Source, "Contoso")
    };
    seed(dir.path(), &[full, connection(Role::Target, "Fabrikam")]);

    let json: serde_json::Value =
        serde_json::from_slice(&mailferry(dir.path(), &["connections", "show", "Contoso", "--json"]).stdout).unwrap();
    assert_eq!(json["permissionProfile"], "fullFidelity");
    let text = stdout(&mailferry(dir.path(), &["connections", "show", "Fabrikam"]));
    assert!(text.contains("Permissions:             Item level (item-level)"), "{text}");
    assert!(text.contains("Mailbox scope:           tenant-wide"), "{text}");
}

#[test]
fn a_scoped_connection_shows_its_group_and_a_bad_group_is_refused_before_anything_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let scoped = Connection {
        mailbox_scope: Some(mailferry_core::model::MailboxScope {
            group: "wave1@contoso.com".into(),
            display_name: Some("Wave 1".into()),
        }),
        ..connection(Role::Source, "Contoso")
    };
    seed(dir.path(), &[scoped]);
    let text = stdout(&mailferry(dir.path(), &["connections", "show", "Contoso"]));
    assert!(text.contains("Mailbox scope:           members of Wave 1 (wave1@contoso.com)"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&mailferry(dir.path(), &["connections", "show", "Contoso", "--json"]).stdout).unwrap();
    assert_eq!(json["mailboxScope"]["group"], "wave1@contoso.com");

    let other = tempfile::tempdir().unwrap();
    let out = add_manual_in_cloud(other.path(), &["--scope-group", "not a group"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("Scope group: this is neither a group's email address nor its object ID"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&mailferry(other.path(), &["connections", "list"])), "No connections.\n");
}

#[test]
fn upgrade_permissions_without_yes_previews_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), &[connection(Role::Source, "Contoso")]);
    let out = mailferry(dir.path(), &["connections", "upgrade-permissions", "Contoso", "--to", "full-fidelity"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("\"Contoso\" from Item level to Full fidelity:"), "{text}");
    assert!(text.contains("grant:  MailboxFolder.Read.All, MailboxItem.Read.All, MailboxItem.Export.All"), "{text}");
    assert!(text.contains("revoke: Mail.Read, MailboxSettings.Read, Calendars.Read, Contacts.Read"), "{text}");
    assert!(text.contains("Nothing was changed: run again with --yes"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&mailferry(dir.path(), &["connections", "show", "Contoso", "--json"]).stdout).unwrap();
    assert_eq!(json["permissionProfile"], "itemLevel");

    let same = mailferry(dir.path(), &["connections", "upgrade-permissions", "Contoso", "--to", "item-level"]);
    assert_eq!(same.status.code(), Some(3));
    assert!(stderr(&same).contains("already has the Item level permissions"), "{}", stderr(&same));
}

#[test]
fn full_fidelity_outside_the_global_cloud_is_refused_before_anything_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let out = add_manual_in_cloud(dir.path(), &["--cloud", "gcc-high", "--permissions", "full-fidelity"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("Global cloud only, not in GCC High: choose Item level"), "{}", stderr(&out));
    assert_eq!(stdout(&mailferry(dir.path(), &["connections", "list"])), "No connections.\n", "nothing saved");
}

#[test]
fn an_unknown_connection_is_a_clear_error_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let out = mailferry(dir.path(), &["connections", "show", "Nowhere"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).starts_with("error: Connection \"Nowhere\" does not exist\nhint: "), "{}", stderr(&out));
}

#[test]
fn delete_without_yes_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = connection(Role::Source, "Contoso");
    seed(dir.path(), std::slice::from_ref(&c));

    let out = mailferry(dir.path(), &["connections", "delete", "Contoso"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("Add --yes"), "{}", stderr(&out));
    assert!(stdout(&mailferry(dir.path(), &["connections", "list"])).contains("Contoso"));
}

#[test]
fn delete_with_no_keychain_reachable_keeps_the_connection_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let c = connection(Role::Source, "Contoso");
    seed(dir.path(), std::slice::from_ref(&c));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["connections", "delete", "Contoso", "--yes"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mailferry-test-bus")
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).starts_with("error: The OS keychain is not reachable: "), "{}", stderr(&out));
    assert!(stdout(&mailferry(dir.path(), &["connections", "list"])).contains("Contoso"), "nothing lost");
}

#[test]
fn cert_import_says_what_is_missing_before_touching_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap().self_signed(&key).unwrap();
    let cert_only = dir.path().join("cert.pem");
    std::fs::write(&cert_only, cert.pem()).unwrap();

    let out = mailferry(dir.path(), &["cert", "import", cert_only.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("without its private key"), "{}", stderr(&out));

    let out = mailferry(dir.path(), &["cert", "import", dir.path().join("missing.pfx").to_str().unwrap()]);
    assert!(
        stderr(&out).starts_with("error: The file ") && stderr(&out).contains("missing.pfx cannot be read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&mailferry(dir.path(), &["cert", "list"])), "No certificates.\n");
}

/// `connections add-manual` of a certificate connection, with these cloud arguments.
fn add_manual_in_cloud(dir: &std::path::Path, cloud: &[&str]) -> std::process::Output {
    let mut args = vec![
        "connections",
        "add-manual",
        "--role",
        "source",
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d",
        "--mailbox",
        "migration@contoso.com",
        "--thumbprint",
        "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567",
    ];
    args.extend_from_slice(cloud);
    mailferry(dir, &args)
}

#[test]
fn a_custom_cloud_without_its_graph_url_is_refused_with_the_flags_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let out = add_manual_in_cloud(dir.path(), &["--cloud", "custom", "--login-url", "http://127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--cloud custom needs --login-url and --graph-url"), "{}", stderr(&out));
    assert_eq!(stdout(&mailferry(dir.path(), &["connections", "list"])), "No connections.\n", "nothing saved");
}

#[test]
fn a_custom_cloud_over_plain_http_or_with_user_info_is_refused_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let add = |login: &str| {
        add_manual_in_cloud(dir.path(), &["--login-url", login, "--graph-url", "https://graph.contoso.example"])
    };
    for (login, rule) in [
        ("http://login.contoso.example", "the login URL must start with https://"),
        ("https://login.microsoftonline.com@evil.example", "must not hold a user name or password"),
        ("https://login.contoso.example/?redirect=evil", "must not have a query"),
    ] {
        let out = add(login);
        assert_eq!(out.status.code(), Some(3), "{login}");
        assert!(stderr(&out).contains(rule), "{login}: {}", stderr(&out));
    }
    assert_eq!(stdout(&mailferry(dir.path(), &["connections", "list"])), "No connections.\n", "nothing saved");
}

#[test]
fn export_writes_every_format_to_a_file_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let contoso = connection(Role::Source, "Contoso");
    let fabrikam = connection(Role::Target, "Fabrikam");
    seed(dir.path(), &[contoso.clone(), fabrikam]);

    let out = mailferry(dir.path(), &["export", "--format", "json", "--out", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["schemaVersion"], 1);
    assert_eq!(document["connections"].as_array().unwrap().len(), 2);

    let file = dir.path().join("contoso.csv");
    let out =
        mailferry(dir.path(), &["export", "--format", "csv", "--bom", "--out", file.to_str().unwrap(), "Contoso"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Exported 1 connection summaries to"));
    let csv = std::fs::read(&file).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFname,role,"));
    assert!(String::from_utf8_lossy(&csv).contains(&contoso.id.to_string()));

    let out = mailferry(dir.path(), &["export", "--format", "html", "--out", "-", "Nobody"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("Connection \"Nobody\" does not exist"), "{}", stderr(&out));
}

#[test]
fn connections_expiring_lists_what_ends_within_the_days_asked_and_exits_1_only_then() {
    use mailferry_core::model::Credential;
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    let mut soon = connection(Role::Source, "Contoso soon");
    soon.credential = Credential::Secret { hint: "abc".into(), expires_at: Some(now + chrono::Duration::days(10)) };
    let mut expired = connection(Role::Target, "Fabrikam expired");
    expired.credential = Credential::Certificate {
        sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
        sha256_thumbprint: None,
        subject: None,
        not_after: Some(now - chrono::Duration::days(2)),
    };
    let mut later = connection(Role::Source, "Northwind later");
    later.credential = Credential::Secret { hint: "xyz".into(), expires_at: Some(now + chrono::Duration::days(300)) };
    let mut unknown = connection(Role::Source, "Tailspin unknown");
    unknown.credential = Credential::Secret { hint: "def".into(), expires_at: None };
    seed(dir.path(), &[soon, expired, later, unknown]);

    let out = mailferry(dir.path(), &["connections", "expiring", "--within", "30"]);
    assert_eq!(out.status.code(), Some(1), "some expire within 30 days: {}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("Fabrikam expired (target, ") && lines[0].contains("certificate expired 2 days ago"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("Contoso soon (source, ") && lines[1].contains("client secret expires in 9 days"),
        "{text}"
    );
    assert!(stderr(&out).contains("Expiry not known for Tailspin unknown"), "{}", stderr(&out));

    let json = mailferry(dir.path(), &["connections", "expiring", "--within", "400", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Fabrikam expired", "Contoso soon", "Northwind later"]);
    assert_eq!(listed[0]["state"], "expired");
    assert_eq!(listed[2]["daysLeft"], 299);

    let none = tempfile::tempdir().unwrap();
    let mut fine = connection(Role::Source, "Contoso fine");
    fine.credential = Credential::Secret { hint: "abc".into(), expires_at: Some(now + chrono::Duration::days(90)) };
    seed(none.path(), &[fine]);
    let out = mailferry(none.path(), &["connections", "expiring", "--within", "60"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "No connection's credential expires within 60 days.\n");

    let refused = mailferry(none.path(), &["connections", "expiring", "--within", "-5"]);
    assert_eq!(refused.status.code(), Some(2), "clap refuses a negative number of days");
}
