// axe-core (pinned in package.json) run inside the app's web view: every screen the E2E takes a
// screenshot of is checked, and a critical or serious violation fails the test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Violations that are not ours, each with why. Keep it short, and say where it is discussed.
 */
const ALLOWED = [
  {
    // Fluent's focus guards: tabster's dummy <i tabindex="0" aria-hidden="true"> elements that
    // hand focus on at once; aria-hidden by design, so screen readers do not announce them.
    // Tabster's maintainer: https://github.com/microsoft/tabster/issues/288 (an exception for
    // data-tabster-dummy); Accessibility Insights excludes them the same way:
    // https://github.com/microsoft/accessibility-insights-web/pull/7605
    rule: "aria-hidden-focus",
    node: (html) => html.includes("data-tabster-dummy") || html.includes('data-is-focus-trap-zone-bumper="true"'),
  },
];

const SERIOUS = new Set(["critical", "serious"]);

/** The critical and serious violations on the page now, less the allowed nodes. */
export async function axeViolations(driver) {
  // Run as WebDriver's own script, which the page's content security policy (no inline
  // script) does not apply to; once per page load.
  if (!(await driver.executeScript("return typeof window.axe === 'object';"))) {
    await driver.executeScript(`${AXE_SOURCE}\n;if (typeof axe === "object") window.axe = axe;`);
  }
  const violations = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    // A toast fading in or a dialog still closing is not what a user reads: wait (up to 2 s)
    // for the finite animations running now (a spinner's never end).
    const finite = document.getAnimations().filter((a) => a.playState === "running" && a.effect?.getTiming().iterations !== Infinity);
    const settled = Promise.race([Promise.allSettled(finite.map((a) => a.finished)), new Promise((r) => setTimeout(r, 2000))]);
    settled.then(() => window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ html: n.html, target: n.target.join(" "), impact: n.impact })) }))))
      .catch((e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }])));
  `);
  return violations
    .map((v) => {
      const allowed = ALLOWED.find((a) => a.rule === v.id);
      return { ...v, nodes: v.nodes.filter((n) => SERIOUS.has(n.impact ?? v.impact) && !(allowed && allowed.node(n.html))) };
    })
    .filter((v) => SERIOUS.has(v.impact) && (v.nodes.length > 0 || v.id === "axe-error"));
}

/** A readable list of violations, for a failed assertion. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.html.slice(0, 200)}`).join("\n")}`)
    .join("\n");
}
