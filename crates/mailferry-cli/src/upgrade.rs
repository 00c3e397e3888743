//! `mailferry connections upgrade-permissions`: moves a connection to another permission
//! profile. Without `--yes` it prints what would be granted and revoked and changes nothing;
//! with it, the administrator signs in as for `register` and the upgrade runs. Progress on
//! stderr; the result on stdout (JSON with --json).

use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::permission_upgrade::{preview, PermissionUpgrader, UpgradePreview};
use mailferry_core::registration::RegistrationConfig;
use mailferry_core::Error;

use crate::check::PermissionsArg;
use crate::output;
use crate::register::{admin_sign_in, AdminSignIn};

#[derive(clap::Args)]
pub(crate) struct UpgradePermissions {
    connection: String,
    /// The profile to move to.
    #[arg(long)]
    to: PermissionsArg,
    /// Carry it out; without it only the preview is printed.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    sign_in: AdminSignIn,
    #[arg(long)]
    json: bool,
}

fn preview_text(name: &str, plan: &UpgradePreview) -> String {
    let names = |set: &[mailferry_core::permissions::Permission]| {
        if set.is_empty() {
            "none".to_owned()
        } else {
            set.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    format!(
        "\"{name}\" from {} to {}:\n  grant:  {}\n  revoke: {}\n  keep:   {}",
        plan.from.display_name(),
        plan.to.display_name(),
        names(&plan.add),
        names(&plan.remove),
        names(&plan.keep)
    )
}

pub(crate) async fn run(
    service: &ConnectionService,
    args: UpgradePermissions,
    out: &mut impl std::io::Write,
) -> Result<u8, Error> {
    let connection = service.find(&args.connection).await?;
    let to = PermissionsArg::or_default(Some(args.to), &connection.cloud);
    let plan = preview(&connection, to)?;
    let write = |out: &mut dyn std::io::Write, text: &str| {
        writeln!(out, "{text}").map_err(|source| Error::Io { context: "Could not write the output".into(), source })
    };
    if !args.yes {
        let text = if args.json {
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        } else {
            format!(
                "{}\nNothing was changed: run again with --yes to upgrade (an administrator signs in).",
                preview_text(&connection.name, &plan)
            )
        };
        write(out, &text)?;
        return Ok(0);
    }
    eprintln!("{}", preview_text(&connection.name, &plan));
    let identity = IdentityClient::configured(service).await?;
    let cancel = CancellationToken::new();
    let admin =
        admin_sign_in(service, &identity, &connection.cloud, &connection.tenant_id, &args.sign_in, &cancel).await?;
    let upgrader =
        PermissionUpgrader { identity: &identity, connections: service, config: RegistrationConfig::default() };
    let progress = |line: String| eprintln!("{line}");
    let upgraded = upgrader.upgrade(&admin, connection.id, to, &progress, &cancel).await?;
    let written = if args.json {
        output::json(out, &upgraded)
    } else {
        output::line(out, &format!("\"{}\" now has the {} permissions.", upgraded.name, to.display_name()))
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(0)
}
