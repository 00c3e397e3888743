//! Microsoft Graph's mailbox import and export API (v1.0): `settings/exchange`, a mailbox's
//! folders and items, exportItems and createImportSession, with the archive redirects of
//! "Handle archive mailbox redirects"; and the item-level reads (messages, events, contacts)
//! that prove an item-level connection. Mailbox contents are generated from the user, the
//! same on every start.

use std::collections::HashSet;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};

use super::odata::{self, Query as ODataQuery};
use super::{caller, Caller};
use crate::errors::GraphError;
use crate::world::{stable_id, Tenant, User};
use crate::SharedSim;

/// What a tenant's Exchange Online holds beyond its users: set through `/_sim`.
#[derive(Debug, Clone, Default)]
pub struct ExchangeState {
    /// Users (ids) whose items sit in an auxiliary archive: exportItems from the primary
    /// mailbox answers each with `ErrorArchiveFolderMovedPermanently`.
    pub items_in_auxiliary_archive: HashSet<String>,
}

/// The well-known folders every mailbox has, with their display names.
const FOLDERS: [(&str, &str); 5] = [
    ("inbox", "Inbox"),
    ("drafts", "Drafts"),
    ("sentitems", "Sent Items"),
    ("deleteditems", "Deleted Items"),
    ("archive", "Archive"),
];

fn respond(result: Result<Value, GraphError>) -> Response {
    super::respond(result.map(|body| (StatusCode::OK, body)))
}

fn access_denied() -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
}

/// `MBX:{guid}@{tenant}`: Exchange's mailbox GUID and the tenant's, as `settings/exchange`
/// shows them.
pub fn primary_mailbox_id(tenant: &Tenant, user: &User) -> String {
    format!("MBX:{}@{}", stable_id(&tenant.id, &format!("mailbox/{}", user.id)), tenant.id)
}

fn auxiliary_mailbox_id(tenant: &Tenant, user: &User) -> String {
    format!("MBX:{}@{}", stable_id(&tenant.id, &format!("auxiliary/{}", user.id)), tenant.id)
}

/// The user whose primary or auxiliary archive mailbox this is.
fn mailbox_owner<'t>(tenant: &'t Tenant, mailbox_id: &str) -> Option<(&'t User, bool)> {
    tenant.users.iter().filter(|u| u.mailbox).find_map(|u| {
        if primary_mailbox_id(tenant, u).eq_ignore_ascii_case(mailbox_id) {
            Some((u, false))
        } else if auxiliary_mailbox_id(tenant, u).eq_ignore_ascii_case(mailbox_id) {
            Some((u, true))
        } else {
            None
        }
    })
}

/// A user's primary and auxiliary archive mailbox ids (for `/_sim`).
pub fn mailbox_ids(tenant: &Tenant, user_id: &str) -> Value {
    match tenant.users.iter().find(|u| u.id == user_id) {
        Some(user) => json!({
            "primaryMailboxId": primary_mailbox_id(tenant, user),
            "auxiliaryArchiveMailboxId": auxiliary_mailbox_id(tenant, user),
        }),
        None => Value::Null,
    }
}

fn mailbox_not_found(mailbox_id: &str) -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "ErrorInvalidMailboxId",
        format!("The mailbox '{mailbox_id}' was not found."),
    )
}

fn folder_id(user: &User, well_known: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{}/{well_known}", user.id))
}

/// As many items as the user's inbox says over `mailFolders/inbox`.
fn item_count(user: &User, well_known: &str) -> u64 {
    if well_known == "inbox" {
        user.display_name.len() as u64 * 7
    } else {
        0
    }
}

fn item_id(user: &User, well_known: &str, n: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{}/{well_known}/{n}", user.id))
}

fn require_app_role(caller: &Caller, roles: &[&str], scopes: &[&str]) -> Result<(), GraphError> {
    caller.require(roles, scopes).map_err(|_| access_denied())
}

/// What a mailbox API request needs: a caller holding one of `roles` (or, delegated,
/// `scopes`), and the mailbox it names, with its owner and whether it is an auxiliary archive.
fn with_mailbox<T>(
    sim: &SharedSim,
    headers: &HeaderMap,
    mailbox_id: &str,
    (roles, scopes): (&[&str], &[&str]),
    then: impl FnOnce(&Tenant, &User, bool) -> Result<T, GraphError>,
) -> Result<T, GraphError> {
    let caller = caller(sim, headers)?;
    let world = sim.world();
    let tenant = caller.tenant_in(&world)?;
    let owner = mailbox_owner(tenant, mailbox_id);
    // Authorised before the mailbox is looked up: an application without the permission is
    // refused whatever the id.
    match owner {
        Some((user, _)) => super::users::require_mailbox(&caller, tenant, user, roles, scopes)?,
        None => require_app_role(&caller, roles, scopes)?,
    }
    let (user, auxiliary) = owner.ok_or_else(|| mailbox_not_found(mailbox_id))?;
    then(tenant, user, auxiliary)
}

/// A page of `items`, each cut to the `$select`ed properties.
fn selected_page(
    sim: &SharedSim,
    path: &str,
    context: &str,
    items: Vec<Value>,
    query: &ODataQuery,
) -> Result<Value, GraphError> {
    let mut page = odata::page(&sim.base_url, path, context, items, query, 10)?;
    if let Some(items) = page.get_mut("value").and_then(Value::as_array_mut) {
        for item in items.iter_mut() {
            *item = odata::select(item.take(), query);
        }
    }
    Ok(page)
}

pub async fn exchange_settings(State(sim): State<SharedSim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        caller.require(super::users::READ_USERS_ROLES, super::users::READ_USERS_SCOPES)?;
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let user = super::users::mailbox_user(tenant, &id)?;
        Ok(json!({
            "@odata.context": format!("{}/v1.0/$metadata#users('{}')/settings/exchange/$entity", sim.base_url, user.user_principal_name),
            "primaryMailboxId": primary_mailbox_id(tenant, user),
        }))
    })())
}

pub async fn folders(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(mailbox_id): Path<String>,
    Query(query): Query<ODataQuery>,
) -> Response {
    let roles = (
        &["MailboxFolder.Read.All", "MailboxFolder.ReadWrite.All"][..],
        &["MailboxFolder.Read", "MailboxFolder.ReadWrite"][..],
    );
    respond(with_mailbox(&sim, &headers, &mailbox_id, roles, |_, user, _| {
        let root = folder_id(user, "msgfolderroot");
        let folders: Vec<Value> = FOLDERS
            .iter()
            .map(|(well_known, name)| {
                json!({
                    "id": folder_id(user, well_known),
                    "displayName": name,
                    "parentFolderId": root,
                    "childFolderCount": 0,
                    "totalItemCount": item_count(user, well_known),
                    "wellKnownName": well_known,
                    "type": "IPF.Note",
                })
            })
            .collect();
        let path = format!("/v1.0/admin/exchange/mailboxes/{mailbox_id}/folders");
        selected_page(&sim, &path, &format!("admin/exchange/mailboxes('{mailbox_id}')/folders"), folders, &query)
    }))
}

pub async fn items(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path((mailbox_id, folder)): Path<(String, String)>,
    Query(query): Query<ODataQuery>,
) -> Response {
    let roles = (
        &["MailboxItem.Read.All", "MailboxItem.ReadWrite.All"][..],
        &["MailboxItem.Read", "MailboxItem.ReadWrite"][..],
    );
    respond(with_mailbox(&sim, &headers, &mailbox_id, roles, |_, user, _| {
        // A folder by id, or by its well-known name (Microsoft's example uses `Inbox`).
        let well_known = FOLDERS
            .iter()
            .map(|(name, _)| *name)
            .find(|name| name.eq_ignore_ascii_case(&folder) || folder_id(user, name) == folder)
            .ok_or_else(|| {
                GraphError::new(
                    StatusCode::NOT_FOUND,
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                )
            })?;
        let count = item_count(user, well_known);
        let path = format!("/v1.0/admin/exchange/mailboxes/{mailbox_id}/folders/{folder}/items");
        let context = format!("admin/exchange/mailboxes('{mailbox_id}')/folders('{folder}')/items");
        odata::page_of(&sim.base_url, &path, &context, count as usize, &query, 10, |skip, top| {
            (skip as u64..count.min((skip + top) as u64))
                .map(|n| {
                    let item = json!({
                        "@odata.type": "#microsoft.graph.mailboxItem",
                        "id": item_id(user, well_known, n),
                        "createdDateTime": "2026-09-15T12:16:38Z",
                        "lastModifiedDateTime": "2026-09-15T12:16:41Z",
                        "changeKey": format!("CQAAABYAAAC{n:08}"),
                        "categories": [],
                        "type": "IPM.Note",
                        "size": 40_000 + n * 1_000,
                    });
                    odata::select(item, &query)
                })
                .collect()
        })
    }))
}

pub async fn export_items(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(mailbox_id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    respond((|| {
        // The API's page sends `itemIds`; the Graph SDK, from Microsoft's metadata, `ItemIds`.
        let ids: Vec<String> = body
            .get("itemIds")
            .or_else(|| body.get("ItemIds"))
            .and_then(Value::as_array)
            .ok_or_else(|| GraphError::bad_request("itemIds is required."))?
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect();
        if ids.is_empty() || ids.len() > 20 {
            return Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidRequest",
                "itemIds must hold 1 to 20 ids.",
            ));
        }
        let roles = (
            &["MailboxItem.Export.All", "MailboxItem.ImportExport.All"][..],
            &["MailboxItem.Export", "MailboxItem.ImportExport"][..],
        );
        with_mailbox(&sim, &headers, &mailbox_id, roles, |tenant, user, auxiliary| {
            let moved = !auxiliary && tenant.exchange.items_in_auxiliary_archive.contains(&user.id);
            let known = |id: &str| {
                FOLDERS.iter().any(|(name, _)| (0..item_count(user, name)).any(|n| item_id(user, name, n) == id))
            };
            let value: Vec<Value> = ids
            .iter()
            .map(|id| {
                if !known(id) {
                    json!({ "itemId": id, "error": { "code": "ErrorItemNotFound", "message": "The specified object was not found in the store." } })
                } else if moved {
                    // `error`, as exportItemResponse declares it (and the Graph SDK reads it);
                    // Microsoft's redirect example spells it `Error`, which tests inject.
                    let url = format!("{}/v1.0/admin/exchange/mailboxes/{}/exportItems", sim.base_url, auxiliary_mailbox_id(tenant, user));
                    json!({ "itemId": id, "error": { "message": url, "code": "ErrorArchiveFolderMovedPermanently" } })
                } else {
                    let stream = base64::engine::general_purpose::STANDARD.encode(format!("FTS stream of {id}").repeat(64));
                    json!({ "itemId": id, "changeKey": "CQAAABYAAACQ2fKdhq8oSKEDSVrdi3lRAAEu4C+G", "data": stream })
                }
            })
            .collect();
            Ok(json!({
                "@odata.context": format!("{}/v1.0/$metadata#Collection(microsoft.graph.exportItemResponse)", sim.base_url),
                "value": value,
            }))
        })
    })())
}

pub async fn create_import_session(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path(mailbox_id): Path<String>,
) -> Response {
    let result = (|| {
        with_mailbox(
            &sim,
            &headers,
            &mailbox_id,
            (&["MailboxItem.ImportExport.All"], &["MailboxItem.ImportExport"]),
            |_, _, _| Ok(()),
        )?;
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::world::new_id());
        Ok(json!({
            "@odata.context": format!("{}/v1.0/$metadata#microsoft.graph.mailboxItemImportSession", sim.base_url),
            "importUrl": format!("{}/api/gbeta/Mailboxes('{mailbox_id}')/importItem?authtoken={token}", sim.base_url),
            "expirationDateTime": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339(),
        }))
    })();
    // Microsoft's guide answers 201 Created (the API's page shows 200).
    super::respond(result.map(|body| (StatusCode::CREATED, body)))
}

/// One message, event or contact of a user: the item-level reads.
pub async fn user_items(
    State(sim): State<SharedSim>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<ODataQuery>,
) -> Response {
    respond((|| {
        let caller = caller(&sim, &headers)?;
        let (roles, scopes): (&[&str], &[&str]) = match kind.as_str() {
            "messages" => (&["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All"], &["Mail.Read", "Mail.ReadWrite"]),
            "events" => (&["Calendars.Read", "Calendars.ReadWrite"], &["Calendars.Read", "Calendars.ReadWrite"]),
            "contacts" => (&["Contacts.Read", "Contacts.ReadWrite"], &["Contacts.Read", "Contacts.ReadWrite"]),
            _ => {
                return Err(GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    format!("Resource not found for the segment '{kind}'."),
                ))
            }
        };
        let world = sim.world();
        let tenant = caller.tenant_in(&world)?;
        let user = super::users::mailbox_user(tenant, &id)?;
        super::users::require_mailbox(&caller, tenant, user, roles, scopes)?;
        let items = vec![json!({ "id": item_id(user, &kind, 0) })];
        selected_page(&sim, &format!("/v1.0/users/{id}/{kind}"), &format!("users('{id}')/{kind}"), items, &query)
    })())
}
