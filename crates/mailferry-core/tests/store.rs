//! The SQLite store on real database files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use chrono::{Duration, TimeZone, Utc};
use mailferry_core::cloud::Cloud;
use mailferry_core::model::{CheckOutcome, Connection, Credential, LastCheck, RegistrationMode, Role};
use mailferry_core::store::Store;
use mailferry_core::{Error, ErrorCode};
use uuid::Uuid;

fn connection(role: Role, name: &str) -> Connection {
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).single().unwrap_or_default();
    Connection {
        credential: Credential::Secret { hint: "x9Z".into(), expires_at: None },
        created_at: at,
        updated_at: at,
        ..mailferry_testsupport::connection(role, name)
    }
}

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("mailferry.db")).await.unwrap()
}

#[tokio::test]
async fn an_empty_folder_gets_a_migrated_database_in_wal_mode_and_reopening_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("nested/data/mailferry.db")).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.unwrap();
    assert_eq!(mode, "wal");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "check_runs",
            "connections",
            "credential_policies",
            "expiry_alerts",
            "job_mailboxes",
            "jobs",
            "registration_steps",
            "registrations",
            "renewal_steps",
            "renewals",
            "settings",
            "uploaded_certificates"
        ]
    );
    store.connections().create(&connection(Role::Source, "Contoso")).await.unwrap();
    store.close().await;

    let again = Store::open(&dir.path().join("nested/data/mailferry.db")).await.unwrap();
    assert_eq!(again.connections().list(None).await.unwrap().len(), 1, "reopening keeps the data");
}

#[tokio::test]
async fn every_field_of_a_connection_survives_the_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut secret = connection(Role::Source, "Contoso source");
    secret.cloud = Cloud::Custom { login_url: "http://127.0.0.1:1".into(), graph_url: "http://127.0.0.1:2".into() };
    secret.tenant_name = Some("Contoso Ltd".into());
    secret.default_domain = Some("contoso.com".into());
    secret.credential =
        Credential::Secret { hint: "Q~a".into(), expires_at: Some(secret.created_at + Duration::days(180)) };
    secret.last_check = Some(LastCheck { at: secret.created_at, outcome: CheckOutcome::Warnings });
    let mut certificate = connection(Role::Target, "Fabrikam target");
    certificate.registration = RegistrationMode::Automatic;
    certificate.cloud = Cloud::GccHigh;
    certificate.credential = Credential::Certificate {
        sha1_thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into(),
        sha256_thumbprint: Some("AB".repeat(32)),
        subject: Some("CN=Mailferry Migration Target".into()),
        not_after: Some(certificate.created_at + Duration::days(5 * 365)),
    };

    store.connections().create(&secret).await.unwrap();
    store.connections().create(&certificate).await.unwrap();

    assert_eq!(store.connections().get(secret.id).await.unwrap(), Some(secret.clone()));
    assert_eq!(store.connections().get(certificate.id).await.unwrap(), Some(certificate.clone()));
    assert_eq!(store.connections().list(Some(Role::Target)).await.unwrap(), vec![certificate]);
    assert_eq!(store.connections().get(Uuid::new_v4()).await.unwrap(), None);
}

#[tokio::test]
async fn update_and_delete_change_exactly_one_connection() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut a = connection(Role::Source, "A");
    let b = connection(Role::Source, "B");
    store.connections().create(&a).await.unwrap();
    store.connections().create(&b).await.unwrap();

    let created = a.created_at;
    a.application_mailbox = "other@contoso.com".into();
    a.created_at = created + Duration::days(1); // an update never rewrites when it was created
    store.connections().update(&a).await.unwrap();
    let read = store.connections().get(a.id).await.unwrap().unwrap();
    assert_eq!(read.application_mailbox, "other@contoso.com");
    assert_eq!(read.created_at, created);
    a.created_at = created;

    assert!(store.connections().delete(b.id).await.unwrap());
    assert!(!store.connections().delete(b.id).await.unwrap(), "a second delete finds nothing");
    assert_eq!(store.connections().list(None).await.unwrap(), vec![a]);

    let ghost = connection(Role::Source, "Ghost");
    assert!(matches!(store.connections().update(&ghost).await, Err(Error::NotFound { .. })));
}

#[tokio::test]
async fn names_are_unique_per_role_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.connections().create(&connection(Role::Source, "Contoso")).await.unwrap();
    store.connections().create(&connection(Role::Target, "Contoso")).await.unwrap();

    let error = store.connections().create(&connection(Role::Source, "CONTOSO")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(error.to_string(), "A source connection named \"CONTOSO\" already exists.");
}

#[tokio::test]
async fn a_failure_in_the_middle_of_a_staged_save_leaves_the_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let kept = connection(Role::Source, "Kept");
    let mut renamed = connection(Role::Source, "Renamed later");
    store.connections().create(&kept).await.unwrap();
    store.connections().create(&renamed).await.unwrap();
    let before = store.connections().list(None).await.unwrap();

    // Delete one, rename another, add two: the second addition clashes with the first.
    renamed.name = "Renamed".into();
    let first = connection(Role::Source, "New");
    let clash = connection(Role::Source, "new");
    let error = store.connections().apply(&[renamed, first, clash], &[kept.id]).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(store.connections().list(None).await.unwrap(), before);
}

#[tokio::test]
async fn a_row_mailferry_cannot_read_is_reported_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let c = connection(Role::Source, "Contoso");
    store.connections().create(&c).await.unwrap();
    sqlx::query("UPDATE connections SET created_at = 'yesterday' WHERE id = ?")
        .bind(c.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();

    let error = store.connections().list(None).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Database);
    assert!(error.to_string().contains("timestamp \"yesterday\""), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_app_and_the_cli_writing_at_once_wait_for_each_other_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    // Two processes' stores on one file, as when the CLI runs beside the open app.
    let (app, cli) = (open(&dir).await, open(&dir).await);
    let mut shared = connection(Role::Source, "Contoso");
    app.connections().create(&shared).await.unwrap();
    let mut writers = Vec::new();
    for (n, store) in [app, cli].into_iter().enumerate() {
        for i in 0..40 {
            let store = store.clone();
            shared.name = format!("Contoso {n}-{i}");
            let edit = shared.clone();
            // Each update reads (does the row exist?) then writes, in one transaction.
            writers.push(tokio::spawn(async move { store.connections().update(&edit).await }));
        }
    }
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_database_written_by_a_newer_mailferry_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (29991231000001, 'from a newer Mailferry', 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;

    let error = Store::open(&dir.path().join("mailferry.db")).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::Database);
    assert!(error.to_string().contains("a newer version of Mailferry"), "{error}");
    assert!(error.hint().unwrap_or_default().contains("Update Mailferry"), "{:?}", error.hint());
    let url = format!("sqlite:{}", dir.path().join("mailferry.db").display());
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&raw).await.unwrap();
    assert_eq!(versions.last(), Some(&29991231000001), "the newer schema's record is still there");
    assert_eq!(versions.len(), 13, "this version's twelve steps and the newer one: nothing added");
}
