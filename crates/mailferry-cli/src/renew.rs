//! `mailferry connections renew`: a connection's certificate renewed by its own application,
//! with no administrator (a new certificate added, proven, switched to, the old one removed);
//! a client secret replaced with an administrator's sign-in (a new secret added within the
//! tenant's policy, proven, switched to, the old one removed). Progress on stderr; the result
//! on stdout (JSON with --json).

use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::registration::StepState;
use mailferry_core::model::{Connection, Credential};
use mailferry_core::registration::RegistrationConfig;
use mailferry_core::renewal::{renew, RenewalEvent, Renewer};
use mailferry_core::Error;

use crate::output;
use crate::register::{admin_sign_in, AdminSignIn};

#[derive(clap::Args)]
pub(crate) struct Renew {
    connection: String,
    /// The application's Object ID (the app registration's Overview page), when Mailferry did
    /// not register it and may not read it.
    #[arg(long, value_name = "GUID")]
    object_id: Option<String>,
    /// Client secrets: the new secret's lifetime in days (default 180, at most 730; the
    /// tenant's app management policy may shorten it).
    #[arg(long, value_name = "DAYS")]
    days: Option<i64>,
    /// Client secrets: how the administrator signs in.
    #[command(flatten)]
    sign_in: AdminSignIn,
    #[arg(long)]
    json: bool,
}

fn progress(event: RenewalEvent) {
    let state = match event.state {
        StepState::Started => return,
        StepState::Waiting => "waiting",
        StepState::Done => "done",
        StepState::Skipped => "done earlier",
    };
    let detail = if event.detail.is_empty() { String::new() } else { format!(": {}", event.detail) };
    eprintln!("{} ({state}){detail}", event.step.title());
}

pub(crate) async fn run(service: &ConnectionService, args: Renew, out: &mut impl std::io::Write) -> Result<u8, Error> {
    let connection = service.find(&args.connection).await?;
    let identity = IdentityClient::configured(service).await?;
    if matches!(connection.credential, Credential::Secret { .. }) {
        return replace_secret(service, &identity, &connection, &args, out).await;
    }
    let done = renew(&identity, service, connection.id, args.object_id, &progress).await?;
    let renewed = service.get(connection.id).await?;
    let written = if args.json {
        output::json(out, &done)
    } else {
        let until = renewed.credential.expires_at().map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let mut text = format!(
            "Renewed \"{}\": it signs in with certificate {} until {until}.",
            renewed.name,
            done.new_sha1.clone().unwrap_or_default()
        );
        if let Some(warning) = &done.warning {
            text.push_str(&format!("\nwarning: {warning}"));
        }
        output::line(out, &text)
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(0)
}

/// A client secret: the administrator signs in, then the secret is replaced.
async fn replace_secret(
    service: &ConnectionService,
    identity: &IdentityClient,
    connection: &Connection,
    args: &Renew,
    out: &mut impl std::io::Write,
) -> Result<u8, Error> {
    let cancel = CancellationToken::new();
    let admin =
        admin_sign_in(service, identity, &connection.cloud, &connection.tenant_id, &args.sign_in, &cancel).await?;
    let renewer = Renewer::new(identity, service, RegistrationConfig::default());
    let done = renewer.replace_secret(&admin, connection.id, args.days, &|line| eprintln!("{line}"), &cancel).await?;
    let written = if args.json {
        output::json(out, &done)
    } else {
        let mut text = format!(
            "Replaced the client secret of \"{}\": the new one is valid until {}.",
            connection.name,
            done.expires_at.format("%Y-%m-%d")
        );
        if let Some(note) = &done.policy_note {
            text.push_str(&format!(" ({note})"));
        }
        if let Some(warning) = &done.warning {
            text.push_str(&format!("\nwarning: {warning}"));
        }
        output::line(out, &text)
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(0)
}
