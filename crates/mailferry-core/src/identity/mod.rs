//! Talking to the Microsoft identity platform: tenant metadata, app-only tokens (client
//! secret or certificate assertion) with their cache, and the JWTs Mailferry signs with an
//! application's certificate.

mod assertion;
pub mod device_code;
pub(crate) mod failure;
mod seconds;
pub mod signin;
pub(crate) mod tenant;
pub(crate) mod token;

pub use assertion::{client_assertion, proof_of_possession, AssertionAlgorithm};
pub(crate) use failure::excerpt;
pub use failure::token_failure;
pub use tenant::{ResolvedTenant, TenantResolver};
pub use token::{AppCredential, AppToken, AppTokenClaims, AppTokenRequest, TokenClient};

use crate::http::{Http, HttpConfig};

/// Everything needed to reach Microsoft as an application: the HTTP client, the tenant
/// metadata cache and the token cache. One per process: clones share the connection pool and
/// both caches.
#[derive(Clone)]
pub struct IdentityClient {
    pub http: Http,
    pub tenants: TenantResolver,
    pub tokens: TokenClient,
}

impl IdentityClient {
    pub fn new(config: HttpConfig) -> crate::Result<IdentityClient> {
        Ok(IdentityClient { http: Http::new(config)?, tenants: TenantResolver::new(), tokens: TokenClient::new() })
    }

    /// The client as Settings configure it (the proxy in Settings, if any).
    pub async fn configured(connections: &crate::connections::ConnectionService) -> crate::Result<IdentityClient> {
        let proxy = crate::proxy::configured(connections).await?;
        IdentityClient::new(HttpConfig { proxy, ..HttpConfig::default() })
    }
}
