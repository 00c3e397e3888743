//! The simulator's in-memory directory: tenants with users, applications, service principals
//! and app role assignments, plus the short-lived protocol state (codes, refresh tokens, device
//! codes). Everything a test can inspect through `/_sim`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha1::Digest as _;

use crate::catalog::{self, EXCHANGE_APP_ID, GRAPH_APP_ID, SIGN_IN_CLIENT_ID};
use crate::faults::Faults;
use crate::seed::{Seed, TenantSeed};

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The same id for the same name in the same tenant, every start: a generated or demo user
/// keeps its object id, so what a client saved about it (a job's mailboxes) stays valid.
pub fn stable_id(tenant_id: &str, name: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{tenant_id}/{name}").as_bytes()).to_string()
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    /// The domain name; Graph calls it `name` in `verifiedDomains`.
    #[serde(rename = "name")]
    pub id: String,
    pub is_default: bool,
    pub is_initial: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub capabilities: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub mail: Option<String>,
    #[serde(skip)]
    pub mailbox: bool,
    #[serde(skip)]
    pub password: Option<String>,
    /// Directory role template ids.
    #[serde(skip)]
    pub role_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub usage: String,
    pub start_date_time: DateTime<Utc>,
    pub end_date_time: DateTime<Utc>,
    /// As the uploader gave it (Graph's type is Binary: base64 on the wire), or, when none was
    /// given, the SHA-1 thumbprint as 40 upper-case hex characters, as Entra sets it
    /// ("Add a certificate to an app using Microsoft Graph" shows
    /// `"customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A"`).
    pub custom_key_identifier: String,
    /// The certificate (base64 DER): Graph returns it only on `$select=keyCredentials` of a
    /// single object, and `null` everywhere else (keyCredential resource type).
    pub key: Option<String>,
    #[serde(skip)]
    pub der: Vec<u8>,
    #[serde(skip)]
    pub sha1: Vec<u8>,
    #[serde(skip)]
    pub sha256: Vec<u8>,
    /// When it was added: a new key is not usable at once (eventual consistency).
    #[serde(skip)]
    pub added: DateTime<Utc>,
}

impl KeyCredential {
    pub fn from_der(der: Vec<u8>, display_name: Option<String>, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        let sha1 = sha1::Sha1::digest(&der).to_vec();
        let sha256 = sha2::Sha256::digest(&der).to_vec();
        KeyCredential {
            key_id: new_id(),
            display_name,
            kind: "AsymmetricX509Cert".into(),
            usage: "Verify".into(),
            start_date_time: start,
            end_date_time: end,
            custom_key_identifier: sha1.iter().map(|b| format!("{b:02X}")).collect(),
            key: None,
            der,
            sha1,
            sha256,
            added: Utc::now(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    /// The first three characters, as Graph shows them.
    pub hint: String,
    pub start_date_time: DateTime<Utc>,
    pub end_date_time: DateTime<Utc>,
    /// Returned once, by addPassword; never on reads.
    pub secret_text: Option<String>,
    #[serde(skip)]
    pub value: String,
    #[serde(skip)]
    pub added: DateTime<Utc>,
}

impl PasswordCredential {
    pub fn new(value: String, key_id: String, display_name: Option<String>, end: DateTime<Utc>) -> Self {
        PasswordCredential {
            key_id,
            display_name,
            hint: value.chars().take(3).collect(),
            start_date_time: Utc::now(),
            end_date_time: end,
            secret_text: None,
            value,
            added: Utc::now(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub sign_in_audience: String,
    pub required_resource_access: serde_json::Value,
    pub key_credentials: Vec<KeyCredential>,
    pub password_credentials: Vec<PasswordCredential>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub is_fallback_public_client: Option<bool>,
    pub created_date_time: DateTime<Utc>,
    /// The users who own it (object ids): whoever created it with a delegated token, as
    /// Graph makes the caller an owner. Read through `/owners`, not as a property.
    #[serde(skip)]
    pub owners: Vec<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    pub id: String,
    pub value: String,
    pub display_name: String,
    pub description: String,
    pub allowed_member_types: Vec<String>,
    pub is_enabled: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub app_roles: Vec<AppRole>,
    pub account_enabled: bool,
    pub service_principal_type: String,
    #[serde(skip)]
    pub created: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    pub id: String,
    pub principal_id: String,
    pub principal_display_name: String,
    pub principal_type: String,
    pub resource_id: String,
    pub resource_display_name: String,
    pub app_role_id: String,
    pub created_date_time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    pub display_name: String,
    pub domains: Vec<Domain>,
    pub users: Vec<User>,
    pub applications: Vec<Application>,
    pub service_principals: Vec<ServicePrincipal>,
    pub assignments: Vec<AppRoleAssignment>,
    pub conditional_access_block: bool,
    pub mfa_required: bool,
    pub sign_in_client_disabled: bool,
    /// The sign-in page lists the accounts (a demo tenant).
    pub show_accounts: bool,
    /// Delegated scopes an administrator consented to for the sign-in client earlier: Entra
    /// puts every consented scope in the token, not only those asked for.
    pub consented_scopes: Vec<String>,
    pub app_policies: crate::graph::policies::AppPolicies,
    /// Exchange Online's state beyond users (auxiliary archives), set through `/_sim`.
    pub exchange: crate::graph::mailboxes::ExchangeState,
    /// Mail-enabled groups (set through `/_sim`), and Exchange's RBAC for Applications
    /// assignments scoped to them.
    pub groups: Vec<crate::graph::exchange_rbac::Group>,
    pub role_assignments: Vec<crate::graph::exchange_rbac::RoleAssignment>,
}

impl Tenant {
    fn from_seed(seed: &TenantSeed) -> Result<Tenant, String> {
        let mut domains: Vec<Domain> = seed
            .domains
            .iter()
            .map(|d| Domain {
                id: d.name.to_lowercase(),
                is_default: d.is_default,
                is_initial: d.is_initial,
                kind: "Managed".into(),
                capabilities: "Email, OfficeCommunicationsOnline".into(),
            })
            .collect();
        if domains.is_empty() {
            return Err(format!("tenant {} has no domains", seed.id));
        }
        if !domains.iter().any(|d| d.is_initial) {
            domains[0].is_initial = true;
        }
        if !domains.iter().any(|d| d.is_default) {
            domains[0].is_default = true;
        }
        let users = seed
            .users
            .iter()
            .map(|u| {
                let role_ids = u
                    .roles
                    .iter()
                    .map(|r| {
                        catalog::directory_role_id(r)
                            .map(str::to_owned)
                            .ok_or_else(|| format!("unknown directory role {r:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(User {
                    id: u.id.clone(),
                    user_principal_name: u.user_principal_name.clone(),
                    display_name: u.display_name.clone(),
                    mail: u.mail.clone(),
                    mailbox: u.mailbox,
                    password: u.password.clone(),
                    role_ids,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let mut users = users;
        if let Some(generated) = &seed.generated_users {
            let initial = domains.iter().find(|d| d.is_initial).map(|d| d.id.clone()).unwrap_or_default();
            let default = domains.iter().find(|d| d.is_default).map(|d| d.id.clone()).unwrap_or_default();
            let every = |n: usize, k: usize| k > 0 && n.is_multiple_of(k);
            users.extend((1..=generated.count).map(|n| User {
                id: stable_id(&seed.id, &format!("user{n:06}")),
                user_principal_name: format!("user{n:06}@{initial}"),
                display_name: format!("User {n:06}"),
                mail: (!every(n, generated.without_mail_every)).then(|| format!("user{n:06}@{default}")),
                mailbox: !every(n, generated.without_mailbox_every) && !every(n, generated.without_mail_every),
                password: None,
                role_ids: Vec::new(),
            }));
        }
        let mut tenant = Tenant {
            id: seed.id.to_lowercase(),
            display_name: seed.display_name.clone(),
            domains,
            users,
            applications: Vec::new(),
            service_principals: vec![
                resource_sp(&seed.id, GRAPH_APP_ID, "Microsoft Graph", catalog::GRAPH_APP_ROLES),
                resource_sp(&seed.id, EXCHANGE_APP_ID, "Office 365 Exchange Online", catalog::EXCHANGE_APP_ROLES),
                resource_sp(&seed.id, SIGN_IN_CLIENT_ID, "Microsoft Graph Command Line Tools", &[]),
            ],
            assignments: Vec::new(),
            conditional_access_block: seed.conditional_access_block,
            mfa_required: seed.mfa_required,
            sign_in_client_disabled: seed.sign_in_client_disabled,
            show_accounts: seed.show_accounts,
            consented_scopes: Vec::new(),
            app_policies: Default::default(),
            exchange: Default::default(),
            groups: Vec::new(),
            role_assignments: Vec::new(),
        };
        let long_ago = Utc::now() - Duration::days(30);
        for app in &seed.applications {
            let mut key_credentials = Vec::new();
            for pem in &app.certificates {
                let der = pem_to_der(pem)
                    .ok_or_else(|| format!("application {}: a certificate is not PEM", app.display_name))?;
                let (start, end) =
                    crate::certs::validity(&der).map_err(|e| format!("application {}: {e}", app.display_name))?;
                let mut key = KeyCredential::from_der(der, None, start, end);
                key.added = long_ago;
                key_credentials.push(key);
            }
            let application = Application {
                id: stable_id(&seed.id, &format!("application/{}", app.app_id.to_lowercase())),
                app_id: app.app_id.to_lowercase(),
                display_name: app.display_name.clone(),
                sign_in_audience: "AzureADMyOrg".into(),
                required_resource_access: serde_json::json!([]),
                key_credentials,
                password_credentials: app
                    .secrets
                    .iter()
                    .map(|s| {
                        let mut secret =
                            PasswordCredential::new(s.value.clone(), s.key_id.clone(), None, s.end_date_time);
                        secret.added = long_ago;
                        secret
                    })
                    .collect(),
                tags: Vec::new(),
                notes: None,
                is_fallback_public_client: None,
                created_date_time: long_ago,
                owners: Vec::new(),
            };
            let mut sp = ServicePrincipal {
                id: stable_id(&seed.id, &format!("servicePrincipal/{}", application.app_id)),
                app_id: application.app_id.clone(),
                display_name: application.display_name.clone(),
                app_roles: Vec::new(),
                account_enabled: true,
                service_principal_type: "Application".into(),
                created: long_ago,
            };
            sp.created = long_ago;
            for role in &app.granted_roles {
                let graph = tenant.sp_by_app_id(GRAPH_APP_ID).cloned().ok_or("no Graph service principal")?;
                let app_role =
                    graph.app_roles.iter().find(|r| &r.value == role).ok_or_else(|| {
                        format!("application {}: unknown Graph permission {role:?}", app.display_name)
                    })?;
                tenant.assignments.push(AppRoleAssignment {
                    id: new_id(),
                    principal_id: sp.id.clone(),
                    principal_display_name: sp.display_name.clone(),
                    principal_type: "ServicePrincipal".into(),
                    resource_id: graph.id.clone(),
                    resource_display_name: graph.display_name.clone(),
                    app_role_id: app_role.id.clone(),
                    created_date_time: long_ago,
                });
            }
            tenant.applications.push(application);
            tenant.service_principals.push(sp);
        }
        Ok(tenant)
    }

    pub fn matches(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        self.id == name || self.domains.iter().any(|d| d.id == name)
    }

    pub fn default_domain(&self) -> &str {
        self.domains.iter().find(|d| d.is_default).map_or("", |d| d.id.as_str())
    }

    pub fn user(&self, id_or_upn: &str) -> Option<&User> {
        let key = id_or_upn.to_lowercase();
        self.users.iter().find(|u| u.id == key || u.user_principal_name.to_lowercase() == key)
    }

    pub fn app_by_app_id(&self, app_id: &str) -> Option<&Application> {
        let key = app_id.to_lowercase();
        self.applications.iter().find(|a| a.app_id == key)
    }

    pub fn sp_by_app_id(&self, app_id: &str) -> Option<&ServicePrincipal> {
        let key = app_id.to_lowercase();
        self.service_principals.iter().find(|s| s.app_id == key)
    }

    /// The app role values granted to an application's service principal, leaving out
    /// assignments younger than `hide_newer_than` (eventual consistency of tokens).
    pub fn granted_roles(&self, sp_id: &str, hide_newer_than: Option<Duration>) -> Vec<String> {
        let now = Utc::now();
        let mut roles: Vec<String> = self
            .assignments
            .iter()
            .filter(|a| a.principal_id == sp_id)
            .filter(|a| hide_newer_than.is_none_or(|window| now - a.created_date_time >= window))
            .filter_map(|a| {
                self.service_principals
                    .iter()
                    .find(|sp| sp.id == a.resource_id)
                    .and_then(|sp| sp.app_roles.iter().find(|r| r.id == a.app_role_id))
                    .map(|r| r.value.clone())
            })
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

/// A resource's service principal (Microsoft Graph, Exchange Online) keeps its object id at
/// every start, so that stored app role assignments still point at it.
fn resource_sp(tenant_id: &str, app_id: &str, name: &str, roles: &[(&str, &str)]) -> ServicePrincipal {
    ServicePrincipal {
        id: stable_id(tenant_id, &format!("servicePrincipal/{app_id}")),
        app_id: app_id.into(),
        display_name: name.into(),
        app_roles: roles
            .iter()
            .map(|(value, id)| AppRole {
                id: (*id).into(),
                value: (*value).into(),
                display_name: (*value).into(),
                description: format!("Allows the app to use {value} without a signed-in user."),
                allowed_member_types: vec!["Application".into()],
                is_enabled: true,
            })
            .collect(),
        account_enabled: true,
        service_principal_type: "Application".into(),
        created: Utc::now() - Duration::days(365),
    }
}

pub fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body.trim()).ok()
}

/// An authorization code waiting to be redeemed.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    /// OpenID Connect's `nonce` of the authorize request, echoed in the ID token.
    pub nonce: Option<String>,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub tenant: String,
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceState {
    Pending,
    Approved { user_id: String },
    Declined,
}

#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub tenant: String,
    pub client_id: String,
    pub user_code: String,
    pub scopes: Vec<String>,
    pub expires: DateTime<Utc>,
    pub interval: i64,
    pub last_poll: Option<DateTime<Utc>>,
    pub state: DeviceState,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    /// Milliseconds since the simulator started.
    pub started_ms: f64,
    pub finished_ms: f64,
    /// A `$batch`'s inner requests, as `METHOD path?query`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batched: Vec<String>,
}

/// What a `$batch` answer carries to the request log: its inner requests.
#[derive(Debug, Clone)]
pub struct BatchedRequests(pub Vec<String>);

#[derive(Debug)]
pub struct World {
    pub tenants: Vec<Tenant>,
    pub seed: Seed,
    /// When set, `authorize` signs this user in and consents at once (tests and demos).
    pub auto_approve: Option<String>,
    pub faults: Faults,
    pub log: Vec<RequestRecord>,
    pub codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub device_codes: HashMap<String, DeviceCode>,
    pub settings: Settings,
}

/// Protocol timings a test may shorten.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    #[serde(default = "default_interval")]
    pub device_code_interval_secs: i64,
    #[serde(default = "default_device_lifetime")]
    pub device_code_lifetime_secs: i64,
}

fn default_interval() -> i64 {
    5
}

fn default_device_lifetime() -> i64 {
    900
}

impl Default for Settings {
    fn default() -> Self {
        Settings { device_code_interval_secs: default_interval(), device_code_lifetime_secs: default_device_lifetime() }
    }
}

impl World {
    pub fn from_seed(seed: Seed) -> Result<World, String> {
        let tenants = seed.tenants.iter().map(Tenant::from_seed).collect::<Result<Vec<_>, _>>()?;
        let faults = seed.faults.clone().unwrap_or_default();
        Ok(World {
            tenants,
            seed,
            auto_approve: None,
            faults,
            log: Vec::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            device_codes: HashMap::new(),
            settings: Settings::default(),
        })
    }

    /// Back to the seed: no faults, no log, no codes, no registrations made since.
    pub fn reset(&mut self) -> Result<(), String> {
        *self = World::from_seed(self.seed.clone())?;
        Ok(())
    }

    pub fn tenant(&self, name: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.matches(name))
    }

    pub fn tenant_mut(&mut self, name: &str) -> Option<&mut Tenant> {
        self.tenants.iter_mut().find(|t| t.matches(name))
    }
}
