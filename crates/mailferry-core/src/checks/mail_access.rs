//! Check 6, mail access: proves with the application's own token that a migration can run,
//! changing nothing in the tenant's data (docs/microsoft-contract.md, "Mail access").
//!
//! - Item level: the inbox, one message, one event and one contact, all in the checks' first
//!   `$batch`. (Every write Microsoft documents for messages, events and contacts creates or
//!   changes an item, so a target is proven by the same reads, which its `.ReadWrite`
//!   permissions include, and by the token's roles in check 3.)
//! - Full fidelity: the mailbox's id (`settings/exchange`, in the first batch), then one batch
//!   for its folders and, for a source, a few Inbox items or, for a target, an import session
//!   (its pre-authenticated URL is dropped unread); then a source exports one item, whose data
//!   is dropped at once. Archive redirects are followed as Microsoft documents.

use serde_json::Value;

use crate::graph::directory::{self, MailFolder};
use crate::graph::mailbox_api::{self, ExchangeSettings, ExportedItem, MailboxFolder, MailboxItem};
use crate::graph::{BatchRequest, BatchResponse, GraphClient, GraphErrorBody, GraphResponse};
use crate::http::CancellationToken;
use crate::model::checks::{CheckId, CheckResult};
use crate::model::{Connection, Role};
use crate::permissions::PermissionProfile;
use crate::{Error, Result};

/// What check 6 adds to the checks' first batch, for the mailbox `user` (an address or id).
pub(super) fn first_round(connection: &Connection, user: &str) -> Vec<BatchRequest> {
    let user_path = crate::graph::path_segment(user);
    match connection.permission_profile {
        PermissionProfile::ItemLevel => vec![
            BatchRequest::get(directory::inbox_path(user)),
            BatchRequest::get(format!("/users/{user_path}/messages?$top=1&$select=id")),
            BatchRequest::get(format!("/users/{user_path}/events?$top=1&$select=id")),
            BatchRequest::get(format!("/users/{user_path}/contacts?$top=1&$select=id")),
        ],
        PermissionProfile::FullFidelity => vec![BatchRequest::get(mailbox_api::exchange_settings_path(user))],
    }
}

/// Check 6 from the answers to [`first_round`]'s requests, in their order.
pub(super) async fn mail_access(
    graph: &GraphClient<'_>,
    connection: &Connection,
    mailbox: &str,
    answers: &[BatchResponse],
    cancel: &CancellationToken,
) -> Result<CheckResult> {
    match connection.permission_profile {
        PermissionProfile::ItemLevel => Ok(item_level(connection.role, mailbox, answers)),
        PermissionProfile::FullFidelity => full_fidelity(graph, connection.role, mailbox, answers, cancel).await,
    }
}

/// Check 6 for a mailbox found by another address than the one typed (its user id): the
/// first round is asked again by id.
pub(super) async fn mail_access_by_id(
    graph: &GraphClient<'_>,
    connection: &Connection,
    mailbox: &str,
    user_id: &str,
    cancel: &CancellationToken,
) -> Result<CheckResult> {
    match graph.batch(first_round(connection, user_id), cancel).await {
        Ok(answers) => mail_access(graph, connection, mailbox, &answers, cancel).await,
        Err(Error::Cancelled) => Err(Error::Cancelled),
        Err(error) => Ok(failed(&error)),
    }
}

fn failed(error: &Error) -> CheckResult {
    super::run::failed(CheckId::MailAccess, error)
}

fn item_level(role: Role, mailbox: &str, answers: &[BatchResponse]) -> CheckResult {
    let write = role == Role::Target;
    let needs = |read: &'static str, write_name: &'static str| if write { write_name } else { read };
    let probes = [
        ("the inbox", needs("Mail.Read", "Mail.ReadWrite")),
        ("a message", needs("Mail.Read", "Mail.ReadWrite")),
        ("an event", needs("Calendars.Read", "Calendars.ReadWrite")),
        ("a contact", needs("Contacts.Read", "Contacts.ReadWrite")),
    ];
    for ((what, permission), answer) in probes.iter().zip(answers) {
        if !answer.is_success() {
            return refusal(mailbox, answer.status, &answer.error(), &format!("read {what} of {mailbox}"), permission)
                .with_microsoft(Some(answer.detail()));
        }
    }
    let items = answers
        .first()
        .and_then(|inbox| serde_json::from_value::<MailFolder>(inbox.body.clone()).ok())
        .and_then(|folder| folder.total_item_count);
    let inbox = match items {
        Some(n) => format!("its inbox ({n} items)"),
        None => "its inbox".to_owned(),
    };
    CheckResult::pass(
        CheckId::MailAccess,
        format!("The application can read {mailbox}: {inbox}, its messages, calendar and contacts."),
    )
}

/// A refusal of one probe: the mailbox without Exchange Online, the permission the probe
/// needs (or an Exchange scope that leaves the mailbox out), or Microsoft's own words.
fn refusal(mailbox: &str, status: u16, error: &GraphErrorBody, what: &str, permission: &str) -> CheckResult {
    let any = |codes: &[&str]| codes.iter().any(|c| error.has_code(c));
    if any(&["MailboxNotEnabledForRESTAPI", "MailboxNotEnabledForRESTAPIError"]) {
        CheckResult::fail(
            CheckId::MailAccess,
            format!("{mailbox} has no Exchange Online mailbox."),
            "Assign the user a licence that includes Exchange Online (a new mailbox takes a few minutes to appear), or choose another mailbox.",
        )
    } else if status == 403 || any(&["ErrorAccessDenied", "AccessDenied"]) {
        CheckResult::fail(
            CheckId::MailAccess,
            format!("Microsoft refused the application when it tried to {what}: it needs {permission}."),
            format!("Grant the Microsoft Graph application permission {permission} with admin consent. If it is granted, an application access policy or an Exchange RBAC for Applications scope may leave this mailbox out: check it with Test-ApplicationAccessPolicy or Test-ServicePrincipalAuthorization in Exchange Online PowerShell."),
        )
    } else {
        let (summary, fix) = crate::microsoft_errors::explain_graph(status, error, what);
        CheckResult::fail(CheckId::MailAccess, summary, fix)
    }
}

fn refused(mailbox: &str, answer: &GraphResponse, what: &str, permission: &str) -> CheckResult {
    refusal(mailbox, answer.status, &answer.error(), what, permission).with_microsoft(Some(answer.detail()))
}

fn refused_in_batch(mailbox: &str, answer: &BatchResponse, what: &str, permission: &str) -> CheckResult {
    refusal(mailbox, answer.status, &answer.error(), what, permission).with_microsoft(Some(answer.detail()))
}

/// What one mailbox API probe came to.
enum Probe {
    Answered(Value),
    Refused(GraphResponse),
    /// The request could not be made (a redirect away from Graph, a lost connection).
    Failed(CheckResult),
}

/// A batch answer, or the request again where the answer is an archive redirect (308).
async fn followed(
    graph: &GraphClient<'_>,
    answer: &BatchResponse,
    what: &str,
    cancel: &CancellationToken,
) -> Result<Probe> {
    if !(300..400).contains(&answer.status) {
        return Ok(if answer.is_success() {
            Probe::Answered(answer.body.clone())
        } else {
            Probe::Refused(GraphResponse::from_batch(answer))
        });
    }
    let Some(location) = answer.header("location") else {
        let error = Error::UnexpectedResponse { what: what.into(), detail: "a redirect without a Location".into() };
        return Ok(Probe::Failed(failed(&error)));
    };
    Ok(match graph.send_mailbox_api(reqwest::Method::GET, location, None, what, cancel).await {
        Ok(again) if again.is_success() => Probe::Answered(again.body),
        Ok(again) => Probe::Refused(again),
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => Probe::Failed(failed(&error)),
    })
}

async fn full_fidelity(
    graph: &GraphClient<'_>,
    role: Role,
    mailbox: &str,
    answers: &[BatchResponse],
    cancel: &CancellationToken,
) -> Result<CheckResult> {
    let Some(settings) = answers.first() else {
        return Err(Error::Internal("the mailbox settings answer is missing".into()));
    };
    if !settings.is_success() {
        return Ok(refused_in_batch(mailbox, settings, &format!("find {mailbox}'s mailbox"), "User.Read.All"));
    }
    let ids = serde_json::from_value::<ExchangeSettings>(settings.body.clone()).unwrap_or_default();
    let Some(mailbox_id) = ids.primary_mailbox_id.filter(|id| !id.trim().is_empty()) else {
        return Ok(CheckResult::fail(
            CheckId::MailAccess,
            format!("Microsoft Graph gave no mailbox id for {mailbox}."),
            "Check that the user has an Exchange Online mailbox (Microsoft 365 admin center > Users > Active users > Mail), then retry.",
        ));
    };
    let (folders_need, second) = match role {
        Role::Source => ("MailboxFolder.Read.All", BatchRequest::get(mailbox_api::items_path(&mailbox_id, "inbox", 3))),
        Role::Target => (
            "MailboxFolder.ReadWrite.All",
            BatchRequest::post_empty(mailbox_api::create_import_session_path(&mailbox_id)),
        ),
    };
    let answers =
        match graph.batch(vec![BatchRequest::get(mailbox_api::folders_path(&mailbox_id)), second], cancel).await {
            Ok(answers) => answers,
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(error) => return Ok(failed(&error)),
        };
    let [folders_answer, second_answer, ..] = answers.as_slice() else {
        return Err(Error::Internal("a batch answer is missing".into()));
    };
    let list_folders = format!("list the folders of {mailbox}");
    let folders = match followed(graph, folders_answer, &list_folders, cancel).await? {
        Probe::Answered(body) => mailbox_api::collection::<MailboxFolder>(&body).unwrap_or_default(),
        Probe::Refused(answer) => return Ok(refused(mailbox, &answer, &list_folders, folders_need)),
        Probe::Failed(failure) => return Ok(failure),
    };
    let inbox = folders.iter().find(|f| f.well_known_name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("inbox")));
    let listed = format!(
        "listed the {} folders of {mailbox}{}",
        folders.len(),
        inbox.and_then(|f| f.total_item_count).map(|n| format!(" (Inbox: {n} items)")).unwrap_or_default()
    );
    match role {
        Role::Target => {
            let open_session = format!("open an import session on {mailbox}");
            if mailbox_api::import_session_expiry(&GraphResponse::from_batch(second_answer)).is_some() {
                return Ok(CheckResult::pass(
                    CheckId::MailAccess,
                    format!("Microsoft Graph's mailbox API: the application {listed} and opened an import session (nothing imported)."),
                ));
            }
            if second_answer.is_success() {
                return Ok(CheckResult::fail(
                    CheckId::MailAccess,
                    format!("Microsoft Graph opened no import session on {mailbox}: its answer held no import URL."),
                    "Retry in a few minutes; if it persists, the tenant may not have Microsoft Graph's mailbox import API yet: choose Item level for this connection.",
                ));
            }
            Ok(refused_in_batch(mailbox, second_answer, &open_session, "MailboxItem.ImportExport.All"))
        }
        Role::Source => {
            let list_items = format!("list the items of {mailbox}'s Inbox");
            let items = match followed(graph, second_answer, &list_items, cancel).await? {
                Probe::Answered(body) => mailbox_api::collection::<MailboxItem>(&body).unwrap_or_default(),
                Probe::Refused(answer) => return Ok(refused(mailbox, &answer, &list_items, "MailboxItem.Read.All")),
                Probe::Failed(failure) => return Ok(failure),
            };
            let Some(item) = items.first() else {
                return Ok(CheckResult::warn(
                    CheckId::MailAccess,
                    format!("Microsoft Graph's mailbox API: the application {listed}, but its Inbox is empty, so no export was tried."),
                    format!("Send {mailbox} one message and retry: Mailferry exports one item to prove that a migration can run (the export is discarded)."),
                ));
            };
            export_one(graph, mailbox, &mailbox_id, &item.id, &listed, cancel).await
        }
    }
}

/// Exports one item and keeps nothing of it but its size.
async fn export_one(
    graph: &GraphClient<'_>,
    mailbox: &str,
    mailbox_id: &str,
    item_id: &str,
    listed: &str,
    cancel: &CancellationToken,
) -> Result<CheckResult> {
    let what = format!("export an item of {mailbox}");
    let body = mailbox_api::export_items_body(&[item_id.to_owned()]);
    let mut target = mailbox_api::export_items_path(mailbox_id);
    for _ in 0..=mailbox_api::MAX_REDIRECTS {
        let answer = match graph.send_mailbox_api(reqwest::Method::POST, &target, Some(&body), &what, cancel).await {
            Ok(answer) => answer,
            Err(Error::Cancelled) => return Err(Error::Cancelled),
            Err(error) => return Ok(failed(&error)),
        };
        if !answer.is_success() {
            return Ok(refused(mailbox, &answer, &what, "MailboxItem.Export.All"));
        }
        // Read, then dropped with the answer: the item's content is never kept.
        let outcome = mailbox_api::exported_items(&answer.body).into_iter().next();
        drop(answer);
        match outcome {
            Some(ExportedItem::Exported { bytes, .. }) => {
                return Ok(CheckResult::pass(
                    CheckId::MailAccess,
                    format!("Microsoft Graph's mailbox API: the application {listed}, read its Inbox and exported one item in full fidelity ({} KB, discarded).", bytes.div_ceil(1024)),
                ))
            }
            Some(ExportedItem::Moved { url, .. }) => target = url,
            Some(ExportedItem::Refused { code, message, .. }) => {
                return Ok(CheckResult::fail(
                    CheckId::MailAccess,
                    format!("Exchange Online refused to export an item of {mailbox}: {code} {message}"),
                    "Retry in a few minutes; if it persists, note the code and ask Microsoft support, or choose Item level for this connection.",
                ))
            }
            None => {
                return Ok(CheckResult::fail(
                    CheckId::MailAccess,
                    format!("Microsoft Graph's export of an item of {mailbox} answered without the item."),
                    "Retry in a few minutes.",
                ))
            }
        }
    }
    Ok(CheckResult::fail(
        CheckId::MailAccess,
        format!("Exporting an item of {mailbox} was redirected more than {} times.", mailbox_api::MAX_REDIRECTS),
        "Retry later; if it persists, the archive's redirects loop: ask Microsoft support.",
    ))
}
