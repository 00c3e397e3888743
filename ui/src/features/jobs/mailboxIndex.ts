// The Source mailboxes list's search and sort over 100,000 mailboxes, answered in a few
// milliseconds: every mailbox's sort keys and search text are computed once, when its page
// arrives, and both sort orders are kept by merging each new page in, so a search is one pass
// over an already sorted list and a change of sort is no sort at all.
import type { Mailbox } from "../../bindings/Mailbox";

export type SortKey = "name" | "address";

/** A mailbox as the index keeps it: itself (so lists of them need no copying) and its keys. */
interface Entry extends Mailbox {
  /** Arrival order: equal keys keep it, so the order never flickers between renders. */
  readonly seq: number;
  readonly name: string;
  readonly address: string;
  /** Name, sign-in address and mail address, lower-cased, for the search. */
  readonly text: string;
}

const MARKS = /\p{M}+/gu;
const DIGITS = /\d+/g;

/**
 * A key whose plain (code unit) order is the natural order a user expects, the same for every
 * web view: case and accents ignored ("adam" before "Adele", "Émile" with "Emile"), and numbers
 * by value ("User 2" before "User 10"; each run of digits gets its length in front).
 * Intl.Collator gives this too, but calling it 1.7 million times to sort 100,000 rows takes
 * seconds, and some web views' collators order by code point.
 */
export function sortKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(MARKS, "")
    .toLowerCase()
    .replace(DIGITS, (digits) => {
      const value = digits.replace(/^0+(?=\d)/, "");
      return String(Math.min(value.length, 99)).padStart(2, "0") + value;
    });
}

/** Before in the list: by key, then by arrival. */
const before = (a: Entry, b: Entry, key: SortKey) => a[key] < b[key] || (a[key] === b[key] && a.seq < b.seq);

/**
 * A sorted page merged into the sorted list: each of its entries finds its place by binary
 * search from where the last one went, and the runs between are copied whole, so a page of 999
 * costs about 17,000 comparisons however long the list has grown.
 */
function merge(sorted: Entry[], page: Entry[], key: SortKey): Entry[] {
  if (sorted.length === 0) return page;
  const parts: Entry[][] = [];
  let from = 0;
  for (const entry of page) {
    let low = from;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(sorted[middle], entry, key)) low = middle + 1;
      else high = middle;
    }
    if (low > from) parts.push(sorted.slice(from, low));
    parts.push([entry]);
    from = low;
  }
  parts.push(sorted.slice(from));
  return ([] as Entry[]).concat(...parts);
}

export class MailboxIndex {
  /** In arrival order. */
  readonly all: readonly Mailbox[] = [];
  private sorted: Record<SortKey, Entry[]> = { name: [], address: [] };
  /** Arrived since the last query: sorted and merged in by the next one. */
  private pending: Entry[] = [];
  /** The last answer: typing one more letter searches only what it matched. */
  private last: { needle: string; sort: SortKey; matches: Entry[] } | null = null;

  constructor(mailboxes: readonly Mailbox[] = []) {
    this.add(mailboxes);
  }

  get size(): number {
    return this.all.length;
  }

  add(mailboxes: readonly Mailbox[]): void {
    const all = this.all as Mailbox[];
    for (const { id, displayName, userPrincipalName, mail } of mailboxes) {
      const entry: Entry = {
        id,
        displayName,
        userPrincipalName,
        mail,
        seq: all.length,
        name: sortKey(displayName),
        address: sortKey(userPrincipalName),
        text: `${displayName}\u0000${userPrincipalName}\u0000${mail ?? ""}`.toLowerCase(),
      };
      this.pending.push(entry);
      all.push(entry);
    }
  }

  /** The mailboxes that match the search (name or either address, any case), sorted. */
  visible(search: string, sort: SortKey): readonly Mailbox[] {
    if (this.pending.length > 0) {
      for (const key of ["name", "address"] as const) {
        const page = this.pending.slice().sort((a, b) => (before(a, b, key) ? -1 : 1));
        this.sorted[key] = merge(this.sorted[key], page, key);
      }
      this.pending = [];
      this.last = null;
    }
    const needle = search.trim().toLowerCase();
    const last = this.last;
    const from = last && last.sort === sort && needle.startsWith(last.needle) ? last.matches : this.sorted[sort];
    const matches = needle ? from.filter((entry) => entry.text.includes(needle)) : from;
    this.last = { needle, sort, matches };
    return matches;
  }
}

/** The same answer for a plain list (built once, for one question). */
export function visibleMailboxes(all: readonly Mailbox[], search: string, sort: SortKey): readonly Mailbox[] {
  return new MailboxIndex(all).visible(search, sort);
}
