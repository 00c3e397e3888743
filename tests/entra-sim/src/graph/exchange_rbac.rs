//! Exchange Online's RBAC for Applications, as Microsoft documents it ("Role Based Access
//! Control for Applications in Exchange Online"): an application role (`Application
//! Mail.Read`, ...) assigned to a service principal on a management scope, here one that is
//! `MemberOfGroup` of a mail-enabled group (direct members only). What an application may do
//! in a mailbox is the union of its Entra grants (the token's `roles`) and its scoped
//! assignments; an assignment takes effect only once Exchange's cache has let it through.
//! Exchange PowerShell is not emulated: tests set groups and assignments through `/_sim`.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::Caller;
use crate::world::{Tenant, User};

/// A mail-enabled group of the directory, with its direct members (user ids).
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub mail: Option<String>,
    pub mail_enabled: bool,
    pub security_enabled: bool,
    pub members: Vec<String>,
}

/// `New-ManagementRoleAssignment -App {app} -Role {role} -CustomResourceScope {scope of group}`.
#[derive(Debug, Clone)]
pub struct RoleAssignment {
    pub app_id: String,
    pub role: String,
    pub group_id: String,
    /// When Exchange applies it (made, plus the cache delay then in force).
    pub effective_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignmentSeed {
    pub app_id: String,
    pub role: String,
    pub group_id: String,
}

/// The Graph permission an application role grants, as Microsoft's table of supported
/// application roles pairs them (`Application MailboxItem.Export` is `MailboxItem.Export.All`).
pub fn permission_of(role: &str) -> Option<String> {
    let name = role.strip_prefix("Application ")?;
    let all = [
        "MailboxFolder.Read",
        "MailboxFolder.ReadWrite",
        "MailboxItem.Read",
        "MailboxItem.ReadWrite",
        "MailboxItem.Export",
        "MailboxItem.ImportExport",
    ];
    Some(if all.contains(&name) { format!("{name}.All") } else { name.to_owned() })
}

impl Tenant {
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id.eq_ignore_ascii_case(id))
    }

    pub fn set_assignments(&mut self, seeds: Vec<AssignmentSeed>, cache: Duration) {
        let effective_at = Utc::now() + cache;
        self.role_assignments = seeds
            .into_iter()
            .map(|s| RoleAssignment {
                app_id: s.app_id.to_lowercase(),
                role: s.role,
                group_id: s.group_id,
                effective_at,
            })
            .collect();
    }
}

/// Whether the caller may use one of `permissions` on `user`'s mailbox: granted tenant-wide in
/// Entra (the token's roles), or by an applied Exchange assignment whose group holds the user.
pub fn allows(caller: &Caller, tenant: &Tenant, user: &User, permissions: &[&str]) -> bool {
    if caller.claims.roles.iter().any(|r| permissions.contains(&r.as_str())) {
        return true;
    }
    let app_id = caller.claims.appid.to_lowercase();
    let now = Utc::now();
    tenant.role_assignments.iter().any(|a| {
        a.app_id == app_id
            && a.effective_at <= now
            && permission_of(&a.role).is_some_and(|p| permissions.contains(&p.as_str()))
            && tenant.group(&a.group_id).is_some_and(|g| g.members.contains(&user.id))
    })
}
