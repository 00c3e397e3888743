import { describe, expect, it } from "vitest";

import type { Mailbox } from "../../bindings/Mailbox";
import { MailboxIndex, sortKey, visibleMailboxes } from "./mailboxIndex";

const mailbox = (id: string, displayName: string, userPrincipalName = `${id}@contoso.com`, mail: string | null = null): Mailbox => ({
  id,
  displayName,
  userPrincipalName,
  mail,
});
const names = (list: readonly Mailbox[]) => list.map((m) => m.displayName);

describe("the mailbox index", () => {
  it("orders as a user reads: case and accents ignored, numbers by value, digits before letters", () => {
    const list = ["User 10", "user 2", "Émile", "emil", "Zoë", "zoe 1", "User 02b", "a1", "ab"].map((name, i) => mailbox(`m${i}`, name));
    expect(names(visibleMailboxes(list, "", "name"))).toEqual(["a1", "ab", "emil", "Émile", "user 2", "User 02b", "User 10", "Zoë", "zoe 1"]);
    expect(sortKey("User 007")).toBe(sortKey("user 7"));
  });

  it("gives the same order whether the mailboxes came in one page or many, and keeps arrival order for equal names", () => {
    const all = Array.from({ length: 5000 }, (_, i) => mailbox(`id-${i}`, `Person ${(i * 7919) % 1000}`, `p${(i * 104729) % 5000}@contoso.com`));
    const paged = new MailboxIndex();
    for (let start = 0; start < all.length; start += 999) {
      paged.add(all.slice(start, start + 999));
      // A query between pages, as the list renders while discovery goes on.
      paged.visible("", "name");
    }
    const once = new MailboxIndex(all);
    for (const sort of ["name", "address"] as const) {
      expect(paged.visible("", sort).map((m) => m.id)).toEqual(once.visible("", sort).map((m) => m.id));
    }
    const sameName = paged.visible("person 5", "name").filter((m) => m.displayName === "Person 5");
    expect(sameName.map((m) => m.id)).toEqual(all.filter((m) => m.displayName === "Person 5").map((m) => m.id));
    expect(paged.size).toBe(5000);
    expect(paged.all.map((m) => m.id)).toEqual(all.map((m) => m.id));
  });

  it("searches the name, the sign-in address and the mail address, in any case, keeping the sort", () => {
    const index = new MailboxIndex([
      mailbox("1", "Adele Vance", "adele@contoso.com", "a.vance@contoso.com"),
      mailbox("2", "Bram Dekker", "bram@contoso.com"),
      mailbox("3", "Cleo Adams", "cleo@contoso.com"),
    ]);
    expect(names(index.visible("  AD ", "name"))).toEqual(["Adele Vance", "Cleo Adams"]);
    expect(names(index.visible("A.VANCE@", "name"))).toEqual(["Adele Vance"]);
    expect(names(index.visible("contoso", "address"))).toEqual(["Adele Vance", "Bram Dekker", "Cleo Adams"]);
    // The parts are searched one by one: no match across the end of the name.
    expect(index.visible("vanceadele", "name")).toEqual([]);
  });
});
