// The Source mailboxes list's selection, free of React: one by one, by shift-range or all,
// over lists of 100,000 mailboxes (search and sort: mailboxIndex.ts).
import type { Mailbox } from "../../bindings/Mailbox";

/**
 * A click on the row at `index` of `visible`: toggles it, or with shift sets every row from
 * the last clicked one to this one to this row's new state.
 */
export function clickRow(
  selected: ReadonlySet<string>,
  visible: readonly Mailbox[],
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
export function toggleAll(selected: ReadonlySet<string>, visible: readonly Mailbox[]): Set<string> {
  const next = new Set(selected);
  const allOn = visible.length > 0 && visible.every((m) => selected.has(m.id));
  for (const m of visible) {
    if (allOn) next.delete(m.id);
    else next.add(m.id);
  }
  return next;
}

/** The keys that move the active row of the list. */
export type MoveKey = "ArrowDown" | "ArrowUp" | "Home" | "End" | "PageDown" | "PageUp";

export function isMoveKey(key: string): key is MoveKey {
  return ["ArrowDown", "ArrowUp", "Home", "End", "PageDown", "PageUp"].includes(key);
}

/** Where the active row goes for a key, within `count` rows; `page` rows per Page Up/Down. */
export function moveActive(key: MoveKey, active: number, count: number, page: number): number {
  if (count === 0) return 0;
  const to = {
    ArrowDown: active + 1,
    ArrowUp: active - 1,
    Home: 0,
    End: count - 1,
    PageDown: active + page,
    PageUp: active - page,
  }[key];
  return Math.min(count - 1, Math.max(0, to));
}

/** Shift with a move key: every row from the anchor to `to` selected, as in a file list. */
export function extendTo(selected: ReadonlySet<string>, visible: readonly Mailbox[], anchor: number, to: number): Set<string> {
  const next = new Set(selected);
  const [from, end] = anchor < to ? [anchor, to] : [to, anchor];
  for (let i = Math.max(0, from); i <= Math.min(end, visible.length - 1); i += 1) next.add(visible[i].id);
  return next;
}

/** Ctrl+A: every visible mailbox selected (those already selected elsewhere stay). */
export function selectAllShown(selected: ReadonlySet<string>, visible: readonly Mailbox[]): Set<string> {
  const next = new Set(selected);
  for (const m of visible) next.add(m.id);
  return next;
}
