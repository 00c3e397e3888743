// Search and sort of the Source mailboxes list at 100,000 mailboxes: `npm --workspace ui run bench`.
// The same work the list does when the last page arrives, when a search is typed, and when
// the sort changes. Numbers only; no test asserts a time.
import { bench, describe } from "vitest";

import type { Mailbox } from "../src/bindings/Mailbox";
import { MailboxIndex } from "../src/features/jobs/mailboxIndex";

const COUNT = 100_000;
const mailboxes: Mailbox[] = Array.from({ length: COUNT }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  displayName: `User ${String((i * 7919) % COUNT).padStart(6, "0")}`,
  userPrincipalName: `user${String((i * 104729) % COUNT).padStart(6, "0")}@contoso.onmicrosoft.com`,
  mail: `user${i}@contoso.com`,
}));
const pages = Array.from({ length: Math.ceil(COUNT / 999) }, (_, p) => mailboxes.slice(p * 999, (p + 1) * 999));

const ready = new MailboxIndex();
for (const page of pages) ready.add(page);
ready.visible("", "name");

describe(`${COUNT} mailboxes`, () => {
  bench("index every page as it arrives, the list shown after each", () => {
    const index = new MailboxIndex();
    for (const page of pages) {
      index.add(page);
      index.visible("", "name");
    }
  }, { time: 0, iterations: 5, warmupIterations: 1 });
  bench("search (type 'user0123')", () => {
    ready.visible("user0123", "name");
  });
  bench("search matching every row ('contoso')", () => {
    ready.visible("contoso", "address");
  });
  bench("change the sort (name to address)", () => {
    ready.visible("", "address");
  });
});
