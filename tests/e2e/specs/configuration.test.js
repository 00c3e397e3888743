// The Configuration step against entra-sim in the built app: a failing check shows what is
// wrong and how to fix it (with Microsoft's code one click away); after the fix, Configure
// passes without retyping the secret; Test in Manage connections reruns the checks; the
// connection's summary is exported through the save dialog and read back.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, EXPIRY_NOT_KNOWN, launchApp } from "../lib/app.js";
import { chooseInNativeDialog } from "../lib/native-dialog.js";

const SECRET = "Zq48Q~e2e.SecretValue_0123456789abcdefXYZ";
const PARTIAL_APP = "3b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d";
const SECRET_APP = "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d";
const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");

describe("the Configuration step", () => {
  let app;

  before(async () => {
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", "Contoso checks", "--yes"]);
  });

  it("starts in the cloud the environment names, with its URLs", async () => {
    await app.newConnectionWizard();
    await app.radio("Manual registration");
    await app.press("Next");
    const login = await app.field("Login URL");
    assert.equal(await login.getAttribute("value"), process.env.MAILFERRY_E2E_SIM);
    assert.equal(await (await app.field("Microsoft Graph URL")).getAttribute("value"), process.env.MAILFERRY_E2E_SIM);
  });

  it("names the missing permissions and says how to grant them", async () => {
    await app.type(await app.field("Connection name"), "Contoso checks");
    await app.type(await app.field("Dedicated application mailbox"), "nomailbox@contoso.com");
    await app.type(await app.field("Application (client) ID"), PARTIAL_APP);
    await app.type(await app.field("Directory (tenant) ID"), "contoso.onmicrosoft.com");
    await app.type(await app.field("Client secret (Value)"), SECRET);
    await app.press("Next");
    await app.press("Configure");

    await app.text("2 checks failed. Fix them, then retry.");
    const permissions = await app.findVisible(By.xpath("//li[@aria-label='Permissions: Failed']"));
    assert.match(await permissions.getText(), /Missing permissions: MailboxSettings\.Read, Calendars\.Read, Contacts\.Read\./);
    assert.match(await permissions.getText(), /How to fix: In the Microsoft Entra admin center open the app registration > API permissions/);
    const mail = await app.findVisible(By.xpath("//li[@aria-label='Mail access: Failed']"));
    assert.match(await mail.getText(), /nomailbox@contoso\.com has no Exchange Online mailbox\./);
    assert.match(await mail.getText(), /Microsoft: MailboxNotEnabledForRESTAPI · request ID [0-9a-f-]{36}/);
    const finish = await app.button("Finish");
    assert.equal(await finish.isEnabled(), false, "Finish waits until nothing fails");

    await app.press("Details for Microsoft support");
    const details = await app.findVisible(By.xpath("//textarea[@aria-label='Details for Microsoft support']"));
    assert.match(await details.getAttribute("value"), /Code: MailboxNotEnabledForRESTAPI \(HTTP 404\)/);
    await app.screenshot("wizard-configuration-failed");
  });

  it("passes after the fix, without typing the secret again, and Finish saves a verified connection", async () => {
    await app.press("Back");
    await app.type(await app.field("Application (client) ID"), SECRET_APP);
    await app.type(await app.field("Dedicated application mailbox"), "migration@contoso.com");
    await app.press("Next");
    await app.configureAndSave("source", EXPIRY_NOT_KNOWN);
    const card = await app.findVisible(By.xpath("//li[@aria-label='Contoso checks']"));
    assert.match(await card.getText(), /Verified/);
  });

  it("reruns the checks with Test in Manage connections", async () => {
    await app.manageConnections();
    await app.press("Test Contoso checks");
    await app.dialog("Test “Contoso checks”");
    await app.text(EXPIRY_NOT_KNOWN);
    await app.screenshot("manage-test-passed");
    await app.press("Back to the list");
    await app.dialog("Manage source connections");
    await app.press("Cancel");

    const runs = JSON.parse(execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "check", "Contoso checks", "--json"], { encoding: "utf8" }));
    assert.equal(runs.outcome, "passed", "the CLI checks the connection the app saved");
  });

  it("exports the card's summary through the save dialog, without the secret", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "mailferry-export-")), "contoso.json");
    await app.press("Settings for source connections");
    await app.choose("Export summaries…");
    chooseInNativeDialog("Export connection summaries", file, { kind: "save" });
    await app.text("Exported 1 connection summary as JSON.");
    await app.screenshot("export-toast");

    const bytes = readFileSync(file);
    assert.ok(!bytes.includes(SECRET), "no secret in the export");
    const exported = JSON.parse(bytes.toString("utf8"));
    assert.equal(exported.schemaVersion, 1);
    const [summary] = exported.connections;
    assert.equal(summary.name, "Contoso checks");
    assert.equal(summary.tenantId, "6babcaad-604b-40ac-a9d7-9fd97c0b779f");
    assert.equal(summary.tenantName, "Contoso");
    assert.equal(summary.credential.kind, "secret");
    assert.equal(summary.lastCheck.outcome, "passed");
    assert.ok(summary.permissions.every((p) => p.seenInToken === true), JSON.stringify(summary.permissions));
  });
});
