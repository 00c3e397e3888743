//! Client assertions (private_key_jwt), verified cryptographically against the certificates
//! uploaded to the application: PS256 with `x5t#S256`, or RS256 with `x5t`.

use std::collections::HashSet;

use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::errors::Aadsts;
use crate::world::Application;

/// Entra accepts assertions valid for at most this long, with this much clock skew.
const MAX_LIFETIME_SECS: i64 = 600;
const SKEW_SECS: u64 = 300;

/// Times are JWT NumericDates: seconds, which RFC 7519 lets be fractional (MSAL for Python
/// sends `time.time()` as it is, e.g. `1796156230.0261126`).
#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    jti: Option<String>,
    nbf: Option<f64>,
    iat: Option<f64>,
    exp: f64,
}

fn invalid_client(code: u32, text: String) -> Aadsts {
    Aadsts::new(StatusCode::UNAUTHORIZED, "invalid_client", code, text)
}

/// base64url with or without `=` padding (MSAL for Python pads).
fn thumbprint(value: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).ok()
}

pub fn verify(app: &Application, assertion: &str, token_url: &str, key_window_secs: u64) -> Result<(), Aadsts> {
    let malformed = |detail: &str| invalid_client(50027, format!("JWT token is invalid or malformed. {detail}"));
    let header = jsonwebtoken::decode_header(assertion).map_err(|e| malformed(&e.to_string()))?;
    if !matches!(header.alg, Algorithm::PS256 | Algorithm::RS256) {
        return Err(malformed(&format!("Algorithm {:?} is not supported for client assertions.", header.alg)));
    }
    let (presented, by_sha256) = match (&header.x5t_s256, &header.x5t) {
        (Some(s256), _) => (thumbprint(s256), true),
        (None, Some(s1)) => (thumbprint(s1), false),
        (None, None) => return Err(malformed("The header has neither 'x5t#S256' nor 'x5t'.")),
    };
    let presented = presented.ok_or_else(|| malformed("The certificate thumbprint in the header is not base64url."))?;
    let shown = presented.iter().map(|b| format!("{b:02X}")).collect::<String>();
    let key_not_found = |reason: &str| {
        invalid_client(700027, format!(
            "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - {reason}, Thumbprint of key used by client: '{shown}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are on a cloud other than the Global Cloud.]",
            app.app_id
        ))
    };
    let now = Utc::now();
    let key = app
        .key_credentials
        .iter()
        .find(|k| if by_sha256 { k.sha256 == presented } else { k.sha1 == presented })
        .filter(|k| now - k.added >= Duration::seconds(key_window_secs as i64))
        .ok_or_else(|| key_not_found("The key was not found."))?;
    if key.end_date_time < now {
        return Err(key_not_found("The key used is expired."));
    }
    let (public_key, _) = crate::certs::rsa_public_key(&key.der).map_err(|e| key_not_found(&e))?;

    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[token_url]);
    validation.leeway = SKEW_SECS;
    validation.validate_nbf = true;
    validation.required_spec_claims = HashSet::from(["exp".to_owned(), "aud".to_owned()]);
    let claims =
        jsonwebtoken::decode::<AssertionClaims>(assertion, &DecodingKey::from_rsa_der(&public_key), &validation)
            .map_err(|e| {
                match e.kind() {
        ErrorKind::InvalidSignature => invalid_client(700027, "Client assertion failed signature validation.".into()),
        ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => time_range(now.timestamp(), None, None),
        ErrorKind::InvalidAudience => invalid_client(
            700212,
            format!("The client assertion's audience claim does not match the token endpoint; expected '{token_url}'."),
        ),
        _ => malformed(&e.to_string()),
    }
            })?
            .claims;

    if claims.iss.as_deref() != Some(&app.app_id) || claims.sub.as_deref() != Some(&app.app_id) {
        return Err(invalid_client(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter.".into(),
        ));
    }
    if claims.jti.as_deref().is_none_or(str::is_empty) {
        return Err(malformed("The assertion has no 'jti' claim."));
    }
    let start = claims.nbf.or(claims.iat).unwrap_or(claims.exp);
    if claims.exp - start > MAX_LIFETIME_SECS as f64 {
        return Err(time_range(now.timestamp(), Some(start as i64), Some(claims.exp as i64)));
    }
    Ok(())
}

fn time_range(now: i64, start: Option<i64>, exp: Option<i64>) -> Aadsts {
    let fmt = |t: Option<i64>| t.map_or_else(|| "unknown".to_owned(), |t| t.to_string());
    invalid_client(700024, format!(
        "Client assertion is not within its valid time range. Current time: {now}, assertion valid from {}, expiry time of assertion {}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
        fmt(start), fmt(exp)
    ))
}
