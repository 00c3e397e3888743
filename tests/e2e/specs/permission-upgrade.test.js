// Upgrade permissions on an Item level connection's card: the preview lists what Full fidelity
// grants, removes and keeps before anything changes; the administrator signs in (the stand-in
// browser fills in entra-sim's sign-in page), the application's grants become Full fidelity's
// set, the card says Full fidelity and Not verified, and the connection's check passes with the
// mailbox import and export API's probes.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { By, launchApp } from "../lib/app.js";
import { APPS, SECRET } from "../fixtures/make-tenant.mjs";

const dataDir = join(process.env.XDG_DATA_HOME ?? "", "com.mailferry.desktop");
const NAME = "Contoso item level";

function cli(args, input = "") {
  return execFileSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, ...args], { input, encoding: "utf8" });
}

/** The Microsoft Graph permissions entra-sim has granted the application, by value. */
async function grantsOfApp() {
  const grants = await (await fetch(`${process.env.MAILFERRY_E2E_SIM}/_sim/grants`)).json();
  return grants.filter((g) => g.principalAppId === APPS.upgrading).map((g) => g.value).sort();
}

describe("upgrading a connection's permissions from its card", () => {
  let app;
  const card = () => app.findVisible(By.xpath(`//li[@aria-label=${JSON.stringify(NAME)}]`));
  const pressOnCard = (label) =>
    app.clickWhenFree(async () => (await card()).findElement(By.xpath(`.//button[normalize-space(.)=${JSON.stringify(label)}]`)));

  before(async () => {
    cli(["connections", "add-manual", "--role", "source", "--name", NAME, "--tenant", "contoso.onmicrosoft.com", "--permissions", "item-level",
      "--client-id", APPS.upgrading, "--mailbox", "migration@contoso.com", "--secret-stdin"], `${SECRET}\n`);
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
    spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "connections", "delete", NAME, "--yes"]);
  });

  it("previews the change, and after the administrator signs in the connection is Full fidelity and its check passes", async () => {
    assert.match(await (await card()).getText(), /Item level/);
    const before = await grantsOfApp();
    assert.ok(before.includes("Mail.Read"), `item level grants: ${before}`);
    await pressOnCard("Upgrade permissions");

    const dialog = await app.dialog(`Upgrade “${NAME}” to Full fidelity`);
    /** The permission names a section of the preview lists, in order. */
    const listed = async (title) => {
      const items = await dialog.findElements(By.xpath(`.//section[starts-with(@aria-label, ${JSON.stringify(title)})]//li`));
      return Promise.all(items.map(async (li) => (await li.getAttribute("textContent")).split(":")[0]));
    };
    assert.deepEqual(await listed("Granted"), ["MailboxFolder.Read.All", "MailboxItem.Read.All", "MailboxItem.Export.All"]);
    assert.deepEqual((await listed("Removed")).sort(), ["Calendars.Read", "Contacts.Read", "Mail.Read", "MailboxSettings.Read"]);
    assert.deepEqual(await grantsOfApp(), before, "the preview changes nothing");
    await app.screenshot("upgrade-permissions-preview");
    await app.press("Sign in and upgrade");

    await app.containing("Upgraded to Full fidelity");
    const text = await (await card()).getText();
    assert.match(text, /Full fidelity/);
    assert.match(text, /Not verified/);
    assert.doesNotMatch(text, /Upgrade permissions/);
    assert.deepEqual(await grantsOfApp(), ["MailboxFolder.Read.All", "MailboxItem.Export.All", "MailboxItem.Read.All", "Organization.Read.All", "User.Read.All"]);
    const shown = JSON.parse(cli(["connections", "show", NAME, "--json"]));
    assert.equal(shown.permissionProfile, "fullFidelity");
    const check = spawnSync(process.env.MAILFERRY_CLI, ["--data-dir", dataDir, "check", NAME], { encoding: "utf8" });
    assert.equal(check.status, 0, `the upgraded connection works: ${check.stdout}${check.stderr}`);
  });
});
