import { makeStyles, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";

import type { Mailbox } from "../../bindings/Mailbox";

const ROW_HEIGHT = 36;

const useStyles = makeStyles({
  scroller: {
    height: "320px",
    overflowY: "auto",
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    contain: "strict",
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
  address: {
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
  },
  name: { fontSize: tokens.fontSizeBase300, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  // A native checkbox: a row is re-created on every scroll step, so it must be light.
  check: { width: "16px", height: "16px", margin: 0, accentColor: tokens.colorBrandBackground },
});

interface Props {
  mailboxes: Mailbox[];
  selected: ReadonlySet<string>;
  onClick: (index: number, shift: boolean) => void;
}

/** Only the rows in view are in the DOM, so 100,000 mailboxes scroll as smoothly as 100. */
export function MailboxList({ mailboxes, selected, onClick }: Props) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: mailboxes.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  return (
    <div ref={scroller} className={styles.scroller} role="list" aria-label="Source mailboxes" data-testid="mailbox-scroller">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", willChange: "transform" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const mailbox = mailboxes[item.index];
          const on = selected.has(mailbox.id);
          return (
            <div
              key={mailbox.id}
              role="listitem"
              aria-label={`${mailbox.displayName}, ${mailbox.userPrincipalName}`}
              aria-posinset={item.index + 1}
              aria-setsize={mailboxes.length}
              className={styles.row}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <input
                type="checkbox"
                className={styles.check}
                checked={on}
                aria-label={`Select ${mailbox.displayName}`}
                onChange={() => undefined}
                onClick={(event) => onClick(item.index, event.shiftKey)}
              />
              <span className={styles.name}>{mailbox.displayName}</span>
              <span className={styles.address}>{mailbox.userPrincipalName}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
