//! The tenant's app management policy, as far as it limits Mailferry's own credentials
//! (Graph: tenantAppManagementPolicy, keyCredentialConfiguration, passwordCredentialConfiguration).
//! Read with the administrator's token before registering, when that token may read it
//! (Policy.Read.All is not asked for just for this: a refusal means "not known"), so that the
//! certificate is made within a capped lifetime and a blocked secret is never offered. A
//! credential Graph refuses for policy reasons is explained in `microsoft_errors`.

use chrono::{DateTime, Months, Utc};
use serde_json::Value;

use crate::graph::GraphClient;
use crate::http::CancellationToken;
use crate::Result;

/// An ISO 8601 `maxLifetime` (`P365D`, `P1Y`, `P4DT12H30M5S`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxLifetime {
    pub iso: String,
    parsed: iso8601::Duration,
}

impl MaxLifetime {
    pub fn parse(iso: &str) -> Option<MaxLifetime> {
        iso.parse().ok().map(|parsed| MaxLifetime { iso: iso.to_owned(), parsed })
    }

    /// The latest end of a credential that starts at `start`. Microsoft does not say whether a
    /// year is 365 days or a calendar year, nor a month 30 days or a calendar month, so this
    /// is the earlier of both readings: within the cap either way.
    pub fn latest_end(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (months, rest) = match self.parsed {
            iso8601::Duration::Weeks(weeks) => (0, chrono::Duration::weeks(weeks.into())),
            iso8601::Duration::YMDHMS { year, month, day, hour, minute, second, millisecond } => (
                year.checked_mul(12)?.checked_add(month)?,
                chrono::Duration::days(day.into())
                    + chrono::Duration::hours(hour.into())
                    + chrono::Duration::minutes(minute.into())
                    + chrono::Duration::seconds(second.into())
                    + chrono::Duration::milliseconds(millisecond.into()),
            ),
        };
        let by_calendar = start.checked_add_months(Months::new(months))?.checked_add_signed(rest)?;
        let fixed_days = i64::from(months / 12) * 365 + i64::from(months % 12) * 30;
        let by_days = start.checked_add_signed(chrono::Duration::days(fixed_days))?.checked_add_signed(rest)?;
        Some(by_calendar.min(by_days))
    }

    /// "365 days", "1 year", for messages.
    pub fn describe(&self) -> String {
        let plural = |n: u32, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
        match self.parsed {
            iso8601::Duration::Weeks(weeks) => plural(weeks, "week"),
            iso8601::Duration::YMDHMS { year, month, day, hour, minute, second, .. } => {
                let parts: Vec<String> = [
                    (year, "year"),
                    (month, "month"),
                    (day, "day"),
                    (hour, "hour"),
                    (minute, "minute"),
                    (second, "second"),
                ]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, unit)| plural(n, unit))
                .collect();
                if parts.is_empty() {
                    self.iso.clone()
                } else {
                    parts.join(" ")
                }
            }
        }
    }
}

/// Graph's code for a credential that lives longer than the policy allows (what Microsoft's
/// Teams Toolkit reads from `error.code`, fx-core aadAppClient.ts).
pub const LIFETIME_REFUSED: &str = "CredentialInvalidLifetimeAsPerAppPolicy";
/// Graph's code for a credential type the policy blocks (client secrets).
pub const TYPE_REFUSED: &str = "CredentialTypeNotAllowedAsPerAppPolicy";

/// Whether Graph refused a credential with `code` (top level or in `details`).
fn refused_with(error: &crate::Error, code: &str) -> bool {
    matches!(error, crate::Error::Microsoft(failure) if failure.detail.code.split(" / ").any(|c| c.eq_ignore_ascii_case(code)))
}

/// Whether Graph refused a credential for its lifetime.
pub fn lifetime_refused(error: &crate::Error) -> bool {
    refused_with(error, LIFETIME_REFUSED)
}

/// Whether Graph refused a credential of its type (client secrets blocked).
pub fn type_refused(error: &crate::Error) -> bool {
    refused_with(error, TYPE_REFUSED)
}

/// The lifetimes (in days) tried, longest first, when Graph refuses a certificate's lifetime
/// under a policy Mailferry could not read: common caps of app management policies.
const SHORTER_LIFETIMES: [i64; 5] = [730, 365, 180, 90, 30];

/// The next lifetime to try after `refused_days` was refused: `also` (a lifetime the tenant
/// accepted before, the current certificate's) or a common cap, whichever is longer, and
/// always shorter than the refused one.
pub fn next_shorter(refused_days: i64, also: Option<i64>) -> Option<MaxLifetime> {
    let days = SHORTER_LIFETIMES.into_iter().chain(also).filter(|d| *d >= 1 && *d < refused_days).max()?;
    MaxLifetime::parse(&format!("P{days}D"))
}

/// Replaces a certificate whose lifetime Graph refused with a shorter one ([`next_shorter`],
/// `accepted_before` the lifetime in days of one the policy accepted): the refused one leaves
/// the store; answers the new certificate and what to tell the user, or `None` when nothing
/// shorter is worth trying.
pub async fn shorter_certificate(
    certificates: &crate::certs::CertificateStore,
    refused: &crate::certs::CertificateInfo,
    role: crate::model::Role,
    accepted_before: Option<i64>,
) -> Result<Option<(crate::certs::CertificateInfo, String)>> {
    let refused_days = (refused.not_after - refused.not_before).num_days();
    let Some(cap) = next_shorter(refused_days, accepted_before) else { return Ok(None) };
    let key = crate::certs::new_key_off_thread().await?;
    let replacement = certificates.put(&crate::certs::self_signed(key, role, Some(&cap))?).await?;
    certificates.delete(&refused.sha1_thumbprint).await?;
    let said = format!(
        "the tenant's app management policy refused a certificate valid {refused_days} days; trying one valid {}",
        cap.describe()
    );
    Ok(Some((replacement, said)))
}

/// What the tenant's default policy allows an application created at a given time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialPolicy {
    /// `asymmetricKeyLifetime`.
    pub certificate_max_lifetime: Option<MaxLifetime>,
    /// `passwordAddition`: no new client secrets at all.
    pub secrets_blocked: bool,
    /// `passwordLifetime`.
    pub secret_max_lifetime: Option<MaxLifetime>,
}

/// The policy as far as Mailferry could learn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyKnowledge {
    Known(CredentialPolicy),
    /// The token may not read it (403: Policy.Read.All not consented, or a role that does
    /// not read policies), or Graph did not answer: Mailferry goes on and explains a refusal.
    NotKnown {
        reason: String,
    },
}

impl PolicyKnowledge {
    pub fn policy(&self) -> CredentialPolicy {
        match self {
            PolicyKnowledge::Known(policy) => policy.clone(),
            PolicyKnowledge::NotKnown { .. } => CredentialPolicy::default(),
        }
    }
}

/// Remembers, for the cards, whether the tenant's default policy that was read blocks new
/// client secrets, under each name of the tenant (`names`: its GUID and the domain a
/// connection may know it by); what Graph later answers for one application wins over it.
/// A policy not read changes nothing.
pub async fn remember(store: &crate::store::Store, names: &[&str], knowledge: &PolicyKnowledge) -> Result<()> {
    match knowledge {
        PolicyKnowledge::Known(policy) => {
            let scope = crate::store::PolicyScope::Tenant(names);
            store.credential_policies().record_secrets_blocked(scope, policy.secrets_blocked).await
        }
        PolicyKnowledge::NotKnown { .. } => Ok(()),
    }
}

/// Whether a restriction is evaluated for an application created at `created` (`None`: an
/// existing application of unknown age, to which Microsoft may apply it retroactively).
fn in_force(restriction: &Value, created: Option<DateTime<Utc>>) -> bool {
    if restriction["state"].as_str() == Some("disabled") {
        return false;
    }
    let after =
        restriction["restrictForAppsCreatedAfterDateTime"].as_str().and_then(|d| DateTime::parse_from_rfc3339(d).ok());
    match (after, created) {
        (Some(after), Some(created)) => created > after.with_timezone(&Utc),
        _ => true,
    }
}

/// The credential restrictions of a tenantAppManagementPolicy that apply to applications.
pub fn read_policy(policy: &Value, created: Option<DateTime<Utc>>) -> CredentialPolicy {
    let mut read = CredentialPolicy::default();
    if policy["isEnabled"].as_bool() != Some(true) {
        return read;
    }
    let restrictions = &policy["applicationRestrictions"];
    let in_force_list = |name: &str| -> Vec<Value> {
        restrictions[name].as_array().into_iter().flatten().filter(|r| in_force(r, created)).cloned().collect()
    };
    for restriction in in_force_list("passwordCredentials") {
        match restriction["restrictionType"].as_str() {
            Some("passwordAddition") => read.secrets_blocked = true,
            Some("passwordLifetime") => {
                read.secret_max_lifetime = restriction["maxLifetime"].as_str().and_then(MaxLifetime::parse)
            }
            _ => {}
        }
    }
    for restriction in in_force_list("keyCredentials") {
        if restriction["restrictionType"].as_str() == Some("asymmetricKeyLifetime") {
            read.certificate_max_lifetime = restriction["maxLifetime"].as_str().and_then(MaxLifetime::parse);
        }
    }
    read
}

/// The delegated permissions that read the tenant's default policy (Get tenantAppManagementPolicy:
/// Policy.Read.All least privileged, or the ApplicationConfiguration pair).
pub const READ_SCOPES: &[&str] =
    &["Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"];

/// `GET /policies/defaultAppManagementPolicy` with the administrator's token; a refusal or a
/// failure is "not known", never an error: the policy only sharpens what Mailferry does. A
/// token that says it lacks the permission is not sent at all (no round trip for a sure 403).
pub async fn read_default(
    graph: &GraphClient<'_>,
    admin: &crate::identity::signin::AdminClaims,
    created: Option<DateTime<Utc>>,
    cancel: &CancellationToken,
) -> Result<PolicyKnowledge> {
    if admin.has_scope(READ_SCOPES) == Some(false) {
        return Ok(PolicyKnowledge::NotKnown {
            reason: "the signed-in account's token has no Policy.Read.All (not asked for just for this)".into(),
        });
    }
    let what = "read the tenant's app management policy";
    let answer =
        match graph.send(reqwest::Method::GET, "/policies/defaultAppManagementPolicy", None, what, cancel).await {
            Ok(answer) => answer,
            Err(crate::Error::Cancelled) => return Err(crate::Error::Cancelled),
            Err(error) => return Ok(PolicyKnowledge::NotKnown { reason: error.to_string() }),
        };
    Ok(match answer.status {
        200 => PolicyKnowledge::Known(read_policy(&answer.body, created)),
        401 | 403 => PolicyKnowledge::NotKnown {
            reason: "the signed-in account's token may not read policies (Policy.Read.All)".into(),
        },
        status => PolicyKnowledge::NotKnown { reason: format!("Graph answered {status}") },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn a_lifetime_ends_within_the_cap_by_either_reading_of_years_and_months() {
        let start = at("2026-12-02T00:00:00Z");
        let end = |iso: &str| MaxLifetime::parse(iso).and_then(|m| m.latest_end(start)).map(|d| d.to_rfc3339());
        assert_eq!(end("P1Y").as_deref(), Some("2027-12-02T00:00:00+00:00"));
        // 2028 is a leap year: two calendar years are 731 days, two years of 365 days 730.
        assert_eq!(end("P2Y").as_deref(), Some("2028-12-01T00:00:00+00:00"));
        // A calendar month from 31 January is 28 days; 30 days otherwise.
        let january = MaxLifetime::parse("P1M").and_then(|m| m.latest_end(at("2027-01-31T00:00:00Z")));
        assert_eq!(january.map(|d| d.to_rfc3339()).as_deref(), Some("2027-02-28T00:00:00+00:00"));
        assert_eq!(end("P90D").as_deref(), Some("2027-03-02T00:00:00+00:00"));
        assert_eq!(end("P4DT12H30M5S").as_deref(), Some("2026-12-06T12:30:05+00:00"));
        assert_eq!(end("P2W").as_deref(), Some("2026-12-16T00:00:00+00:00"));
        assert!(MaxLifetime::parse("a year").is_none());
        assert_eq!(MaxLifetime::parse("P1Y6M").map(|m| m.describe()).as_deref(), Some("1 year 6 months"));
        assert_eq!(MaxLifetime::parse("P365D").map(|m| m.describe()).as_deref(), Some("365 days"));
    }

    #[test]
    fn a_refused_lifetime_steps_down_to_a_common_cap_or_the_one_accepted_before() {
        let next = |refused, also| next_shorter(refused, also).map(|m| m.iso);
        assert_eq!(next(1827, None).as_deref(), Some("P730D"));
        assert_eq!(next(730, None).as_deref(), Some("P365D"));
        assert_eq!(next(1827, Some(400)).as_deref(), Some("P730D"));
        assert_eq!(next(365, Some(300)).as_deref(), Some("P300D"), "the lifetime accepted before comes first");
        assert_eq!(next(30, None), None, "nothing shorter than 30 days is tried");
    }

    #[test]
    fn only_restrictions_in_force_for_the_application_count() {
        let policy = json!({
            "isEnabled": true,
            "applicationRestrictions": {
                "passwordCredentials": [
                    {"restrictionType": "passwordAddition", "state": "disabled", "maxLifetime": null},
                    {"restrictionType": "passwordLifetime", "maxLifetime": "P90D", "restrictForAppsCreatedAfterDateTime": "2030-01-01T00:00:00Z"},
                ],
                "keyCredentials": [
                    {"restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P1Y", "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"},
                ],
            },
        });
        let new_app = read_policy(&policy, Some(at("2026-12-02T00:00:00Z")));
        assert!(!new_app.secrets_blocked, "a disabled restriction is not evaluated");
        assert_eq!(new_app.secret_max_lifetime, None, "applies only to applications created after 2030");
        assert_eq!(new_app.certificate_max_lifetime.map(|m| m.iso).as_deref(), Some("P1Y"));
        // An application of unknown age: a dated restriction may apply retroactively.
        let existing = read_policy(&policy, None);
        assert_eq!(existing.secret_max_lifetime.map(|m| m.iso).as_deref(), Some("P90D"));

        let disabled = json!({"isEnabled": false, "applicationRestrictions": policy["applicationRestrictions"]});
        assert_eq!(read_policy(&disabled, None), CredentialPolicy::default());
        let blocked = json!({"isEnabled": true, "applicationRestrictions": {"passwordCredentials": [
            {"restrictionType": "passwordAddition", "maxLifetime": null, "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z"}
        ]}});
        assert!(read_policy(&blocked, None).secrets_blocked);
    }
}
