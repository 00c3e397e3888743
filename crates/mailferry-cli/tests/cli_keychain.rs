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
