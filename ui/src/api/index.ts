// The one module that calls Tauri commands. Every function is typed by the bindings that
// ts-rs generates from mailferry-core, and every failure arrives as a CommandError.
import { invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";

import type { CertificateInfo } from "../bindings/CertificateInfo";
import type { Connection } from "../bindings/Connection";
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
  /** Reads, checks and stores a certificate with its key; the core reads the file. */
  importCertificate: (path: string, password: string | null = null, keyPath: string | null = null) =>
    call<ImportedCertificate>("import_certificate", { path, keyPath, password }),
  findCertificate: (thumbprint: string) => call<CertificateInfo | null>("find_certificate", { thumbprint }),
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
