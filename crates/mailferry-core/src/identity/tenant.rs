//! A tenant given as a GUID or a verified domain, resolved through its OpenID metadata to the
//! GUID. Answers are cached for the life of the process: a tenant's id never changes.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;

use super::failure::{excerpt, token_failure};
use crate::cloud::Cloud;
use crate::http::{CancellationToken, Http};
use crate::microsoft_errors::TokenContext;
use crate::validate::parse_guid;
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTenant {
    /// The directory (tenant) id, lower-case GUID.
    pub id: String,
    /// Which Microsoft cloud instance answered, e.g. `microsoftonline.com`.
    pub cloud_instance: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    cloud_instance_name: Option<String>,
}

/// Clones share one cache: the app and the CLI resolve a tenant once per process.
#[derive(Debug, Default, Clone)]
pub struct TenantResolver {
    cache: std::sync::Arc<Mutex<HashMap<(String, String), ResolvedTenant>>>,
}

impl TenantResolver {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the tenant is already resolved, so resolving costs no round trip.
    pub fn cached(&self, cloud: &Cloud, tenant: &str) -> Option<ResolvedTenant> {
        self.cache.lock().ok()?.get(&key(cloud, tenant)).cloned()
    }

    pub async fn resolve(
        &self,
        http: &Http,
        cloud: &Cloud,
        tenant: &str,
        cancel: &CancellationToken,
    ) -> Result<ResolvedTenant> {
        if let Some(resolved) = self.cached(cloud, tenant) {
            return Ok(resolved);
        }
        let url = format!("{}/{}/v2.0/.well-known/openid-configuration", cloud.login_url(), tenant.trim());
        let request = format!("GET {url}");
        let response = http.send("the tenant lookup", || http.client().get(&url), cancel).await?;
        if !response.status().is_success() {
            let context = TokenContext { cloud, tenant, client_id: "", thumbprint: None };
            return Err(token_failure(response, request, &context).await);
        }
        let text = response.text().await.map_err(|e| unreadable(&request, e.to_string()))?;
        let resolved = read_metadata(&text, &request)?;
        if let Ok(mut cache) = self.cache.lock() {
            // Under its GUID too: a checked connection keeps the GUID it learnt, and its next
            // check should not look the tenant up again.
            cache.insert(key(cloud, &resolved.id), resolved.clone());
            cache.insert(key(cloud, tenant), resolved.clone());
        }
        Ok(resolved)
    }
}

/// The tenant an OpenID configuration document names: the GUID in its issuer.
pub(crate) fn read_metadata(text: &str, request: &str) -> Result<ResolvedTenant> {
    let metadata: Metadata = serde_json::from_str(text).map_err(|_| unreadable(request, excerpt(text)))?;
    let id = tenant_id_from_issuer(&metadata.issuer)
        .ok_or_else(|| unreadable(request, format!("the issuer {} holds no tenant id", excerpt(&metadata.issuer))))?;
    Ok(ResolvedTenant { id, cloud_instance: metadata.cloud_instance_name })
}

fn key(cloud: &Cloud, tenant: &str) -> (String, String) {
    (cloud.login_url().to_owned(), tenant.trim().to_ascii_lowercase())
}

fn unreadable(request: &str, detail: String) -> Error {
    Error::UnexpectedResponse { what: request.to_owned(), detail }
}

/// `https://login.microsoftonline.com/{guid}/v2.0` -> the GUID.
fn tenant_id_from_issuer(issuer: &str) -> Option<String> {
    issuer.trim_end_matches('/').rsplit('/').nth(1).and_then(parse_guid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_id_is_read_from_the_issuer() {
        assert_eq!(
            tenant_id_from_issuer("https://login.microsoftonline.com/6BABCAAD-604b-40ac-a9d7-9fd97c0b779f/v2.0")
                .as_deref(),
            Some("6babcaad-604b-40ac-a9d7-9fd97c0b779f")
        );
        assert_eq!(tenant_id_from_issuer("https://sts.windows.net/{tenantid}/"), None);
    }
}
