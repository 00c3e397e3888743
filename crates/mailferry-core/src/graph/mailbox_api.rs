//! Microsoft Graph's mailbox import and export API (v1.0, Global cloud only): a user's mailbox
//! ids, a mailbox's folders and items, exportItems and createImportSession, and the archive
//! redirects Microsoft documents ("Handle archive mailbox redirects"): a folder or item in an
//! auxiliary archive answers `308` with a `Location`; exportItems answers such an item with an
//! `ErrorArchiveFolderMovedPermanently` error whose message is the URL to export it from.

use serde::Deserialize;
use serde_json::{json, Value};

use super::{next_link, path_segment, GraphClient, GraphResponse};
use crate::http::CancellationToken;
use crate::{Error, Result};

/// How many redirects one request follows: an auxiliary archive is one hop away; more is a
/// loop or a hostile answer.
pub const MAX_REDIRECTS: usize = 3;

/// `GET /users/{id}/settings/exchange`: the ids of the user's mailboxes.
pub fn exchange_settings_path(user: &str) -> String {
    format!("/users/{}/settings/exchange", path_segment(user))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeSettings {
    pub primary_mailbox_id: Option<String>,
    pub in_place_archive_mailbox_id: Option<String>,
}

fn mailbox_path(mailbox_id: &str) -> String {
    format!("/admin/exchange/mailboxes/{}", path_segment(mailbox_id))
}

/// The mailbox's top-level folders, with the counts the check reports.
pub fn folders_path(mailbox_id: &str) -> String {
    format!(
        "{}/folders?$top=100&$select=id,displayName,parentFolderId,childFolderCount,totalItemCount,wellKnownName,type",
        mailbox_path(mailbox_id)
    )
}

/// A few items of a folder, by id or well-known name (`inbox`).
pub fn items_path(mailbox_id: &str, folder: &str, top: usize) -> String {
    format!("{}/folders/{}/items?$top={top}&$select=id,type,size", mailbox_path(mailbox_id), path_segment(folder))
}

pub fn export_items_path(mailbox_id: &str) -> String {
    format!("{}/exportItems", mailbox_path(mailbox_id))
}

pub fn create_import_session_path(mailbox_id: &str) -> String {
    format!("{}/createImportSession", mailbox_path(mailbox_id))
}

/// The most items one exportItems request may name (the API's page).
pub const MAX_EXPORT_ITEMS: usize = 20;

pub fn export_items_body(item_ids: &[String]) -> Value {
    json!({ "itemIds": item_ids })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxFolder {
    pub id: String,
    pub display_name: Option<String>,
    pub well_known_name: Option<String>,
    pub total_item_count: Option<u64>,
    pub child_folder_count: Option<u64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxItem {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub size: Option<u64>,
}

/// The `value` of a collection answer read as `T`s, skipping entries of another shape.
pub fn collection<T: serde::de::DeserializeOwned>(body: &Value) -> Option<Vec<T>> {
    let items = body.get("value")?.as_array()?;
    Some(items.iter().filter_map(|item| serde_json::from_value(item.clone()).ok()).collect())
}

/// What exportItems said about one item. The exported data itself is never kept: only its
/// length, so that nothing of a mailbox's content outlives the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportedItem {
    Exported {
        item_id: String,
        bytes: usize,
    },
    /// In an auxiliary archive: export it again from this URL.
    Moved {
        item_id: String,
        url: String,
    },
    Refused {
        item_id: String,
        code: String,
        message: String,
    },
}

/// Reads an exportItems answer. Microsoft's exportItemResponse calls the per-item error
/// `error`; its archive redirect example spells it `Error`: both are read.
pub fn exported_items(body: &Value) -> Vec<ExportedItem> {
    let Some(items) = body.get("value").and_then(Value::as_array) else { return Vec::new() };
    items
        .iter()
        .map(|item| {
            let item_id = item.get("itemId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let error = item.get("error").or_else(|| item.get("Error")).filter(|e| e.is_object());
            match (item.get("data").and_then(Value::as_str), error) {
                (Some(data), None) => ExportedItem::Exported { item_id, bytes: data.len() },
                (_, Some(error)) => {
                    let text = |key: &str, other: &str| {
                        error
                            .get(key)
                            .or_else(|| error.get(other))
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let (code, message) = (text("code", "Code"), text("message", "Message"));
                    if code.eq_ignore_ascii_case("ErrorArchiveFolderMovedPermanently") {
                        ExportedItem::Moved { item_id, url: message.trim().to_owned() }
                    } else {
                        ExportedItem::Refused { item_id, code, message }
                    }
                }
                (None, None) => {
                    ExportedItem::Refused { item_id, code: String::new(), message: "neither data nor an error".into() }
                }
            }
        })
        .collect()
}

/// Whether an import session answer holds its import URL (Microsoft documents 200 on the
/// API's page and 201 in its guide: both are taken). The URL is pre-authenticated, a
/// credential in itself: the caller keeps only whether it came and when it expires.
pub fn import_session_expiry(answer: &GraphResponse) -> Option<Option<String>> {
    if !matches!(answer.status, 200 | 201) {
        return None;
    }
    answer.body.get("importUrl").and_then(Value::as_str).filter(|url| !url.is_empty())?;
    Some(answer.body.get("expirationDateTime").and_then(Value::as_str).map(str::to_owned))
}

/// Where a mailbox API redirect may lead the bearer token: Microsoft Graph itself (same
/// origin, under `/v1.0` or `/beta`), and only its mailbox API.
pub fn redirect_target(base: &str, link: &str) -> std::result::Result<String, String> {
    let away = || {
        let host = reqwest::Url::parse(link).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
        format!("the redirect leads away from Microsoft Graph ({host}), so Mailferry did not follow it")
    };
    let next = next_link(base, link).map_err(|_| away())?;
    if reqwest::Url::parse(&next).is_ok_and(|url| url.path().contains("/admin/exchange/mailboxes/")) {
        Ok(next)
    } else {
        Err(away())
    }
}

impl GraphClient<'_> {
    /// A mailbox API request, following its archive redirects (308, `Location`) where they
    /// stay on Microsoft Graph's mailbox API, at most [`MAX_REDIRECTS`] times.
    pub async fn send_mailbox_api(
        &self,
        method: reqwest::Method,
        path_or_url: &str,
        body: Option<&Value>,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        // An absolute URL is one Microsoft gave (an export's redirect): it must stay on Graph.
        let mut url = if path_or_url.starts_with('/') {
            format!("{}{path_or_url}", self.base)
        } else {
            redirect_target(&self.base, path_or_url)
                .map_err(|detail| Error::UnexpectedResponse { what: what.into(), detail })?
        };
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .http
                .send_redirectable(what, super::repeat_of(&method), || self.request(&method, &url, body), cancel)
                .await?;
            if response.status().is_redirection() {
                let location = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
                let Some(location) = location else {
                    return Err(Error::UnexpectedResponse {
                        what: what.into(),
                        detail: "a redirect without a Location".into(),
                    });
                };
                let joined = response.url().join(location).map(|u| u.to_string()).unwrap_or_default();
                url = redirect_target(&self.base, &joined)
                    .map_err(|detail| Error::UnexpectedResponse { what: what.into(), detail })?;
                tracing::info!(what, "following Microsoft Graph's archive redirect");
                continue;
            }
            return super::graph_response(method.clone(), &url, response).await;
        }
        Err(Error::UnexpectedResponse { what: what.into(), detail: format!("more than {MAX_REDIRECTS} redirects") })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_answer_is_read_in_both_spellings_of_its_error_and_keeps_no_data() {
        let body = json!({"value": [
            {"itemId": "a", "changeKey": "k", "data": "QUJD"},
            {"itemId": "b", "Error": {"code": "ErrorArchiveFolderMovedPermanently", "message": "https://graph.microsoft.com/beta/admin/exchange/mailboxes/MBX:aux@t/exportItems"}},
            {"itemId": "c", "error": {"code": "ErrorArchiveFolderMovedPermanently", "message": " https://graph.microsoft.com/v1.0/admin/exchange/mailboxes/MBX:aux@t/exportItems "}},
            {"itemId": "d", "error": {"code": "ErrorItemNotFound", "message": "The specified object was not found in the store."}}
        ]});
        assert_eq!(
            exported_items(&body),
            [
                ExportedItem::Exported { item_id: "a".into(), bytes: 4 },
                ExportedItem::Moved {
                    item_id: "b".into(),
                    url: "https://graph.microsoft.com/beta/admin/exchange/mailboxes/MBX:aux@t/exportItems".into()
                },
                ExportedItem::Moved {
                    item_id: "c".into(),
                    url: "https://graph.microsoft.com/v1.0/admin/exchange/mailboxes/MBX:aux@t/exportItems".into()
                },
                ExportedItem::Refused {
                    item_id: "d".into(),
                    code: "ErrorItemNotFound".into(),
                    message: "The specified object was not found in the store.".into()
                },
            ]
        );
    }

    #[test]
    fn a_redirect_is_followed_only_to_graphs_mailbox_api() {
        let base = "https://graph.microsoft.com/v1.0";
        for good in [
            "https://graph.microsoft.com/beta/admin/exchange/mailboxes/MBX:767fh867@a7809c93/folders/NJWt2LeVEAAAIBDAAAAA==",
            "https://graph.microsoft.com/v1.0/admin/exchange/mailboxes/MBX:aux@t/exportItems",
        ] {
            assert_eq!(redirect_target(base, good).as_deref(), Ok(good));
        }
        for bad in [
            "https://evil.example/v1.0/admin/exchange/mailboxes/MBX:a@t/folders",
            "http://graph.microsoft.com/v1.0/admin/exchange/mailboxes/MBX:a@t/folders",
            "https://graph.microsoft.com/v1.0/users",
            "https://graph.microsoft.com@evil.example/v1.0/admin/exchange/mailboxes/x",
        ] {
            assert!(redirect_target(base, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mailbox_ids_travel_as_one_path_segment() {
        assert_eq!(
            items_path("MBX:e0643f21@a7809c93", "inbox", 3),
            "/admin/exchange/mailboxes/MBX%3Ae0643f21@a7809c93/folders/inbox/items?$top=3&$select=id,type,size"
        );
        assert_eq!(exchange_settings_path("megan@contoso.com"), "/users/megan@contoso.com/settings/exchange");
    }
}
