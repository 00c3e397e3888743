//! What Microsoft's error codes mean and what the admin should do about them
//! (docs/microsoft-contract.md). Raw Microsoft text is kept as detail, never as the only
//! message: support asks for the codes and ids, the admin needs the sentence.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cloud::Cloud;
use crate::graph::GraphErrorBody;

/// What Microsoft answered, kept for the details section and for Microsoft support.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MicrosoftDetail {
    /// `AADSTS7000215`, `ErrorAccessDenied`, `HTTP 503`, ...
    pub code: String,
    pub http_status: u16,
    /// The request, as method and URL (never a credential: those travel in bodies and headers).
    pub request: String,
    /// Microsoft's own description.
    pub description: String,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    pub request_id: Option<String>,
    pub timestamp: Option<String>,
}

/// A Microsoft refusal, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MicrosoftFailure {
    pub message: String,
    pub hint: String,
    pub aadsts: Option<u32>,
    pub detail: MicrosoftDetail,
}

/// What a token request was about, so the explanation can name the values to check.
#[derive(Debug, Clone, Copy)]
pub struct TokenContext<'a> {
    pub cloud: &'a Cloud,
    pub tenant: &'a str,
    pub client_id: &'a str,
    /// The SHA-1 thumbprint when the credential is a certificate.
    pub thumbprint: Option<&'a str>,
}

/// The sentence and the fix for an AADSTS code.
pub fn explain_aadsts(code: u32, context: &TokenContext<'_>) -> (String, String) {
    let TokenContext { cloud, tenant, client_id, thumbprint } = *context;
    let cloud_name = cloud.display_name();
    let (message, hint) = match code {
        700016 => (
            format!("Application {client_id} was not found in tenant {tenant}."),
            "Check the Application (client) ID and the Directory (tenant) ID: both are on the app registration's Overview page in the Microsoft Entra admin center. If the application was registered a moment ago, Microsoft is still replicating it: retry in a minute.".to_owned(),
        ),
        7000215 => (
            format!("Microsoft refused the client secret of application {client_id}: it is not a valid secret of this application."),
            "Paste the secret's Value, not its Secret ID (a GUID). If Certificates & secrets no longer shows the Value, create a new client secret and paste its Value.".to_owned(),
        ),
        7000222 => (
            format!("The client secret of application {client_id} has expired."),
            "Create a new client secret under Certificates & secrets and paste its Value here, or switch the connection to a certificate, which Mailferry can create for 5 years.".to_owned(),
        ),
        700027 => (
            format!("Microsoft could not verify the certificate{}: it is not uploaded to application {client_id}, or it is another certificate.", thumbprint.map(|t| format!(" {t}")).unwrap_or_default()),
            "Upload the certificate's public part (.cer) to the app registration under Certificates & secrets > Certificates, and check that the thumbprint shown there is the one in Mailferry.".to_owned(),
        ),
        700024 => (
            "Microsoft refused the signed request because its time is outside the allowed window.".to_owned(),
            "This computer's clock is wrong. Turn on automatic time synchronisation, then retry.".to_owned(),
        ),
        90002 => (
            format!("Tenant {tenant} was not found in the {cloud_name} cloud."),
            "Check the Directory (tenant) ID or domain. A tenant in another Microsoft cloud (GCC High, DoD, China) is not found in this one: choose the tenant's cloud under Microsoft cloud.".to_owned(),
        ),
        65001 => (
            format!("Admin consent has not been granted to application {client_id}."),
            "In the app registration open API permissions and select \"Grant admin consent\", then retry.".to_owned(),
        ),
        // "Unexpected error when performing consent to an application": a user who is not an
        // administrator asked for permissions only an administrator can grant.
        90093 | 90094 => (
            "The account that signed in may not consent to the permissions Mailferry signs in with (Application.ReadWrite.All, AppRoleAssignment.ReadWrite.All): only an administrator can.".to_owned(),
            "Sign in as a Global Administrator or a Privileged Role Administrator. If one is not at this computer, choose \"Sign in with a code on another device\" and give them the code; or let them register the application and use Manual registration.".to_owned(),
        ),
        65004 => (
            "The sign-in was cancelled in the browser: consent to the permissions was declined.".to_owned(),
            "Start again and accept the permissions Mailferry asks for; they are needed to register the application.".to_owned(),
        ),
        500011 => (
            format!("Microsoft Graph ({}) is not known to tenant {tenant}.", cloud.graph_url()),
            "The tenant is probably in another Microsoft cloud, or its subscription has no Exchange Online: check the cloud chosen for this connection.".to_owned(),
        ),
        53003 => (
            "Conditional Access blocked the sign-in.".to_owned(),
            "An administrator must allow this sign-in in the tenant's Conditional Access policies (Microsoft Entra admin center > Protection > Conditional Access).".to_owned(),
        ),
        50076 | 50079 => (
            "Microsoft requires multi-factor authentication for this sign-in.".to_owned(),
            "Finish the sign-in interactively in the browser, including the second factor.".to_owned(),
        ),
        50011 => (
            "The sign-in application does not accept Mailferry's redirect address.".to_owned(),
            "Add http://localhost as a Mobile and desktop redirect URI of the sign-in application, or use the default sign-in application.".to_owned(),
        ),
        7000112 | 50105 => (
            "The sign-in application is disabled in this tenant, or you are not assigned to it.".to_owned(),
            "Enable the application (Enterprise applications > Properties > Enabled for users to sign in), assign yourself, or set your organization's own sign-in application in Mailferry's settings.".to_owned(),
        ),
        700025 | 7000218 => (
            format!("Application {client_id} is marked as a public client, which cannot use a secret or a certificate."),
            "In the app registration open Authentication and set \"Allow public client flows\" to No, then retry.".to_owned(),
        ),
        90033 => (
            "Microsoft's sign-in service is temporarily unavailable.".to_owned(),
            "Wait a minute and retry.".to_owned(),
        ),
        _ => (
            format!("Microsoft sign-in refused the request (AADSTS{code})."),
            format!("Look the code up in Microsoft's AADSTS error reference (https://login.microsoftonline.com/error?code={code}); the details below hold Microsoft's own text."),
        ),
    };
    (message, hint)
}

/// The sentence and the fix for a Graph refusal that is not specific to one check. Codes are
/// looked for at the top level and in `details` alike.
pub fn explain_graph(status: u16, error: &GraphErrorBody, what: &str) -> (String, String) {
    let denied = ["Authorization_RequestDenied", "ErrorAccessDenied", "Forbidden"].iter().any(|c| error.has_code(c));
    match status {
        401 => (
            format!("Microsoft Graph refused the token while trying to {what}."),
            "The token was issued for another Microsoft cloud or has expired: check the cloud chosen for this connection, then retry.".to_owned(),
        ),
        403 if denied => (
            format!("Microsoft Graph denied the application the right to {what}."),
            "Add the missing Microsoft Graph application permission under API permissions and grant admin consent, then retry.".to_owned(),
        ),
        404 => (format!("Microsoft Graph found nothing while trying to {what}."), "Check the value and retry.".to_owned()),
        400 if error.has_code(crate::credential_policy::LIFETIME_REFUSED) => (
            format!("The tenant's app management policy refused the credential while trying to {what}: it would live longer than the policy allows (asymmetricKeyLifetime for certificates, passwordLifetime for client secrets)."),
            "An administrator can lengthen the lifetime in the tenant's default app management policy (Microsoft Graph: /policies/defaultAppManagementPolicy) or in a policy assigned to this application (Mailferry already tried shorter certificates, down to 30 days).".to_owned(),
        ),
        400 if error.has_code(crate::credential_policy::TYPE_REFUSED) => (
            format!("The tenant's app management policy refused the credential while trying to {what}: client secrets are blocked (passwordAddition)."),
            "Use a certificate instead (Mailferry makes and renews its own), or ask an administrator to allow client secrets for this application in an app management policy assigned to it.".to_owned(),
        ),
        429 | 503 | 504 => (
            format!("Microsoft Graph is busy and did not {what}."),
            "Microsoft throttles busy tenants for a few seconds to minutes: wait, then retry.".to_owned(),
        ),
        _ => (
            format!("Microsoft Graph could not {what} (HTTP {status}, {}).", error.codes().collect::<Vec<_>>().join(" / ")),
            "The details below hold Microsoft's own text; retry, and contact Microsoft support with the request id if it persists.".to_owned(),
        ),
    }
}
