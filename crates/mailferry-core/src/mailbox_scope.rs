//! A connection scoped to a group of mailboxes through Exchange Online's RBAC for
//! Applications (Microsoft: "Role Based Access Control for Applications in Exchange Online"):
//! the Exchange Online PowerShell an Exchange administrator runs to make the scope. Mailferry
//! cannot run it (Exchange PowerShell has no Graph equivalent), so it writes it exactly.
//!
//! Microsoft's steps: `New-ServicePrincipal` (a pointer to the enterprise application, by its
//! application id and object id), `New-ManagementScope` with a `MemberOfGroup` recipient
//! filter (which takes the group's distinguished name, found with `Get-Group`: Microsoft Graph
//! does not show it for a cloud group, so the script reads it), one
//! `New-ManagementRoleAssignment -App … -Role "Application <permission>" -CustomResourceScope …`
//! per permission, and `Test-ServicePrincipalAuthorization` to see the result at once.

use crate::model::Connection;
use crate::permissions::{exchange_role, Needs};

/// A PowerShell single-quoted string: nothing inside is expanded, a `'` is doubled.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The management scope's name: the connection's, kept to what Exchange takes in a name.
pub fn scope_name(connection: &Connection) -> String {
    let name: String =
        connection.name.chars().map(|c| if c.is_alphanumeric() || " -_.".contains(c) { c } else { ' ' }).collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let full = format!("Mailferry {} {}", connection.role.as_str(), name);
    full.chars().take(64).collect()
}

/// The script for a scoped connection whose enterprise application has object id
/// `service_principal_id`; `None` when the connection is not scoped.
pub fn powershell(connection: &Connection, service_principal_id: &str) -> Option<String> {
    let scope = connection.mailbox_scope.as_ref()?;
    let needs = Needs::of(connection);
    let name = scope_name(connection);
    let mut lines = vec![
        "# Exchange Online PowerShell, as an Exchange administrator: Connect-ExchangeOnline".to_owned(),
        format!("$group = Get-Group -Identity {}", quoted(&scope.group)),
        format!(
            "New-ServicePrincipal -AppId {} -ObjectId {} -DisplayName {}",
            quoted(&connection.client_id),
            quoted(service_principal_id),
            quoted(&format!("Mailferry {}", connection.name))
        ),
        format!(
            "New-ManagementScope -Name {} -RecipientRestrictionFilter \"MemberOfGroup -eq '$($group.DistinguishedName)'\"",
            quoted(&name)
        ),
    ];
    for permission in needs.exchange() {
        lines.push(format!(
            "New-ManagementRoleAssignment -App {} -Role {} -CustomResourceScope {}",
            quoted(service_principal_id),
            quoted(&exchange_role(&permission.name)),
            quoted(&name)
        ));
    }
    lines.push(
        "# Shows at once what Exchange will allow (it applies assignments within 30 minutes to 2 hours):".to_owned(),
    );
    lines.push(format!(
        "Test-ServicePrincipalAuthorization -Identity {} -Resource {}",
        quoted(service_principal_id),
        quoted(&connection.application_mailbox)
    ));
    Some(lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MailboxScope, Role};
    use crate::permissions::PermissionProfile;

    fn connection(name: &str) -> Connection {
        let now = crate::model::now();
        Connection {
            id: uuid::Uuid::new_v4(),
            role: Role::Source,
            name: name.into(),
            cloud: crate::cloud::Cloud::Global,
            tenant_id: "contoso.onmicrosoft.com".into(),
            tenant_name: None,
            default_domain: None,
            client_id: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into(),
            application_mailbox: "migration@contoso.com".into(),
            registration: crate::model::RegistrationMode::Manual,
            permission_profile: PermissionProfile::FullFidelity,
            mailbox_scope: Some(MailboxScope { group: "wave1@contoso.com".into(), display_name: None }),
            credential: crate::model::Credential::Secret { hint: "abc".into(), expires_at: None },
            created_at: now,
            updated_at: now,
            last_check: None,
            secrets_blocked: false,
        }
    }

    #[test]
    fn the_script_points_exchange_at_the_enterprise_application_and_assigns_each_mailbox_permission_on_the_group() {
        let script = powershell(&connection("Contoso"), "6233fba6-0198-4277-892f-9275bf728bcc").unwrap();
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines[1], "$group = Get-Group -Identity 'wave1@contoso.com'");
        assert_eq!(
            lines[2],
            "New-ServicePrincipal -AppId '1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d' -ObjectId '6233fba6-0198-4277-892f-9275bf728bcc' -DisplayName 'Mailferry Contoso'"
        );
        assert_eq!(
            lines[3],
            "New-ManagementScope -Name 'Mailferry source Contoso' -RecipientRestrictionFilter \"MemberOfGroup -eq '$($group.DistinguishedName)'\""
        );
        let roles: Vec<&str> =
            lines.iter().filter(|l| l.starts_with("New-ManagementRoleAssignment")).copied().collect();
        assert_eq!(
            roles,
            [
                "New-ManagementRoleAssignment -App '6233fba6-0198-4277-892f-9275bf728bcc' -Role 'Application MailboxFolder.Read' -CustomResourceScope 'Mailferry source Contoso'",
                "New-ManagementRoleAssignment -App '6233fba6-0198-4277-892f-9275bf728bcc' -Role 'Application MailboxItem.Read' -CustomResourceScope 'Mailferry source Contoso'",
                "New-ManagementRoleAssignment -App '6233fba6-0198-4277-892f-9275bf728bcc' -Role 'Application MailboxItem.Export' -CustomResourceScope 'Mailferry source Contoso'",
            ]
        );
        assert!(script.ends_with("Test-ServicePrincipalAuthorization -Identity '6233fba6-0198-4277-892f-9275bf728bcc' -Resource 'migration@contoso.com'\n"));
    }

    #[test]
    fn a_hostile_name_cannot_break_out_of_its_string() {
        let script = powershell(&connection("Evil'; Remove-Mailbox -Identity *; '"), "sp").unwrap();
        assert!(script.contains("-DisplayName 'Mailferry Evil''; Remove-Mailbox -Identity *; '''"), "{script}");
        assert!(script.contains("-Name 'Mailferry source Evil Remove-Mailbox -Identity'"), "{script}");
        assert!(!script.lines().any(|l| l.trim_start().starts_with("Remove-Mailbox")));
    }

    #[test]
    fn an_unscoped_connection_has_no_script() {
        let mut c = connection("Contoso");
        c.mailbox_scope = None;
        assert!(powershell(&c, "sp").is_none());
    }
}
