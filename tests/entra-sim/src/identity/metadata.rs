use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::errors::Aadsts;
use crate::SharedSim;

/// OpenID metadata of a tenant, by GUID or verified domain. The issuer always carries the
/// tenant's GUID, which is how clients resolve a domain to its tenant id.
pub async fn openid_configuration(State(sim): State<SharedSim>, Path(tenant): Path<String>) -> Response {
    let Some(tid) = sim.world().tenant(&tenant).map(|t| t.id.clone()) else {
        let mut error = Aadsts::tenant_not_found(&tenant);
        error.error = "invalid_tenant";
        return error.into_response();
    };
    let base = &sim.base_url;
    Json(serde_json::json!({
        "token_endpoint": format!("{base}/{tid}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/{tid}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{base}/{tid}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{base}/oidc/userinfo"),
        "authorization_endpoint": format!("{base}/{tid}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}/{tid}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/{tid}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": format!("{base}/{tid}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": base.trim_start_matches("http://").trim_start_matches("https://"),
        "rbac_url": "https://pas.windows.net"
    }))
    .into_response()
}

pub async fn keys(State(sim): State<SharedSim>, Path(tenant): Path<String>) -> Response {
    if sim.world().tenant(&tenant).is_none() {
        return (StatusCode::BAD_REQUEST, Json(Aadsts::tenant_not_found(&tenant).body())).into_response();
    }
    Json(sim.key.jwks()).into_response()
}
