// The built app in the demo cloud (--demo): the banner says nothing reaches Microsoft, a
// manual connection with the demo's published secret passes every check, the real dashboard
// never shows it, and the next demo start shows it again.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";

const CONTOSO = {
  clientId: "7d1f6a2e-3b4c-4d5e-8f60-1a2b3c4d5e6f",
  secret: "Dm0Q~contoso.Demo-Secret_Value_0123456789",
};
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const card = By.xpath("//li[@aria-label='Contoso demo']");

describe("the demo cloud", () => {
  let app;

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "--demo", "connections", "delete", "Contoso demo", "--yes"]);
  });

  it("says so, and a manual connection with the demo secret passes every check", async () => {
    app = await launchApp(["--demo"]);
    await app.text("Demo tenant: nothing here reaches Microsoft");
    await app.newConnectionWizard();
    await app.radio("Manual registration");
    await app.press("Next");
    await app.type(await app.field("Connection name"), "Contoso demo");
    await app.type(await app.field("Dedicated application mailbox"), "migration@contoso.com");
    await app.type(await app.field("Application (client) ID"), CONTOSO.clientId);
    await app.type(await app.field("Directory (tenant) ID"), "contoso.onmicrosoft.com");
    await app.type(await app.field("Client secret (Value)"), CONTOSO.secret);
    await app.press("Next");
    await app.press("Configure");
    await app.text("All checks passed: the connection works.");
    await app.screenshot("demo-configuration-passed");
    await app.press("Finish");
    await app.dialog("Manage source connections");
    await app.press("OK");
    await app.gone(By.xpath("//*[@role='dialog']"));
    const text = await (await app.findVisible(card)).getText();
    assert.match(text, /Tenant Contoso · contoso\.com/);
    await app.screenshot("demo-dashboard");
    await app.quit();
  });

  it("is never shown in the real dashboard, and is there again at the next demo start", async () => {
    app = await launchApp();
    await app.containing("Defined source server connections");
    await app.driver.sleep(300);
    assert.equal((await app.driver.findElements(card)).length, 0, "the real dashboard shows no demo connection");
    assert.equal((await app.driver.findElements(By.xpath("//*[normalize-space(.)='Demo tenant: nothing here reaches Microsoft']"))).length, 0);
    await app.quit();

    app = await launchApp(["--demo"]);
    await app.findVisible(card);
  });
});
