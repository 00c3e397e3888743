// A manual source connection with a client secret, end to end in the built app against
// entra-sim: wizard validation, Configure (every check green), Finish, OK, the card, a
// restart, the keychain, and a delete.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { App, By, EXPIRY_NOT_KNOWN, Key, launchApp } from "../lib/app.js";

const SECRET = "Zq48Q~e2e.SecretValue_0123456789abcdefXYZ";
const SECRET_ID = "8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");

function cli(...args) {
  return execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { encoding: "utf8" });
}

function keychainLookup(id) {
  const found = spawnSync("secret-tool", ["lookup", "service", "Mailferry", "username", `connection/${id}/client-secret`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout : null;
}

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir, needle) {
  const hits = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) hits.push(...filesContaining(path, needle));
    else if (stat.isFile() && readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

describe("a manual source connection", () => {
  /** @type {App} */
  let app;
  let connectionId;

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
  });

  it("starts on an empty dashboard", async () => {
    await app.containing("No source connections yet");
    await app.containing("No target connections yet");
    const createJob = await app.button("Create a new migration job");
    assert.equal(await createJob.isEnabled(), true, "a job can be started, adding its connections on the way");
    await app.screenshot("dashboard-empty");
  });

  it("explains each invalid value in the wizard", async () => {
    await app.newConnectionWizard();
    // The window keeps its place when Automatic changes to Manual (it is centred: a shorter
    // window would jump).
    const surface = () => app.driver.executeScript("const r = document.querySelector('[role=dialog]').getBoundingClientRect(); return [r.top, r.height];");
    await app.untilStill(await app.find(By.xpath("//*[@role='dialog']")));
    const automatic = await surface();
    await app.radio("Manual registration");
    await app.untilStill(await app.find(By.xpath("//*[@role='dialog']")));
    assert.deepEqual(await surface(), automatic, "the wizard did not move or change its height");
    await app.screenshot("wizard-application-registration");
    await app.press("Next");
    // The inputs' right edge stays clear of the content's overlay scrollbar.
    const clearance = await app.driver.executeScript(`
      const content = document.querySelector("[role=dialog] .fui-DialogContent").getBoundingClientRect();
      return Math.min(...[...document.querySelectorAll("[role=dialog] input")].map((i) => content.right - i.getBoundingClientRect().right));
    `);
    assert.ok(clearance >= 8, `inputs end ${clearance} px before the scrollbar's edge`);

    await app.type(await app.field("Dedicated application mailbox"), "migration" + Key.TAB);
    await app.text("Application mailbox: this is not an email address: the @ and the domain are missing.");
    await app.type(await app.field("Application (client) ID"), "1b2c3d4e5f604a1b" + Key.TAB);
    await app.text("Application (client) ID: this is not a GUID; a client ID looks like 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d.");
    await app.type(await app.field("Directory (tenant) ID"), "organizations" + Key.TAB);
    await app.text('Directory (tenant) ID: "organizations" is not a tenant; an application signs in to one specific tenant.');
    await app.type(await app.field("Client secret (Value)"), SECRET_ID + Key.TAB);
    await app.text("Client secret: this looks like the Secret ID; paste the secret's Value instead.");
    await app.screenshot("wizard-details-invalid");
  });

  it("verifies the connection on Configure, stages it on Finish and saves it with OK", async () => {
    await app.recordIpc();
    await app.type(await app.field("Connection name"), "Contoso");
    await app.type(await app.field("Dedicated application mailbox"), "migration@contoso.com");
    await app.type(await app.field("Application (client) ID"), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await app.type(await app.field("Directory (tenant) ID"), "contoso.onmicrosoft.com");
    await app.type(await app.field("Client secret (Value)"), SECRET + Key.TAB);
    await app.gone(By.xpath("//*[contains(text(), 'this looks like the Secret ID')]"));
    await app.screenshot("wizard-details-valid");
    await app.press("Next");

    await app.press("Configure");
    await app.text(EXPIRY_NOT_KNOWN);
    for (const check of ["Tenant", "Sign-in as the application", "Permissions", "Organization", "Application mailbox", "Mail access", "Mailbox scope"]) {
      await app.findVisible(By.xpath(`//li[@aria-label='${check}: Passed']`));
    }
    // No Expires date was typed and the application cannot read its own: not a pass.
    const expiry = await app.findVisible(By.xpath("//li[@aria-label='Credential expiry: Not known']"));
    assert.match(await expiry.getText(), /How to find out: See its Expires date under Certificates & secrets/);
    await app.containing("The application can read migration@contoso.com: its inbox");
    await app.screenshot("wizard-configuration-passed");
    await app.press("Finish");

    await app.dialog("Manage source connections");
    await app.text("New, not saved");
    await app.screenshot("manage-connections-staged");
    await app.press("OK");

    await app.gone(By.xpath("//*[@role='dialog']"));
    // The secret crossed IPC once, when the field was left; live validation, Configure, Finish
    // and OK sent ids and field values only.
    const calls = await app.ipcCalls();
    const carrying = calls.filter((call) => call.args.includes(SECRET));
    assert.deepEqual(carrying.map((call) => call.command), ["put_secret"], JSON.stringify(calls.map((c) => c.command)));
    for (const command of ["put_draft", "check_connection", "keep_draft", "commit_edit_session"]) {
      assert.ok(calls.some((call) => call.command === command), `${command} was called`);
    }
    const card = await app.findVisible(By.xpath("//li[@aria-label='Contoso']"));
    const text = await card.getText();
    assert.match(text, /Tenant Contoso · contoso\.com/);
    assert.match(text, /Client secret …XYZ/);
    assert.match(text, /Verified/);
    assert.match(text, /checked (just now|\d+ (second|minute)s? ago)/);
    await app.screenshot("dashboard-with-connection");
  });

  it("keeps the secret in the keychain only", () => {
    const listed = JSON.parse(cli("connections", "list", "--json"));
    assert.equal(listed.length, 1, "the CLI sees the connection made in the app");
    assert.equal(listed[0].name, "Contoso");
    connectionId = listed[0].id;
    assert.equal(keychainLookup(connectionId), SECRET);
    assert.deepEqual(filesContaining(process.env.MAILFERRY_KEYRING_ROOT, SECRET), [], "no file holds the secret in plain text");
  });

  it("shows the connection again after a restart", async () => {
    await app.quit();
    app = await launchApp();
    await app.findVisible(By.xpath("//li[@aria-label='Contoso']"));
    await app.screenshot("dashboard-after-restart");
  });

  it("deletes the connection and its secret with OK", async () => {
    await app.manageConnections();
    await app.press("Delete Contoso");
    await app.text("Will be deleted");
    await app.screenshot("manage-connections-delete");
    await app.press("OK");
    await app.containing("No source connections yet");
    await app.screenshot("dashboard-after-delete");

    assert.deepEqual(JSON.parse(cli("connections", "list", "--json")), []);
    assert.equal(keychainLookup(connectionId), null, "the secret left the keychain with the connection");
  });
});
