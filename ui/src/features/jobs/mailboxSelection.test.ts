import { describe, expect, it } from "vitest";

import type { Mailbox } from "../../bindings/Mailbox";
import { visibleMailboxes } from "./mailboxIndex";
import { clickRow, extendTo, moveActive, selectAllShown, toggleAll } from "./mailboxSelection";

const mailbox = (n: number, name = `User ${n}`): Mailbox => ({
  id: `id-${n}`,
  displayName: name,
  userPrincipalName: `user${n}@contoso.com`,
  mail: `u${n}@contoso.com`,
});
const all = [mailbox(3, "Cleo"), mailbox(1, "Adele"), mailbox(2, "Bram"), mailbox(10, "adam")];

describe("the Source mailboxes list", () => {
  it("searches names and addresses in any case, and sorts naturally", () => {
    expect(visibleMailboxes(all, "", "name").map((m) => m.displayName)).toEqual(["adam", "Adele", "Bram", "Cleo"]);
    expect(visibleMailboxes(all, "", "address").map((m) => m.userPrincipalName)).toEqual([
      "user1@contoso.com",
      "user2@contoso.com",
      "user3@contoso.com",
      "user10@contoso.com",
    ]);
    expect(visibleMailboxes(all, "ADE", "name").map((m) => m.displayName)).toEqual(["Adele"]);
    expect(visibleMailboxes(all, "u10@", "name").map((m) => m.displayName)).toEqual(["adam"]);
  });

  it("selects one by one, by shift-range in either direction, and all of what is shown", () => {
    const visible = visibleMailboxes(all, "", "name");
    let selected = clickRow(new Set(), visible, 1, null, false);
    expect([...selected]).toEqual(["id-1"]);
    selected = clickRow(selected, visible, 3, 1, true);
    expect([...selected].sort()).toEqual(["id-1", "id-2", "id-3"]);
    selected = clickRow(selected, visible, 2, 3, true);
    // A shift-click on a selected row clears the range.
    expect([...selected]).toEqual(["id-1"]);
    selected = toggleAll(selected, visible);
    expect(selected.size).toBe(4);
    expect(toggleAll(selected, visible).size).toBe(0);
  });

  it("stays quick with 100,000 mailboxes", () => {
    const many = Array.from({ length: 100_000 }, (_, i) => mailbox(i));
    const visible = visibleMailboxes(many, "user9999", "address");
    expect(visible.map((m) => m.userPrincipalName)).toEqual(["user9999@contoso.com", ...Array.from({ length: 10 }, (_, i) => `user9999${i}@contoso.com`)]);
    expect(toggleAll(new Set(), visibleMailboxes(many, "", "name")).size).toBe(100_000);
  });
});

describe("the Source mailboxes list by keyboard", () => {
  const visible = visibleMailboxes(all, "", "name");

  it("moves the active row with the arrows, Home/End and Page Up/Down, never past either end", () => {
    expect(moveActive("ArrowDown", 0, 4, 8)).toBe(1);
    expect(moveActive("ArrowUp", 0, 4, 8)).toBe(0);
    expect(moveActive("ArrowDown", 3, 4, 8)).toBe(3);
    expect(moveActive("End", 1, 4, 8)).toBe(3);
    expect(moveActive("Home", 3, 4, 8)).toBe(0);
    expect(moveActive("PageDown", 0, 100, 8)).toBe(8);
    expect(moveActive("PageUp", 5, 100, 8)).toBe(0);
    expect(moveActive("PageDown", 95, 100, 8)).toBe(99);
    expect(moveActive("ArrowDown", 0, 0, 8)).toBe(0);
  });

  it("extends the selection from the anchor with Shift, in either direction, and Ctrl+A adds every row shown", () => {
    const down = extendTo(new Set(["id-10"]), visible, 1, 3);
    expect([...down].sort()).toEqual(["id-1", "id-10", "id-2", "id-3"]);
    expect([...extendTo(new Set(), visible, 2, 0)].sort()).toEqual(["id-1", "id-10", "id-2"]);
    const shown = visibleMailboxes(all, "ad", "name");
    expect([...selectAllShown(new Set(["id-3"]), shown)].sort()).toEqual(["id-1", "id-10", "id-3"]);
  });
});
