//! The connection service and its edit sessions on a real SQLite file, with the in-memory
//! secret store standing in for the keychain (the keychain itself is tested in vault.rs on a
//! real Secret Service).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use mailferry_core::model::{Connection, Credential, CredentialChoice, DraftFields, DraftState, Role, RowChange};
use mailferry_core::secrets::{SecretKey, SecretStore};
use mailferry_core::validate::Field;
use mailferry_core::ErrorCode;
use mailferry_testsupport::{fields, Core, SECRET};
use secrecy::SecretString;
use uuid::Uuid;

fn database_bytes(core: &Core) -> Vec<u8> {
    let mut bytes = Vec::new();
    for file in ["mailferry.db", "mailferry.db-wal", "mailferry.db-shm"] {
        bytes.extend(std::fs::read(core.dir.path().join(file)).unwrap_or_default());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The wizard on one draft of `session`: the secret pasted (if any), then the fields, then Finish.
async fn define(core: &Core, session: Uuid, of: Option<Uuid>, fields: DraftFields, secret: Option<&str>) -> DraftState {
    let s = &core.connections;
    let draft = s.start_draft(session, of).await.unwrap();
    if let Some(secret) = secret {
        s.put_secret(session, draft, SecretString::from(secret)).await.unwrap();
    }
    let state = s.put_draft(session, draft, fields).await.unwrap();
    if state.issues.is_empty() {
        s.keep_draft(session, draft).await.unwrap();
    }
    state
}

async fn session(core: &Core) -> Uuid {
    core.connections.open_session(Role::Source).await.unwrap().session_id
}

async fn saved(core: &Core, name: &str) -> Connection {
    core.add(Role::Source, fields(name), Some(SECRET)).await
}

fn fields_with(name: &str, f: impl FnOnce(&mut DraftFields)) -> DraftFields {
    let mut d = fields(name);
    f(&mut d);
    d
}

#[tokio::test]
async fn a_pasted_secret_reaches_the_keychain_only_on_commit_and_never_the_database() {
    let core = Core::new().await;
    let session = session(&core).await;
    let state = define(&core, session, None, fields("Contoso"), Some(&format!("  {SECRET}\n"))).await;
    let staged = state.connection.unwrap();

    assert_eq!(staged.credential, Credential::Secret { hint: "bcd".into(), expires_at: None });
    assert_eq!(staged.client_id, "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d", "normalised");
    assert_eq!(staged.tenant_id, "contoso.onmicrosoft.com");
    assert_eq!(staged.last_check, None, "not verified yet");
    assert!(core.vault.is_empty(), "nothing is written before OK");
    assert!(core.connections.list(None).await.unwrap().is_empty());
    let view = core.connections.session_view(session).await.unwrap();
    assert_eq!(view.rows.len(), 1);
    assert_eq!(view.rows[0].change, RowChange::New);
    assert!(view.has_changes);

    let all = core.connections.commit(session).await.unwrap();

    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Contoso");
    let kept = core.vault.get(&SecretKey::client_secret(staged.id)).unwrap().unwrap();
    assert_eq!(kept.as_slice(), SECRET.as_bytes(), "trimmed value, byte for byte");
    assert!(!contains(&database_bytes(&core), SECRET), "the secret must not be in the SQLite files");
    assert!(!contains(&serde_json::to_vec(&all).unwrap(), SECRET), "nor in what goes back to the UI");
    assert!(!contains(&serde_json::to_vec(&view).unwrap(), SECRET), "nor in the session's view");
    assert_eq!(
        core.connections.session_view(session).await.unwrap_err().code(),
        ErrorCode::NotFound,
        "OK closes the session"
    );
}

#[tokio::test]
async fn cancel_forgets_the_session_and_its_secret() {
    let core = Core::new().await;
    let session = session(&core).await;
    define(&core, session, None, fields("Contoso"), Some(SECRET)).await;
    core.connections.discard(session).await.unwrap();

    assert_eq!(core.connections.commit(session).await.unwrap_err().code(), ErrorCode::NotFound);
    assert!(core.connections.list(None).await.unwrap().is_empty());
    assert!(core.vault.is_empty());
}

#[tokio::test]
async fn an_unreachable_keychain_saves_nothing_and_keeps_the_session_for_a_retry() {
    let core = Core::new().await;
    let session = session(&core).await;
    let id = define(&core, session, None, fields("Contoso"), Some(SECRET)).await.draft_id;
    core.vault.set_unavailable(true);

    let error = core.connections.commit(session).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::KeychainUnavailable);
    core.vault.set_unavailable(false);
    assert!(core.connections.list(None).await.unwrap().is_empty());

    core.connections.commit(session).await.unwrap();
    assert_eq!(core.connections.list(None).await.unwrap().len(), 1);
    assert!(core.vault.get(&SecretKey::client_secret(id)).unwrap().is_some());
}

#[tokio::test]
async fn a_database_failure_after_the_keychain_write_takes_the_secrets_back_out() {
    let core = Core::new().await;
    let session = session(&core).await;
    // Two new connections of one session may pass validation with the same name (each is
    // checked against what is saved); the database refuses the second.
    define(&core, session, None, fields("Contoso"), Some(SECRET)).await;
    define(&core, session, None, fields("contoso"), Some(SECRET)).await;

    let error = core.connections.commit(session).await.unwrap_err();

    assert_eq!(error.code(), ErrorCode::Conflict);
    assert!(core.connections.list(None).await.unwrap().is_empty());
    assert!(core.vault.is_empty(), "secrets written for the failed save were removed again");
}

#[tokio::test]
async fn a_failed_save_restores_the_secret_an_edit_replaced() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    define(&core, session, Some(original.id), fields("Contoso"), Some("NewSecretValue~0987654321xyz")).await;
    define(&core, session, None, fields("Fabrikam"), Some(SECRET)).await;
    define(&core, session, None, fields("fabrikam"), Some(SECRET)).await;

    assert!(core.connections.commit(session).await.is_err());

    let kept = core.vault.get(&SecretKey::client_secret(original.id)).unwrap().unwrap();
    assert_eq!(kept.as_slice(), SECRET.as_bytes());
}

#[tokio::test]
async fn editing_without_pasting_again_keeps_the_saved_secret() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    let state = define(&core, session, Some(original.id), fields("Contoso (EU)"), None).await;
    let renamed = state.connection.unwrap();
    assert_eq!(renamed.credential, original.credential);
    assert_eq!(renamed.created_at, original.created_at);

    // An empty paste forgets the pasted secret, not the saved one.
    let draft = core.connections.start_draft(session, Some(original.id)).await.unwrap();
    core.connections.put_secret(session, draft, SecretString::from("Other~Secret.Value.1234567")).await.unwrap();
    let cleared = core.connections.put_secret(session, draft, SecretString::from("   ")).await.unwrap();
    assert_eq!(cleared.connection.unwrap().credential, original.credential);
    core.connections.keep_draft(session, draft).await.unwrap();

    let view = core.connections.session_view(session).await.unwrap();
    assert_eq!(view.rows[0].change, RowChange::Edited);
    assert_eq!(view.rows[0].connection.name, "Contoso (EU)");
    core.connections.commit(session).await.unwrap();
    let kept = core.vault.get(&SecretKey::client_secret(original.id)).unwrap().unwrap();
    assert_eq!(kept.as_slice(), SECRET.as_bytes());
    assert_eq!(core.connections.get(original.id).await.unwrap().name, "Contoso (EU)");
}

#[tokio::test]
async fn cancelling_the_wizard_forgets_its_copy_but_not_what_an_earlier_finish_kept() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    define(&core, session, Some(original.id), fields("Contoso (EU)"), None).await;

    let draft = core.connections.start_draft(session, Some(original.id)).await.unwrap();
    let state = core.connections.put_draft(session, draft, fields("Contoso (US)")).await.unwrap();
    assert_eq!(state.connection.unwrap().name, "Contoso (US)", "the wizard starts from what Finish kept");
    core.connections.drop_draft(session, draft).unwrap();

    let view = core.connections.session_view(session).await.unwrap();
    assert_eq!(view.rows[0].connection.name, "Contoso (EU)");

    // A new connection whose wizard is cancelled leaves nothing behind.
    let new = core.connections.start_draft(session, None).await.unwrap();
    core.connections.put_draft(session, new, fields("Fabrikam")).await.unwrap();
    core.connections.drop_draft(session, new).unwrap();
    assert_eq!(core.connections.session_view(session).await.unwrap().rows.len(), 1);
}

#[tokio::test]
async fn deleting_marks_a_saved_connection_and_drops_one_never_saved() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    let new = define(&core, session, None, fields("Fabrikam"), Some(SECRET)).await.draft_id;

    let view = core.connections.stage_delete(session, original.id, true).await.unwrap();
    assert!(view.rows.iter().any(|r| r.connection.id == original.id && r.deleted));
    let view = core.connections.stage_delete(session, new, true).await.unwrap();
    assert_eq!(view.rows.len(), 1, "a connection never saved is simply dropped");
    let view = core.connections.stage_delete(session, original.id, false).await.unwrap();
    assert!(!view.has_changes, "kept again: nothing to save");

    core.connections.stage_delete(session, original.id, true).await.unwrap();
    core.connections.commit(session).await.unwrap();
    assert!(core.connections.list(None).await.unwrap().is_empty());
    assert!(core.vault.is_empty(), "its secret left with it");
}

#[tokio::test]
async fn a_connection_saved_meanwhile_appears_in_the_open_session() {
    let core = Core::new().await;
    let session = session(&core).await;
    // As an automatic registration does: saved at once, outside the session.
    let registered = saved(&core, "Contoso").await;
    let view = core.connections.session_view(session).await.unwrap();
    assert_eq!(view.rows.len(), 1);
    assert_eq!(view.rows[0].connection.id, registered.id);
    assert_eq!(view.rows[0].change, RowChange::None);
    assert!(!view.has_changes);
}

#[tokio::test]
async fn every_bad_field_is_reported_at_once_with_its_own_hint() {
    let core = Core::new().await;
    let session = session(&core).await;
    let bad = fields_with("", |d| {
        d.tenant = "common".into();
        d.client_id = "not-a-guid".into();
        d.application_mailbox = "migration".into();
    });
    let state = define(&core, session, None, bad, Some("8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b")).await;

    let issues = state.issues;
    let fields: Vec<Field> = issues.iter().map(|i| i.field).collect();
    assert_eq!(fields, [Field::ApplicationMailbox, Field::ClientId, Field::Tenant, Field::ClientSecret]);
    assert!(issues.iter().all(|i| !i.hint.is_empty()));
    assert!(issues[3].message.contains("Secret ID"));
    assert_eq!(state.connection, None);

    let error = core.connections.keep_draft(session, state.draft_id).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Invalid, "Finish refuses a draft with problems");
    assert_eq!(error.to_ipc().issues, issues);
}

#[tokio::test]
async fn the_tenant_id_pasted_as_client_id_is_caught() {
    let core = Core::new().await;
    let d = fields_with("x", |d| {
        d.tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47".into();
        d.client_id = "72F988BF-86F1-41AF-91AB-2D7CD011DB47".into();
    });
    let issues = core.draft(Role::Source, d, Some(SECRET)).await.state.issues;
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.contains("this is the tenant ID"));
}

#[tokio::test]
async fn a_name_taken_by_a_saved_connection_of_the_role_is_refused() {
    let core = Core::new().await;
    saved(&core, "Contoso").await;
    let issues = core.draft(Role::Source, fields("CONTOSO"), Some(SECRET)).await.state.issues;
    assert_eq!(issues.iter().map(|i| i.field).collect::<Vec<_>>(), [Field::Name]);
    assert!(core.draft(Role::Target, fields("Contoso"), Some(SECRET)).await.state.issues.is_empty(), "another role");
}

#[tokio::test]
async fn an_empty_name_becomes_the_tenant() {
    let core = Core::new().await;
    let drafted = core.draft(Role::Source, fields("  "), Some(SECRET)).await;
    assert_eq!(drafted.connection().name, "contoso.onmicrosoft.com");
}

#[tokio::test]
async fn a_new_connection_without_a_secret_value_is_refused() {
    let core = Core::new().await;
    let issues = core.draft(Role::Source, fields("Contoso"), None).await.state.issues;
    assert_eq!(issues.iter().map(|i| i.field).collect::<Vec<_>>(), [Field::ClientSecret]);
}

#[tokio::test]
async fn a_secret_pasted_before_any_field_is_judged_on_its_own_then_with_the_fields() {
    let core = Core::new().await;
    let session = session(&core).await;
    let draft = core.connections.start_draft(session, None).await.unwrap();
    let early = core
        .connections
        .put_secret(session, draft, SecretString::from("8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b"))
        .await
        .unwrap();
    assert_eq!(early.issues.iter().map(|i| i.field).collect::<Vec<_>>(), [Field::ClientSecret]);
    core.connections.put_secret(session, draft, SecretString::from(SECRET)).await.unwrap();
    let state = core.connections.put_draft(session, draft, fields("Contoso")).await.unwrap();
    assert!(state.issues.is_empty(), "{:?}", state.issues);
}

#[tokio::test]
async fn switching_to_a_certificate_removes_the_old_secret_after_saving() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    let d = fields_with("Contoso", |d| {
        d.credential = CredentialChoice::Certificate {
            thumbprint: "3b 7e 11 5a 90 c4 d2 e8 1f 00 aa bb cc dd ee ff 01 23 45 67".into(),
        };
    });
    let switched = define(&core, session, Some(original.id), d, None).await.connection.unwrap();
    assert!(
        matches!(&switched.credential, Credential::Certificate { sha1_thumbprint, .. } if sha1_thumbprint == "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567")
    );
    core.connections.commit(session).await.unwrap();

    assert!(core.vault.is_empty(), "the client secret left the keychain with the change");
}

#[tokio::test]
async fn deleting_removes_the_row_and_its_secret_but_not_while_the_keychain_is_unreachable() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;

    core.vault.set_unavailable(true);
    assert_eq!(core.connections.delete(original.id).await.unwrap_err().code(), ErrorCode::KeychainUnavailable);
    core.vault.set_unavailable(false);
    assert_eq!(core.connections.list(None).await.unwrap().len(), 1, "nothing lost");

    let deleted = core.connections.delete(original.id).await.unwrap();
    assert_eq!(deleted.name, "Contoso");
    assert!(core.connections.list(None).await.unwrap().is_empty());
    assert!(core.vault.is_empty());
    assert_eq!(core.connections.delete(original.id).await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_stored_certificate_describes_the_connection_and_leaves_with_its_last_connection() {
    let core = Core::new().await;
    let certificate = mailferry_core::certs::generate(Role::Source).unwrap();
    core.connections.certificates().put(&certificate).await.unwrap();
    let with_certificate = |name: &str, thumbprint: String| {
        fields_with(name, |d| d.credential = CredentialChoice::Certificate { thumbprint })
    };
    let session = session(&core).await;
    let first = define(
        &core,
        session,
        None,
        with_certificate("Contoso", certificate.info.sha1_thumbprint.to_lowercase()),
        None,
    )
    .await
    .connection
    .unwrap();
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
    let second =
        define(&core, session, None, with_certificate("Contoso EU", certificate.info.sha256_thumbprint.clone()), None)
            .await
            .connection
            .unwrap();
    assert_eq!(second.credential, first.credential, "a stored certificate's SHA-256 thumbprint is accepted too");
    core.connections.commit(session).await.unwrap();

    core.connections.delete(first.id).await.unwrap();
    assert!(
        core.connections.certificates().find(&certificate.info.sha1_thumbprint).await.unwrap().is_some(),
        "still used by the other connection"
    );
    core.connections.delete(second.id).await.unwrap();
    assert_eq!(
        core.connections.certificates().find(&certificate.info.sha1_thumbprint).await.unwrap(),
        None,
        "gone with its last connection"
    );
    assert!(core.vault.is_empty(), "and its key left the keychain");
}

#[tokio::test]
async fn a_saved_secret_goes_only_to_the_cloud_tenant_and_client_it_was_saved_for() {
    let core = Core::new().await;
    let original = saved(&core, "Contoso").await;
    let session = session(&core).await;
    let draft = core.connections.start_draft(session, Some(original.id)).await.unwrap();
    let put = |f: DraftFields| core.connections.put_draft(session, draft, f);

    let moved: [DraftFields; 3] = [
        fields_with("Contoso", |d| d.tenant = "fabrikam.onmicrosoft.com".into()),
        fields_with("Contoso", |d| d.client_id = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".into()),
        fields_with("Contoso", |d| {
            d.cloud = mailferry_core::cloud::Cloud::Custom {
                login_url: "https://login.example.test".into(),
                graph_url: "https://graph.example.test".into(),
            }
        }),
    ];
    for fields in moved {
        let state = put(fields.clone()).await.unwrap();
        assert_eq!(state.issues.iter().map(|i| i.field).collect::<Vec<_>>(), [Field::ClientSecret], "{fields:?}");
        assert!(state.issues[0].message.contains("paste the secret again"), "{:?}", state.issues);
        assert_eq!(state.connection, None, "nothing to check or save with the old secret");
    }
    // The same application under another name or mailbox keeps its secret.
    let renamed = put(fields_with("Contoso EU", |d| d.application_mailbox = "other@contoso.com".into())).await.unwrap();
    assert!(renamed.issues.is_empty(), "{:?}", renamed.issues);
    // A new secret for the new tenant is fine.
    core.connections
        .put_secret(session, draft, SecretString::from("Fab~Another.SecretValue_0987654321"))
        .await
        .unwrap();
    let with_secret = put(fields_with("Contoso", |d| d.tenant = "fabrikam.onmicrosoft.com".into())).await.unwrap();
    assert!(with_secret.issues.is_empty(), "{:?}", with_secret.issues);
}

#[tokio::test]
async fn a_secrets_expires_date_is_kept_with_it_a_past_one_refused_and_an_edit_keeps_or_replaces_it() {
    let core = Core::new().await;
    let today = chrono::Utc::now().date_naive();
    let with_expiry = |days: i64| {
        fields_with("Contoso", |d| {
            d.credential = CredentialChoice::Secret { expires_on: Some(today + chrono::Duration::days(days)) }
        })
    };

    // Already past: refused on its own field, with where to make a new secret.
    let refused = define(&core, session(&core).await, None, with_expiry(-3), Some(SECRET)).await;
    let issue = refused.issues.iter().find(|i| i.field == Field::SecretExpires).expect("an issue on the date");
    assert!(issue.message.starts_with("Secret expiry date: the secret expired on"), "{}", issue.message);
    assert!(issue.hint.contains("Certificates & secrets > Client secrets"), "{}", issue.hint);

    let session_id = session(&core).await;
    let state = define(&core, session_id, None, with_expiry(180), Some(SECRET)).await;
    assert!(state.issues.is_empty(), "{:?}", state.issues);
    core.connections.commit(session_id).await.unwrap();
    let saved = core.connections.list(Some(Role::Source)).await.unwrap().remove(0);
    let expected = (today + chrono::Duration::days(180)).and_time(chrono::NaiveTime::MIN).and_utc();
    assert!(matches!(saved.credential, Credential::Secret { expires_at: Some(at), .. } if at == expected));

    // Renamed without a date: the saved date stays. With a new date: it replaces it.
    let edit = session(&core).await;
    let kept = define(&core, edit, Some(saved.id), fields("Contoso (EU)"), None).await;
    assert_eq!(kept.connection.unwrap().credential.expires_at(), Some(expected));
    let replaced = define(&core, edit, Some(saved.id), with_expiry(90), None).await;
    let later = (today + chrono::Duration::days(90)).and_time(chrono::NaiveTime::MIN).and_utc();
    assert_eq!(replaced.connection.unwrap().credential.expires_at(), Some(later));
}
