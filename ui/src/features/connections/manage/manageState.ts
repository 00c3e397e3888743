// The Manage connections window shows the core's edit session (a SessionView): the rows, what
// changed and what OK saves all come from the core. What the window derives from it is here.
import type { SessionRow } from "../../../bindings/SessionRow";

/** An export reads what is saved: connections only added in this window are not in it yet,
 * and those marked for deletion are left out. */
export function exportableIds(rows: SessionRow[]): string[] {
  return rows.filter((row) => row.change !== "new" && !row.deleted).map((row) => row.connection.id);
}

/** Deleting an automatic registration's saved connection asks about its application first. */
export function asksBeforeDeleting(row: SessionRow): boolean {
  return !row.deleted && row.change !== "new" && row.connection.registration === "automatic";
}
