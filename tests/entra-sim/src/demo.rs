//! The demo cloud: two tenants to try Mailferry with, no Microsoft account needed. A source,
//! Contoso, and a target, Fabrikam, each with a Global Administrator, a Privileged Role
//! Administrator, an Application Administrator (who cannot grant the permissions, so sees the
//! admin-consent link) and a user without an admin role (their passwords are on the sign-in page),
//! a few thousand more users of whom some have no Exchange Online mailbox, and one application
//! registered by hand, with a client secret and a certificate (a PFX with a password), for the
//! Manual path. Entra's replication takes a few seconds here too, so the waiting is seen.
//!
//! The secrets and the certificates' private keys below are published on purpose: they open
//! nothing but this simulator.

use crate::faults::{Consistency, Faults};
use crate::seed::{ApplicationSeed, DomainSeed, GeneratedUsers, SecretSeed, Seed, TenantSeed, UserSeed};

/// Every demo account's password.
pub const PASSWORD: &str = "Passw0rd!";

/// The accounts of each demo tenant (the part before `@`): the sign-in page lists those with
/// a password, and Mailferry's Demo credentials panel names them all.
pub const ADMIN: &str = "admin";
pub const PRIVILEGED_ROLE_ADMIN: &str = "pra";
pub const APPLICATION_ADMIN: &str = "appadmin";
pub const USER: &str = "user";
pub const APPLICATION_MAILBOX: &str = "migration";
pub const NO_MAILBOX: &str = "nomailbox";

/// The password of both demo PFX files.
pub const PFX_PASSWORD: &str = "Demo-PFX-2026";

/// One tenant of the demo, and its application registered by hand.
pub struct DemoTenant {
    pub display_name: &'static str,
    pub tenant_id: &'static str,
    /// The initial domain, `*.onmicrosoft.com`.
    pub domain: &'static str,
    /// Its verified default domain: users' mail addresses.
    pub mail_domain: &'static str,
    /// Source or target, in Mailferry's words.
    pub role: &'static str,
    pub client_id: &'static str,
    pub client_secret: &'static str,
    /// The application's certificate: PEM, and the PFX (with its private key) under
    /// [`PFX_PASSWORD`].
    pub certificate_pem: &'static str,
    pub pfx: &'static [u8],
    /// The Microsoft Graph application permissions granted to it (Mailferry's set for its role).
    pub granted: &'static [&'static str],
}

pub const CONTOSO: DemoTenant = DemoTenant {
    display_name: "Contoso",
    tenant_id: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
    domain: "contoso.onmicrosoft.com",
    mail_domain: "contoso.com",
    role: "source",
    client_id: "7d1f6a2e-3b4c-4d5e-8f60-1a2b3c4d5e6f",
    client_secret: "Dm0Q~contoso.Demo-Secret_Value_0123456789",
    certificate_pem: include_str!("../demo/contoso-migration.pem"),
    pfx: include_bytes!("../demo/contoso-migration.pfx"),
    granted: &[
        "User.Read.All",
        "Organization.Read.All",
        "Mail.Read",
        "MailboxSettings.Read",
        "Calendars.Read",
        "Contacts.Read",
    ],
};

pub const FABRIKAM: DemoTenant = DemoTenant {
    display_name: "Fabrikam",
    tenant_id: "2f3a4b5c-6d7e-4f80-9a1b-2c3d4e5f6a7b",
    domain: "fabrikam.onmicrosoft.com",
    mail_domain: "fabrikam.com",
    role: "target",
    client_id: "8e2a7b3f-4c5d-4e6f-9a71-2b3c4d5e6f70",
    client_secret: "Dm0Q~fabrikam.Demo-Secret_Value_9876543210",
    certificate_pem: include_str!("../demo/fabrikam-migration.pem"),
    pfx: include_bytes!("../demo/fabrikam-migration.pfx"),
    granted: &[
        "User.Read.All",
        "Organization.Read.All",
        "Mail.ReadWrite",
        "MailboxSettings.ReadWrite",
        "Calendars.ReadWrite",
        "Contacts.ReadWrite",
    ],
};

pub const TENANTS: [DemoTenant; 2] = [CONTOSO, FABRIKAM];

/// How many more users each tenant has: every 12th without an Exchange Online mailbox, every
/// 40th without a mail address.
pub const GENERATED_USERS: usize = 3_000;

/// The demo's two tenants, with replication delays of a few seconds.
pub fn seed() -> Seed {
    Seed {
        tenants: TENANTS.iter().map(tenant).collect(),
        faults: Some(Faults {
            rules: Vec::new(),
            consistency: Consistency {
                application_secs: 3,
                service_principal_secs: 3,
                role_assignment_secs: 4,
                credential_secs: 3,
            },
        }),
    }
}

fn tenant(demo: &DemoTenant) -> TenantSeed {
    let user = |local: &str, name: &str, mailbox: bool, password: bool, roles: &[&str]| UserSeed {
        id: crate::world::stable_id(demo.tenant_id, local),
        user_principal_name: format!("{local}@{}", demo.domain),
        display_name: name.into(),
        mail: Some(format!("{local}@{}", demo.mail_domain)),
        mailbox,
        password: password.then(|| PASSWORD.to_owned()),
        roles: roles.iter().map(|r| (*r).into()).collect(),
    };
    TenantSeed {
        id: demo.tenant_id.into(),
        display_name: demo.display_name.into(),
        domains: vec![
            DomainSeed { name: demo.domain.into(), is_default: false, is_initial: true },
            DomainSeed { name: demo.mail_domain.into(), is_default: true, is_initial: false },
        ],
        users: vec![
            user(ADMIN, &format!("{} Admin", demo.display_name), true, true, &["Global Administrator"]),
            user(PRIVILEGED_ROLE_ADMIN, "Privileged Role Admin", true, true, &["Privileged Role Administrator"]),
            // May register an application but not grant it Microsoft Graph's application
            // permissions: Mailferry hands the admin-consent link to an administrator who may.
            user(APPLICATION_ADMIN, "Application Admin", true, true, &["Application Administrator"]),
            user(USER, "Megan Bowen", true, true, &[]),
            user(APPLICATION_MAILBOX, "Migration Mailbox", true, false, &[]),
            user(NO_MAILBOX, "No Mailbox", false, false, &[]),
        ],
        applications: vec![ApplicationSeed {
            app_id: demo.client_id.into(),
            display_name: format!("Mailferry Migration {} (registered by hand)", capitalized(demo.role)),
            secrets: vec![SecretSeed {
                key_id: uuid::Uuid::new_v4().to_string(),
                value: demo.client_secret.into(),
                end_date_time: chrono::Utc::now() + chrono::Duration::days(180),
            }],
            certificates: vec![demo.certificate_pem.into()],
            granted_roles: demo.granted.iter().map(|r| (*r).into()).collect(),
        }],
        conditional_access_block: false,
        mfa_required: false,
        sign_in_client_disabled: false,
        generated_users: Some(GeneratedUsers {
            count: GENERATED_USERS,
            without_mailbox_every: 12,
            without_mail_every: 40,
        }),
        show_accounts: true,
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
