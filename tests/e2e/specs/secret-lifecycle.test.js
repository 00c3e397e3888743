// A client secret's life on its card: a manual connection whose secret ends in 12 days (its
// Expires date typed, as the wizard takes it; seeded through the CLI) offers Replace secret;
// the administrator signs in (the stand-in browser fills in entra-sim's sign-in page), a new
// secret replaces the old one on the application and in the keychain, and the card shows its
// new end. Then Switch to a certificate: after a confirmation the administrator signs in again,
// the connection signs in with a certificate Mailferry made, and the secret leaves the
// application.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";
import { APPS, SECRET } from "../fixtures/make-tenant.mjs";

const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const NAME = "Contoso rotating";

function cli(args, input = "") {
  return execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { input, encoding: "utf8" });
}

/** The first characters of each secret entra-sim holds for the application (Graph's hint). */
async function secretsOnApp() {
  const secrets = await (await fetch(`${process.env.MAILFERRY_E2E_SIM}/_sim/secrets`)).json();
  return secrets.filter((s) => s.appId === APPS.rotating).map((s) => s.hint);
}

function checkPasses() {
  const check = spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "check", NAME], { encoding: "utf8" });
  assert.equal(check.status, 0, `the connection works: ${check.stdout}${check.stderr}`);
}

describe("a client secret's life on its card", () => {
  let app;
  const card = () => app.findVisible(By.xpath(`//li[@aria-label=${JSON.stringify(NAME)}]`));
  /** A button of the card itself: other cards may offer the same action. */
  const pressOnCard = (label) =>
    app.clickWhenFree(async () => (await card()).findElement(By.xpath(`.//button[normalize-space(.)=${JSON.stringify(label)}]`)));

  before(async () => {
    const ends = new Date(Date.now() + 12 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    cli(["connections", "add-manual", "--role", "source", "--name", NAME, "--tenant", "contoso.onmicrosoft.com",
      "--client-id", APPS.rotating, "--mailbox", "migration@contoso.com", "--secret-stdin", "--secret-expires", ends], `${SECRET}\n`);
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", NAME, "--yes"]);
  });

  it("replaces a secret ending in 12 days after the administrator signs in, and shows its new end", async () => {
    assert.match(await (await card()).getText(), /Credential expires in (11|12) days/);
    assert.deepEqual(await secretsOnApp(), [SECRET.slice(0, 3)]);
    await pressOnCard("Replace secret");

    await app.containing("Secret replaced: valid until");
    const text = await (await card()).getText();
    assert.doesNotMatch(text, /Credential expires in/);
    assert.doesNotMatch(text, new RegExp(`…${SECRET.slice(-3)}`), "the card names the new secret, not the old one");
    const left = await secretsOnApp();
    assert.equal(left.length, 1, "the old secret left the application");
    assert.notEqual(left[0], SECRET.slice(0, 3));
    checkPasses();
  });

  it("switches the connection to a certificate after a confirmation, and the secret leaves the application", async () => {
    await pressOnCard("Switch to a certificate");
    await app.dialog(`Switch “${NAME}” to a certificate`);
    await app.press("Sign in and switch");

    await app.containing("Switched to a certificate, valid until");
    const text = await (await card()).getText();
    assert.match(text, new RegExp(`Certificate .*expires .*${new Date().getFullYear() + 5}`));
    assert.match(text, /The client secret was removed from the application/);
    assert.doesNotMatch(text, /Renew certificate|Replace secret/, "a new certificate needs nothing yet");
    assert.deepEqual(await secretsOnApp(), [], "no secret is left on the application");
    await app.screenshot("switched-to-certificate");
    const shown = JSON.parse(cli(["connections", "show", NAME, "--json"]));
    assert.equal(shown.credential.kind, "certificate");
    checkPasses();
  });
});
