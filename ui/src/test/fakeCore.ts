// A stand-in for the Rust core in UI unit tests: answers Tauri commands through mockIPC with
// values typed by the generated bindings, and records what the UI sent.
import type { Channel } from "@tauri-apps/api/core";
import { mockIPC } from "@tauri-apps/api/mocks";

import type { AutomaticRegistration } from "../bindings/AutomaticRegistration";
import type { Cloud } from "../bindings/Cloud";
import type { EarlierRegistration } from "../bindings/EarlierRegistration";
import type { RegistrationSignIn } from "../bindings/RegistrationSignIn";
import type { CheckEvent } from "../bindings/CheckEvent";
import type { DiscoveryPage } from "../bindings/DiscoveryPage";
import type { Job } from "../bindings/Job";
import type { JobDraft } from "../bindings/JobDraft";
import type { Mailbox } from "../bindings/Mailbox";
import type { Registration } from "../bindings/Registration";
import type { RenewalEvent } from "../bindings/RenewalEvent";
import type { RegistrationProgress } from "../bindings/RegistrationProgress";
import type { CheckReport } from "../bindings/CheckReport";
import type { CheckRun } from "../bindings/CheckRun";

import type { CertificateInfo } from "../bindings/CertificateInfo";
import type { Connection } from "../bindings/Connection";
import type { DraftFields } from "../bindings/DraftFields";
import type { DraftState } from "../bindings/DraftState";
import type { FieldIssue } from "../bindings/FieldIssue";
import type { IpcError } from "../bindings/IpcError";
import type { Permission } from "../bindings/Permission";
import type { PermissionProfile } from "../bindings/PermissionProfile";
import type { UpgradePreview } from "../bindings/UpgradePreview";
import type { Role } from "../bindings/Role";
import type { SessionView } from "../bindings/SessionView";
import { aReport } from "./fixtures";

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a draft holds in the fake core: the fields and the pasted secret, apart, as in the core. */
export interface DraftInput {
  fields: DraftFields;
  /** The secret pasted into the draft (trimmed), or null to keep the saved one. */
  secret: string | null;
  /** The saved connection being edited. */
  saved: Connection | null;
}

/** The typed Expires date as the core keeps it: the start of that day in UTC. */
function secretExpiry(fields: DraftFields): string | null {
  return fields.credential.kind === "secret" && fields.credential.expiresOn ? `${fields.credential.expiresOn}T00:00:00Z` : null;
}

/** The messages the core gives for the mistakes these tests make (see validate.rs). */
export function issuesFor({ fields, secret, saved }: DraftInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(fields.applicationMailbox.trim())) {
    issues.push({ field: "applicationMailbox", message: "Application mailbox: this is not an email address.", hint: "Users > Active users." });
  }
  if (!GUID.test(fields.clientId.trim())) {
    issues.push({ field: "clientId", message: "Application (client) ID: this is not a GUID.", hint: "App registrations > Overview." });
  }
  if (fields.tenant.trim() === "") {
    issues.push({ field: "tenant", message: "Directory (tenant) ID: enter the tenant ID or a verified domain of the tenant.", hint: "Identity > Overview." });
  }
  if (fields.credential.kind === "secret") {
    if (secret !== null && GUID.test(secret)) {
      issues.push({ field: "clientSecret", message: "Client secret: this looks like the Secret ID; paste the secret's Value instead.", hint: "The Value column holds the secret." });
    } else if (secret === null && saved?.credential.kind !== "secret") {
      issues.push({ field: "clientSecret", message: "Client secret: paste the client secret's Value.", hint: "Certificates & secrets." });
    }
    const expiresOn = fields.credential.expiresOn;
    if (expiresOn && expiresOn <= new Date().toISOString().slice(0, 10)) {
      issues.push({ field: "secretExpires", message: `Secret expiry date: the secret expired on ${expiresOn}; it no longer signs in`, hint: "Add a new secret." });
    }
  }
  return issues;
}

export const PERMISSIONS: Permission[] = [
  { name: "User.Read.All", id: "df021288-bdef-4463-88db-98f22de89214", resource: "Microsoft Graph", reason: "Find the tenant's users and their mailboxes." },
  { name: "Mail.Read", id: "810c84a8-4a9e-49e6-bf7d-12d183f40d01", resource: "Microsoft Graph", reason: "Read the mail to migrate." },
];

export const FULL_FIDELITY_PERMISSIONS: Permission[] = [
  { name: "User.Read.All", id: "df021288-bdef-4463-88db-98f22de89214", resource: "Microsoft Graph", reason: "Find the tenant's users and their mailboxes." },
  { name: "MailboxItem.Export.All", id: "937550e9-33a3-494b-88ae-d9cd394b1fbb", resource: "Microsoft Graph", reason: "Export every item in full fidelity, as Exchange keeps it." },
];

export function ipcError(partial: Partial<IpcError> & Pick<IpcError, "code" | "message">): IpcError {
  return { hint: null, issues: [], aadsts: null, correlationId: null, microsoft: null, consentUrl: null, ...partial };
}

export interface FakeCore {
  saved: Connection[];
  calls: { command: string; args: Record<string, unknown> }[];
  /** Connections kept by the wizard's Finish, and the secrets pasted, as the core received them. */
  kept: Connection[];
  secrets: string[];
  /** What each OK committed, and how many sessions were discarded. */
  saves: { upserts: Connection[]; deletes: string[] }[];
  discards: number;
  /** Make the next commit fail with this error. */
  failNextSave?: IpcError;
  /** The cloud a new connection starts in (the environment's, in the app). */
  defaultCloud: Cloud;
  /** What the native open dialog returns (null: cancelled). */
  chosenFile: string | null;
  /** Certificates in the store, and the one a PFX import yields with PFX_PASSWORD. */
  certificates: CertificateInfo[];
  /** What the next check runs report, in order (then: everything passes). */
  nextReports: ((connectionId: string) => CheckReport)[];
  /** Connections the UI asked to check, and check runs stored by connection id. */
  checked: Connection[];
  reports: Record<string, CheckReport>;
  /** What the native save dialog returns (null: cancelled), and the exports made. */
  savePath: string | null;
  exports: { ids: string[]; path: string }[];
  failNextExport?: IpcError;
  /** Unfinished automatic registrations, and the automatic registrations asked for. */
  unfinished: Registration[];
  registrations: AutomaticRegistration[];
  failNextRegistration?: IpcError;
  /** The end of the certificate an automatic registration makes (null: not known). */
  registeredNotAfter?: string;
  /** Sign-ins for a registration, and the earlier registrations they find. */
  signIns: RegistrationSignIn[];
  earlier: EarlierRegistration[];
  signedInCloud?: Cloud;
  /** Connections whose Entra application was deleted. */
  deletedApplications: string[];
  /** Each renew_certificate call: the connection and the Object ID typed, if any. */
  renewals: { connectionId: string; objectId: string | null }[];
  /** Each replace_client_secret call. */
  secretReplacements: { connectionId: string; days: number | null }[];
  /** The tenant's app management policy blocks new client secrets (read after a sign-in). */
  tenantBlocksSecrets?: boolean;
  /** Each switch_to_certificate call. */
  certificateSwitches: { connectionId: string; keepSecret: boolean }[];
  /** Each upgrade_permissions call (the preview changes nothing, so it is not recorded here). */
  permissionUpgrades: { connectionId: string; to: PermissionProfile }[];
  /** The administrator's sign-in for an upgrade fails with this, once. */
  failNextUpgrade?: IpcError;
  signInClient: { clientId: string; isDefault: boolean };
  /** Whether the dashboard shows the demo cloud; whether the build has it; where it went. */
  demo: boolean;
  demoAvailable: boolean;
  failNextDemoSwitch?: IpcError;
  /** The connections and jobs of the folder not shown (the demo's, or the real one's). */
  otherFolder: { saved: Connection[]; jobs: Job[] };
  savedDemoCertificates: { tenantId: string; path: string }[];
  /** The proxy in Settings, and the password the keychain would hold. */
  proxy: { url: string | null; username: string | null; password: string | null };
  jobs: Job[];
  /** What mailbox discovery finds in any source tenant. */
  tenantMailboxes: Mailbox[];
}

export const PFX_PASSWORD = "pfx-pass";

export const IMPORTED_CERTIFICATE: CertificateInfo = {
  subject: "CN=Contoso Migration",
  issuer: "CN=Contoso Migration",
  serial: "0A1B2C",
  notBefore: "2026-11-01T00:00:00Z",
  notAfter: "2031-11-01T00:00:00Z",
  keyAlgorithm: "RSA",
  keyBits: 2048,
  sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567",
  sha256Thumbprint: "AB".repeat(32),
  x5t: "O34RWpDE0ugfAKq7zN3u_wEjRWc",
  x5tS256: "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s",
};

export function connectionFrom(role: Role, input: DraftInput, id = "0b4c9a52-8a57-4ad0-9a2e-9c1f4a3e0d11"): Connection {
  const { fields, secret, saved } = input;
  return {
    id,
    role,
    name: fields.name.trim() || fields.tenant.trim().toLowerCase(),
    cloud: fields.cloud,
    tenantId: fields.tenant.trim().toLowerCase(),
    tenantName: null,
    defaultDomain: null,
    clientId: fields.clientId.trim().toLowerCase(),
    applicationMailbox: fields.applicationMailbox.trim(),
    registration: saved?.registration ?? "manual",
    permissionProfile: fields.permissionProfile,
    mailboxScope: fields.scopeGroup ? { group: fields.scopeGroup, displayName: null } : null,
    credential:
      fields.credential.kind === "certificate"
        ? { kind: "certificate", sha1Thumbprint: fields.credential.thumbprint.replace(/[\s:]/g, "").toUpperCase(), sha256Thumbprint: null, subject: null, notAfter: null }
        : secret === null && saved?.credential.kind === "secret"
          ? { ...saved.credential, expiresAt: secretExpiry(fields) ?? saved.credential.expiresAt }
          : { kind: "secret", hint: (secret ?? "").slice(-3), expiresAt: secretExpiry(fields) },
    createdAt: saved?.createdAt ?? "2026-11-27T09:00:00.000Z",
    updatedAt: "2026-11-27T09:00:00.000Z",
    lastCheck: null,
    secretsBlocked: false,
  };
}

interface FakeDraft {
  saved: Connection | null;
  fields: DraftFields | null;
  secret: string | null;
  connection: Connection | null;
  working: boolean;
  kept: Connection | null;
}

interface FakeSession {
  role: Role;
  drafts: Map<string, FakeDraft>;
  newOrder: string[];
  deletes: Set<string>;
}

const EMPTY_FIELDS: DraftFields = {
  name: "",
  cloud: { kind: "global" },
  tenant: "",
  clientId: "",
  applicationMailbox: "",
  permissionProfile: "fullFidelity",
  credential: { kind: "secret" },
};

const NEW_IDS = ["0b4c9a52-8a57-4ad0-9a2e-9c1f4a3e0d11", "1c5dab63-9b68-4be1-8b3f-ad2f5b4f1e22", "2d6ebc74-ac79-4cf2-9c40-be3f6c5f2f33"];

export const DEMO_CLOUD = { kind: "custom", loginUrl: "http://127.0.0.1:47365", graphUrl: "http://127.0.0.1:47365" } as const;

export const DEMO_TENANTS = [
  {
    displayName: "Contoso",
    role: "source",
    tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
    domain: "contoso.onmicrosoft.com",
    admin: "admin@contoso.onmicrosoft.com",
    privilegedRoleAdmin: "pra@contoso.onmicrosoft.com",
    applicationAdmin: "appadmin@contoso.onmicrosoft.com",
    user: "user@contoso.onmicrosoft.com",
    password: "Passw0rd!",
    applicationMailbox: "migration@contoso.com",
    userWithoutMailbox: "nomailbox@contoso.com",
    clientId: "7d1f6a2e-3b4c-4d5e-8f60-1a2b3c4d5e6f",
    clientSecret: "Dm0Q~contoso.Demo-Secret_Value_0123456789",
    certificateThumbprint: "0123456789ABCDEF0123456789ABCDEF01234567",
    pfxPassword: "Demo-PFX-2026",
  },
] as const;

function demoStatus(core: FakeCore) {
  return {
    active: core.demo,
    available: core.demoAvailable,
    cloud: core.demo ? DEMO_CLOUD : null,
    tenants: core.demoAvailable ? DEMO_TENANTS : [],
  };
}

export function installFakeCore(saved: Connection[] = []): FakeCore {
  const core: FakeCore = {
    saved: [...saved],
    calls: [],
    kept: [],
    secrets: [],
    saves: [],
    discards: 0,
    defaultCloud: { kind: "global" },
    chosenFile: null,
    certificates: [],
    nextReports: [],
    checked: [],
    reports: {},
    savePath: null,
    exports: [],
    unfinished: [],
    registrations: [],
    signIns: [],
    earlier: [],
    deletedApplications: [],
    renewals: [],
    secretReplacements: [],
    certificateSwitches: [],
    permissionUpgrades: [],
    signInClient: { clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e", isDefault: true },
    proxy: { url: null, username: null, password: null },
    demo: false,
    demoAvailable: true,
    otherFolder: { saved: [], jobs: [] },
    savedDemoCertificates: [],
    jobs: [],
    tenantMailboxes: [],
  };
  const sessions = new Map<string, FakeSession>();
  let newDrafts = 0;
  const session = (id: unknown): FakeSession => {
    const found = sessions.get(String(id));
    if (!found) throw ipcError({ code: "not_found", message: `Edit session ${String(id)} does not exist` });
    return found;
  };
  const view = (sessionId: string): SessionView => {
    const s = session(sessionId);
    const rows: SessionView["rows"] = core.saved
      .filter((c) => c.role === s.role)
      .map((c) => {
        const kept = s.drafts.get(c.id)?.kept;
        return { connection: kept ?? c, change: kept ? "edited" : "none", deleted: s.deletes.has(c.id) };
      });
    for (const id of s.newOrder) {
      const kept = s.drafts.get(id)?.kept;
      if (kept) rows.push({ connection: kept, change: "new", deleted: false });
    }
    return { sessionId, role: s.role, rows, hasChanges: rows.some((r) => r.change !== "none" || r.deleted) };
  };
  const validate = (s: FakeSession, draftId: string): DraftState => {
    const draft = s.drafts.get(draftId);
    if (!draft) throw ipcError({ code: "not_found", message: "Draft does not exist" });
    if (!draft.fields) {
      // A secret pasted before any field was typed: only its own problem is known yet.
      const secretId = draft.secret !== null && GUID.test(draft.secret);
      return { draftId, issues: secretId ? issuesFor({ fields: { ...EMPTY_FIELDS, credential: { kind: "secret" } }, secret: draft.secret, saved: null }).filter((i) => i.field === "clientSecret") : [], connection: null };
    }
    const input = { fields: draft.fields, secret: draft.secret, saved: draft.saved };
    const issues = issuesFor(input);
    draft.connection = issues.length === 0 ? connectionFrom(s.role, input, draftId) : null;
    return { draftId, issues, connection: draft.connection };
  };

  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    core.calls.push({ command, args });
    switch (command) {
      case "list_connections":
        return core.saved.filter((c) => !args.role || c.role === args.role);
      case "get_connection":
        return core.saved.find((c) => c.id === args.id) ?? Promise.reject(ipcError({ code: "not_found", message: "Connection does not exist" }));
      case "permission_set":
        return args.profile === "fullFidelity" ? FULL_FIDELITY_PERMISSIONS : PERMISSIONS;
      case "open_edit_session": {
        const id = `5e5510${String(sessions.size).padStart(2, "0")}-0000-4000-8000-000000000000`;
        sessions.set(id, { role: args.role as Role, drafts: new Map(), newOrder: [], deletes: new Set() });
        return view(id);
      }
      case "edit_session_view":
        return view(String(args.sessionId));
      case "start_draft": {
        const s = session(args.sessionId);
        const of = args.connectionId as string | null;
        const id = of ?? NEW_IDS[newDrafts++ % NEW_IDS.length];
        const existing = s.drafts.get(id);
        const saved = of ? (core.saved.find((c) => c.id === of) ?? null) : null;
        s.drafts.set(id, { saved, fields: null, secret: null, connection: existing?.kept ?? saved, working: true, kept: existing?.kept ?? null });
        return id;
      }
      case "put_draft": {
        const s = session(args.sessionId);
        const draft = s.drafts.get(String(args.draftId));
        if (draft) draft.fields = args.fields as DraftFields;
        return validate(s, String(args.draftId));
      }
      case "put_secret": {
        const s = session(args.sessionId);
        const draft = s.drafts.get(String(args.draftId));
        const value = String(args.secret);
        core.secrets.push(value);
        if (draft) draft.secret = value.trim() === "" ? null : value.trim();
        return validate(s, String(args.draftId));
      }
      case "keep_draft": {
        const s = session(args.sessionId);
        const id = String(args.draftId);
        const draft = s.drafts.get(id);
        if (!draft?.connection) return Promise.reject(ipcError({ code: "invalid", message: "Correct the highlighted fields." }));
        draft.kept = draft.connection;
        draft.working = false;
        core.kept.push(draft.kept);
        if (!draft.saved && !s.newOrder.includes(id)) s.newOrder.push(id);
        return view(String(args.sessionId));
      }
      case "drop_draft": {
        const s = sessions.get(String(args.sessionId));
        const id = String(args.draftId);
        const draft = s?.drafts.get(id);
        if (s && draft) {
          draft.working = false;
          if (!draft.kept && !draft.saved) s.drafts.delete(id);
        }
        return null;
      }
      case "stage_delete": {
        const s = session(args.sessionId);
        const id = String(args.connectionId);
        if (!core.saved.some((c) => c.id === id)) {
          s.drafts.delete(id);
          s.newOrder = s.newOrder.filter((n) => n !== id);
        } else if (args.delete) s.deletes.add(id);
        else s.deletes.delete(id);
        return view(String(args.sessionId));
      }
      case "commit_edit_session": {
        const s = session(args.sessionId);
        if (core.failNextSave) {
          const error = core.failNextSave;
          core.failNextSave = undefined;
          return Promise.reject(error);
        }
        const upserts = [...s.drafts.values()].flatMap((d) => (d.kept && !s.deletes.has(d.kept.id) ? [d.kept] : []));
        const deletes = [...s.deletes];
        core.saves.push({ upserts, deletes });
        const others = core.saved.filter((c) => !deletes.includes(c.id) && !upserts.some((u) => u.id === c.id));
        core.saved = [...others, ...upserts];
        sessions.delete(String(args.sessionId));
        return core.saved;
      }
      case "discard_edit_session":
        core.discards += 1;
        sessions.delete(String(args.sessionId));
        return null;
      case "default_cloud":
        return core.demo ? DEMO_CLOUD : core.defaultCloud;
      case "check_connection": {
        const s = session(args.sessionId);
        const id = String(args.connectionId);
        const draft = s.drafts.get(id);
        const connection = (draft?.working ? draft.connection : draft?.kept) ?? core.saved.find((c) => c.id === id);
        if (!connection) return Promise.reject(ipcError({ code: "invalid", message: "Correct the highlighted fields." }));
        const channel = args.onEvent as Channel<CheckEvent>;
        core.checked.push(connection);
        const report = (core.nextReports.shift() ?? aReport)(connection.id);
        // Live progress, as the core sends it: each check starts, then finishes.
        for (const result of report.results) {
          channel.onmessage({ kind: "started", id: result.id });
          channel.onmessage({ kind: "finished", result });
        }
        core.reports[connection.id] = report;
        const learnt: Connection = {
          ...connection,
          tenantName: report.tenantName,
          defaultDomain: report.defaultDomain,
          lastCheck: { at: report.finishedAt, outcome: report.outcome },
        };
        // As the core does: the draft keeps what it learnt; a saved connection checked as it is learns at once.
        if (draft?.working) draft.connection = learnt;
        else if (draft?.kept) draft.kept = learnt;
        else core.saved = core.saved.map((c) => (c.id === id ? learnt : c));
        const run: CheckRun = { report, connection: learnt };
        return run;
      }
      case "cancel_check":
        return false;
      case "unfinished_registrations":
        return core.unfinished;
      case "cancel_registration":
        return true;
      case "list_jobs":
        return core.jobs.map((j) => ({ ...j, mailboxes: [] }));
      case "get_job":
        return core.jobs.find((j) => j.id === args.id) ?? Promise.reject(ipcError({ code: "not_found", message: "Job does not exist" }));
      case "save_job": {
        const draft = args.draft as JobDraft;
        if (core.jobs.some((j) => j.name.toLowerCase() === draft.name.trim().toLowerCase() && j.id !== draft.id)) {
          return Promise.reject(ipcError({ code: "invalid", message: `Job name: a job named "${draft.name}" already exists.`, hint: "Give this job another name." }));
        }
        const job: Job = {
          id: draft.id ?? `0000000${core.jobs.length}-0000-4000-8000-000000000000`,
          name: draft.name.trim(),
          sourceConnectionId: draft.sourceConnectionId,
          targetConnectionId: draft.targetConnectionId,
          state: "draft",
          mailboxCount: draft.mailboxes.length,
          mailboxes: draft.mailboxes,
          createdAt: "2026-11-27T12:00:00.000Z",
          updatedAt: "2026-11-27T12:00:00.000Z",
        };
        core.jobs = [...core.jobs.filter((j) => j.id !== job.id), job];
        return job;
      }
      case "rename_job": {
        const job = core.jobs.find((j) => j.id === args.id);
        if (!job) return Promise.reject(ipcError({ code: "not_found", message: "Job does not exist" }));
        job.name = String(args.name).trim();
        return job;
      }
      case "delete_job":
        core.jobs = core.jobs.filter((j) => j.id !== args.id);
        return null;
      case "cancel_discovery":
        return true;
      case "discover_mailboxes": {
        const channel = args.onPage as Channel<DiscoveryPage>;
        const totals = { usersRead: 0, mailboxes: 0, withoutExchange: 0, pages: 0 };
        for (let i = 0; i < core.tenantMailboxes.length; i += 999) {
          const mailboxes = core.tenantMailboxes.slice(i, i + 999);
          totals.usersRead += mailboxes.length;
          totals.mailboxes += mailboxes.length;
          totals.pages += 1;
          channel.onmessage({ mailboxes, withoutExchange: [], totals: { ...totals } });
        }
        return totals;
      }
      case "demo_status":
        return demoStatus(core);
      case "enter_demo":
      case "leave_demo": {
        if (core.failNextDemoSwitch) {
          const error = core.failNextDemoSwitch;
          core.failNextDemoSwitch = undefined;
          return Promise.reject(error);
        }
        core.demo = command === "enter_demo";
        // Each folder has its own connections and jobs: the other folder's are kept aside.
        [core.saved, core.otherFolder.saved] = [core.otherFolder.saved, core.saved];
        [core.jobs, core.otherFolder.jobs] = [core.otherFolder.jobs, core.jobs];
        return demoStatus(core);
      }
      case "save_demo_certificate":
        core.savedDemoCertificates.push({ tenantId: String(args.tenantId), path: String(args.path) });
        return null;
      case "proxy_settings":
        return proxyView(core);
      case "set_proxy_settings": {
        const change = args.change as { url: string; username: string; password: string | null };
        if (change.url === "") {
          core.proxy = { url: null, username: null, password: null };
          return proxyView(core);
        }
        if (!/^https?:\/\/[^/@\s]+$/.test(change.url)) {
          return Promise.reject(ipcError({ code: "invalid", message: "The proxy URL must not hold a user name or password.", hint: "Type them in their own fields." }));
        }
        const password = change.password === null ? core.proxy.password : change.password || null;
        core.proxy = { url: change.url, username: change.username || null, password };
        return proxyView(core);
      }
      case "sign_in_client":
        return core.signInClient;
      case "set_sign_in_client": {
        const id = args.clientId as string | null;
        if (id !== null && !GUID.test(id)) {
          return Promise.reject(ipcError({ code: "conflict", message: `"${id}" is not an application (client) ID.`, hint: "Copy it from the Overview page." }));
        }
        core.signInClient = id ? { clientId: id, isDefault: false } : { clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e", isDefault: true };
        return core.signInClient;
      }
      case "application_deletion_preview": {
        const connection = core.saved.find((c) => c.id === args.connectionId);
        return {
          displayName: "Mailferry Migration Source",
          appId: connection?.clientId ?? "",
          tenantId: connection?.tenantId ?? "",
          permissions: PERMISSIONS.map((p) => p.name),
          otherConnections: [],
        };
      }
      case "delete_connection_application":
        core.deletedApplications.push(String(args.connectionId));
        return { displayName: "Mailferry Migration Source", appId: "", tenantId: "", permissions: [], otherConnections: [] };
      case "replace_client_secret": {
        // As the core: the admin signs in, a new secret of 180 days replaces the old one.
        const connectionId = String(args.connectionId);
        core.secretReplacements.push({ connectionId, days: (args.days as number | null) ?? null });
        const index = core.saved.findIndex((c) => c.id === connectionId);
        const connection = core.saved[index];
        if (!connection || connection.credential.kind !== "secret") {
          return Promise.reject(ipcError({ code: "not_found", message: "Connection does not exist" }));
        }
        if (core.tenantBlocksSecrets) {
          // As the core: the policy read after the sign-in is remembered for the card.
          core.saved[index] = { ...connection, secretsBlocked: true };
          return Promise.reject(ipcError({ code: "conflict", message: "The tenant's app management policy blocks new client secrets (passwordAddition)." }));
        }
        const channel = args.onProgress as Channel<RegistrationProgress>;
        channel.onmessage({ kind: "signingIn" });
        channel.onmessage({ kind: "signedIn", user: "admin@contoso.onmicrosoft.com" });
        channel.onmessage({ kind: "note", text: "Waiting for the new secret: Microsoft is still replicating; asked 1 time" });
        const expiresAt = new Date(Date.now() + 180 * 24 * 3600 * 1000).toISOString();
        core.saved[index] = { ...connection, credential: { kind: "secret", hint: "new", expiresAt } };
        return { connectionId, expiresAt, policyNote: null, warning: null };
      }
      case "switch_to_certificate": {
        // As the core: the admin signs in; a 5-year certificate replaces the secret.
        const connectionId = String(args.connectionId);
        const keepSecret = Boolean(args.keepSecret);
        core.certificateSwitches.push({ connectionId, keepSecret });
        const index = core.saved.findIndex((c) => c.id === connectionId);
        const connection = core.saved[index];
        if (!connection || connection.credential.kind !== "secret") {
          return Promise.reject(ipcError({ code: "conflict", message: "The connection already signs in with a certificate." }));
        }
        const channel = args.onProgress as Channel<RegistrationProgress>;
        channel.onmessage({ kind: "signingIn" });
        channel.onmessage({ kind: "signedIn", user: "admin@contoso.onmicrosoft.com" });
        channel.onmessage({ kind: "note", text: "Waiting for the new certificate: Microsoft is still replicating; asked 1 time" });
        const expiresAt = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000).toISOString();
        const sha1 = "C0FFEE0000000000000000000000000000000001";
        core.saved[index] = { ...connection, credential: { kind: "certificate", sha1Thumbprint: sha1, sha256Thumbprint: null, subject: "CN=Mailferry Migration Source", notAfter: expiresAt } };
        return { connectionId, sha1Thumbprint: sha1, expiresAt, policyNote: null, secretRemoved: !keepSecret, warning: null };
      }
      case "upgrade_permissions_preview": {
        // As the core: the two profiles' sets compared by name.
        const connection = core.saved.find((c) => c.id === String(args.connectionId));
        if (!connection) return Promise.reject(ipcError({ code: "not_found", message: "Connection does not exist" }));
        const to = args.to as PermissionProfile;
        const [old, next] = to === "fullFidelity" ? [PERMISSIONS, FULL_FIDELITY_PERMISSIONS] : [FULL_FIDELITY_PERMISSIONS, PERMISSIONS];
        const named = (set: Permission[], p: Permission) => set.some((q) => q.name === p.name);
        return {
          from: connection.permissionProfile,
          to,
          add: next.filter((p) => !named(old, p)),
          remove: old.filter((p) => !named(next, p)),
          keep: next.filter((p) => named(old, p)),
        } satisfies UpgradePreview;
      }
      case "upgrade_permissions": {
        // As the core: the admin signs in; the connection is saved with its new profile, unverified.
        const connectionId = String(args.connectionId);
        const to = args.to as PermissionProfile;
        core.permissionUpgrades.push({ connectionId, to });
        const channel = args.onProgress as Channel<RegistrationProgress>;
        channel.onmessage({ kind: "signingIn" });
        if (core.failNextUpgrade) {
          const failure = core.failNextUpgrade;
          core.failNextUpgrade = undefined;
          return Promise.reject(failure);
        }
        channel.onmessage({ kind: "signedIn", user: "admin@contoso.onmicrosoft.com" });
        channel.onmessage({ kind: "note", text: "Waiting for Microsoft to apply the permissions" });
        const index = core.saved.findIndex((c) => c.id === connectionId);
        const connection = core.saved[index];
        if (!connection) return Promise.reject(ipcError({ code: "not_found", message: "Connection does not exist" }));
        core.saved[index] = { ...connection, permissionProfile: to, lastCheck: null };
        return core.saved[index];
      }
      case "renew_certificate": {
        // As the core: a manual connection's application Object ID is asked for; the new
        // certificate is valid 5 years and the card's connection changes.
        const connectionId = String(args.connectionId);
        const objectId = (args.objectId as string | null) ?? null;
        core.renewals.push({ connectionId, objectId });
        const index = core.saved.findIndex((c) => c.id === connectionId);
        const connection = core.saved[index];
        if (!connection || connection.credential.kind !== "certificate") {
          return Promise.reject(ipcError({ code: "not_found", message: "Connection does not exist" }));
        }
        if (connection.registration === "manual" && !objectId) {
          return Promise.reject(
            ipcError({
              code: "object_id_needed",
              message: `Mailferry needs the Object ID of application ${connection.clientId} to renew its certificate: its own token may not read the application.`,
              hint: "Copy the Object ID from the app registration's Overview page in the Microsoft Entra admin center.",
            }),
          );
        }
        const channel = args.onProgress as Channel<RenewalEvent>;
        for (const step of ["certificate", "addKey", "proven", "switch", "removeOld"] as const) {
          channel.onmessage({ renewalId: "r1", step, state: "started", detail: "" });
        }
        const newSha1 = "AB".repeat(20);
        const notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000).toISOString();
        core.saved[index] = { ...connection, credential: { ...connection.credential, sha1Thumbprint: newSha1, notAfter } };
        const manual = connection.registration === "manual";
        return {
          id: "r1",
          connectionId,
          status: "completed",
          applicationObjectId: objectId ?? "a0a0a0a0-0000-4000-8000-000000000001",
          oldSha1: connection.credential.sha1Thumbprint,
          oldKeyId: manual ? null : "k1",
          newSha1,
          newKeyId: "k2",
          added: true,
          proven: true,
          switched: true,
          oldRemoved: !manual,
          warning: manual ? `The old certificate ${connection.credential.sha1Thumbprint} is still on the application.` : null,
          lastError: null,
          startedAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        };
      }
      case "sign_in_for_registration": {
        const request = args.request as RegistrationSignIn;
        const channel = args.onProgress as Channel<RegistrationProgress>;
        core.signIns.push(request);
        channel.onmessage({ kind: "signingIn" });
        channel.onmessage({ kind: "signedIn", user: "admin@contoso.onmicrosoft.com" });
        core.signedInCloud = request.cloud;
        return { user: "admin@contoso.onmicrosoft.com", tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f", earlier: core.earlier };
      }
      case "register_automatically": {
        const request = args.request as AutomaticRegistration;
        const channel = args.onProgress as Channel<RegistrationProgress>;
        core.registrations.push(request);
        if (core.failNextRegistration) {
          const error = core.failNextRegistration;
          core.failNextRegistration = undefined;
          return Promise.reject(error);
        }
        const id = request.resume ?? "5d4c3b2a-1f0e-4d9c-8b7a-695847362514";
        for (const step of ["certificate", "application", "servicePrincipal", "permissions", "consent", "connection"] as const) {
          channel.onmessage({ kind: "step", event: { registrationId: id, step, state: "started", detail: "" } });
          channel.onmessage({ kind: "step", event: { registrationId: id, step, state: "done", detail: "" } });
        }
        const fields: DraftFields = {
          name: "contoso.onmicrosoft.com",
          cloud: core.signedInCloud ?? { kind: "global" },
          tenant: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
          clientId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
          applicationMailbox: request.applicationMailbox ?? "admin@contoso.onmicrosoft.com",
          permissionProfile: request.permissionProfile ?? "itemLevel",
          credential: { kind: "certificate", thumbprint: IMPORTED_CERTIFICATE.sha1Thumbprint },
        };
        const made = connectionFrom("source", { fields, secret: null, saved: null }, "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968");
        const connection: Connection = {
          ...made,
          registration: "automatic",
          credential: made.credential.kind === "certificate" ? { ...made.credential, notAfter: core.registeredNotAfter ?? null } : made.credential,
        };
        core.saved = [...core.saved, connection];
        return connection;
      }
      case "last_check_report":
        return core.reports[String(args.id)] ?? null;
      case "plugin:dialog|save":
        return core.savePath;
      case "export_connections": {
        if (core.failNextExport) {
          const error = core.failNextExport;
          core.failNextExport = undefined;
          return Promise.reject(error);
        }
        const request = { ids: args.ids as string[], path: String(args.path) };
        core.exports.push(request);
        const count = request.ids.length || core.saved.length;
        return { path: request.path, format: request.path.split(".").pop(), count };
      }
      case "show_export_in_folder":
        return null;
      case "plugin:dialog|open":
        return core.chosenFile;
      case "import_certificate":
        if (args.password !== PFX_PASSWORD) {
          const message = args.password ? "The password is not right for this PFX file." : "This PFX file is protected by a password.";
          return Promise.reject(ipcError({ code: "certificate_password", message }));
        }
        core.certificates.push(IMPORTED_CERTIFICATE);
        return { info: IMPORTED_CERTIFICATE, warnings: [] };
      case "find_certificate": {
        const wanted = String(args.thumbprint).replace(/[\s:-]/g, "").toUpperCase();
        return core.certificates.find((c) => c.sha1Thumbprint === wanted || c.sha256Thumbprint === wanted) ?? null;
      }
      default:
        return Promise.reject(ipcError({ code: "internal", message: `unexpected command ${command}` }));
    }
  });
  return core;
}

function proxyView(core: FakeCore) {
  return { url: core.proxy.url, username: core.proxy.username, hasPassword: core.proxy.password !== null };
}
