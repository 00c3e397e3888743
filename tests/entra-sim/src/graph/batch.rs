//! `POST /v1.0/$batch`: up to 20 requests in one round trip, answered together. Each inner
//! request is authorised with the batch's token and may be throttled on its own.

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use tower::ServiceExt as _;

use super::caller;
use crate::errors::GraphError;
use crate::faults::Failure;
use crate::SharedSim;

const MAX_REQUESTS: usize = 20;

pub async fn batch(State(sim): State<SharedSim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Err(error) = caller(&sim, &headers) {
        return error.into_response();
    }
    let Some(requests) = body["requests"].as_array() else {
        return GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", "Invalid batch payload format.").into_response();
    };
    if requests.len() > MAX_REQUESTS {
        return GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("Number of batch requests must not exceed {MAX_REQUESTS}."),
        )
        .into_response();
    }
    let mut ids = HashSet::new();
    for request in requests {
        let id = request["id"].as_str().unwrap_or_default();
        if id.is_empty() || !ids.insert(id.to_owned()) {
            return GraphError::new(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "Each request in a batch needs a unique id.",
            )
            .into_response();
        }
    }
    let authorization = headers.get("authorization").cloned();
    let graph = super::routes().with_state(sim.clone());
    let mut responses = Vec::with_capacity(requests.len());
    for request in requests {
        responses.push(run_one(&sim, &graph, request, authorization.as_ref()).await);
    }
    let batched = requests
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or("GET").to_uppercase(),
                r["url"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let mut response = Json(serde_json::json!({ "responses": responses })).into_response();
    response.extensions_mut().insert(crate::world::BatchedRequests(batched));
    response
}

async fn run_one(
    sim: &SharedSim,
    graph: &axum::Router,
    request: &Value,
    authorization: Option<&axum::http::HeaderValue>,
) -> Value {
    let id = request["id"].as_str().unwrap_or_default();
    let method = request["method"].as_str().unwrap_or("GET").to_uppercase();
    // Microsoft documents a URL relative to the version; the Graph SDK for Python sends the
    // absolute URL it would have called, so that form is taken too.
    let url = request["url"].as_str().unwrap_or_default();
    let url = [sim.base_url.as_str(), "https://graph.microsoft.com"]
        .iter()
        .find_map(|host| url.strip_prefix(host))
        .unwrap_or(url);
    // Microsoft's batching examples put OData queries in the URL as typed (`eq 'high'`): the
    // spaces are encoded before the request is routed.
    let url = url.replace(' ', "%20");
    let path = format!("/v1.0/{}", url.trim_start_matches('/').trim_start_matches("v1.0/"));
    let path_only = path.split('?').next().unwrap_or_default().to_owned();

    let tenant = authorization
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| sim.key.verify(t.trim()))
        .and_then(|claims| sim.world().tenant(&claims.tid).cloned());
    if let (_, Some(failure)) = sim.world().faults.take(&method, &path_only, tenant.as_ref()) {
        let (status, retry_after) = match failure {
            Failure::Status { status, retry_after } => (status, retry_after),
            Failure::Body { status, body } => {
                let headers = serde_json::json!({ "Content-Type": "application/json" });
                return serde_json::json!({ "id": id, "status": status, "headers": headers, "body": body });
            }
            Failure::Redirect { status, location } => {
                let headers = serde_json::json!({ "Location": location });
                return serde_json::json!({ "id": id, "status": status, "headers": headers });
            }
            Failure::Drop | Failure::DropAfter | Failure::StatusAfter { .. } => (503, None),
        };
        let code = if status == 429 { "TooManyRequests" } else { "serviceNotAvailable" };
        let error = GraphError::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            code,
            "Injected failure.",
        );
        let mut headers = serde_json::json!({ "Content-Type": "application/json" });
        if let Some(seconds) = retry_after {
            headers["Retry-After"] = Value::String(seconds.to_string());
        }
        return serde_json::json!({ "id": id, "status": status, "headers": headers, "body": error.body() });
    }

    let mut builder = Request::builder().method(method.as_str()).uri(&path).header("content-type", "application/json");
    if let Some(value) = authorization {
        builder = builder.header("authorization", value.clone());
    }
    let body = match request.get("body") {
        Some(body) if !body.is_null() => Body::from(body.to_string()),
        _ => Body::empty(),
    };
    let Ok(inner) = builder.body(body) else {
        return serde_json::json!({ "id": id, "status": 400, "body": GraphError::bad_request("Invalid request in batch.").body() });
    };
    let response = match graph.clone().oneshot(inner).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let mut headers = serde_json::json!({ "Content-Type": "application/json" });
    // A redirect (the mailbox API's archive redirects) keeps its Location, as Graph's batch does.
    if let Some(location) = response.headers().get("location").and_then(|v| v.to_str().ok()) {
        headers["Location"] = Value::String(location.to_owned());
    }
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    serde_json::json!({ "id": id, "status": status, "headers": headers, "body": body })
}
