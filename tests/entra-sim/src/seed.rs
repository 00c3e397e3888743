//! The seed file: which tenants exist, with their users, admins and pre-registered apps.
//! Documented in README.md. `Seed::demo()` is the tenant `--demo` serves.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    pub tenants: Vec<TenantSeed>,
    /// Faults in force from the start, as `PUT /_sim/faults` sets them.
    #[serde(default)]
    pub faults: Option<crate::faults::Faults>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSeed {
    pub id: String,
    pub display_name: String,
    /// The first is the initial `*.onmicrosoft.com` domain unless one is marked `isInitial`.
    pub domains: Vec<DomainSeed>,
    #[serde(default)]
    pub users: Vec<UserSeed>,
    #[serde(default)]
    pub applications: Vec<ApplicationSeed>,
    /// Sign-ins to this tenant are blocked by Conditional Access (AADSTS53003).
    #[serde(default)]
    pub conditional_access_block: bool,
    /// Interactive sign-ins need MFA (AADSTS50076).
    #[serde(default)]
    pub mfa_required: bool,
    /// The admin sign-in client (Microsoft Graph Command Line Tools) is disabled (AADSTS7000112).
    #[serde(default)]
    pub sign_in_client_disabled: bool,
    /// Many more users, generated (for mailbox discovery at scale).
    #[serde(default)]
    pub generated_users: Option<GeneratedUsers>,
    /// The sign-in page lists the users who have a password, with it (a demo tenant).
    #[serde(default)]
    pub show_accounts: bool,
}

/// `count` users `user000001@{initial domain}` ..., with mail at the default domain. Every
/// `withoutMailboxEvery`-th has no Exchange Online mailbox (0: all have one), and every
/// `withoutMailEvery`-th has no mail attribute at all (0: all have one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratedUsers {
    pub count: usize,
    #[serde(default)]
    pub without_mailbox_every: usize,
    #[serde(default)]
    pub without_mail_every: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainSeed {
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub is_initial: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserSeed {
    #[serde(default = "new_id")]
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    /// Absent for users without a mail attribute.
    #[serde(default)]
    pub mail: Option<String>,
    /// Whether the user has an Exchange Online mailbox.
    #[serde(default)]
    pub mailbox: bool,
    #[serde(default)]
    pub password: Option<String>,
    /// Directory roles by display name: "Global Administrator", "Privileged Role Administrator",
    /// "Cloud Application Administrator", "Application Administrator".
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationSeed {
    #[serde(default = "new_id")]
    pub app_id: String,
    pub display_name: String,
    #[serde(default)]
    pub secrets: Vec<SecretSeed>,
    /// PEM certificates (public part only) registered as keyCredentials.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Microsoft Graph application permissions granted (admin consent given), by value.
    #[serde(default)]
    pub granted_roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretSeed {
    #[serde(default = "new_id")]
    pub key_id: String,
    pub value: String,
    #[serde(default = "in_a_year")]
    pub end_date_time: DateTime<Utc>,
}

impl ApplicationSeed {
    /// A pre-registered application with one client secret valid a year and the given Microsoft
    /// Graph application permissions: what most tests connect to.
    pub fn with_secret(app_id: &str, secret: &str, granted_roles: &[&str]) -> ApplicationSeed {
        ApplicationSeed {
            app_id: app_id.into(),
            display_name: "Migration app".into(),
            secrets: vec![SecretSeed { key_id: new_id(), value: secret.into(), end_date_time: in_a_year() }],
            certificates: Vec::new(),
            granted_roles: granted_roles.iter().map(|r| (*r).into()).collect(),
        }
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn in_a_year() -> DateTime<Utc> {
    Utc::now() + Duration::days(365)
}

impl Seed {
    /// A tenant a person can sign in to: `admin@contoso.onmicrosoft.com` / `Passw0rd!`.
    pub fn demo() -> Seed {
        let user = |upn: &str, name: &str, mailbox: bool, roles: &[&str]| UserSeed {
            id: new_id(),
            user_principal_name: upn.into(),
            display_name: name.into(),
            mail: Some(upn.replace("contoso.onmicrosoft.com", "contoso.com")),
            mailbox,
            password: Some("Passw0rd!".into()),
            roles: roles.iter().map(|r| (*r).into()).collect(),
        };
        Seed {
            tenants: vec![TenantSeed {
                id: "6babcaad-604b-40ac-a9d7-9fd97c0b779f".into(),
                display_name: "Contoso".into(),
                domains: vec![
                    DomainSeed { name: "contoso.onmicrosoft.com".into(), is_default: false, is_initial: true },
                    DomainSeed { name: "contoso.com".into(), is_default: true, is_initial: false },
                ],
                users: vec![
                    user("admin@contoso.onmicrosoft.com", "Contoso Admin", true, &["Global Administrator"]),
                    user(
                        "pra@contoso.onmicrosoft.com",
                        "Privileged Role Admin",
                        true,
                        &["Privileged Role Administrator"],
                    ),
                    user(
                        "appadmin@contoso.onmicrosoft.com",
                        "Cloud App Admin",
                        true,
                        &["Cloud Application Administrator"],
                    ),
                    user("migration@contoso.onmicrosoft.com", "Migration Mailbox", true, &[]),
                    user("adele@contoso.onmicrosoft.com", "Adele Vance", true, &[]),
                    user("nomailbox@contoso.onmicrosoft.com", "No Mailbox", false, &[]),
                ],
                applications: Vec::new(),
                conditional_access_block: false,
                mfa_required: false,
                sign_in_client_disabled: false,
                generated_users: None,
                show_accounts: false,
            }],
            faults: None,
        }
    }
}
