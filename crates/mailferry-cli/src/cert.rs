//! `mailferry cert ...`

use std::io::{BufRead, Write};

use mailferry_core::certs::{generate, import_file, CertificateInfo};
use mailferry_core::connections::ConnectionService;
use mailferry_core::Error;

use crate::output;
use crate::CertCommand;

pub async fn run(
    service: &ConnectionService,
    command: CertCommand,
    out: &mut impl Write,
) -> Result<std::io::Result<()>, Error> {
    let store = service.certificates();
    Ok(match command {
        CertCommand::Generate { role, json } => {
            let generated = tokio::task::spawn_blocking(move || generate(role.into()))
                .await
                .map_err(|e| Error::Internal(e.to_string()))??;
            let info = store.put(&generated).await?;
            show(out, &info, json, &[])
        }
        CertCommand::Import { file, key, password_stdin, json } => {
            let password = if password_stdin { Some(read_password()?) } else { None };
            let imported = import_file(&file, key.as_deref(), password.as_deref())?;
            let info = store.put(&imported.certificate).await?;
            show(out, &info, json, &imported.warnings)
        }
        CertCommand::List { json } => {
            let list = store.list().await?;
            if json {
                output::json(out, &list)
            } else if list.is_empty() {
                output::line(out, "No certificates.")
            } else {
                list.iter().try_for_each(|i| {
                    writeln!(
                        out,
                        "{}  {}  expires {}  {} {}",
                        i.sha1_thumbprint,
                        i.subject,
                        i.not_after.date_naive(),
                        i.key_algorithm,
                        i.key_bits
                    )
                })
            }
        }
        CertCommand::Show { thumbprint, pem, json } => {
            let info = store.get(&thumbprint).await?;
            if pem {
                let certificate = store.load(&info.sha1_thumbprint).await?;
                output::line(out, pem::encode(&pem::Pem::new("CERTIFICATE", certificate.der.clone())).trim_end())
            } else {
                show(out, &info, json, &[])
            }
        }
        CertCommand::Delete { thumbprint, yes } => {
            let info = store.get(&thumbprint).await?;
            if !yes {
                return Err(Error::NotConfirmed {
                    what: format!("certificate {} ({})", info.sha1_thumbprint, info.subject),
                    deletes: "the certificate and its private key",
                });
            }
            let deleted = service.delete_certificate(&thumbprint).await?;
            output::line(out, &format!("Deleted certificate {} ({}).", deleted.sha1_thumbprint, deleted.subject))
        }
    })
}

pub(crate) fn read_password() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| Error::Io { context: "Could not read the password from standard input".into(), source })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn show(out: &mut impl Write, info: &CertificateInfo, json: bool, warnings: &[String]) -> std::io::Result<()> {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    if json {
        return output::json(out, info);
    }
    let fields = [
        ("Subject", info.subject.clone()),
        ("Issuer", info.issuer.clone()),
        ("Serial", info.serial.clone()),
        ("Valid from", info.not_before.to_rfc3339()),
        ("Valid to", info.not_after.to_rfc3339()),
        ("Key", format!("{} {} bits", info.key_algorithm, info.key_bits)),
        ("Thumbprint (SHA-1)", info.sha1_thumbprint.clone()),
        ("Thumbprint (SHA-256)", info.sha256_thumbprint.clone()),
    ];
    for (label, value) in fields {
        writeln!(out, "{:<22}{value}", format!("{label}:"))?;
    }
    Ok(())
}
