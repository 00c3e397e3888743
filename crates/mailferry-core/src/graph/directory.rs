//! Microsoft Graph's organization, users and mail folders, as the configuration checks and
//! mailbox discovery read them (docs/microsoft-contract.md): the requests Mailferry sends and
//! serde types for the properties it reads.

use serde::Deserialize;

use super::{odata_string, path_segment, BatchRequest};

/// The organization's name and verified domains (`GET /organization`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_default: Option<bool>,
}

impl Organization {
    /// The default domain, else the first one.
    pub fn default_domain(&self) -> Option<&str> {
        self.verified_domains
            .iter()
            .find(|d| d.is_default == Some(true))
            .or_else(|| self.verified_domains.first())
            .and_then(|d| d.name.as_deref())
    }
}

/// A user, with the properties Mailferry selects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub provisioned_plans: Vec<ProvisionedPlan>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedPlan {
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub capability_status: Option<String>,
}

impl User {
    /// An enabled `exchange` plan: the user has an Exchange Online mailbox.
    pub fn has_exchange_mailbox(&self) -> bool {
        self.provisioned_plans.iter().any(|plan| {
            plan.service.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("exchange"))
                && plan.capability_status.as_deref() == Some("Enabled")
        })
    }
}

/// A mail folder's id and item count.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailFolder {
    #[serde(default)]
    pub total_item_count: Option<u64>,
}

/// The organization, for check 4.
pub fn organization_request() -> BatchRequest {
    BatchRequest::get("/organization?$select=id,displayName,verifiedDomains")
}

/// A user by id or user principal name, for check 5.
pub fn user_request(address: &str) -> BatchRequest {
    BatchRequest::get(format!("/users/{}?$select=id,userPrincipalName,mail", path_segment(address)))
}

/// A user whose `mail` is `address` (when the address is not the user principal name).
pub fn user_by_mail_path(address: &str) -> String {
    format!("/users?$filter=mail eq '{}'&$select=id,userPrincipalName,mail", odata_string(address))
}

/// The user's inbox, for check 6: it proves mail access really works.
pub fn inbox_path(user: &str) -> String {
    format!("/users/{}/mailFolders/inbox?$select=id,totalItemCount", path_segment(user))
}

/// The first page of the tenant's users for discovery, with what tells a mailbox apart.
pub fn users_page_path(page_size: usize) -> String {
    format!("/users?$select=id,displayName,userPrincipalName,mail,provisionedPlans&$top={page_size}")
}

/// The groups whose `mail` is `address`, with the properties `select` names. The value is
/// encoded, spaces too: the path also travels as a `$batch` request's URL.
pub fn groups_by_mail_path(address: &str, select: &str) -> String {
    let literal = odata_string(address);
    let value = percent_encoding::utf8_percent_encode(&literal, percent_encoding::NON_ALPHANUMERIC);
    format!("/groups?$filter=mail%20eq%20'{value}'&$select={select}")
}

/// The users among a group's direct members (the `microsoft.graph.user` cast), as
/// [`users_page_path`] reads them.
pub fn group_members_page_path(group_id: &str, page_size: usize) -> String {
    format!(
        "/groups/{}/members/microsoft.graph.user?$select=id,displayName,userPrincipalName,mail,provisionedPlans&$top={page_size}",
        path_segment(group_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::first_item;
    use serde_json::{json, Value};

    #[test]
    fn only_an_enabled_exchange_plan_makes_a_mailbox() {
        let user = |plans: Value| {
            serde_json::from_value::<User>(json!({"id": "u", "provisionedPlans": plans})).unwrap_or_default()
        };
        assert!(user(json!([{"service": "exchange", "capabilityStatus": "Enabled", "provisioningStatus": "Success"}]))
            .has_exchange_mailbox());
        assert!(!user(json!([{"service": "exchange", "capabilityStatus": "Deleted"}])).has_exchange_mailbox());
        assert!(!user(json!([{"service": "SharePoint", "capabilityStatus": "Enabled"}])).has_exchange_mailbox());
        assert!(!user(json!([])).has_exchange_mailbox());
    }

    #[test]
    fn the_default_domain_is_the_one_marked_default_else_the_first() {
        // Microsoft's "List organization" example, shortened.
        let body = json!({"value": [{"displayName": "Contoso", "verifiedDomains": [
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": false, "isInitial": true, "name": "contoso.onmicrosoft.com", "type": "Managed"},
            {"isDefault": true, "isInitial": false, "name": "contoso.com", "type": "Managed"}]}]});
        let organization = first_item::<Organization>(&body).unwrap_or_default();
        assert_eq!(organization.display_name.as_deref(), Some("Contoso"));
        assert_eq!(organization.default_domain(), Some("contoso.com"));
        let none_marked = json!({"value": [{"verifiedDomains": [{"name": "a.onmicrosoft.com"}]}]});
        assert_eq!(
            first_item::<Organization>(&none_marked).unwrap_or_default().default_domain(),
            Some("a.onmicrosoft.com")
        );
    }
}
