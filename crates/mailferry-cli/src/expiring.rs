//! `mailferry connections expiring`: which connections' credentials end within some days, for
//! a monitoring script. Exit 0 when none, 1 when some (expired ones included).

use mailferry_core::connections::ConnectionService;
use mailferry_core::expiry::{credential_expiries, describe, ExpiryState};
use mailferry_core::Error;

use crate::output;

pub(crate) async fn run(
    service: &ConnectionService,
    within_days: u32,
    json: bool,
    out: &mut impl std::io::Write,
) -> Result<u8, Error> {
    let connections = service.list(None).await?;
    let expiries = credential_expiries(&connections, mailferry_core::model::now(), i64::from(within_days));
    let due: Vec<_> = expiries.iter().filter(|e| matches!(e.state, ExpiryState::Expired | ExpiryState::Soon)).collect();
    let written = if json {
        output::json(out, &due)
    } else if due.is_empty() {
        output::line(out, &format!("No connection's credential expires within {within_days} days."))
    } else {
        let lines: Vec<String> = due
            .iter()
            .map(|e| format!("{} ({}, {}): {}", e.name, e.role.as_str(), e.connection_id, describe(e)))
            .collect();
        output::line(out, &lines.join("\n"))
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    // Not knowing is said, not counted: a script cannot act on it, a person can.
    let unknown: Vec<&str> =
        expiries.iter().filter(|e| e.state == ExpiryState::Unknown).map(|e| e.name.as_str()).collect();
    if !unknown.is_empty() {
        eprintln!(
            "Expiry not known for {}: edit the connection and give its client secret's Expires date from the Microsoft Entra admin center.",
            unknown.join(", ")
        );
    }
    Ok(u8::from(!due.is_empty()))
}
