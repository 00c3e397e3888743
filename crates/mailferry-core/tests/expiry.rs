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

mod alerts {
    use super::*;
    use mailferry_core::expiry_alerts::take_due;
    use mailferry_core::store::Store;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("mailferry.db")).await.unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn each_threshold_is_told_once_per_credential_and_a_closed_app_tells_only_the_most_urgent() {
        let (_dir, store) = store().await;
        let now: DateTime<Utc> = "2026-12-02T12:00:00Z".parse().unwrap();
        let day = chrono::Duration::days(1);
        let ends = now + day * 70 + chrono::Duration::hours(2);
        let connection = with_credential("Contoso", certificate(Some(ends)));

        // Daily, from 70 days before the end to 3 days after: 60, 30, 7 and expired, once each.
        let mut told = Vec::new();
        for n in 0..74i32 {
            for alert in take_due(&store, std::slice::from_ref(&connection), now + day * n).await.unwrap() {
                told.push((i64::from(n), alert));
            }
        }
        let thresholds: Vec<(i64, i64)> = told.iter().map(|(n, a)| (*n, a.threshold_days)).collect();
        assert_eq!(thresholds, vec![(10, 60), (40, 30), (63, 7), (71, 0)]);
        assert_eq!(told[0].1.title, "Contoso: the certificate expires in 60 days");
        assert!(told[0].1.body.contains("choose Renew certificate on its card"), "{}", told[0].1.body);
        assert_eq!(told[3].1.title, "Contoso: the certificate has expired");

        // Renewed: another end date, told about afresh when its time comes, not before.
        let renewed = with_credential("Contoso", certificate(Some(ends + day * 1826)));
        let renewed = Connection { id: connection.id, ..renewed };
        assert!(take_due(&store, std::slice::from_ref(&renewed), now + day * 74).await.unwrap().is_empty());
        let later = take_due(&store, &[renewed], ends + day * 1800).await.unwrap();
        assert_eq!(later.iter().map(|a| a.threshold_days).collect::<Vec<_>>(), vec![30]);
    }

    #[tokio::test]
    async fn on_start_each_connection_gets_its_most_urgent_warning_and_unknown_or_distant_ones_none() {
        let (_dir, store) = store().await;
        let now: DateTime<Utc> = "2026-12-02T12:00:00Z".parse().unwrap();
        let day = chrono::Duration::days(1);
        let connections = [
            with_credential("Twenty-five", secret(Some(now + day * 25 + chrono::Duration::hours(1)))),
            with_credential("Ended", certificate(Some(now - day * 2))),
            with_credential("Distant", certificate(Some(now + day * 400))),
            with_credential("Unknown", secret(None)),
        ];
        let alerts = take_due(&store, &connections, now).await.unwrap();
        let titles: Vec<&str> = alerts.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            vec!["Ended: the certificate has expired", "Twenty-five: the client secret expires in 25 days"]
        );
        assert!(alerts[1].body.contains("paste it in Manage connections"), "{}", alerts[1].body);
        assert!(alerts[0].body.contains("Register the application again"), "{}", alerts[0].body);
        // The 60-day warning it skipped is not told later; the next is at 7 days.
        assert!(take_due(&store, &connections, now + day * 10).await.unwrap().is_empty());
        let at_seven = take_due(&store, &connections, now + day * 18).await.unwrap();
        assert_eq!(
            at_seven.iter().map(|a| (a.title.as_str(), a.threshold_days)).collect::<Vec<_>>(),
            vec![("Twenty-five: the client secret expires in 7 days", 7)]
        );
    }
}
