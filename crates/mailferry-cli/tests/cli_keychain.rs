//! CLI operations that reach the real Secret Service (run by make test inside a private
//! gnome-keyring session; built with `--features keychain-tests`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use std::sync::Arc;

use mailferry_core::certs::{generate, CertificateStore};
use mailferry_core::model::{Credential, Role};
use mailferry_core::secrets::{KeyringStore, SecretKey, SecretStore};
use support::{connection, mailferry, seed, stderr, stdout};

#[test]
fn delete_removes_the_connection_and_the_certificate_only_it_used() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(KeyringStore::new());
    let certificate = generate(Role::Source).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let store = CertificateStore::new(dir.path(), vault.clone());
    runtime.block_on(store.put(&certificate)).unwrap();
    let mut c = connection(Role::Source, "Contoso");
    c.credential = Credential::Certificate {
        sha1_thumbprint: certificate.info.sha1_thumbprint.clone(),
        sha256_thumbprint: Some(certificate.info.sha256_thumbprint.clone()),
        subject: Some(certificate.info.subject.clone()),
        not_after: Some(certificate.info.not_after),
    };
    seed(dir.path(), std::slice::from_ref(&c));

    let out = mailferry(dir.path(), &["connections", "delete", &c.id.to_string(), "--yes"]);

    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("Deleted source connection \"Contoso\" ({}).\n", c.id));
    assert_eq!(stdout(&mailferry(dir.path(), &["connections", "list"])), "No connections.\n");
    assert_eq!(vault.get(&store.key_of(&certificate.info.sha1_thumbprint)).unwrap(), None, "the key left the keychain");
    assert_eq!(
        runtime.block_on(store.find(&certificate.info.sha1_thumbprint)).unwrap(),
        None,
        "and the certificate the data folder"
    );
}

#[test]
fn cert_generate_show_import_and_delete_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out = mailferry(dir.path(), &["cert", "generate", "--role", "target", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let generated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(generated["subject"], "CN=Mailferry Migration Target");
    let sha1 = generated["sha1Thumbprint"].as_str().unwrap().to_owned();

    let pem = stdout(&mailferry(
        dir.path(),
        &["cert", "show", &generated["sha256Thumbprint"].as_str().unwrap().to_lowercase(), "--pem"],
    ));
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----") && !pem.contains("PRIVATE"), "{pem}");
    assert!(stdout(&mailferry(dir.path(), &["cert", "list"])).starts_with(&sha1));

    // A PFX exported by openssl, password on standard input.
    let work = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        assert!(std::process::Command::new("openssl").args(args).current_dir(work.path()).status().unwrap().success())
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "k.pem",
        "-out",
        "c.pem",
        "-days",
        "10",
        "-subj",
        "/CN=From PFX",
    ]);
    run(&["pkcs12", "-export", "-in", "c.pem", "-inkey", "k.pem", "-out", "c.pfx", "-passout", "pass:pfx-pass"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["cert", "import", work.path().join("c.pfx").to_str().unwrap(), "--password-stdin", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"pfx-pass\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let imported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(imported["subject"], "CN=From PFX");

    let refused = mailferry(dir.path(), &["cert", "delete", &sha1]);
    assert!(stderr(&refused).contains("Add --yes"));
    let deleted = mailferry(dir.path(), &["cert", "delete", &sha1, "--yes"]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    let list = stdout(&mailferry(dir.path(), &["cert", "list"]));
    assert!(!list.contains(&sha1) && list.contains("CN=From PFX"), "{list}");
}

/// entra-sim's demo tenant (Contoso) with one manually registered application, served on a
/// runtime of its own while the CLI runs as a child process.
struct Sim {
    handle: entra_sim::SimHandle,
    _runtime: tokio::runtime::Runtime,
}

const TENANT: &str = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
const APP: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const PARTIAL_APP: &str = "8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const SECRET: &str = "Cl1~cli.SecretValue_0123456789abcdefXYZ";

fn sim() -> Sim {
    use entra_sim::seed::ApplicationSeed;
    let app = |app_id: &str, roles: &[&str]| ApplicationSeed::with_secret(app_id, SECRET, roles);
    let mut seed = entra_sim::Seed::demo();
    let source_set = [
        "User.Read.All",
        "Organization.Read.All",
        "Mail.Read",
        "MailboxSettings.Read",
        "Calendars.Read",
        "Contacts.Read",
    ];
    seed.tenants[0].applications = vec![app(APP, &source_set), app(PARTIAL_APP, &source_set[..3])];
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let handle = runtime.block_on(entra_sim::SimHandle::start(seed, 0)).unwrap();
    Sim { handle, _runtime: runtime }
}

/// Runs the CLI with the simulator as its (custom) cloud and `stdin` on standard input.
fn mailferry_on(sim: &Sim, dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    with_stdin(mailferry_command(sim, dir, args), stdin)
}

/// The CLI with the simulator as its (custom) cloud, not started.
fn mailferry_command(sim: &Sim, dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MAILFERRY_DATA_DIR")
        .env("MAILFERRY_CLOUD_LOGIN_URL", &sim.handle.base_url)
        .env("MAILFERRY_CLOUD_GRAPH_URL", &sim.handle.base_url);
    command
}

/// Runs `command` with `stdin` on its standard input, collecting what it prints.
fn with_stdin(mut command: std::process::Command, stdin: &str) -> std::process::Output {
    use std::process::Stdio;
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn add_manual(sim: &Sim, dir: &std::path::Path, client_id: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "connections",
        "add-manual",
        "--role",
        "source",
        "--name",
        "Contoso",
        "--tenant",
        "contoso.onmicrosoft.com",
        "--client-id",
        client_id,
        "--mailbox",
        "migration@contoso.onmicrosoft.com",
        "--secret-stdin",
    ];
    args.extend_from_slice(extra);
    mailferry_on(sim, dir, &args, &format!("{SECRET}\n"))
}

#[test]
fn add_manual_with_check_saves_the_connection_verifies_it_and_exits_0() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let out = add_manual(&sim, dir.path(), APP, &["--check"]);
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("[pass] Mail access: The application can read migration@contoso.onmicrosoft.com: its inbox"),
        "{stdout}"
    );
    assert!(stdout.contains("Tenant: Contoso (contoso.com)") && stdout.ends_with("Result: passed\n"), "{stdout}");
    assert!(stderr.contains("[pass] Permissions"), "live progress on stderr: {stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET), "the secret is never printed");

    // Saved with what the check learnt; the secret went to the keychain, not the database.
    let shown = mailferry_on(&sim, dir.path(), &["connections", "show", "Contoso", "--json"], "");
    let connection: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(connection["tenantId"], TENANT);
    assert_eq!(connection["tenantName"], "Contoso");
    assert_eq!(connection["lastCheck"]["outcome"], "passed");
    let id = uuid::Uuid::parse_str(connection["id"].as_str().unwrap()).unwrap();
    let stored = KeyringStore::new().get(&SecretKey::client_secret(id)).unwrap().unwrap();
    assert_eq!(&stored[..], SECRET.as_bytes());
    assert!(!std::fs::read(dir.path().join("mailferry.db"))
        .unwrap()
        .windows(SECRET.len())
        .any(|w| w == SECRET.as_bytes()));

    mailferry_on(&sim, dir.path(), &["connections", "delete", "Contoso", "--yes"], "");
}

#[test]
fn check_exits_2_naming_the_missing_permissions_and_json_is_the_report() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let added = add_manual(&sim, dir.path(), PARTIAL_APP, &[]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));

    let out = mailferry_on(&sim, dir.path(), &["check", "Contoso"], "");
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("[FAIL] Permissions: Missing permissions: MailboxSettings.Read, Calendars.Read, Contacts.Read."),
        "{text}"
    );
    assert!(text.contains("fix: In the Microsoft Entra admin center"), "{text}");

    let json = mailferry_on(&sim, dir.path(), &["check", "Contoso", "--json"], "");
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["outcome"], "failed");
    assert_eq!(
        report["missingPermissions"],
        serde_json::json!(["MailboxSettings.Read", "Calendars.Read", "Contacts.Read"])
    );

    mailferry_on(&sim, dir.path(), &["connections", "delete", "Contoso", "--yes"], "");
}

/// A stand-in for the browser: the simulator auto-approves the admin, so following the
/// redirect to Mailferry's loopback listener completes the sign-in.
fn auto_approving_browser(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("browser.sh");
    std::fs::write(&path, "#!/bin/sh\nexec curl -s -L --max-redirs 3 -o /dev/null \"$1\"\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `mailferry register` of a source connection, signed in as Contoso's admin in a browser that
/// accepts at once.
fn register_source(sim: &Sim, dir: &std::path::Path) -> std::process::Output {
    curl_put(&format!("{}/_sim/auto-approve", sim.handle.base_url), r#"{"user":"admin@contoso.onmicrosoft.com"}"#);
    let browser = auto_approving_browser(dir);
    std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"))
        .arg("--data-dir")
        .arg(dir)
        .args([
            "register",
            "--role",
            "source",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--mailbox",
            "migration@contoso.onmicrosoft.com",
        ])
        .env_remove("MAILFERRY_DATA_DIR")
        .env("MAILFERRY_CLOUD_LOGIN_URL", &sim.handle.base_url)
        .env("MAILFERRY_CLOUD_GRAPH_URL", &sim.handle.base_url)
        .env("MAILFERRY_BROWSER", &browser)
        .output()
        .unwrap()
}

#[test]
fn register_signs_in_registers_the_application_and_prints_a_verified_connection() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let out = register_source(&sim, dir.path());
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("[done] Signed in as admin@contoso.onmicrosoft.com"), "{stderr}");
    assert!(stderr.contains("[done] Permissions granted"), "{stderr}");
    assert!(stdout.contains("Registration:            automatic"), "{stdout}");
    assert!(stdout.ends_with("Result: passed\n"), "{stdout}");

    let shown = mailferry_on(&sim, dir.path(), &["connections", "list", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let thumbprint = listed[0]["credential"]["sha1Thumbprint"].as_str().unwrap().to_owned();
    assert!(
        KeyringStore::new()
            .get(&CertificateStore::new(dir.path(), Arc::new(KeyringStore::new())).key_of(&thumbprint))
            .unwrap()
            .is_some(),
        "the new certificate's key is in the keychain"
    );
    mailferry_on(&sim, dir.path(), &["connections", "delete", listed[0]["id"].as_str().unwrap(), "--yes"], "");
}

#[test]
fn connections_renew_gives_a_registered_connection_a_new_certificate_with_no_sign_in() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let out = register_source(&sim, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = mailferry_on(&sim, dir.path(), &["connections", "list", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let old = listed[0]["credential"]["sha1Thumbprint"].as_str().unwrap().to_owned();
    let id = listed[0]["id"].as_str().unwrap();

    // No MAILFERRY_BROWSER: a renewal that tried to sign someone in would fail here.
    let out = mailferry_on(&sim, dir.path(), &["connections", "renew", id, "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let renewal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(renewal["status"], "completed");
    assert_eq!(renewal["oldSha1"], old.as_str());
    assert!(renewal["warning"].is_null(), "{renewal}");
    assert!(stderr(&out).contains("Old certificate removed from the application (done)"), "{}", stderr(&out));
    let shown = mailferry_on(&sim, dir.path(), &["connections", "show", id, "--json"], "");
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["credential"]["sha1Thumbprint"], renewal["newSha1"]);
    let check = mailferry_on(&sim, dir.path(), &["check", id], "");
    assert_eq!(check.status.code(), Some(0), "the renewed connection works: {}", stdout(&check));
    mailferry_on(&sim, dir.path(), &["connections", "delete", id, "--yes"], "");
}

#[test]
fn connections_renew_replaces_a_client_secret_after_the_admin_signs_in() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let added = add_manual(&sim, dir.path(), APP, &[]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let out = as_signed_in_admin(&sim, dir.path(), &["connections", "renew", "Contoso", "--days", "90", "--json"]);
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("[done] Signed in as admin@contoso.onmicrosoft.com"), "{stderr}");
    assert!(stderr.contains("The old secret was removed"), "{stderr}");
    let done: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(done["warning"].is_null(), "{done}");
    let expires: chrono::DateTime<chrono::Utc> = done["expiresAt"].as_str().unwrap().parse().unwrap();
    assert!((89..=90).contains(&(expires - chrono::Utc::now()).num_days()), "{expires}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET), "no secret is printed");
    let check = mailferry_on(&sim, dir.path(), &["check", "Contoso"], "");
    let check_out = String::from_utf8_lossy(&check.stdout).into_owned();
    assert_eq!(check.status.code(), Some(0), "the new secret works: {check_out}");
}

#[test]
fn a_secret_connection_switched_to_a_certificate_then_renews_with_no_sign_in() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let added = add_manual(&sim, dir.path(), APP, &[]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let out = as_signed_in_admin(&sim, dir.path(), &["connections", "switch-to-certificate", "Contoso", "--json"]);
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("The client secret was removed from the application"), "{stderr}");
    let done: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(done["secretRemoved"], true, "{done}");
    let shown = mailferry_on(&sim, dir.path(), &["connections", "show", "Contoso", "--json"], "");
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["credential"]["sha1Thumbprint"], done["sha1Thumbprint"]);
    let check = mailferry_on(&sim, dir.path(), &["check", "Contoso"], "");
    assert_eq!(check.status.code(), Some(0), "the certificate works: {}", String::from_utf8_lossy(&check.stdout));

    // No MAILFERRY_BROWSER: from now on the application renews its own certificate.
    let out = mailferry_on(&sim, dir.path(), &["connections", "renew", "Contoso", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let renewal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(renewal["oldSha1"], done["sha1Thumbprint"]);
    assert!(renewal["warning"].is_null(), "{renewal}");
}

/// `mailferry` with `args`, an administrator of the demo tenant approving its browser sign-in.
fn as_signed_in_admin(sim: &Sim, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    curl_put(&format!("{}/_sim/auto-approve", sim.handle.base_url), r#"{"user":"admin@contoso.onmicrosoft.com"}"#);
    let mut command = mailferry_command(sim, dir, args);
    command.env("MAILFERRY_BROWSER", auto_approving_browser(dir));
    with_stdin(command, "")
}

fn curl_put(url: &str, body: &str) {
    let status = std::process::Command::new("curl")
        .args(["-s", "-X", "PUT", "-H", "content-type: application/json", "-d", body, url])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn mailboxes_list_streams_ndjson_and_puts_the_totals_on_stderr() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let added = add_manual(&sim, dir.path(), APP, &[]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));

    let out = mailferry_on(&sim, dir.path(), &["mailboxes", "list", "--connection", "Contoso", "--json"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let users: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(users.len(), 6);
    let nomailbox = users.iter().find(|u| u["userPrincipalName"] == "nomailbox@contoso.onmicrosoft.com").unwrap();
    assert_eq!(nomailbox["exchangeOnline"], false);
    assert_eq!(users.iter().filter(|u| u["exchangeOnline"] == true).count(), 5);
    assert!(
        stderr(&out).contains(
            "6 users read in 1 pages: 5 mailboxes, 1 users with a mail address but no Exchange Online mailbox"
        ),
        "{}",
        stderr(&out)
    );

    mailferry_on(&sim, dir.path(), &["connections", "delete", "Contoso", "--yes"], "");
}

#[test]
fn jobs_are_created_from_the_source_mailboxes_listed_and_keep_their_connections() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(add_manual(&sim, dir.path(), APP, &[]).status.code(), Some(0));
    let target = mailferry_on(
        &sim,
        dir.path(),
        &[
            "connections",
            "add-manual",
            "--role",
            "target",
            "--name",
            "Fabrikam",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            APP,
            "--mailbox",
            "migration@contoso.onmicrosoft.com",
            "--secret-stdin",
        ],
        &format!("{SECRET}\n"),
    );
    assert_eq!(target.status.code(), Some(0), "{}", stderr(&target));

    let list = dir.path().join("wave.txt");
    std::fs::write(&list, "adele@contoso.onmicrosoft.com\nghost@contoso.com\n").unwrap();
    let refused = mailferry_on(
        &sim,
        dir.path(),
        &[
            "jobs",
            "create",
            "--name",
            "Wave 1",
            "--source",
            "Contoso",
            "--target",
            "Fabrikam",
            "--mailboxes",
            list.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(refused.status.code(), Some(3));
    assert!(
        stderr(&refused).contains("Not mailboxes of the source tenant: ghost@contoso.com."),
        "{}",
        stderr(&refused)
    );

    let created = mailferry_on(
        &sim,
        dir.path(),
        &["jobs", "create", "--name", "Wave 1", "--source", "Contoso", "--target", "Fabrikam", "--all"],
        "",
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    assert!(stdout(&created).contains("with 5 mailboxes"), "{}", stdout(&created));
    let listed: serde_json::Value =
        serde_json::from_slice(&mailferry_on(&sim, dir.path(), &["jobs", "list", "--json"], "").stdout).unwrap();
    assert_eq!(listed[0]["name"], "Wave 1");
    assert_eq!(listed[0]["mailboxCount"], 5);

    let in_use = mailferry_on(&sim, dir.path(), &["connections", "delete", "Contoso", "--yes"], "");
    assert!(stderr(&in_use).contains("is used by the migration job \"Wave 1\""), "{}", stderr(&in_use));
    assert!(mailferry_on(&sim, dir.path(), &["jobs", "delete", "Wave 1", "--yes"], "").status.success());
    for name in ["Contoso", "Fabrikam"] {
        assert!(mailferry_on(&sim, dir.path(), &["connections", "delete", name, "--yes"], "").status.success());
    }
}

#[test]
fn register_refuses_to_reuse_an_application_holding_a_secret_it_did_not_create_unless_told_to_trust_it() {
    use entra_sim::seed::ApplicationSeed;
    const IMPOSTOR: &str = "5f4e3d2c-1b0a-4c9d-8e7f-6a5b4c3d2e1f";
    let mut seed = entra_sim::Seed::demo();
    // Any user could register this: Mailferry's name, with a secret of their own.
    let mut impostor = ApplicationSeed::with_secret(IMPOSTOR, "Imp~ostor.SecretValue_0123456789", &[]);
    impostor.display_name = "Mailferry Migration Source".into();
    seed.tenants[0].applications = vec![impostor];
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let handle = runtime.block_on(entra_sim::SimHandle::start(seed, 0)).unwrap();
    let sim = Sim { handle, _runtime: runtime };
    let dir = tempfile::tempdir().unwrap();
    curl_put(&format!("{}/_sim/auto-approve", sim.handle.base_url), r#"{"user":"admin@contoso.onmicrosoft.com"}"#);
    let browser = auto_approving_browser(dir.path());
    let register = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["register", "--role", "source", "--tenant", "contoso.onmicrosoft.com", "--reuse", IMPOSTOR])
            .args(["--mailbox", "migration@contoso.onmicrosoft.com"])
            .args(extra)
            .env_remove("MAILFERRY_DATA_DIR")
            .env("MAILFERRY_CLOUD_LOGIN_URL", &sim.handle.base_url)
            .env("MAILFERRY_CLOUD_GRAPH_URL", &sim.handle.base_url)
            .env("MAILFERRY_BROWSER", &browser)
            .output()
            .unwrap()
    };

    let refused = register(&[]);
    let err = stderr(&refused);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(err.contains("holds credentials Mailferry did not create"), "{err}");
    assert!(err.contains("client secret"), "{err}");
    assert!(err.contains("can read every mailbox"), "{err}");
    assert!(err.contains("--trust-existing-credentials"), "{err}");
    let log: serde_json::Value = serde_json::from_slice(
        &std::process::Command::new("curl")
            .args(["-s", &format!("{}/_sim/requests", sim.handle.base_url)])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let changes: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/v1.0")) && r["method"] != "GET")
        .collect();
    assert!(changes.is_empty(), "nothing was changed in the tenant: {changes:#?}");

    let trusted = register(&["--trust-existing-credentials"]);
    assert_eq!(trusted.status.code(), Some(0), "{}\n{}", stdout(&trusted), stderr(&trusted));
    assert!(stderr(&trusted).contains("Keeping them"), "{}", stderr(&trusted));
}

#[test]
fn proxy_set_keeps_the_password_in_the_keychain_and_clear_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["proxy", "set", "http://proxy.contoso.com:8080/", "--username", "migration", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"Proxy-Pass-0f-the-network\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Requests to Microsoft now go through http://proxy.contoso.com:8080.\n");

    let shown = mailferry(dir.path(), &["proxy", "show", "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(
        shown,
        serde_json::json!({"url": "http://proxy.contoso.com:8080", "username": "migration", "hasPassword": true})
    );
    let vault = KeyringStore::new();
    let folder = CertificateStore::new(dir.path(), Arc::new(vault.clone())).folder().to_owned();
    let key = SecretKey::ProxyPassword { folder };
    assert_eq!(vault.get(&key).unwrap().as_deref().map(Vec::as_slice), Some(&b"Proxy-Pass-0f-the-network"[..]));
    let database = std::fs::read(dir.path().join("mailferry.db")).unwrap();
    assert!(!database.windows(9).any(|w| w == b"Proxy-Pas"), "the password is not in SQLite");

    let refused = mailferry(dir.path(), &["proxy", "set", "http://user:pw@proxy.contoso.com:8080"]);
    assert_eq!(refused.status.code(), Some(3));
    assert!(stderr(&refused).contains("must not hold a user name or password"), "{}", stderr(&refused));

    assert!(mailferry(dir.path(), &["proxy", "clear"]).status.success());
    assert_eq!(vault.get(&key).unwrap(), None);
    assert!(stdout(&mailferry(dir.path(), &["proxy", "show"])).starts_with("No proxy in Settings"));
}

/// `mailferry --demo` with the demo's port, and no cloud from the environment.
fn mailferry_demo(port: u16, dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    with_stdin(demo_command(port, dir, args), stdin)
}

fn demo_command(port: u16, dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mailferry"));
    command
        .arg("--data-dir")
        .arg(dir)
        .arg("--demo")
        .args(args)
        .env_remove("MAILFERRY_DATA_DIR")
        .env_remove("MAILFERRY_CLOUD_LOGIN_URL")
        .env_remove("MAILFERRY_CLOUD_GRAPH_URL")
        .env(mailferry_demo::PORT_VAR, port.to_string());
    command
}

fn free_port() -> u16 {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    free.local_addr().unwrap().port()
}

/// A stand-in for the browser that signs in on the demo's own sign-in page as a person would
/// (the form filled in as admin@contoso.onmicrosoft.com), the E2E tests' sign-in browser.
fn demo_sign_in_browser(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/lib/sign-in-browser.mjs");
    let path = dir.join("demo-browser.sh");
    std::fs::write(&path, format!("#!/bin/sh\nexec node '{}' \"$1\"\n", script.display())).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn in_the_demo_register_signs_in_on_the_demo_page_and_its_connection_works_after_the_demo_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let browser = demo_sign_in_browser(dir.path());
    let registered = demo_command(
        port,
        dir.path(),
        &["register", "--role", "source", "--tenant", "contoso.onmicrosoft.com", "--new", "--json"],
    )
    .env("MAILFERRY_BROWSER", &browser)
    .output()
    .unwrap();
    assert_eq!(registered.status.code(), Some(0), "{}\n{}", stdout(&registered), stderr(&registered));
    assert!(
        stderr(&registered).contains("[done] Signed in as admin@contoso.onmicrosoft.com"),
        "{}",
        stderr(&registered)
    );
    let answer: serde_json::Value = serde_json::from_slice(&registered.stdout).unwrap();
    let id = answer["connection"]["id"].as_str().expect("the registered connection's id").to_owned();
    assert!(dir.path().join("demo").join(mailferry_demo::STATE_FILE).is_file(), "the demo cloud kept its directory");
    assert!(!dir.path().join("mailferry.db").exists(), "nothing was written to the real data folder");

    // The next command is another process and another demo cloud: it still knows the
    // application registered above, so the connection passes every check.
    let checked = mailferry_demo(port, dir.path(), &["check", &id], "");
    assert_eq!(checked.status.code(), Some(0), "{}\n{}", stdout(&checked), stderr(&checked));
    assert!(stdout(&checked).ends_with("Result: passed\n"), "{}", stdout(&checked));
    let listed = mailferry_demo(port, dir.path(), &["mailboxes", "list", "--connection", &id, "--json"], "");
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert!(stdout(&listed).lines().count() > 2_500, "the demo's thousands of mailboxes");

    // The certificate's key is in the demo's keychain namespace, not Mailferry's own.
    let shown = mailferry_demo(port, dir.path(), &["connections", "show", &id, "--json"], "");
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let thumbprint = shown["credential"]["sha1Thumbprint"].as_str().unwrap().to_owned();
    let demo_folder = dir.path().join("demo");
    let demo_vault = Arc::new(mailferry_demo::keychain());
    let key = CertificateStore::new(&demo_folder, demo_vault.clone()).key_of(&thumbprint);
    assert!(demo_vault.get(&key).unwrap().is_some(), "the key is under the demo's service name");
    assert!(KeyringStore::new().get(&key).unwrap().is_none(), "and not under Mailferry's");

    mailferry_demo(port, dir.path(), &["connections", "delete", &id, "--yes"], "");
}

#[test]
fn the_demo_cloud_serves_a_manual_connection_and_its_mailboxes_in_a_folder_apart_from_the_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // A real connection, which the demo must not show.
    seed(dir.path(), &[connection(Role::Source, "Real tenant")]);

    let contoso = mailferry_demo::CONTOSO;
    let mailbox = format!("migration@{}", contoso.mail_domain);
    let added = mailferry_demo(
        port,
        dir.path(),
        &[
            "connections",
            "add-manual",
            "--role",
            "source",
            "--name",
            "Contoso demo",
            "--tenant",
            contoso.domain,
            "--client-id",
            contoso.client_id,
            "--mailbox",
            &mailbox,
            "--secret-stdin",
            "--check",
        ],
        &format!("{}\n", contoso.client_secret),
    );
    assert_eq!(added.status.code(), Some(0), "{}\n{}", stdout(&added), stderr(&added));
    assert!(stdout(&added).ends_with("Result: passed\n"), "{}", stdout(&added));

    // Another process, another demo cloud on the same port: the same tenant and mailboxes.
    let listed = mailferry_demo(port, dir.path(), &["mailboxes", "list", "--connection", "Contoso demo", "--json"], "");
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let mailboxes = stdout(&listed).lines().count();
    assert!(mailboxes > 2_500, "the demo's thousands of mailboxes: {mailboxes}");
    let again = mailferry_demo(port, dir.path(), &["mailboxes", "list", "--connection", "Contoso demo", "--json"], "");
    assert_eq!(stdout(&again), stdout(&listed), "the same users, with the same ids, at every start");

    // Each folder shows only its own connections.
    let demo_list = stdout(&mailferry_demo(port, dir.path(), &["connections", "list"], ""));
    assert!(demo_list.contains("Contoso demo") && !demo_list.contains("Real tenant"), "{demo_list}");
    let real_list = stdout(&mailferry(dir.path(), &["connections", "list"]));
    assert!(real_list.contains("Real tenant") && !real_list.contains("Contoso demo"), "{real_list}");
    assert!(dir.path().join("demo").join("mailferry.db").exists());

    mailferry_demo(port, dir.path(), &["connections", "delete", "Contoso demo", "--yes"], "");
}
