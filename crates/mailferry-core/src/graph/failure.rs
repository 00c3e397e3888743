//! Graph's error body, `{ "error": { "code", "message", "details": [{ "code", "message",
//! "target" }], "innerError": { "request-id", "date" } } }`. Entra often answers with a generic
//! top-level code (`Request_BadRequest`) and the specific one in `details`, so a decision on a
//! code looks at both ([`GraphErrorBody::has_code`]).

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
    /// The specific reasons behind the top-level code (Microsoft Graph's JSON error format).
    #[serde(default)]
    pub details: Vec<ErrorDetail>,
    /// Graph writes `innerError`; some workloads behind it write `innererror`.
    #[serde(default, rename = "innerError", alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub target: Option<String>,
}

/// `innerError`: Graph's request id and date, and (Microsoft Graph error responses) possibly a
/// more specific `code` with further `innererror`s nested inside.
#[derive(Debug, Default, Deserialize)]
pub struct InnerError {
    #[serde(rename = "request-id")]
    pub request_id: Option<String>,
    pub date: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    pub inner_error: Option<Box<InnerError>>,
}

impl GraphErrorBody {
    pub fn parse(body: &Value) -> GraphErrorBody {
        body.get("error").and_then(|e| serde_json::from_value(e.clone()).ok()).unwrap_or_default()
    }

    /// The top-level code, then each `details[].code`, then the codes of nested `innererror`s
    /// ("apps should loop through all the error codes available", Microsoft Graph error
    /// responses).
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        let nested = std::iter::successors(self.inner_error.as_ref(), |inner| inner.inner_error.as_deref())
            .filter_map(|inner| inner.code.as_deref());
        std::iter::once(self.code.as_str())
            .chain(self.details.iter().map(|d| d.code.as_str()))
            .chain(nested)
            .filter(|c| !c.is_empty())
    }

    /// Whether Microsoft gave `code` at the top level or in `details` (compared as Microsoft's
    /// codes are documented: exactly, but without regard to case).
    pub fn has_code(&self, code: &str) -> bool {
        self.codes().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Microsoft's message, with the details' own messages where they add something.
    pub fn full_message(&self) -> String {
        let mut message = self.message.clone();
        for detail in &self.details {
            if !detail.message.is_empty() && detail.message != self.message {
                message.push_str(&format!(" [{}: {}]", detail.code, detail.message));
            }
        }
        message
    }
}

/// The details of a Graph refusal, for a check result or an error.
pub fn graph_detail(status: u16, body: &Value, request_id: Option<String>, request: &str) -> MicrosoftDetail {
    let mut parsed = GraphErrorBody::parse(body);
    let codes: Vec<&str> = parsed.codes().collect();
    let code = if codes.is_empty() { format!("HTTP {status}") } else { codes.join(" / ") };
    let description = parsed.full_message();
    let inner = parsed.inner_error.take().unwrap_or_default();
    MicrosoftDetail {
        code,
        http_status: status,
        request: request.to_owned(),
        description,
        trace_id: None,
        correlation_id: None,
        request_id: inner.request_id.or(request_id),
        timestamp: inner.date,
    }
}

/// A Graph refusal as an error explained in terms of `what` was being done.
pub fn graph_failure(status: u16, body: &Value, request_id: Option<String>, request: &str, what: &str) -> Error {
    let detail = graph_detail(status, body, request_id, request);
    let (message, hint) = explain_graph(status, &GraphErrorBody::parse(body), what);
    Error::Microsoft(Box::new(MicrosoftFailure { message, hint, aadsts: None, detail }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_code_is_found_at_the_top_in_details_and_in_nested_inner_errors() {
        let body = json!({"error": {
            "code": "Request_BadRequest",
            "message": "The appId of the service principal does not reference a valid application object.",
            "details": [{"code": "NoBackingApplicationObject", "message": "…", "target": "appId"}],
            "innerError": {"request-id": "r1", "date": "2026-12-01T10:00:00",
                "code": "invalidRequest", "innererror": {"code": "fragmentOverlap"}}
        }});
        let parsed = GraphErrorBody::parse(&body);
        assert_eq!(
            parsed.codes().collect::<Vec<_>>(),
            ["Request_BadRequest", "NoBackingApplicationObject", "invalidRequest", "fragmentOverlap"]
        );
        assert!(parsed.has_code("nobackingapplicationobject"));
        let detail = graph_detail(400, &body, None, "POST /servicePrincipals");
        assert_eq!(detail.code, "Request_BadRequest / NoBackingApplicationObject / invalidRequest / fragmentOverlap");
        assert_eq!(detail.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn an_empty_top_level_code_as_in_microsofts_batch_example_falls_back_to_the_status() {
        let body =
            json!({"error": {"code": "", "message": "You do not have the required permissions to access this item."}});
        assert_eq!(graph_detail(403, &body, None, "GET /me/planner/tasks").code, "HTTP 403");
    }
}
