// Keyboard only: a manual source connection from the card's Settings menu to a saved
// connection, then a migration job's first steps, with WebDriver key actions and no clicks.
// After each step the test asserts where focus is: a step change lands on the new step's
// heading, a finished check run on its outcome, a closed window on the control that opened it,
// and Escape closes only the innermost window, asking before typed work is lost.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, Key, launchApp, until } from "../lib/app.js";
import { APPS, SECRET } from "../fixtures/make-tenant.mjs";

const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const NAME = "Contoso by keyboard";

describe("keyboard only", () => {
  let app;
  const keys = (...sequence) => app.driver.actions().sendKeys(...sequence).perform();
  const shiftTab = () => app.driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
  /** What has focus: its tag, role and accessible name as the page gives it. */
  const focused = () =>
    app.driver.executeScript(`
      const e = document.activeElement;
      const byIds = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id)?.innerText ?? "").join(" ");
      const name = e.getAttribute("aria-label") || (e.getAttribute("aria-labelledby") && byIds(e.getAttribute("aria-labelledby"))) || (e.labels && e.labels[0] ? e.labels[0].innerText : "") || e.innerText || "";
      return { tag: e.tagName, role: e.getAttribute("role") ?? "", name: name.replace(/\\s+/g, " ").trim() };
    `);
  /** Tab (forwards) until focus is on what `wanted` matches; fails after `most` presses. */
  const tabTo = async (wanted, most = 40) => {
    const seen = [];
    for (let i = 0; i <= most; i += 1) {
      const now = await focused();
      if (wanted.test(now.name)) return now;
      seen.push(now.name || now.tag);
      await keys(Key.TAB);
    }
    throw new Error(`Tab never reached ${wanted}; it went through: ${seen.join(" | ")}`);
  };
  const focusIs = async (wanted, what) => {
    await app.driver.wait(async () => wanted.test((await focused()).name), 10_000).catch(async () => {
      throw new Error(`${what}: focus is on ${JSON.stringify(await focused())}, not ${wanted}`);
    });
  };

  const anyDialog = By.xpath("//*[@role='dialog']");
  const option = (text) => By.xpath(`//*[@role='option'][starts-with(normalize-space(.), ${JSON.stringify(text)})]`);

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", NAME, "--yes"]);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "jobs", "delete", "Keyboard wave", "--yes"]);
  });

  it("adds a manual connection from the Settings menu to OK, with focus on each step", async () => {
    await app.containing("No source connections yet");
    await tabTo(/^Settings for source connections$/);
    await keys(Key.ENTER);
    await app.menuItem("New");
    // The menu: New opens its submenu with the right arrow.
    await focusIs(/^New$/, "the Settings menu opened");
    await keys(Key.ARROW_RIGHT);
    await focusIs(/^Office 365 connection$/, "the New submenu opened");
    await keys(Key.ENTER);
    await app.dialog("New Office 365 source connection");
    await focusIs(/^New Office 365 source connection$/, "the wizard opened");

    // A radio group is one tab stop: the arrows choose within it.
    await tabTo(/^Automatic registration/);
    await keys(Key.ARROW_DOWN);
    await focusIs(/^Manual registration/, "the arrow in the registration choice");
    await tabTo(/^Next$/);
    await keys(Key.ENTER);
    await focusIs(/^Step 2 of 3: Application details$/, "Registration → Next");

    // Shift+Tab from the step heading goes back up, never to the page.
    await shiftTab();
    assert.notEqual((await focused()).tag, "BODY");
    await tabTo(/^Connection name/);
    await keys(NAME);
    await tabTo(/^Dedicated application mailbox/);
    await keys("migration@contoso.com");
    await tabTo(/^Application \(client\) ID/);
    await keys(APPS.secret);
    await tabTo(/^Directory \(tenant\) ID/);
    await keys("contoso.onmicrosoft.com");
    await tabTo(/^Client secret \(Value\)/);
    await keys(SECRET, Key.TAB);
    await app.screenshot("keyboard-details");
    await tabTo(/^Next$/);
    await keys(Key.ENTER);
    await focusIs(/^Step 3 of 3: Configuration$/, "Details → Next");

    await tabTo(/^Configure$/);
    await keys(Key.ENTER);
    await focusIs(/connection works/i, "the check run ended");
    await app.screenshot("keyboard-configured");
    await tabTo(/^Finish$/);
    await keys(Key.ENTER);
    await app.dialog("Manage source connections");
    await focusIs(/^Manage source connections$/, "Finish");
    await tabTo(/^OK$/);
    await keys(Key.ENTER);
    await app.gone(anyDialog);
    await focusIs(/^Settings for source connections$/, "Manage connections closed");
    const shown = JSON.parse(execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "show", NAME, "--json"], { encoding: "utf8" }));
    assert.equal(shown.clientId, APPS.secret);
  });

  it("walks a job's first steps: Escape in its nested wizard keeps the draft, and Escape on the job asks first", async () => {
    await tabTo(/^Create a new migration job$/);
    await keys(Key.ENTER);
    await app.dialog("New migration job");
    // Its first field: the window's title is read as the dialog's name.
    await focusIs(/^Job name/, "the job wizard opened");
    await keys("Keyboard wave");
    await tabTo(/^Next$/);
    await keys(Key.ENTER);
    await focusIs(/^Step 2 of 4: Source mailboxes$/, "Name → Next");
    // The first Tab after the step heading is the step's first control.
    await keys(Key.TAB);
    await focusIs(/^Source server/, "the first Tab on Source mailboxes");

    // Add new source connection…, then Escape: back in the job, on Source server.
    await keys(Key.ARROW_DOWN);
    await app.driver.wait(async () => (await app.driver.findElements(option("Add new source connection…"))).length > 0, 10_000);
    await keys(Key.END, Key.ENTER);
    await app.dialog("New Office 365 source connection");
    await keys(Key.ESCAPE);
    await app.dialog("New migration job");
    await focusIs(/^Source server/, "the nested wizard closed");

    await keys(Key.ARROW_DOWN);
    await app.driver.wait(async () => (await app.driver.findElements(option(NAME))).length > 0, 10_000);
    await keys(Key.HOME, Key.ENTER);
    await app.driver.wait(until.elementLocated(By.xpath("//*[@role='listbox'][@aria-label='Source mailboxes']//*[@role='option'][contains(., '@contoso')]")), 30_000);
    await tabTo(/^Source mailboxes$/);
    await keys(Key.SPACE);
    await app.driver.actions().keyDown(Key.SHIFT).sendKeys(Key.ARROW_DOWN, Key.ARROW_DOWN).keyUp(Key.SHIFT).perform();
    await app.containing("3 selected");
    await app.screenshot("keyboard-mailboxes");

    await keys(Key.ESCAPE);
    await app.containing("Discard this job?");
    await focusIs(/^Keep editing$/, "Escape on a job with typed work");
    await app.screenshot("keyboard-discard-question");
    await keys(Key.ESCAPE);
    await app.gone(By.xpath("//*[@role='alertdialog']"));
    await focusIs(/^Source mailboxes$/, "the work kept: focus back where it was");
    await app.containing("3 selected");
    await keys(Key.ESCAPE);
    await tabTo(/^Discard$/);
    await keys(Key.ENTER);
    await app.gone(anyDialog);
    await focusIs(/^Create a new migration job$/, "the job wizard closed");
    const jobs = execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "jobs", "list"], { encoding: "utf8" });
    assert.doesNotMatch(jobs, /Keyboard wave/, "a discarded job is not saved");
  });
});
