//! Waiting out Microsoft's replication: ask again every poll interval until an answer comes,
//! the timeout passes (the work stays resumable) or the user cancels. Never a fixed sleep in
//! place of asking (docs/microsoft-contract.md).

use crate::http::CancellationToken;
use crate::{Error, Result};

use super::RegistrationConfig;

pub(crate) struct Poller<'c> {
    pub config: &'c RegistrationConfig,
    /// What a timeout says was waited for.
    pub waiting_for: &'static str,
}

impl Poller<'_> {
    pub fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + self.config.poll_timeout
    }

    /// Waits one poll interval, unless that passes the deadline or the run is cancelled.
    pub async fn pause(&self, deadline: tokio::time::Instant, cancel: &CancellationToken) -> Result<()> {
        if tokio::time::Instant::now() + self.config.poll_interval > deadline {
            return Err(Error::Timeout { what: self.waiting_for.into(), seconds: self.config.poll_timeout.as_secs() });
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(Error::Cancelled),
            () = tokio::time::sleep(self.config.poll_interval) => Ok(()),
        }
    }

    /// Calls `attempt` up to five times, a poll interval apart, and answers with the first value
    /// (none when all five found nothing): enough for a new object to replicate to the reads.
    pub async fn poll_briefly<T, F, Fut>(&self, cancel: &CancellationToken, mut attempt: F) -> Result<Option<T>>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        for n in 1..=5 {
            if n > 1 {
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => return Err(Error::Cancelled),
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            }
            if let Some(value) = attempt(n).await? {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// Calls `attempt` every poll interval until it returns a value, the timeout passes, or
    /// the run is cancelled.
    pub async fn poll<T, F, Fut>(&self, cancel: &CancellationToken, mut attempt: F) -> Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        let deadline = self.deadline();
        let mut n = 1;
        loop {
            if let Some(value) = attempt(n).await? {
                return Ok(value);
            }
            self.pause(deadline, cancel).await?;
            n += 1;
        }
    }
}
