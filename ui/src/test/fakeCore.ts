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
import type { RegistrationProgress } from "../bindings/RegistrationProgress";
import type { CheckReport } from "../bindings/CheckReport";
import type { CheckRun } from "../bindings/CheckRun";

import type { CertificateInfo } from "../bindings/CertificateInfo";
import type { Connection } from "../bindings/Connection";
import type { ConnectionDraft } from "../bindings/ConnectionDraft";
import type { FieldIssue } from "../bindings/FieldIssue";
import type { IpcError } from "../bindings/IpcError";
import type { Permission } from "../bindings/Permission";
import type { StagedChanges } from "../bindings/StagedChanges";
import { aReport } from "./fixtures";

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The messages the core gives for the mistakes these tests make (see validate.rs). */
export function issuesFor(draft: ConnectionDraft): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(draft.applicationMailbox.trim())) {
    issues.push({ field: "applicationMailbox", message: "Application mailbox: this is not an email address.", hint: "Users > Active users." });
  }
  if (!GUID.test(draft.clientId.trim())) {
    issues.push({ field: "clientId", message: "Application (client) ID: this is not a GUID.", hint: "App registrations > Overview." });
  }
  if (draft.tenant.trim() === "") {
    issues.push({ field: "tenant", message: "Directory (tenant) ID: enter the tenant ID or a verified domain of the tenant.", hint: "Identity > Overview." });
  }
  if (draft.credential.kind === "secret" && draft.credential.value !== null) {
    const value = draft.credential.value.trim();
    if (GUID.test(value)) {
      issues.push({ field: "clientSecret", message: "Client secret: this looks like the Secret ID; paste the secret's Value instead.", hint: "The Value column holds the secret." });
    } else if (value === "") {
      issues.push({ field: "clientSecret", message: "Client secret: paste the client secret's Value.", hint: "Certificates & secrets." });
    }
  }
  return issues;
}

export const PERMISSIONS: Permission[] = [
  { name: "User.Read.All", id: "df021288-bdef-4463-88db-98f22de89214", resource: "Microsoft Graph", reason: "Find the tenant's users and their mailboxes." },
  { name: "Mail.Read", id: "810c84a8-4a9e-49e6-bf7d-12d183f40d01", resource: "Microsoft Graph", reason: "Read the mail to migrate." },
];

export function ipcError(partial: Partial<IpcError> & Pick<IpcError, "code" | "message">): IpcError {
  return { hint: null, issues: [], aadsts: null, correlationId: null, microsoft: null, consentUrl: null, ...partial };
}

export interface FakeCore {
  saved: Connection[];
  calls: { command: string; args: Record<string, unknown> }[];
  staged: ConnectionDraft[];
  saves: StagedChanges[];
  discards: number;
  /** Make the next save fail with this error. */
  failNextSave?: IpcError;
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
  /** Sign-ins for a registration, and the earlier registrations they find. */
  signIns: RegistrationSignIn[];
  earlier: EarlierRegistration[];
  signedInCloud?: Cloud;
  /** Connections whose Entra application was deleted. */
  deletedApplications: string[];
  signInClient: { clientId: string; isDefault: boolean };
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

export function connectionFrom(draft: ConnectionDraft, id = "0b4c9a52-8a57-4ad0-9a2e-9c1f4a3e0d11"): Connection {
  const secret = draft.credential.kind === "secret" ? (draft.credential.value ?? "").trim() : "";
  return {
    id: draft.id ?? id,
    role: draft.role,
    name: draft.name.trim() || draft.tenant.trim().toLowerCase(),
    cloud: draft.cloud,
    tenantId: draft.tenant.trim().toLowerCase(),
    tenantName: null,
    defaultDomain: null,
    clientId: draft.clientId.trim().toLowerCase(),
    applicationMailbox: draft.applicationMailbox.trim(),
    registration: "manual",
    credential:
      draft.credential.kind === "secret"
        ? { kind: "secret", hint: secret.slice(-3), expiresAt: null }
        : { kind: "certificate", sha1Thumbprint: draft.credential.thumbprint.replace(/[\s:]/g, "").toUpperCase(), sha256Thumbprint: null, subject: null, notAfter: null },
    createdAt: "2026-11-27T09:00:00.000Z",
    updatedAt: "2026-11-27T09:00:00.000Z",
    lastCheck: null,
  };
}

export function installFakeCore(saved: Connection[] = []): FakeCore {
  const core: FakeCore = {
    saved: [...saved],
    calls: [],
    staged: [],
    saves: [],
    discards: 0,
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
    signInClient: { clientId: "14d82eec-204b-4c2f-b7e8-296a70dab67e", isDefault: true },
    jobs: [],
    tenantMailboxes: [],
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
        return PERMISSIONS;
      case "validate_connection_draft":
        return issuesFor(args.draft as ConnectionDraft);
      case "stage_connection": {
        const draft = args.draft as ConnectionDraft;
        const issues = issuesFor(draft);
        if (issues.length > 0) {
          return Promise.reject(ipcError({ code: "invalid", message: issues.map((i) => i.message).join(" "), issues }));
        }
        core.staged.push(draft);
        return connectionFrom(draft);
      }
      case "default_cloud":
        return { kind: "global" };
      case "check_connection": {
        const connection = args.connection as Connection;
        const channel = args.onEvent as Channel<CheckEvent>;
        core.checked.push(connection);
        const report = (core.nextReports.shift() ?? aReport)(connection.id);
        // Live progress, as the core sends it: each check starts, then finishes.
        for (const result of report.results) {
          channel.onmessage({ kind: "started", id: result.id });
          channel.onmessage({ kind: "finished", result });
        }
        core.reports[connection.id] = report;
        const run: CheckRun = {
          report,
          connection: {
            ...connection,
            tenantName: report.tenantName,
            defaultDomain: report.defaultDomain,
            lastCheck: { at: report.finishedAt, outcome: report.outcome },
          },
        };
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
        const connection: Connection = {
          ...connectionFrom({
            id: null,
            role: "source",
            name: "contoso.onmicrosoft.com",
            cloud: core.signedInCloud ?? { kind: "global" },
            tenant: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
            clientId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            applicationMailbox: request.applicationMailbox ?? "admin@contoso.onmicrosoft.com",
            credential: { kind: "certificate", thumbprint: IMPORTED_CERTIFICATE.sha1Thumbprint },
          }, "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"),
          registration: "automatic",
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
      case "discard_staged_connections":
        core.discards += 1;
        return null;
      case "save_connections": {
        const changes = args.changes as StagedChanges;
        if (core.failNextSave) {
          const error = core.failNextSave;
          core.failNextSave = undefined;
          return Promise.reject(error);
        }
        core.saves.push(changes);
        const kept = core.saved.filter((c) => !changes.deletes.includes(c.id) && !changes.upserts.some((u) => u.id === c.id));
        core.saved = [...kept, ...changes.upserts];
        return core.saved;
      }
      default:
        return Promise.reject(ipcError({ code: "internal", message: `unexpected command ${command}` }));
    }
  });
  return core;
}
