//! The eight configuration checks, run in the fewest sequential round trips: tenant metadata
//! (cached after the first run), the token, then one `$batch` for the organization, the
//! mailbox and check 6's probes (`mail_access`: a full fidelity connection adds one batch for
//! its folders and items, or import session, and a source one export). Every outcome, good or
//! bad, becomes a result with its fix; only a cancel ends a run without a report.

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::mail_access;
use super::permissions::compare_roles;
use super::scope;
use crate::graph::directory::{self, Organization, User};
use crate::graph::{first_item, password_credentials_request, Application, BatchResponse, GraphClient};
use crate::identity::{AppCredential, AppTokenRequest, IdentityClient, ResolvedTenant};
use crate::model::checks::{CheckEvent, CheckId, CheckReport, CheckResult, CheckStatus};
use crate::model::{CheckOutcome, Connection, Credential};
use crate::{Error, Result};

/// A credential expiring sooner than this is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 60;

/// What the checks run on. The credential is resolved by the caller; when it cannot be
/// (secret not in the keychain, certificate not imported) the reason becomes check 2's failure.
pub struct CheckSubject<'a> {
    pub connection: &'a Connection,
    pub credential: Result<AppCredential>,
}

struct Run<'a> {
    results: Vec<CheckResult>,
    on_event: &'a (dyn Fn(CheckEvent) + Send + Sync),
    report: CheckReport,
}

impl Run<'_> {
    fn start(&self, id: CheckId) {
        (self.on_event)(CheckEvent::Started { id });
    }

    fn finish(&mut self, result: CheckResult) {
        tracing::debug!(check = ?result.id, status = ?result.status, "check finished");
        (self.on_event)(CheckEvent::Finished { result: Box::new(result.clone()) });
        self.results.push(result);
    }

    fn skip_rest(&mut self, because: CheckId, except: &[CheckId]) {
        let done: Vec<CheckId> = self.results.iter().map(|r| r.id).collect();
        for id in CheckId::ALL {
            if !done.contains(&id) && !except.contains(&id) {
                self.finish(CheckResult::skipped(id, because));
            }
        }
    }

    fn into_report(mut self) -> CheckReport {
        self.results.sort_by_key(|r| CheckId::ALL.iter().position(|id| *id == r.id));
        let outcome = if self.results.iter().any(|r| matches!(r.status, CheckStatus::Fail | CheckStatus::Skipped)) {
            CheckOutcome::Failed
        } else if self.results.iter().any(|r| r.status == CheckStatus::Warn) {
            CheckOutcome::Warnings
        } else {
            CheckOutcome::Passed
        };
        self.report.results = self.results;
        self.report.outcome = outcome;
        self.report.finished_at = crate::model::now();
        self.report
    }
}

/// A failed step as a check result: the error's sentence, its fix, Microsoft's details.
pub(super) fn failed(id: CheckId, error: &Error) -> CheckResult {
    let detail = match error {
        Error::Microsoft(failure) => Some(failure.detail.clone()),
        _ => None,
    };
    CheckResult::fail(id, error.to_string(), error.hint().unwrap_or_default()).with_microsoft(detail)
}

pub async fn run_checks(
    identity: &IdentityClient,
    subject: CheckSubject<'_>,
    on_event: &(dyn Fn(CheckEvent) + Send + Sync),
    cancel: &crate::http::CancellationToken,
) -> Result<CheckReport> {
    let connection = subject.connection;
    let now = Utc::now();
    let mut run = Run {
        results: Vec::with_capacity(CheckId::ALL.len()),
        on_event,
        report: CheckReport {
            connection_id: connection.id,
            started_at: crate::model::now(),
            finished_at: crate::model::now(),
            outcome: CheckOutcome::Failed,
            results: Vec::new(),
            tenant_id: None,
            tenant_name: None,
            default_domain: None,
            granted_permissions: Vec::new(),
            missing_permissions: Vec::new(),
            credential_expires_at: None,
            application_object_id: None,
            service_principal_id: None,
            scope_group_name: None,
            scope_script: None,
        },
    };
    let local_expiry = local_expiry(connection);

    // 1. The tenant, in the chosen cloud.
    run.start(CheckId::Tenant);
    let tenant = match identity.tenants.resolve(&identity.http, &connection.cloud, &connection.tenant_id, cancel).await
    {
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => {
            run.finish(failed(CheckId::Tenant, &error));
            return Ok(finish_without_token(run, &connection.credential, CheckId::Tenant, local_expiry, now));
        }
        Ok(tenant) => tenant,
    };
    run.report.tenant_id = Some(tenant.id.clone());
    run.finish(tenant_result(connection, &tenant));

    // 2. An app-only token, issued for this tenant.
    run.start(CheckId::Token);
    let credential = match subject.credential {
        Ok(credential) => credential,
        Err(error) => {
            run.finish(failed(CheckId::Token, &error));
            return Ok(finish_without_token(run, &connection.credential, CheckId::Token, local_expiry, now));
        }
    };
    let request = AppTokenRequest {
        cloud: &connection.cloud,
        tenant: &tenant,
        client_id: &connection.client_id,
        credential: &credential,
        fresh: true,
    };
    let token = match identity.tokens.app_only(&identity.http, &request, cancel).await {
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => {
            run.finish(failed(CheckId::Token, &error));
            if let Error::Microsoft(failure) = &error {
                if failure.aadsts == Some(7000222) {
                    run.start(CheckId::CredentialExpiry);
                    run.finish(CheckResult::fail(
                        CheckId::CredentialExpiry,
                        "The client secret has expired: Microsoft refuses it.",
                        renew_fix(&connection.credential),
                    ));
                }
            }
            return Ok(finish_without_token(run, &connection.credential, CheckId::Token, local_expiry, now));
        }
        Ok(token) => token,
    };
    if token.claims.tid != tenant.id {
        run.finish(CheckResult::fail(
            CheckId::Token,
            format!("Microsoft issued the token for tenant {}, not {}.", token.claims.tid, tenant.id),
            "Check the Directory (tenant) ID: the application must sign in to the tenant it serves.",
        ));
        return Ok(finish_without_token(run, &connection.credential, CheckId::Token, local_expiry, now));
    }
    run.finish(CheckResult::pass(
        CheckId::Token,
        format!(
            "Application {} signed in to tenant {} with its {}.",
            connection.client_id,
            tenant.id,
            match credential {
                AppCredential::Secret(_) => "client secret",
                AppCredential::Certificate(_) => "certificate",
            }
        ),
    ));

    // 3. The token's roles hold the connection's whole permission set.
    run.start(CheckId::Permissions);
    let comparison = compare_roles(crate::permissions::Needs::of(connection), &token.claims.roles);
    run.report.granted_permissions = token.claims.roles.clone();
    run.report.missing_permissions = comparison.missing.clone();
    run.report.service_principal_id = token.claims.oid.clone();
    run.finish(comparison.result);

    // 4-6 (and the secret's expiry where readable) in one batch.
    run.start(CheckId::Organization);
    run.start(CheckId::Mailbox);
    run.start(CheckId::MailAccess);
    let graph = GraphClient::new(&identity.http, connection.cloud.graph_url(), token.bearer());
    let mailbox = connection.application_mailbox.trim();
    let probes = mail_access::first_round(connection, mailbox);
    let probe_count = probes.len();
    let scope_requests = scope::first_round(connection);
    let scope_count = scope_requests.len();
    let mut requests = vec![directory::organization_request(), directory::user_request(mailbox)];
    requests.extend(probes);
    requests.extend(scope_requests);
    // The application's own registration (object id, secret end dates), in the same round
    // trip; readable only with Application.Read.All, and refused harmlessly without it.
    requests.push(password_credentials_request(&connection.client_id));
    let answers = match graph.batch(requests, cancel).await {
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(error) => {
            for id in [CheckId::Organization, CheckId::Mailbox, CheckId::MailAccess, CheckId::MailboxScope] {
                run.finish(failed(id, &error));
            }
            run.start(CheckId::CredentialExpiry);
            run.finish(expiry_result(&connection.credential, local_expiry, now));
            return Ok(run.into_report());
        }
        Ok(answers) => answers,
    };
    let [organization, user, rest @ ..] = answers.as_slice() else {
        return Err(Error::Internal("a batch answer is missing".into()));
    };
    let (probe_answers, rest) = rest.split_at(probe_count.min(rest.len()));
    let (scope_answers, rest) = rest.split_at(scope_count.min(rest.len()));

    let org_result = organization_result(organization, &mut run.report);
    run.finish(org_result);
    let (mailbox_result, found) = mailbox_result(&graph, mailbox, user, cancel).await?;
    run.finish(mailbox_result);
    let access_result = match &found {
        // The address was an alias: the mailbox is asked for again by the user's id.
        Found::ByMail(id) => mail_access::mail_access_by_id(&graph, connection, mailbox, id, cancel).await?,
        Found::No => CheckResult::skipped(CheckId::MailAccess, CheckId::Mailbox),
        Found::Directly => mail_access::mail_access(&graph, connection, mailbox, probe_answers, cancel).await?,
    };
    let access = access_result.clone();
    run.finish(access_result);

    // 7. The scope to a group, for a scoped connection.
    run.start(CheckId::MailboxScope);
    let scope_result = match &found {
        Found::No => CheckResult::skipped(CheckId::MailboxScope, CheckId::Mailbox),
        _ => {
            let outcome =
                scope::scope_result(&graph, connection, scope_answers, &access, &comparison.voiding, cancel).await?;
            run.report.scope_group_name = outcome.group_name;
            outcome.result
        }
    };
    run.report.scope_script =
        token.claims.oid.as_deref().and_then(|oid| crate::mailbox_scope::powershell(connection, oid));
    run.finish(scope_result);

    // 8. Expiry: the certificate's NotAfter, or the secret's end date where readable.
    run.start(CheckId::CredentialExpiry);
    let mut expiry = local_expiry;
    if let Some(app) = rest.first().filter(|a| a.is_success()).and_then(|a| first_item::<Application>(&a.body)) {
        if let (AppCredential::Secret(secret), None) = (&credential, local_expiry) {
            expiry = app.secret_end_date(secret.expose_secret());
        }
        run.report.application_object_id = Some(app.id);
    }
    run.report.credential_expires_at = expiry;
    run.finish(expiry_result(&connection.credential, expiry, now));
    Ok(run.into_report())
}

/// The run ends early (no token): later checks are skipped, but a certificate's expiry is
/// known locally and is worth showing, since an expired certificate is a likely cause.
fn finish_without_token(
    mut run: Run<'_>,
    credential: &Credential,
    because: CheckId,
    local_expiry: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> CheckReport {
    let expiry_known = run.results.iter().any(|r| r.id == CheckId::CredentialExpiry);
    let evaluate_expiry = !expiry_known && local_expiry.is_some();
    let except: &[CheckId] = if evaluate_expiry { &[CheckId::CredentialExpiry] } else { &[] };
    run.skip_rest(because, except);
    if evaluate_expiry {
        run.start(CheckId::CredentialExpiry);
        run.report.credential_expires_at = local_expiry;
        run.finish(expiry_result(credential, local_expiry, now));
    }
    run.into_report()
}

fn local_expiry(connection: &Connection) -> Option<DateTime<Utc>> {
    connection.credential.expires_at()
}

fn tenant_result(connection: &Connection, tenant: &ResolvedTenant) -> CheckResult {
    let cloud = &connection.cloud;
    if let (Some(expected), Some(found)) = (expected_instance(cloud), tenant.cloud_instance.as_deref()) {
        if !found.eq_ignore_ascii_case(expected) {
            return CheckResult::fail(
                CheckId::Tenant,
                format!("Tenant {} lives in another Microsoft cloud ({found}), not in {}.", connection.tenant_id, cloud.display_name()),
                "Choose the tenant's own cloud under Microsoft cloud: GCC High or DoD for microsoftonline.us, China for chinacloudapi.cn.",
            );
        }
    }
    // A Custom cloud is named by its address: the admin sees where the tenant was found.
    let place = match cloud {
        crate::cloud::Cloud::Custom { .. } => format!("the Custom cloud at {}", cloud.login_url()),
        _ => format!("the {} cloud", cloud.display_name()),
    };
    let summary = if connection.tenant_id.eq_ignore_ascii_case(&tenant.id) {
        format!("Tenant {} exists in {place}.", tenant.id)
    } else {
        format!("{} is tenant {} in {place}.", connection.tenant_id, tenant.id)
    };
    CheckResult::pass(CheckId::Tenant, summary)
}

/// The `cloud_instance_name` Microsoft's metadata gives for each known cloud.
fn expected_instance(cloud: &crate::cloud::Cloud) -> Option<&'static str> {
    use crate::cloud::Cloud;
    match cloud {
        Cloud::Global => Some("microsoftonline.com"),
        Cloud::GccHigh | Cloud::Dod => Some("microsoftonline.us"),
        Cloud::China => Some("partner.microsoftonline.cn"),
        Cloud::Custom { .. } => None,
    }
}

fn organization_result(answer: &BatchResponse, report: &mut CheckReport) -> CheckResult {
    if !answer.is_success() {
        return graph_refusal(
            CheckId::Organization,
            answer,
            "The application may not read the organization's details.",
            "Add the Microsoft Graph application permission Organization.Read.All and grant admin consent, then retry.",
        );
    }
    let org = first_item::<Organization>(&answer.body).unwrap_or_default();
    let default_domain = org.default_domain().map(str::to_owned);
    let name = org.display_name;
    report.tenant_name = name.clone();
    report.default_domain = default_domain.clone();
    match (name, default_domain) {
        (Some(name), Some(domain)) => {
            CheckResult::pass(CheckId::Organization, format!("{name}, default domain {domain}."))
        }
        (Some(name), None) => CheckResult::pass(CheckId::Organization, format!("{name}.")),
        _ => CheckResult::warn(
            CheckId::Organization,
            "Microsoft Graph returned no organization details.",
            "Retry in a minute; if it persists, check the tenant in the Microsoft 365 admin center.",
        ),
    }
}

/// How check 5 found the mailbox's user.
enum Found {
    /// By the address as given (a user principal name): the batched inbox answer stands.
    Directly,
    /// By its `mail` attribute: the inbox must be asked for by this user id.
    ByMail(String),
    No,
}

/// Check 5. A 404 for the address may mean it is an alias rather than the user principal
/// name: one more request looks it up by `mail`.
async fn mailbox_result(
    graph: &GraphClient<'_>,
    mailbox: &str,
    answer: &BatchResponse,
    cancel: &crate::http::CancellationToken,
) -> Result<(CheckResult, Found)> {
    if answer.is_success() {
        let upn = answer.body.get("userPrincipalName").and_then(Value::as_str).unwrap_or(mailbox);
        return Ok((CheckResult::pass(CheckId::Mailbox, format!("{upn} exists in the tenant.")), Found::Directly));
    }
    if answer.status != 404 {
        return Ok((
            graph_refusal(
                CheckId::Mailbox,
                answer,
                &format!("The application may not look up {mailbox}."),
                "Add the Microsoft Graph application permission User.Read.All and grant admin consent, then retry.",
            ),
            Found::No,
        ));
    }
    let path = directory::user_by_mail_path(mailbox);
    let found = match graph.get(&path, "look the mailbox up by its address", cancel).await {
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Ok(body) => first_item::<User>(&body),
        Err(_) => None,
    };
    let found = found.and_then(|user| Some((user.user_principal_name?, user.id)));
    Ok(match found {
        Some((upn, id)) => {
            (CheckResult::pass(CheckId::Mailbox, format!("{mailbox} is the address of {upn}.")), Found::ByMail(id))
        }
        None => (
            CheckResult::fail(
                CheckId::Mailbox,
                format!("No user {mailbox} exists in the tenant."),
                "Check the Dedicated application mailbox: use the user principal name or primary email address of a licensed user of this tenant (Microsoft 365 admin center > Users > Active users).",
            )
            .with_microsoft(Some(answer.detail())),
            Found::No,
        ),
    })
}

/// A Graph refusal for one check: 403 is the check's own missing permission; anything else
/// is explained generically.
fn graph_refusal(id: CheckId, answer: &BatchResponse, forbidden: &str, forbidden_fix: &str) -> CheckResult {
    let result = if answer.status == 403 {
        CheckResult::fail(id, forbidden, forbidden_fix)
    } else {
        let (summary, fix) =
            crate::microsoft_errors::explain_graph(answer.status, &answer.error(), &id.title().to_lowercase());
        CheckResult::fail(id, summary, fix)
    };
    result.with_microsoft(Some(answer.detail()))
}

fn renew_fix(credential: &Credential) -> &'static str {
    match credential {
        Credential::Secret { .. } => "Create a new client secret under Certificates & secrets in the app registration, then edit this connection and paste its Value.",
        Credential::Certificate { .. } => "Import a new certificate, upload its public part to the app registration under Certificates & secrets, then edit this connection and choose it.",
    }
}

pub fn expiry_result(credential: &Credential, expires: Option<DateTime<Utc>>, now: DateTime<Utc>) -> CheckResult {
    let what = match credential {
        Credential::Secret { .. } => "client secret",
        Credential::Certificate { .. } => "certificate",
    };
    let Some(expires) = expires else {
        // Not a pass: nothing is known about when the connection stops working.
        return CheckResult::unknown(
            CheckId::CredentialExpiry,
            format!("The {what}'s end date cannot be read with the application's permissions."),
            format!("See its Expires date under Certificates & secrets in the app registration (Microsoft Entra admin center), then edit this connection and type it in Expires, so Mailferry warns before the {what} ends."),
        );
    };
    let date = expires.format("%Y-%m-%d");
    let days = (expires - now).num_days();
    if expires <= now {
        CheckResult::fail(CheckId::CredentialExpiry, format!("The {what} expired on {date}."), renew_fix(credential))
    } else if days < EXPIRY_WARNING_DAYS {
        CheckResult::warn(
            CheckId::CredentialExpiry,
            format!("The {what} expires on {date}, in {days} days."),
            renew_fix(credential),
        )
    } else {
        CheckResult::pass(CheckId::CredentialExpiry, format!("The {what} is valid until {date} ({days} days)."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn certificate() -> Credential {
        Credential::Certificate {
            sha1_thumbprint: "AB".into(),
            sha256_thumbprint: None,
            subject: None,
            not_after: None,
        }
    }

    #[test]
    fn a_credential_is_flagged_under_sixty_days_and_fails_once_expired() {
        let now = Utc::now();
        assert_eq!(expiry_result(&certificate(), Some(now + Duration::days(400)), now).status, CheckStatus::Pass);
        let soon = expiry_result(&certificate(), Some(now + Duration::days(59)), now);
        assert_eq!(soon.status, CheckStatus::Warn);
        assert!(soon.summary.contains("in 58 days") || soon.summary.contains("in 59 days"), "{}", soon.summary);
        let expired = expiry_result(&certificate(), Some(now - Duration::days(1)), now);
        assert_eq!(expired.status, CheckStatus::Fail);
        assert!(expired.fix.unwrap_or_default().contains("Import a new certificate"));
    }
}
