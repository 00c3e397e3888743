//! Check 7, mailbox scope: for a connection limited to a group through Exchange Online's RBAC
//! for Applications, proves the limit holds. The group and its direct members, and a page of
//! the tenant's users, come in the checks' first batch; check 6 already proved the application
//! mailbox (which must be a member) is reachable; one more request proves a mailbox outside
//! the group is refused. What can be wrong is said exactly: no such group, a group without
//! mail, the application mailbox outside it, the scope missing or not applied yet (Exchange
//! caches assignments for 30 minutes to 2 hours), or a tenant-wide grant that voids it.

use serde::Deserialize;
use serde_json::Value;

use crate::graph::directory::{self, User};
use crate::graph::mailbox_api::{self, ExchangeSettings};
use crate::graph::{first_item, path_segment, BatchRequest, BatchResponse, GraphClient};
use crate::http::CancellationToken;
use crate::model::checks::{CheckId, CheckResult, CheckStatus};
use crate::model::Connection;
use crate::permissions::PermissionProfile;
use crate::{Error, Result};

/// How many of the tenant's users are read to find one outside the group.
const OUTSIDERS_PAGE: usize = 50;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    id: String,
    display_name: Option<String>,
    #[serde(default)]
    mail_enabled: bool,
}

pub(super) struct ScopeOutcome {
    pub result: CheckResult,
    pub group_name: Option<String>,
}

fn group_is_id(group: &str) -> bool {
    crate::validate::parse_guid(group).is_some()
}

const MEMBER_FIELDS: &str = "$select=id,userPrincipalName,mail&$top=999";

/// What check 7 adds to the first batch: the group (with its members when it is named by id)
/// and a page of users; nothing for a connection that is not scoped.
pub(super) fn first_round(connection: &Connection) -> Vec<BatchRequest> {
    let Some(scope) = &connection.mailbox_scope else { return Vec::new() };
    let group = &scope.group;
    let users =
        BatchRequest::get(format!("/users?$top={OUTSIDERS_PAGE}&$select=id,userPrincipalName,mail,provisionedPlans"));
    if group_is_id(group) {
        vec![
            BatchRequest::get(format!("/groups/{}?$select=id,displayName,mail,mailEnabled", path_segment(group))),
            BatchRequest::get(format!("/groups/{}/members?{MEMBER_FIELDS}", path_segment(group))),
            users,
        ]
    } else {
        vec![BatchRequest::get(directory::groups_by_mail_path(group, "id,displayName,mail,mailEnabled")), users]
    }
}

fn fail(summary: impl Into<String>, fix: impl Into<String>) -> CheckResult {
    CheckResult::fail(CheckId::MailboxScope, summary, fix)
}

/// Check 7 from the answers to [`first_round`], check 6's result, and the tenant-wide grants
/// that void the scope (check 3's).
pub(super) async fn scope_result(
    graph: &GraphClient<'_>,
    connection: &Connection,
    answers: &[BatchResponse],
    mail_access: &CheckResult,
    voiding: &[String],
    cancel: &CancellationToken,
) -> Result<ScopeOutcome> {
    let Some(scope) = &connection.mailbox_scope else {
        return Ok(ScopeOutcome {
            result: CheckResult::pass(
                CheckId::MailboxScope,
                "Tenant-wide: the application's mailbox permissions reach every mailbox of the tenant (no Exchange Online scope).",
            ),
            group_name: None,
        });
    };
    let mailbox = connection.application_mailbox.trim();
    let by_id = group_is_id(&scope.group);
    let (group_answer, members_answer, users_answer) = match (by_id, answers) {
        (true, [group, members, users, ..]) => (group, Some(members), users),
        (false, [group, users, ..]) => (group, None, users),
        _ => return Err(Error::Internal("a batch answer is missing".into())),
    };

    // The group.
    if !group_answer.is_success() {
        let refused = group_answer.status == 403;
        let result = if refused {
            fail(
                format!("The application may not read the group {}.", scope.group),
                "Grant the Microsoft Graph application permission GroupMember.Read.All with admin consent: a scoped connection reads who is in its group.",
            )
        } else {
            fail(
                format!("No group {} exists in the tenant.", scope.group),
                "Check the group's email address or object ID (Microsoft Entra admin center > Groups).",
            )
        };
        return Ok(ScopeOutcome { result: result.with_microsoft(Some(group_answer.detail())), group_name: None });
    }
    let group = if by_id {
        serde_json::from_value::<Group>(group_answer.body.clone()).ok()
    } else {
        first_item::<Group>(&group_answer.body)
    };
    let Some(group) = group else {
        return Ok(ScopeOutcome {
            result: fail(
                format!("No group with the address {} exists in the tenant.", scope.group),
                "Check the group's email address, or give its object ID (Microsoft Entra admin center > Groups).",
            ),
            group_name: None,
        });
    };
    let name = group.display_name.clone().unwrap_or_else(|| scope.group.clone());
    let outcome = |result: CheckResult| Ok(ScopeOutcome { result, group_name: Some(name.clone()) });
    if !group.mail_enabled {
        return outcome(fail(
            format!("{name} is not mail-enabled: Exchange Online scopes only mail-enabled groups."),
            "Choose a mail-enabled security group (or a Microsoft 365 group or distribution list), which Exchange Online can scope an application to.",
        ));
    }

    // Its direct members (Exchange counts only direct members in a MemberOfGroup scope).
    let members = match members_answer {
        Some(answer) if answer.is_success() => members_of(graph, &group, Some(&answer.body), cancel).await,
        Some(answer) => {
            return outcome(
                fail(
                    format!("The application may not read the members of {name}."),
                    "Grant the Microsoft Graph application permission GroupMember.Read.All with admin consent.",
                )
                .with_microsoft(Some(answer.detail())),
            )
        }
        None => members_of(graph, &group, None, cancel).await,
    };
    let members = match members {
        Ok(members) => members,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => return outcome(fail(error.to_string(), error.hint().unwrap_or_default())),
    };
    let is_member = |address: &str| members.iter().any(|m| same_user(m, address));
    if !is_member(mailbox) {
        return outcome(fail(
            format!("{mailbox} is not a direct member of {name}: Mailferry works in that mailbox, so the scope must hold it."),
            format!("Add {mailbox} to {name} (direct membership: Exchange does not count nested groups), then retry."),
        ));
    }
    if !voiding.is_empty() {
        return outcome(fail(
            format!("The scope to {name} is void: {} granted tenant-wide in Microsoft Entra ID adds up with it.", voiding.join(", ")),
            format!("Remove {} from the app registration's API permissions in the Microsoft Entra admin center, then retry.", voiding.join(", ")),
        ));
    }
    if mail_access.status == CheckStatus::Fail {
        let denied = mail_access.microsoft.as_ref().is_some_and(|m| m.http_status == 403);
        return outcome(if denied {
            fail(
                format!("Exchange Online refused the application on {mailbox}, a member of {name}: the scope's role assignments are missing, or Exchange has not applied them yet."),
                "Run the Exchange Online PowerShell below as an Exchange administrator. Exchange applies new assignments within 30 minutes to 2 hours (it caches them); Test-ServicePrincipalAuthorization shows them at once. Then retry.",
            )
        } else {
            CheckResult::skipped(CheckId::MailboxScope, CheckId::MailAccess)
        });
    }

    // One mailbox outside the group must be refused.
    let outsider = users_answer
        .is_success()
        .then(|| crate::graph::mailbox_api::collection::<User>(&users_answer.body))
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .find(|u| u.has_exchange_mailbox() && !members.iter().any(|m| m.id == u.id) && !same_user(u, mailbox));
    let count = members.len();
    let scoped = format!("Scoped to {name}: {count} mailbox{}.", if count == 1 { "" } else { "es" });
    let Some(outsider) = outsider else {
        return outcome(CheckResult::warn(
            CheckId::MailboxScope,
            format!("{scoped} No mailbox outside the group was found to prove that others are refused."),
            "Nothing to do if every mailbox is meant to be in scope; otherwise check with Test-ServicePrincipalAuthorization in Exchange Online PowerShell.",
        ));
    };
    let address = outsider.user_principal_name.clone().unwrap_or_else(|| outsider.id.clone());
    let reached = match reach(graph, connection.permission_profile, &outsider.id, cancel).await {
        Ok(reached) => reached,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => return outcome(fail(error.to_string(), error.hint().unwrap_or_default())),
    };
    outcome(match reached {
        Reach::Refused => CheckResult::pass(CheckId::MailboxScope, format!("{scoped} {address}, outside it, is refused.")),
        Reach::Reached => fail(
            format!("The application reached {address}, who is not in {name}: something grants more than the scope."),
            "Another Exchange Online role assignment of this application (or an Entra grant) reaches that mailbox: list them with Get-ManagementRoleAssignment -RoleAssignee <the enterprise application's object ID> and remove those not scoped to the group.",
        ),
        Reach::Unknown(status) => CheckResult::warn(
            CheckId::MailboxScope,
            format!("{scoped} Whether {address}, outside it, is refused could not be told (Microsoft answered HTTP {status})."),
            "Retry; or check with Test-ServicePrincipalAuthorization in Exchange Online PowerShell.",
        ),
    })
}

fn same_user(user: &User, address: &str) -> bool {
    [Some(&user.id), user.user_principal_name.as_ref(), user.mail.as_ref()]
        .into_iter()
        .flatten()
        .any(|v| v.eq_ignore_ascii_case(address))
}

/// Every direct member, from the first page if it came in the batch.
async fn members_of(
    graph: &GraphClient<'_>,
    group: &Group,
    first: Option<&Value>,
    cancel: &CancellationToken,
) -> Result<Vec<User>> {
    let path = format!("/groups/{}/members?{MEMBER_FIELDS}", path_segment(&group.id));
    let mut members = Vec::new();
    let mut keep = |items: Vec<Value>| {
        members.extend(items.into_iter().filter_map(|item| serde_json::from_value::<User>(item).ok()));
        Ok(())
    };
    match first.filter(|body| body.get("@odata.nextLink").is_none()) {
        Some(body) => keep(body.get("value").and_then(Value::as_array).cloned().unwrap_or_default())?,
        None => {
            graph.pages(&path, "read the group's members", cancel, keep).await?;
        }
    }
    Ok(members)
}

enum Reach {
    Reached,
    Refused,
    Unknown(u16),
}

/// Whether the application can reach a mailbox with its profile's first mailbox request.
async fn reach(
    graph: &GraphClient<'_>,
    profile: PermissionProfile,
    user_id: &str,
    cancel: &CancellationToken,
) -> Result<Reach> {
    let path = match profile {
        PermissionProfile::ItemLevel => directory::inbox_path(user_id),
        PermissionProfile::FullFidelity => {
            let settings = graph
                .get(&mailbox_api::exchange_settings_path(user_id), "find the mailbox outside the group", cancel)
                .await?;
            let ids = serde_json::from_value::<ExchangeSettings>(settings).unwrap_or_default();
            let Some(id) = ids.primary_mailbox_id else { return Ok(Reach::Unknown(200)) };
            mailbox_api::folders_path(&id)
        }
    };
    let answer = graph.send(reqwest::Method::GET, &path, None, "try a mailbox outside the group", cancel).await?;
    Ok(match answer.status {
        200..=299 => Reach::Reached,
        403 => Reach::Refused,
        other => Reach::Unknown(other),
    })
}
