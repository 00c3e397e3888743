//! Every request passes here: faults are applied and the request is logged for `/_sim/requests`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::{Aadsts, GraphError};
use crate::faults::Failure;
use crate::world::RequestRecord;
use crate::SharedSim;

pub async fn log_and_faults(State(sim): State<SharedSim>, request: Request, next: Next) -> Response {
    let started_ms = sim.elapsed_ms();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let is_sim_api = path.starts_with("/_sim");

    let (latency, failure) = if is_sim_api {
        (0, None)
    } else {
        let tenant_name = request_tenant(&sim, &request);
        let mut world = sim.world();
        let tenant = tenant_name.and_then(|name| world.tenant(&name).cloned());
        world.faults.take(&method, &path, tenant.as_ref())
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let response = match failure {
        None => next.run(request).await,
        Some(Failure::Drop) => dropped_connection(),
        Some(Failure::DropAfter) => {
            let done = next.run(request).await;
            let status = done.status();
            let mut lost = dropped_connection();
            *lost.status_mut() = status;
            lost
        }
        Some(Failure::StatusAfter { status }) => {
            let _done = next.run(request).await;
            injected_status(&path, status, None)
        }
        Some(Failure::Status { status, retry_after }) => injected_status(&path, status, retry_after),
        Some(Failure::Redirect { status, location }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            let mut response = status.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert("location", value);
            }
            response
        }
        Some(Failure::Body { status, body }) => {
            (StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), axum::Json(body)).into_response()
        }
    };
    if !is_sim_api && method != "GET" && method != "HEAD" {
        sim.save_if_changed();
    }
    if !is_sim_api && sim.keeps_log() {
        let batched = response.extensions().get::<crate::world::BatchedRequests>().map(|b| b.0.clone());
        let record = RequestRecord {
            method,
            path,
            query,
            status: response.status().as_u16(),
            started_ms,
            finished_ms: sim.elapsed_ms(),
            batched: batched.unwrap_or_default(),
        };
        sim.world().log.push(record);
    }
    response
}

/// The tenant a request is for: the first path segment of a login URL, or the `tid` of the
/// bearer token of a Graph request.
fn request_tenant(sim: &crate::Sim, request: &Request) -> Option<String> {
    let path = request.uri().path();
    if path.starts_with("/v1.0") {
        let token = request.headers().get("authorization")?.to_str().ok()?.strip_prefix("Bearer ")?;
        return sim.key.verify(token.trim()).map(|claims| claims.tid);
    }
    path.trim_start_matches('/').split('/').next().filter(|s| !s.is_empty()).map(str::to_owned)
}

fn injected_status(path: &str, status: u16, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = if path.starts_with("/v1.0") {
        let (code, message) = match status {
            StatusCode::TOO_MANY_REQUESTS => ("TooManyRequests", "Too many requests, please retry later."),
            StatusCode::SERVICE_UNAVAILABLE => {
                ("serviceNotAvailable", "The service is temporarily unavailable. Please retry.")
            }
            _ => ("generalException", "An injected failure."),
        };
        GraphError::new(status, code, message).into_response()
    } else {
        let text = match status {
            StatusCode::TOO_MANY_REQUESTS => "The request was throttled. Please retry later.",
            _ => "A transient error has occurred. Please try again.",
        };
        Aadsts::new(status, "temporarily_unavailable", 90033, text).into_response()
    };
    if let Some(seconds) = retry_after {
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
    }
    response
}

/// Headers go out, then the body fails: the client sees the connection close mid-response.
fn dropped_connection() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped by entra-sim",
        ))
    });
    let mut response = Response::new(Body::from_stream(broken));
    response.headers_mut().insert("content-length", HeaderValue::from_static("1024"));
    response
}
