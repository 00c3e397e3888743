//! The device code sign-in against entra-sim, for each answer Microsoft documents while it
//! polls (v2-oauth2-device-code, "Expected errors"): pending until the code is typed, and a
//! clear end when the admin declines or the code expires.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entra_sim::{Seed, SimHandle};
use mailferry_core::cloud::Cloud;
use mailferry_core::http::{CancellationToken, Http, HttpConfig};
use mailferry_core::identity::device_code::{device_code_sign_in, DeviceCodePrompt};
use mailferry_core::identity::signin::{registration_scopes, DEFAULT_SIGN_IN_CLIENT_ID};
use mailferry_core::Error;
use serde_json::json;

const DOMAIN: &str = "contoso.onmicrosoft.com";

async fn sim(lifetime_secs: u64) -> SimHandle {
    let sim = SimHandle::start(Seed::demo(), 0).await.unwrap();
    reqwest::Client::new()
        .put(format!("{}/_sim/settings", sim.base_url))
        .json(&json!({"deviceCodeIntervalSecs": 1, "deviceCodeLifetimeSecs": lifetime_secs}))
        .send()
        .await
        .unwrap();
    sim
}

/// Signs in by device code; `answer` plays the admin on the other device with the prompt shown.
async fn sign_in(sim: &SimHandle, answer: Option<&'static str>) -> mailferry_core::Result<String> {
    let cloud = Cloud::Custom { login_url: sim.base_url.clone(), graph_url: sim.base_url.clone() };
    let http = Http::new(HttpConfig::default()).unwrap();
    let prompts: Arc<Mutex<Vec<DeviceCodePrompt>>> = Arc::default();
    let shown = prompts.clone();
    if let Some(action) = answer {
        tokio::spawn(async move {
            let prompt = loop {
                if let Some(prompt) = shown.lock().unwrap().first().cloned() {
                    break prompt;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            let form = [
                ("user_code", prompt.user_code.as_str()),
                ("username", "admin@contoso.onmicrosoft.com"),
                ("password", "Passw0rd!"),
                ("action", action),
            ];
            reqwest::Client::new().post(&prompt.verification_uri).form(&form).send().await.unwrap();
        });
    }
    let on_prompt = move |prompt: DeviceCodePrompt| prompts.lock().unwrap().push(prompt);
    let scopes = registration_scopes(&cloud);
    let token = device_code_sign_in(
        &http,
        &cloud,
        DOMAIN,
        DEFAULT_SIGN_IN_CLIENT_ID,
        &scopes,
        &on_prompt,
        &CancellationToken::new(),
    )
    .await?;
    Ok(token.claims.user().to_owned())
}

#[tokio::test]
async fn the_code_typed_on_another_device_signs_the_admin_in() {
    let sim = sim(60).await;
    assert_eq!(sign_in(&sim, Some("accept")).await.unwrap(), "admin@contoso.onmicrosoft.com");
}

#[tokio::test]
async fn a_declined_code_ends_the_sign_in_with_authorization_declined_explained() {
    let sim = sim(60).await;
    let error = sign_in(&sim, Some("cancel")).await.unwrap_err();
    assert!(matches!(&error, Error::SignInDeclined { on_device: true }), "{error:?}");
    assert!(error.to_string().contains("declined"), "{error}");
}

#[tokio::test]
async fn a_code_nobody_types_expires_with_expired_token_explained() {
    let sim = sim(2).await;
    let error = sign_in(&sim, None).await.unwrap_err();
    assert!(matches!(&error, Error::DeviceCodeExpired), "{error:?}");
    assert!(error.hint().unwrap_or_default().contains("new code"), "{error}");
}
