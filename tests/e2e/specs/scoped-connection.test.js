// A source connection limited to the members of a mail-enabled security group (Exchange
// Online's RBAC for Applications), end to end in the built app against entra-sim: the group
// and the Exchange role assignments an Exchange administrator would make are set through the
// simulator; the wizard's Configuration step goes green with the scope shown, and the
// Exchange Online PowerShell that makes the scope is offered.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { App, By, EXPIRY_NOT_KNOWN, Key, launchApp } from "../lib/app.js";
import { APPS, SECRET } from "../fixtures/make-tenant.mjs";

const TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
const GROUP = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

async function sim(method, path, body) {
  const response = await fetch(`${process.env.MAILFERRY_E2E_SIM}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.text()}`);
}

describe("a source connection scoped to a group", () => {
  /** @type {App} */
  let app;

  before(async () => {
    await sim("PUT", `/_sim/tenants/${TENANT}/groups/${GROUP}`, {
      displayName: "Wave 1",
      mail: "wave1@contoso.com",
      members: ["migration@contoso.onmicrosoft.com", "admin@contoso.onmicrosoft.com"],
    });
    const roles = ["Application Mail.Read", "Application MailboxSettings.Read", "Application Calendars.Read", "Application Contacts.Read"];
    await sim("PUT", `/_sim/tenants/${TENANT}/exchange/role-assignments`, {
      assignments: roles.map((role) => ({ appId: APPS.scoped, role, groupId: GROUP })),
      cacheSecs: 0,
    });
    app = await launchApp();
  });

  after(async () => {
    await app?.quit().catch(() => undefined);
  });

  it("reaches a green Configuration step with its scope shown", async () => {
    await app.newConnectionWizard();
    await app.radio("Manual registration");
    await app.press("Next");
    await app.type(await app.field("Connection name"), "Contoso wave 1");
    await app.type(await app.field("Dedicated application mailbox"), "migration@contoso.com");
    await app.type(await app.field("Application (client) ID"), APPS.scoped);
    await app.type(await app.field("Directory (tenant) ID"), "contoso.onmicrosoft.com");
    await app.type(await app.field("Client secret (Value)"), SECRET + Key.TAB);
    await app.radio("Limit access to members of a mail-enabled security group");
    await app.type(await app.field("Mail-enabled security group"), "wave1@contoso.com" + Key.TAB);
    await app.press("Next");

    await app.press("Configure");
    await app.text(EXPIRY_NOT_KNOWN);
    for (const check of ["Permissions", "Mail access", "Mailbox scope"]) {
      await app.findVisible(By.xpath(`//li[@aria-label='${check}: Passed']`));
    }
    await app.containing("Scoped to Wave 1: 2 mailboxes.");
    await app.containing("are not granted tenant-wide, as a scoped connection needs");
    // The PowerShell that makes the scope, for the record (closed: nothing is wrong).
    await app.press("Exchange Online PowerShell for the mailbox scope");
    const script = await app.findVisible(By.xpath("//textarea[@aria-label='Exchange Online PowerShell for the mailbox scope']"));
    const text = await script.getAttribute("value");
    assert.match(text, new RegExp(`New-ServicePrincipal -AppId '${APPS.scoped}' -ObjectId '[0-9a-f-]{36}'`));
    assert.match(text, /New-ManagementRoleAssignment -App '[0-9a-f-]{36}' -Role 'Application Mail.Read' -CustomResourceScope 'Mailferry source Contoso wave 1'/);
    await app.screenshot("wizard-configuration-scoped");
    await app.press("Finish");
    await app.dialog("Manage source connections");
    await app.press("OK");
    await app.gone(By.xpath("//*[@role='dialog']"));
  });
});
