//! Users, and the two mailbox endpoints that prove mail access really works.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::caller;
use super::odata::{self, Query as ODataQuery};
use crate::errors::GraphError;
use crate::world::User;
use crate::SharedSim;

pub(super) const READ_USERS_ROLES: &[&str] =
    &["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
pub(super) const READ_USERS_SCOPES: &[&str] =
    &["User.Read.All", "User.ReadBasic.All", "User.ReadWrite.All", "Directory.Read.All"];

fn respond(result: Result<Value, GraphError>) -> Response {
    super::respond(result.map(|body| (StatusCode::OK, body)))
}

pub fn user_json(user: &User) -> Value {
    let plans = if user.mailbox {
        serde_json::json!([{ "capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": "exchange" }])
    } else {
        serde_json::json!([])
    };
    serde_json::json!({
        "businessPhones": [],
        "displayName": user.display_name,
        "givenName": null,
        "jobTitle": null,
        "mail": user.mail,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": null,
        "surname": null,
        "userPrincipalName": user.user_principal_name,
        "id": user.id,
        "provisionedPlans": plans,
    })
}

/// Graph leaves `provisionedPlans` out unless it is `$select`ed.
fn default_view(mut user: Value, query: &ODataQuery) -> Value {
    if !query.contains_key("$select") {
        if let Some(object) = user.as_object_mut() {
            object.remove("provisionedPlans");
        }
    }
    odata::select(user, query)
}

pub async fn list(State(sim): State<SharedSim>, headers: HeaderMap, Query(query): Query<ODataQuery>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(READ_USERS_ROLES, READ_USERS_SCOPES)?;
        let filter = odata::filter(&query, &["userPrincipalName", "mail", "displayName", "id"])?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let view = |user: &User| default_view(user_json(user), &ODataQuery::new());
        let shown = |user: &User| if query.contains_key("$select") { user_json(user) } else { view(user) };
        match filter {
            // Only the users on the page are built.
            None => {
                odata::page_of(&sim.base_url, "/v1.0/users", "users", tenant.users.len(), &query, 100, |skip, top| {
                    tenant.users.iter().skip(skip).take(top).map(shown).collect()
                })
            }
            Some(filter) => {
                let users: Vec<Value> =
                    tenant.users.iter().filter(|u| filter.matches(&user_json(u))).map(shown).collect();
                odata::page(&sim.base_url, "/v1.0/users", "users", users, &query, 100)
            }
        }
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
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let user = tenant.user(&id).ok_or_else(|| GraphError::not_found(&id))?;
        let is_self = !caller.app_only() && caller.claims.oid == user.id;
        if !is_self {
            caller.require(READ_USERS_ROLES, READ_USERS_SCOPES)?;
        }
        let mut body = default_view(user_json(user), &query);
        body["@odata.context"] = Value::String(format!("{}/v1.0/$metadata#users/$entity", sim.base_url));
        Ok(body)
    })())
}

pub(super) fn mailbox_user<'w>(tenant: &'w crate::world::Tenant, id: &str) -> Result<&'w User, GraphError> {
    let user = tenant.user(id).ok_or_else(|| {
        GraphError::new(StatusCode::NOT_FOUND, "ErrorInvalidUser", format!("The requested user '{id}' is invalid."))
    })?;
    if !user.mailbox {
        return Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        ));
    }
    Ok(user)
}

fn access_denied() -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

/// An app-only caller needs one of `roles` on this mailbox, from Entra or from an Exchange
/// scope that holds it; a delegated caller one of `scopes`. Exchange refuses with
/// `ErrorAccessDenied`.
pub(super) fn require_mailbox(
    caller: &super::Caller,
    tenant: &crate::world::Tenant,
    user: &User,
    roles: &[&str],
    scopes: &[&str],
) -> Result<(), GraphError> {
    let allowed = if caller.app_only() {
        super::exchange_rbac::allows(caller, tenant, user, roles)
    } else {
        caller.require(roles, scopes).is_ok()
    };
    if allowed {
        Ok(())
    } else {
        Err(access_denied())
    }
}

pub async fn mail_folder(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path((id, folder)): Path<(String, String)>,
    Query(query): Query<ODataQuery>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let user = mailbox_user(tenant, &id)?;
        require_mailbox(
            &caller,
            tenant,
            user,
            &["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All"],
            &["Mail.Read", "Mail.ReadWrite"],
        )?;
        if !folder.eq_ignore_ascii_case("inbox") {
            return Err(GraphError::new(
                StatusCode::NOT_FOUND,
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
            ));
        }
        let items = user.display_name.len() as u64 * 7;
        let body = serde_json::json!({
            "@odata.context": format!("{}/v1.0/$metadata#users('{}')/mailFolders/$entity", sim.base_url, user.id),
            "id": format!("AAMkA{}AAA=", user.id.replace('-', "")),
            "displayName": "Inbox",
            "parentFolderId": format!("AAMkA{}AAE=", user.id.replace('-', "")),
            "childFolderCount": 0,
            "unreadItemCount": items / 3,
            "totalItemCount": items,
            "sizeInBytes": items * 48_000,
            "isHidden": false,
        });
        Ok(odata::select(body, &query))
    })())
}

pub async fn mailbox_settings(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let user = mailbox_user(tenant, &id)?;
        let both = &["MailboxSettings.Read", "MailboxSettings.ReadWrite"];
        require_mailbox(&caller, tenant, user, both, both)?;
        let body = serde_json::json!({
            "archiveFolder": "AAMkAAA=",
            "timeZone": "UTC",
            "dateFormat": "dd/MM/yyyy",
            "timeFormat": "HH:mm",
            "language": { "locale": "en-US", "displayName": "English (United States)" },
            "userPurpose": "user",
        });
        Ok(odata::select(body, &query))
    })())
}
