import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

import type { Mailbox } from "../../bindings/Mailbox";
import { clickRow, extendTo, isMoveKey, moveActive, selectAllShown } from "./mailboxSelection";

const ROW_HEIGHT = 36;
const HEIGHT = 320;
/** Rows per Page Up/Down: what the list shows at once. */
const PAGE = Math.floor(HEIGHT / ROW_HEIGHT);

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
  row: {
    position: "absolute",
    left: 0,
    right: 0,
    height: `${ROW_HEIGHT}px`,
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
export function MailboxList({ mailboxes, selected, onSelected }: Props) {
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
    overscan: 12,
  });
  // A search or sort shortens the list: the active row stays inside it.
  const current = Math.min(active, Math.max(0, mailboxes.length - 1));
  useEffect(() => {
    if (current !== active) setActive(current);
  }, [current, active]);

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

  const onRowClick = (index: number, event: MouseEvent) => {
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
      data-testid="mailbox-scroller"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", willChange: "transform" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const mailbox = mailboxes[item.index];
          const on = selected.has(mailbox.id);
          const isActive = focused && item.index === current;
          return (
            <div
              key={mailbox.id}
              id={`${id}-${item.index}`}
              role="option"
              aria-selected={on}
              aria-posinset={item.index + 1}
              aria-setsize={mailboxes.length}
              className={isActive ? mergeClasses(styles.row, styles.active) : styles.row}
              style={{ transform: `translateY(${item.start}px)` }}
              onMouseDown={(event) => event.shiftKey && event.preventDefault()}
              onClick={(event) => onRowClick(item.index, event)}
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
