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
import type { ConnectionDraft } from "../bindings/ConnectionDraft";
import type { FieldIssue } from "../bindings/FieldIssue";
import type { ImportedCertificate } from "../bindings/ImportedCertificate";
import type { Permission } from "../bindings/Permission";
import type { Role } from "../bindings/Role";
import type { StagedChanges } from "../bindings/StagedChanges";
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
  validateConnectionDraft: (draft: ConnectionDraft) => call<FieldIssue[]>("validate_connection_draft", { draft }),
  /** Validates the draft; a new secret is held by the core until saveConnections. */
  stageConnection: (draft: ConnectionDraft) => call<Connection>("stage_connection", { draft }),
  discardStagedConnections: () => call<null>("discard_staged_connections"),
  saveConnections: (changes: StagedChanges) => call<Connection[]>("save_connections", { changes }),
  permissionSet: (role: Role) => call<Permission[]>("permission_set", { role }),
  /** The cloud a new connection starts with (a Custom cloud set in the environment, else Global). */
  defaultCloud: () => call<Cloud>("default_cloud"),
  /** Runs the configuration checks; `onEvent` hears each check start and finish as it happens. */
  checkConnection: (connection: Connection, onEvent: (event: CheckEvent) => void) => {
    const channel = new Channel<CheckEvent>();
    channel.onmessage = onEvent;
    return call<CheckRun>("check_connection", { connection, onEvent: channel });
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
  signInClient: () => call<SignInClient>("sign_in_client"),
  /** The application admins sign in with; null goes back to the default. */
  setSignInClient: (clientId: string | null) => call<SignInClient>("set_sign_in_client", { clientId }),
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
