//! `mailferry jobs`: create, list, show and delete migration job drafts.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mailferry_core::connections::ConnectionService;
use mailferry_core::http::CancellationToken;
use mailferry_core::identity::IdentityClient;
use mailferry_core::jobs::{Job, JobDraft, JobService, MailboxChoice};
use mailferry_core::mailboxes::discover;
use mailferry_core::Error;

use crate::output;

#[derive(Subcommand)]
pub(crate) enum JobsCommand {
    /// Create a job draft: its source mailboxes are read from the source tenant.
    Create {
        #[arg(long)]
        name: String,
        /// The source connection (id or name).
        #[arg(long)]
        source: String,
        /// The target connection (id or name).
        #[arg(long)]
        target: String,
        /// Every mailbox of the source tenant.
        #[arg(long, conflicts_with = "mailboxes", required_unless_present = "mailboxes")]
        all: bool,
        /// A file with one mailbox address (user principal name or mail) per line.
        #[arg(long, value_name = "FILE")]
        mailboxes: Option<PathBuf>,
    },
    /// List the jobs.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a job with its mailboxes.
    Show { job: String },
    /// Delete a job draft.
    Delete {
        job: String,
        #[arg(long)]
        yes: bool,
    },
}

fn write_error(source: std::io::Error) -> Error {
    Error::Io { context: "Could not write the output".into(), source }
}

pub(crate) async fn run(
    connections: &ConnectionService,
    command: JobsCommand,
    out: &mut impl Write,
) -> Result<u8, Error> {
    let jobs = JobService::new(connections.store().clone());
    match command {
        // clap requires --all or --mailboxes: without a file, every mailbox is taken.
        JobsCommand::Create { name, source, target, all: _, mailboxes } => {
            let source = connections.find(&source).await?;
            let target = connections.find(&target).await?;
            let mut choice = match &mailboxes {
                None => MailboxChoice::all(),
                Some(path) => {
                    let text = tokio::fs::read_to_string(path).await.map_err(|source| Error::Io {
                        context: format!("Could not read {}", path.display()),
                        source,
                    })?;
                    MailboxChoice::named(text.lines())
                }
            };
            let identity = IdentityClient::configured(connections).await?;
            discover(
                &identity,
                connections,
                &source,
                |page| {
                    page.mailboxes.into_iter().for_each(|mailbox| choice.offer(mailbox));
                    Ok(())
                },
                &CancellationToken::new(),
            )
            .await?;
            let found = choice.finish()?;
            let job = jobs
                .save(JobDraft {
                    id: None,
                    name,
                    source_connection_id: Some(source.id),
                    target_connection_id: Some(target.id),
                    mailboxes: found,
                })
                .await?;
            writeln!(out, "Created job \"{}\" ({}) with {} mailboxes.", job.name, job.id, job.mailbox_count)
                .map_err(write_error)?;
        }
        JobsCommand::List { json } => {
            let list = jobs.list().await?;
            if json {
                output::json(out, &list).map_err(write_error)?;
            } else if list.is_empty() {
                writeln!(out, "No jobs.").map_err(write_error)?;
            } else {
                for job in list {
                    writeln!(out, "{}  {}  {} mailboxes  {}", job.id, job.name, job.mailbox_count, state(&job))
                        .map_err(write_error)?;
                }
            }
        }
        JobsCommand::Show { job } => {
            let job = jobs.find(&job).await?;
            output::json(out, &job).map_err(write_error)?;
        }
        JobsCommand::Delete { job, yes } => {
            let job = jobs.find(&job).await?;
            if !yes {
                return Err(Error::NotConfirmed { what: format!("job \"{}\"", job.name), deletes: "the job draft" });
            }
            jobs.delete(job.id).await?;
            writeln!(out, "Deleted job \"{}\" ({}).", job.name, job.id).map_err(write_error)?;
        }
    }
    Ok(0)
}

fn state(_job: &Job) -> &'static str {
    "draft"
}
