import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";

interface Props {
  /** What would be lost, as a question: "Discard the connection you were setting up?" */
  question: string;
  detail?: string;
  onDiscard: () => void;
  onKeep: () => void;
}

/**
 * Asked when Escape would close a window holding typed or staged work. Shown inside the window
 * (one modal surface at a time), with focus on Keep, so a second Escape or Enter keeps the
 * work; Escape while it shows closes only the question.
 */
export function DiscardPrompt({ question, detail, onDiscard, onKeep }: Props) {
  const keep = useRef<HTMLButtonElement>(null);
  // Where focus was before the question: it goes back there when the work is kept.
  const [before] = useState(() => document.activeElement);
  useEffect(() => {
    keep.current?.focus();
    return () => {
      const lost = !document.activeElement || document.activeElement === document.body;
      if (lost && before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, [before]);
  return (
    <MessageBar intent="warning" layout="multiline" role="alertdialog" aria-label={question} aria-modal={false}>
      <MessageBarBody>
        <MessageBarTitle>{question}</MessageBarTitle>
        {detail}
      </MessageBarBody>
      <MessageBarActions>
        <Button ref={keep} appearance="primary" onClick={onKeep}>
          Keep editing
        </Button>
        <Button onClick={onDiscard}>Discard</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

interface EscapeRules {
  /** Escape does nothing while this holds (the window's Cancel is disabled too). */
  busy: boolean;
  /** Closing now would lose typed or staged work: Escape asks first. */
  unsaved: boolean;
  close: () => void;
}

/**
 * A window's own Escape, for its body's onKeyDown (so the window around it never hears it):
 * it closes the question if one is asked, asks before unsaved work is lost, and otherwise
 * closes. An Escape a control inside already handled (an open list, a menu) is left alone.
 */
export function useEscapeToDiscard({ busy, unsaved, close }: EscapeRules) {
  const [asking, setAsking] = useState(false);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    event.preventDefault();
    if (asking) setAsking(false);
    else if (busy) return;
    else if (unsaved) setAsking(true);
    else close();
  };
  return { asking, keep: () => setAsking(false), onKeyDown };
}
