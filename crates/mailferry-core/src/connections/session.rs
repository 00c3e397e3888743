//! The edit session: what the Manage connections window (or the job wizard's "Add new
//! connection", or the CLI) changes, held by the core until OK commits it as one unit.
//!
//! The UI sends ids and field values only. A pasted secret arrives once (`put_secret`) and
//! stays here; a check runs on the session's own copy, so what is checked is what OK saves,
//! and the session knows exactly which details a check proved instead of guessing.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::draft::{self, Details, PastedSecret};
use super::{ConnectionService, Upsert};
use crate::checks::CheckReport;
use crate::identity::AppCredential;
use crate::model::{
    Connection, Credential, DraftFields, DraftState, LastCheck, Role, RowChange, SessionRow, SessionView,
};
use crate::validate::{self, FieldIssue};
use crate::{Error, Result};

#[derive(Default)]
pub(super) struct Sessions {
    open: Mutex<HashMap<Uuid, EditSession>>,
    /// One change of a draft at a time, so answers leave in the order the changes came in and
    /// the last one always describes the draft as it is.
    changes: tokio::sync::Mutex<()>,
}

struct EditSession {
    role: Role,
    drafts: HashMap<Uuid, Draft>,
    /// New connections in the order the admin finished them, as the window lists them.
    new_order: Vec<Uuid>,
    deletes: BTreeSet<Uuid>,
}

struct Draft {
    /// The stored connection this draft edits; none for a new connection.
    saved: Option<Connection>,
    /// The copy the wizard is editing now.
    working: Option<Version>,
    /// What the wizard's Finish kept: saved with OK.
    kept: Option<Version>,
}

#[derive(Clone, Default)]
struct Version {
    fields: Option<DraftFields>,
    secret: Option<SecretString>,
    secret_issue: Option<FieldIssue>,
    /// Bumped by every pasted secret, so a check knows which secret it proved.
    secret_generation: u32,
    issues: Vec<FieldIssue>,
    connection: Option<Connection>,
    details: Option<Details>,
    /// The details that `connection`'s last check and what it learnt belong to.
    proven: Option<Details>,
    /// Bumped by every change, so a slower validation never overwrites a newer one.
    revision: u64,
}

impl Version {
    fn of_saved(saved: &Connection) -> Version {
        let details = Details::of_saved(saved);
        Version {
            connection: Some(saved.clone()),
            details: Some(details.clone()),
            proven: Some(details),
            ..Version::default()
        }
    }

    fn state(&self, draft_id: Uuid) -> DraftState {
        DraftState { draft_id, issues: self.issues.clone(), connection: self.connection.clone() }
    }
}

impl Draft {
    /// The version a check or a save uses: the wizard's copy while it is open, else what
    /// Finish kept.
    fn current(&self) -> Option<&Version> {
        self.working.as_ref().or(self.kept.as_ref())
    }

    fn current_mut(&mut self) -> Option<&mut Version> {
        self.working.as_mut().or(self.kept.as_mut())
    }
}

/// Which connection a check runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckTarget {
    /// A saved connection, as it is stored.
    Saved(Uuid),
    /// A connection in an edit session: its draft if it has one, else the saved one.
    InSession { session: Uuid, connection: Uuid },
}

impl CheckTarget {
    pub fn connection_id(self) -> Uuid {
        match self {
            CheckTarget::Saved(id) | CheckTarget::InSession { connection: id, .. } => id,
        }
    }
}

/// What a check runs with, and what its result must be recorded against.
pub struct CheckSubject {
    pub connection: Connection,
    pub credential: Result<AppCredential>,
    pub ticket: CheckTicket,
}

/// Which version of which connection a check ran on, for recording its result.
pub struct CheckTicket {
    target: CheckTarget,
    /// The draft version checked, when a draft was.
    revision: Option<u64>,
    details: Details,
}

impl ConnectionService {
    /// Opens an edit session on the connections of one role.
    pub async fn open_session(&self, role: Role) -> Result<SessionView> {
        let id = Uuid::new_v4();
        let session = EditSession { role, drafts: HashMap::new(), new_order: Vec::new(), deletes: BTreeSet::new() };
        self.sessions()?.insert(id, session);
        self.session_view(id).await
    }

    /// The session's rows: saved connections (including any an automatic registration saved
    /// meanwhile) with the session's changes over them.
    pub async fn session_view(&self, session_id: Uuid) -> Result<SessionView> {
        let role = self.with_session(session_id, |s| Ok(s.role))?;
        let saved = self.store().connections().list(Some(role)).await?;
        self.with_session(session_id, |s| {
            let mut rows: Vec<SessionRow> = saved
                .into_iter()
                .map(|connection| {
                    let deleted = s.deletes.contains(&connection.id);
                    match s.drafts.get(&connection.id).and_then(|d| d.kept.as_ref()).and_then(|v| v.connection.clone())
                    {
                        Some(edited) => SessionRow { connection: edited, change: RowChange::Edited, deleted },
                        None => SessionRow { connection, change: RowChange::None, deleted },
                    }
                })
                .collect();
            rows.extend(s.new_order.iter().filter_map(|id| {
                let connection = s.drafts.get(id)?.kept.as_ref()?.connection.clone()?;
                Some(SessionRow { connection, change: RowChange::New, deleted: false })
            }));
            let has_changes = rows.iter().any(|row| row.change != RowChange::None || row.deleted);
            Ok(SessionView { session_id, role: s.role, rows, has_changes })
        })
    }

    /// Starts editing a connection of the session (`of`), or a new one: the wizard opens on
    /// the returned draft id.
    pub async fn start_draft(&self, session_id: Uuid, of: Option<Uuid>) -> Result<Uuid> {
        let role = self.with_session(session_id, |s| Ok(s.role))?;
        let saved = match of {
            Some(id) => self.store().connections().get(id).await?.filter(|c| c.role == role),
            None => None,
        };
        self.with_session(session_id, |s| {
            let id = of.unwrap_or_else(Uuid::new_v4);
            if let Some(draft) = s.drafts.get_mut(&id) {
                draft.working = draft.kept.clone().or_else(|| draft.saved.as_ref().map(Version::of_saved));
                return Ok(id);
            }
            if of.is_some() && saved.is_none() {
                return Err(Error::NotFound { what: "Connection", id: id.to_string() });
            }
            let working = Some(saved.as_ref().map(Version::of_saved).unwrap_or_default());
            s.drafts.insert(id, Draft { saved, working, kept: None });
            Ok(id)
        })
    }

    /// Replaces the draft's fields and validates them once: the answer is the field problems,
    /// or the connection OK would save.
    pub async fn put_draft(&self, session_id: Uuid, draft_id: Uuid, fields: DraftFields) -> Result<DraftState> {
        let _one_at_a_time = self.sessions.changes.lock().await;
        self.with_working(session_id, draft_id, |v| {
            v.fields = Some(fields);
            Ok(())
        })?;
        self.revalidate(session_id, draft_id).await
    }

    /// Takes the secret pasted into the draft; it is never sent back. An empty value forgets
    /// the pasted one, so an edited connection keeps its saved secret.
    pub async fn put_secret(&self, session_id: Uuid, draft_id: Uuid, secret: SecretString) -> Result<DraftState> {
        let _one_at_a_time = self.sessions.changes.lock().await;
        self.with_working(session_id, draft_id, |v| {
            v.secret_generation += 1;
            let value = secret.expose_secret();
            (v.secret, v.secret_issue) = if value.trim().is_empty() {
                (None, None)
            } else {
                match validate::client_secret(value) {
                    Ok(trimmed) => (Some(SecretString::from(trimmed)), None),
                    Err(issue) => (None, Some(issue)),
                }
            };
            Ok(())
        })?;
        self.revalidate(session_id, draft_id).await
    }

    /// Finish in the wizard: the draft becomes a change that OK saves.
    pub async fn keep_draft(&self, session_id: Uuid, draft_id: Uuid) -> Result<SessionView> {
        self.with_session(session_id, |s| {
            let draft = s.drafts.get_mut(&draft_id).ok_or_else(|| not_found(draft_id))?;
            let working = draft.working.take().ok_or_else(|| not_found(draft_id))?;
            if working.connection.is_none() {
                let issues = if working.issues.is_empty() {
                    vec![draft::missing_secret_issue()]
                } else {
                    working.issues.clone()
                };
                draft.working = Some(working);
                return Err(Error::InvalidDraft(issues));
            }
            let new = draft.saved.is_none();
            draft.kept = Some(working);
            if new && !s.new_order.contains(&draft_id) {
                s.new_order.push(draft_id);
            }
            s.deletes.remove(&draft_id);
            Ok(())
        })?;
        self.session_view(session_id).await
    }

    /// Cancel in the wizard: its copy is forgotten; what an earlier Finish kept stays.
    pub fn drop_draft(&self, session_id: Uuid, draft_id: Uuid) -> Result<()> {
        self.with_session(session_id, |s| {
            if let Some(draft) = s.drafts.get_mut(&draft_id) {
                draft.working = None;
                if draft.kept.is_none() && draft.saved.is_none() {
                    s.drafts.remove(&draft_id);
                }
            }
            Ok(())
        })
    }

    /// Marks a saved connection for deletion with OK, or unmarks it. A connection never saved
    /// is simply dropped.
    pub async fn stage_delete(&self, session_id: Uuid, id: Uuid, delete: bool) -> Result<SessionView> {
        let role = self.with_session(session_id, |s| Ok(s.role))?;
        let saved = self.store().connections().get(id).await?.filter(|c| c.role == role);
        self.with_session(session_id, |s| {
            if saved.is_none() {
                if s.drafts.remove(&id).is_none() {
                    return Err(Error::NotFound { what: "Connection", id: id.to_string() });
                }
                s.new_order.retain(|new| *new != id);
            } else if delete {
                s.deletes.insert(id);
            } else {
                s.deletes.remove(&id);
            }
            Ok(())
        })?;
        self.session_view(session_id).await
    }

    /// OK: saves every change of the session as one unit (keychain first, then SQLite) and
    /// closes it. On failure nothing is saved and the session stays open for another try.
    pub async fn commit(&self, session_id: Uuid) -> Result<Vec<Connection>> {
        let (upserts, deletes) = self.with_session(session_id, |s| {
            let upserts: Vec<Upsert> = s
                .drafts
                .values()
                .filter_map(|d| d.kept.as_ref())
                .filter_map(|v| Some(Upsert { connection: v.connection.clone()?, secret: v.secret.clone() }))
                .filter(|u| !s.deletes.contains(&u.connection.id))
                .collect();
            Ok((upserts, s.deletes.iter().copied().collect::<Vec<_>>()))
        })?;
        let saved = self.save(upserts, &deletes).await?;
        self.sessions()?.remove(&session_id);
        Ok(saved)
    }

    /// Cancel: forgets the session, its secrets, and the check runs of connections never saved.
    pub async fn discard(&self, session_id: Uuid) -> Result<()> {
        self.sessions()?.remove(&session_id);
        self.store().check_runs().delete_orphans().await?;
        Ok(())
    }

    /// Defines one connection in a session of its own, as the wizard does: the fields and the
    /// secret put once, then committed (the CLI's `connections add-manual`).
    pub async fn add_connection(
        &self,
        role: Role,
        fields: DraftFields,
        secret: Option<SecretString>,
    ) -> Result<Connection> {
        let session = self.open_session(role).await?.session_id;
        let added = self.add_in(session, fields, secret).await;
        if added.is_err() {
            self.discard(session).await?;
        }
        added
    }

    async fn add_in(&self, session: Uuid, fields: DraftFields, secret: Option<SecretString>) -> Result<Connection> {
        let draft = self.start_draft(session, None).await?;
        if let Some(secret) = secret {
            self.put_secret(session, draft, secret).await?;
        }
        let state = self.put_draft(session, draft, fields).await?;
        if !state.issues.is_empty() {
            return Err(Error::InvalidDraft(state.issues));
        }
        self.keep_draft(session, draft).await?;
        self.commit(session).await?;
        self.get(draft).await
    }

    /// The connection and credential a check runs with.
    pub async fn check_subject(&self, target: CheckTarget) -> Result<CheckSubject> {
        if let CheckTarget::InSession { session, connection } = target {
            let drafted = self.with_session(session, |s| {
                let Some(version) = s.drafts.get(&connection).and_then(Draft::current) else { return Ok(None) };
                let (Some(checked), Some(details)) = (version.connection.clone(), version.details.clone()) else {
                    return Err(Error::InvalidDraft(version.issues.clone()));
                };
                Ok(Some((checked, details, version.secret.clone(), version.revision)))
            })?;
            if let Some((checked, details, secret, revision)) = drafted {
                let credential = match secret {
                    Some(secret) => Ok(AppCredential::Secret(secret)),
                    None => self.app_credential(&checked).await,
                };
                let ticket = CheckTicket { target, revision: Some(revision), details };
                return Ok(CheckSubject { connection: checked, credential, ticket });
            }
        }
        let saved = self.get(target.connection_id()).await?;
        let credential = self.app_credential(&saved).await;
        let ticket = CheckTicket { target, revision: None, details: Details::of_saved(&saved) };
        Ok(CheckSubject { connection: saved, credential, ticket })
    }

    /// Stores a check run and returns the checked connection with what it learnt (the tenant's
    /// GUID, name and default domain, the secret's end date, the last check). The draft keeps
    /// it while its details stay the ones checked; a saved connection checked with its saved
    /// details is updated at once (a check is not an edit).
    pub async fn record_check(
        &self,
        connection: Connection,
        ticket: CheckTicket,
        report: &CheckReport,
    ) -> Result<Connection> {
        self.store().check_runs().insert(report).await?;
        let learnt = learn(connection, report);
        let mut saved_unchanged = ticket.revision.is_none();
        if let (CheckTarget::InSession { session, connection: id }, Some(revision)) = (ticket.target, ticket.revision) {
            saved_unchanged = self.with_session(session, |s| {
                let Some(draft) = s.drafts.get_mut(&id) else { return Ok(false) };
                let unchanged = draft.saved.as_ref().is_some_and(|saved| Details::of_saved(saved) == ticket.details);
                if let Some(version) = draft.current_mut().filter(|v| v.revision == revision) {
                    version.connection = Some(learnt.clone());
                    version.proven = Some(ticket.details.clone());
                }
                Ok(unchanged)
            })?;
        }
        if saved_unchanged {
            if let Some(saved) = self.store().connections().get(learnt.id).await? {
                let updated = learn(saved, report);
                self.store().connections().update(&updated).await?;
                if let CheckTarget::InSession { session, connection: id } = ticket.target {
                    self.with_session(session, |s| {
                        if let Some(draft) = s.drafts.get_mut(&id) {
                            draft.saved = Some(updated);
                        }
                        Ok(())
                    })?;
                }
            }
        }
        Ok(learnt)
    }

    async fn revalidate(&self, session_id: Uuid, draft_id: Uuid) -> Result<DraftState> {
        struct Snapshot {
            role: Role,
            fields: Option<DraftFields>,
            secret: Option<SecretString>,
            generation: u32,
            secret_issue: Option<FieldIssue>,
            saved: Option<Connection>,
            previous: Option<Connection>,
            proven: Option<Details>,
            revision: u64,
        }
        let snap = self.with_session(session_id, |s| {
            let role = s.role;
            let draft = s.drafts.get_mut(&draft_id).ok_or_else(|| not_found(draft_id))?;
            let saved = draft.saved.clone();
            let v = draft.working.as_mut().ok_or_else(|| not_found(draft_id))?;
            v.revision += 1;
            Ok(Snapshot {
                role,
                fields: v.fields.clone(),
                secret: v.secret.clone(),
                generation: v.secret_generation,
                secret_issue: v.secret_issue.clone(),
                saved,
                previous: v.connection.clone(),
                proven: v.proven.clone(),
                revision: v.revision,
            })
        })?;
        let Some(fields) = &snap.fields else {
            // A secret pasted before any field was typed: only its own problem is known yet.
            let issues = snap.secret_issue.into_iter().collect();
            return Ok(DraftState { draft_id, issues, connection: None });
        };
        let pasted = PastedSecret {
            value: snap.secret.as_ref(),
            generation: snap.generation,
            issue: snap.secret_issue.as_ref(),
        };
        let checked = draft::check(self, snap.role, draft_id, fields, pasted, snap.saved.as_ref()).await?;
        let (issues, connection, details) = match checked {
            Ok(checked) => {
                let still_proven = snap.proven.as_ref() == Some(&checked.details);
                let connection = match (&snap.previous, still_proven) {
                    (Some(previous), true) => keep_learnt(checked.connection, previous),
                    _ => checked.connection,
                };
                (Vec::new(), Some(connection), Some(checked.details))
            }
            Err(issues) => (issues, None, None),
        };
        self.with_session(session_id, |s| {
            let version = s.drafts.get_mut(&draft_id).and_then(|d| d.working.as_mut());
            match version {
                Some(v) if v.revision == snap.revision => {
                    v.issues = issues;
                    v.connection = connection;
                    v.details = details;
                    Ok(v.state(draft_id))
                }
                // A newer change is being validated; this answer is already stale.
                _ => Ok(DraftState { draft_id, issues, connection }),
            }
        })
    }

    fn with_working<T>(
        &self,
        session_id: Uuid,
        draft_id: Uuid,
        f: impl FnOnce(&mut Version) -> Result<T>,
    ) -> Result<T> {
        self.with_session(session_id, |s| {
            let version =
                s.drafts.get_mut(&draft_id).and_then(|d| d.working.as_mut()).ok_or_else(|| not_found(draft_id))?;
            f(version)
        })
    }

    fn with_session<T>(&self, session_id: Uuid, f: impl FnOnce(&mut EditSession) -> Result<T>) -> Result<T> {
        let mut sessions = self.sessions()?;
        let session = sessions
            .get_mut(&session_id)
            .ok_or_else(|| Error::NotFound { what: "Edit session", id: session_id.to_string() })?;
        f(session)
    }

    fn sessions(&self) -> Result<MutexGuard<'_, HashMap<Uuid, EditSession>>> {
        self.sessions.open.lock().map_err(|_| Error::Internal("edit sessions lock poisoned".into()))
    }
}

fn not_found(draft_id: Uuid) -> Error {
    Error::NotFound { what: "Draft", id: draft_id.to_string() }
}

/// What a check learnt, written onto the connection it checked.
fn learn(mut c: Connection, report: &CheckReport) -> Connection {
    if let Some(id) = &report.tenant_id {
        c.tenant_id = id.clone();
    }
    c.tenant_name = report.tenant_name.clone().or(c.tenant_name);
    c.default_domain = report.default_domain.clone().or(c.default_domain);
    if let (Credential::Secret { expires_at, .. }, Some(end)) = (&mut c.credential, report.credential_expires_at) {
        *expires_at = Some(end);
    }
    if let (Some(scope), Some(name)) = (&mut c.mailbox_scope, &report.scope_group_name) {
        scope.display_name = Some(name.clone());
    }
    c.last_check = Some(LastCheck { at: report.finished_at, outcome: report.outcome });
    c
}

/// A re-validated draft whose details are still the ones checked keeps what the check learnt.
fn keep_learnt(mut c: Connection, previous: &Connection) -> Connection {
    c.tenant_id.clone_from(&previous.tenant_id);
    c.tenant_name.clone_from(&previous.tenant_name);
    c.default_domain.clone_from(&previous.default_domain);
    c.last_check.clone_from(&previous.last_check);
    if let (Some(scope), Some(known)) = (&mut c.mailbox_scope, &previous.mailbox_scope) {
        if scope.group == known.group {
            scope.display_name.clone_from(&known.display_name);
        }
    }
    // An Expires date typed since stands; without one, the date the check read stays.
    if let (Credential::Secret { expires_at, .. }, Credential::Secret { expires_at: known, .. }) =
        (&mut c.credential, &previous.credential)
    {
        *expires_at = expires_at.or(*known);
    }
    c
}
