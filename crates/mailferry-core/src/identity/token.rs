//! App-only tokens (client credentials, docs/microsoft-contract.md), cached until five
//! minutes before they expire.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::failure::{excerpt, token_failure};
use super::{client_assertion, AssertionAlgorithm, ResolvedTenant};
use crate::certs::KeyedCertificate;
use crate::cloud::Cloud;
use crate::http::{CancellationToken, Http};
use crate::microsoft_errors::TokenContext;
use crate::{Error, Result};

/// A token is not reused in its last five minutes.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the application proves who it is.
#[derive(Clone)]
pub enum AppCredential {
    Secret(SecretString),
    Certificate(Arc<KeyedCertificate>),
}

impl std::fmt::Debug for AppCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppCredential::Secret(_) => f.write_str("AppCredential::Secret([redacted])"),
            AppCredential::Certificate(c) => write!(f, "AppCredential::Certificate({})", c.info.sha1_thumbprint),
        }
    }
}

impl AppCredential {
    /// Tells credentials apart in the cache without keeping a secret's value as a key.
    fn fingerprint(&self) -> String {
        match self {
            AppCredential::Secret(secret) => {
                let digest = Sha256::digest(secret.expose_secret().as_bytes());
                digest.iter().map(|b| format!("{b:02x}")).collect()
            }
            AppCredential::Certificate(certificate) => certificate.info.sha1_thumbprint.clone(),
        }
    }

    pub fn thumbprint(&self) -> Option<&str> {
        match self {
            AppCredential::Secret(_) => None,
            AppCredential::Certificate(certificate) => Some(&certificate.info.sha1_thumbprint),
        }
    }
}

/// The claims Mailferry reads from its own app-only token.
#[derive(Debug, Clone, Deserialize)]
pub struct AppTokenClaims {
    pub tid: String,
    #[serde(default)]
    pub roles: Vec<String>,
    pub appid: Option<String>,
    /// For an app-only token, the object id of the application's service principal (the
    /// enterprise application): "Access token claims reference", `oid`.
    #[serde(default)]
    pub oid: Option<String>,
}

pub struct AppToken {
    access_token: SecretString,
    pub(crate) valid_until: Instant,
    pub claims: AppTokenClaims,
}

impl std::fmt::Debug for AppToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppToken").field("claims", &self.claims).finish_non_exhaustive()
    }
}

impl AppToken {
    pub fn bearer(&self) -> &str {
        self.access_token.expose_secret()
    }

    fn fresh_enough(&self) -> bool {
        Instant::now() + EXPIRY_MARGIN < self.valid_until
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(deserialize_with = "super::seconds::deserialize")]
    expires_in: u64,
}

/// Microsoft's app-only tokens live about an hour; a longer promise is not cached longer than a day.
pub(crate) const LONGEST_TOKEN_LIFE: Duration = Duration::from_secs(24 * 60 * 60);

/// One token request: which application, in which tenant, with which credential.
pub struct AppTokenRequest<'a> {
    pub cloud: &'a Cloud,
    pub tenant: &'a ResolvedTenant,
    pub client_id: &'a str,
    pub credential: &'a AppCredential,
    /// Ask Microsoft even if a cached token is still good: a check must see today's roles.
    pub fresh: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    token_url: String,
    client_id: String,
    credential: String,
}

/// Clones share one cache, so checks and discovery of one process reuse a valid token.
#[derive(Default, Clone)]
pub struct TokenClient {
    cache: Arc<Mutex<HashMap<CacheKey, Arc<AppToken>>>>,
}

impl TokenClient {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn token_url(cloud: &Cloud, tenant: &ResolvedTenant) -> String {
        format!("{}/{}/oauth2/v2.0/token", cloud.login_url(), tenant.id)
    }

    pub async fn app_only(
        &self,
        http: &Http,
        request: &AppTokenRequest<'_>,
        cancel: &CancellationToken,
    ) -> Result<Arc<AppToken>> {
        let token_url = Self::token_url(request.cloud, request.tenant);
        let key = CacheKey {
            token_url: token_url.clone(),
            client_id: request.client_id.to_owned(),
            credential: request.credential.fingerprint(),
        };
        if !request.fresh {
            if let Some(token) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
                if token.fresh_enough() {
                    return Ok(token);
                }
            }
        }

        let scope = format!("{}/.default", request.cloud.graph_url());
        let form = token_form(request, &token_url, &scope)?;
        let pairs: Vec<(&str, &str)> = form.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let description = format!("POST {token_url}");
        let response = http.send("the token request", || http.client().post(&token_url).form(&pairs), cancel).await?;
        if !response.status().is_success() {
            let context = TokenContext {
                cloud: request.cloud,
                tenant: &request.tenant.id,
                client_id: request.client_id,
                thumbprint: request.credential.thumbprint(),
            };
            return Err(token_failure(response, description, &context).await);
        }
        let text = response
            .text()
            .await
            .map_err(|e| Error::UnexpectedResponse { what: description.clone(), detail: e.to_string() })?;
        let token = Arc::new(read_app_token(&text, description)?);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, token.clone());
        }
        Ok(token)
    }
}

/// The app-only token in a token endpoint answer, valid for its `expires_in` (bounded).
pub(crate) fn read_app_token(text: &str, description: String) -> Result<AppToken> {
    let parsed: TokenResponse = serde_json::from_str(text).map_err(|_| Error::UnexpectedResponse {
        what: description.clone(),
        detail: format!("no access token in the answer: {}", shape_of(text)),
    })?;
    let claims: AppTokenClaims = jsonwebtoken::dangerous::insecure_decode_claims(parsed.access_token.expose_secret())
        .map_err(|e| Error::UnexpectedResponse {
        what: description,
        detail: format!("the access token is not a readable JWT: {e}"),
    })?;
    Ok(AppToken {
        access_token: parsed.access_token,
        valid_until: Instant::now() + super::seconds::bounded(parsed.expires_in, Duration::ZERO, LONGEST_TOKEN_LIFE),
        claims,
    })
}

/// The form fields; values are wiped from memory when the request is done.
fn token_form(
    request: &AppTokenRequest<'_>,
    token_url: &str,
    scope: &str,
) -> Result<Vec<(&'static str, Zeroizing<String>)>> {
    let mut form: Vec<(&'static str, Zeroizing<String>)> = vec![
        ("client_id", request.client_id.to_owned().into()),
        ("scope", scope.to_owned().into()),
        ("grant_type", "client_credentials".to_owned().into()),
    ];
    match request.credential {
        AppCredential::Secret(secret) => form.push(("client_secret", secret.expose_secret().to_owned().into())),
        AppCredential::Certificate(certificate) => {
            let assertion = client_assertion(
                certificate,
                request.client_id,
                token_url,
                AssertionAlgorithm::Ps256,
                chrono::Utc::now(),
            )?;
            form.push(("client_assertion_type", ASSERTION_TYPE.to_owned().into()));
            form.push(("client_assertion", assertion.into()));
        }
    }
    Ok(form)
}

/// The fields Microsoft documents in a token endpoint answer, success or error
/// (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, "Successful
/// response" and "Error response"; and the auth code and device code flows' pages).
const TOKEN_ANSWER_FIELDS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "ext_expires_in",
    "refresh_in",
    "refresh_token",
    "id_token",
    "scope",
    "error",
    "error_description",
    "error_codes",
    "error_uri",
    "suberror",
    "claims",
    "timestamp",
    "trace_id",
    "correlation_id",
];

/// What a malformed answer holds, without any value: a token (or a copy of one under another
/// name) is never repeated in an error. Only documented field names are repeated; any other
/// name is counted, since a name is as untrusted as a value (the token_answer fuzz target
/// found a token's first half sent as a field's name).
fn shape_of(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => {
            let known: Vec<&str> =
                map.keys().map(String::as_str).filter(|name| TOKEN_ANSWER_FIELDS.contains(name)).collect();
            let others = map.len() - known.len();
            let mut said = if known.is_empty() {
                "an object with none of the fields Microsoft sends".to_owned()
            } else {
                format!("an object with the fields {}", known.join(", "))
            };
            if others > 0 {
                said.push_str(&format!(" and {others} other field{}", if others == 1 { "" } else { "s" }));
            }
            said
        }
        Ok(_) => "JSON that is not an object".into(),
        Err(_) => excerpt(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_token_answer_is_described_without_any_of_its_values() {
        // A duplicated field makes the answer unreadable; the token also sits under another name.
        let text = r#"{"access_token":"eyJ0eXAiOi.secret","expires_in":3599,"copy":"eyJ0eXAiOi.secret","access_token":"eyJ0eXAiOi.secret"}"#;
        let error = read_app_token(text, "POST token".into()).err().map(|e| format!("{e} {e:?}")).unwrap_or_default();
        assert!(
            error.contains(
                "no access token in the answer: an object with the fields access_token, expires_in and 1 other field"
            ),
            "{error}"
        );
        assert!(!error.contains("eyJ0eXAiOi"), "{error}");
        // The fuzzer's find: half of the token sent as the name of a field.
        let text = r#"{"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJ0aWQiOiI2","expires_in":"soon","tokeyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJ0aWQiOiI2n":1}"#;
        let error = read_app_token(text, "POST token".into()).err().map(|e| format!("{e} {e:?}")).unwrap_or_default();
        assert!(error.contains("the fields access_token, expires_in and 1 other field"), "{error}");
        assert!(!error.contains("eyJ0eXAiOiJKV1Qi"), "{error}");
        let page = read_app_token("<html>proxy login</html>", "POST token".into()).err().map(|e| e.to_string());
        assert!(page.unwrap_or_default().contains("<html>proxy login</html>"));
    }
}
