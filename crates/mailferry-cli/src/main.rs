//! `mailferry`: Mailferry's connections from the command line, on the same data folder and
//! keychain as the desktop app.

mod cert;
mod check;
mod expiring;
mod jobs;
mod mailboxes;
mod output;
mod proxy;
mod register;
mod renew;
mod switch;
mod upgrade;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use mailferry_core::certs::CertificateStore;
use mailferry_core::connections::ConnectionService;
use mailferry_core::model::Role;
use mailferry_core::secrets::KeyringStore;
use mailferry_core::store::Store;
use mailferry_core::{paths, Error};

#[derive(Parser)]
#[command(name = "mailferry", version, about = "Manage Mailferry's Office 365 connections")]
struct Cli {
    /// Mailferry's data folder (default: the desktop app's own, so both see the same connections).
    #[arg(long, global = true, env = paths::DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Work in the demo cloud (also MAILFERRY_DEMO=1): Contoso and Fabrikam served on this
    /// computer, nothing reaches Microsoft; demo connections live in the data folder's demo/.
    #[arg(long, global = true)]
    demo: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, show and delete defined connections.
    #[command(subcommand)]
    Connections(ConnectionsCommand),
    /// Generate, import, list, show and delete certificates (keys stay in the OS keychain).
    #[command(subcommand)]
    Cert(CertCommand),
    /// Register the application automatically: sign in as an admin, and Mailferry registers it,
    /// grants the permissions and saves a verified connection (exit codes as for check).
    Register(register::Register),
    /// Create, list, show and delete migration job drafts.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// List the mailboxes of a connection's tenant.
    #[command(subcommand)]
    Mailboxes(MailboxesCommand),
    /// Export connection summaries (never a secret) as JSON, CSV or HTML.
    Export {
        #[arg(long, value_enum)]
        format: FormatArg,
        /// The file to write, or - for standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Start a CSV file with a UTF-8 byte order mark, for Excel.
        #[arg(long)]
        bom: bool,
        /// Connections by id or name (default: all).
        connections: Vec<String>,
    },
    /// The proxy requests to Microsoft go through (shared with the app's Settings).
    #[command(subcommand)]
    Proxy(proxy::ProxyCommand),
    /// Run the configuration checks of a connection (exit 0: all passed, 1: warnings, 2: a check failed).
    Check {
        connection: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum CertCommand {
    /// Create an RSA-2048 certificate valid 5 years for a source or target application.
    Generate {
        #[arg(long)]
        role: RoleArg,
        #[arg(long)]
        json: bool,
    },
    /// Import a .pfx/.p12 (with its password) or PEM certificate with its private key.
    Import {
        file: PathBuf,
        /// A separate PEM private key file.
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Read the PFX password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the stored certificates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a certificate by SHA-1 or SHA-256 thumbprint.
    Show {
        thumbprint: String,
        /// Print the public certificate in PEM.
        #[arg(long)]
        pem: bool,
        #[arg(long)]
        json: bool,
    },
    /// Delete a certificate and its private key; refused while a connection uses it.
    Delete {
        thumbprint: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum ConnectionsCommand {
    /// List the defined connections.
    List {
        #[arg(long)]
        role: Option<RoleArg>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one connection, by id or by name.
    Show {
        connection: String,
        #[arg(long)]
        json: bool,
    },
    /// Define a connection to an application the admin registered in Entra ID.
    AddManual(check::AddManual),
    /// The connections whose credential expires within DAYS or has expired (exit 1 when any,
    /// 0 when none): for monitoring scripts.
    Expiring {
        #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3650))]
        within: u32,
        #[arg(long)]
        json: bool,
    },
    /// Renew a connection's certificate with no administrator: a new one (5 years) is added to
    /// the application, proven, switched to, and the old one removed.
    Renew(renew::Renew),
    /// Switch a client secret connection to a certificate Mailferry makes and renews itself
    /// (an administrator signs in); the client secret leaves the application unless
    /// --keep-secret.
    SwitchToCertificate(switch::SwitchToCertificate),
    /// Move a connection to another permission profile (full-fidelity or item-level): prints
    /// what is granted and revoked; with --yes an administrator signs in and it is done.
    UpgradePermissions(upgrade::UpgradePermissions),
    /// Delete a connection and its secret from the keychain.
    Delete {
        connection: String,
        /// Confirm the deletion; nothing is deleted without it.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum MailboxesCommand {
    /// Every mailbox of the tenant, streamed as it is read (NDJSON with --json; totals on stderr).
    List {
        #[arg(long)]
        connection: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    Json,
    Csv,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum RoleArg {
    Source,
    Target,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Source => Role::Source,
            RoleArg::Target => Role::Target,
        }
    }
}

/// Exit codes: 0 success, 2 wrong usage (clap), 3 any other failure, with the reason on stderr.
/// `check` (and `add-manual --check`) exit 0 when all checks pass, 1 with warnings, 2 when one fails.
const EXIT_FAILURE: u8 = 3;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // The demo's cloud is the default of every cloud option, so it is named before they are
    // parsed (no other thread runs yet).
    let demo_port = demo_cloud_defaults(std::env::args().skip(1).any(|arg| arg == "--demo"));
    let cli = Cli::parse();
    let outcome = match demo_port {
        Ok(port) => run(cli, port).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(hint) = error.hint() {
                eprintln!("hint: {hint}");
            }
            if error.code() == mailferry_core::ErrorCode::CertificatePassword {
                eprintln!("hint: give it on standard input with --password-stdin, e.g. read -rs P && printf '%s\\n' \"$P\" | mailferry cert import FILE --password-stdin");
            }
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Points the cloud options' defaults at the demo cloud when the demo is asked for; answers
/// with its port.
#[cfg(feature = "demo")]
fn demo_cloud_defaults(asked: bool) -> Result<Option<u16>, Error> {
    mailferry_demo::prepare(asked)
}

#[cfg(not(feature = "demo"))]
fn demo_cloud_defaults(asked: bool) -> Result<Option<u16>, Error> {
    if asked || std::env::var("MAILFERRY_DEMO").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true")) {
        return Err(Error::Internal(
            "this build of mailferry has no demo cloud (built without the demo feature)".into(),
        ));
    }
    Ok(None)
}

async fn run(cli: Cli, demo_port: Option<u16>) -> Result<u8, Error> {
    let data_dir = match cli.data_dir.or_else(paths::default_data_dir) {
        Some(dir) => dir,
        None => return Err(Error::Internal("no data folder: pass --data-dir".into())),
    };
    // The demo cloud is served while the command runs; its connections live apart.
    #[cfg(feature = "demo")]
    let (data_dir, keychain, _demo) = match demo_port {
        Some(port) => {
            let folder = mailferry_demo::data_dir(&data_dir);
            let served = mailferry_demo::start(port, &folder).await?;
            (folder, mailferry_demo::keychain(), Some(served))
        }
        None => (data_dir, KeyringStore::new(), None),
    };
    #[cfg(not(feature = "demo"))]
    let (keychain, _) = (KeyringStore::new(), demo_port);
    let store = Store::open(&data_dir.join(paths::DATABASE_FILE)).await?;
    let vault: Arc<dyn mailferry_core::secrets::SecretStore> = Arc::new(keychain);
    let service = ConnectionService::new(store, vault.clone(), CertificateStore::new(&data_dir, vault));
    let mut out = std::io::stdout().lock();
    let written = match cli.command {
        Command::Check { connection, json } => return check::check(&service, &connection, json, &mut out).await,
        Command::Register(args) => return register::run(&service, args, &mut out).await,
        Command::Jobs(command) => return jobs::run(&service, command, &mut out).await,
        Command::Mailboxes(MailboxesCommand::List { connection, json }) => {
            return mailboxes::list(&service, &connection, json, &mut out).await;
        }
        Command::Export { format, out: path, bom, connections } => {
            return export(&service, format, &path, bom, &connections, &mut out).await;
        }
        Command::Connections(ConnectionsCommand::AddManual(args)) => {
            return check::add_manual(&service, args, &mut out).await;
        }
        Command::Connections(ConnectionsCommand::Renew(args)) => return renew::run(&service, args, &mut out).await,
        Command::Connections(ConnectionsCommand::SwitchToCertificate(args)) => {
            return switch::run(&service, args, &mut out).await
        }
        Command::Connections(ConnectionsCommand::UpgradePermissions(args)) => {
            return upgrade::run(&service, args, &mut out).await
        }
        Command::Connections(ConnectionsCommand::Expiring { within, json }) => {
            return expiring::run(&service, within, json, &mut out).await;
        }
        Command::Cert(command) => cert::run(&service, command, &mut out).await?,
        Command::Proxy(command) => {
            proxy::run(&service, command, &mut out).await?;
            return Ok(0);
        }
        Command::Connections(ConnectionsCommand::List { role, json }) => {
            let connections = service.list(role.map(Role::from)).await?;
            if json {
                output::json(&mut out, &connections)
            } else {
                output::table(&mut out, &connections)
            }
        }
        Command::Connections(ConnectionsCommand::Show { connection, json }) => {
            let connection = service.find(&connection).await?;
            if json {
                output::json(&mut out, &connection)
            } else {
                output::details(&mut out, &connection)
            }
        }
        Command::Connections(ConnectionsCommand::Delete { connection, yes }) => {
            let found = service.find(&connection).await?;
            if !yes {
                return Err(Error::NotConfirmed {
                    what: format!("\"{}\" ({})", found.name, found.id),
                    deletes: "the connection and its secret",
                });
            }
            let deleted = service.delete(found.id).await?;
            output::line(
                &mut out,
                &format!("Deleted {} connection \"{}\" ({}).", deleted.role.as_str(), deleted.name, deleted.id),
            )
        }
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(0)
}

async fn export(
    service: &ConnectionService,
    format: FormatArg,
    path: &std::path::Path,
    bom: bool,
    references: &[String],
    out: &mut impl std::io::Write,
) -> Result<u8, Error> {
    use mailferry_core::export::{self, ExportFormat, ExportStamp, RenderOptions};
    let mut ids = Vec::with_capacity(references.len());
    for reference in references {
        ids.push(service.find(reference).await?.id);
    }
    let format = match format {
        FormatArg::Json => ExportFormat::Json,
        FormatArg::Csv => ExportFormat::Csv,
        FormatArg::Html => ExportFormat::Html,
    };
    let document = export::build(service, &ids, ExportStamp::now()).await?;
    let bytes = export::render(&document, format, RenderOptions { csv_bom: bom })?;
    if path.as_os_str() == "-" {
        out.write_all(&bytes).map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    } else {
        export::write_file(path, bytes).await?;
        eprintln!("Exported {} connection summaries to {}.", document.connections.len(), path.display());
    }
    Ok(0)
}
