//! The directory changes a client makes (applications it registered, their credentials, service
//! principals and permission grants) kept in a file, so that a demo cloud restarted tomorrow
//! still knows the application Mailferry registered today and its connection keeps working.
//!
//! Users, domains and Microsoft's own service principals come from the seed at every start;
//! only what clients can change is stored. Protocol state (codes, refresh tokens) is not: a
//! sign-in does not outlive its process, as with Microsoft after a token's lifetime.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{EXCHANGE_APP_ID, GRAPH_APP_ID, SIGN_IN_CLIENT_ID};
use crate::world::{
    AppRole, AppRoleAssignment, Application, KeyCredential, PasswordCredential, ServicePrincipal, Tenant, World,
};

/// The stored form's version; a file of another version is set aside, not misread.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    version: u32,
    tenants: Vec<StoredTenant>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredTenant {
    id: String,
    applications: Vec<StoredApplication>,
    /// Every service principal but Microsoft's own (those come from the catalog).
    service_principals: Vec<StoredServicePrincipal>,
    assignments: Vec<AppRoleAssignment>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredApplication {
    id: String,
    app_id: String,
    display_name: String,
    sign_in_audience: String,
    required_resource_access: serde_json::Value,
    key_credentials: Vec<StoredKey>,
    password_credentials: Vec<StoredPassword>,
    tags: Vec<String>,
    notes: Option<String>,
    is_fallback_public_client: Option<bool>,
    created_date_time: DateTime<Utc>,
    owners: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredKey {
    key_id: String,
    display_name: Option<String>,
    start_date_time: DateTime<Utc>,
    end_date_time: DateTime<Utc>,
    custom_key_identifier: String,
    /// The certificate, base64 DER (public: no private key is ever uploaded).
    certificate: String,
    added: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredPassword {
    key_id: String,
    display_name: Option<String>,
    start_date_time: DateTime<Utc>,
    end_date_time: DateTime<Utc>,
    /// The simulated tenant's copy of the secret (Entra keeps one too, to check it); the file
    /// lives in the demo's own data folder and opens nothing but this simulator.
    value: String,
    added: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredServicePrincipal {
    id: String,
    app_id: String,
    display_name: String,
    app_roles: Vec<AppRole>,
    account_enabled: bool,
    service_principal_type: String,
    created: DateTime<Utc>,
}

fn is_microsoft_resource(app_id: &str) -> bool {
    [GRAPH_APP_ID, EXCHANGE_APP_ID, SIGN_IN_CLIENT_ID].iter().any(|id| id.eq_ignore_ascii_case(app_id))
}

impl From<&KeyCredential> for StoredKey {
    fn from(key: &KeyCredential) -> Self {
        StoredKey {
            key_id: key.key_id.clone(),
            display_name: key.display_name.clone(),
            start_date_time: key.start_date_time,
            end_date_time: key.end_date_time,
            custom_key_identifier: key.custom_key_identifier.clone(),
            certificate: base64::engine::general_purpose::STANDARD.encode(&key.der),
            added: key.added,
        }
    }
}

impl StoredKey {
    fn restore(self) -> Result<KeyCredential, String> {
        let der = base64::engine::general_purpose::STANDARD
            .decode(&self.certificate)
            .map_err(|e| format!("key {}: the certificate is not base64: {e}", self.key_id))?;
        let mut key = KeyCredential::from_der(der, self.display_name, self.start_date_time, self.end_date_time);
        key.key_id = self.key_id;
        key.custom_key_identifier = self.custom_key_identifier;
        key.added = self.added;
        Ok(key)
    }
}

impl From<&PasswordCredential> for StoredPassword {
    fn from(secret: &PasswordCredential) -> Self {
        StoredPassword {
            key_id: secret.key_id.clone(),
            display_name: secret.display_name.clone(),
            start_date_time: secret.start_date_time,
            end_date_time: secret.end_date_time,
            value: secret.value.clone(),
            added: secret.added,
        }
    }
}

impl StoredPassword {
    fn restore(self) -> PasswordCredential {
        let mut secret = PasswordCredential::new(self.value, self.key_id, self.display_name, self.end_date_time);
        secret.start_date_time = self.start_date_time;
        secret.added = self.added;
        secret
    }
}

impl From<&Application> for StoredApplication {
    fn from(app: &Application) -> Self {
        StoredApplication {
            id: app.id.clone(),
            app_id: app.app_id.clone(),
            display_name: app.display_name.clone(),
            sign_in_audience: app.sign_in_audience.clone(),
            required_resource_access: app.required_resource_access.clone(),
            key_credentials: app.key_credentials.iter().map(StoredKey::from).collect(),
            password_credentials: app.password_credentials.iter().map(StoredPassword::from).collect(),
            tags: app.tags.clone(),
            notes: app.notes.clone(),
            is_fallback_public_client: app.is_fallback_public_client,
            created_date_time: app.created_date_time,
            owners: app.owners.clone(),
        }
    }
}

impl StoredApplication {
    fn restore(self) -> Result<Application, String> {
        Ok(Application {
            id: self.id,
            app_id: self.app_id,
            display_name: self.display_name,
            sign_in_audience: self.sign_in_audience,
            required_resource_access: self.required_resource_access,
            key_credentials: self.key_credentials.into_iter().map(StoredKey::restore).collect::<Result<_, _>>()?,
            password_credentials: self.password_credentials.into_iter().map(StoredPassword::restore).collect(),
            tags: self.tags,
            notes: self.notes,
            is_fallback_public_client: self.is_fallback_public_client,
            created_date_time: self.created_date_time,
            owners: self.owners,
        })
    }
}

impl From<&ServicePrincipal> for StoredServicePrincipal {
    fn from(sp: &ServicePrincipal) -> Self {
        StoredServicePrincipal {
            id: sp.id.clone(),
            app_id: sp.app_id.clone(),
            display_name: sp.display_name.clone(),
            app_roles: sp.app_roles.clone(),
            account_enabled: sp.account_enabled,
            service_principal_type: sp.service_principal_type.clone(),
            created: sp.created,
        }
    }
}

impl StoredServicePrincipal {
    fn restore(self) -> ServicePrincipal {
        ServicePrincipal {
            id: self.id,
            app_id: self.app_id,
            display_name: self.display_name,
            app_roles: self.app_roles,
            account_enabled: self.account_enabled,
            service_principal_type: self.service_principal_type,
            created: self.created,
        }
    }
}

impl From<&Tenant> for StoredTenant {
    fn from(tenant: &Tenant) -> Self {
        StoredTenant {
            id: tenant.id.clone(),
            applications: tenant.applications.iter().map(StoredApplication::from).collect(),
            service_principals: tenant
                .service_principals
                .iter()
                .filter(|sp| !is_microsoft_resource(&sp.app_id))
                .map(StoredServicePrincipal::from)
                .collect(),
            assignments: tenant.assignments.clone(),
        }
    }
}

/// The world's changeable part, as the file holds it.
pub fn to_json(world: &World) -> Result<Vec<u8>, String> {
    let stored = Stored { version: VERSION, tenants: world.tenants.iter().map(StoredTenant::from).collect() };
    serde_json::to_vec(&stored).map_err(|e| e.to_string())
}

/// Puts what `json` holds in place of the seed's applications, service principals (but
/// Microsoft's) and grants, tenant by tenant; a tenant the seed no longer has is left out.
/// Nothing changes unless the whole file reads.
pub fn apply(world: &mut World, json: &[u8]) -> Result<(), String> {
    let stored: Stored = serde_json::from_slice(json).map_err(|e| format!("it is not a stored directory: {e}"))?;
    if stored.version != VERSION {
        return Err(format!("it is version {}, this simulator reads version {VERSION}", stored.version));
    }
    let mut restored = Vec::new();
    for tenant in stored.tenants {
        let applications =
            tenant.applications.into_iter().map(StoredApplication::restore).collect::<Result<Vec<_>, _>>()?;
        let principals: Vec<_> = tenant.service_principals.into_iter().map(StoredServicePrincipal::restore).collect();
        restored.push((tenant.id, applications, principals, tenant.assignments));
    }
    for (id, applications, principals, assignments) in restored {
        let Some(tenant) = world.tenants.iter_mut().find(|t| t.id == id) else { continue };
        tenant.applications = applications;
        tenant.service_principals.retain(|sp| is_microsoft_resource(&sp.app_id));
        tenant.service_principals.extend(principals);
        tenant.assignments = assignments;
    }
    Ok(())
}

/// Where a simulator keeps its directory changes, and how it writes them.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateFile { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file into `world`. A missing file is a first start. A file that cannot be
    /// read is moved aside (never deleted: it may be all the user has) and the seed is used;
    /// the answer says so, for the log.
    pub fn load_into(&self, world: &mut World) -> Option<String> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            Err(error) => {
                return Some(format!("{} could not be read ({error}); the seed is used", self.path.display()))
            }
        };
        let error = apply(world, &bytes).err()?;
        let aside = self.path.with_extension(format!("unreadable-{}.json", Utc::now().format("%Y%m%dT%H%M%S")));
        let moved = std::fs::rename(&self.path, &aside);
        Some(match moved {
            Ok(()) => format!("{} could not be read ({error}); it is kept as {}", self.path.display(), aside.display()),
            Err(rename) => format!("{} could not be read ({error}) nor set aside ({rename})", self.path.display()),
        })
    }

    /// Writes the world's changeable part.
    pub fn save(&self, world: &World) -> Result<(), String> {
        self.write(&to_json(world)?)
    }

    /// Writes `json`, the world's changeable part as [`to_json`] made it: to a temporary file
    /// first, then renamed over the old one, so that a crash mid-write leaves the last good state.
    pub fn write(&self, json: &[u8]) -> Result<(), String> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let partial = self.path.with_extension("partial");
        std::fs::write(&partial, json).map_err(|e| format!("{}: {e}", partial.display()))?;
        std::fs::rename(&partial, &self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::world::{new_id, stable_id};

    fn world() -> World {
        World::from_seed(crate::demo::seed()).unwrap()
    }

    /// A registration as a client makes it: an application with a certificate and a secret,
    /// its service principal, one Graph permission granted to it.
    fn register(world: &mut World) -> (String, String) {
        let tenant = &mut world.tenants[0];
        let der = crate::world::pem_to_der(crate::demo::CONTOSO.certificate_pem).unwrap();
        let (start, end) = crate::certs::validity(&der).unwrap();
        let app_id = new_id();
        tenant.applications.push(Application {
            id: new_id(),
            app_id: app_id.clone(),
            display_name: "Mailferry Migration Source".into(),
            sign_in_audience: "AzureADMyOrg".into(),
            required_resource_access: serde_json::json!([]),
            key_credentials: vec![KeyCredential::from_der(der, Some("CN=Mailferry".into()), start, end)],
            password_credentials: vec![PasswordCredential::new("s3cret-value".into(), new_id(), None, end)],
            tags: vec!["mailferry".into()],
            notes: None,
            is_fallback_public_client: None,
            created_date_time: Utc::now(),
            owners: vec![tenant.users[0].id.clone()],
        });
        let sp_id = new_id();
        tenant.service_principals.push(ServicePrincipal {
            id: sp_id.clone(),
            app_id: app_id.clone(),
            display_name: "Mailferry Migration Source".into(),
            app_roles: Vec::new(),
            account_enabled: true,
            service_principal_type: "Application".into(),
            created: Utc::now(),
        });
        let graph = tenant.sp_by_app_id(GRAPH_APP_ID).unwrap().clone();
        tenant.assignments.push(AppRoleAssignment {
            id: new_id(),
            principal_id: sp_id.clone(),
            principal_display_name: "Mailferry Migration Source".into(),
            principal_type: "ServicePrincipal".into(),
            resource_id: graph.id.clone(),
            resource_display_name: graph.display_name.clone(),
            app_role_id: graph.app_roles.iter().find(|r| r.value == "Mail.Read").unwrap().id.clone(),
            created_date_time: Utc::now() - chrono::Duration::hours(1),
        });
        (app_id, sp_id)
    }

    #[test]
    fn a_registration_is_there_after_a_restart_with_its_credentials_and_grants() {
        let folder = tempfile::tempdir().unwrap();
        let file = StateFile::new(folder.path().join("cloud.json"));
        let mut before = world();
        let (app_id, sp_id) = register(&mut before);
        file.save(&before).unwrap();

        let mut after = world();
        assert_eq!(file.load_into(&mut after), None);
        let tenant = &after.tenants[0];
        let app = tenant.app_by_app_id(&app_id).unwrap();
        let was = before.tenants[0].app_by_app_id(&app_id).unwrap();
        assert_eq!(app.key_credentials[0].sha1, was.key_credentials[0].sha1, "the certificate, to check assertions");
        assert_eq!(app.key_credentials[0].key_id, was.key_credentials[0].key_id);
        assert_eq!(app.password_credentials[0].value, "s3cret-value");
        assert_eq!(app.owners, was.owners);
        assert_eq!(tenant.granted_roles(&sp_id, None), vec!["Mail.Read".to_owned()], "the grant still points at Graph");
        assert_eq!(
            tenant.sp_by_app_id(GRAPH_APP_ID).unwrap().id,
            stable_id(&tenant.id, &format!("servicePrincipal/{GRAPH_APP_ID}")),
            "Microsoft Graph keeps its object id"
        );
        assert_eq!(tenant.users.len(), before.tenants[0].users.len(), "users come from the seed");
        let hand_made = crate::demo::CONTOSO.client_id;
        assert!(tenant.app_by_app_id(hand_made).is_some(), "the application registered by hand is still there");
    }

    #[test]
    fn an_unreadable_file_is_set_aside_and_the_seed_is_used() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("cloud.json");
        std::fs::write(&path, b"{ not json").unwrap();
        let mut world = world();
        let apps = world.tenants[0].applications.len();
        let warning = StateFile::new(&path).load_into(&mut world).unwrap();
        assert!(warning.contains("could not be read") && warning.contains("kept as"), "{warning}");
        assert_eq!(world.tenants[0].applications.len(), apps);
        assert!(!path.exists());
        let kept: Vec<_> = std::fs::read_dir(folder.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(std::fs::read(folder.path().join(&kept[0])).unwrap(), b"{ not json", "nothing is lost");
    }

    #[test]
    fn a_file_of_another_version_is_not_misread() {
        let mut world = world();
        let error = apply(&mut world, br#"{"version": 99, "tenants": []}"#).unwrap_err();
        assert!(error.contains("version 99"), "{error}");
    }
}
