//! CLI operations that reach the real Secret Service (run by make test inside a private
//! gnome-keyring session; built with `--features keychain-tests`).

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
    assert_eq!(
        vault.get(&SecretKey::certificate_key(&certificate.info.sha1_thumbprint)).unwrap(),
        None,
        "the key left the keychain"
    );
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
