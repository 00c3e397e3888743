// The one module that calls Tauri commands. Every function is typed by the bindings that
// ts-rs generates from mailferry-core, and every failure arrives as a CommandError.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";

import type { CertificateInfo } from "../bindings/CertificateInfo";
import type { CheckEvent } from "../bindings/CheckEvent";
import type { CheckReport } from "../bindings/CheckReport";
import type { CheckRun } from "../bindings/CheckRun";
import type { Cloud } from "../bindings/Cloud";
import type { Connection } from "../bindings/Connection";
import type { DemoStatus } from "../bindings/DemoStatus";
import type { ExportOutcome } from "../bindings/ExportOutcome";
import type { ApplicationDeletion } from "../bindings/ApplicationDeletion";
import type { DiscoveryPage } from "../bindings/DiscoveryPage";
import type { DiscoveryTotals } from "../bindings/DiscoveryTotals";
import type { Job } from "../bindings/Job";
import type { JobDraft } from "../bindings/JobDraft";
import type { AutomaticRegistration } from "../bindings/AutomaticRegistration";
import type { RegistrationSignIn } from "../bindings/RegistrationSignIn";
import type { SignedIn } from "../bindings/SignedIn";
import type { SignInClient } from "../bindings/SignInClient";
import type { Registration } from "../bindings/Registration";
import type { RegistrationProgress } from "../bindings/RegistrationProgress";
import type { DraftFields } from "../bindings/DraftFields";
import type { DraftState } from "../bindings/DraftState";
import type { ImportedCertificate } from "../bindings/ImportedCertificate";
import type { PermissionProfile } from "../bindings/PermissionProfile";
import type { Permission } from "../bindings/Permission";
import type { ProxyChange } from "../bindings/ProxyChange";
import type { ProxySettings } from "../bindings/ProxySettings";
import type { Renewal } from "../bindings/Renewal";
import type { RenewalEvent } from "../bindings/RenewalEvent";
import type { SecretReplacement } from "../bindings/SecretReplacement";
import type { CertificateSwitch } from "../bindings/CertificateSwitch";
import type { UpgradePreview } from "../bindings/UpgradePreview";
import type { Role } from "../bindings/Role";
import type { SessionView } from "../bindings/SessionView";
import { toCommandError } from "./errors";

export { CommandError } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toCommandError(error);
  }
}

export const api = {
  listConnections: (role?: Role) => call<Connection[]>("list_connections", { role: role ?? null }),
  getConnection: (id: string) => call<Connection>("get_connection", { id }),
  // The edit session of a Manage connections window: the core holds every change until OK.
  openEditSession: (role: Role) => call<SessionView>("open_edit_session", { role }),
  editSessionView: (sessionId: string) => call<SessionView>("edit_session_view", { sessionId }),
  /** Starts the wizard's draft: of a connection of the session, or of a new one (null). */
  startDraft: (sessionId: string, connectionId: string | null) => call<string>("start_draft", { sessionId, connectionId }),
  /** The fields as typed; the core validates them once and answers with the problems. */
  putDraft: (sessionId: string, draftId: string, fields: DraftFields) => call<DraftState>("put_draft", { sessionId, draftId, fields }),
  /** The one call that carries a pasted secret; it is never sent back. */
  putSecret: (sessionId: string, draftId: string, secret: string) => call<DraftState>("put_secret", { sessionId, draftId, secret }),
  /** Finish: the draft becomes a change that OK saves. */
  keepDraft: (sessionId: string, draftId: string) => call<SessionView>("keep_draft", { sessionId, draftId }),
  /** Cancel in the wizard: its copy is forgotten. */
  dropDraft: (sessionId: string, draftId: string) => call<null>("drop_draft", { sessionId, draftId }),
  stageDelete: (sessionId: string, connectionId: string, remove: boolean) =>
    call<SessionView>("stage_delete", { sessionId, connectionId, delete: remove }),
  /** OK: saves the session's changes as one unit and closes it. */
  commitEditSession: (sessionId: string) => call<Connection[]>("commit_edit_session", { sessionId }),
  discardEditSession: (sessionId: string) => call<null>("discard_edit_session", { sessionId }),
  permissionSet: (role: Role, profile: PermissionProfile) => call<Permission[]>("permission_set", { role, profile }),
  /** The cloud a new connection starts with (a Custom cloud set in the environment, else Global). */
  defaultCloud: () => call<Cloud>("default_cloud"),
  /** Runs the configuration checks on a connection of the session (its draft, or as saved);
   * `onEvent` hears each check start and finish as it happens. */
  checkConnection: (sessionId: string, connectionId: string, onEvent: (event: CheckEvent) => void) => {
    const channel = new Channel<CheckEvent>();
    channel.onmessage = onEvent;
    return call<CheckRun>("check_connection", { sessionId, connectionId, onEvent: channel });
  },
  /** Signs the admin in (system browser or device code); lists earlier Mailferry registrations. */
  signInForRegistration: (request: RegistrationSignIn, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<SignedIn>("sign_in_for_registration", { request, onProgress: channel });
  },
  /** Registers the application with the signed-in admin; streams progress. */
  registerAutomatically: (request: AutomaticRegistration, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<Connection>("register_automatically", { request, onProgress: channel });
  },
  rollBackRegistration: (id: string, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<Registration>("roll_back_registration", { id, onProgress: channel });
  },
  applicationDeletionPreview: (connectionId: string) => call<ApplicationDeletion>("application_deletion_preview", { connectionId }),
  /** Signs an admin in and deletes the connection's application from Entra ID now. */
  deleteConnectionApplication: (connectionId: string, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<ApplicationDeletion>("delete_connection_application", { connectionId, onProgress: channel });
  },
  /** Renews a certificate connection's certificate with no administrator; streams each step. */
  renewCertificate: (connectionId: string, objectId: string | null, onProgress: (event: RenewalEvent) => void) => {
    const channel = new Channel<RenewalEvent>();
    channel.onmessage = onProgress;
    return call<Renewal>("renew_certificate", { connectionId, objectId, onProgress: channel });
  },
  /** An administrator signs in, then the connection gets a new client secret (days: default 180). */
  replaceClientSecret: (connectionId: string, days: number | null, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<SecretReplacement>("replace_client_secret", { connectionId, days, onProgress: channel });
  },
  /** Switches a client secret connection to a certificate after an administrator signs in. */
  switchToCertificate: (connectionId: string, keepSecret: boolean, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<CertificateSwitch>("switch_to_certificate", { connectionId, keepSecret, onProgress: channel });
  },
  /** What moving the connection to another permission profile grants, revokes and keeps. */
  upgradePermissionsPreview: (connectionId: string, to: PermissionProfile) => call<UpgradePreview>("upgrade_permissions_preview", { connectionId, to }),
  /** An administrator signs in, then the connection's application gets the profile's permissions. */
  upgradePermissions: (connectionId: string, to: PermissionProfile, onProgress: (progress: RegistrationProgress) => void) => {
    const channel = new Channel<RegistrationProgress>();
    channel.onmessage = onProgress;
    return call<Connection>("upgrade_permissions", { connectionId, to, onProgress: channel });
  },
  signInClient: () => call<SignInClient>("sign_in_client"),
  /** The application admins sign in with; null goes back to the default. */
  setSignInClient: (clientId: string | null) => call<SignInClient>("set_sign_in_client", { clientId }),
  /** Whether the dashboard shows the demo cloud, and the demo tenants' published details. */
  demoStatus: () => call<DemoStatus>("demo_status"),
  /** Try with a demo tenant: the demo's connections from now on, and at the next start. */
  enterDemo: () => call<DemoStatus>("enter_demo"),
  /** Leave the demo: the user's own connections again. */
  leaveDemo: () => call<DemoStatus>("leave_demo"),
  /** Writes a demo tenant's PFX (certificate and key) where the save dialog chose. */
  saveDemoCertificate: (tenantId: string, path: string) => call<null>("save_demo_certificate", { tenantId, path }),
  /** The native save dialog for a demo PFX; the chosen path, or null when cancelled. */
  chooseDemoCertificateFile: async (suggestedName: string): Promise<string | null> => {
    try {
      const chosen = await save({
        title: "Save the demo certificate",
        defaultPath: suggestedName,
        filters: [{ name: "PFX with its private key (.pfx)", extensions: ["pfx"] }],
      });
      return chosen ?? null;
    } catch (error) {
      throw toCommandError(error);
    }
  },
  /** The proxy in Settings (never its password). */
  proxySettings: () => call<ProxySettings>("proxy_settings"),
  /** Saves the proxy (an empty URL removes it); later requests go through it. */
  setProxySettings: (change: ProxyChange) => call<ProxySettings>("set_proxy_settings", { change }),
  /** Reads a source tenant's mailboxes; each page arrives on `onPage` as Microsoft sends it. */
  discoverMailboxes: (connectionId: string, onPage: (page: DiscoveryPage) => void) => {
    const channel = new Channel<DiscoveryPage>();
    channel.onmessage = onPage;
    return call<DiscoveryTotals>("discover_mailboxes", { connectionId, onPage: channel });
  },
  cancelDiscovery: () => call<boolean>("cancel_discovery"),
  listJobs: () => call<Job[]>("list_jobs"),
  getJob: (id: string) => call<Job>("get_job", { id }),
  saveJob: (draft: JobDraft) => call<Job>("save_job", { draft }),
  renameJob: (id: string, name: string) => call<Job>("rename_job", { id, name }),
  deleteJob: (id: string) => call<Job>("delete_job", { id }),
  cancelRegistration: () => call<boolean>("cancel_registration"),
  unfinishedRegistrations: () => call<Registration[]>("unfinished_registrations"),
  cancelCheck: (connectionId: string) => call<boolean>("cancel_check", { connectionId }),
  lastCheckReport: (id: string) => call<CheckReport | null>("last_check_report", { id }),
  /** Reads, checks and stores a certificate with its key; the core reads the file. */
  importCertificate: (path: string, password: string | null = null, keyPath: string | null = null) =>
    call<ImportedCertificate>("import_certificate", { path, keyPath, password }),
  findCertificate: (thumbprint: string) => call<CertificateInfo | null>("find_certificate", { thumbprint }),
  /** Writes the summaries of `ids` (all when empty) to `path`; the format follows its extension. */
  exportConnections: (ids: string[], path: string) => call<ExportOutcome>("export_connections", { ids, path }),
  showExportInFolder: (path: string) => call<null>("show_export_in_folder", { path }),
  /** The native save dialog for an export; resolves to the chosen path, or null when cancelled. */
  chooseExportFile: async (suggestedName: string): Promise<string | null> => {
    try {
      const chosen = await save({
        title: "Export connection summaries",
        defaultPath: suggestedName,
        filters: [
          { name: "Web page, printable (.html)", extensions: ["html"] },
          { name: "CSV for Excel (.csv)", extensions: ["csv"] },
          { name: "JSON (.json)", extensions: ["json"] },
        ],
      });
      return chosen ?? null;
    } catch (error) {
      throw toCommandError(error);
    }
  },
  /** The native open dialog; resolves to the chosen path, or null when cancelled. */
  chooseCertificateFile: async (): Promise<string | null> => {
    try {
      const chosen = await open({
        title: "Import certificate",
        multiple: false,
        directory: false,
        filters: [
          { name: "Certificates (.pfx, .p12, .pem, .cer, .crt)", extensions: ["pfx", "p12", "pem", "cer", "crt"] },
          { name: "All files", extensions: ["*"] },
        ],
      });
      return typeof chosen === "string" ? chosen : null;
    } catch (error) {
      throw toCommandError(error);
    }
  },
};

export type Api = typeof api;
