import { FluentProvider, RendererProvider, createDOMRenderer, webLightTheme } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";

/**
 * Fluent for one test, with its own Griffel renderer. jsdom matches every CSS rule in the
 * document on each getComputedStyle (user-event asks on every click and key), and Griffel's
 * shared renderer never removes a rule: with it, each test ran a few times slower than the one
 * before. setup.ts removes this renderer's style elements after each test.
 */
export function TestFluent({ children }: { children: ReactNode }) {
  const [renderer] = useState(() => createDOMRenderer(document));
  return (
    <RendererProvider renderer={renderer} targetDocument={document}>
      <FluentProvider theme={webLightTheme}>{children}</FluentProvider>
    </RendererProvider>
  );
}
