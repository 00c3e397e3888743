//! Check 3: the token's `roles` against the connection's permission set.

use crate::model::checks::{CheckId, CheckResult};
use crate::model::Role;
use crate::permissions::{covers, permission_set, PermissionProfile};

pub struct RoleComparison {
    pub missing: Vec<String>,
    pub result: CheckResult,
}

/// A higher privileged role includes the lower one, as in Microsoft Graph.
fn satisfied(required: &str, roles: &[String]) -> bool {
    roles.iter().any(|role| covers(role, required))
}

pub fn compare_roles(role: Role, profile: PermissionProfile, roles: &[String]) -> RoleComparison {
    let required = permission_set(role, profile);
    let missing: Vec<String> = required.iter().filter(|p| !satisfied(&p.name, roles)).map(|p| p.name.clone()).collect();
    let result = if roles.is_empty() {
        CheckResult::fail(
            CheckId::Permissions,
            "The application's token holds no permissions: admin consent has not been granted, or has not reached Microsoft's sign-in service yet.",
            consent_fix(&required.iter().map(|p| p.name.clone()).collect::<Vec<_>>()),
        )
    } else if missing.is_empty() {
        CheckResult::pass(
            CheckId::Permissions,
            format!(
                "All {} permissions are granted: {}.",
                required.len(),
                required.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    } else {
        CheckResult::fail(
            CheckId::Permissions,
            format!("Missing permission{}: {}.", if missing.len() == 1 { "" } else { "s" }, missing.join(", ")),
            consent_fix(&missing),
        )
    };
    RoleComparison { missing, result }
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

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn missing_permissions_are_named() {
        let comparison = compare_roles(
            Role::Source,
            PermissionProfile::ItemLevel,
            &roles(&["User.Read.All", "Organization.Read.All", "Mail.Read"]),
        );
        assert_eq!(comparison.missing, ["MailboxSettings.Read", "Calendars.Read", "Contacts.Read"]);
        assert_eq!(comparison.result.status, CheckStatus::Fail);
        assert!(comparison.result.summary.contains("MailboxSettings.Read, Calendars.Read, Contacts.Read"));
    }

    #[test]
    fn a_read_write_role_covers_its_read_counterpart_but_not_the_reverse() {
        let source = compare_roles(
            Role::Source,
            PermissionProfile::ItemLevel,
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
            Role::Target,
            PermissionProfile::ItemLevel,
            &roles(&["User.Read.All", "Organization.Read.All", "Mail.Read"]),
        );
        assert!(target.missing.contains(&"Mail.ReadWrite".to_owned()));
    }

    #[test]
    fn a_token_without_roles_says_consent_is_missing() {
        let comparison = compare_roles(Role::Target, PermissionProfile::ItemLevel, &[]);
        assert_eq!(comparison.result.status, CheckStatus::Fail);
        assert!(comparison.result.summary.contains("admin consent"));
    }
}
