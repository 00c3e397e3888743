// The Manage connections window's staged changes: nothing is saved until OK.
import type { Connection } from "../../../bindings/Connection";
import type { StagedChanges } from "../../../bindings/StagedChanges";

export type RowChange = "none" | "new" | "edited";

export interface Row {
  connection: Connection;
  change: RowChange;
  deleted: boolean;
}

export type ManageAction =
  | { type: "upsert"; connection: Connection }
  /** The same connection with what a check learnt: not an edit of its own. */
  | { type: "refresh"; connection: Connection }
  /** A connection saved outside the window (automatic registration): listed, nothing to save. */
  | { type: "addSaved"; connection: Connection }
  | { type: "toggleDelete"; id: string };

export function initialRows(saved: Connection[]): Row[] {
  return saved.map((connection) => ({ connection, change: "none", deleted: false }));
}

export function manageReducer(rows: Row[], action: ManageAction): Row[] {
  switch (action.type) {
    case "upsert": {
      const index = rows.findIndex((row) => row.connection.id === action.connection.id);
      if (index < 0) return [...rows, { connection: action.connection, change: "new", deleted: false }];
      return rows.map((row, i) =>
        i === index ? { connection: action.connection, change: row.change === "new" ? "new" : "edited", deleted: false } : row,
      );
    }
    case "addSaved":
      return [...rows.filter((row) => row.connection.id !== action.connection.id), { connection: action.connection, change: "none", deleted: false }];
    case "refresh":
      return rows.map((row) => (row.connection.id === action.connection.id ? { ...row, connection: action.connection } : row));
    case "toggleDelete":
      // Deleting a connection that was never saved simply drops it.
      return rows.flatMap((row) => {
        if (row.connection.id !== action.id) return [row];
        if (row.change === "new") return [];
        return [{ ...row, deleted: !row.deleted }];
      });
  }
}

export function stagedChanges(rows: Row[]): StagedChanges {
  return {
    upserts: rows.filter((row) => row.change !== "none" && !row.deleted).map((row) => row.connection),
    deletes: rows.filter((row) => row.deleted).map((row) => row.connection.id),
  };
}

export function hasChanges(rows: Row[]): boolean {
  const { upserts, deletes } = stagedChanges(rows);
  return upserts.length > 0 || deletes.length > 0;
}
