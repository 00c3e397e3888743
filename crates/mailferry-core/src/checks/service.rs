//! Runs the checks for a connection (saved, or a draft of an edit session), one run per
//! connection at a time, cancellable, and records each run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use uuid::Uuid;

use super::run::{run_checks, CheckSubject};
use crate::connections::{CheckTarget, ConnectionService};
use crate::http::CancellationToken;
use crate::identity::IdentityClient;
use crate::model::checks::{CheckEvent, CheckRun};
use crate::Result;

pub struct CheckService {
    identity: IdentityClient,
    /// The run in progress per connection, by a run number.
    running: Mutex<HashMap<Uuid, (u64, CancellationToken)>>,
    next_run: AtomicU64,
}

impl CheckService {
    pub fn new(identity: IdentityClient) -> Self {
        CheckService { identity, running: Mutex::new(HashMap::new()), next_run: AtomicU64::new(1) }
    }

    pub fn identity(&self) -> &IdentityClient {
        &self.identity
    }

    /// Runs the seven checks on `target`; `on_event` hears each start and result as it
    /// happens. A new run for the same connection cancels the one in progress.
    pub async fn check(
        &self,
        connections: &ConnectionService,
        target: CheckTarget,
        on_event: &(dyn Fn(CheckEvent) + Send + Sync),
    ) -> Result<CheckRun> {
        let id = target.connection_id();
        let cancel = CancellationToken::new();
        let run = self.next_run.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut running) = self.running.lock() {
            if let Some((_, previous)) = running.insert(id, (run, cancel.clone())) {
                previous.cancel();
            }
        }
        let outcome = match connections.check_subject(target).await {
            Ok(subject) => {
                let checked = CheckSubject { connection: &subject.connection, credential: subject.credential };
                let report = run_checks(&self.identity, checked, on_event, &cancel).await;
                report.map(|report| (subject.connection, subject.ticket, report))
            }
            Err(error) => Err(error),
        };
        if let Ok(mut running) = self.running.lock() {
            if running.get(&id).is_some_and(|(current, _)| *current == run) {
                running.remove(&id);
            }
        }
        let (connection, ticket, report) = outcome?;
        tracing::info!(connection = %id, outcome = report.outcome.as_str(), "configuration checked");
        let connection = connections.record_check(connection, ticket, &report).await?;
        Ok(CheckRun { report, connection })
    }

    /// Cancels the run in progress for the connection; false when none was running.
    pub fn cancel(&self, connection_id: Uuid) -> bool {
        let token = self.running.lock().ok().and_then(|mut running| running.remove(&connection_id));
        token.map(|(_, t)| t.cancel()).is_some()
    }
}
