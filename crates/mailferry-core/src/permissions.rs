//! The application permissions a connection needs, by role (docs/microsoft-contract.md).
//! Graph-only by default: EWS in Exchange Online is being retired.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Role;

/// Microsoft Graph's application id, the resource every permission below belongs to.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Permission {
    /// The app role's value, as the admin center lists it, e.g. `Mail.Read`.
    pub name: String,
    /// The app role id in Microsoft Graph.
    pub id: String,
    pub resource: String,
    /// Why Mailferry needs it, in one line.
    pub reason: String,
}

const SHARED: [(&str, &str, &str); 2] = [
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Find the tenant's users and their mailboxes."),
    ("Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6", "Read the tenant's name and verified domains."),
];

const SOURCE: [(&str, &str, &str); 4] = [
    ("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Read the mail to migrate."),
    (
        "MailboxSettings.Read",
        "40f97065-369a-49f4-947c-6a255697ae91",
        "Read mailbox settings such as time zone and rules.",
    ),
    ("Calendars.Read", "798ee544-9d2d-430c-a058-570e29e34338", "Read calendars to migrate."),
    ("Contacts.Read", "089fe4d0-434a-44c5-8827-41ba8a0b17f5", "Read contacts to migrate."),
];

const TARGET: [(&str, &str, &str); 4] = [
    ("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Write the migrated mail into target mailboxes."),
    ("MailboxSettings.ReadWrite", "6931bccd-447a-43d1-b442-00a195474933", "Apply mailbox settings in the target."),
    ("Calendars.ReadWrite", "ef54d2bf-783f-4e0f-bca1-3210c0444d99", "Write the migrated calendars."),
    ("Contacts.ReadWrite", "6918b873-d17a-4dc1-b314-35f528134491", "Write the migrated contacts."),
];

/// The Microsoft Graph application permissions a connection of this role needs.
pub fn permission_set(role: Role) -> Vec<Permission> {
    let specific = match role {
        Role::Source => SOURCE,
        Role::Target => TARGET,
    };
    SHARED
        .iter()
        .chain(specific.iter())
        .map(|(name, id, reason)| Permission {
            name: (*name).into(),
            id: (*id).into(),
            resource: "Microsoft Graph".into(),
            reason: (*reason).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_only_reads_and_a_target_may_write() {
        let names = |role| permission_set(role).into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(Role::Source),
            [
                "User.Read.All",
                "Organization.Read.All",
                "Mail.Read",
                "MailboxSettings.Read",
                "Calendars.Read",
                "Contacts.Read"
            ]
        );
        assert!(names(Role::Target).contains(&"Mail.ReadWrite".to_owned()));
        assert!(!names(Role::Source).iter().any(|n| n.ends_with("ReadWrite")));
    }

    #[test]
    fn every_permission_carries_a_graph_app_role_guid() {
        for p in permission_set(Role::Source).into_iter().chain(permission_set(Role::Target)) {
            assert!(crate::validate::parse_guid(&p.id).is_some(), "{}", p.name);
            assert!(!p.reason.is_empty());
        }
    }
}
