//! CLI operations that reach the real Secret Service (run by make test inside a private
//! gnome-keyring session; built with `--features keychain-tests`).

mod support;

use mailferry_core::model::Role;
use mailferry_core::secrets::{KeyringStore, SecretKey, SecretStore};
use support::{connection, mailferry, seed, stderr, stdout};

#[test]
fn delete_removes_the_connection_and_its_keychain_secret() {
    let dir = tempfile::tempdir().unwrap();
    let c = connection(Role::Source, "Contoso");
    seed(dir.path(), std::slice::from_ref(&c));
    let vault = KeyringStore::new();
    vault.put(&SecretKey::certificate_key(c.id), b"private key bytes").unwrap();

    let out = mailferry(dir.path(), &["connections", "delete", &c.id.to_string(), "--yes"]);

    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("Deleted source connection \"Contoso\" ({}).\n", c.id));
    assert_eq!(stdout(&mailferry(dir.path(), &["connections", "list"])), "No connections.\n");
    assert_eq!(vault.get(&SecretKey::certificate_key(c.id)).unwrap(), None);
}
