//! The one HTTP client Mailferry uses to reach Microsoft: reqwest with the operating system's
//! root certificates (corporate TLS-inspecting proxies work), timeouts, cancellation, and
//! retries of throttled or busy answers (429, 503, 504) that honour `Retry-After`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::{RequestBuilder, Response, StatusCode};
pub use tokio_util::sync::CancellationToken;

use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// One request, from sending to the end of the answer's headers.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first attempt, for 429, 503 and 504 only.
    pub max_retries: usize,
    /// The first backoff when Microsoft gives no `Retry-After`; it doubles, with jitter.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is cut to it: an admin is waiting.
    pub max_retry_after: Duration,
    /// The proxy in Settings; `None` leaves it to the environment and the system.
    pub proxy: Option<crate::proxy::ProxyConfig>,
    /// No proxy at all, not even the environment's: for a cloud on this computer (the demo),
    /// which a proxy elsewhere on the network could not reach.
    pub direct: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 4,
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            proxy: None,
            direct: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Http {
    /// Shared by every clone, and replaced when the proxy in Settings changes.
    client: Arc<RwLock<reqwest::Client>>,
    config: HttpConfig,
}

/// Why one attempt did not produce an answer to hand back.
enum Attempt {
    Transport(reqwest::Error),
    Busy { status: StatusCode, retry_after: Option<Duration> },
}

/// Whether a request may be sent again when its answer did not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice changes nothing (a read, a token request): it is sent again when
    /// Microsoft is busy (429, 503, 504), and when the connection resets or times out.
    Safe,
    /// It creates or adds something: sent again only when throttled (429), which Microsoft
    /// answers before doing anything. Any other lost answer is the caller's to recover, by
    /// looking for what it asked to create.
    OnlyThrottled,
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Http> {
        let client = build_client(&config)?;
        Ok(Http { client: Arc::new(RwLock::new(client)), config })
    }

    /// A handle on the client (cheap: the connection pool is shared).
    pub fn client(&self) -> reqwest::Client {
        self.client.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// From now on every request of this client and its clones goes through `proxy` (or, with
    /// `None`, the environment's or the system's). A request already sent finishes as it began.
    pub fn use_proxy(&self, proxy: Option<crate::proxy::ProxyConfig>) -> Result<()> {
        let client = build_client(&HttpConfig { proxy, ..self.config.clone() })?;
        *self.client.write().unwrap_or_else(std::sync::PoisonError::into_inner) = client;
        Ok(())
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Sends a request that is safe to repeat ([`Repeat::Safe`]).
    pub async fn send(
        &self,
        what: &str,
        build: impl Fn() -> RequestBuilder,
        cancel: &CancellationToken,
    ) -> Result<Response> {
        self.send_with(what, Repeat::Safe, build, cancel).await
    }

    /// Sends the request `build` makes, again as `repeat` allows, and returns the first other
    /// answer, whatever its status. `what` names the request in errors. A redirect is an
    /// error (see `client`): [`Http::send_redirectable`] is for the one API documented to
    /// redirect.
    pub async fn send_with(
        &self,
        what: &str,
        repeat: Repeat,
        build: impl Fn() -> RequestBuilder,
        cancel: &CancellationToken,
    ) -> Result<Response> {
        let response = self.send_redirectable(what, repeat, build, cancel).await?;
        if response.status().is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| response.url().join(v).ok())
                .map_or_else(
                    || "nowhere named".to_owned(),
                    |u| format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default()),
                );
            return Err(Error::Redirected { what: what.to_owned(), status: response.status().as_u16(), to });
        }
        Ok(response)
    }

    /// As [`Http::send_with`], but a redirect is returned as it came, for the caller to judge
    /// (Microsoft Graph's mailbox API answers 308 for an archive's auxiliary mailbox). Nothing
    /// follows it by itself: the client never follows redirects.
    pub async fn send_redirectable(
        &self,
        what: &str,
        repeat: Repeat,
        build: impl Fn() -> RequestBuilder,
        cancel: &CancellationToken,
    ) -> Result<Response> {
        let attempts = AtomicUsize::new(0);
        let max_retry_after = self.config.max_retry_after;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.config.min_backoff)
            .with_max_delay(self.config.max_backoff)
            .with_max_times(self.config.max_retries)
            .with_jitter();
        let attempt = || async {
            attempts.fetch_add(1, Ordering::Relaxed);
            let response = build().send().await.map_err(Attempt::Transport)?;
            let status = response.status();
            if is_busy(status) {
                return Err(Attempt::Busy { status, retry_after: retry_after(&response) });
            }
            Ok(response)
        };
        let retried = attempt
            .retry(backoff)
            .when(|failure| match (failure, repeat) {
                (Attempt::Busy { status, .. }, Repeat::OnlyThrottled) => *status == StatusCode::TOO_MANY_REQUESTS,
                (Attempt::Busy { .. }, Repeat::Safe) => true,
                // A reset or a timeout: the answer was lost, whatever happened at Microsoft.
                // A refused certificate will be refused again: no retry.
                (Attempt::Transport(error), Repeat::Safe) => {
                    !error.is_builder()
                        && !error.is_redirect()
                        && !is_certificate_refused(error)
                        && tunnel_refusal(error).is_none()
                }
                (Attempt::Transport(_), Repeat::OnlyThrottled) => false,
            })
            // Microsoft's Retry-After wins over our own backoff; the backoff still decides
            // whether another attempt is allowed at all (`None` means no more).
            .adjust(|failure, backoff| match (failure, backoff) {
                (Attempt::Busy { retry_after: Some(wait), .. }, Some(_)) => Some((*wait).min(max_retry_after)),
                _ => backoff,
            })
            .notify(|failure, wait| match failure {
                Attempt::Busy { status, .. } => {
                    tracing::info!(what, %status, wait_ms = wait.as_millis() as u64, "Microsoft is busy; retrying");
                }
                Attempt::Transport(error) => {
                    tracing::info!(what, error = %root_cause(error), wait_ms = wait.as_millis() as u64, "no answer; retrying");
                }
            });
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Error::Cancelled),
            outcome = retried => outcome,
        };
        let response = match outcome {
            Ok(response) => response,
            Err(Attempt::Busy { status, .. }) => {
                return Err(Error::Busy {
                    what: what.to_owned(),
                    status: status.as_u16(),
                    attempts: attempts.load(Ordering::Relaxed),
                })
            }
            Err(Attempt::Transport(error)) => match (is_certificate_refused(&error), error.url()) {
                (true, Some(url)) => return Err(certificate_refused(what, url, &error).await),
                _ => return Err(self.transport_error(what, &error)),
            },
        };
        if response.status() == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
            // Not Microsoft: the proxy between (HTTPS_PROXY, HTTP_PROXY or the system's) wants
            // to know who is asking.
            return Err(proxy_wants_credentials(what));
        }
        Ok(response)
    }

    fn transport_error(&self, what: &str, error: &reqwest::Error) -> Error {
        let host = error.url().and_then(|url| url.host_str()).unwrap_or("Microsoft").to_owned();
        match tunnel_refusal(error) {
            Some(TunnelRefusal::WantsCredentials) => return proxy_wants_credentials(what),
            Some(TunnelRefusal::Refused) => {
                return Error::Network {
                    message: format!("The proxy refused to open a connection to {host} ({what})."),
                    hint: format!("Ask your network team to allow HTTPS from Mailferry to {host} through the proxy, or check the proxy in Settings > Network proxy, HTTPS_PROXY and NO_PROXY."),
                }
            }
            None => {}
        }
        if error.is_timeout() {
            return Error::Timeout { what: what.to_owned(), seconds: self.config.request_timeout.as_secs().max(1) };
        }
        if error.is_connect() {
            return Error::Network {
                message: format!("Mailferry could not connect to {host} ({what})."),
                hint: format!(
                    "Check the network connection, the proxy and the firewall: {host} must be reachable over HTTPS. For a Custom cloud, check its URLs."
                ),
            };
        }
        Error::Network {
            message: format!("The connection to {host} failed during {what}: {}", root_cause(error)),
            hint: "Check the network connection and any proxy or TLS inspection in between, then retry.".into(),
        }
    }
}

fn build_client(config: &HttpConfig) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("Mailferry/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        // A redirect would re-send a secret, an assertion or a token to wherever it points:
        // Microsoft's token and Graph endpoints do not redirect, so a redirect is an error.
        .redirect(reqwest::redirect::Policy::none());
    if config.direct {
        builder = builder.no_proxy();
    } else if let Some(proxy) = &config.proxy {
        // Replaces the environment's and the system's proxy.
        builder = builder.proxy(proxy.to_reqwest()?);
    }
    builder.build().map_err(|e| Error::Internal(format!("the HTTP client could not be built: {e}")))
}

/// What a proxy answered when asked to open a tunnel to an https host (CONNECT), other than yes.
enum TunnelRefusal {
    /// 407: it wants credentials.
    WantsCredentials,
    /// Any other status (403 for a port it does not allow, say).
    Refused,
}

/// hyper-util names both refusals in its error; the status itself is not kept.
fn tunnel_refusal(error: &reqwest::Error) -> Option<TunnelRefusal> {
    let cause = root_cause(error);
    if cause.contains("proxy authorization required") {
        Some(TunnelRefusal::WantsCredentials)
    } else if cause.contains("tunnel error: unsuccessful") {
        Some(TunnelRefusal::Refused)
    } else {
        None
    }
}

const PROXY_CREDENTIALS_HINT: &str = "Enter the proxy's user name and password in Settings > Network proxy (or put them in HTTPS_PROXY: http://user:password@proxy.example.com:8080), or ask your network team to let Mailferry through, then retry.";

fn proxy_wants_credentials(what: &str) -> Error {
    Error::Network {
        message: format!("The proxy asks for a user name and password (HTTP 407) before it passes {what} on."),
        hint: PROXY_CREDENTIALS_HINT.into(),
    }
}

/// Whether TLS failed on the certificate the host presented (not on the network).
fn is_certificate_refused(error: &reqwest::Error) -> bool {
    let cause = root_cause(error);
    cause.contains("invalid peer certificate") || cause.contains("UnknownIssuer") || cause.contains("certificate")
}

/// The refusal, naming the certificate that was presented (see `tls_diagnosis`).
async fn certificate_refused(what: &str, url: &reqwest::Url, error: &reqwest::Error) -> Error {
    let host = url.host_str().unwrap_or("Microsoft").to_owned();
    let shown = crate::tls_diagnosis::presented_certificate(url)
        .await
        .map(|c| format!(" It presented: {c}."))
        .unwrap_or_default();
    Error::Network {
        message: format!("Mailferry does not trust the certificate {host} presented during {what} ({}).{shown}", root_cause(error)),
        hint: "A TLS-inspecting proxy or firewall may be putting its own certificate in place of Microsoft's: install its root certificate in the system's trust store, or ask your network team to exempt Microsoft's login and Graph hosts from inspection.".into(),
    }
}

fn is_busy(status: StatusCode) -> bool {
    matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT)
}

/// `Retry-After`: seconds, as Microsoft sends it, or an HTTP date, as RFC 9110 §10.2.3 also
/// allows (a proxy or gateway in between may send one).
pub fn retry_after(response: &Response) -> Option<Duration> {
    parse_retry_after(response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?)
}

pub fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_retry_after_at(value, std::time::SystemTime::now())
}

/// The wait `value` asks for, seen at `now`: a date already past asks for none.
fn parse_retry_after_at(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_as_an_http_date() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        let now = httpdate::parse_http_date("Wed, 21 Oct 2026 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after_at("Wed, 21 Oct 2026 07:28:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(
            parse_retry_after_at("Wed, 21 Oct 2026 07:27:00 GMT", now),
            Some(Duration::ZERO),
            "a past date: no wait"
        );
    }
}
