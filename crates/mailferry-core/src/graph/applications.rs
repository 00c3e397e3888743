//! Microsoft Graph's applications, as Mailferry reads and writes them: the paths, the `$select`
//! and `$filter` strings and the JSON shapes live here, so a Microsoft shape is fixed in one
//! place (docs/microsoft-contract.md). Answers whose status the caller judges (403, 404) come
//! back as [`GraphResponse`].

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{odata_string, BatchRequest, GraphClient, GraphResponse};
use crate::http::CancellationToken;
use crate::Result;

/// An application, with the properties Mailferry selects.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub key_credentials: Vec<KeyCredential>,
    #[serde(default)]
    pub password_credentials: Vec<PasswordCredential>,
}

/// One of an application's client secrets: never its value, only its first three characters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub end_date_time: Option<DateTime<Utc>>,
}

impl Application {
    /// The end date of the secret whose first three characters (Microsoft's `hint`) are those
    /// of `secret`, when exactly one matches.
    pub fn secret_end_date(&self, secret: &str) -> Option<DateTime<Utc>> {
        let hint: String = secret.chars().take(3).collect();
        let matching: Vec<&PasswordCredential> =
            self.password_credentials.iter().filter(|c| c.hint.as_deref() == Some(hint.as_str())).collect();
        match matching.as_slice() {
            [one] => one.end_date_time,
            _ => None,
        }
    }
}

/// The application `app_id` with its secrets' hints and end dates, for a `$batch`: readable
/// only with Application.Read.All (or by the application itself), refused harmlessly without.
pub fn password_credentials_request(app_id: &str) -> BatchRequest {
    BatchRequest::get(format!(
        "/applications?$filter=appId%20eq%20'{}'&$select=id,appId,passwordCredentials",
        odata_string(app_id)
    ))
}

/// One of an application's certificates (keyCredential resource type). Written back as it was
/// read: only the fields Microsoft gave go out again, with their text unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// The certificate, base64 DER: only on a single-object `$select=keyCredentials`, `null`
    /// everywhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
    /// Binary (base64 on the wire): the SHA-1 thumbprint in hex when the uploader gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_key_identifier: Option<String>,
}

impl KeyCredential {
    /// A certificate to upload under the `keyId` Mailferry chose for it: Entra sets
    /// `customKeyIdentifier` itself.
    pub fn certificate(
        der: &[u8],
        key_id: uuid::Uuid,
        display_name: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Self {
        use base64::Engine;
        let date = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        KeyCredential {
            key_id: Some(key_id.to_string()),
            kind: Some("AsymmetricX509Cert".into()),
            usage: Some("Verify".into()),
            key: Some(base64::engine::general_purpose::STANDARD.encode(der)),
            display_name: Some(display_name.to_owned()),
            start_date_time: Some(date(not_before)),
            end_date_time: Some(date(not_after)),
            ..KeyCredential::default()
        }
    }

    pub fn ends(&self) -> Option<DateTime<Utc>> {
        self.end_date_time.as_deref()?.parse().ok()
    }
}

impl GraphClient<'_> {
    /// Applications with this display name (display names are not unique), with their tags and
    /// certificates (without the certificates' bytes: this is a list).
    pub async fn applications_named(
        &self,
        name: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<Application>> {
        let path = format!(
            "/applications?$filter=displayName%20eq%20'{}'&$select=id,appId,displayName,createdDateTime,tags,keyCredentials,passwordCredentials",
            odata_string(name).replace(' ', "%20")
        );
        self.read_collection(&path, what, cancel).await
    }

    /// The object id of the application whose application (client) id is `app_id`.
    pub async fn application_object_id(
        &self,
        app_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let path = format!("/applications?$filter=appId%20eq%20'{}'&$select=id", odata_string(app_id));
        Ok(self.read_collection::<Id>(&path, what, cancel).await?.into_iter().next().map(|a| a.id))
    }

    /// Every credential of the application: its certificates with their bytes (only a
    /// single-object read with `keyCredentials` selected returns them) and its secrets' hints.
    pub async fn application_credentials(
        &self,
        object_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<(Vec<KeyCredential>, Vec<PasswordCredential>)> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Credentials {
            #[serde(default)]
            key_credentials: Vec<KeyCredential>,
            #[serde(default)]
            password_credentials: Vec<PasswordCredential>,
        }
        let path = format!("/applications/{object_id}?$select=id,keyCredentials,passwordCredentials");
        let app: Credentials = self.read(&path, what, cancel).await?;
        Ok((app.key_credentials, app.password_credentials))
    }

    /// Who owns the application: each owner's user principal name (or display name, or id).
    pub async fn application_owners(
        &self,
        object_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Owner {
            id: String,
            #[serde(default)]
            user_principal_name: Option<String>,
            #[serde(default)]
            display_name: Option<String>,
        }
        let path = format!("/applications/{object_id}/owners?$select=id,userPrincipalName,displayName");
        let owners: Vec<Owner> = self.read_collection(&path, what, cancel).await?;
        Ok(owners.into_iter().map(|o| o.user_principal_name.or(o.display_name).unwrap_or(o.id)).collect())
    }

    /// `POST /applications`; the caller judges a refusal (403: the signed-in role).
    pub async fn create_application(
        &self,
        body: &Value,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        self.send(Method::POST, "/applications", Some(body), what, cancel).await
    }

    /// `addKey`: a certificate next to the current ones, proven by one of them. Answers with
    /// the new keyCredential (Microsoft's example shows it truncated to `@odata.context`).
    pub async fn add_key(
        &self,
        object_id: &str,
        key: &KeyCredential,
        proof: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        let body = json!({"keyCredential": key, "passwordCredential": null, "proof": proof});
        let path = format!("/applications/{object_id}/addKey");
        self.send(Method::POST, &path, Some(&body), what, cancel).await
    }

    /// `removeKey`: takes the certificate `key_id` off the application, proven by another
    /// current certificate; the caller judges 403 and 404 (already gone).
    pub async fn remove_key(
        &self,
        object_id: &str,
        key_id: &str,
        proof: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        let body = json!({"keyId": key_id, "proof": proof});
        let path = format!("/applications/{object_id}/removeKey");
        self.send(Method::POST, &path, Some(&body), what, cancel).await
    }

    /// The application whose application (client) id is `app_id`, with its certificates as a
    /// list returns them (`keyId`, `customKeyIdentifier`, dates; no bytes); the caller judges
    /// 403 (an application's own token reads applications only with Application.Read.All).
    pub async fn application_keys(
        &self,
        app_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        let path =
            format!("/applications?$filter=appId%20eq%20'{}'&$select=id,appId,keyCredentials", odata_string(app_id));
        self.send(Method::GET, &path, None, what, cancel).await
    }

    /// `PATCH keyCredentials`: replaces the whole list, so `keys` must hold every certificate
    /// that is to stay.
    pub async fn replace_key_credentials(
        &self,
        object_id: &str,
        keys: &[KeyCredential],
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let body = json!({ "keyCredentials": keys });
        let path = format!("/applications/{object_id}");
        self.send(Method::PATCH, &path, Some(&body), what, cancel).await?.into_result(what).map(drop)
    }

    /// `DELETE /applications/{id}` (soft delete, restorable for 30 days); the caller judges 403
    /// and 404.
    pub async fn delete_application(
        &self,
        object_id: &str,
        what: &str,
        cancel: &CancellationToken,
    ) -> Result<GraphResponse> {
        self.send(Method::DELETE, &format!("/applications/{object_id}"), None, what, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_credential_is_written_back_with_only_the_fields_microsoft_gave() {
        let read: KeyCredential = serde_json::from_value(json!({
            "@odata.type": "#microsoft.graph.keyCredential",
            "customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A",
            "endDateTime": "2023-12-19T15:31:26Z", "keyId": "k1", "startDateTime": "2022-12-20T15:31:26Z",
            "type": "AsymmetricX509Cert", "usage": "Verify", "key": "MIID", "displayName": "CN=20221220"
        }))
        .unwrap_or_default();
        let written = serde_json::to_value(&read).unwrap_or_default();
        assert_eq!(
            written,
            json!({"customKeyIdentifier": "BB5D1064437D8720A5C53078185E6A361A78B10A",
                "endDateTime": "2023-12-19T15:31:26Z", "keyId": "k1", "startDateTime": "2022-12-20T15:31:26Z",
                "type": "AsymmetricX509Cert", "usage": "Verify", "key": "MIID", "displayName": "CN=20221220"})
        );
        assert!(read.ends().is_some());
    }

    #[test]
    fn a_listed_key_credential_has_no_bytes() {
        let listed: KeyCredential = serde_json::from_value(json!({"keyId": "k2", "key": null})).unwrap_or_default();
        assert_eq!(listed.key, None);
        assert_eq!(serde_json::to_value(&listed).unwrap_or_default(), json!({"keyId": "k2"}));
    }
}
