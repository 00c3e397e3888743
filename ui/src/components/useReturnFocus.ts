import { useEffect, useRef } from "react";

/**
 * Gives focus back to what opened a window once it closes. The opener is what had focus when
 * the window was asked to open; a menu item is gone by the time the window closes, so for one
 * the menu's own button (the outermost open menu trigger) is remembered instead.
 */
export function useReturnFocus(open: boolean) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && opener.current === null) opener.current = openerOf(document.activeElement);
  useEffect(() => {
    if (open) {
      wasOpen.current = true;
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    const target = opener.current;
    opener.current = null;
    // After the dialog's own focus handling has let go of the page.
    const timer = setTimeout(() => {
      if (target?.isConnected) target.focus();
    }, 0);
    return () => clearTimeout(timer);
  }, [open]);
}

function openerOf(active: Element | null): HTMLElement | null {
  if (!(active instanceof HTMLElement) || active === document.body) return null;
  if (!active.closest('[role="menu"]')) return active;
  const triggers = Array.from(document.querySelectorAll<HTMLElement>('[aria-haspopup="menu"][aria-expanded="true"]'));
  return triggers.find((t) => !t.closest('[role="menu"]')) ?? null;
}
