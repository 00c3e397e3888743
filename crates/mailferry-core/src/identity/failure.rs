//! Token and metadata endpoint errors, parsed into the core error with cause and fix.

use reqwest::Response;
use serde::Deserialize;

use crate::microsoft_errors::{explain_aadsts, MicrosoftDetail, MicrosoftFailure, TokenContext};
use crate::Error;

/// The identity platform's JSON error body.
#[derive(Debug, Default, Deserialize)]
struct TokenErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default)]
    error_codes: Vec<u32>,
    trace_id: Option<String>,
    correlation_id: Option<String>,
    timestamp: Option<String>,
}

/// The AADSTS code: from `error_codes`, else from the `AADSTSnnnn:` prefix of the description.
fn aadsts_code(body: &TokenErrorBody) -> Option<u32> {
    body.error_codes.first().copied().or_else(|| {
        let rest = body.error_description.strip_prefix("AADSTS")?;
        rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    })
}

/// Turns a refused token or metadata request into an explained error. `request` is the method
/// and URL, for the details.
pub async fn token_failure(response: Response, request: String, context: &TokenContext<'_>) -> Error {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    token_failure_from(status, &text, request, context)
}

/// The same, from an answer already read.
pub fn token_failure_from(status: u16, text: &str, request: String, context: &TokenContext<'_>) -> Error {
    let Ok(body) = serde_json::from_str::<TokenErrorBody>(text) else {
        return Error::UnexpectedResponse {
            what: request,
            detail: format!("HTTP {status} without Microsoft's JSON error body: {}", excerpt(text)),
        };
    };
    let Some(code) = aadsts_code(&body) else {
        return Error::UnexpectedResponse {
            what: request,
            detail: format!("HTTP {status}, error \"{}\" without an AADSTS code", body.error),
        };
    };
    let (message, hint) = explain_aadsts(code, context);
    Error::Microsoft(Box::new(MicrosoftFailure {
        message,
        hint,
        aadsts: Some(code),
        detail: MicrosoftDetail {
            code: format!("AADSTS{code}"),
            http_status: status,
            request,
            // Microsoft puts the trace, correlation and time on CRLF lines of their own; they
            // are kept as fields, so the description reads as one line.
            description: body.error_description.split_whitespace().collect::<Vec<_>>().join(" "),
            trace_id: body.trace_id,
            correlation_id: body.correlation_id,
            request_id: None,
            timestamp: body.timestamp,
        },
    }))
}

/// The start of a body that is not what was expected, for the error detail.
pub(crate) fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 160 {
        format!("{}…", one_line.chars().take(160).collect::<String>())
    } else if one_line.is_empty() {
        "(empty body)".into()
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_comes_from_error_codes_or_else_from_the_description() {
        let with_codes = TokenErrorBody { error_codes: vec![7000215], ..Default::default() };
        assert_eq!(aadsts_code(&with_codes), Some(7000215));
        let described = TokenErrorBody {
            error_description: "AADSTS700016: Application with identifier 'x' was not found".into(),
            ..Default::default()
        };
        assert_eq!(aadsts_code(&described), Some(700016));
        assert_eq!(aadsts_code(&TokenErrorBody::default()), None);
    }
}
