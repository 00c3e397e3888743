// Export summary: the save dialog, then the core writes the file. Shared by the cards' menus
// and the Manage connections window.
import { api, type CommandError } from "../../api";
import type { ExportOutcome } from "../../bindings/ExportOutcome";
import type { Role } from "../../bindings/Role";

export type ExportResult = { kind: "done"; outcome: ExportOutcome } | { kind: "cancelled" } | { kind: "failed"; error: CommandError };

/** The file name the save dialog suggests: the role and the date, as an HTML page. */
export function suggestedFileName(role: Role, now: Date = new Date()): string {
  return `mailferry-${role}-connections-${now.toISOString().slice(0, 10)}.html`;
}

export async function exportSummaries(ids: string[], role: Role): Promise<ExportResult> {
  try {
    const path = await api.chooseExportFile(suggestedFileName(role));
    if (!path) return { kind: "cancelled" };
    return { kind: "done", outcome: await api.exportConnections(ids, path) };
  } catch (error) {
    return { kind: "failed", error: error as CommandError };
  }
}

export function exportedMessage(outcome: ExportOutcome): string {
  const what = outcome.count === 1 ? "1 connection summary" : `${outcome.count} connection summaries`;
  return `Exported ${what} as ${outcome.format.toUpperCase()}.`;
}
