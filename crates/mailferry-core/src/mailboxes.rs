//! Mailbox discovery: the tenant's users through Microsoft Graph, 999 a page, each page handed
//! on as it arrives. A user is a mailbox when `provisionedPlans` holds an enabled `exchange`
//! plan; users with a mail address but no Exchange Online plan are reported apart (they cannot
//! be migrated), never dropped silently.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::connections::ConnectionService;
use crate::graph::directory::{self, User};
use crate::graph::GraphClient;
use crate::http::CancellationToken;
use crate::identity::{AppTokenRequest, IdentityClient};
use crate::model::Connection;
use crate::Result;

/// The largest page Graph serves for users.
pub const PAGE_SIZE: usize = 999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Mailbox {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub mail: Option<String>,
}

/// Running totals, after each page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiscoveryTotals {
    pub users_read: usize,
    pub mailboxes: usize,
    /// Users with a mail address but no Exchange Online mailbox.
    pub without_exchange: usize,
    pub pages: usize,
}

/// One page, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiscoveryPage {
    pub mailboxes: Vec<Mailbox>,
    pub without_exchange: Vec<Mailbox>,
    pub totals: DiscoveryTotals,
}

fn mailbox_of(user: &User) -> Mailbox {
    Mailbox {
        id: user.id.clone(),
        display_name: user.display_name.clone().unwrap_or_default(),
        user_principal_name: user.user_principal_name.clone().unwrap_or_default(),
        mail: user.mail.clone(),
    }
}

/// Sorts one page of users into mailboxes and users without Exchange Online.
pub fn classify(users: Vec<Value>, totals: &mut DiscoveryTotals) -> DiscoveryPage {
    let mut page = DiscoveryPage { mailboxes: Vec::new(), without_exchange: Vec::new(), totals: *totals };
    let read = users.len();
    for user in users.into_iter().filter_map(|user| serde_json::from_value::<User>(user).ok()) {
        let mailbox = mailbox_of(&user);
        if user.has_exchange_mailbox() {
            page.mailboxes.push(mailbox);
        } else if mailbox.mail.is_some() {
            page.without_exchange.push(mailbox);
        }
    }
    totals.users_read += read;
    totals.mailboxes += page.mailboxes.len();
    totals.without_exchange += page.without_exchange.len();
    totals.pages += 1;
    page.totals = *totals;
    page
}

/// Reads every user of the connection's tenant and hands each classified page to `on_page`
/// as it arrives. Throttled pages are retried after `Retry-After`; cancelling stops at once.
pub async fn discover(
    identity: &IdentityClient,
    connections: &ConnectionService,
    connection: &Connection,
    mut on_page: impl FnMut(DiscoveryPage) -> Result<()>,
    cancel: &CancellationToken,
) -> Result<DiscoveryTotals> {
    let credential = connections.app_credential(connection).await?;
    let tenant = identity.tenants.resolve(&identity.http, &connection.cloud, &connection.tenant_id, cancel).await?;
    let request = AppTokenRequest {
        cloud: &connection.cloud,
        tenant: &tenant,
        client_id: &connection.client_id,
        credential: &credential,
        fresh: false,
    };
    let token = identity.tokens.app_only(&identity.http, &request, cancel).await?;
    let graph = GraphClient::new(&identity.http, connection.cloud.graph_url(), token.bearer());
    let mut totals = DiscoveryTotals::default();
    // A connection scoped to a group reaches only the group's direct members: only they are
    // listed (Exchange counts direct members only in a MemberOfGroup scope).
    let (path, what) = match &connection.mailbox_scope {
        None => (directory::users_page_path(PAGE_SIZE), "list the tenant's users"),
        Some(scope) => {
            let group = group_id(&graph, &scope.group, cancel).await?;
            (directory::group_members_page_path(&group, PAGE_SIZE), "list the members of the connection's group")
        }
    };
    graph
        .pages(&path, what, cancel, |users| {
            let page = classify(users, &mut totals);
            on_page(page)
        })
        .await?;
    tracing::info!(users = totals.users_read, mailboxes = totals.mailboxes, "mailboxes discovered");
    Ok(totals)
}

/// The object id of a group given by id or by mail address.
async fn group_id(graph: &GraphClient<'_>, group: &str, cancel: &CancellationToken) -> Result<String> {
    if let Some(id) = crate::validate::parse_guid(group) {
        return Ok(id);
    }
    let path = directory::groups_by_mail_path(group, "id");
    let found = graph.get(&path, "find the connection's group", cancel).await?;
    crate::graph::first_item::<directory::User>(&found).map(|g| g.id).ok_or_else(|| {
        crate::Error::invalid(
            crate::validate::Field::ScopeGroup,
            format!("Scope group: no group with the address {group} exists in the tenant."),
            "Edit the connection and give the group's email address or object ID (Microsoft Entra admin center > Groups).",
        )
    })
}

/// Discovery as the app runs it: one at a time, cancellable from another command.
pub struct DiscoveryService {
    identity: IdentityClient,
    running: std::sync::Mutex<Option<CancellationToken>>,
}

impl DiscoveryService {
    pub fn new(identity: IdentityClient) -> Self {
        DiscoveryService { identity, running: std::sync::Mutex::new(None) }
    }

    /// Discovers the mailboxes of a saved connection; a new discovery cancels the one running.
    pub async fn discover(
        &self,
        connections: &ConnectionService,
        connection_id: uuid::Uuid,
        on_page: impl FnMut(DiscoveryPage) -> Result<()>,
    ) -> Result<DiscoveryTotals> {
        let connection = connections.get(connection_id).await?;
        let cancel = CancellationToken::new();
        if let Ok(mut running) = self.running.lock() {
            if let Some(previous) = running.replace(cancel.clone()) {
                previous.cancel();
            }
        }
        discover(&self.identity, connections, &connection, on_page, &cancel).await
    }

    pub fn cancel(&self) -> bool {
        let token = self.running.lock().ok().and_then(|mut running| running.take());
        token.map(|t| t.cancel()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_an_enabled_exchange_plan_makes_a_mailbox_and_mail_users_without_one_are_kept_apart() {
        let users = vec![
            json!({"id": "1", "displayName": "A", "userPrincipalName": "a@x", "mail": "a@x",
                   "provisionedPlans": [{"service": "exchange", "capabilityStatus": "Enabled"}]}),
            json!({"id": "2", "displayName": "B", "userPrincipalName": "b@x", "mail": "b@x",
                   "provisionedPlans": [{"service": "exchange", "capabilityStatus": "Suspended"}]}),
            json!({"id": "3", "displayName": "C", "userPrincipalName": "c@x", "mail": null, "provisionedPlans": []}),
            json!({"id": "4", "displayName": "D", "userPrincipalName": "d@x", "mail": "d@x",
                   "provisionedPlans": [{"service": "SharePoint", "capabilityStatus": "Enabled"}]}),
        ];
        let mut totals = DiscoveryTotals::default();
        let page = classify(users, &mut totals);
        assert_eq!(page.mailboxes.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["1"]);
        assert_eq!(page.without_exchange.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["2", "4"]);
        assert_eq!(totals, DiscoveryTotals { users_read: 4, mailboxes: 1, without_exchange: 2, pages: 1 });
    }
}
