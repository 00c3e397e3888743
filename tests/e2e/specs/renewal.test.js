// Renew on the card: a manual connection whose certificate ends in 20 days (seeded through the
// CLI with a PFX whose certificate entra-sim holds) is renewed by its own application, with no
// administrator; the app asks for the application's Object ID, which Mailferry may not read,
// and the card then shows a certificate valid about 5 years. At start the app warns of the
// expiry with an operating-system notification: the Notify call is read off the private
// D-Bus session (dbus-monitor), where a desktop's notification service would answer it.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";

const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const PFX_PASSWORD = "Pfx-Pass-2026!";
/** The application entra-sim holds the expiring certificate for (fixtures/make-tenant.mjs). */
const EXPIRING_APP = "5b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d";
const NAME = "Contoso expiring";

function cli(args, input = "") {
  return execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { input, encoding: "utf8" });
}

describe("renewing a certificate from the card", () => {
  let app;
  let monitor;
  let bus = "";

  before(async () => {
    const fixtures = process.env.MAILFERRY_E2E_FIXTURES;
    assert.ok(fixtures, "MAILFERRY_E2E_FIXTURES must name the fixtures folder (scripts/e2e.sh sets it)");
    const imported = JSON.parse(cli(["cert", "import", join(fixtures, "expiring.pfx"), "--password-stdin", "--json"], `${PFX_PASSWORD}\n`));
    cli(["connections", "add-manual", "--role", "source", "--name", NAME, "--tenant", "contoso.onmicrosoft.com",
      "--client-id", EXPIRING_APP, "--mailbox", "migration@contoso.com", "--thumbprint", imported.sha1Thumbprint]);
    monitor = spawn("dbus-monitor", ["--session", "interface='org.freedesktop.Notifications',member='Notify'"]);
    monitor.stdout.on("data", (chunk) => (bus += chunk));
    await new Promise((resolve) => setTimeout(resolve, 300));
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    monitor?.kill();
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", NAME, "--yes"]);
  });

  it("shows the certificate ending in 20 days, renews it, and then shows about 5 years", async () => {
    const item = await app.findVisible(By.xpath(`//li[@aria-label=${JSON.stringify(NAME)}]`));
    assert.match(await item.getText(), /Credential expires in (19|20) days/);
    // Told once at start, as the 30-day warning (the 60-day one is passed over).
    const deadline = Date.now() + 10_000;
    while (!bus.includes("the certificate expires in") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(bus, new RegExp(`string "${NAME}: the certificate expires in (19|20) days"`), bus);
    assert.match(bus, /Open Mailferry and choose Renew certificate on its card/);
    assert.equal(bus.match(/member=Notify/g)?.length, 1, "one warning, not one per threshold passed");
    await app.press("Renew certificate");

    // Mailferry did not register this application and its token may not read it.
    await app.containing("needs the Object ID of application");
    const apps = await (await fetch(`${process.env.MAILFERRY_E2E_SIM}/_sim/applications`)).json();
    const objectId = apps.find((a) => a.appId === EXPIRING_APP).id;
    await app.type(await app.field("Object ID"), objectId);
    await app.press("Renew");

    await app.containing("Certificate renewed: valid until");
    const year = new Date().getFullYear() + 5;
    const renewed = await app.findVisible(By.xpath(`//li[@aria-label=${JSON.stringify(NAME)}]`));
    assert.match(await renewed.getText(), new RegExp(`expires .*${year}`));
    assert.doesNotMatch(await renewed.getText(), /Credential expires in/);
    assert.match(await renewed.getText(), /still on the application/, "the admin's old certificate is named");
    await app.screenshot("certificate-renewed");

    const shown = JSON.parse(cli(["connections", "show", NAME, "--json"]));
    assert.notEqual(shown.credential.sha1Thumbprint, undefined);
    const check = spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "check", NAME]);
    assert.equal(check.status, 0, `the renewed connection works: ${check.stdout}`);
  });
});
