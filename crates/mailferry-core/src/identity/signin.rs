//! Admin sign-in for automatic registration (docs/microsoft-contract.md): the system
//! browser, a loopback redirect on an ephemeral port of both 127.0.0.1 and [::1] (the browser
//! may resolve `localhost` to either; no other local program may take the other one), PKCE
//! S256 and `state` (from the oauth2 crate), then the code redeemed for a delegated token.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::failure::{excerpt, token_failure};
use crate::cloud::Cloud;
use crate::http::{CancellationToken, Http};
use crate::microsoft_errors::{explain_aadsts, MicrosoftDetail, MicrosoftFailure, TokenContext};
use crate::{Error, Result};

/// Microsoft Graph Command Line Tools: the public client Microsoft's own consent guides sign
/// in with. Tenants can disable it, so it can be replaced (setting or environment).
pub const DEFAULT_SIGN_IN_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub const SIGN_IN_CLIENT_VAR: &str = "MAILFERRY_SIGNIN_CLIENT_ID";
/// A command that receives the sign-in URL instead of the system browser (tests, kiosks).
pub const BROWSER_VAR: &str = "MAILFERRY_BROWSER";

/// The delegated scopes automatic registration needs, on the cloud's Graph host.
pub fn registration_scopes(cloud: &Cloud) -> Vec<String> {
    let graph = cloud.graph_url();
    vec![
        format!("{graph}/Application.ReadWrite.All"),
        format!("{graph}/AppRoleAssignment.ReadWrite.All"),
        "offline_access".into(),
        "openid".into(),
        "profile".into(),
    ]
}

/// The setting that replaces the default sign-in client.
pub const SIGN_IN_CLIENT_SETTING: &str = "sign_in_client_id";

/// The sign-in client: the environment's, else the setting, else Microsoft Graph Command Line
/// Tools.
pub fn sign_in_client_id_with(setting: Option<&str>) -> String {
    let valid = |s: String| crate::validate::parse_guid(&s);
    std::env::var(SIGN_IN_CLIENT_VAR)
        .ok()
        .and_then(valid)
        .or_else(|| setting.map(str::to_owned).and_then(valid))
        .unwrap_or_else(|| DEFAULT_SIGN_IN_CLIENT_ID.to_owned())
}

/// Who signed in, from the delegated token.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminClaims {
    pub tid: String,
    #[serde(default)]
    pub upn: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// Directory role template ids.
    #[serde(default)]
    pub wids: Vec<String>,
    /// The delegated permissions, space separated (Microsoft's access token claims reference).
    #[serde(default)]
    pub scp: Option<String>,
}

impl AdminClaims {
    pub fn user(&self) -> &str {
        self.upn.as_deref().or(self.preferred_username.as_deref()).unwrap_or("the administrator")
    }

    /// Whether the token carries one of these delegated permissions; `None` when it does not
    /// say (no readable `scp`).
    pub fn has_scope(&self, any: &[&str]) -> Option<bool> {
        let scp = self.scp.as_deref()?;
        Some(scp.split(' ').any(|s| any.iter().any(|a| a.eq_ignore_ascii_case(s))))
    }

    /// The admin's own address, when it can be the application mailbox by default: a member's
    /// user principal name. A guest (`#EXT#`), a partner (GDAP, no `upn`) or an account
    /// without an address has none here, and the mailbox must be typed.
    pub fn own_mailbox(&self) -> Option<&str> {
        self.upn.as_deref().filter(|upn| upn.contains('@') && !upn.to_ascii_uppercase().contains("#EXT#"))
    }
}

pub struct AdminToken {
    access_token: SecretString,
    pub claims: AdminClaims,
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminToken").field("claims", &self.claims).finish_non_exhaustive()
    }
}

impl AdminToken {
    pub fn bearer(&self) -> &str {
        self.access_token.expose_secret()
    }
}

/// Opens a URL for the admin: the command named by `MAILFERRY_BROWSER`, else the system browser.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> Result<()>;
}

pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<()> {
        if let Some(command) = std::env::var_os(BROWSER_VAR).filter(|c| !c.is_empty()) {
            return std::process::Command::new(&command).arg(url).spawn().map(drop).map_err(|source| Error::Io {
                context: format!("Could not start {}", command.to_string_lossy()),
                source,
            });
        }
        webbrowser::open(url)
            .map_err(|source| Error::Io { context: "Could not open the system browser".into(), source })
    }
}

pub struct SignIn<'a> {
    pub cloud: &'a Cloud,
    /// A tenant id or domain, or `organizations` to let the admin pick.
    pub tenant: &'a str,
    pub client_id: &'a str,
    pub scopes: Vec<String>,
    /// How long the admin may take in the browser.
    pub timeout: Duration,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
}

/// What the loopback page says, in the browser tab the admin is looking at.
const DONE_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mailferry</title></head><body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto\"><h1>You are signed in</h1><p>Go back to Mailferry: it is registering the application. You can close this tab.</p></body></html>";
const FAILED_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Mailferry</title></head><body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto\"><h1>Sign-in did not complete</h1><p>Go back to Mailferry: it says what happened and what to do. You can close this tab.</p></body></html>";

/// Signs the admin in through the browser and returns the delegated token.
pub async fn sign_in(
    http: &Http,
    request: &SignIn<'_>,
    browser: &dyn Browser,
    cancel: &CancellationToken,
) -> Result<AdminToken> {
    let listeners = Loopback::bind().await?;
    let port = listeners.port;
    // Entra matches http://localhost redirects on any port.
    let redirect_uri = format!("http://localhost:{port}/");
    let authorize = format!("{}/{}/oauth2/v2.0/authorize", request.cloud.login_url(), request.tenant.trim());
    let invalid = |e: oauth2::url::ParseError| Error::InvalidLoginUrl { detail: e.to_string() };
    let client = BasicClient::new(ClientId::new(request.client_id.to_owned()))
        .set_auth_uri(AuthUrl::new(authorize).map_err(invalid)?)
        .set_redirect_uri(RedirectUrl::new(redirect_uri.clone()).map_err(invalid)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(request.scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("response_mode", "query")
        .add_extra_param("prompt", "select_account")
        .url();
    check_sign_in_url(&url, request.cloud)?;
    tracing::info!(port, "opening the browser for the admin sign-in");
    browser.open(url.as_str())?;

    let reply = tokio::select! {
        biased;
        () = cancel.cancelled() => return Err(Error::Cancelled),
        () = tokio::time::sleep(request.timeout) => return Err(Error::Timeout {
            what: "The sign-in in the browser".into(),
            seconds: request.timeout.as_secs(),
        }),
        reply = wait_for_redirect(listeners, state.secret()) => reply?,
    };
    let code = match reply {
        Redirect::Code(code) => code,
        Redirect::Error { error, description } => return Err(sign_in_refused(&error, &description, request)),
    };

    let token_url = format!("{}/{}/oauth2/v2.0/token", request.cloud.login_url(), request.tenant.trim());
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", request.client_id),
        ("code", code.expose_secret()),
        ("redirect_uri", &redirect_uri),
        ("code_verifier", verifier.secret()),
    ];
    let response =
        http.send("the sign-in code redemption", || http.client().post(&token_url).form(&form), cancel).await?;
    let description = format!("POST {token_url}");
    if !response.status().is_success() {
        let context = TokenContext {
            cloud: request.cloud,
            tenant: request.tenant,
            client_id: request.client_id,
            thumbprint: None,
        };
        return Err(token_failure(response, description, &context).await);
    }
    let text = response
        .text()
        .await
        .map_err(|e| Error::UnexpectedResponse { what: description.clone(), detail: e.to_string() })?;
    admin_token(&text, description)
}

/// The delegated token in a token endpoint answer.
pub(crate) fn admin_token(text: &str, description: String) -> Result<AdminToken> {
    let parsed: TokenResponse = serde_json::from_str(text).map_err(|_| Error::UnexpectedResponse {
        what: description.clone(),
        detail: "no access token in the answer".into(),
    })?;
    let claims: AdminClaims = jsonwebtoken::dangerous::insecure_decode_claims(parsed.access_token.expose_secret())
        .map_err(|e| Error::UnexpectedResponse {
            what: description,
            detail: format!("the access token is not a readable JWT: {e}"),
        })?;
    tracing::info!(tenant = %claims.tid, "admin signed in");
    Ok(AdminToken { access_token: parsed.access_token, claims })
}

/// The browser is only ever sent to the cloud's own login host, over HTTPS (plain HTTP only
/// for a loopback emulator).
fn check_sign_in_url(url: &oauth2::url::Url, cloud: &Cloud) -> Result<()> {
    let expected = oauth2::url::Url::parse(cloud.login_url()).ok();
    let same_host = expected.as_ref().is_some_and(|e| e.host_str() == url.host_str() && e.port() == url.port());
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    let secure = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    if same_host && secure {
        Ok(())
    } else {
        Err(Error::UnsafeSignInAddress { host: url.host_str().unwrap_or("that address").to_owned() })
    }
}

pub(crate) enum Redirect {
    Code(SecretString),
    Error { error: String, description: String },
}

/// The loopback listeners of one sign-in: 127.0.0.1 and, where the system has IPv6, [::1], on
/// the same port.
struct Loopback {
    port: u16,
    v4: TcpListener,
    v6: Option<TcpListener>,
}

/// How long one connection may take to send its request: a slow or silent one (another local
/// program) is dropped, and never holds up the browser's.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

impl Loopback {
    async fn bind() -> Result<Loopback> {
        let io = |context: &str| {
            let context = context.to_owned();
            move |source| Error::Io { context, source }
        };
        // The port is free on 127.0.0.1; on [::1] another program may hold it: try another.
        for _ in 0..8 {
            let v4 = TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(io("Could not listen on 127.0.0.1 for the sign-in"))?;
            let port = v4.local_addr().map_err(io("No loopback port"))?.port();
            match TcpListener::bind(("::1", port)).await {
                Ok(v6) => return Ok(Loopback { port, v4, v6: Some(v6) }),
                Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => continue,
                // No IPv6 on this system: `localhost` can only be 127.0.0.1 then.
                Err(error) => {
                    tracing::debug!(%error, "no IPv6 loopback for the sign-in");
                    return Ok(Loopback { port, v4, v6: None });
                }
            }
        }
        Err(Error::Io {
            context: "Could not find a loopback port free on both 127.0.0.1 and [::1] for the sign-in".into(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        })
    }
}

/// Serves the loopback redirect until a request carries our `state` (anything else, such as
/// a favicon request, gets a 404). Connections are answered side by side; an accept that
/// fails (a connection reset before it was taken) does not end the sign-in.
async fn wait_for_redirect(listeners: Loopback, state: &str) -> Result<Redirect> {
    let (found, mut redirects) = tokio::sync::mpsc::channel::<Redirect>(1);
    loop {
        tokio::select! {
            Some(redirect) = redirects.recv() => return Ok(redirect),
            () = accept_one(&listeners.v4, &found, state) => {}
            () = async {
                match &listeners.v6 {
                    Some(v6) => accept_one(v6, &found, state).await,
                    None => std::future::pending().await,
                }
            } => {}
        }
    }
}

/// Takes one connection and answers it on its own task, within [`REQUEST_DEADLINE`].
async fn accept_one(listener: &TcpListener, found: &tokio::sync::mpsc::Sender<Redirect>, state: &str) {
    match listener.accept().await {
        Ok((stream, _)) => {
            let (found, state) = (found.clone(), state.to_owned());
            tokio::spawn(async move {
                if let Ok(Some(redirect)) = tokio::time::timeout(REQUEST_DEADLINE, answer(stream, &state)).await {
                    let _ = found.send(redirect).await;
                }
            });
        }
        Err(error) => {
            tracing::debug!(%error, "a loopback connection could not be accepted");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn answer(mut stream: TcpStream, state: &str) -> Option<Redirect> {
    let mut buffer = vec![0u8; 16 * 1024];
    let mut read = 0;
    while read < buffer.len() {
        let n = stream.read(&mut buffer[read..]).await.ok()?;
        if n == 0 {
            break;
        }
        read += n;
        if buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let redirect = read_redirect(&buffer[..read], state);
    let (status, page) = match &redirect {
        Some(Redirect::Code(_)) => ("200 OK", DONE_PAGE),
        Some(Redirect::Error { .. }) => ("200 OK", FAILED_PAGE),
        None => ("404 Not Found", FAILED_PAGE),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    redirect
}

/// The redirect in the head of a request the browser sent to the loopback listener: its
/// request line's target, read only when it carries our `state`. Anything else (a favicon
/// request, another program's bytes) is `None`.
pub(crate) fn read_redirect(head: &[u8], state: &str) -> Option<Redirect> {
    let head = String::from_utf8_lossy(head);
    let target = head.lines().next()?.split_whitespace().nth(1)?;
    // Only an origin-form target ("/?code=..."): "http://localhost" + "@evil/..." is no path.
    if !target.starts_with('/') {
        return None;
    }
    let url = oauth2::url::Url::parse(&format!("http://localhost{target}")).ok()?;
    let get = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let ours = get("state").as_deref() == Some(state);
    match (ours, get("error"), get("code")) {
        // The error redirect of admin consent also carries admin_consent=True: error first.
        (true, Some(error), _) => {
            Some(Redirect::Error { error, description: get("error_description").unwrap_or_default() })
        }
        (true, None, Some(code)) => Some(Redirect::Code(SecretString::from(code))),
        _ => None,
    }
}

fn sign_in_refused(error: &str, description: &str, request: &SignIn<'_>) -> Error {
    if error == "access_denied" && !description.starts_with("AADSTS") {
        return Error::SignInDeclined { on_device: false };
    }
    let code = description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse::<u32>().ok());
    let context =
        TokenContext { cloud: request.cloud, tenant: request.tenant, client_id: request.client_id, thumbprint: None };
    let (message, hint) = match code {
        Some(code) => explain_aadsts(code, &context),
        None => (
            format!("The sign-in failed: {error}."),
            "Start again; if it fails again, the details hold Microsoft's text.".into(),
        ),
    };
    Error::Microsoft(Box::new(MicrosoftFailure {
        message,
        hint,
        aadsts: code,
        detail: MicrosoftDetail {
            code: code.map_or_else(|| error.to_owned(), |c| format!("AADSTS{c}")),
            http_status: 0,
            request: "sign-in redirect".into(),
            description: excerpt(description),
            ..Default::default()
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::AdminClaims;

    fn claims(upn: Option<&str>, preferred: Option<&str>) -> AdminClaims {
        AdminClaims {
            tid: "t".into(),
            upn: upn.map(Into::into),
            preferred_username: preferred.map(Into::into),
            wids: Vec::new(),
            scp: None,
        }
    }

    #[test]
    fn only_a_members_own_address_is_the_default_application_mailbox() {
        assert_eq!(claims(Some("admin@contoso.com"), None).own_mailbox(), Some("admin@contoso.com"));
        assert_eq!(
            claims(Some("admin_fabrikam.com#EXT#@contoso.onmicrosoft.com"), None).own_mailbox(),
            None,
            "a guest"
        );
        assert_eq!(claims(None, Some("partner@fabrikam.com")).own_mailbox(), None, "a partner without upn");
        assert_eq!(claims(None, None).own_mailbox(), None);
    }
}
