//! `/applications`: create (with validation of `requiredResourceAccess` and `keyCredentials`),
//! get, list, update, delete, `addPassword`/`removePassword`, and `addKey`/`removeKey` with a
//! proof JWT. Every new credential is held to the tenant's app management policy.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::odata::{self, Query as ODataQuery};
use super::policies::{check_credential, CredentialKind};
use super::{caller, respond, Caller};
use crate::catalog::{APP_WRITERS, PROOF_AUDIENCE};
use crate::errors::GraphError;
use crate::world::{new_id, Application, KeyCredential, PasswordCredential, Tenant};
use crate::SharedSim;

const READ_ROLES: &[&str] = &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"];
const WRITE_ROLES: &[&str] = &["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"];
const WRITE_SCOPES: &[&str] = &["Application.ReadWrite.All"];

/// Writing applications as a user needs the scope *and* an administrator role.
fn require_write(caller: &Caller) -> Result<(), GraphError> {
    caller.require(WRITE_ROLES, WRITE_SCOPES)?;
    if !caller.app_only() && !caller.has_directory_role(APP_WRITERS) {
        return Err(GraphError::denied());
    }
    Ok(())
}

fn app_json(app: &Application) -> Value {
    serde_json::to_value(app).unwrap_or(Value::Null)
}

fn find<'t>(tenant: &'t Tenant, id: &str) -> Result<&'t Application, GraphError> {
    tenant.applications.iter().find(|a| a.id == id.to_lowercase()).ok_or_else(|| GraphError::not_found(id))
}

fn invalid_property(property: &str, detail: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Invalid value specified for property '{property}' of resource 'Application'. {detail}"
    ))
}

/// Each entry names a known resource and, for application permissions, an app role it has.
fn check_required_resource_access(tenant: &Tenant, value: &Value) -> Result<Value, GraphError> {
    let entries =
        value.as_array().ok_or_else(|| invalid_property("requiredResourceAccess", "An array is expected."))?;
    for entry in entries {
        let resource_app = entry["resourceAppId"]
            .as_str()
            .and_then(crate::world_guid)
            .ok_or_else(|| invalid_property("requiredResourceAccess", "resourceAppId must be a GUID."))?;
        let accesses = entry["resourceAccess"]
            .as_array()
            .ok_or_else(|| invalid_property("requiredResourceAccess", "resourceAccess must be an array."))?;
        let resource = tenant.sp_by_app_id(&resource_app);
        for access in accesses {
            let id = access["id"]
                .as_str()
                .and_then(crate::world_guid)
                .ok_or_else(|| invalid_property("resourceAccess", "id must be a GUID."))?;
            match access["type"].as_str() {
                Some("Role") => {
                    if let Some(resource) = resource {
                        if !resource.app_roles.iter().any(|r| r.id == id) {
                            return Err(GraphError::bad_request(format!(
                                "Permission being requested ({id}) was not found on application '{}' ({resource_app}).",
                                resource.display_name
                            )));
                        }
                    }
                }
                Some("Scope") => {}
                _ => return Err(invalid_property("resourceAccess", "type must be 'Role' or 'Scope'.")),
            }
        }
    }
    Ok(value.clone())
}

fn parse_date(value: &Value, property: &str) -> Result<Option<DateTime<Utc>>, GraphError> {
    match value.as_str() {
        None => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| invalid_property(property, "A date in ISO 8601 format is expected.")),
    }
}

/// A keyCredential as Graph accepts it: an X.509 certificate (base64 DER) with an RSA key of at
/// least 2048 bits, type AsymmetricX509Cert, usage Verify, and dates equal to the certificate's.
pub fn parse_key_credential(value: &Value) -> Result<KeyCredential, GraphError> {
    let key_error = |detail: &str| {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "KeyCredentialsInvalidValue",
            format!("Key credential is not valid: {detail}"),
        )
    };
    if value["type"].as_str() != Some("AsymmetricX509Cert") {
        return Err(key_error("type must be 'AsymmetricX509Cert'."));
    }
    if value["usage"].as_str() != Some("Verify") {
        return Err(key_error("usage must be 'Verify' for a certificate used to sign client assertions."));
    }
    let der = value["key"]
        .as_str()
        .and_then(|k| base64::engine::general_purpose::STANDARD.decode(k.trim()).ok())
        .ok_or_else(|| key_error("key must be the base64 DER of an X.509 certificate."))?;
    let (not_before, not_after) = crate::certs::validity(&der).map_err(|e| key_error(&e))?;
    let (_, bits) = crate::certs::rsa_public_key(&der).map_err(|e| key_error(&e))?;
    if bits < 2048 {
        return Err(key_error(&format!("the RSA key has {bits} bits; at least 2048 are required.")));
    }
    let start = parse_date(&value["startDateTime"], "startDateTime")?.unwrap_or(not_before);
    let end = parse_date(&value["endDateTime"], "endDateTime")?.unwrap_or(not_after);
    if start != not_before {
        return Err(key_error("startDateTime must equal the certificate's NotBefore (UTC)."));
    }
    if end != not_after {
        return Err(key_error("endDateTime must equal the certificate's NotAfter (UTC)."));
    }
    let mut key = KeyCredential::from_der(der, value["displayName"].as_str().map(str::to_owned), start, end);
    if let Some(id) = value["keyId"].as_str().and_then(crate::world_guid) {
        key.key_id = id;
    }
    // Binary in Graph's model, so base64 on the wire; kept as given (the 40 hex characters of
    // a thumbprint are valid base64 too, which is how Microsoft's own example sends one).
    if let Some(identifier) = value["customKeyIdentifier"].as_str() {
        if base64::engine::general_purpose::STANDARD.decode(identifier).is_err() {
            return Err(invalid_property("customKeyIdentifier", "A base64 (Edm.Binary) value is expected."));
        }
        key.custom_key_identifier = identifier.to_owned();
    }
    Ok(key)
}

pub async fn create(State(sim): State<SharedSim>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        require_write(&caller)?;
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let display_name = body["displayName"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| invalid_property("displayName", "A display name is required."))?;
        let audience = body["signInAudience"].as_str().unwrap_or("AzureADMyOrg");
        if !["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]
            .contains(&audience)
        {
            return Err(invalid_property("signInAudience", "Unknown audience."));
        }
        let required = match body.get("requiredResourceAccess") {
            Some(value) => check_required_resource_access(tenant, value)?,
            None => serde_json::json!([]),
        };
        let key_credentials = match body.get("keyCredentials").and_then(Value::as_array) {
            Some(keys) => keys.iter().map(parse_key_credential).collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let created = Utc::now();
        for key in &key_credentials {
            check_credential(
                tenant,
                None,
                created,
                CredentialKind::Certificate,
                key.start_date_time,
                key.end_date_time,
            )?;
        }
        let app = Application {
            id: new_id(),
            app_id: new_id(),
            display_name: display_name.to_owned(),
            sign_in_audience: audience.to_owned(),
            required_resource_access: required,
            key_credentials,
            password_credentials: Vec::new(),
            tags: body["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            notes: body["notes"].as_str().map(str::to_owned),
            is_fallback_public_client: body["isFallbackPublicClient"].as_bool(),
            created_date_time: created,
            owners: if caller.app_only() { Vec::new() } else { vec![caller.claims.oid.clone()] },
        };
        let json = app_json(&app);
        tenant.applications.push(app);
        Ok((StatusCode::CREATED, json))
    })())
}

/// `GET /applications/{id}/owners`: directoryObjects, each a user with its `@odata.type`.
pub async fn owners(State(sim): State<SharedSim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_ROLES, &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"])?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let app = find(tenant, &id)?;
        let owners: Vec<Value> = tenant
            .users
            .iter()
            .filter(|u| app.owners.contains(&u.id))
            .map(|u| {
                serde_json::json!({
                    "@odata.type": "#microsoft.graph.user",
                    "id": u.id,
                    "displayName": u.display_name,
                    "userPrincipalName": u.user_principal_name,
                })
            })
            .collect();
        let context = format!("{}/v1.0/$metadata#directoryObjects", sim.base_url);
        Ok((StatusCode::OK, serde_json::json!({ "@odata.context": context, "value": owners })))
    })())
}

pub async fn list(State(sim): State<SharedSim>, headers: HeaderMap, Query(query): Query<ODataQuery>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_ROLES, &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"])?;
        let filter = odata::filter(&query, &["displayName", "appId", "id"])?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let apps: Vec<Value> =
            tenant.applications.iter().map(app_json).filter(|a| filter.as_ref().is_none_or(|f| f.matches(a))).collect();
        Ok((StatusCode::OK, odata::page(&sim.base_url, "/v1.0/applications", "applications", apps, &query, 100)?))
    })())
}

pub async fn get(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_ROLES, &["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"])?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let app = find(tenant, &id)?;
        let mut json = app_json(app);
        // Only here, a single object with keyCredentials selected, does Graph return each
        // certificate's bytes (keyCredential resource type, property `key`).
        if odata::selects(&query, "keyCredentials") {
            for (shown, key) in json["keyCredentials"].as_array_mut().into_iter().flatten().zip(&app.key_credentials) {
                shown["key"] = Value::String(base64::engine::general_purpose::STANDARD.encode(&key.der));
            }
        }
        Ok((StatusCode::OK, odata::select(json, &query)))
    })())
}

pub async fn update(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        require_write(&caller)?;
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let required =
            body.get("requiredResourceAccess").map(|v| check_required_resource_access(tenant, v)).transpose()?;
        let keys = body
            .get("keyCredentials")
            .and_then(Value::as_array)
            .map(|keys| keys.iter().map(parse_key_credential).collect::<Result<Vec<_>, _>>())
            .transpose()?;
        if let Some(keys) = &keys {
            let current = find(tenant, &id)?;
            // Keys the application already has were held to the policy when they were added.
            for key in keys.iter().filter(|k| !current.key_credentials.iter().any(|c| c.key_id == k.key_id)) {
                check_credential(
                    tenant,
                    Some(&current.id),
                    current.created_date_time,
                    CredentialKind::Certificate,
                    key.start_date_time,
                    key.end_date_time,
                )?;
            }
        }
        let app = tenant
            .applications
            .iter_mut()
            .find(|a| a.id == id.to_lowercase())
            .ok_or_else(|| GraphError::not_found(&id))?;
        if let Some(name) = body["displayName"].as_str() {
            app.display_name = name.to_owned();
        }
        if let Some(required) = required {
            app.required_resource_access = required;
        }
        if let Some(keys) = keys {
            app.key_credentials = keys; // PATCH replaces the whole list, as Graph does.
        }
        if let Some(notes) = body["notes"].as_str() {
            app.notes = Some(notes.to_owned());
        }
        Ok((StatusCode::NO_CONTENT, Value::Null))
    })())
}

/// Deletes the application with its service principal and that principal's role assignments.
pub async fn delete(State(sim): State<SharedSim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        require_write(&caller)?;
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let app = find(tenant, &id)?.clone();
        tenant.applications.retain(|a| a.id != app.id);
        let sp_ids: Vec<String> =
            tenant.service_principals.iter().filter(|s| s.app_id == app.app_id).map(|s| s.id.clone()).collect();
        tenant.service_principals.retain(|s| s.app_id != app.app_id);
        tenant.assignments.retain(|a| !sp_ids.contains(&a.principal_id));
        Ok((StatusCode::NO_CONTENT, Value::Null))
    })())
}

/// A secret in Microsoft's shape: three characters, `8Q~`, then 34 more.
fn new_secret_text() -> String {
    let random: String = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let chars: Vec<char> = random.chars().collect();
    let mut text: String = chars[..3].iter().collect();
    text.push_str("8Q~");
    text.extend(chars[3..37].iter().enumerate().map(|(i, c)| if i % 5 == 0 { c.to_ascii_uppercase() } else { *c }));
    text
}

pub async fn add_password(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        require_write(&caller)?;
        let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
        let credential = &body["passwordCredential"];
        let start = parse_date(&credential["startDateTime"], "startDateTime")?.unwrap_or_else(Utc::now);
        let end = parse_date(&credential["endDateTime"], "endDateTime")?.unwrap_or_else(|| start + Duration::days(730));
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let current = find(tenant, &id)?;
        check_credential(tenant, Some(&current.id), current.created_date_time, CredentialKind::Password, start, end)?;
        let app = tenant
            .applications
            .iter_mut()
            .find(|a| a.id == id.to_lowercase())
            .ok_or_else(|| GraphError::not_found(&id))?;
        let mut secret = PasswordCredential::new(
            new_secret_text(),
            new_id(),
            credential["displayName"].as_str().map(str::to_owned),
            end,
        );
        secret.start_date_time = start;
        let mut shown = serde_json::to_value(&secret).unwrap_or(Value::Null);
        shown["secretText"] = Value::String(secret.value.clone());
        shown["customKeyIdentifier"] = Value::Null;
        app.password_credentials.push(secret);
        Ok((StatusCode::OK, shown))
    })())
}

/// The proof of possession for addKey/removeKey: a JWT signed with a certificate already on the
/// application, `aud` 00000002-0000-0000-c000-000000000000, `iss` the application's object id,
/// valid at most 10 minutes.
fn verify_proof(app: &Application, proof: &str) -> Result<(), GraphError> {
    let invalid = |detail: &str| {
        GraphError::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            format!("The proof of possession token is invalid: {detail}"),
        )
    };
    let now = Utc::now();
    #[derive(serde::Deserialize)]
    struct Proof {
        iss: String,
        // NumericDates, fractional where a client sends them so (RFC 7519).
        nbf: f64,
        exp: f64,
    }
    let mut last_error = "no valid certificate is registered on the application; use PATCH instead".to_owned();
    for key in app.key_credentials.iter().filter(|k| k.end_date_time > now) {
        let Ok((public_key, _)) = crate::certs::rsa_public_key(&key.der) else { continue };
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.algorithms = vec![jsonwebtoken::Algorithm::RS256, jsonwebtoken::Algorithm::PS256];
        validation.set_audience(&[PROOF_AUDIENCE]);
        validation.validate_nbf = true;
        match jsonwebtoken::decode::<Proof>(proof, &jsonwebtoken::DecodingKey::from_rsa_der(&public_key), &validation) {
            Ok(data) => {
                if data.claims.iss != app.id {
                    return Err(invalid("iss must be the application's object id."));
                }
                if data.claims.exp - data.claims.nbf > 600.0 {
                    return Err(invalid("the token may be valid for at most 10 minutes."));
                }
                return Ok(());
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(invalid(&last_error))
}

/// addKey/removeKey may be called by the application itself (an app-only token of the same app)
/// or by anyone who may write applications.
fn require_key_rollover(caller: &Caller, app: &Application) -> Result<(), GraphError> {
    if caller.app_only() && caller.claims.appid == app.app_id {
        return Ok(());
    }
    require_write(caller)
}

/// addKey and removeKey: the caller may roll the app's keys and proves a current certificate.
/// The change gets the tenant (for its policies) and the application's index in it.
fn with_rollover<T>(
    sim: &SharedSim,
    headers: &HeaderMap,
    id: &str,
    body: &Value,
    change: impl FnOnce(&mut Tenant, usize) -> Result<T, GraphError>,
) -> Result<T, GraphError> {
    let caller = caller(sim, headers)?;
    let mut world = sim.world();
    let tenant = caller.tenant_in_mut(&mut world)?;
    let index =
        tenant.applications.iter().position(|a| a.id == id.to_lowercase()).ok_or_else(|| GraphError::not_found(id))?;
    let app = &tenant.applications[index];
    require_key_rollover(&caller, app)?;
    verify_proof(app, body["proof"].as_str().unwrap_or_default())?;
    change(tenant, index)
}

pub async fn add_key(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    respond(with_rollover(&sim, &headers, &id, &body, |tenant, index| {
        let key = parse_key_credential(&body["keyCredential"])?;
        let app = &tenant.applications[index];
        check_credential(
            tenant,
            Some(&app.id),
            app.created_date_time,
            CredentialKind::Certificate,
            key.start_date_time,
            key.end_date_time,
        )?;
        let json = serde_json::to_value(&key).unwrap_or(Value::Null);
        tenant.applications[index].key_credentials.push(key);
        Ok((StatusCode::OK, json))
    }))
}

/// `removePassword` with `keyId`: 204, or 404 when the application has no such secret.
pub async fn remove_password(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        require_write(&caller)?;
        let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
        let key_id = body["keyId"]
            .as_str()
            .and_then(crate::world_guid)
            .ok_or_else(|| invalid_property("keyId", "A GUID is expected."))?;
        let mut world = sim.world();
        let tenant = caller.tenant_in_mut(&mut world)?;
        let app = tenant
            .applications
            .iter_mut()
            .find(|a| a.id == id.to_lowercase())
            .ok_or_else(|| GraphError::not_found(&id))?;
        let before = app.password_credentials.len();
        app.password_credentials.retain(|p| p.key_id != key_id);
        if app.password_credentials.len() == before {
            return Err(GraphError::not_found(&key_id));
        }
        Ok((StatusCode::NO_CONTENT, Value::Null))
    })())
}

pub async fn remove_key(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    respond(with_rollover(&sim, &headers, &id, &body, |tenant, index| {
        let app = &mut tenant.applications[index];
        let key_id = body["keyId"].as_str().unwrap_or_default().to_lowercase();
        let before = app.key_credentials.len();
        app.key_credentials.retain(|k| k.key_id != key_id);
        if app.key_credentials.len() == before {
            return Err(GraphError::not_found(&key_id));
        }
        Ok((StatusCode::NO_CONTENT, Value::Null))
    }))
}
