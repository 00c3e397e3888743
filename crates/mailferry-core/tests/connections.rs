//! The connection service on a real SQLite file, with the in-memory secret store standing in
//! for the keychain (the keychain itself is tested in vault.rs on a real Secret Service).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;

use mailferry_core::certs::CertificateStore;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::model::{
    CheckOutcome, Connection, ConnectionDraft, Credential, CredentialDraft, LastCheck, Role, StagedChanges,
};
use mailferry_core::secrets::{MemorySecretStore, SecretKey, SecretStore};
use mailferry_core::store::Store;
use mailferry_core::validate::Field;
use mailferry_core::ErrorCode;
use secrecy::SecretString;

const SECRET: &str = "Zq48Q~Hd7.fakeClientSecretValue_1234abcd";

struct Fixture {
    dir: tempfile::TempDir,
    vault: Arc<MemorySecretStore>,
    service: ConnectionService,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
    let vault = Arc::new(MemorySecretStore::new());
    let certificates = CertificateStore::new(dir.path(), vault.clone());
    let service = ConnectionService::new(store, vault.clone(), certificates);
    Fixture { dir, vault, service }
}

fn draft(name: &str) -> ConnectionDraft {
    ConnectionDraft {
        id: None,
        role: Role::Source,
        name: name.into(),
        cloud: Cloud::Global,
        tenant: "Contoso.onmicrosoft.com".into(),
        client_id: "1B2C3D4E-5F60-4A1B-8C9D-0E1F2A3B4C5D".into(),
        application_mailbox: "migration@contoso.com".into(),
        credential: CredentialDraft::Secret { value: Some(SecretString::from(format!("  {SECRET}\n"))) },
    }
}

/// OK in the Manage connections window with these connections staged.
async fn save(f: &Fixture, upserts: Vec<Connection>) -> mailferry_core::Result<Vec<Connection>> {
    f.service.save(StagedChanges { upserts, deletes: vec![] }).await
}

fn database_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for file in ["mailferry.db", "mailferry.db-wal", "mailferry.db-shm"] {
        bytes.extend(std::fs::read(dir.path().join(file)).unwrap_or_default());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn a_staged_secret_reaches_the_keychain_only_on_save_and_never_the_database() {
    let f = fixture().await;
    let staged = f.service.stage(draft("Contoso")).await.unwrap();

    assert_eq!(staged.credential, Credential::Secret { hint: "bcd".into(), expires_at: None });
    assert_eq!(staged.client_id, "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d", "normalised");
    assert_eq!(staged.tenant_id, "contoso.onmicrosoft.com");
    assert_eq!(staged.last_check, None, "not verified yet");
    assert!(f.vault.is_empty(), "nothing is written before OK");
    assert!(f.service.list(None).await.unwrap().is_empty());

    let saved = save(&f, vec![staged.clone()]).await.unwrap();

    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].name, "Contoso");
    let kept = f.vault.get(&SecretKey::client_secret(staged.id)).unwrap().unwrap();
    assert_eq!(kept.as_slice(), SECRET.as_bytes(), "trimmed value, byte for byte");
    assert!(!contains(&database_bytes(&f.dir), SECRET), "the secret must not be in the SQLite files");
    assert!(!contains(&serde_json::to_vec(&saved).unwrap(), SECRET), "nor in what goes back to the UI");
}

#[tokio::test]
async fn cancel_forgets_the_staged_secret() {
    let f = fixture().await;
    let staged = f.service.stage(draft("Contoso")).await.unwrap();
    f.service.discard_staged().await.unwrap();

    let error = save(&f, vec![staged]).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::SecretMissing);
    assert!(error.hint().unwrap_or_default().contains("paste the client secret again"));
    assert!(f.service.list(None).await.unwrap().is_empty());
    assert!(f.vault.is_empty());
}

#[tokio::test]
async fn an_unreachable_keychain_saves_nothing_and_keeps_the_staged_secret_for_a_retry() {
    let f = fixture().await;
    let staged = f.service.stage(draft("Contoso")).await.unwrap();
    f.vault.set_unavailable(true);

    let changes = StagedChanges { upserts: vec![staged.clone()], deletes: vec![] };
    let error = f.service.save(changes.clone()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeychainUnavailable);
    f.vault.set_unavailable(false);
    assert!(f.service.list(None).await.unwrap().is_empty());

    f.service.save(changes).await.unwrap();
    assert_eq!(f.service.list(None).await.unwrap().len(), 1);
    assert!(f.vault.get(&SecretKey::client_secret(staged.id)).unwrap().is_some());
}

#[tokio::test]
async fn a_database_failure_after_the_keychain_write_takes_the_secret_back_out() {
    let f = fixture().await;
    let first = f.service.stage(draft("Contoso")).await.unwrap();
    let mut clash = f.service.stage(draft("Fabrikam")).await.unwrap();
    clash.name = "contoso".into();

    let error = save(&f, vec![first, clash]).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::Conflict);
    assert!(f.service.list(None).await.unwrap().is_empty());
    assert!(f.vault.is_empty(), "secrets written for the failed save were removed again");
}

#[tokio::test]
async fn a_failed_save_restores_the_secret_an_edit_replaced() {
    let f = fixture().await;
    let original = f.service.stage(draft("Contoso")).await.unwrap();
    let other = f.service.stage(draft("Fabrikam")).await.unwrap();
    save(&f, vec![original.clone(), other]).await.unwrap();

    let mut edit = draft("Fabrikam"); // clashes with the other connection's name
    edit.id = Some(original.id);
    edit.credential = CredentialDraft::Secret { value: Some(SecretString::from("NewSecretValue~0987654321xyz")) };
    assert_eq!(f.service.validate(&edit).await.unwrap()[0].field, Field::Name, "validation sees the clash");
    edit.name = "Contoso".into();
    let mut staged = f.service.stage(edit).await.unwrap();
    staged.name = "fabrikam".into(); // as if the UI renamed it afterwards
    assert!(save(&f, vec![staged]).await.is_err());

    let kept = f.vault.get(&SecretKey::client_secret(original.id)).unwrap().unwrap();
    assert_eq!(kept.as_slice(), SECRET.as_bytes());
}

#[tokio::test]
async fn editing_without_retyping_keeps_the_secret_and_changed_details_reset_the_last_check() {
    let f = fixture().await;
    let mut staged = f.service.stage(draft("Contoso")).await.unwrap();
    staged.last_check = Some(LastCheck { at: staged.created_at, outcome: CheckOutcome::Passed });
    let saved = save(&f, vec![staged.clone()]).await.unwrap();
    assert!(saved[0].last_check.is_some());

    let mut rename = draft("Contoso (EU)");
    rename.id = Some(staged.id);
    rename.credential = CredentialDraft::Secret { value: None };
    let renamed = f.service.stage(rename).await.unwrap();
    assert_eq!(renamed.credential, staged.credential);
    assert!(renamed.last_check.is_some(), "a new name does not invalidate the check");
    assert_eq!(renamed.created_at, saved[0].created_at);

    let mut moved = draft("Contoso (EU)");
    moved.id = Some(staged.id);
    moved.credential = CredentialDraft::Secret { value: None };
    moved.application_mailbox = "other@contoso.com".into();
    assert_eq!(f.service.stage(moved).await.unwrap().last_check, None, "another mailbox needs a new check");
}

#[tokio::test]
async fn every_bad_field_is_reported_at_once_with_its_own_hint() {
    let f = fixture().await;
    let mut bad = draft("");
    bad.tenant = "common".into();
    bad.client_id = "not-a-guid".into();
    bad.application_mailbox = "migration".into();
    bad.credential =
        CredentialDraft::Secret { value: Some(SecretString::from("8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b")) };

    let issues = f.service.validate(&bad).await.unwrap();
    let fields: Vec<Field> = issues.iter().map(|i| i.field).collect();
    assert_eq!(fields, [Field::ApplicationMailbox, Field::ClientId, Field::Tenant, Field::ClientSecret]);
    assert!(issues.iter().all(|i| !i.hint.is_empty()));
    assert!(issues[3].message.contains("Secret ID"));

    let error = f.service.stage(bad).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Invalid);
    assert_eq!(error.to_ipc().issues, issues);
}

#[tokio::test]
async fn the_tenant_id_pasted_as_client_id_is_caught() {
    let f = fixture().await;
    let mut d = draft("x");
    d.tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47".into();
    d.client_id = "72F988BF-86F1-41AF-91AB-2D7CD011DB47".into();
    let issues = f.service.validate(&d).await.unwrap();
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.contains("this is the tenant ID"));
}

#[tokio::test]
async fn an_empty_name_becomes_the_tenant() {
    let f = fixture().await;
    assert_eq!(f.service.stage(draft("  ")).await.unwrap().name, "contoso.onmicrosoft.com");
}

#[tokio::test]
async fn a_new_connection_without_a_secret_value_is_refused() {
    let f = fixture().await;
    let mut d = draft("Contoso");
    d.credential = CredentialDraft::Secret { value: None };
    let issues = f.service.validate(&d).await.unwrap();
    assert_eq!(issues.iter().map(|i| i.field).collect::<Vec<_>>(), [Field::ClientSecret]);
}

#[tokio::test]
async fn switching_to_a_certificate_removes_the_old_secret_after_saving() {
    let f = fixture().await;
    let staged = f.service.stage(draft("Contoso")).await.unwrap();
    save(&f, vec![staged.clone()]).await.unwrap();

    let mut d = draft("Contoso");
    d.id = Some(staged.id);
    d.credential = CredentialDraft::Certificate {
        thumbprint: "3b 7e 11 5a 90 c4 d2 e8 1f 00 aa bb cc dd ee ff 01 23 45 67".into(),
    };
    let switched = f.service.stage(d).await.unwrap();
    assert!(
        matches!(&switched.credential, Credential::Certificate { sha1_thumbprint, .. } if sha1_thumbprint == "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567")
    );
    save(&f, vec![switched]).await.unwrap();

    assert!(f.vault.is_empty(), "the client secret left the keychain with the change");
}

#[tokio::test]
async fn deleting_removes_the_row_and_its_secret_but_not_while_the_keychain_is_unreachable() {
    let f = fixture().await;
    let staged = f.service.stage(draft("Contoso")).await.unwrap();
    save(&f, vec![staged.clone()]).await.unwrap();

    f.vault.set_unavailable(true);
    assert_eq!(f.service.delete(staged.id).await.unwrap_err().code(), ErrorCode::KeychainUnavailable);
    f.vault.set_unavailable(false);
    assert_eq!(f.service.list(None).await.unwrap().len(), 1, "nothing lost");

    let deleted = f.service.delete(staged.id).await.unwrap();
    assert_eq!(deleted.name, "Contoso");
    assert!(f.service.list(None).await.unwrap().is_empty());
    assert!(f.vault.is_empty());
    assert_eq!(f.service.delete(staged.id).await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_stored_certificate_describes_the_connection_and_leaves_with_its_last_connection() {
    let f = fixture().await;
    let certificate = mailferry_core::certs::generate(Role::Source).unwrap();
    f.service.certificates().put(&certificate).await.unwrap();
    let with_certificate = |name: &str| {
        let mut d = draft(name);
        d.credential = CredentialDraft::Certificate { thumbprint: certificate.info.sha1_thumbprint.to_lowercase() };
        d
    };
    let first = f.service.stage(with_certificate("Contoso")).await.unwrap();
    assert_eq!(
        first.credential,
        Credential::Certificate {
            sha1_thumbprint: certificate.info.sha1_thumbprint.clone(),
            sha256_thumbprint: Some(certificate.info.sha256_thumbprint.clone()),
            subject: Some("CN=Mailferry Migration Source".into()),
            not_after: Some(certificate.info.not_after),
        },
        "the typed thumbprint resolved against the store"
    );
    let mut by_sha256 = draft("Contoso EU");
    by_sha256.credential = CredentialDraft::Certificate { thumbprint: certificate.info.sha256_thumbprint.clone() };
    let second = f.service.stage(by_sha256).await.unwrap();
    assert_eq!(second.credential, first.credential, "a stored certificate's SHA-256 thumbprint is accepted too");
    save(&f, vec![first.clone(), second.clone()]).await.unwrap();

    f.service.delete(first.id).await.unwrap();
    assert!(
        f.service.certificates().find(&certificate.info.sha1_thumbprint).await.unwrap().is_some(),
        "still used by the other connection"
    );
    f.service.delete(second.id).await.unwrap();
    assert_eq!(
        f.service.certificates().find(&certificate.info.sha1_thumbprint).await.unwrap(),
        None,
        "gone with its last connection"
    );
    assert!(f.vault.is_empty(), "and its key left the keychain");
}
