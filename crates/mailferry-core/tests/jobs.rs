//! Migration job drafts on a real SQLite file: round trip, validation, and the rule that a
//! connection a job uses cannot be deleted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::Arc;

use mailferry_core::certs::CertificateStore;
use mailferry_core::connections::ConnectionService;
use mailferry_core::jobs::{JobDraft, JobMailbox, JobService};
use mailferry_core::model::{Connection, Role};
use mailferry_core::secrets::MemorySecretStore;
use mailferry_core::store::Store;
use mailferry_core::ErrorCode;
use mailferry_testsupport::connection;

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
