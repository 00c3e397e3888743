//! Migration job drafts on a real SQLite file: round trip, validation, and the rule that a
//! connection a job uses cannot be deleted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;

use mailferry_core::certs::CertificateStore;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::jobs::{JobDraft, JobMailbox, JobService};
use mailferry_core::model::{Connection, Credential, RegistrationMode, Role};
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;
use mailferry_core::ErrorCode;
use uuid::Uuid;

fn connection(role: Role, name: &str) -> Connection {
    let now = mailferry_core::model::now();
    Connection {
        id: Uuid::new_v4(),
        role,
        name: name.into(),
        cloud: Cloud::Global,
        tenant_id: "contoso.onmicrosoft.com".into(),
        tenant_name: None,
        default_domain: None,
        client_id: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into(),
        application_mailbox: "migration@contoso.com".into(),
        registration: RegistrationMode::Manual,
        credential: Credential::Certificate {
            sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
            sha256_thumbprint: None,
            subject: None,
            not_after: None,
        },
        created_at: now,
        updated_at: now,
        last_check: None,
    }
}

fn mailbox(n: usize) -> JobMailbox {
    JobMailbox { id: format!("id-{n}"), address: format!("user{n}@contoso.com"), display_name: format!("User {n}") }
}

struct Fixture {
    _dir: tempfile::TempDir,
    jobs: JobService,
    connections: ConnectionService,
    source: Connection,
    target: Connection,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
    let (source, target) = (connection(Role::Source, "Contoso"), connection(Role::Target, "Fabrikam"));
    store.connections().create(&source).await.unwrap();
    store.connections().create(&target).await.unwrap();
    let vault = Arc::new(MemorySecretStore::new());
    let connections = ConnectionService::new(store.clone(), vault.clone(), CertificateStore::new(dir.path(), vault));
    Fixture { _dir: dir, jobs: JobService::new(store), connections, source, target }
}

impl Fixture {
    fn draft(&self, name: &str, mailboxes: Vec<JobMailbox>) -> JobDraft {
        JobDraft {
            id: None,
            name: name.into(),
            source_connection_id: Some(self.source.id),
            target_connection_id: Some(self.target.id),
            mailboxes,
        }
    }
}

#[tokio::test]
async fn a_draft_is_saved_and_read_back_with_its_mailboxes_in_order() {
    let f = fixture().await;
    let mailboxes: Vec<JobMailbox> = (0..1_000).rev().map(mailbox).collect();
    let saved = f.jobs.save(f.draft("  Wave 1  ", mailboxes.clone())).await.unwrap();
    assert_eq!(saved.name, "Wave 1");
    assert_eq!(saved.mailboxes, mailboxes);
    assert_eq!(saved.mailbox_count, 1_000);

    let listed = f.jobs.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].mailbox_count, 1_000);
    assert!(listed[0].mailboxes.is_empty(), "lists stay light");
    assert_eq!(f.jobs.find("wave 1").await.unwrap().id, saved.id);

    let renamed = f.jobs.rename(saved.id, "Wave 1 (executives)").await.unwrap();
    assert_eq!(renamed.mailboxes.len(), 1_000, "renaming keeps the mailboxes");
    f.jobs.delete(saved.id).await.unwrap();
    assert!(f.jobs.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn names_are_required_unique_and_the_connections_must_be_of_the_right_side() {
    let f = fixture().await;
    f.jobs.save(f.draft("Wave 1", vec![mailbox(1)])).await.unwrap();
    let error = f.jobs.save(f.draft("WAVE 1", Vec::new())).await.unwrap_err();
    assert!(error.to_string().contains("a job named \"WAVE 1\" already exists"), "{error}");
    let error = f.jobs.save(f.draft("  ", Vec::new())).await.unwrap_err();
    assert!(error.to_string().contains("Job name: enter a name"), "{error}");
    let mut swapped = f.draft("Swapped", Vec::new());
    swapped.source_connection_id = Some(f.target.id);
    let error = f.jobs.save(swapped).await.unwrap_err();
    assert!(error.to_string().contains("\"Fabrikam\" is a target connection, not a source one."), "{error}");
    assert_eq!(error.code(), ErrorCode::Invalid);
}

#[tokio::test]
async fn a_connection_used_by_a_job_cannot_be_deleted_and_says_which_job() {
    let f = fixture().await;
    let job = f.jobs.save(f.draft("Wave 1", vec![mailbox(1)])).await.unwrap();
    let refused = f.connections.delete(f.source.id).await.unwrap_err();
    assert!(
        refused.to_string().contains("The connection \"Contoso\" is used by the migration job \"Wave 1\"."),
        "{refused}"
    );
    assert!(f.connections.get(f.source.id).await.is_ok(), "nothing deleted");

    f.jobs.delete(job.id).await.unwrap();
    f.connections.delete(f.source.id).await.unwrap();
}
