//! `mailferry mailboxes list`: the mailboxes of a connection's tenant, streamed as they are read.

use std::io::Write;

use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::mailboxes::{discover, DiscoveryPage, Mailbox};
use mailferry_core::Error;

fn line(mailbox: &Mailbox, exchange: bool) -> serde_json::Value {
    serde_json::json!({
        "id": mailbox.id,
        "displayName": mailbox.display_name,
        "userPrincipalName": mailbox.user_principal_name,
        "mail": mailbox.mail,
        "exchangeOnline": exchange,
    })
}

/// Writes each page as it arrives: NDJSON with `--json` (one object per user, mailboxes and
/// users without Exchange Online alike, told apart by `exchangeOnline`), else a table of the
/// mailboxes. Totals go to stderr.
pub(crate) async fn list(
    service: &ConnectionService,
    reference: &str,
    json: bool,
    out: &mut impl Write,
) -> Result<u8, Error> {
    let connection = service.find(reference).await?;
    let identity = IdentityClient::configured(service).await?;
    let cancel = CancellationToken::new();
    let interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    let write_error = |source| Error::Io { context: "Could not write the output".into(), source };
    let mut write_page = |page: DiscoveryPage| -> Result<(), Error> {
        if json {
            for (mailbox, exchange) in
                page.mailboxes.iter().map(|m| (m, true)).chain(page.without_exchange.iter().map(|m| (m, false)))
            {
                writeln!(out, "{}", line(mailbox, exchange)).map_err(write_error)?;
            }
        } else {
            for mailbox in &page.mailboxes {
                writeln!(out, "{}\t{}", mailbox.user_principal_name, mailbox.display_name).map_err(write_error)?;
            }
        }
        out.flush().map_err(write_error)?;
        eprint!("\r{} users read, {} mailboxes", page.totals.users_read, page.totals.mailboxes);
        Ok(())
    };
    let totals = discover(&identity, service, &connection, &mut write_page, &cancel).await?;
    eprintln!(
        "\r{} users read in {} pages: {} mailboxes, {} users with a mail address but no Exchange Online mailbox (they cannot be migrated).",
        totals.users_read, totals.pages, totals.mailboxes, totals.without_exchange
    );
    Ok(0)
}
