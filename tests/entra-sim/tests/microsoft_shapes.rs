//! entra-sim against Microsoft's own documented examples (tests/microsoft/*.json, each copied
//! from a Microsoft page named in it; the catalogue with links is docs/microsoft-contract.md).
//! For each, the simulator is asked the same thing, and its answer must have:
//! - every field Mailferry reads (`mailferryReads`), with the JSON type and nesting of
//!   Microsoft's example, and a value wherever Microsoft's example has one;
//! - the same JSON type as Microsoft's example for every other field both have;
//! - the format Microsoft shows, where a fixture names one (`formats`, a regular expression).
//!
//! Fields Microsoft returns that Mailferry does not read may be missing; fields the simulator
//! adds are not judged.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests: a failure here is a test failure

mod support;

use std::path::Path;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use support::*;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const USER_READ_ALL: &str = "df021288-bdef-4463-88db-98f22de89214";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fixture {
    id: String,
    source: String,
    status: u16,
    mailferry_reads: Vec<String>,
    #[serde(default)]
    formats: std::collections::HashMap<String, String>,
    example: Value,
}

fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/microsoft");
    let mut all: Vec<Fixture> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The values at `path` (`a.b[].c`: `[]` is every element of an array), with where they are.
fn at<'v>(value: &'v Value, path: &str) -> Vec<(String, Option<&'v Value>)> {
    let mut found = vec![(String::new(), Some(value))];
    for part in path.split('.') {
        let (name, each) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        let mut next = Vec::new();
        for (place, value) in found {
            let place = if place.is_empty() { name.to_owned() } else { format!("{place}.{name}") };
            let Some(field) = value.and_then(|v| v.get(name)) else {
                next.push((place, None));
                continue;
            };
            match (each, field) {
                (true, Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, item)| (format!("{place}[{i}]"), Some(item))))
                }
                _ => next.push((place, Some(field))),
            }
        }
        found = next;
    }
    found
}

/// Where the simulator's answer differs in type from Microsoft's example, for fields both have.
fn type_differences(microsoft: &Value, sim: &Value, place: &str, out: &mut Vec<String>) {
    match (microsoft, sim) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(ms), Value::Object(ours)) => {
            for (key, ms_value) in ms {
                if let Some(our_value) = ours.get(key) {
                    type_differences(ms_value, our_value, &format!("{place}.{key}"), out);
                }
            }
        }
        (Value::Array(ms), Value::Array(ours)) => {
            if let Some(first) = ms.first() {
                for (i, item) in ours.iter().enumerate() {
                    type_differences(first, item, &format!("{place}[{i}]"), out);
                }
            }
        }
        (ms, ours) if kind(ms) != kind(ours) => {
            out.push(format!("{place}: Microsoft sends {}, entra-sim {}", kind(ms), kind(ours)))
        }
        _ => {}
    }
}

fn check(fixture: &Fixture, status: u16, sim: &Value) {
    let mut problems = Vec::new();
    if status != fixture.status {
        problems.push(format!("status {status}, Microsoft {}", fixture.status));
    }
    for path in &fixture.mailferry_reads {
        let microsoft = at(&fixture.example, path);
        let ms_value = microsoft.iter().find_map(|(_, v)| *v);
        assert!(
            microsoft.iter().any(|(_, v)| v.is_some()),
            "{}: the catalogue reads {path}, which Microsoft's example does not have",
            fixture.id
        );
        for (place, ours) in at(sim, path) {
            match (ms_value, ours) {
                (_, None) => problems.push(format!("{place} is missing")),
                (Some(ms), Some(ours)) if !ms.is_null() && ours.is_null() => {
                    problems.push(format!("{place} is null; Microsoft's example has {}", kind(ms)))
                }
                (Some(ms), Some(ours)) if !ms.is_null() && kind(ms) != kind(ours) => {
                    problems.push(format!("{place}: Microsoft sends {}, entra-sim {}", kind(ms), kind(ours)))
                }
                _ => {}
            }
        }
    }
    type_differences(&fixture.example, sim, "", &mut problems);
    for (path, pattern) in &fixture.formats {
        let pattern = regex_lite::Regex::new(pattern).unwrap();
        for (place, value) in at(&fixture.example, path).into_iter().chain(at(sim, path)) {
            let text = value.and_then(Value::as_str).unwrap_or_default();
            if !pattern.is_match(text) {
                problems.push(format!("{place} = {text:?} is not in the form {pattern}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} ({}):\n  {}\nentra-sim answered: {sim:#}",
        fixture.id,
        fixture.source,
        problems.join("\n  ")
    );
}

/// The simulator's answer to the request a fixture documents.
async fn ask(f: &support::Fixture, id: &str, admin: &str) -> (u16, Value) {
    let app = f.app_token(SECRET_APP, SECRET_VALUE).await;
    let new_app = |name: &str| {
        json!({"displayName": name, "keyCredentials": [f.cert.key_credential()],
            "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ_ALL, "type": "Role"}]}]})
    };
    match id {
        "organization-list" => f.graph(Method::GET, "/organization", &app, None).await,
        "user-get" => f.graph(Method::GET, &format!("/users/migration@{DOMAIN}"), &app, None).await,
        "mailfolder-get" => {
            f.graph(Method::GET, &format!("/users/migration@{DOMAIN}/mailFolders/inbox"), &app, None).await
        }
        "application-post-applications" => f.graph(Method::POST, "/applications", admin, Some(new_app("Shapes"))).await,
        "application-add-certificate" => {
            let (_, created) = f.graph(Method::POST, "/applications", admin, Some(new_app("Certificate"))).await;
            let id = created["id"].as_str().unwrap();
            f.graph(Method::GET, &format!("/applications/{id}?$select=keyCredentials"), admin, None).await
        }
        "application-addpassword" => {
            let (_, created) = f.graph(Method::POST, "/applications", admin, Some(new_app("Password"))).await;
            let body = json!({"passwordCredential": {"displayName": "Password friendly name"}});
            let path = format!("/applications/{}/addPassword", created["id"].as_str().unwrap());
            f.graph(Method::POST, &path, admin, Some(body)).await
        }
        "serviceprincipal-post-serviceprincipals" => {
            let (_, created) = f.graph(Method::POST, "/applications", admin, Some(new_app("Principal"))).await;
            f.graph(Method::POST, "/servicePrincipals", admin, Some(json!({"appId": created["appId"]}))).await
        }
        "serviceprincipal-post-approleassignedto" => {
            let (_, created) = f.graph(Method::POST, "/applications", admin, Some(new_app("Granted"))).await;
            let (_, sp) =
                f.graph(Method::POST, "/servicePrincipals", admin, Some(json!({"appId": created["appId"]}))).await;
            let (_, graph) = f
                .graph(Method::GET, &format!("/servicePrincipals?$filter=appId eq '{GRAPH}'&$select=id"), admin, None)
                .await;
            let graph_id = graph["value"][0]["id"].as_str().unwrap();
            let grant = json!({"principalId": sp["id"], "resourceId": graph_id, "appRoleId": USER_READ_ALL});
            f.graph(Method::POST, &format!("/servicePrincipals/{graph_id}/appRoleAssignedTo"), admin, Some(grant)).await
        }
        "json-batching" => {
            let requests = json!({"requests": [
                {"id": "1", "method": "GET", "url": "/organization?$select=id,displayName"},
                {"id": "3", "method": "GET", "url": "/applications?$select=id"},
            ]});
            f.graph(Method::POST, "/$batch", &app, Some(requests)).await
        }
        "graph-error" => f.graph(Method::GET, &format!("/users/nobody@{DOMAIN}"), &app, None).await,
        "exchangesettings-get" => {
            f.graph(Method::GET, &format!("/users/migration@{DOMAIN}/settings/exchange"), &app, None).await
        }
        "mailbox-list-folders" | "mailboxfolder-list-items" | "mailbox-exportitems" | "mailbox-createimportsession" => {
            let (_, settings) =
                f.graph(Method::GET, &format!("/users/migration@{DOMAIN}/settings/exchange"), &app, None).await;
            let mailbox = format!("/admin/exchange/mailboxes/{}", settings["primaryMailboxId"].as_str().unwrap());
            let items_path = format!("{mailbox}/folders/inbox/items");
            let items = || f.graph(Method::GET, &items_path, &app, None);
            match id {
                "mailbox-list-folders" => f.graph(Method::GET, &format!("{mailbox}/folders"), &app, None).await,
                "mailboxfolder-list-items" => items().await,
                "mailbox-exportitems" => {
                    let (_, listed) = items().await;
                    let body = json!({"itemIds": [listed["value"][0]["id"]]});
                    f.graph(Method::POST, &format!("{mailbox}/exportItems"), &app, Some(body)).await
                }
                _ => f.graph(Method::POST, &format!("{mailbox}/createImportSession"), &app, None).await,
            }
        }
        "no-backing-application-object" => {
            f.sim_put("faults", json!({"consistency": {"applicationSecs": 60}})).await;
            let (_, created) = f.graph(Method::POST, "/applications", admin, Some(new_app("Replicating"))).await;
            let answer =
                f.graph(Method::POST, "/servicePrincipals", admin, Some(json!({"appId": created["appId"]}))).await;
            f.sim_put("faults", json!({})).await;
            answer
        }
        "token-client-credentials" => f.secret_token(SECRET_APP, SECRET_VALUE).await,
        "token-error" => f.secret_token(SECRET_APP, "not-the-secret").await,
        "token-delegated" => {
            let flow = AuthFlow::begin(f, REGISTRATION_SCOPES).await;
            let location = flow.submit(f, "admin", PASSWORD, "accept").await;
            flow.redeem(f, &query_param(&location, "code").unwrap()).await
        }
        "openid-configuration" => {
            let response =
                f.http.get(format!("{}/{DOMAIN}/v2.0/.well-known/openid-configuration", f.base)).send().await.unwrap();
            (response.status().as_u16(), response.json().await.unwrap())
        }
        other => panic!("no request is known for the fixture {other}: add one here"),
    }
}

#[tokio::test]
async fn entra_sim_answers_in_the_shapes_of_microsofts_documented_examples() {
    let f = start().await;
    let admin = f.user_token("admin", REGISTRATION_SCOPES).await;
    let all = fixtures();
    assert!(all.len() >= 20, "the catalogue lost fixtures: {}", all.len());
    for fixture in &all {
        let (status, body) = ask(&f, &fixture.id, &admin).await;
        check(fixture, status, &body);
    }
}

#[test]
fn the_comparison_catches_a_wrong_type_a_missing_field_and_a_wrong_format() {
    let fixture = Fixture {
        id: "example".into(),
        source: "test".into(),
        status: 200,
        mailferry_reads: vec!["keyCredentials[].customKeyIdentifier".into(), "keyCredentials[].endDateTime".into()],
        formats: [("keyCredentials[].customKeyIdentifier".to_owned(), "^[0-9A-F]{40}$".to_owned())].into(),
        example: json!({"keyCredentials": [{"customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A",
            "endDateTime": "2023-12-19T15:31:26Z", "usage": "Verify"}]}),
    };
    let base64_form = json!({"keyCredentials": [{"customKeyIdentifier": "u10QZEN9hyClxTB4GF5qNhp4sQo=",
        "endDateTime": "2023-12-19T15:31:26Z", "usage": "Verify"}]});
    let missing = json!({"keyCredentials": [{"customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A"}]});
    let mistyped = json!({"keyCredentials": [{"customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A",
        "endDateTime": "2023-12-19T15:31:26Z", "usage": 1}]});
    for wrong in [base64_form, missing, mistyped] {
        let caught = std::panic::catch_unwind(|| check(&fixture, 200, &wrong));
        assert!(caught.is_err(), "{wrong} passed");
    }
    check(&fixture, 200, &fixture.example);
}
