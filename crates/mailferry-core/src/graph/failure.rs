//! Graph's error body, `{ "error": { "code", "message", "innerError": { "request-id", "date" } } }`.

use serde::Deserialize;
use serde_json::Value;

use crate::microsoft_errors::{explain_graph, MicrosoftDetail, MicrosoftFailure};
use crate::Error;

#[derive(Debug, Default, Deserialize)]
pub struct GraphErrorBody {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, rename = "innerError")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InnerError {
    #[serde(rename = "request-id")]
    pub request_id: Option<String>,
    pub date: Option<String>,
}

impl GraphErrorBody {
    pub fn parse(body: &Value) -> GraphErrorBody {
        body.get("error").and_then(|e| serde_json::from_value(e.clone()).ok()).unwrap_or_default()
    }
}

/// The details of a Graph refusal, for a check result or an error.
pub fn graph_detail(status: u16, body: &Value, request_id: Option<String>, request: &str) -> MicrosoftDetail {
    let parsed = GraphErrorBody::parse(body);
    let inner = parsed.inner_error.unwrap_or_default();
    MicrosoftDetail {
        code: if parsed.code.is_empty() { format!("HTTP {status}") } else { parsed.code },
        http_status: status,
        request: request.to_owned(),
        description: parsed.message,
        trace_id: None,
        correlation_id: None,
        request_id: inner.request_id.or(request_id),
        timestamp: inner.date,
    }
}

/// A Graph refusal as an error explained in terms of `what` was being done.
pub fn graph_failure(status: u16, body: &Value, request_id: Option<String>, request: &str, what: &str) -> Error {
    let detail = graph_detail(status, body, request_id, request);
    let (message, hint) = explain_graph(status, &detail.code, what);
    Error::Microsoft(Box::new(MicrosoftFailure { message, hint, aadsts: None, detail }))
}
