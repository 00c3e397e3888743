//! When each connection's credential stops working, as the CLI's `connections expiring` and
//! the dashboard read it.

#![allow(clippy::unwrap_used)] // a failure here is a test failure

use chrono::{DateTime, Utc};
use mailferry_core::expiry::{credential_expiries, describe, ExpiryState};
use mailferry_core::model::{Connection, Credential, Role};
use mailferry_testsupport::connection;

fn with_credential(name: &str, credential: Credential) -> Connection {
    Connection { credential, ..connection(Role::Source, name) }
}

fn certificate(not_after: Option<DateTime<Utc>>) -> Credential {
    Credential::Certificate { sha1_thumbprint: "AB".repeat(20), sha256_thumbprint: None, subject: None, not_after }
}

fn secret(expires_at: Option<DateTime<Utc>>) -> Credential {
    Credential::Secret { hint: "xyz".into(), expires_at }
}

#[test]
fn each_connection_is_expired_soon_later_or_unknown_and_the_first_to_end_comes_first() {
    let now: DateTime<Utc> = "2026-12-02T12:00:00Z".parse().unwrap();
    let day = chrono::Duration::days(1);
    let connections = [
        with_credential("later", certificate(Some(now + day * 200))),
        with_credential("unknown", secret(None)),
        with_credential("soon", secret(Some(now + day * 12 + chrono::Duration::hours(3)))),
        with_credential("expired", certificate(Some(now - day * 3))),
        with_credential("edge", secret(Some(now + day * 30))),
    ];
    let expiries = credential_expiries(&connections, now, 30);
    let order: Vec<(&str, ExpiryState, Option<i64>)> =
        expiries.iter().map(|e| (e.name.as_str(), e.state, e.days_left)).collect();
    assert_eq!(
        order,
        [
            ("expired", ExpiryState::Expired, Some(-3)),
            ("soon", ExpiryState::Soon, Some(12)),
            ("edge", ExpiryState::Soon, Some(30)),
            ("later", ExpiryState::Later, Some(200)),
            ("unknown", ExpiryState::Unknown, None),
        ]
    );
    assert_eq!(describe(&expiries[0]), "certificate expired 3 days ago (2026-11-29)");
    assert_eq!(describe(&expiries[1]), "client secret expires in 12 days (2026-12-14)");
    assert!(describe(&expiries[4]).contains("expiry not known"), "{}", describe(&expiries[4]));
}
