// Automatic registration in the built app against entra-sim: the admin signs in (the browser
// replaced by a client that fills in the real sign-in form), Mailferry registers the
// application, waits for Microsoft to apply the permissions, and the Configuration step is green.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";

const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");

async function sim(path, method = "GET", body = undefined) {
  const response = await fetch(`${process.env.MAILFERRY_E2E_SIM}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.status === 204 ? null : response.json();
}

describe("an automatic registration", () => {
  let app;
  let connectionId;

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    await sim("/_sim/faults", "DELETE").catch(() => undefined);
    if (connectionId) spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", connectionId, "--yes"]);
  });

  it("explains what will be registered and granted", async () => {
    await app.newConnectionWizard();
    const permissions = await app.findVisible(By.xpath("//ul[@aria-label='Permissions that will be granted']"));
    assert.match(await permissions.getText(), /Mail\.Read: Read the mail to migrate\./);
    await app.containing("Global Administrator");
    await app.type(await app.field("Tenant"), "contoso.onmicrosoft.com");
    await app.screenshot("wizard-automatic");
  });

  it("signs in, registers the application step by step and waits for Microsoft", async () => {
    // Make Microsoft slow to apply the roles, as it often is, so the wait is visible.
    await sim("/_sim/faults", "PUT", { rules: [], consistency: { roleAssignmentSecs: 4 } });
    await app.press("Log in as Office 365 admin");
    await app.findVisible(By.xpath("//li[@aria-label='Signed in as admin@contoso.onmicrosoft.com']"));
    await app.findVisible(By.xpath("//li[@aria-label='Permissions granted: done']"));
    await app.containing("waiting for Microsoft");
    await app.screenshot("wizard-automatic-waiting");

    await app.button("Configure");
    await app.screenshot("wizard-automatic-registered");
    const apps = await sim("/_sim/applications");
    const registered = apps.filter((a) => a.displayName === "Mailferry Migration Source");
    assert.equal(registered.length, 1);
    const grants = await sim("/_sim/grants");
    assert.equal(grants.filter((g) => g.principalAppId === registered[0].appId).length, 6);
  });

  it("passes every configuration check, and OK keeps the saved connection", async () => {
    await app.press("Configure");
    await app.text("All checks passed: the connection works.");
    await app.screenshot("wizard-automatic-configuration-passed");
    await app.press("Finish");
    await app.dialog("Manage source connections");
    await app.press("OK");
    const card = await app.findVisible(By.xpath("//li[@aria-label='contoso.onmicrosoft.com']"));
    const text = await card.getText();
    assert.match(text, /Automatic registration/);
    assert.match(text, /Verified/);
    await app.screenshot("dashboard-automatic-connection");
    const listed = JSON.parse(spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "list", "--json"], { encoding: "utf8" }).stdout);
    connectionId = listed.find((c) => c.registration === "automatic")?.id;
    assert.ok(connectionId);
  });

  it("deletes the connection and, when asked, its application from Entra ID after showing what goes", async () => {
    await app.manageConnections();
    await app.press("Delete contoso.onmicrosoft.com");
    await app.containing("Delete “contoso.onmicrosoft.com”?");
    await (await app.findVisible(By.xpath("//label[starts-with(normalize-space(.), 'Also delete its application')]"))).click();
    const preview = await app.findVisible(By.xpath("//*[@aria-label='What will be deleted in Entra ID']"));
    assert.match(await preview.getText(), /the application “Mailferry Migration Source”/);
    await app.screenshot("manage-delete-automatic-preview");
    await app.press("Delete connection and application");
    await app.text("Will be deleted");
    await app.press("OK");
    await app.containing("No source connections yet");

    const apps = await sim("/_sim/applications");
    assert.equal(apps.filter((a) => a.displayName === "Mailferry Migration Source").length, 0, "the application left Entra ID");
    connectionId = undefined;
  });
});
