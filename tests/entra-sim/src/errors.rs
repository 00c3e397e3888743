//! Error bodies exactly in Microsoft's shapes: the identity platform's OAuth errors (with an
//! AADSTS code, trace and correlation ids) and Graph's `error` objects.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;

/// An error of the token, devicecode or authorize endpoints.
#[derive(Debug, Clone)]
pub struct Aadsts {
    pub status: StatusCode,
    /// The OAuth error: invalid_request, invalid_client, unauthorized_client, invalid_grant, ...
    pub error: &'static str,
    pub code: u32,
    pub text: String,
}

impl Aadsts {
    pub fn new(status: StatusCode, error: &'static str, code: u32, text: impl Into<String>) -> Aadsts {
        Aadsts { status, error, code, text: text.into() }
    }

    /// The `error_description` Microsoft sends: code, text, then trace, correlation and time,
    /// each on its own CRLF line (the client credentials page's error example).
    pub fn description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.text
        )
    }

    pub fn body(&self) -> serde_json::Value {
        let trace_id = uuid::Uuid::new_v4().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let timestamp = Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
        serde_json::json!({
            "error": self.error,
            "error_description": self.description(&trace_id, &correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }

    pub fn tenant_not_found(tenant: &str) -> Aadsts {
        Aadsts::new(StatusCode::BAD_REQUEST, "invalid_request", 90002, format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
        ))
    }

    pub fn app_not_found(client_id: &str, tenant: &str) -> Aadsts {
        Aadsts::new(StatusCode::BAD_REQUEST, "unauthorized_client", 700016, format!(
            "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ))
    }

    pub fn invalid_request(code: u32, text: impl Into<String>) -> Aadsts {
        Aadsts::new(StatusCode::BAD_REQUEST, "invalid_request", code, text)
    }
}

impl IntoResponse for Aadsts {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// A Microsoft Graph error.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// `error.details`: the specific reasons behind a generic top-level code (Microsoft's
    /// JSON error format for Graph: `{ "code", "message", "target" }` each).
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Clone)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> GraphError {
        GraphError { status, code: code.into(), message: message.into(), details: Vec::new() }
    }

    /// Adds a specific reason under `error.details`, as Entra does for directory errors.
    pub fn with_detail(mut self, code: &str, target: Option<&str>) -> GraphError {
        self.details.push(ErrorDetail {
            code: code.into(),
            message: self.message.clone(),
            target: target.map(str::to_owned),
        });
        self
    }

    pub fn body(&self) -> serde_json::Value {
        let mut error = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "innerError": {
                "date": Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                "request-id": uuid::Uuid::new_v4().to_string(),
                "client-request-id": uuid::Uuid::new_v4().to_string(),
            }
        });
        if !self.details.is_empty() {
            error["details"] = self
                .details
                .iter()
                .map(|d| serde_json::json!({"code": d.code, "message": d.message, "target": d.target}))
                .collect();
        }
        serde_json::json!({ "error": error })
    }

    pub fn not_found(id: &str) -> GraphError {
        GraphError::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
    }

    pub fn denied() -> GraphError {
        GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    pub fn unauthorized(message: &str) -> GraphError {
        GraphError::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
