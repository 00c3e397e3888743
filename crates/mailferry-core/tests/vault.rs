//! The keychain vault against a real Secret Service: a gnome-keyring daemon on a private
//! D-Bus session (`scripts/with-keyring.sh`). Built only with `--features keychain-tests`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::process::Command;

use mailferry_core::secrets::{KeyringStore, SecretKey, SecretStore, SERVICE};
use mailferry_core::ErrorCode;
use uuid::Uuid;

#[test]
fn a_client_secret_is_kept_read_back_and_deleted() {
    let vault = KeyringStore::new();
    let key = SecretKey::client_secret(Uuid::new_v4());

    vault.put(&key, b"Qx8~value.of.a.client.secret").unwrap();
    assert_eq!(vault.get(&key).unwrap().as_deref().map(Vec::as_slice), Some(&b"Qx8~value.of.a.client.secret"[..]));

    assert!(vault.delete(&key).unwrap(), "the entry existed");
    assert_eq!(vault.get(&key).unwrap(), None);
    assert!(!vault.delete(&key).unwrap(), "deleting again finds nothing and is not an error");
}

#[test]
fn a_2_kb_binary_key_survives_byte_for_byte() {
    let vault = KeyringStore::new();
    let key = SecretKey::certificate_key("vault-test", &format!("{}ABCDEF01", Uuid::new_v4().simple()).to_uppercase());
    let der: Vec<u8> = (0..2048u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    assert!(der.contains(&0) && der.iter().any(|b| *b > 0x7f), "the fixture holds NULs and non-UTF-8 bytes");

    vault.put(&key, &der).unwrap();
    assert_eq!(vault.get(&key).unwrap().as_deref(), Some(&der));
    vault.delete(&key).unwrap();
}

#[test]
fn secrets_land_in_the_real_secret_service_not_a_mock() {
    let vault = KeyringStore::new();
    let key = SecretKey::client_secret(Uuid::new_v4());
    vault.put(&key, b"seen-by-secret-tool").unwrap();

    let lookup = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", &key.account()])
        .output()
        .expect("secret-tool is installed by make test");
    vault.delete(&key).unwrap();
    assert!(lookup.status.success(), "secret-tool found no entry: {}", String::from_utf8_lossy(&lookup.stderr));
    assert_eq!(lookup.stdout, b"seen-by-secret-tool");
}

#[test]
fn an_unreachable_keychain_is_a_clear_error_and_no_plaintext_fallback() {
    if std::env::var_os("MAILFERRY_VAULT_CHILD").is_some() {
        let error = KeyringStore::new().put(&SecretKey::client_secret(Uuid::new_v4()), b"x").unwrap_err();
        let ipc = error.to_ipc();
        assert_eq!(ipc.code, ErrorCode::KeychainUnavailable, "{ipc:?}");
        assert!(ipc.message.starts_with("The OS keychain is not reachable: "), "{}", ipc.message);
        assert!(ipc.message.contains("D-Bus") || ipc.message.contains("Secret Service"), "{}", ipc.message);
        assert!(ipc.hint.unwrap_or_default().contains("never in a plain file"));
        return;
    }
    // The session bus is process-wide state: run the same test in a child without one.
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "an_unreachable_keychain_is_a_clear_error_and_no_plaintext_fallback", "--nocapture"])
        .env("MAILFERRY_VAULT_CHILD", "1")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mailferry-test-bus")
        .env("HOME", home.path())
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    let leftovers: Vec<_> = walk(home.path());
    assert!(leftovers.is_empty(), "nothing may be written to disk instead: {leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn the_certificate_store_keeps_keys_in_the_real_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let store = mailferry_core::certs::CertificateStore::new(dir.path(), std::sync::Arc::new(KeyringStore::new()));
    let certificate = mailferry_core::certs::generate(mailferry_core::model::Role::Target).unwrap();
    store.put(&certificate).await.unwrap();
    let loaded = store.load(&certificate.info.sha256_thumbprint).await.unwrap();
    assert_eq!(loaded.key_pkcs8.as_slice(), certificate.key_pkcs8.as_slice());
    assert!(certificate.key_pkcs8.len() < 2560, "fits a Windows credential ({} bytes)", certificate.key_pkcs8.len());
    assert!(store.delete(&certificate.info.sha1_thumbprint).await.unwrap());
    let key = store.key_of(&certificate.info.sha1_thumbprint);
    assert_eq!(KeyringStore::new().get(&key).unwrap(), None);
}
