//! The Microsoft clouds a tenant can live in. Every Microsoft host Mailferry talks to comes
//! from here, so that a Custom cloud can point the whole app at another endpoint.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[ts(export)]
pub enum Cloud {
    /// Microsoft's worldwide cloud, which also serves GCC Moderate.
    #[default]
    Global,
    GccHigh,
    Dod,
    /// Operated by 21Vianet.
    China,
    /// Any other endpoint pair, for sovereign environments and for testing.
    Custom {
        login_url: String,
        graph_url: String,
    },
}

/// Environment variables that select a Custom cloud for the app and the CLI alike.
pub const LOGIN_URL_VAR: &str = "MAILFERRY_CLOUD_LOGIN_URL";
pub const GRAPH_URL_VAR: &str = "MAILFERRY_CLOUD_GRAPH_URL";

impl Cloud {
    /// The Custom cloud named by `MAILFERRY_CLOUD_LOGIN_URL` and `MAILFERRY_CLOUD_GRAPH_URL`,
    /// when both are set; the default for new connections.
    pub fn from_env() -> Option<Cloud> {
        Self::from_urls(std::env::var(LOGIN_URL_VAR).ok(), std::env::var(GRAPH_URL_VAR).ok())
    }

    fn from_urls(login: Option<String>, graph: Option<String>) -> Option<Cloud> {
        let clean = |s: Option<String>| {
            s.map(|s| s.trim().trim_end_matches(|c: char| c == '/' || c.is_whitespace()).to_owned())
                .filter(|s| !s.is_empty())
        };
        Some(Cloud::Custom { login_url: clean(login)?, graph_url: clean(graph)? })
    }

    /// The cloud a new connection starts with: the environment's Custom cloud, else Global.
    pub fn default_for_new() -> Cloud {
        Self::from_env().unwrap_or_default()
    }

    /// Parses a CLI name (`global`, `gcc-high`, `dod`, `china`, `custom` with both URLs).
    pub fn from_cli(name: &str, login: Option<String>, graph: Option<String>) -> Result<Cloud, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "custom" => {
                let cloud = Self::from_urls(login, graph)
                    .ok_or_else(|| "--cloud custom needs --login-url and --graph-url".to_owned())?;
                cloud.check_custom_urls().map(|()| cloud)
            }
            slug => Cloud::from_parts(slug, None, None)
                .ok_or_else(|| format!("unknown cloud \"{name}\": use global, gcc-high, dod, china or custom")),
        }
    }

    pub fn login_url(&self) -> &str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::GccHigh | Cloud::Dod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::Custom { login_url, .. } => login_url.trim_end_matches('/'),
        }
    }

    pub fn graph_url(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::GccHigh => "https://graph.microsoft.us",
            Cloud::Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom { graph_url, .. } => graph_url.trim_end_matches('/'),
        }
    }

    /// The stable name used in the database, the CLI and exports.
    pub fn slug(&self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::GccHigh => "gcc-high",
            Cloud::Dod => "dod",
            Cloud::China => "china",
            Cloud::Custom { .. } => "custom",
        }
    }

    /// Microsoft's clouds and Custom (with empty URLs), in the order the chooser lists them.
    pub fn choices() -> [Cloud; 5] {
        [
            Cloud::Global,
            Cloud::GccHigh,
            Cloud::Dod,
            Cloud::China,
            Cloud::Custom { login_url: String::new(), graph_url: String::new() },
        ]
    }

    /// The name in the cloud chooser, which says where GCC Moderate tenants are.
    pub fn choice_label(&self) -> &'static str {
        match self {
            Cloud::Global => "Global (also GCC)",
            other => other.display_name(),
        }
    }

    pub fn display_name(&self) -> &'static str {
        match self {
            Cloud::Global => "Global",
            Cloud::GccHigh => "GCC High",
            Cloud::Dod => "DoD",
            Cloud::China => "China (21Vianet)",
            Cloud::Custom { .. } => "Custom",
        }
    }

    /// Rebuilds a cloud from its database columns. Custom needs both URLs.
    pub fn from_parts(slug: &str, login_url: Option<String>, graph_url: Option<String>) -> Option<Cloud> {
        Some(match slug {
            "global" => Cloud::Global,
            "gcc-high" => Cloud::GccHigh,
            "dod" => Cloud::Dod,
            "china" => Cloud::China,
            "custom" => Cloud::Custom { login_url: login_url?, graph_url: graph_url? },
            _ => return None,
        })
    }

    /// A Custom cloud's URLs receive secrets, assertions and tokens, so each must be https (http
    /// only to this computer, for tests and the demo), with no user info, query or fragment.
    /// Microsoft's own clouds always pass.
    pub fn check_custom_urls(&self) -> Result<(), String> {
        let (Some(login), Some(graph)) = self.custom_urls() else { return Ok(()) };
        if let Some(problem) = custom_url_problem(login) {
            return Err(format!("the login URL {problem}"));
        }
        if let Some(problem) = custom_url_problem(graph) {
            return Err(format!("the Microsoft Graph URL {problem}"));
        }
        Ok(())
    }

    pub fn custom_urls(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Cloud::Custom { login_url, graph_url } => (Some(login_url), Some(graph_url)),
            _ => (None, None),
        }
    }
}

/// What is wrong with a Custom cloud URL, if anything.
fn custom_url_problem(url: &str) -> Option<&'static str> {
    // The URL parser drops a control character at either end and a tab or newline anywhere, so
    // such a URL checks out alone but breaks (or means another host) once a path is added.
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("must not hold spaces or control characters.");
    }
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        return Some("is not a URL: it starts with https:// and a host name.");
    };
    let loopback = match parsed.host() {
        Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Some("is not a URL: it starts with https:// and a host name."),
    };
    if !(parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback)) {
        return Some("must start with https:// (http:// only for this computer: localhost, 127.0.0.1 or [::1]).");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("must not hold a user name or password (nothing before an @).");
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Some("must not have a query (?…) or a fragment (#…).");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_cloud_takes_https_urls_and_http_only_to_this_computer() {
        let custom =
            |login: &str| Cloud::Custom { login_url: login.into(), graph_url: "https://graph.example.test".into() };
        for good in [
            "https://login.example.test",
            "https://login.example.test:8443/base",
            "http://127.0.0.1:9",
            "http://127.5.0.1",
            "http://[::1]:8080",
            "http://localhost:1",
        ] {
            assert_eq!(custom(good).check_custom_urls(), Ok(()), "{good}");
        }
        let refused = [
            ("http://login.contoso.example", "must start with https://"),
            ("ftp://login.example.test", "must start with https://"),
            ("https://login.microsoftonline.com@evil.example", "must not hold a user name"),
            ("https://user:pass@login.example.test", "must not hold a user name"),
            ("https://login.example.test/?x=1", "must not have a query"),
            ("https://login.example.test/#top", "must not have a query"),
            ("login.example.test", "is not a URL"),
            ("http://127.0.0.1.evil.example", "must start with https://"),
            // Found by the custom_cloud fuzz target: "https://login.example.test\x1f" parses,
            // "https://login.example.test\x1f/{tenant}/oauth2/v2.0/token" does not.
            ("https://login.example.test\u{1f}", "must not hold spaces or control characters"),
            ("https://login.exam\tple.test", "must not hold spaces or control characters"),
            ("https://login.example.test/a b", "must not hold spaces or control characters"),
            ("https://login.example.test ", "must not hold spaces or control characters"),
        ];
        for (bad, why) in refused {
            let problem = custom(bad).check_custom_urls().unwrap_err();
            assert!(problem.starts_with("the login URL ") && problem.contains(why), "{bad}: {problem}");
        }
        let graph = Cloud::Custom {
            login_url: "https://login.example.test".into(),
            graph_url: "http://graph.example.test".into(),
        };
        assert!(graph.check_custom_urls().unwrap_err().starts_with("the Microsoft Graph URL must start with https://"));
        assert_eq!(Cloud::Global.check_custom_urls(), Ok(()));
    }

    #[test]
    fn every_cloud_round_trips_through_its_database_columns() {
        let custom = Cloud::Custom { login_url: "http://127.0.0.1:9".into(), graph_url: "http://127.0.0.1:9".into() };
        for cloud in [Cloud::Global, Cloud::GccHigh, Cloud::Dod, Cloud::China, custom] {
            let (login, graph) = cloud.custom_urls();
            let back = Cloud::from_parts(cloud.slug(), login.map(str::to_owned), graph.map(str::to_owned));
            assert_eq!(back.as_ref(), Some(&cloud));
        }
    }

    #[test]
    fn a_custom_cloud_needs_both_urls_and_drops_a_trailing_slash() {
        assert_eq!(
            Cloud::from_urls(Some("http://127.0.0.1:8600/ ".into()), Some(" http://127.0.0.1:8600 ".into())),
            Some(Cloud::Custom {
                login_url: "http://127.0.0.1:8600".into(),
                graph_url: "http://127.0.0.1:8600".into()
            })
        );
        assert_eq!(Cloud::from_urls(Some("http://x".into()), None), None);
        assert_eq!(Cloud::from_cli("GCC-High", None, None), Ok(Cloud::GccHigh));
        assert!(Cloud::from_cli("custom", Some("http://x".into()), None).is_err());
        assert!(Cloud::from_cli("azure", None, None).unwrap_err().contains("gcc-high"));
    }

    #[test]
    fn sovereign_clouds_use_their_own_hosts() {
        assert_eq!(Cloud::Dod.graph_url(), "https://dod-graph.microsoft.us");
        assert_eq!(Cloud::GccHigh.login_url(), "https://login.microsoftonline.us");
        assert_eq!(Cloud::China.graph_url(), "https://microsoftgraph.chinacloudapi.cn");
        let custom = Cloud::Custom { login_url: "http://sim/".into(), graph_url: "http://sim".into() };
        assert_eq!(custom.login_url(), "http://sim");
    }
}
