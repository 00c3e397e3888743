import { useEffect, useRef } from "react";

/** Moves focus to the element when it appears, so a new view inside a dialog is announced. */
export function useFocusOnMount<T extends HTMLElement>(enabled = true) {
  const ref = useRef<T>(null);
  const once = useRef(enabled);
  useEffect(() => {
    if (once.current) ref.current?.focus();
  }, []);
  return ref;
}
