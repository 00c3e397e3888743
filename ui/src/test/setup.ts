import "@testing-library/jest-dom/vitest";
// Under jsdom, Fluent's focus manager (tabster) marks open dialogs aria-hidden a few hundred
// milliseconds after they open, which WebKit does not do: component tests therefore query roles
// with { hidden: true }, and the E2E test asserts in the real app that open dialogs are exposed.
import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";

afterEach(() => {
  cleanup();
  clearMocks();
  // The test's Griffel rules (TestFluent gives each test its own renderer).
  document.head.querySelectorAll("style[data-make-styles-bucket]").forEach((style) => style.remove());
});
