//! `mailferry proxy`: the proxy Mailferry's requests to Microsoft go through, shared with the
//! desktop app's Settings > Network proxy. The password goes to the OS keychain.

use std::io::Write;

use clap::Subcommand;
use mailferry_core::connections::ConnectionService;
use mailferry_core::proxy::{self, ProxyChange};
use mailferry_core::Error;

use crate::output;

#[derive(Subcommand)]
pub(crate) enum ProxyCommand {
    /// Show the proxy in Settings (never its password).
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Send every request to Microsoft through this proxy, instead of the environment's
    /// (HTTPS_PROXY) or the system's.
    Set {
        /// http://proxy.example.com:8080 (or https://).
        url: String,
        /// The user name the proxy asks for.
        #[arg(long)]
        username: Option<String>,
        /// Read the proxy's password from standard input (first line); kept in the OS keychain.
        #[arg(long, requires = "username")]
        password_stdin: bool,
    },
    /// Remove the proxy and its credentials: the environment's or the system's applies again.
    Clear,
}

pub(crate) async fn run(service: &ConnectionService, command: ProxyCommand, out: &mut impl Write) -> Result<(), Error> {
    let written = match command {
        ProxyCommand::Show { json } => {
            let settings = proxy::settings(service).await?;
            if json {
                output::json(out, &settings)
            } else {
                match &settings.url {
                    None => output::line(
                        out,
                        "No proxy in Settings: HTTPS_PROXY, HTTP_PROXY and NO_PROXY, or the system's proxy, apply.",
                    ),
                    Some(url) => {
                        let who = match (&settings.username, settings.has_password) {
                            (Some(user), true) => format!(" as {user} (password in the keychain)"),
                            (Some(user), false) => format!(" as {user} (no password)"),
                            (None, _) => String::new(),
                        };
                        output::line(out, &format!("Proxy: {url}{who}"))
                    }
                }
            }
        }
        ProxyCommand::Set { url, username, password_stdin } => {
            let password = if password_stdin { Some(crate::cert::read_password()?) } else { Some(String::new()) };
            let change = ProxyChange { url, username: username.unwrap_or_default(), password };
            let saved = proxy::change(service, change).await?;
            let url = saved.map(|p| p.url).unwrap_or_default();
            output::line(out, &format!("Requests to Microsoft now go through {url}."))
        }
        ProxyCommand::Clear => {
            proxy::change(service, ProxyChange { url: String::new(), username: String::new(), password: None }).await?;
            output::line(out, "Proxy removed: HTTPS_PROXY, HTTP_PROXY and NO_PROXY, or the system's proxy, apply.")
        }
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })
}
