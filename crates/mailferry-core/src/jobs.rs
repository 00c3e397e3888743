//! Migration jobs (drafts for now): a name, the source connection and its chosen mailboxes,
//! and the target connection. The rules live here; the rows are `store::JobRepo`'s. A
//! connection a job uses cannot be deleted.

use uuid::Uuid;

use crate::mailboxes::Mailbox;
use crate::model::Role;
pub use crate::model::{Job, JobDraft, JobMailbox, JobState};
use crate::store::Store;
use crate::validate::{Field, FieldIssue};
use crate::{Error, Result};

pub const MAX_NAME: usize = 100;

pub struct JobService {
    store: Store,
}

impl JobService {
    pub fn new(store: Store) -> Self {
        JobService { store }
    }

    /// Every job, newest first, without their mailbox lists.
    pub async fn list(&self) -> Result<Vec<Job>> {
        self.store.jobs().list().await
    }

    pub async fn get(&self, id: Uuid) -> Result<Job> {
        self.store.jobs().get(id).await?.ok_or_else(|| Error::NotFound { what: "Job", id: id.to_string() })
    }

    /// A job by id, id prefix (4 characters or more) or name.
    pub async fn find(&self, reference: &str) -> Result<Job> {
        let reference = reference.trim();
        if let Ok(id) = Uuid::parse_str(reference) {
            return self.get(id).await;
        }
        let all = self.list().await?;
        let lower = reference.to_ascii_lowercase();
        let found: Vec<&Job> = all
            .iter()
            .filter(|j| {
                j.name.eq_ignore_ascii_case(reference) || (reference.len() >= 4 && j.id.to_string().starts_with(&lower))
            })
            .collect();
        match found.as_slice() {
            [one] => self.get(one.id).await,
            [] => Err(Error::NotFound { what: "Job", id: format!("\"{reference}\"") }),
            _ => Err(Error::Ambiguous {
                reference: reference.to_owned(),
                what: "jobs",
                candidates: found.iter().map(|j| format!("{} ({})", j.id, j.name)).collect(),
            }),
        }
    }

    /// Validates and saves a draft (new or edited) in one transaction.
    pub async fn save(&self, draft: JobDraft) -> Result<Job> {
        let name = draft.name.trim().to_owned();
        let mut issues = Vec::new();
        if name.is_empty() {
            issues.push(issue("Job name: enter a name for the job.", "For example: Contoso to Fabrikam, wave 1."));
        } else if name.chars().count() > MAX_NAME {
            issues.push(issue(&format!("Job name: at most {MAX_NAME} characters."), "Shorten the name."));
        }
        if self.store.jobs().name_taken(&name, draft.id).await? {
            issues.push(issue(
                &format!("Job name: a job named \"{name}\" already exists."),
                "Give this job another name.",
            ));
        }
        for (id, role) in [(draft.source_connection_id, Role::Source), (draft.target_connection_id, Role::Target)] {
            if let Some(id) = id {
                let connection = self.store.connections().get(id).await?;
                match connection {
                    Some(c) if c.role == role => {}
                    Some(c) => issues.push(issue(
                        &format!("\"{}\" is a {} connection, not a {} one.", c.name, c.role.as_str(), role.as_str()),
                        "Choose a connection of the right side.",
                    )),
                    None => issues.push(issue(
                        &format!("The {} connection {id} does not exist.", role.as_str()),
                        "Choose a defined connection, or add one.",
                    )),
                }
            }
        }
        if !issues.is_empty() {
            return Err(Error::InvalidDraft(issues));
        }
        let id = draft.id.unwrap_or_else(Uuid::new_v4);
        self.store.jobs().save(id, &name, &draft, crate::model::now()).await?;
        self.get(id).await
    }

    pub async fn rename(&self, id: Uuid, name: &str) -> Result<Job> {
        let job = self.get(id).await?;
        self.save(JobDraft {
            id: Some(id),
            name: name.into(),
            source_connection_id: job.source_connection_id,
            target_connection_id: job.target_connection_id,
            mailboxes: job.mailboxes,
        })
        .await
    }

    pub async fn delete(&self, id: Uuid) -> Result<Job> {
        let job = self.get(id).await?;
        self.store.jobs().delete(id).await?;
        Ok(job)
    }
}

impl From<Mailbox> for JobMailbox {
    /// A discovered mailbox as a job keeps it: by id, with its user principal name as address.
    fn from(mailbox: Mailbox) -> JobMailbox {
        JobMailbox { id: mailbox.id, address: mailbox.user_principal_name, display_name: mailbox.display_name }
    }
}

/// Which discovered mailboxes go into a job: all of them, or those a list of addresses names
/// (by user principal name or mail, without regard to case). Mailboxes are offered page by
/// page as discovery finds them; `finish` says which addresses named none.
pub struct MailboxChoice {
    wanted: Option<Vec<String>>,
    named: std::collections::HashSet<String>,
    chosen: Vec<JobMailbox>,
}

impl MailboxChoice {
    pub fn all() -> Self {
        MailboxChoice { wanted: None, named: Default::default(), chosen: Vec::new() }
    }

    /// The mailboxes these addresses name (blank ones are ignored).
    pub fn named<'a>(addresses: impl IntoIterator<Item = &'a str>) -> Self {
        let wanted = addresses.into_iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect();
        MailboxChoice { wanted: Some(wanted), named: Default::default(), chosen: Vec::new() }
    }

    pub fn offer(&mut self, mailbox: Mailbox) {
        let Some(wanted) = &self.wanted else {
            self.chosen.push(mailbox.into());
            return;
        };
        let upn = mailbox.user_principal_name.to_lowercase();
        let mail = mailbox.mail.as_deref().map(str::to_lowercase);
        let hits: Vec<&String> = wanted.iter().filter(|a| **a == upn || mail.as_ref() == Some(*a)).collect();
        if hits.is_empty() {
            return;
        }
        self.named.extend(hits.into_iter().cloned());
        self.chosen.push(mailbox.into());
    }

    /// The chosen mailboxes, or the addresses that named no mailbox of the tenant.
    pub fn finish(self) -> Result<Vec<JobMailbox>> {
        let missing: Vec<String> = self.wanted.iter().flatten().filter(|a| !self.named.contains(*a)).cloned().collect();
        if !missing.is_empty() {
            return Err(Error::NotMailboxes { addresses: missing });
        }
        Ok(self.chosen)
    }
}

fn issue(message: &str, hint: &str) -> FieldIssue {
    FieldIssue { field: Field::Name, message: message.into(), hint: hint.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(upn: &str, mail: Option<&str>) -> Mailbox {
        Mailbox {
            id: upn.into(),
            display_name: upn.into(),
            user_principal_name: upn.into(),
            mail: mail.map(Into::into),
        }
    }

    #[test]
    fn a_mailbox_named_by_its_mail_address_is_chosen_and_not_reported_missing() {
        let mut choice = MailboxChoice::named(["Adele@Contoso.com", " ", "lee@contoso.onmicrosoft.com"]);
        choice.offer(mailbox("adele@contoso.onmicrosoft.com", Some("adele@contoso.com")));
        choice.offer(mailbox("lee@contoso.onmicrosoft.com", None));
        choice.offer(mailbox("other@contoso.onmicrosoft.com", None));
        let chosen = choice.finish().unwrap_or_default();
        assert_eq!(
            chosen.iter().map(|m| m.address.as_str()).collect::<Vec<_>>(),
            ["adele@contoso.onmicrosoft.com", "lee@contoso.onmicrosoft.com"]
        );
    }

    #[test]
    fn an_address_of_no_mailbox_is_named_in_the_error() {
        let mut choice = MailboxChoice::named(["nobody@contoso.com"]);
        choice.offer(mailbox("adele@contoso.onmicrosoft.com", None));
        let error = choice.finish().unwrap_err();
        assert!(error.to_string().contains("nobody@contoso.com"), "{error}");
    }

    #[test]
    fn all_takes_every_mailbox_offered() {
        let mut choice = MailboxChoice::all();
        choice.offer(mailbox("a@x", None));
        choice.offer(mailbox("b@x", None));
        assert_eq!(choice.finish().unwrap_or_default().len(), 2);
    }
}
