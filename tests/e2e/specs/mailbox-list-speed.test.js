// The Source mailboxes list at 100,000 mailboxes (entra-sim's Northwind tenant), in the built
// app: every mailbox read, rows only in view, and what a user feels printed side by side with
// the idle web view: frames while scrolling as a wheel does and in jumps, and how long a search
// and a change of sort take to be on screen. The job is not saved.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp, until } from "../lib/app.js";
import { describeFrames, idleFrames, scrollFrames, searchAnswer, sortAnswer } from "../lib/listSpeed.js";

const SECRET = "Zq48Q~e2e.SecretValue_0123456789abcdefXYZ";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const cli = (...args) => spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { encoding: "utf8" });

describe("the Source mailboxes list at 100,000 mailboxes", () => {
  let app;

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    cli("connections", "delete", "Northwind source", "--yes");
  });

  it("reads every mailbox of the tenant", async () => {
    await app.press("Create a new migration job");
    await app.dialog("New migration job");
    await app.type(await app.field("Job name"), "Northwind wave");
    await app.press("Next");
    await app.chooseOption("Source server", "Add new source connection…");
    await app.addManualConnection({
      role: "source",
      name: "Northwind source",
      mailbox: "migration@northwind.com",
      clientId: "9b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d",
      tenant: "northwind.onmicrosoft.com",
      secret: SECRET,
    });
    const finished = Date.now();
    await app.dialog("New migration job");
    const status = await app.driver.wait(until.elementLocated(By.xpath("//*[@role='status'][contains(., 'mailboxes in Northwind source')]")), 120_000);
    await app.driver.wait(async () => /^\d+ mailboxes in Northwind source\./.test(await status.getText()), 120_000);
    console.log(`100,003 mailboxes listed ${Date.now() - finished} ms after Finish`);
    assert.match(await status.getText(), /^100003 mailboxes in Northwind source\. 11111 users have a mail address but no Exchange Online mailbox/);
  });

  it("scrolls at the web view's frame rate, with only the rows in view in the DOM", async () => {
    const idle = await idleFrames(app);
    const wheel = await scrollFrames(app, 108);
    const jumps = await scrollFrames(app, 0);
    console.log(`idle web view: ${describeFrames(idle)}`);
    console.log(`scrolling 100,000 rows like a wheel: ${describeFrames(wheel)}; in jumps to the end: ${describeFrames(jumps)}; ${jumps.rendered} rows in the DOM`);
    assert.ok(jumps.atEnd, "the list scrolled to its end");
    assert.ok(jumps.rendered < 60, `only the rows in view are rendered (${jumps.rendered})`);
    await app.findVisible(By.xpath("//*[@role='option'][contains(., 'user111111@')]"));
  });

  it("answers a search and a change of sort over every mailbox", async () => {
    const search = await searchAnswer(app, "user0123");
    console.log(`search of 100,000 mailboxes on screen in ${search.ms.toFixed(1)} ms (${search.work.toFixed(1)} ms of search and render, then the frame)`);
    assert.match(search.first, /User 012301.*user012301@northwind/);
    const cleared = await searchAnswer(app, "");
    console.log(`search cleared, 100,000 rows back on screen in ${cleared.ms.toFixed(1)} ms (${cleared.work.toFixed(1)} ms of work)`);
    assert.match(cleared.first, /^Aaron Zimmer/);
    const sorted = await sortAnswer(app, "Address");
    console.log(`sort of 100,000 mailboxes by address on screen in ${sorted.ms.toFixed(1)} ms`);
    assert.match(sorted.first, /^Zoe Abbott abbott@northwind/);
    const byName = await sortAnswer(app, "Name");
    console.log(`sort back by name on screen in ${byName.ms.toFixed(1)} ms`);
    assert.match(byName.first, /^Aaron Zimmer zimmer@northwind/);
    await app.screenshot("job-source-100000-mailboxes");
  });
});
