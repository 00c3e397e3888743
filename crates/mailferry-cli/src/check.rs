//! `connections add-manual` and `check`: define a manually registered connection and verify
//! it against Microsoft, as the wizard's Application details and Configuration steps do.

use std::io::{BufRead, Write};

use clap::{Args, ValueEnum};
use mailferry_core::checks::{CheckEvent, CheckService};
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::CheckTarget;
use mailferry_core::connections::ConnectionService;
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::{CheckOutcome, CredentialChoice, DraftFields, Role};
use mailferry_core::permissions::PermissionProfile;
use mailferry_core::Error;
use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::{output, RoleArg};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum CloudArg {
    Global,
    GccHigh,
    Dod,
    China,
    Custom,
}

/// `--permissions`: the permission profile, as the wizard's Permissions choice.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum PermissionsArg {
    /// Microsoft Graph's mailbox import and export API (Global cloud only).
    FullFidelity,
    /// Messages, events, contacts and mailbox settings item by item (every cloud).
    ItemLevel,
}

impl PermissionsArg {
    /// The chosen profile, or the cloud's default when none was given.
    pub(crate) fn or_default(arg: Option<PermissionsArg>, cloud: &Cloud) -> PermissionProfile {
        match arg {
            Some(PermissionsArg::FullFidelity) => PermissionProfile::FullFidelity,
            Some(PermissionsArg::ItemLevel) => PermissionProfile::ItemLevel,
            None => PermissionProfile::default_for(cloud),
        }
    }
}

#[derive(Args)]
pub(crate) struct AddManual {
    #[arg(long)]
    role: RoleArg,
    /// Defaults to the tenant.
    #[arg(long, default_value = "")]
    name: String,
    /// Directory (tenant) ID, or a verified domain of the tenant.
    #[arg(long)]
    tenant: String,
    /// Application (client) ID.
    #[arg(long)]
    client_id: String,
    /// The dedicated application mailbox.
    #[arg(long)]
    mailbox: String,
    /// Read the client secret's Value from standard input (first line).
    #[arg(long, conflicts_with = "thumbprint", required_unless_present = "thumbprint")]
    secret_stdin: bool,
    /// When the client secret expires (its Expires date beside it in the Entra admin center),
    /// for the expiry warnings when the application may not read it from Graph.
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "thumbprint")]
    secret_expires: Option<chrono::NaiveDate>,
    /// SHA-1 (or SHA-256) thumbprint of a certificate imported with `mailferry cert import`.
    #[arg(long)]
    thumbprint: Option<String>,
    #[command(flatten)]
    cloud: CloudArgs,
    /// The permission profile (default: full-fidelity in the Global cloud, else item-level).
    #[arg(long)]
    permissions: Option<PermissionsArg>,
    /// Limit mailbox access to the members of this mail-enabled security group (its email
    /// address or object ID): the mailbox permissions are then granted in Exchange Online.
    #[arg(long, value_name = "GROUP")]
    scope_group: Option<String>,
    /// Run the configuration checks once saved.
    #[arg(long)]
    check: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct CloudArgs {
    /// Microsoft cloud (default: custom when MAILFERRY_CLOUD_LOGIN_URL and _GRAPH_URL are set, else global).
    #[arg(long)]
    cloud: Option<CloudArg>,
    /// Login URL of a custom cloud.
    #[arg(long, env = mailferry_core::cloud::LOGIN_URL_VAR, value_name = "URL")]
    login_url: Option<String>,
    /// Graph URL of a custom cloud.
    #[arg(long, env = mailferry_core::cloud::GRAPH_URL_VAR, value_name = "URL")]
    graph_url: Option<String>,
}

impl CloudArgs {
    pub(crate) fn cloud(self) -> Result<Cloud, Error> {
        let name = match self.cloud {
            None if self.login_url.is_some() || self.graph_url.is_some() => "custom",
            None | Some(CloudArg::Global) => "global",
            Some(CloudArg::GccHigh) => "gcc-high",
            Some(CloudArg::Dod) => "dod",
            Some(CloudArg::China) => "china",
            Some(CloudArg::Custom) => "custom",
        };
        Cloud::from_cli(name, self.login_url, self.graph_url).map_err(Error::CustomCloud)
    }
}

/// Exit codes of a check: all passed, warnings, a check failed.
pub(crate) fn exit_code(outcome: CheckOutcome) -> u8 {
    match outcome {
        CheckOutcome::Passed => 0,
        CheckOutcome::Warnings => 1,
        CheckOutcome::Failed => 2,
    }
}

fn read_secret() -> Result<SecretString, Error> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(|source| Error::Io {
        context: "Could not read the client secret from standard input".into(),
        source,
    })?;
    Ok(SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned()))
}

pub(crate) async fn add_manual(
    service: &ConnectionService,
    args: AddManual,
    out: &mut impl Write,
) -> Result<u8, Error> {
    let (credential, secret) = match args.thumbprint {
        Some(thumbprint) => (CredentialChoice::Certificate { thumbprint }, None),
        None => (CredentialChoice::Secret { expires_on: args.secret_expires }, Some(read_secret()?)),
    };
    let cloud = args.cloud.cloud()?;
    let fields = DraftFields {
        name: args.name,
        permission_profile: PermissionsArg::or_default(args.permissions, &cloud),
        scope_group: args.scope_group,
        cloud,
        tenant: args.tenant,
        client_id: args.client_id,
        application_mailbox: args.mailbox,
        credential,
    };
    let id = service.add_connection(Role::from(args.role), fields, secret).await?.id;
    if args.check {
        return check(service, &id.to_string(), args.json, out).await;
    }
    let saved = service.get(id).await?;
    let written = if args.json { output::json(out, &saved) } else { output::details(out, &saved) };
    written.map_err(write_error)?;
    Ok(0)
}

pub(crate) async fn check(
    service: &ConnectionService,
    reference: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Error> {
    let connection = service.find(reference).await?;
    let checks = CheckService::new(IdentityClient::configured(service).await?);
    // Progress goes to standard error, so standard output stays the report alone.
    let progress = |event: CheckEvent| {
        if let CheckEvent::Finished { result } = event {
            if !json {
                eprintln!("{} {}", output::marker(result.status), result.title);
            }
        }
    };
    let run = checks.check(service, CheckTarget::Saved(connection.id), &progress).await?;
    let written = if json { output::json(out, &run.report) } else { output::report(out, &run.connection, &run.report) };
    written.map_err(write_error)?;
    Ok(exit_code(run.report.outcome))
}

fn write_error(source: std::io::Error) -> Error {
    Error::Io { context: "Could not write the output".into(), source }
}
