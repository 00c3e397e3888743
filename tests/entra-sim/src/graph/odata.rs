//! The OData query options Graph supports on the routes simulated here.

use std::collections::HashMap;

use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::errors::GraphError;

pub type Query = HashMap<String, String>;

/// Keeps only the `$select`ed properties (all when there is no `$select`).
pub fn select(value: Value, query: &Query) -> Value {
    let Some(select) = query.get("$select") else { return value };
    let wanted: Vec<&str> = select.split(',').map(str::trim).collect();
    match value {
        Value::Object(object) => Value::Object(
            object.into_iter().filter(|(k, _)| wanted.iter().any(|w| w.eq_ignore_ascii_case(k))).collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// Whether `$select` names `property` (case-insensitive, as Graph reads it).
pub fn selects(query: &Query, property: &str) -> bool {
    query.get("$select").is_some_and(|s| s.split(',').any(|p| p.trim().eq_ignore_ascii_case(property)))
}

/// One clause of `$filter`: `prop eq 'value'` or `startswith(prop,'value')`.
#[derive(Debug, PartialEq)]
pub enum Filter {
    Eq(String, String),
    StartsWith(String, String),
}

fn unquote(s: &str) -> Option<String> {
    let s = s.trim();
    s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).map(|s| s.replace("''", "'"))
}

pub fn filter(query: &Query, allowed: &[&str]) -> Result<Option<Filter>, GraphError> {
    let Some(raw) = query.get("$filter") else { return Ok(None) };
    let unsupported = || GraphError::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", "Unsupported Query.");
    let raw = raw.trim();
    let parsed = if let Some(inner) = raw.strip_prefix("startswith(").and_then(|r| r.strip_suffix(')')) {
        let (prop, value) = inner.split_once(',').ok_or_else(unsupported)?;
        Filter::StartsWith(prop.trim().to_owned(), unquote(value).ok_or_else(unsupported)?)
    } else {
        let (prop, value) = raw.split_once(" eq ").ok_or_else(unsupported)?;
        Filter::Eq(prop.trim().to_owned(), unquote(value).ok_or_else(unsupported)?)
    };
    let prop = match &parsed {
        Filter::Eq(p, _) | Filter::StartsWith(p, _) => p,
    };
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(prop)) {
        return Err(unsupported());
    }
    Ok(Some(parsed))
}

impl Filter {
    /// String comparisons are case-insensitive, as Graph's are for these properties.
    pub fn matches(&self, object: &Value) -> bool {
        let get = |prop: &str| {
            object
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(prop)))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_lowercase)
        };
        match self {
            Filter::Eq(prop, value) => get(prop).is_some_and(|v| v == value.to_lowercase()),
            Filter::StartsWith(prop, value) => get(prop).is_some_and(|v| v.starts_with(&value.to_lowercase())),
        }
    }
}

/// One page of a collection, with `@odata.nextLink` when more follow.
pub fn page(
    base_url: &str,
    path: &str,
    context: &str,
    items: Vec<Value>,
    query: &Query,
    default_top: usize,
) -> Result<Value, GraphError> {
    let total = items.len();
    page_of(base_url, path, context, total, query, default_top, |skip, top| {
        items.into_iter().skip(skip).take(top).collect()
    })
}

/// A page of a collection of `total` items, building only the items on the page: a tenant of
/// 100,000 users is paged without turning every user into JSON for every page.
pub fn page_of(
    base_url: &str,
    path: &str,
    context: &str,
    total: usize,
    query: &Query,
    default_top: usize,
    items: impl FnOnce(usize, usize) -> Vec<Value>,
) -> Result<Value, GraphError> {
    let top = match query.get("$top") {
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=999).contains(&n) => n,
            _ => {
                return Err(GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "Request_BadRequest",
                    format!("Invalid page size specified: '{t}'. Must be between 1 and 999 inclusive."),
                ))
            }
        },
        None => default_top,
    };
    let skip = match query.get("$skiptoken") {
        Some(token) => decode_skiptoken(token)
            .ok_or_else(|| GraphError::new(StatusCode::BAD_REQUEST, "Request_BadRequest", "Invalid $skiptoken."))?,
        None => 0,
    };
    let value: Vec<Value> = items(skip, top).into_iter().map(|item| select(item, query)).collect();
    let mut body =
        serde_json::json!({ "@odata.context": format!("{base_url}/v1.0/$metadata#{context}"), "value": value });
    if skip + top < total {
        let mut next =
            url::Url::parse(&format!("{base_url}{path}")).map_err(|e| GraphError::bad_request(e.to_string()))?;
        {
            let mut pairs = next.query_pairs_mut();
            for (k, v) in query.iter().filter(|(k, _)| k.as_str() != "$skiptoken") {
                pairs.append_pair(k, v);
            }
            pairs.append_pair("$skiptoken", &encode_skiptoken(skip + top));
        }
        body["@odata.nextLink"] = Value::String(next.to_string());
    }
    Ok(body)
}

fn encode_skiptoken(offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_skiptoken(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix("offset:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_the_forms_graph_clients_send() {
        let q = |f: &str| Query::from([("$filter".to_owned(), f.to_owned())]);
        assert_eq!(
            filter(&q("userPrincipalName eq 'a@b.com'"), &["userPrincipalName"]).ok().flatten(),
            Some(Filter::Eq("userPrincipalName".into(), "a@b.com".into()))
        );
        assert_eq!(
            filter(&q("startswith(displayName,'O''Neil')"), &["displayName"]).ok().flatten(),
            Some(Filter::StartsWith("displayName".into(), "O'Neil".into()))
        );
        assert!(filter(&q("jobTitle eq 'x'"), &["displayName"]).is_err());
    }
}
