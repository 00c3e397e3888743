//! App management policies, as Microsoft Graph documents them (tenantAppManagementPolicy,
//! appManagementPolicy, passwordCredentialConfiguration, keyCredentialConfiguration): the
//! tenant's default policy, which applies to every application unless a policy is assigned to
//! it, and policies assigned to one application, which replace the default for that
//! application. Enforced wherever an application gets a credential (POST and PATCH
//! /applications with keyCredentials, addKey, addPassword) with the error codes Microsoft's own
//! Teams Toolkit reads from `error.code` (fx-core `aadAppClient.ts`):
//! `CredentialTypeNotAllowedAsPerAppPolicy` and `CredentialInvalidLifetimeAsPerAppPolicy`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Months, Utc};
use serde_json::{json, Value};

use super::{caller, respond};
use crate::errors::GraphError;
use crate::world::Tenant;
use crate::SharedSim;

/// Policies of one tenant.
#[derive(Debug, Clone)]
pub struct AppPolicies {
    /// The tenantAppManagementPolicy object, as `GET /policies/defaultAppManagementPolicy`
    /// returns it.
    pub default: Value,
    /// appManagementPolicy objects, each with the object ids of the applications it applies to.
    pub assigned: Vec<AssignedPolicy>,
}

#[derive(Debug, Clone)]
pub struct AssignedPolicy {
    pub policy: Value,
    pub applies_to: Vec<String>,
}

impl Default for AppPolicies {
    /// A new tenant's default policy: disabled, without restrictions (the docs' example).
    fn default() -> Self {
        AppPolicies {
            default: json!({
                "id": "00000000-0000-0000-0000-000000000000",
                "displayName": "Default app management tenant policy",
                "description": "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
                "isEnabled": false,
                "applicationRestrictions": {"passwordCredentials": [], "keyCredentials": []},
                "servicePrincipalRestrictions": {"passwordCredentials": [], "keyCredentials": []},
            }),
            assigned: Vec::new(),
        }
    }
}

/// A credential an application is about to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    Password,
    Certificate,
}

/// Who may read the tenant's default policy: Policy.Read.All (least privileged) or the
/// ApplicationConfiguration pair, and for a user one of the roles that reads policies
/// (Global Reader is the least privileged).
const READ_PERMISSIONS: &[&str] =
    &["Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"];
const POLICY_READERS: &[&str] = &[
    "62e90394-69f5-4237-9190-012177145e10", // Global Administrator
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451", // Global Reader
    "5d6b6bb7-de71-4623-b4af-96380a352509", // Security Reader
    "194ae4cb-b126-40b2-bd5b-6091b380977d", // Security Administrator
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", // Application Administrator
    "158c047a-c907-4556-b7ef-446551a6b5f7", // Cloud Application Administrator
];

/// `GET /policies/defaultAppManagementPolicy`.
pub async fn get_default(State(sim): State<SharedSim>, headers: HeaderMap) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_PERMISSIONS, READ_PERMISSIONS)?;
        if !caller.app_only() && !caller.has_directory_role(POLICY_READERS) {
            return Err(GraphError::denied());
        }
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let mut policy = tenant.app_policies.default.clone();
        policy["@odata.context"] =
            Value::String(format!("{}/v1.0/$metadata#policies/defaultAppManagementPolicy/$entity", sim.base_url));
        Ok((StatusCode::OK, policy))
    })())
}

/// The restrictions that apply to an application: those of a policy assigned to it (enabled),
/// else the tenant default's application restrictions (when the default is enabled).
fn restrictions_for(tenant: &Tenant, app_object_id: Option<&str>) -> Option<Value> {
    let assigned = app_object_id.and_then(|id| {
        tenant.app_policies.assigned.iter().find(|p| p.applies_to.iter().any(|a| a.eq_ignore_ascii_case(id)))
    });
    match assigned {
        Some(p) if p.policy["isEnabled"].as_bool() != Some(false) => Some(p.policy["restrictions"].clone()),
        Some(_) => None,
        None if tenant.app_policies.default["isEnabled"].as_bool() == Some(true) => {
            Some(tenant.app_policies.default["applicationRestrictions"].clone())
        }
        None => None,
    }
}

/// Whether a restriction is evaluated for an application created at `created`: its state is
/// not `disabled`, and the application was created after `restrictForAppsCreatedAfterDateTime`.
fn in_force(restriction: &Value, created: DateTime<Utc>) -> bool {
    if restriction["state"].as_str() == Some("disabled") {
        return false;
    }
    match restriction["restrictForAppsCreatedAfterDateTime"].as_str().map(DateTime::parse_from_rfc3339) {
        Some(Ok(after)) => created > after.with_timezone(&Utc),
        _ => true,
    }
}

/// The latest end a credential starting at `start` may have under an ISO 8601 `maxLifetime`,
/// by calendar (P1Y from 2026-03-01 ends on 2027-03-01).
fn latest_end(start: DateTime<Utc>, max_lifetime: &str) -> Option<DateTime<Utc>> {
    let parsed: iso8601::Duration = max_lifetime.parse().ok()?;
    match parsed {
        iso8601::Duration::Weeks(weeks) => start.checked_add_signed(chrono::Duration::weeks(weeks.into())),
        iso8601::Duration::YMDHMS { year, month, day, hour, minute, second, millisecond } => {
            start.checked_add_months(Months::new(year * 12 + month))?.checked_add_signed(
                chrono::Duration::days(day.into())
                    + chrono::Duration::hours(hour.into())
                    + chrono::Duration::minutes(minute.into())
                    + chrono::Duration::seconds(second.into())
                    + chrono::Duration::milliseconds(millisecond.into()),
            )
        }
    }
}

fn type_refused() -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "CredentialTypeNotAllowedAsPerAppPolicy",
        "Credential type not allowed as per assigned policy.",
    )
}

fn lifetime_refused() -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "CredentialInvalidLifetimeAsPerAppPolicy",
        "Credential lifetime exceeds the max value allowed as per assigned policy.",
    )
}

/// Refuses a credential the application's policy does not allow, as Graph does.
pub fn check_credential(
    tenant: &Tenant,
    app_object_id: Option<&str>,
    app_created: DateTime<Utc>,
    kind: CredentialKind,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(), GraphError> {
    let Some(restrictions) = restrictions_for(tenant, app_object_id) else { return Ok(()) };
    let list = match kind {
        CredentialKind::Password => &restrictions["passwordCredentials"],
        CredentialKind::Certificate => &restrictions["keyCredentials"],
    };
    for restriction in list.as_array().into_iter().flatten().filter(|r| in_force(r, app_created)) {
        match (kind, restriction["restrictionType"].as_str()) {
            (CredentialKind::Password, Some("passwordAddition")) => return Err(type_refused()),
            (CredentialKind::Password, Some("passwordLifetime"))
            | (CredentialKind::Certificate, Some("asymmetricKeyLifetime")) => {
                let latest = restriction["maxLifetime"].as_str().and_then(|max| latest_end(start, max));
                if latest.is_some_and(|latest| end > latest) {
                    return Err(lifetime_refused());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `/_sim/tenants/{tenant}/app-management-policies`: the default policy (`default`, replaced
/// when given) and the policies assigned to applications (`assigned`: each a policy with
/// `appliesTo`, application object ids or appIds; replaced when given).
pub fn set_from_sim(tenant: &mut Tenant, body: &Value) -> Result<(), String> {
    if let Some(default) = body.get("default") {
        if !default.is_object() {
            return Err("default must be a tenantAppManagementPolicy object".into());
        }
        let mut policy = AppPolicies::default().default;
        for (name, value) in default.as_object().into_iter().flatten() {
            policy[name] = value.clone();
        }
        tenant.app_policies.default = policy;
    }
    if let Some(assigned) = body.get("assigned") {
        let list = assigned.as_array().ok_or("assigned must be an array")?;
        let mut policies = Vec::new();
        for entry in list {
            let mut applies_to = Vec::new();
            for id in entry["appliesTo"].as_array().ok_or("each assigned policy needs appliesTo")? {
                let id = id.as_str().ok_or("appliesTo holds ids")?;
                let app = tenant
                    .applications
                    .iter()
                    .find(|a| a.id.eq_ignore_ascii_case(id) || a.app_id.eq_ignore_ascii_case(id))
                    .ok_or_else(|| format!("no application {id}"))?;
                applies_to.push(app.id.clone());
            }
            let mut policy = entry.clone();
            if let Some(map) = policy.as_object_mut() {
                map.remove("appliesTo");
                map.entry("id").or_insert_with(|| Value::String(crate::world::new_id()));
            }
            policies.push(AssignedPolicy { policy, applies_to });
        }
        tenant.app_policies.assigned = policies;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_is_counted_by_calendar() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").map(|d| d.with_timezone(&Utc));
        let start = start.unwrap_or_default();
        assert_eq!(latest_end(start, "P1Y").map(|d| d.to_rfc3339()), Some("2027-03-01T00:00:00+00:00".into()));
        assert_eq!(latest_end(start, "P30D").map(|d| d.to_rfc3339()), Some("2026-03-31T00:00:00+00:00".into()));
        assert_eq!(latest_end(start, "P4DT12H30M5S").map(|d| d.to_rfc3339()), Some("2026-03-05T12:30:05+00:00".into()));
        assert_eq!(latest_end(start, "one year"), None);
    }
}
