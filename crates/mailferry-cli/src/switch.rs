//! `mailferry connections switch-to-certificate`: a client secret connection switched to a
//! certificate Mailferry makes (5 years, or the tenant's cap) and later renews with no
//! administrator. The administrator signs in as for `register`; the application keeps its
//! other certificates, and loses the client secret unless `--keep-secret`. Progress on stderr;
//! the result on stdout (JSON with --json).

use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::registration::RegistrationConfig;
use mailferry_core::renewal::Renewer;
use mailferry_core::Error;

use crate::output;
use crate::register::{admin_sign_in, AdminSignIn};

#[derive(clap::Args)]
pub(crate) struct SwitchToCertificate {
    connection: String,
    /// Leave the client secret on the application (another tool may use it).
    #[arg(long)]
    keep_secret: bool,
    #[command(flatten)]
    sign_in: AdminSignIn,
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(
    service: &ConnectionService,
    args: SwitchToCertificate,
    out: &mut impl std::io::Write,
) -> Result<u8, Error> {
    let connection = service.find(&args.connection).await?;
    let identity = IdentityClient::configured(service).await?;
    let cancel = CancellationToken::new();
    let admin =
        admin_sign_in(service, &identity, &connection.cloud, &connection.tenant_id, &args.sign_in, &cancel).await?;
    let renewer = Renewer::new(&identity, service, RegistrationConfig::default());
    let progress = |line: String| eprintln!("{line}");
    let done = renewer.switch_to_certificate(&admin, connection.id, args.keep_secret, &progress, &cancel).await?;
    let written = if args.json {
        output::json(out, &done)
    } else {
        let mut text = format!(
            "Switched \"{}\" to certificate {}, valid until {}.",
            connection.name,
            done.sha1_thumbprint,
            done.expires_at.format("%Y-%m-%d")
        );
        if let Some(note) = &done.policy_note {
            text.push_str(&format!(" ({note})"));
        }
        text.push_str(if done.secret_removed {
            " The client secret was removed from the application."
        } else if args.keep_secret {
            " The client secret stays on the application, as asked."
        } else {
            ""
        });
        if let Some(warning) = &done.warning {
            text.push_str(&format!("\nwarning: {warning}"));
        }
        output::line(out, &text)
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(0)
}
