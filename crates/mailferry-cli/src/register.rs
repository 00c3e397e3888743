//! `mailferry register`: automatic registration from the command line. The admin signs in in
//! the system browser (or the command named by MAILFERRY_BROWSER); progress goes to stderr,
//! the connection and its check report to stdout.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use mailferry_core::checks::CheckService;
use mailferry_core::cloud::Cloud;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::device_code::{device_code_sign_in, DeviceCodePrompt};
use mailferry_core::identity::signin::AdminToken;
use mailferry_core::identity::signin::{
    registration_scopes, sign_in, sign_in_client_id_with, SignIn, SystemBrowser, SIGN_IN_CLIENT_SETTING,
};
use mailferry_core::identity::IdentityClient;
use mailferry_core::model::Role;
use mailferry_core::registration::{Registrar, RegistrationConfig, RegistrationEvent, RegistrationRequest, StepState};
use mailferry_core::Error;
use uuid::Uuid;

use crate::check::{exit_code, CloudArgs};
use crate::{output, RoleArg};

#[derive(Args)]
pub(crate) struct Register {
    #[arg(long)]
    role: RoleArg,
    /// The tenant to sign in to: a verified domain or the directory (tenant) ID.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    cloud: CloudArgs,
    /// The permission profile (default: full-fidelity in the Global cloud, else item-level).
    #[arg(long)]
    permissions: Option<crate::check::PermissionsArg>,
    /// Limit mailbox access to the members of this mail-enabled security group (its email
    /// address or object ID): only directory permissions are granted in Entra ID, and the
    /// Exchange Online PowerShell that grants the rest on the group is printed.
    #[arg(long, value_name = "GROUP")]
    scope_group: Option<String>,
    /// The connection's name (default: the admin's domain).
    #[arg(long)]
    name: Option<String>,
    /// The dedicated application mailbox (default: the admin who signs in).
    #[arg(long)]
    mailbox: Option<String>,
    /// Upload the new certificate to this earlier Mailferry application (its application ID)
    /// instead of registering another one.
    #[arg(long, value_name = "APP_ID", conflicts_with = "new")]
    reuse: Option<String>,
    /// Register a new application even if earlier Mailferry registrations exist.
    #[arg(long)]
    new: bool,
    /// Reuse the application even though it holds certificates or secrets Mailferry did not
    /// create; they stay on it, and whoever holds them can read every mailbox.
    #[arg(long)]
    trust_existing_credentials: bool,
    /// Resume an unfinished registration from its last completed step.
    #[arg(long, value_name = "ID", conflicts_with = "roll_back")]
    resume: Option<Uuid>,
    /// Delete what an unfinished registration created in Entra ID and here.
    #[arg(long, value_name = "ID")]
    roll_back: Option<Uuid>,
    #[command(flatten)]
    sign_in: AdminSignIn,
    #[arg(long)]
    json: bool,
}

/// How the administrator signs in: in the system browser, or with a code on another device
/// (the options of every command that signs one in).
#[derive(clap::Args, Clone, Copy)]
pub(crate) struct AdminSignIn {
    /// Sign in with a code on any device instead of a browser on this computer.
    #[arg(long)]
    pub device_code: bool,
    /// Minutes the sign-in in the browser may take.
    #[arg(long = "sign-in-minutes", default_value_t = 5)]
    pub minutes: u64,
}

/// The administrator signed in to `tenant`, with the sign-in client set in Settings.
pub(crate) async fn admin_sign_in(
    service: &ConnectionService,
    identity: &IdentityClient,
    cloud: &Cloud,
    tenant: &str,
    how: &AdminSignIn,
    cancel: &CancellationToken,
) -> Result<AdminToken, Error> {
    let setting = service.store().settings().get(SIGN_IN_CLIENT_SETTING).await?;
    let client_id = sign_in_client_id_with(setting.as_deref());
    let admin = if how.device_code {
        let scopes = registration_scopes(cloud);
        let show = |prompt: DeviceCodePrompt| {
            eprintln!(
                "On any device, open {} and enter the code {}; sign in as a Global Administrator or Privileged Role Administrator.",
                prompt.verification_uri, prompt.user_code
            );
        };
        device_code_sign_in(&identity.http, cloud, tenant, &client_id, &scopes, &show, cancel).await?
    } else {
        eprintln!("Sign in as a Global Administrator or Privileged Role Administrator in the browser that opens.");
        let request = SignIn {
            cloud,
            tenant,
            client_id: &client_id,
            scopes: registration_scopes(cloud),
            timeout: Duration::from_secs(how.minutes.max(1) * 60),
        };
        sign_in(&identity.http, &request, &SystemBrowser, cancel).await?
    };
    eprintln!("[done] Signed in as {}", admin.claims.user());
    Ok(admin)
}

fn progress(event: RegistrationEvent) {
    let mark = match event.state {
        StepState::Started => "[....]",
        StepState::Waiting => "[wait]",
        StepState::Done => "[done]",
        StepState::Skipped => "[done]",
    };
    let detail = if event.detail.is_empty() { String::new() } else { format!(" ({})", event.detail) };
    let again = if event.state == StepState::Skipped { " (by an earlier attempt)" } else { "" };
    eprintln!("{mark} {}{again}{detail}", event.step.title());
}

pub(crate) async fn run(service: &ConnectionService, args: Register, out: &mut impl Write) -> Result<u8, Error> {
    let identity = IdentityClient::configured(service).await?;
    let registrar = Registrar::new(&identity, service, RegistrationConfig::default());
    let cloud = args.cloud.cloud()?;
    let cancel = CancellationToken::new();
    let cancel_on_interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel_on_interrupt.cancel();
        }
    });

    if args.resume.is_none() && args.roll_back.is_none() {
        let unfinished = registrar.unfinished().await?;
        if let Some(earlier) = unfinished.iter().find(|r| r.role == Role::from(args.role)) {
            return Err(Error::UnfinishedRegistration {
                id: earlier.id,
                role: earlier.role,
                tenant_id: earlier.tenant_id.clone(),
                started: earlier.started_at.format("%Y-%m-%d %H:%M").to_string(),
                admin: earlier.admin.clone(),
            });
        }
    }

    let how = args.sign_in;
    let admin = admin_sign_in(service, &identity, &cloud, &args.tenant, &how, &cancel).await?;

    if let Some(id) = args.roll_back {
        let rolled_back = registrar.roll_back(id, &admin, &cancel).await?;
        eprintln!("Rolled back: nothing of registration {} is left in Entra ID or here.", rolled_back.id);
        return Ok(0);
    }
    let id = match args.resume {
        Some(id) => id,
        None => {
            if args.reuse.is_none() && !args.new {
                let earlier = registrar.earlier_registrations(&admin, &cloud, Role::from(args.role), &cancel).await?;
                if !earlier.is_empty() {
                    let list: Vec<String> = earlier
                        .iter()
                        .map(|e| {
                            let held = if e.held_certificate.is_some() {
                                ""
                            } else {
                                ", its certificates are kept beside the new one"
                            };
                            let created =
                                e.created_at.map(|t| t.format(" created %Y-%m-%d").to_string()).unwrap_or_default();
                            let foreign = e.credentials.iter().filter(|c| !c.mailferry).count();
                            let foreign = if foreign > 0 {
                                format!(", {foreign} credential(s) Mailferry did not create")
                            } else {
                                String::new()
                            };
                            format!("{}{created}{held}{foreign}", e.app_id)
                        })
                        .collect();
                    return Err(Error::EarlierRegistrations { earlier: list });
                }
            }
            let trusted_key_ids = match &args.reuse {
                Some(app_id) => {
                    let role = Role::from(args.role);
                    trusted_credentials(
                        &registrar,
                        &admin,
                        &cloud,
                        role,
                        app_id,
                        args.trust_existing_credentials,
                        &cancel,
                    )
                    .await?
                }
                None => Vec::new(),
            };
            let request = RegistrationRequest {
                role: Role::from(args.role),
                cloud: cloud.clone(),
                permission_profile: Some(crate::check::PermissionsArg::or_default(args.permissions, &cloud)),
                scope_group: args.scope_group,
                connection_name: args.name,
                application_mailbox: args.mailbox,
                reuse_app_id: args.reuse,
                trusted_key_ids,
            };
            registrar.begin(&admin, request).await?.id
        }
    };
    if let (Some(id), true) = (args.resume, args.trust_existing_credentials) {
        let earlier = registrar.get(id).await?;
        if let Some(app_id) = &earlier.reuse_app_id {
            let trusted = trusted_credentials(&registrar, &admin, &cloud, earlier.role, app_id, true, &cancel).await?;
            registrar.trust(id, &trusted).await?;
        }
    }
    let connection = match registrar.run(id, &admin, &progress, &cancel).await {
        Ok(connection) => connection,
        Err(error) => {
            eprintln!("The registration stopped; resume it with --resume {id}, or undo it with --roll-back {id}.");
            return Err(error);
        }
    };

    // The same client: the tenant's metadata and its connection pool are reused.
    let checks = CheckService::new(identity.clone());
    let run = checks
        .check(service, mailferry_core::connections::CheckTarget::Saved(connection.id), &|event| {
            if let mailferry_core::checks::CheckEvent::Finished { result } = event {
                eprintln!("{} {}", crate::output::marker(result.status), result.title);
            }
        })
        .await?;
    let written = if args.json {
        output::json(out, &serde_json::json!({ "connection": run.connection, "report": run.report }))
    } else {
        output::details(out, &run.connection).and_then(|()| output::report(out, &run.connection, &run.report))
    };
    written.map_err(|source| Error::Io { context: "Could not write the output".into(), source })?;
    Ok(exit_code(run.report.outcome))
}

/// The credentials of the application to reuse that Mailferry did not create: shown, then
/// refused unless the admin said to keep them, when their keyIds are returned.
async fn trusted_credentials(
    registrar: &Registrar<'_>,
    admin: &AdminToken,
    cloud: &Cloud,
    role: Role,
    app_id: &str,
    trust: bool,
    cancel: &CancellationToken,
) -> Result<Vec<String>, Error> {
    let earlier = registrar.earlier_registrations(admin, cloud, role, cancel).await?;
    let Some(app) = earlier.iter().find(|e| e.app_id.eq_ignore_ascii_case(app_id.trim())) else {
        return Ok(Vec::new());
    };
    let foreign: Vec<_> = app.credentials.iter().filter(|c| !c.mailferry).collect();
    if foreign.is_empty() {
        return Ok(Vec::new());
    }
    eprintln!("Application {} ({}) holds credentials Mailferry did not create:", app.app_id, app.display_name);
    for c in &foreign {
        let kind = c.kind.noun();
        let ends = c.ends_at.map(|t| t.format(", expires %Y-%m-%d").to_string()).unwrap_or_default();
        eprintln!(
            "  {kind} \"{}\" {}{ends} (keyId {})",
            c.display_name.as_deref().unwrap_or(""),
            c.identifier.as_deref().unwrap_or(""),
            c.key_id
        );
    }
    let owners = if app.owners.is_empty() { "none".to_owned() } else { app.owners.join(", ") };
    eprintln!("Owners: {owners}");
    eprintln!("Whoever holds one of them can read every mailbox once the permissions are granted.");
    if !trust {
        let credentials = foreign.iter().map(|c| c.key_id.clone()).collect();
        return Err(Error::UntrustedCredentials { app_id: app.app_id.clone(), credentials });
    }
    eprintln!("Keeping them, as --trust-existing-credentials says.");
    Ok(foreign.iter().map(|c| c.key_id.clone()).collect())
}
