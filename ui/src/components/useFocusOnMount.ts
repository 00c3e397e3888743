import { useEffect, useRef } from "react";

/** Moves focus to the element when it appears, so a new view inside a dialog is announced. */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
