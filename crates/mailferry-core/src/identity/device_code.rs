//! The device code sign-in (docs/microsoft-contract.md): for a browser on another
//! machine, or where no loopback redirect is possible. The admin opens the verification page
//! anywhere and types the code; Mailferry polls the token endpoint at Microsoft's interval.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::failure::{excerpt, token_failure, token_failure_from};
use super::signin::{admin_token, AdminToken};
use crate::cloud::Cloud;
use crate::http::{CancellationToken, Http};
use crate::microsoft_errors::TokenContext;
use crate::{Error, Result};

/// What the admin is shown: where to go and which code to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// Microsoft's own sentence, in the admin's language.
    pub message: String,
    pub expires_in_secs: u64,
}

#[derive(Deserialize)]
pub(crate) struct DeviceCodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    message: String,
    #[serde(deserialize_with = "super::seconds::deserialize")]
    pub(crate) expires_in: u64,
    #[serde(default = "default_interval", deserialize_with = "super::seconds::deserialize")]
    pub(crate) interval: u64,
}

/// The device code answer, or an error quoting what came instead.
pub(crate) fn read_device_code(text: &str, url: &str) -> Result<DeviceCodeResponse> {
    serde_json::from_str(text)
        .map_err(|_| Error::UnexpectedResponse { what: format!("POST {url}"), detail: excerpt(text) })
}

/// How often to poll and for how long, within Mailferry's bounds whatever the answer says.
pub(crate) fn polling(started: &DeviceCodeResponse) -> (Duration, Duration) {
    (
        super::seconds::bounded(started.interval, SHORTEST_POLL, LONGEST_POLL),
        super::seconds::bounded(started.expires_in, Duration::ZERO, LONGEST_CODE_LIFE),
    )
}

/// A device code lives 15 minutes at Microsoft; polling stops after an hour whatever it says.
const LONGEST_CODE_LIFE: Duration = Duration::from_secs(60 * 60);
/// Polling waits between one second and one minute, whatever the answer asks.
const SHORTEST_POLL: Duration = Duration::from_secs(1);
const LONGEST_POLL: Duration = Duration::from_secs(60);

fn default_interval() -> u64 {
    5
}

#[derive(Deserialize)]
struct PendingError {
    error: String,
}

pub async fn device_code_sign_in(
    http: &Http,
    cloud: &Cloud,
    tenant: &str,
    client_id: &str,
    scopes: &[String],
    on_prompt: &(dyn Fn(DeviceCodePrompt) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<AdminToken> {
    let tenant = tenant.trim();
    let context = TokenContext { cloud, tenant, client_id, thumbprint: None };
    let url = format!("{}/{tenant}/oauth2/v2.0/devicecode", cloud.login_url());
    let scope = scopes.join(" ");
    let form = [("client_id", client_id), ("scope", scope.as_str())];
    let response = http.send("the device code request", || http.client().post(&url).form(&form), cancel).await?;
    if !response.status().is_success() {
        return Err(token_failure(response, format!("POST {url}"), &context).await);
    }
    let text = response.text().await.unwrap_or_default();
    let started = read_device_code(&text, &url)?;
    on_prompt(DeviceCodePrompt {
        user_code: started.user_code.clone(),
        verification_uri: started.verification_uri.clone(),
        message: started.message.clone(),
        expires_in_secs: started.expires_in.min(LONGEST_CODE_LIFE.as_secs()),
    });

    let token_url = format!("{}/{tenant}/oauth2/v2.0/token", cloud.login_url());
    let (mut interval, lifetime) = polling(&started);
    let deadline = tokio::time::Instant::now() + lifetime;
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Error::Cancelled),
            () = tokio::time::sleep(interval) => {}
        }
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", started.device_code.as_str()),
        ];
        let response =
            http.send("the device code sign-in", || http.client().post(&token_url).form(&form), cancel).await?;
        let description = format!("POST {token_url}");
        if response.status().is_success() {
            let text = response.text().await.unwrap_or_default();
            return admin_token(&text, description);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let pending = serde_json::from_str::<PendingError>(&text).map(|e| e.error).unwrap_or_default();
        match pending.as_str() {
            "authorization_pending" => {}
            "slow_down" => interval = (interval + Duration::from_secs(5)).min(LONGEST_POLL),
            "authorization_declined" => return Err(Error::SignInDeclined { on_device: true }),
            "expired_token" => return Err(Error::DeviceCodeExpired),
            _ => {
                return Err(token_failure_from(status.as_u16(), &text, description, &context));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::DeviceCodeExpired);
        }
    }
}
