import { describe, expect, it } from "vitest";

import { hasChanges, initialRows, manageReducer, stagedChanges } from "./manageState";
import { aConnection } from "../../../test/fixtures";

const connection = (id: string, name: string) => aConnection({ id, name });

describe("staged changes in Manage connections", () => {
  const a = connection("a", "A");
  const b = connection("b", "B");

  it("starts with nothing to save", () => {
    expect(hasChanges(initialRows([a, b]))).toBe(false);
  });

  it("stages a new connection and an edit as upserts", () => {
    const fresh = connection("c", "C");
    const rows = [manageReducer, manageReducer].reduce(
      (state, reduce, i) => reduce(state, i === 0 ? { type: "upsert", connection: fresh } : { type: "upsert", connection: { ...a, name: "A2" } }),
      initialRows([a, b]),
    );
    expect(stagedChanges(rows)).toEqual({ upserts: [{ ...a, name: "A2" }, fresh], deletes: [] });
    expect(rows.map((r) => r.change)).toEqual(["edited", "none", "new"]);
  });

  it("stages a delete, and a second press undoes it", () => {
    const deleted = manageReducer(initialRows([a, b]), { type: "toggleDelete", id: "b" });
    expect(stagedChanges(deleted)).toEqual({ upserts: [], deletes: ["b"] });
    expect(hasChanges(manageReducer(deleted, { type: "toggleDelete", id: "b" }))).toBe(false);
  });

  it("drops a connection that was never saved instead of deleting it", () => {
    const fresh = connection("c", "C");
    const rows = manageReducer(manageReducer(initialRows([a]), { type: "upsert", connection: fresh }), { type: "toggleDelete", id: "c" });
    expect(rows.map((r) => r.connection.id)).toEqual(["a"]);
    expect(hasChanges(rows)).toBe(false);
  });

  it("keeps an edited new connection new", () => {
    const fresh = connection("c", "C");
    const rows = manageReducer(manageReducer([], { type: "upsert", connection: fresh }), { type: "upsert", connection: { ...fresh, name: "C2" } });
    expect(rows).toEqual([{ connection: { ...fresh, name: "C2" }, change: "new", deleted: false }]);
  });

  it("takes what a Test learnt without counting it as a change to save", () => {
    const tested = { ...a, tenantName: "Contoso", lastCheck: { at: "2026-11-27T10:00:01.000Z", outcome: "passed" as const } };
    const rows = manageReducer(initialRows([a, b]), { type: "refresh", connection: tested });
    expect(rows[0].connection.tenantName).toBe("Contoso");
    expect(hasChanges(rows)).toBe(false);
  });
});
