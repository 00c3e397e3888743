//! `mailferry connections renew`: a connection's certificate renewed by its own application,
//! with no administrator (a new certificate added, proven, switched to, the old one removed).
//! Progress on stderr; the finished renewal on stdout (JSON with --json).

use mailferry_core::connections::ConnectionService;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::registration::StepState;
use mailferry_core::renewal::{renew, RenewalEvent};
use mailferry_core::Error;

use crate::output;

#[derive(clap::Args)]
pub(crate) struct Renew {
    connection: String,
    /// The application's Object ID (the app registration's Overview page), when Mailferry did
    /// not register it and may not read it.
    #[arg(long, value_name = "GUID")]
    object_id: Option<String>,
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
