//! Injected faults: latency, 429 with Retry-After, 503, dropped connections, per route; and
//! eventual-consistency windows. Set from the seed-independent `/_sim/faults` API or flags.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Faults {
    #[serde(default)]
    pub rules: Vec<FaultRule>,
    #[serde(default)]
    pub consistency: Consistency,
}

/// Applies to requests whose path contains `route` (all when absent) and whose method is
/// `method` (any when absent).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// Only requests to or for this tenant (GUID or domain): the tenant in a login URL, or the
    /// `tid` of a Graph request's token.
    #[serde(default)]
    pub tenant: Option<String>,
    #[serde(default)]
    pub route: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    /// Added before the request is handled.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer with this status instead (429 and 503 in Microsoft's shapes).
    #[serde(default)]
    pub status: Option<u16>,
    /// The JSON body to answer with (with `status`, 400 when absent): a Microsoft answer
    /// copied from Microsoft's documentation, word for word.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Seconds for the Retry-After header of a 429 or 503.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Redirect there (with `status`, 307 when absent): a client must not follow it with a
    /// secret, an assertion or a token.
    #[serde(default)]
    pub location: Option<String>,
    /// Close the connection without a complete response.
    #[serde(default)]
    pub drop: bool,
    /// Carry the request out, then lose the answer (the connection closes): the client cannot
    /// know that it succeeded, as when a network fails right after Microsoft acted.
    #[serde(default)]
    pub drop_after: bool,
    /// Carry the request out, then answer with this status (503 in Microsoft's shape) instead
    /// of the result: Microsoft acted, and said it was busy.
    #[serde(default)]
    pub status_after: Option<u16>,
    /// How many matching requests fail; every one when absent. Latency always applies.
    #[serde(default)]
    pub times: Option<u32>,
    /// How many matching requests pass untouched before the rule fails any (0 when absent):
    /// a failure in the middle of paging, say.
    #[serde(default)]
    pub after: Option<u32>,
}

/// Eventual consistency, in seconds after the object was created.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Consistency {
    /// A new application is unknown to the token endpoint (AADSTS700016) and to
    /// `POST /servicePrincipals` (400 NoBackingApplicationObject).
    #[serde(default)]
    pub application_secs: u64,
    /// A new service principal is unknown to Graph lookups and role grants.
    #[serde(default)]
    pub service_principal_secs: u64,
    /// A new app role assignment is missing from issued tokens.
    #[serde(default)]
    pub role_assignment_secs: u64,
    /// A new secret or certificate is not accepted by the token endpoint.
    #[serde(default)]
    pub credential_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Status { status: u16, retry_after: Option<u64> },
    Body { status: u16, body: serde_json::Value },
    Redirect { status: u16, location: String },
    Drop,
    DropAfter,
    StatusAfter { status: u16 },
}

impl Faults {
    /// What happens to this request: the added latency, and a failure if one is due.
    /// `tenant` is the request's tenant, when it has one.
    pub fn take(&mut self, method: &str, path: &str, tenant: Option<&crate::world::Tenant>) -> (u64, Option<Failure>) {
        let mut latency = 0;
        let mut failure = None;
        for rule in &mut self.rules {
            let tenant_matches = rule.tenant.as_deref().is_none_or(|name| tenant.is_some_and(|t| t.matches(name)));
            let route_matches = tenant_matches && rule.route.as_deref().is_none_or(|route| path.contains(route));
            let method_matches = rule.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
            if !(route_matches && method_matches) {
                continue;
            }
            latency += rule.latency_ms;
            let fails = rule.status.is_some()
                || rule.body.is_some()
                || rule.location.is_some()
                || rule.status_after.is_some()
                || rule.drop
                || rule.drop_after;
            if failure.is_some() || !fails {
                continue;
            }
            if let Some(after) = rule.after.as_mut().filter(|after| **after > 0) {
                *after -= 1;
                continue;
            }
            if let Some(times) = rule.times.as_mut() {
                if *times == 0 {
                    continue;
                }
                *times -= 1;
            }
            failure = Some(if rule.drop {
                Failure::Drop
            } else if rule.drop_after {
                Failure::DropAfter
            } else if let Some(status) = rule.status_after {
                Failure::StatusAfter { status }
            } else if let Some(location) = &rule.location {
                Failure::Redirect { status: rule.status.unwrap_or(307), location: location.clone() }
            } else if let Some(body) = &rule.body {
                Failure::Body { status: rule.status.unwrap_or(400), body: body.clone() }
            } else {
                Failure::Status { status: rule.status.unwrap_or(503), retry_after: rule.retry_after }
            });
        }
        (latency, failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_failure_stops_after_its_count_but_latency_stays() {
        let mut faults = Faults {
            rules: vec![FaultRule {
                route: Some("/v1.0/users".into()),
                latency_ms: 20,
                status: Some(429),
                retry_after: Some(1),
                times: Some(2),
                ..FaultRule::default()
            }],
            ..Faults::default()
        };
        let failure = Some(Failure::Status { status: 429, retry_after: Some(1) });
        assert_eq!(faults.take("GET", "/v1.0/users/x", None), (20, failure.clone()));
        assert_eq!(faults.take("GET", "/v1.0/users", None), (20, failure));
        assert_eq!(faults.take("GET", "/v1.0/users", None), (20, None));
        assert_eq!(faults.take("GET", "/v1.0/organization", None), (0, None));
    }
}
