//! What the admin typed, turned into the connection OK would save: every field validated once,
//! in normal form, each problem named with where the right value is found.

use secrecy::SecretString;
use uuid::Uuid;

use super::ConnectionService;
use crate::cloud::Cloud;
use crate::model::{Connection, Credential, CredentialChoice, DraftFields, RegistrationMode, Role};
use crate::validate::{self, Field, FieldIssue};
use crate::Result;

/// What a check proves: the application reached, and the credential it was reached with. A
/// check's result (and what it learnt about the tenant) holds for a draft only while its
/// details are exactly these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Details {
    cloud: Cloud,
    tenant: String,
    client_id: String,
    mailbox: String,
    credential: Proof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Proof {
    SavedSecret,
    /// The n-th secret pasted into the draft.
    PastedSecret(u32),
    Certificate(String),
}

impl Details {
    /// The details of a saved connection, which its saved check and learnt facts belong to.
    pub(super) fn of_saved(c: &Connection) -> Details {
        Details {
            cloud: c.cloud.clone(),
            tenant: c.tenant_id.clone(),
            client_id: c.client_id.clone(),
            mailbox: c.application_mailbox.clone(),
            credential: match &c.credential {
                Credential::Secret { .. } => Proof::SavedSecret,
                Credential::Certificate { sha1_thumbprint, .. } => Proof::Certificate(sha1_thumbprint.clone()),
            },
        }
    }
}

/// The secret pasted into a draft, if any, and what was wrong with the last paste.
pub(super) struct PastedSecret<'a> {
    pub value: Option<&'a SecretString>,
    pub generation: u32,
    pub issue: Option<&'a FieldIssue>,
}

pub(super) struct Checked {
    pub connection: Connection,
    pub details: Details,
}

/// Validates `fields` for the draft `id`. `saved` is the stored connection being edited, whose
/// secret an untouched secret field keeps.
pub(super) async fn check(
    service: &ConnectionService,
    role: Role,
    id: Uuid,
    fields: &DraftFields,
    secret: PastedSecret<'_>,
    saved: Option<&Connection>,
) -> Result<std::result::Result<Checked, Vec<FieldIssue>>> {
    let mut issues = Vec::new();
    let mut keep = |checked: std::result::Result<String, FieldIssue>| match checked {
        Ok(value) => value,
        Err(issue) => {
            issues.push(issue);
            String::new()
        }
    };
    let name = keep(validate::connection_name(&fields.name));
    let mailbox = keep(validate::application_mailbox(&fields.application_mailbox));
    let client_id = keep(validate::client_id(&fields.client_id));
    let tenant = keep(validate::tenant(&fields.tenant));
    issues.extend(validate::cloud(&fields.cloud).err());
    let scope_group = match fields.scope_group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(group) => match validate::scope_group(group) {
            Ok(group) => Some(group),
            Err(issue) => {
                issues.push(issue);
                None
            }
        },
        None => None,
    };
    if let Err(message) = fields.permission_profile.check_cloud(&fields.cloud) {
        issues.push(FieldIssue {
            field: Field::Cloud,
            message,
            hint: "Under Permissions, choose Item level: it migrates messages, events and contacts item by item, in every cloud.".into(),
        });
    }
    // A saved credential belongs to the application it was saved for: the saved secret is sent
    // only to the cloud, tenant and client it was saved with, whatever the UI asks.
    let same_application =
        saved.is_some_and(|s| s.cloud == fields.cloud && s.tenant_id == tenant && s.client_id == client_id);
    let credential = match &fields.credential {
        CredentialChoice::Secret { expires_on } => {
            let today = chrono::Utc::now().date_naive();
            match expires_on.map(|date| validate::secret_expires(date, today)).transpose() {
                Err(issue) => Err(issue),
                Ok(expires) => match (secret.issue, secret.value, saved.map(|s| &s.credential)) {
                    (Some(issue), _, _) => Err(issue.clone()),
                    (None, Some(value), _) => Ok((
                        Credential::Secret {
                            hint: secret_hint(secrecy::ExposeSecret::expose_secret(value)),
                            expires_at: expires,
                        },
                        Proof::PastedSecret(secret.generation),
                    )),
                    // A date typed now replaces the one saved with the secret.
                    (None, None, Some(Credential::Secret { hint, expires_at })) if same_application => Ok((
                        Credential::Secret { hint: hint.clone(), expires_at: expires.or(*expires_at) },
                        Proof::SavedSecret,
                    )),
                    (None, None, Some(Credential::Secret { .. })) => Err(secret_for_another_application()),
                    (None, None, _) => Err(missing_secret_issue()),
                },
            }
        }
        CredentialChoice::Certificate { thumbprint } => {
            let chosen = certificate(service, thumbprint).await?;
            match (chosen, saved) {
                // Mailferry made that certificate for the registered application alone.
                (Ok((Credential::Certificate { sha1_thumbprint, .. }, _)), Some(s))
                    if s.registration == RegistrationMode::Automatic
                        && !same_application
                        && matches!(&s.credential, Credential::Certificate { sha1_thumbprint: own, .. } if *own == sha1_thumbprint) =>
                {
                    Err(certificate_for_another_application(&s.client_id))
                }
                (chosen, _) => chosen,
            }
        }
    };
    let credential = match credential {
        Ok(credential) => Some(credential),
        Err(issue) => {
            issues.push(issue);
            None
        }
    };
    if !client_id.is_empty() && client_id == tenant {
        issues.push(FieldIssue {
            field: Field::ClientId,
            message: "Application (client) ID: this is the tenant ID; the client ID is a different GUID.".into(),
            hint: "Both GUIDs are on your app registration's Overview page: copy \"Application (client) ID\" here and \"Directory (tenant) ID\" below.".into(),
        });
    }
    let name = if name.is_empty() { tenant.clone() } else { name };
    if !name.is_empty() && service.store().connections().name_taken(role, &name, Some(id)).await? {
        issues.push(FieldIssue {
            field: Field::Name,
            message: format!("Connection name: a {} connection named \"{name}\" already exists.", role.as_str()),
            hint: "Give this connection another name, such as the customer's name.".into(),
        });
    }
    let Some((credential, proof)) = credential.filter(|_| issues.is_empty()) else {
        return Ok(Err(issues));
    };
    let now = crate::model::now();
    let details = Details {
        cloud: fields.cloud.clone(),
        tenant: tenant.clone(),
        client_id: client_id.clone(),
        mailbox: mailbox.clone(),
        credential: proof,
    };
    let connection = Connection {
        id,
        role,
        name,
        cloud: fields.cloud.clone(),
        tenant_id: tenant,
        tenant_name: None,
        default_domain: None,
        client_id,
        application_mailbox: mailbox,
        registration: saved.map_or(RegistrationMode::Manual, |s| s.registration),
        permission_profile: fields.permission_profile,
        // The group's name is kept while the group is the same one.
        mailbox_scope: scope_group.map(|group| crate::model::MailboxScope {
            display_name: saved
                .and_then(|s| s.mailbox_scope.as_ref())
                .filter(|s| s.group == group)
                .and_then(|s| s.display_name.clone()),
            group,
        }),
        credential,
        created_at: saved.map_or(now, |s| s.created_at),
        updated_at: now,
        last_check: None,
        secrets_blocked: false,
    };
    Ok(Ok(Checked { connection, details }))
}

/// A certificate named by its SHA-1 thumbprint, or by its SHA-256 one when Mailferry holds it.
/// One in Mailferry's store is described in full; one typed by hand that is not there is kept
/// by its thumbprint alone (Configure then says to import it).
async fn certificate(
    service: &ConnectionService,
    thumbprint: &str,
) -> Result<std::result::Result<(Credential, Proof), FieldIssue>> {
    let held = match validate::certificate_thumbprint(thumbprint) {
        Ok(sha1) => service.certificates().find(&sha1).await?.ok_or(sha1),
        Err(issue) => match service.certificates().find(thumbprint).await? {
            Some(info) => Ok(info),
            None => return Ok(Err(issue)),
        },
    };
    let (sha1, credential) = match held {
        Ok(info) => (
            info.sha1_thumbprint.clone(),
            Credential::Certificate {
                sha1_thumbprint: info.sha1_thumbprint,
                sha256_thumbprint: Some(info.sha256_thumbprint),
                subject: Some(info.subject),
                not_after: Some(info.not_after),
            },
        ),
        Err(sha1) => (
            sha1.clone(),
            Credential::Certificate { sha1_thumbprint: sha1, sha256_thumbprint: None, subject: None, not_after: None },
        ),
    };
    Ok(Ok((credential, Proof::Certificate(sha1))))
}

fn secret_for_another_application() -> FieldIssue {
    FieldIssue {
        field: Field::ClientSecret,
        message: "Client secret: paste the secret again: the saved one belongs to the cloud, tenant and application this connection had.".into(),
        hint: "Mailferry sends a saved secret only to the application it was saved for. Paste the Value of a client secret of the application now named, from Certificates & secrets > Client secrets.".into(),
    }
}

fn certificate_for_another_application(client_id: &str) -> FieldIssue {
    FieldIssue {
        field: Field::CertificateThumbprint,
        message: format!("Certificate thumbprint: Mailferry made this certificate for application {client_id} only."),
        hint:
            "Import the certificate of the application now named (Import), or register a new application automatically."
                .into(),
    }
}

pub(super) fn missing_secret_issue() -> FieldIssue {
    FieldIssue {
        field: Field::ClientSecret,
        message: "Client secret: paste the client secret's Value.".into(),
        hint: "Mailferry holds no secret for this connection yet.".into(),
    }
}

/// The last three characters of a long enough secret, so the admin can tell secrets apart.
fn secret_hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return String::new();
    }
    chars[chars.len() - 3..].iter().collect()
}
