// The Source mailboxes list's logic, free of React: search, sort, and selection one by one,
// by shift-range or all, over lists of 100,000 mailboxes.
import type { Mailbox } from "../../bindings/Mailbox";

export type SortKey = "name" | "address";

/** The mailboxes that match the search (name or address, any case), sorted. */
export function visibleMailboxes(all: Mailbox[], search: string, sort: SortKey): Mailbox[] {
  const needle = search.trim().toLowerCase();
  const matches = needle
    ? all.filter(
        (m) =>
          m.displayName.toLowerCase().includes(needle) ||
          m.userPrincipalName.toLowerCase().includes(needle) ||
          (m.mail?.toLowerCase().includes(needle) ?? false),
      )
    : all.slice();
  // Lower-cased first: some web views' collators order by code point, capitals before all.
  const key = sort === "name" ? (m: Mailbox) => m.displayName.toLowerCase() : (m: Mailbox) => m.userPrincipalName.toLowerCase();
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
  return matches.sort((a, b) => collator.compare(key(a), key(b)));
}

/**
 * A click on the row at `index` of `visible`: toggles it, or with shift sets every row from
 * the last clicked one to this one to this row's new state.
 */
export function clickRow(
  selected: ReadonlySet<string>,
  visible: Mailbox[],
  index: number,
  anchor: number | null,
  shift: boolean,
): Set<string> {
  const next = new Set(selected);
  const id = visible[index]?.id;
  if (id === undefined) return next;
  const on = !selected.has(id);
  if (shift && anchor !== null && visible[anchor]) {
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = from; i <= to; i += 1) {
      if (on) next.add(visible[i].id);
      else next.delete(visible[i].id);
    }
  } else if (on) {
    next.add(id);
  } else {
    next.delete(id);
  }
  return next;
}

/** Selects every visible mailbox, or clears them when all are selected already. */
export function toggleAll(selected: ReadonlySet<string>, visible: Mailbox[]): Set<string> {
  const next = new Set(selected);
  const allOn = visible.length > 0 && visible.every((m) => selected.has(m.id));
  for (const m of visible) {
    if (allOn) next.delete(m.id);
    else next.add(m.id);
  }
  return next;
}
