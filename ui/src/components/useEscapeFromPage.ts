import { useEffect } from "react";

/**
 * Escape while nothing has focus (WebKit drops focus to the page when the focused control is
 * removed) reaches no window, since Fluent's dialogs hear Escape on their surface. This hands
 * such an Escape to the open window, as if it was pressed inside it: its title takes focus and
 * the window handles the key as it would any other Escape. Mounted once, by the app.
 */
export function useEscapeFromPage() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Only an Escape that started on the page: one a window already handled may leave focus
      // on the page too (its control went), and must not be handed on a second time.
      if (event.key !== "Escape" || event.defaultPrevented || event.target !== document.body) return;
      const windows = document.querySelectorAll<HTMLElement>('[role="dialog"][aria-modal="true"], [role="alertdialog"][aria-modal="true"]');
      const top = windows[windows.length - 1];
      if (!top) return;
      const inside = top.querySelector<HTMLElement>('[tabindex="-1"]') ?? top;
      inside.focus();
      event.preventDefault();
      inside.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", code: "Escape", bubbles: true, cancelable: true }));
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
