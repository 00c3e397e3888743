import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

import type { Mailbox } from "../../bindings/Mailbox";
import { clickRow, extendTo, isMoveKey, moveActive, selectAllShown } from "./mailboxSelection";

const ROW_HEIGHT = 36;
const HEIGHT = 320;
/** Rows per Page Up/Down: what the list shows at once. */
const PAGE = Math.floor(HEIGHT / ROW_HEIGHT);
/** Rows drawn beyond each edge: rows are drawn in the scroll event, before the frame. */
const OVERSCAN = 4;
/** Row elements reused as the list scrolls: more than are ever drawn at once (the rows in
 * view, one cut by each edge, and the overscan), so no two rows drawn share one. */
const SLOTS = Math.ceil(HEIGHT / ROW_HEIGHT) + 2 + 2 * OVERSCAN;

const useStyles = makeStyles({
  scroller: {
    height: `${HEIGHT}px`,
    overflowY: "auto",
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    contain: "strict",
    outlineStyle: "none",
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "1px" },
  },
  // The tall content: its own containment, no layer of its own (a layer as tall as 100,000
  // rows costs more to keep than the rows cost to paint).
  content: { position: "relative", width: "100%", contain: "strict" },
  // A row is laid out and painted on its own (strict containment: its size is fixed), so a
  // scroll step repaints the rows that changed and nothing else.
  row: {
    position: "absolute",
    top: 0,
    left: 0,
    right: 0,
    height: `${ROW_HEIGHT}px`,
    boxSizing: "border-box",
    contain: "strict",
    display: "grid",
    gridTemplateColumns: "32px 1fr 1fr",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    paddingLeft: tokens.spacingHorizontalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    cursor: "default",
  },
  // The row the keyboard is on, while the list has focus.
  active: { boxShadow: `inset 0 0 0 2px ${tokens.colorStrokeFocus2}` },
  address: {
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
  },
  name: { fontSize: tokens.fontSizeBase300, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  // A drawn box, no control: a row is re-created on every scroll step, so it must be light,
  // and the option's aria-selected says what is selected (a checkbox inside an option would
  // be a control inside a control).
  check: {
    width: "14px",
    height: "14px",
    display: "grid",
    placeItems: "center",
    border: `1px solid ${tokens.colorNeutralStrokeAccessible}`,
    borderRadius: tokens.borderRadiusSmall,
    fontSize: "12px",
    lineHeight: 1,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  checked: { backgroundColor: tokens.colorBrandBackground, border: `1px solid ${tokens.colorBrandBackground}` },
});

interface Props {
  mailboxes: readonly Mailbox[];
  /** What the list shows (the search and the sort): when it changes, the list starts over at
   * its first row, as a new answer should, instead of where the last one was scrolled to. */
  query: string;
  selected: ReadonlySet<string>;
  onSelected: (selected: Set<string>) => void;
}

/**
 * A multi-select listbox with one tab stop: the arrows, Home/End and Page Up/Down move the
 * active row, Space toggles it, Shift with a move extends the selection from the last toggled
 * row and Shift+Space or Shift+click selects the range, Ctrl+A selects every row shown. Only
 * the rows in view are in the DOM, so 100,000 mailboxes scroll as smoothly as 100; the active
 * row is scrolled into view before it is named as active.
 */
export function MailboxList({ mailboxes, query, selected, onSelected }: Props) {
  const styles = useStyles();
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const anchor = useRef<number | null>(null);
  const virtualizer = useVirtualizer({
    count: mailboxes.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  // A search or sort shortens the list: the active row stays inside it.
  const current = Math.min(active, Math.max(0, mailboxes.length - 1));
  useEffect(() => {
    if (current !== active) setActive(current);
  }, [current, active]);

  // Before the frame is drawn: the scroll event this causes draws the first rows in time.
  const lastQuery = useRef(query);
  useLayoutEffect(() => {
    if (lastQuery.current === query) return;
    lastQuery.current = query;
    setActive(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [query]);

  const goTo = (index: number) => {
    setActive(index);
    virtualizer.scrollToIndex(index, { align: "auto" });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (mailboxes.length === 0) return;
    if (isMoveKey(event.key)) {
      event.preventDefault();
      const to = moveActive(event.key, current, mailboxes.length, PAGE);
      if (event.shiftKey) {
        anchor.current ??= current;
        onSelected(extendTo(selected, mailboxes, anchor.current, to));
      }
      goTo(to);
    } else if (event.key === " ") {
      event.preventDefault();
      onSelected(clickRow(selected, mailboxes, current, anchor.current, event.shiftKey));
      anchor.current = current;
    } else if (event.key.toLowerCase() === "a" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSelected(selectAllShown(selected, mailboxes));
    }
  };

  // One handler for every row: the row says its index.
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>("[data-index]");
    if (!row) return;
    const index = Number(row.dataset.index);
    onSelected(clickRow(selected, mailboxes, index, anchor.current, event.shiftKey));
    anchor.current = index;
    setActive(index);
  };

  const activeId = mailboxes.length > 0 ? `${id}-${current}` : undefined;
  return (
    <div
      ref={scroller}
      className={styles.scroller}
      role="listbox"
      aria-multiselectable
      aria-label="Source mailboxes"
      aria-activedescendant={focused ? activeId : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onClick={onClick}
      // Shift+click selects a range: the browser must not select text as well.
      onMouseDown={(event) => event.shiftKey && event.preventDefault()}
      data-testid="mailbox-scroller"
    >
      <div className={styles.content} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const mailbox = mailboxes[item.index];
          const on = selected.has(mailbox.id);
          const isActive = focused && item.index === current;
          return (
            <div
              // Keyed by slot, not by mailbox: a scroll step gives the rows that left the view
              // the mailboxes that came in, instead of removing and creating elements.
              key={item.index % SLOTS}
              data-index={item.index}
              id={`${id}-${item.index}`}
              role="option"
              aria-selected={on}
              aria-posinset={item.index + 1}
              aria-setsize={mailboxes.length}
              className={isActive ? mergeClasses(styles.row, styles.active) : styles.row}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <span className={on ? mergeClasses(styles.check, styles.checked) : styles.check} aria-hidden>
                {on ? "✓" : ""}
              </span>
              {/* The option's name is its visible text ("Adele Vance adele@contoso.com"): the
                  space between the two is no grid item, only a word break for the name. */}
              <span className={styles.name}>{mailbox.displayName}</span>{" "}
              <span className={styles.address}>{mailbox.userPrincipalName}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
