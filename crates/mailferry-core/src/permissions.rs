//! The application permissions a connection needs, by role and permission profile
//! (docs/microsoft-contract.md, "Permission profiles", links each name to the permissions
//! table of the Microsoft Graph API it serves). Graph-only: EWS in Exchange Online is being
//! retired.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cloud::Cloud;
use crate::model::Role;

/// Microsoft Graph's application id, the resource every permission below belongs to.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Permission {
    /// The app role's value, as the admin center lists it, e.g. `Mail.Read`.
    pub name: String,
    /// The app role id in Microsoft Graph as Mailferry knows it: a shortcut and a cross-check.
    /// Graph's own service principal is the authority (registration reads it by value).
    pub id: String,
    pub resource: String,
    /// Why Mailferry needs it, in one line.
    pub reason: String,
}

/// Which Microsoft Graph API a connection migrates with, hence which permissions it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PermissionProfile {
    /// The mailbox import and export API: every item moved as an opaque full-fidelity stream.
    /// Microsoft offers it in the Global cloud only.
    FullFidelity,
    /// Messages, events, contacts and mailbox settings, item by item: every cloud. The
    /// profile of every connection made before profiles existed.
    #[default]
    ItemLevel,
}

impl PermissionProfile {
    pub const ALL: [PermissionProfile; 2] = [PermissionProfile::FullFidelity, PermissionProfile::ItemLevel];

    /// The profile a new connection starts with in this cloud: full fidelity where Microsoft
    /// offers the export API. A Custom cloud may be a sovereign one without it, so it starts
    /// item level (full fidelity can still be chosen).
    pub fn default_for(cloud: &Cloud) -> PermissionProfile {
        if matches!(cloud, Cloud::Global) {
            PermissionProfile::FullFidelity
        } else {
            PermissionProfile::ItemLevel
        }
    }

    /// Whether Microsoft offers this profile's APIs in the cloud. The mailbox import and
    /// export API lists "Global service" only (not US Government L4, L5 or China).
    pub fn offered_in(self, cloud: &Cloud) -> bool {
        match self {
            PermissionProfile::FullFidelity => matches!(cloud, Cloud::Global | Cloud::Custom { .. }),
            PermissionProfile::ItemLevel => true,
        }
    }

    /// The name on the command line and in the store.
    pub fn slug(self) -> &'static str {
        match self {
            PermissionProfile::FullFidelity => "full-fidelity",
            PermissionProfile::ItemLevel => "item-level",
        }
    }

    pub fn parse(s: &str) -> Option<PermissionProfile> {
        Self::ALL.into_iter().find(|p| p.slug().eq_ignore_ascii_case(s.trim()))
    }

    pub fn display_name(self) -> &'static str {
        match self {
            PermissionProfile::FullFidelity => "Full fidelity",
            PermissionProfile::ItemLevel => "Item level",
        }
    }

    /// What the profile means for a migration, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            PermissionProfile::FullFidelity => "Every item moves as Exchange keeps it, through Microsoft Graph's mailbox import and export API. Global cloud only.",
            PermissionProfile::ItemLevel => "Messages, events, contacts and mailbox settings move item by item. Every cloud.",
        }
    }

    /// Checks a chosen profile against the cloud, with the fix when Microsoft lacks its API.
    pub fn check_cloud(self, cloud: &Cloud) -> Result<(), String> {
        if self.offered_in(cloud) {
            return Ok(());
        }
        Err(format!(
            "{} needs Microsoft Graph's mailbox import and export API, which Microsoft offers in the Global cloud only, not in {}: choose Item level.",
            self.display_name(),
            cloud.display_name()
        ))
    }
}

type Row = (&'static str, &'static str, &'static str);

const SHARED: [Row; 2] = [
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214", "Find the tenant's users and their mailboxes."),
    ("Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6", "Read the tenant's name and verified domains."),
];

const ITEM_LEVEL_SOURCE: [Row; 4] = [
    ("Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Read the mail to migrate."),
    (
        "MailboxSettings.Read",
        "40f97065-369a-49f4-947c-6a255697ae91",
        "Read mailbox settings such as time zone and rules.",
    ),
    ("Calendars.Read", "798ee544-9d2d-430c-a058-570e29e34338", "Read calendars to migrate."),
    ("Contacts.Read", "089fe4d0-434a-44c5-8827-41ba8a0b17f5", "Read contacts to migrate."),
];

const ITEM_LEVEL_TARGET: [Row; 4] = [
    ("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "Write the migrated mail into target mailboxes."),
    ("MailboxSettings.ReadWrite", "6931bccd-447a-43d1-b442-00a195474933", "Apply mailbox settings in the target."),
    ("Calendars.ReadWrite", "ef54d2bf-783f-4e0f-bca1-3210c0444d99", "Write the migrated calendars."),
    ("Contacts.ReadWrite", "6918b873-d17a-4dc1-b314-35f528134491", "Write the migrated contacts."),
];

// Each the least privileged application permission of the API it serves (the APIs' pages).
const FULL_FIDELITY_SOURCE: [Row; 3] = [
    (
        "MailboxFolder.Read.All",
        "99280d24-a782-4793-93cc-0888549957f6",
        "List each mailbox's folders (Microsoft Graph's mailbox API).",
    ),
    ("MailboxItem.Read.All", "7d9f353d-a7bd-4fbb-822a-26d5dd39a3ce", "List the items of each folder."),
    (
        "MailboxItem.Export.All",
        "937550e9-33a3-494b-88ae-d9cd394b1fbb",
        "Export every item in full fidelity, as Exchange keeps it.",
    ),
];

const FULL_FIDELITY_TARGET: [Row; 2] = [
    (
        "MailboxFolder.ReadWrite.All",
        "fef87b92-8391-4589-9da7-eb93dab7dc8a",
        "Create the migrated folders in target mailboxes.",
    ),
    (
        "MailboxItem.ImportExport.All",
        "76577085-e73d-4f1d-b26a-85fb33892327",
        "Import every item in full fidelity (an import session per mailbox).",
    ),
];

/// The Microsoft Graph application permissions a connection of this role and profile needs.
pub fn permission_set(role: Role, profile: PermissionProfile) -> Vec<Permission> {
    let specific: &[Row] = match (profile, role) {
        (PermissionProfile::ItemLevel, Role::Source) => &ITEM_LEVEL_SOURCE,
        (PermissionProfile::ItemLevel, Role::Target) => &ITEM_LEVEL_TARGET,
        (PermissionProfile::FullFidelity, Role::Source) => &FULL_FIDELITY_SOURCE,
        (PermissionProfile::FullFidelity, Role::Target) => &FULL_FIDELITY_TARGET,
    };
    SHARED.iter().chain(specific.iter()).copied().map(permission).collect()
}

/// Read group memberships: a connection scoped to a group reads who is in it.
const GROUP_MEMBERS: Row = (
    "GroupMember.Read.All",
    "98830695-27a2-44f7-8c18-0c3ebc9698f6",
    "Read the members of the group the connection is scoped to.",
);

/// Whether a permission reaches into mailboxes, so that Exchange Online's RBAC for
/// Applications can scope it to a group (its table of supported application roles).
pub fn is_mailbox_permission(name: &str) -> bool {
    !matches!(name, "User.Read.All" | "Organization.Read.All" | "GroupMember.Read.All")
}

/// The Exchange Online application role that grants `permission` on a scope, as Microsoft's
/// table pairs them: `Application Mail.Read` for `Mail.Read`, `Application MailboxItem.Export`
/// for `MailboxItem.Export.All`.
pub fn exchange_role(permission: &str) -> String {
    format!("Application {}", permission.trim_end_matches(".All"))
}

/// What a connection needs, and where each permission is granted: tenant-wide in Entra ID, or,
/// for a connection scoped to a group, its mailbox permissions in Exchange Online only (a
/// tenant-wide grant would add up with the scope and void it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub role: Role,
    pub profile: PermissionProfile,
    pub scoped: bool,
}

impl Needs {
    pub fn of(connection: &crate::model::Connection) -> Needs {
        Needs {
            role: connection.role,
            profile: connection.permission_profile,
            scoped: connection.mailbox_scope.is_some(),
        }
    }

    /// Granted tenant-wide in Entra ID (and so seen in the token's `roles`).
    pub fn entra(self) -> Vec<Permission> {
        let mut set = permission_set(self.role, self.profile);
        if self.scoped {
            set.retain(|p| !is_mailbox_permission(&p.name));
            set.push(permission(GROUP_MEMBERS));
        }
        set
    }

    /// Granted on the group's scope in Exchange Online (none when not scoped).
    pub fn exchange(self) -> Vec<Permission> {
        if !self.scoped {
            return Vec::new();
        }
        permission_set(self.role, self.profile).into_iter().filter(|p| is_mailbox_permission(&p.name)).collect()
    }
}

fn permission((name, id, reason): Row) -> Permission {
    Permission { name: name.into(), id: id.into(), resource: "Microsoft Graph".into(), reason: reason.into() }
}

/// Every permission Mailferry may ask for, in any role or profile.
pub fn every_permission() -> Vec<Permission> {
    let mut all = Vec::new();
    for profile in PermissionProfile::ALL {
        for role in [Role::Source, Role::Target] {
            for p in permission_set(role, profile) {
                if !all.iter().any(|known: &Permission| known.name == p.name) {
                    all.push(p);
                }
            }
        }
    }
    all.push(permission(GROUP_MEMBERS));
    all
}

/// Whether a granted role holds the permission: the same, or a higher privileged one its
/// API's page lists (a `.ReadWrite` for its `.Read`; `MailboxItem.ImportExport.All` for
/// `MailboxItem.Export.All`).
pub fn covers(granted: &str, required: &str) -> bool {
    if granted.eq_ignore_ascii_case(required) {
        return true;
    }
    if required.eq_ignore_ascii_case("MailboxItem.Export.All") {
        return granted.eq_ignore_ascii_case("MailboxItem.ImportExport.All");
    }
    !required.contains(".ReadWrite") && required.replacen(".Read", ".ReadWrite", 1).eq_ignore_ascii_case(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(role: Role, profile: PermissionProfile) -> Vec<String> {
        permission_set(role, profile).into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn an_item_level_source_only_reads_and_a_target_may_write() {
        assert_eq!(
            names(Role::Source, PermissionProfile::ItemLevel),
            [
                "User.Read.All",
                "Organization.Read.All",
                "Mail.Read",
                "MailboxSettings.Read",
                "Calendars.Read",
                "Contacts.Read"
            ]
        );
        assert!(names(Role::Target, PermissionProfile::ItemLevel).contains(&"Mail.ReadWrite".to_owned()));
        assert!(!names(Role::Source, PermissionProfile::ItemLevel).iter().any(|n| n.ends_with("ReadWrite")));
    }

    #[test]
    fn full_fidelity_asks_for_the_mailbox_api_permissions_and_no_item_level_ones() {
        assert_eq!(
            names(Role::Source, PermissionProfile::FullFidelity),
            [
                "User.Read.All",
                "Organization.Read.All",
                "MailboxFolder.Read.All",
                "MailboxItem.Read.All",
                "MailboxItem.Export.All"
            ]
        );
        assert_eq!(
            names(Role::Target, PermissionProfile::FullFidelity),
            ["User.Read.All", "Organization.Read.All", "MailboxFolder.ReadWrite.All", "MailboxItem.ImportExport.All"]
        );
    }

    #[test]
    fn every_permission_carries_a_graph_app_role_guid() {
        for p in every_permission() {
            assert!(crate::validate::parse_guid(&p.id).is_some(), "{}", p.name);
            assert!(!p.reason.is_empty());
        }
        assert_eq!(every_permission().len(), 16);
    }

    #[test]
    fn full_fidelity_is_the_default_where_microsoft_offers_it_and_refused_where_it_does_not() {
        assert_eq!(PermissionProfile::default_for(&Cloud::Global), PermissionProfile::FullFidelity);
        for cloud in [Cloud::GccHigh, Cloud::Dod, Cloud::China] {
            assert_eq!(PermissionProfile::default_for(&cloud), PermissionProfile::ItemLevel);
            let refused = PermissionProfile::FullFidelity.check_cloud(&cloud).unwrap_err();
            assert!(refused.contains("Global cloud only") && refused.contains("choose Item level"), "{refused}");
        }
        let custom = Cloud::Custom { login_url: "https://l".into(), graph_url: "https://g".into() };
        assert_eq!(PermissionProfile::default_for(&custom), PermissionProfile::ItemLevel);
        assert!(PermissionProfile::FullFidelity.check_cloud(&custom).is_ok());
    }

    #[test]
    fn a_higher_privileged_permission_covers_the_lower_one_and_never_the_reverse() {
        assert!(covers("Mail.ReadWrite", "Mail.Read"));
        assert!(covers("MailboxFolder.ReadWrite.All", "MailboxFolder.Read.All"));
        assert!(covers("MailboxItem.ImportExport.All", "MailboxItem.Export.All"));
        assert!(covers("mailboxitem.read.all", "MailboxItem.Read.All"));
        assert!(!covers("Mail.Read", "Mail.ReadWrite"));
        assert!(!covers("MailboxItem.Export.All", "MailboxItem.ImportExport.All"));
        assert!(!covers("MailboxItem.Read.All", "MailboxItem.Export.All"));
    }

    #[test]
    fn a_scoped_connection_grants_only_directory_reads_in_entra_and_its_mailbox_permissions_in_exchange() {
        let names = |set: Vec<Permission>| set.into_iter().map(|p| p.name).collect::<Vec<_>>();
        let scoped = Needs { role: Role::Source, profile: PermissionProfile::FullFidelity, scoped: true };
        assert_eq!(names(scoped.entra()), ["User.Read.All", "Organization.Read.All", "GroupMember.Read.All"]);
        assert_eq!(
            names(scoped.exchange()),
            ["MailboxFolder.Read.All", "MailboxItem.Read.All", "MailboxItem.Export.All"]
        );
        let roles: Vec<String> = scoped.exchange().iter().map(|p| exchange_role(&p.name)).collect();
        assert_eq!(
            roles,
            ["Application MailboxFolder.Read", "Application MailboxItem.Read", "Application MailboxItem.Export"]
        );
        assert_eq!(exchange_role("Mail.Read"), "Application Mail.Read");
        assert_eq!(exchange_role("MailboxItem.ImportExport.All"), "Application MailboxItem.ImportExport");
        let tenant_wide = Needs { scoped: false, ..scoped };
        assert_eq!(names(tenant_wide.entra()), names(permission_set(Role::Source, PermissionProfile::FullFidelity)));
        assert!(tenant_wide.exchange().is_empty());
    }

    #[test]
    fn a_profile_is_named_on_the_command_line_as_in_the_store() {
        for p in PermissionProfile::ALL {
            assert_eq!(PermissionProfile::parse(p.slug()), Some(p));
        }
        assert_eq!(PermissionProfile::parse(" Full-Fidelity "), Some(PermissionProfile::FullFidelity));
        assert_eq!(PermissionProfile::parse("ews"), None);
    }
}
