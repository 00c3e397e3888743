//! What the UI shows of the demo cloud: whether this start is in it, and the demo tenants'
//! published details for the Manual path (the Demo credentials panel). The demo's client
//! secrets and PFX password are not secrets: they are printed in the README and open nothing
//! but the simulator on this computer, which is why, alone in the model, they are carried.

use serde::Serialize;
use ts_rs::TS;

use super::Role;
use crate::cloud::Cloud;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoStatus {
    /// Whether the dashboard shows the demo's connections now.
    pub active: bool,
    /// Whether this build has the demo cloud (the `demo` feature).
    pub available: bool,
    /// The demo cloud (a Custom cloud on this computer) while it is served: what the cloud
    /// chooser calls Demo.
    pub cloud: Option<Cloud>,
    /// The demo's tenants: empty when the build has no demo.
    pub tenants: Vec<DemoTenantDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoTenantDetails {
    pub display_name: String,
    pub role: Role,
    pub tenant_id: String,
    /// The `*.onmicrosoft.com` domain.
    pub domain: String,
    /// Accounts to sign in with (the same password for each).
    pub admin: String,
    pub privileged_role_admin: String,
    /// May register an application but not grant its permissions: sees the admin-consent link.
    pub application_admin: String,
    pub user: String,
    pub password: String,
    /// A mailbox for the application's checks, and a user without one (the failing case).
    pub application_mailbox: String,
    pub user_without_mailbox: String,
    /// The application registered by hand, for Manual registration.
    pub client_id: String,
    pub client_secret: String,
    pub certificate_thumbprint: String,
    pub pfx_password: String,
}
