//! Check 3: the token's `roles` against the connection's permission set.

use crate::model::checks::{CheckId, CheckResult};
use crate::permissions::{covers, Needs};

pub struct RoleComparison {
    pub missing: Vec<String>,
    /// Mailbox permissions of a scoped connection granted tenant-wide in Entra ID: they add up
    /// with the Exchange scope and void it.
    pub voiding: Vec<String>,
    pub result: CheckResult,
}

/// A higher privileged role includes the lower one, as in Microsoft Graph.
fn satisfied(required: &str, roles: &[String]) -> bool {
    roles.iter().any(|role| covers(role, required))
}

pub fn compare_roles(needs: Needs, roles: &[String]) -> RoleComparison {
    let required = needs.entra();
    let missing: Vec<String> = required.iter().filter(|p| !satisfied(&p.name, roles)).map(|p| p.name.clone()).collect();
    // Any tenant-wide grant that reaches a scoped permission voids the scope: the permission
    // itself or a higher privileged one.
    let scoped = needs.exchange();
    let voiding: Vec<String> =
        roles.iter().filter(|role| scoped.iter().any(|p| covers(role, &p.name))).cloned().collect();
    let result = if !voiding.is_empty() {
        CheckResult::fail(
            CheckId::Permissions,
            format!(
                "{} granted tenant-wide in Microsoft Entra ID: it adds up with the Exchange Online scope and voids it, so the application can reach every mailbox.",
                voiding.join(", ")
            ),
            format!(
                "In the Microsoft Entra admin center open the app registration > API permissions and remove {} (select it > Remove permission, then confirm that admin consent is revoked). The scope in Exchange Online grants it for the group's members only.",
                voiding.join(", ")
            ),
        )
    } else if roles.is_empty() {
        CheckResult::fail(
            CheckId::Permissions,
            "The application's token holds no permissions: admin consent has not been granted, or has not reached Microsoft's sign-in service yet.",
            consent_fix(&required.iter().map(|p| p.name.clone()).collect::<Vec<_>>()),
        )
    } else if missing.is_empty() && !scoped.is_empty() {
        CheckResult::pass(
            CheckId::Permissions,
            format!(
                "The {} directory permissions are granted ({}); {} are not granted tenant-wide, as a scoped connection needs: Exchange Online grants them on the group (see Mailbox scope).",
                required.len(),
                names(&required),
                names(&scoped)
            ),
        )
    } else if missing.is_empty() {
        CheckResult::pass(
            CheckId::Permissions,
            format!("All {} permissions are granted: {}.", required.len(), names(&required)),
        )
    } else {
        CheckResult::fail(
            CheckId::Permissions,
            format!("Missing permission{}: {}.", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")),
            consent_fix(&missing),
        )
    };
    RoleComparison { missing, voiding, result }
}

fn names(set: &[crate::permissions::Permission]) -> String {
    set.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn consent_fix(missing: &[String]) -> String {
    format!(
        "In the Microsoft Entra admin center open the app registration > API permissions > Add a permission > Microsoft Graph > Application permissions, add {}, then select \"Grant admin consent\". Consent can take a few minutes to reach new tokens: retry then.",
        missing.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::checks::CheckStatus;
    use crate::model::Role;
    use crate::permissions::PermissionProfile;

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn missing_permissions_are_named() {
        let comparison = compare_roles(
            Needs { role: Role::Source, profile: PermissionProfile::ItemLevel, scoped: false },
            &roles(&["User.Read.All", "Organization.Read.All", "Mail.Read"]),
        );
        assert_eq!(comparison.missing, ["MailboxSettings.Read", "Calendars.Read", "Contacts.Read"]);
        assert_eq!(comparison.result.status, CheckStatus::Fail);
        assert!(comparison.result.summary.contains("MailboxSettings.Read, Calendars.Read, Contacts.Read"));
    }

    #[test]
    fn a_read_write_role_covers_its_read_counterpart_but_not_the_reverse() {
        let source = compare_roles(
            Needs { role: Role::Source, profile: PermissionProfile::ItemLevel, scoped: false },
            &roles(&[
                "User.Read.All",
                "Organization.Read.All",
                "Mail.ReadWrite",
                "MailboxSettings.Read",
                "Calendars.ReadWrite",
                "Contacts.Read",
            ]),
        );
        assert!(source.missing.is_empty(), "{:?}", source.missing);
        let target = compare_roles(
            Needs { role: Role::Target, profile: PermissionProfile::ItemLevel, scoped: false },
            &roles(&["User.Read.All", "Organization.Read.All", "Mail.Read"]),
        );
        assert!(target.missing.contains(&"Mail.ReadWrite".to_owned()));
    }

    #[test]
    fn a_scoped_connection_needs_no_mailbox_role_in_the_token_and_fails_when_one_is_granted_tenant_wide() {
        let needs = Needs { role: Role::Source, profile: PermissionProfile::FullFidelity, scoped: true };
        let directory = roles(&["User.Read.All", "Organization.Read.All", "GroupMember.Read.All"]);
        let scoped = compare_roles(needs, &directory);
        assert_eq!(scoped.result.status, CheckStatus::Pass, "{}", scoped.result.summary);
        assert!(
            scoped.result.summary.contains("MailboxItem.Export.All are not granted tenant-wide"),
            "{}",
            scoped.result.summary
        );

        let voided = compare_roles(needs, &[directory, roles(&["MailboxItem.ImportExport.All"])].concat());
        assert_eq!(voided.voiding, ["MailboxItem.ImportExport.All"]);
        assert_eq!(voided.result.status, CheckStatus::Fail);
        assert!(voided.result.summary.contains("voids it"), "{}", voided.result.summary);
        assert!(voided.result.fix.unwrap_or_default().contains("remove MailboxItem.ImportExport.All"));
    }

    #[test]
    fn a_token_without_roles_says_consent_is_missing() {
        let comparison =
            compare_roles(Needs { role: Role::Target, profile: PermissionProfile::ItemLevel, scoped: false }, &[]);
        assert_eq!(comparison.result.status, CheckStatus::Fail);
        assert!(comparison.result.summary.contains("admin consent"));
    }
}
