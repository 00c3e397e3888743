import { describe, expect, it } from "vitest";

import type { SessionRow } from "../../../bindings/SessionRow";
import { aConnection } from "../../../test/fixtures";
import { asksBeforeDeleting, exportableIds } from "./manageState";

const row = (id: string, partial: Partial<SessionRow> = {}): SessionRow => ({
  connection: aConnection({ id, name: id.toUpperCase() }),
  change: "none",
  deleted: false,
  ...partial,
});

describe("what the Manage connections window derives from the session", () => {
  it("exports saved connections only, without those marked for deletion", () => {
    const rows = [row("a"), row("b", { change: "edited" }), row("c", { change: "new" }), row("d", { deleted: true })];
    expect(exportableIds(rows)).toEqual(["a", "b"]);
  });

  it("asks before deleting a saved automatic registration, not a manual or new one", () => {
    const automatic = (partial: Partial<SessionRow> = {}) =>
      row("x", { connection: aConnection({ id: "x", registration: "automatic" }), ...partial });
    expect(asksBeforeDeleting(automatic())).toBe(true);
    expect(asksBeforeDeleting(automatic({ change: "new" }))).toBe(false);
    expect(asksBeforeDeleting(automatic({ deleted: true }))).toBe(false);
    expect(asksBeforeDeleting(row("m"))).toBe(false);
  });
});
