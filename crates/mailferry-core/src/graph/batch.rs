//! JSON `$batch`: several Graph requests in one round trip.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::{graph_detail, GraphErrorBody};
use super::MAX_BATCH;
use crate::http::{parse_retry_after, CancellationToken, Http};
use crate::microsoft_errors::MicrosoftDetail;
use crate::{Error, Result};

/// One request inside a batch; `url` is relative to `/v1.0`, e.g. `/organization`.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    pub method: &'static str,
    pub url: String,
    pub body: Option<Value>,
}

impl BatchRequest {
    pub fn get(url: impl Into<String>) -> Self {
        BatchRequest { method: "GET", url: url.into(), body: None }
    }

    pub fn post(url: impl Into<String>, body: Value) -> Self {
        BatchRequest { method: "POST", url: url.into(), body: Some(body) }
    }

    pub fn delete(url: impl Into<String>) -> Self {
        BatchRequest { method: "DELETE", url: url.into(), body: None }
    }

    /// A POST whose action takes no body (createImportSession).
    pub fn post_empty(url: impl Into<String>) -> Self {
        BatchRequest { method: "POST", url: url.into(), body: None }
    }

    fn to_json(&self, id: usize) -> Value {
        match &self.body {
            Some(body) => {
                json!({"id": id.to_string(), "method": self.method, "url": self.url, "body": body, "headers": {"Content-Type": "application/json"}})
            }
            None => json!({"id": id.to_string(), "method": self.method, "url": self.url}),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct BatchResponse {
    #[serde(default)]
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: HashMap<String, String>,
    #[serde(default)]
    pub body: Value,
    /// Filled in by the client: the request, for error details.
    #[serde(skip)]
    pub request: String,
}

impl BatchResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header of the answer (names compare without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Graph's error of a failed answer: its code (`ErrorAccessDenied`, ...) and the specific
    /// codes in `details`.
    pub fn error(&self) -> GraphErrorBody {
        GraphErrorBody::parse(&self.body)
    }

    pub fn detail(&self) -> MicrosoftDetail {
        let request_id = self.header("request-id").map(str::to_owned);
        graph_detail(self.status, &self.body, request_id, &self.request)
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after").and_then(parse_retry_after)
    }

    pub(crate) fn is_busy(&self) -> bool {
        matches!(self.status, 429 | 503 | 504)
    }
}

#[derive(Deserialize)]
struct BatchBody {
    responses: Vec<BatchResponse>,
}

pub(super) async fn send(
    http: &Http,
    base: &str,
    bearer: &str,
    requests: Vec<BatchRequest>,
    cancel: &CancellationToken,
) -> Result<Vec<BatchResponse>> {
    if requests.len() > MAX_BATCH {
        return Err(Error::Internal(format!("a Graph batch holds at most {MAX_BATCH} requests")));
    }
    let url = format!("{base}/$batch");
    let mut answers: Vec<Option<BatchResponse>> = vec![None; requests.len()];
    let mut pending: Vec<usize> = (0..requests.len()).collect();
    let mut backoff = http.config().min_backoff;
    for round in 0..=http.config().max_retries {
        let body = json!({
            "requests": pending.iter().map(|&i| requests[i].to_json(i + 1)).collect::<Vec<_>>()
        });
        let response =
            http.send("a Graph batch", || http.client().post(&url).bearer_auth(bearer).json(&body), cancel).await?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| unreadable(&url, e.to_string()))?;
        if !(200..300).contains(&status) {
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return Err(super::graph_failure(
                status,
                &body,
                None,
                &format!("POST {url}"),
                "answer a batch of requests",
            ));
        }
        let mut wait: Option<Duration> = None;
        for (index, answer) in read_answers(&text, base, &requests)? {
            if answer.is_busy() && round < http.config().max_retries {
                let own = answer.retry_after().unwrap_or(backoff).min(http.config().max_retry_after);
                wait = Some(wait.map_or(own, |w| w.max(own)));
            }
            answers[index] = Some(answer);
        }
        pending.retain(|&i| answers[i].as_ref().is_none_or(|a| a.is_busy()));
        let Some(wait) = wait.filter(|_| !pending.is_empty()) else { break };
        tracing::info!(
            requests = pending.len(),
            wait_ms = wait.as_millis() as u64,
            "Graph throttled part of a batch; retrying those"
        );
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Error::Cancelled),
            () = tokio::time::sleep(wait) => {}
        }
        backoff = (backoff * 2).min(http.config().max_backoff);
    }
    answers
        .into_iter()
        .enumerate()
        .map(|(i, answer)| answer.ok_or_else(|| unreadable(&url, format!("no answer to request {}", i + 1))))
        .collect()
}

/// The answers of a `$batch` matched to their requests by id (`"1"` is the first request):
/// an answer whose id names no request is left out. Each names its own request for messages.
pub(crate) fn read_answers(text: &str, base: &str, requests: &[BatchRequest]) -> Result<Vec<(usize, BatchResponse)>> {
    let url = format!("{base}/$batch");
    let parsed: BatchBody = serde_json::from_str(text).map_err(|e| unreadable(&url, e.to_string()))?;
    Ok(parsed
        .responses
        .into_iter()
        .filter_map(|mut answer| {
            let index = answer.id.parse::<usize>().ok()?.checked_sub(1)?;
            let request = requests.get(index)?;
            answer.request = format!("{} {base}{}", request.method, request.url);
            Some((index, answer))
        })
        .collect())
}

fn unreadable(url: &str, detail: String) -> Error {
    Error::UnexpectedResponse { what: format!("POST {url}"), detail }
}
