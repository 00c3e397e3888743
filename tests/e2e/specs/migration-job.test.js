// A migration job in the built app against entra-sim (20,000 generated users): its source
// connection is added from inside the Source mailboxes step, some mailboxes are selected in the
// virtualized list (which must scroll without stalling), a target is added, and the job saved.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp, until } from "../lib/app.js";
import { describeFrames, idleFrames, scrollFrames } from "../lib/listSpeed.js";

const SECRET = "Zq48Q~e2e.SecretValue_0123456789abcdefXYZ";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const cli = (...args) => spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { encoding: "utf8" });

/** The rows of the Source mailboxes list (the server lists have options of their own). */
const MAILBOX_ROWS = By.xpath("//*[@role='listbox'][@aria-label='Source mailboxes']//*[@role='option']");

/** Adds a manual connection through the connection wizard opened from the job wizard. */
const addConnection = (app, role, name, clientId) =>
  app.addManualConnection({ role, name, mailbox: "migration@contoso.com", clientId, tenant: "contoso.onmicrosoft.com", secret: SECRET });

describe("a migration job", () => {
  let app;

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    cli("jobs", "delete", "Wave 1", "--yes");
    cli("connections", "delete", "Contoso source", "--yes");
    cli("connections", "delete", "Fabrikam target", "--yes");
  });

  it("adds its source connection from the Source mailboxes step and lists the tenant's mailboxes", async () => {
    await app.press("Create a new migration job");
    await app.dialog("New migration job");
    await app.type(await app.field("Job name"), "Wave 1");
    await app.press("Next");
    await app.chooseOption("Source server", "Add new source connection…");
    await addConnection(app, "source", "Contoso source", "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    const finished = Date.now();

    await app.dialog("New migration job");
    await app.driver.wait(until.elementLocated(By.xpath("//*[@role='option'][contains(., '@contoso')]")), 30_000);
    console.log(`first mailbox rows on screen ${Date.now() - finished} ms after Finish (connection saved, then the first page of 999 users)`);
    // 20,000 generated users and the tenant's own: every 10th generated user has no mailbox.
    // The live region says the count once, when every page has arrived.
    const status = await app.driver.wait(until.elementLocated(By.xpath("//*[@role='status'][contains(., 'mailboxes in Contoso source')]")), 60_000);
    await app.driver.wait(async () => /^18\d{3} mailboxes in Contoso source\./.test(await status.getText()), 60_000);
    assert.match(await status.getText(), /users have a mail address but no Exchange Online mailbox/);
    await app.screenshot("job-source-mailboxes");
  });

  it("scrolls 18,000 mailboxes without stalling", async () => {
    // Side by side with the idle web view (Xvfb, software rendering): a wheel's speed (about 3
    // rows a frame), then jumps across the whole list.
    const idle = await idleFrames(app);
    const wheel = await scrollFrames(app, 108);
    const frames = await scrollFrames(app, 0);
    console.log(`idle web view: ${describeFrames(idle)}`);
    console.log(`scrolling 18,000 rows like a wheel: ${describeFrames(wheel)}; in jumps to the end: ${describeFrames(frames)}; ${frames.rendered} rows in the DOM`);
    assert.ok(frames.atEnd, "the list scrolled to its end");
    assert.ok(frames.rendered < 100, `only the rows in view are rendered (${frames.rendered})`);
    await app.findVisible(By.xpath("//*[@role='option'][contains(., 'user019999@')]"));
    const rows = await app.driver.findElements(MAILBOX_ROWS);
    assert.match(await rows.at(-1).getAttribute("textContent"), /User 019999/);
    await app.screenshot("job-source-mailboxes-scrolled");
  });

  it("selects mailboxes by search and shift-click, adds a target and saves the job", async () => {
    await app.type(await app.field("Search"), "user00001");
    await app.findVisible(By.xpath("//*[@role='option'][contains(., 'user000011@')]"));
    const rows = await app.driver.findElements(MAILBOX_ROWS);
    await rows[0].click();
    await app.driver.actions().keyDown("\uE008").click(rows[4]).keyUp("\uE008").perform();
    await app.containing("5 selected");
    await app.screenshot("job-source-selected");
    await app.press("Next");

    await app.chooseOption("Target server", "Add new target connection…");
    await addConnection(app, "target", "Fabrikam target", "4b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await app.dialog("New migration job");
    await app.press("Next");
    const summary = await app.findVisible(By.xpath("//*[@aria-label='Job summary']"));
    assert.match(await summary.getText(), /Wave 1: 5 mailboxes from Contoso source to Fabrikam target\./);
    await app.screenshot("job-summary");
    await app.press("Save");

    const job = await app.findVisible(By.xpath("//li[@aria-label='Wave 1']"));
    assert.match(await job.getText(), /Draft · 5 mailboxes · Contoso source → Fabrikam target/);
    await app.screenshot("dashboard-with-job");
    const shown = JSON.parse(cli("jobs", "show", "Wave 1").stdout);
    assert.equal(shown.mailboxes.length, 5);
  });
});
