//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`). Each takes what an
//! untrusted peer could send (a Custom cloud typed in, a local program's bytes on the sign-in
//! port, a token or Graph answer, a tenant's names in an export) and checks, beyond "no panic",
//! the property a user relies on. A broken property panics, which the fuzzer reports.

// Panicking on a broken property is how a fuzz target reports it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::HashSet;

use serde_json::Value;

use crate::cloud::Cloud;
use crate::export::model::{
    CloudSummary, ConnectionSummary, CredentialSummary, ExportDocument, LastCheckSummary, PermissionSummary,
};
use crate::graph::BatchRequest;
use crate::identity::signin::Redirect;
use crate::microsoft_errors::MicrosoftDetail;
use crate::microsoft_errors::TokenContext;
use crate::model::checks::{CheckId, CheckResult, CheckStatus};
use crate::model::{CheckOutcome, CredentialKind, RegistrationMode, Role};

/// A Custom cloud's two URLs, one per line: an accepted pair only ever sends requests to the
/// host it names, over https (http only to this computer), with no user info.
pub fn custom_cloud(input: &str) {
    let (login, graph) = input.split_once('\n').unwrap_or((input, ""));
    let Ok(cloud) = Cloud::from_cli("custom", Some(login.to_owned()), Some(graph.to_owned())) else { return };
    for (root, request) in [
        (cloud.login_url(), format!("{}/contoso.onmicrosoft.com/oauth2/v2.0/token", cloud.login_url())),
        (cloud.graph_url(), format!("{}/v1.0/users?$top=999", cloud.graph_url())),
    ] {
        let root = reqwest::Url::parse(root).expect("an accepted URL parses");
        let request = reqwest::Url::parse(&request).expect("a request under an accepted URL parses");
        let loopback = match root.host() {
            Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => panic!("an accepted URL without a host: {root}"),
        };
        assert!(root.scheme() == "https" || (root.scheme() == "http" && loopback), "accepted {root}");
        assert!(root.username().is_empty() && root.password().is_none(), "user info accepted in {root}");
        assert!(root.query().is_none() && root.fragment().is_none(), "query accepted in {root}");
        assert_eq!(request.host_str(), root.host_str(), "a request under {root} goes to another host");
        assert_eq!(request.port_or_known_default(), root.port_or_known_default());
        assert!(request.username().is_empty() && request.password().is_none());
    }
}

/// What the loopback listener is waiting for.
const STATE: &str = "Wq3sT1vX9kLm";

/// A request head on the loopback sign-in port: only one carrying our `state` (in the query
/// of its request line) is taken as the browser's redirect.
pub fn loopback_request(head: &[u8]) {
    let Some(redirect) = crate::identity::signin::read_redirect(head, STATE) else { return };
    let line = String::from_utf8_lossy(head);
    let target = line.lines().next().and_then(|l| l.split_whitespace().nth(1)).expect("a request line");
    let url = reqwest::Url::parse(&format!("http://localhost{target}")).expect("the target parses");
    assert!(
        url.query_pairs().any(|(name, value)| name == "state" && value == STATE),
        "a redirect was taken without our state: {target}"
    );
    match redirect {
        Redirect::Code(_) => assert!(url.query_pairs().any(|(name, _)| name == "code")),
        Redirect::Error { .. } => assert!(url.query_pairs().any(|(name, _)| name == "error")),
    }
}

/// An answer of the token endpoint (app-only, delegated, device code, or a refusal with any
/// status): read or refused with an error, and an access token in it is never repeated in
/// an error's text.
pub fn token_answer(status: u16, text: &str) {
    let token = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("access_token").and_then(Value::as_str).map(str::to_owned))
        .filter(|t| t.len() >= 8);
    let no_token_in = |error: crate::Error| {
        if let Some(token) = &token {
            let said = format!("{error} {error:?}");
            assert!(!said.contains(token.as_str()), "an access token in an error: {said}");
        }
    };
    match crate::identity::token::read_app_token(text, "POST token".into()) {
        Ok(app) => {
            assert!(app.valid_until <= std::time::Instant::now() + crate::identity::token::LONGEST_TOKEN_LIFE);
            let _ = app.claims.roles.len();
        }
        Err(error) => no_token_in(error),
    }
    match crate::identity::signin::admin_token(text, "POST token".into()) {
        Ok(admin) => {
            let _ = (admin.claims.user(), admin.claims.own_mailbox());
        }
        Err(error) => no_token_in(error),
    }
    if let Ok(started) = crate::identity::device_code::read_device_code(text, "devicecode") {
        let (interval, lifetime) = crate::identity::device_code::polling(&started);
        assert!(interval >= std::time::Duration::from_secs(1) && lifetime <= std::time::Duration::from_secs(3600));
    }
    let context = TokenContext {
        cloud: &Cloud::Global,
        tenant: "contoso.onmicrosoft.com",
        client_id: "11111111-2222-3333-4444-555555555555",
        thumbprint: Some("3B7E115A90C4D2E81F00AABBCCDDEEFF01234567"),
    };
    let refused = crate::identity::failure::token_failure_from(status, text, "POST token".into(), &context);
    let _ = (refused.to_string(), refused.code(), refused.hint());
}

/// An OpenID configuration document: a tenant id read from it is always a GUID.
pub fn metadata_answer(text: &str) {
    if let Ok(tenant) = crate::identity::tenant::read_metadata(text, "GET openid-configuration") {
        assert_eq!(crate::validate::parse_guid(&tenant.id).as_deref(), Some(tenant.id.as_str()));
    }
}

const GRAPH_BASE: &str = "https://graph.microsoft.com/v1.0";

/// A Graph collection page with any status: a next link that is followed stays on Graph's
/// origin and under its versions, never returns to a page already read.
pub fn graph_page(status: u16, text: &str) {
    let url = format!("{GRAPH_BASE}/users?$top=999");
    let Ok(page) = crate::graph::read_answer(status, text, Some("request-id".into()), &url, "read the users") else {
        return;
    };
    let seen = HashSet::from([url.clone(), format!("{GRAPH_BASE}/users?$skiptoken=seen")]);
    if let Ok((_items, Some(next))) = crate::graph::read_page(page, GRAPH_BASE, &url, &seen) {
        let next = reqwest::Url::parse(&next).expect("a followed link parses");
        assert_eq!(next.scheme(), "https");
        assert_eq!(next.host_str(), Some("graph.microsoft.com"), "followed {next}");
        assert_eq!(next.port_or_known_default(), Some(443));
        assert!(next.username().is_empty() && next.password().is_none());
        assert!(next.path().starts_with("/v1.0/") || next.path().starts_with("/beta/"), "followed {next}");
        assert!(!seen.contains(next.as_str()), "followed a page already read: {next}");
    }
}

/// A `$batch` answer to three requests: every answer kept belongs to one of them, and each can
/// be explained (its code, its wait) without a panic.
pub fn batch_answer(text: &str) {
    let requests = [
        BatchRequest::get("/organization"),
        BatchRequest::get("/users/migration%40contoso.com"),
        BatchRequest::get("/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"),
    ];
    let Ok(answers) = crate::graph::batch::read_answers(text, GRAPH_BASE, &requests) else { return };
    for (index, answer) in answers {
        assert!(index < requests.len());
        assert!(answer.request.ends_with(&requests[index].url));
        let detail = answer.detail();
        assert_eq!(detail.http_status, answer.status);
        let _ = (answer.error().full_message(), answer.is_busy(), answer.is_success());
        if let Some(wait) = answer.retry_after() {
            let _ = wait.as_millis();
        }
    }
}

/// What a tenant or a user can put into an export (names, subjects, Microsoft's messages),
/// separated by NUL: the CSV reads back as one row per connection with no cell a spreadsheet
/// would run, and the HTML keeps its own markup whatever the text holds.
pub fn export(input: &[u8]) {
    let text = String::from_utf8_lossy(input);
    let values: Vec<&str> = text.split('\0').collect();
    let value = |i: usize| values.get(i % values.len()).copied().unwrap_or_default().to_owned();
    let document = sample_export(&value);
    // The same document with every value replaced by a plain one (empty stays empty, as the
    // renderers treat an empty value as missing).
    let plain = sample_export(&|i| if value(i).is_empty() { String::new() } else { "x".into() });

    let csv = crate::export::csv_format::render(&document, true).expect("CSV renders");
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv[3..]);
    let headers = reader.headers().expect("a CSV header").clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row reads back")).collect();
    assert_eq!(rows.len(), document.connections.len());
    for row in &rows {
        assert_eq!(row.len(), headers.len());
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula cell: {cell:?}");
        }
        let name = row.get(0).expect("a name column");
        let given = &document.connections[0].name;
        assert!(name == given || name.strip_prefix('\'') == Some(given), "name {name:?} for {given:?}");
    }

    let html = String::from_utf8(crate::export::html::render(&document).expect("HTML renders")).expect("UTF-8");
    let markup = String::from_utf8(crate::export::html::render(&plain).expect("HTML renders")).expect("UTF-8");
    assert_eq!(html.matches('<').count(), markup.matches('<').count(), "a value opened a tag");
    assert_eq!(html.matches('"').count(), markup.matches('"').count(), "a value closed an attribute");
}

/// One connection with a check, every text taken from `value`.
fn sample_export(value: &dyn Fn(usize) -> String) -> ExportDocument {
    let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let optional = |i: usize| Some(value(i));
    let result = |id: CheckId, status: CheckStatus, i: usize| CheckResult {
        id,
        title: value(i),
        status,
        summary: value(i + 1),
        fix: optional(i + 2),
        microsoft: Some(MicrosoftDetail {
            code: value(i + 3),
            http_status: 403,
            request: value(i + 4),
            description: value(i + 5),
            trace_id: optional(i + 6),
            correlation_id: optional(i + 7),
            request_id: optional(i + 8),
            timestamp: optional(i + 9),
        }),
    };
    ExportDocument {
        schema_version: crate::export::model::SCHEMA_VERSION,
        mailferry_version: value(0),
        exported_at: at,
        connections: vec![ConnectionSummary {
            id: uuid::Uuid::nil(),
            name: value(1),
            role: Role::Source,
            cloud: CloudSummary { name: value(2), login_url: value(3), graph_url: value(4) },
            tenant_id: value(5),
            tenant_name: optional(6),
            default_domain: optional(7),
            client_id: value(8),
            application_object_id: optional(9),
            application_mailbox: value(10),
            registration: RegistrationMode::Manual,
            permission_profile: crate::permissions::PermissionProfile::ItemLevel,
            credential: CredentialSummary {
                kind: CredentialKind::Certificate,
                certificate_sha1_thumbprint: optional(11),
                certificate_sha256_thumbprint: optional(12),
                certificate_subject: optional(13),
                certificate_not_before: Some(at),
                certificate_not_after: Some(at),
                secret_hint: optional(14),
                secret_expires_at: None,
            },
            permissions: vec![PermissionSummary {
                name: value(15),
                id: value(16),
                reason: value(17),
                seen_in_token: Some(false),
            }],
            last_check: Some(LastCheckSummary {
                started_at: at,
                finished_at: at,
                outcome: CheckOutcome::Failed,
                results: vec![
                    result(CheckId::Token, CheckStatus::Fail, 18),
                    result(CheckId::Permissions, CheckStatus::Warn, 28),
                ],
            }),
            created_at: at,
            updated_at: at,
        }],
    }
}
