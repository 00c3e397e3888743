//! The proxy between Mailferry and Microsoft. Without one in Settings, requests follow
//! HTTPS_PROXY, HTTP_PROXY and NO_PROXY, or the system's proxy on Windows and macOS (reqwest's
//! system-proxy support). A proxy in Settings takes their place (NO_PROXY still exempts its
//! hosts); its user name is a setting, its password lives only in the OS keychain.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::connections::ConnectionService;
use crate::secrets::{on_blocking_thread, SecretKey};
use crate::{Error, Result};

const URL_SETTING: &str = "proxy_url";
const USERNAME_SETTING: &str = "proxy_username";

/// The proxy in Settings, as the Settings window shows it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProxySettings {
    /// `None`: the environment's or the system's proxy applies.
    pub url: Option<String>,
    pub username: Option<String>,
    /// Whether a password is kept in the keychain.
    pub has_password: bool,
}

/// What the Settings window saves.
#[derive(Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProxyChange {
    /// Empty: no proxy of Mailferry's own.
    pub url: String,
    /// Empty: the proxy asks for no credentials.
    pub username: String,
    /// `None` keeps the password kept now; `Some("")` removes it.
    pub password: Option<String>,
}

impl std::fmt::Debug for ProxyChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyChange")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// The proxy the HTTP client is built with.
#[derive(Clone)]
pub struct ProxyConfig {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig").field("url", &self.url).field("username", &self.username).finish()
    }
}

impl ProxyConfig {
    /// The reqwest proxy: every request (http and https) through `url`, with basic
    /// credentials when there is a user name, and NO_PROXY's hosts exempt.
    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Proxy> {
        let mut proxy = reqwest::Proxy::all(&self.url).map_err(|e| Error::InvalidProxy { detail: format!("{e}") })?;
        if let Some(username) = &self.username {
            let password = self.password.as_ref().map(|p| p.expose_secret()).unwrap_or_default();
            proxy = proxy.basic_auth(username, password);
        }
        Ok(proxy.no_proxy(reqwest::NoProxy::from_env()))
    }
}

/// A proxy URL as the Settings window takes it: `http://` or `https://`, a host and an
/// optional port, nothing else. Comes back without a trailing slash.
pub fn check_proxy_url(url: &str) -> Result<String> {
    let refused = |detail: &str| Err(Error::InvalidProxy { detail: detail.to_owned() });
    let url = url.trim().trim_end_matches('/');
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refused("must not hold spaces or control characters.");
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return refused("is not a URL: it starts with http:// and the proxy's host name, for example http://proxy.example.com:8080.");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return refused("must start with http:// or https:// (SOCKS proxies are not supported).");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return refused("needs the proxy's host name, for example http://proxy.example.com:8080.");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refused(
            "must not hold a user name or password: type them in their own fields, so the password is kept in the keychain.",
        );
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return refused("is only a scheme, a host and a port, with no path, query or fragment.");
    }
    Ok(url.to_owned())
}

fn password_key(connections: &ConnectionService) -> SecretKey {
    SecretKey::ProxyPassword { folder: connections.certificates().folder().to_owned() }
}

/// The proxy in Settings, for the Settings window.
pub async fn settings(connections: &ConnectionService) -> Result<ProxySettings> {
    Ok(configured(connections).await?.map_or_else(ProxySettings::default, |config| ProxySettings {
        has_password: config.password.is_some(),
        url: Some(config.url),
        username: config.username,
    }))
}

/// The proxy in Settings, with its password, for the HTTP client; `None` when there is none.
pub async fn configured(connections: &ConnectionService) -> Result<Option<ProxyConfig>> {
    let store = connections.store().settings();
    let Some(url) = store.get(URL_SETTING).await? else { return Ok(None) };
    let username = store.get(USERNAME_SETTING).await?;
    // The keychain is asked only when there is a user name: most proxies ask for none, and a
    // keychain read at start can wait on an unlock prompt.
    let password = match username {
        None => None,
        Some(_) => {
            let key = password_key(connections);
            on_blocking_thread(connections.vault(), move |vault| vault.get(&key))
                .await?
                .map(|bytes| SecretString::from(String::from_utf8_lossy(&bytes).into_owned()))
        }
    };
    Ok(Some(ProxyConfig { url, username, password }))
}

/// Saves the proxy (or, with an empty URL, removes it with its credentials) and answers with
/// the configuration the HTTP client is to use from now on. Nothing is saved when the URL is
/// refused; the password reaches the keychain before the settings name it.
pub async fn change(connections: &ConnectionService, change: ProxyChange) -> Result<Option<ProxyConfig>> {
    let store = connections.store().settings();
    let vault: Arc<_> = Arc::clone(connections.vault());
    let key = password_key(connections);
    if change.url.trim().is_empty() {
        on_blocking_thread(&vault, move |vault| vault.delete(&key)).await?;
        store.set(USERNAME_SETTING, None).await?;
        store.set(URL_SETTING, None).await?;
        tracing::info!("proxy removed from Settings");
        return Ok(None);
    }
    let url = check_proxy_url(&change.url)?;
    let username = Some(change.username.trim().to_owned()).filter(|u| !u.is_empty());
    // A password belongs to a user name: without one, none is kept.
    let password = if username.is_some() { change.password } else { Some(String::new()) };
    match password {
        Some(password) if !password.is_empty() => {
            on_blocking_thread(&vault, move |vault| vault.put(&key, password.as_bytes())).await?;
        }
        Some(_) => {
            on_blocking_thread(&vault, move |vault| vault.delete(&key)).await?;
        }
        None => {}
    }
    store.set(USERNAME_SETTING, username.as_deref()).await?;
    store.set(URL_SETTING, Some(&url)).await?;
    tracing::info!(%url, with_credentials = username.is_some(), "proxy saved in Settings");
    configured(connections).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_url_is_a_scheme_a_host_and_a_port() {
        assert_eq!(check_proxy_url(" http://proxy.contoso.com:8080/ ").unwrap(), "http://proxy.contoso.com:8080");
        assert_eq!(check_proxy_url("https://[::1]:3128").unwrap(), "https://[::1]:3128");
        for (bad, why) in [
            // Read as the scheme "proxy.contoso.com".
            ("proxy.contoso.com:8080", "must start with http:// or https://"),
            ("http://", "not a URL"),
            ("socks5://proxy.contoso.com:1080", "SOCKS"),
            ("http://someone:secret@proxy.contoso.com:8080", "in their own fields"),
            ("http://proxy.contoso.com:8080/path", "no path"),
            ("http://proxy.contoso.com:8080/?x=1", "no path"),
            ("http://proxy.con toso.com", "spaces"),
        ] {
            let error = check_proxy_url(bad).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::Invalid);
            assert!(error.to_string().contains(why), "{bad}: {error}");
        }
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let change = ProxyChange { url: "http://p:1".into(), username: "u".into(), password: Some("hunter22".into()) };
        let config = ProxyConfig { url: "http://p:1".into(), username: None, password: Some("hunter22".into()) };
        assert!(!format!("{change:?} {config:?}").contains("hunter22"));
    }
}
