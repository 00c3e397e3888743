//! Validation of what the admin types or pastes in the Application details step. Every problem
//! names the field, says what is wrong, and says where the right value is found in the
//! Microsoft Entra admin center. Valid input comes back normalised.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Field {
    Name,
    ApplicationMailbox,
    ClientId,
    Tenant,
    CertificateThumbprint,
    ClientSecret,
    /// The client secret's Expires date, as Entra shows it beside the secret (optional).
    SecretExpires,
    Cloud,
    /// The mail-enabled group a scoped connection is limited to (optional).
    ScopeGroup,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Cloud,
        Field::Name,
        Field::ApplicationMailbox,
        Field::ClientId,
        Field::Tenant,
        Field::ClientSecret,
        Field::SecretExpires,
        Field::CertificateThumbprint,
        Field::ScopeGroup,
    ];

    /// The label of the field in the Application details step.
    pub fn form_label(self) -> &'static str {
        match self {
            Field::ApplicationMailbox => "Dedicated application mailbox",
            Field::ClientSecret => "Client secret (Value)",
            Field::SecretExpires => "Secret expires (optional)",
            Field::CertificateThumbprint => "Certificate thumbprint (SHA-1)",
            Field::ScopeGroup => "Mail-enabled security group",
            other => other.label(),
        }
    }

    /// What the field wants and where it is found, shown under it until something is wrong.
    pub fn form_hint(self) -> &'static str {
        match self {
            Field::Cloud => "Where the tenant lives. Most tenants, including GCC, are in the Global cloud.",
            Field::Name => "Optional. Left empty, the tenant is used.",
            Field::ApplicationMailbox => {
                "A user mailbox of the tenant that Mailferry uses for its own work, for example migration@contoso.com."
            }
            Field::ClientId => "On your app registration's Overview page.",
            Field::Tenant => "A GUID from the Overview page, or a domain such as contoso.onmicrosoft.com.",
            Field::ClientSecret => {
                "Paste the Value column of Certificates & secrets > Client secrets, not the Secret ID."
            }
            Field::CertificateThumbprint => {
                "40 hexadecimal characters (spaces and colons are ignored), or use Import to add the certificate with its key."
            }
            Field::SecretExpires => {
                "The date in the Expires column beside the secret, so Mailferry can warn before it stops working. Left empty, Mailferry reads it from Microsoft Graph when the application may read itself."
            }
            Field::ScopeGroup => {
                "Its email address or object ID (Microsoft Entra admin center > Groups). Mailferry then reaches only its members' mailboxes, and the dedicated application mailbox must be one of them."
            }
        }
    }

    /// The field's name in messages ("Client secret: …").
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Connection name",
            Field::ApplicationMailbox => "Application mailbox",
            Field::ClientId => "Application (client) ID",
            Field::Tenant => "Directory (tenant) ID",
            Field::CertificateThumbprint => "Certificate thumbprint",
            Field::ClientSecret => "Client secret",
            Field::SecretExpires => "Secret expiry date",
            Field::Cloud => "Microsoft cloud",
            Field::ScopeGroup => "Scope group",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldIssue {
    pub field: Field,
    /// Names the field and says what is wrong.
    pub message: String,
    /// Says where the right value is found or how to fix it.
    pub hint: String,
}

type Checked<T> = Result<T, FieldIssue>;

fn issue(field: Field, reason: &str, hint: &str) -> FieldIssue {
    FieldIssue { field, message: format!("{}: {reason}", field.label()), hint: hint.to_owned() }
}

const HINT_MAILBOX: &str = "Use the email address of a licensed user mailbox in this tenant that Mailferry may use for its own work, for example migration@contoso.com. Find it in the Microsoft 365 admin center under Users > Active users.";
const HINT_CLIENT_ID: &str = "In the Microsoft Entra admin center open Identity > Applications > App registrations, select your application, and copy \"Application (client) ID\" from its Overview page.";
const HINT_TENANT: &str = "In the Microsoft Entra admin center open Identity > Overview and copy \"Tenant ID\", or type a verified domain of the tenant such as contoso.onmicrosoft.com.";
const HINT_THUMBPRINT: &str = "In the Microsoft Entra admin center open your app registration > Certificates & secrets > Certificates, and copy the certificate's Thumbprint (40 hexadecimal characters).";
const HINT_SECRET: &str = "In the Microsoft Entra admin center open your app registration > Certificates & secrets > Client secrets and copy the secret's Value. Microsoft shows the Value only right after the secret is created; if it is hidden now, create a new secret.";
const HINT_NAME: &str =
    "Give the connection a name you will recognise, such as the customer's name, or leave it empty to use the tenant.";

const HINT_CLOUD: &str = "A custom cloud needs both its login URL (for example https://login.microsoftonline.us) and its Microsoft Graph URL (for example https://graph.microsoft.us). Choose Global, GCC High, DoD or China for Microsoft's own clouds.";

/// The secret's Expires date, as a moment: the start of that day in UTC, so that warnings
/// come early rather than late. A date already past is refused: that secret no longer works.
pub fn secret_expires(date: chrono::NaiveDate, today: chrono::NaiveDate) -> Checked<chrono::DateTime<chrono::Utc>> {
    if date <= today {
        return Err(issue(
            Field::SecretExpires,
            &format!("the secret expired on {date}; it no longer signs in"),
            "In the Microsoft Entra admin center open your app registration > Certificates & secrets > Client secrets, add a new secret, and paste its Value with its Expires date.",
        ));
    }
    Ok(date.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A custom cloud's two URLs follow `Cloud::check_custom_urls`; Microsoft's clouds need nothing.
pub fn cloud(cloud: &crate::cloud::Cloud) -> Checked<()> {
    cloud.check_custom_urls().map_err(|reason| issue(Field::Cloud, &reason, HINT_CLOUD))
}

/// Characters that copying from web pages, PDFs or the admin center tends to add.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn clean(input: &str) -> String {
    input.chars().filter(|c| !is_invisible(*c)).collect::<String>().trim().to_owned()
}

/// `8-4-4-4-12` hexadecimal, optionally in braces; returned in lower case.
pub fn parse_guid(input: &str) -> Option<String> {
    let s = input.trim();
    let s = s.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    let shape_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()));
    shape_ok.then(|| s.to_ascii_lowercase())
}

fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && s.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
}

const HINT_SCOPE_GROUP: &str = "Type the email address of the mail-enabled security group whose members Mailferry may reach (for example migration-wave1@contoso.com), or its Object ID from the Microsoft Entra admin center > Groups.";

/// The group a scoped connection is limited to: an object id (lower-cased) or a mail address.
pub fn scope_group(input: &str) -> Checked<String> {
    let value = clean(input);
    if let Some(id) = parse_guid(&value) {
        return Ok(id);
    }
    let address = application_mailbox(&value).map_err(|_| {
        issue(Field::ScopeGroup, "this is neither a group's email address nor its object ID.", HINT_SCOPE_GROUP)
    })?;
    Ok(address)
}

pub fn application_mailbox(input: &str) -> Checked<String> {
    let field = Field::ApplicationMailbox;
    let value = clean(input);
    if value.is_empty() {
        return Err(issue(field, "enter the email address of the mailbox Mailferry will use.", HINT_MAILBOX));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(issue(field, "an email address cannot contain spaces.", HINT_MAILBOX));
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return Err(issue(field, "this is not an email address: the @ and the domain are missing.", HINT_MAILBOX));
    };
    if local.is_empty() || local.contains('@') || local.starts_with('.') || local.ends_with('.') || local.contains("..")
    {
        return Err(issue(field, "the part before the @ is not valid.", HINT_MAILBOX));
    }
    if !is_domain(domain) {
        return Err(issue(
            field,
            &format!("\"{domain}\" is not a valid domain; it should look like contoso.com."),
            HINT_MAILBOX,
        ));
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

pub fn client_id(input: &str) -> Checked<String> {
    let value = clean(input);
    if value.is_empty() {
        return Err(issue(Field::ClientId, "enter the application's client ID.", HINT_CLIENT_ID));
    }
    parse_guid(&value).ok_or_else(|| {
        issue(
            Field::ClientId,
            "this is not a GUID; a client ID looks like 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d.",
            HINT_CLIENT_ID,
        )
    })
}

/// A tenant is a GUID or a verified domain; returned in lower case.
pub fn tenant(input: &str) -> Checked<String> {
    let field = Field::Tenant;
    let value = clean(input);
    if value.is_empty() {
        return Err(issue(field, "enter the tenant ID or a verified domain of the tenant.", HINT_TENANT));
    }
    if let Some(guid) = parse_guid(&value) {
        return Ok(guid);
    }
    let lower = value.to_lowercase();
    if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
        return Err(issue(
            field,
            &format!("\"{lower}\" is not a tenant; an application signs in to one specific tenant."),
            HINT_TENANT,
        ));
    }
    if lower.contains('@') {
        return Err(issue(
            field,
            "this is an email address; enter only the domain after the @, or the tenant ID.",
            HINT_TENANT,
        ));
    }
    if is_domain(&lower) {
        Ok(lower)
    } else {
        Err(issue(field, "this is neither a GUID nor a domain such as contoso.onmicrosoft.com.", HINT_TENANT))
    }
}

/// A SHA-1 thumbprint, 40 hexadecimal characters, returned in upper case. Spaces, colons and
/// invisible characters that come with copy-paste are ignored.
pub fn certificate_thumbprint(input: &str) -> Checked<String> {
    let field = Field::CertificateThumbprint;
    let value: String =
        input.chars().filter(|c| !c.is_whitespace() && *c != ':' && *c != '-' && !is_invisible(*c)).collect();
    if value.is_empty() {
        return Err(issue(field, "enter the certificate's thumbprint.", HINT_THUMBPRINT));
    }
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(issue(
            field,
            &format!("\"{bad}\" is not allowed; a thumbprint holds only the digits 0-9 and the letters A-F."),
            HINT_THUMBPRINT,
        ));
    }
    match value.len() {
        40 => Ok(value.to_ascii_uppercase()),
        64 => Err(issue(
            field,
            "this is a SHA-256 thumbprint (64 characters); enter the SHA-1 thumbprint (40 characters) that Entra ID shows.",
            HINT_THUMBPRINT,
        )),
        n => Err(issue(field, &format!("a thumbprint has 40 characters, this has {n}."), HINT_THUMBPRINT)),
    }
}

/// The secret's Value, trimmed. A GUID is the Secret ID shown beside the Value, which
/// Microsoft rejects with AADSTS7000215: catch it before anything is sent.
pub fn client_secret(input: &str) -> Checked<&str> {
    let field = Field::ClientSecret;
    let value = input.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if value.is_empty() {
        return Err(issue(field, "paste the client secret's Value.", HINT_SECRET));
    }
    if parse_guid(value).is_some() {
        return Err(issue(
            field,
            "this looks like the Secret ID; paste the secret's Value instead.",
            "In Certificates & secrets > Client secrets, the Value column (not Secret ID) holds the secret. Microsoft shows it only right after the secret is created; if it is hidden now, create a new secret.",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(issue(field, "the pasted text contains a line break or control character.", HINT_SECRET));
    }
    Ok(value)
}

pub fn connection_name(input: &str) -> Checked<String> {
    let value = clean(input);
    if value.chars().count() > 100 {
        return Err(issue(Field::Name, "use at most 100 characters.", HINT_NAME));
    }
    if value.chars().any(char::is_control) {
        return Err(issue(Field::Name, "line breaks and control characters are not allowed.", HINT_NAME));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_cloud_needs_two_http_urls() {
        use crate::cloud::Cloud;
        let custom = |login: &str, graph: &str| Cloud::Custom { login_url: login.into(), graph_url: graph.into() };
        assert!(cloud(&custom("https://login.example", "http://127.0.0.1:8600")).is_ok());
        assert!(cloud(&Cloud::GccHigh).is_ok());
        let issue = cloud(&custom("login.example", "https://graph.example")).unwrap_err();
        assert_eq!(issue.field, Field::Cloud);
        assert!(issue.message.starts_with("Microsoft cloud: the login URL"));
        assert!(cloud(&custom("https://login.example", "")).unwrap_err().message.contains("Graph URL"));
    }

    #[test]
    fn a_client_id_is_a_guid_normalised_to_lower_case() {
        assert_eq!(
            client_id(" {1B2C3D4E-5F60-4A1B-8C9D-0E1F2A3B4C5D}\u{200B}"),
            Ok("1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d".into())
        );
        let err = client_id("1b2c3d4e5f604a1b8c9d0e1f2a3b4c5d").unwrap_err();
        assert_eq!(err.field, Field::ClientId);
        assert!(err.message.starts_with("Application (client) ID: this is not a GUID"));
        assert!(err.hint.contains("App registrations"));
    }

    #[test]
    fn a_tenant_is_a_guid_or_a_domain_but_never_a_multi_tenant_alias() {
        assert_eq!(tenant("Contoso.OnMicrosoft.com"), Ok("contoso.onmicrosoft.com".into()));
        assert_eq!(tenant("72F988BF-86F1-41AF-91AB-2D7CD011DB47"), Ok("72f988bf-86f1-41af-91ab-2d7cd011db47".into()));
        assert!(tenant("organizations").unwrap_err().message.contains("not a tenant"));
        assert!(tenant("admin@contoso.com").unwrap_err().message.contains("only the domain"));
        assert!(tenant("contoso").unwrap_err().message.contains("neither a GUID nor a domain"));
        assert!(tenant("").unwrap_err().hint.contains("Tenant ID"));
    }

    #[test]
    fn a_thumbprint_pasted_with_spaces_colons_and_invisible_marks_is_accepted_in_upper_case() {
        let pasted = "\u{200E}3b:7e:11 5a 90 c4 d2 e8 1f 00 aa bb cc dd ee ff 01 23 45 67\n";
        assert_eq!(certificate_thumbprint(pasted), Ok("3B7E115A90C4D2E81F00AABBCCDDEEFF01234567".into()));
    }

    #[test]
    fn a_thumbprint_of_the_wrong_length_or_alphabet_says_why() {
        assert!(certificate_thumbprint("ABC").unwrap_err().message.contains("40 characters, this has 3"));
        assert!(certificate_thumbprint(&"A".repeat(64)).unwrap_err().message.contains("SHA-256"));
        assert!(certificate_thumbprint(&format!("{}G", "A".repeat(39)))
            .unwrap_err()
            .message
            .contains("\"G\" is not allowed"));
    }

    #[test]
    fn a_pasted_secret_id_is_rejected_with_the_value_hint() {
        let err = client_secret("  8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b ").unwrap_err();
        assert_eq!(err.field, Field::ClientSecret);
        assert!(err.message.contains("looks like the Secret ID"));
        assert!(err.hint.contains("Value column"));
    }

    #[test]
    fn a_secret_value_is_trimmed_but_otherwise_kept_as_pasted() {
        assert_eq!(client_secret("\n  abc8Q~x.Yz_12-34 \t"), Ok("abc8Q~x.Yz_12-34"));
        assert!(client_secret("abc\ndef").is_err());
        assert!(client_secret("   ").unwrap_err().message.contains("paste"));
    }

    #[test]
    fn a_mailbox_must_be_an_email_address_in_a_real_domain() {
        assert_eq!(application_mailbox(" Migration@Contoso.COM "), Ok("Migration@contoso.com".into()));
        assert!(application_mailbox("migration").unwrap_err().message.contains("@"));
        assert!(application_mailbox("mig ration@contoso.com").unwrap_err().message.contains("spaces"));
        assert!(application_mailbox("migration@contoso").unwrap_err().message.contains("not a valid domain"));
        assert!(application_mailbox("@contoso.com").unwrap_err().message.contains("before the @"));
    }
}
