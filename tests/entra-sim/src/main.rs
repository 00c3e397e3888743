//! `entra-sim --port 0 --tenant-file FILE` prints its base URL and serves until stopped.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use entra_sim::faults::{FaultRule, Faults};
use entra_sim::{Seed, SimHandle};

#[derive(Parser)]
#[command(
    name = "entra-sim",
    about = "A local emulator of the Microsoft identity platform and Microsoft Graph, for tests and demos"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tenants to serve (JSON; see README.md).
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    tenant_file: Option<PathBuf>,
    /// Serve the demo cloud: Contoso (source) and Fabrikam (target); the sign-in page lists the accounts.
    #[arg(long)]
    demo: bool,
    /// Sign this user in and consent at once, without showing the sign-in page.
    #[arg(long, value_name = "UPN")]
    auto_approve: Option<String>,
    /// Serve HTTPS with a certificate made now, and write the authority to trust (PEM) here.
    #[arg(long, value_name = "FILE")]
    tls_ca_out: Option<PathBuf>,
    /// Latency added to every request.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let seed = match (&args.tenant_file, args.demo) {
        (Some(path), _) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Seed>(&text).map_err(|e| e.to_string()))
        {
            Ok(seed) => seed,
            Err(error) => {
                eprintln!("entra-sim: cannot read the tenant file {}: {error}", path.display());
                return ExitCode::from(2);
            }
        },
        (None, true) => entra_sim::demo::seed(),
        (None, false) => {
            eprintln!("entra-sim: give --tenant-file FILE or --demo");
            return ExitCode::from(2);
        }
    };
    let started = match &args.tls_ca_out {
        None => SimHandle::start(seed, args.port).await,
        Some(path) => match entra_sim::tls::TlsIdentity::generate() {
            Err(error) => Err(error),
            Ok(tls) => match std::fs::write(path, &tls.ca_pem) {
                Err(error) => Err(format!("cannot write {}: {error}", path.display())),
                Ok(()) => SimHandle::start_tls(seed, args.port, &tls).await,
            },
        },
    };
    let handle = match started {
        Ok(handle) => handle,
        Err(error) => {
            eprintln!("entra-sim: {error}");
            return ExitCode::from(1);
        }
    };
    {
        let mut world = handle.sim.world();
        world.auto_approve = args.auto_approve;
        if args.latency_ms > 0 {
            world.faults = Faults {
                rules: vec![FaultRule { latency_ms: args.latency_ms, ..FaultRule::default() }],
                ..Faults::default()
            };
        }
    }
    println!("{}", handle.base_url);
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}
