import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { findDialog } from "../../test/dialogs";
import { describe, expect, it } from "vitest";

import { installFakeCore, ipcError } from "../../test/fakeCore";
import { aConnection, aReport } from "../../test/fixtures";
import { openNewConnectionWizard, renderDashboard } from "../../test/renderDashboard";

const saved = aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: null } });

/** New > Office 365 connection, valid details, Finish: the Manage connections window it lands in. */
async function stageNewConnection(user: ReturnType<typeof userEvent.setup>) {
  await openNewConnectionWizard(user);
  await fillValidDetails(user);
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  await user.click(await screen.findByRole("button", { hidden: true, name: "Configure" }));
  await screen.findByText("All checks passed: the connection works.");
  await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
  return findDialog("Manage source connections");
}

async function fillValidDetails(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  // Pasted rather than typed key by key: the wizard's own tests type; here each keystroke would
  // re-render the whole dashboard, which made these tests slow on a busy 2-core runner.
  const paste = async (field: HTMLElement, value: string) => {
    await user.click(field);
    await user.paste(value);
  };
  await paste(await screen.findByRole("textbox", { hidden: true, name: /Connection name/ }), "Fabrikam");
  await paste(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@fabrikam.com");
  await paste(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "2b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
  await paste(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "fabrikam.onmicrosoft.com");
  await user.click(screen.getByLabelText(/Client secret \(Value\)/));
  await user.paste("Fb48Q~Hd7.secretValue_9876wxyz");
}

describe("the dashboard", () => {
  it("starts empty and says what to do", async () => {
    installFakeCore();
    renderDashboard();
    expect(await screen.findByText(/No source connections yet/)).toBeInTheDocument();
    expect(screen.getByText(/No target connections yet/)).toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Create a new migration job" })).toBeEnabled();
    expect(screen.queryByRole("list", { hidden: true, name: "Migration jobs" })).not.toBeInTheDocument();
  });

  it("lists saved connections on their card as not verified", async () => {
    installFakeCore([saved]);
    renderDashboard();
    const card = await screen.findByRole("list", { hidden: true, name: "Defined source server connections" });
    const item = within(card).getByRole("listitem", { hidden: true, name: "Contoso" });
    expect(item).toHaveTextContent("Tenant contoso.onmicrosoft.com");
    expect(item).toHaveTextContent("Manual registration");
    expect(item).toHaveTextContent("Client secret …xyz");
    expect(item).toHaveTextContent("Not verified");
  });

  it("New > Office 365 connection, Configure, Finish, OK saves the verified connection and shows it on the card", async () => {
    const core = installFakeCore();
    const user = renderDashboard();
    const manage = await stageNewConnection(user);
    expect(within(manage).getByRole("row", { hidden: true, name: /Fabrikam/ })).toHaveTextContent("New, not saved");
    expect(core.saves).toHaveLength(0);
    await user.click(within(manage).getByRole("button", { hidden: true, name: "OK" }));

    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());
    expect(core.saves).toEqual([{ upserts: [expect.objectContaining({ name: "Fabrikam", role: "source" })], deletes: [] }]);
    const card = screen.getByRole("list", { hidden: true, name: "Defined source server connections" });
    const item = within(card).getByRole("listitem", { hidden: true, name: "Fabrikam" });
    expect(item).toHaveTextContent("Tenant Contoso · contoso.com");
    expect(item).toHaveTextContent(/Verified\s*checked .+ ago/);
  });

  it("Cancel in Manage connections discards the staged connection and its secret", async () => {
    const core = installFakeCore();
    const user = renderDashboard();
    const manage = await stageNewConnection(user);
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Cancel" }));

    await waitFor(() => expect(core.discards).toBe(1));
    expect(core.saves).toHaveLength(0);
    expect(screen.getByText(/No source connections yet/)).toBeInTheDocument();
  });

  it("a delete is staged, saved with OK, and a failed save keeps the window and says why", async () => {
    const core = installFakeCore([saved]);
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Manage connections" }));
    const manage = await findDialog("Manage source connections");
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Delete Contoso" }));
    expect(within(manage).getByRole("row", { hidden: true, name: /Contoso/ })).toHaveTextContent("Will be deleted");

    core.failNextSave = ipcError({
      code: "keychain_unavailable",
      message: "The OS keychain is not reachable: no Secret Service is running",
      hint: "Start or unlock it, then try again.",
    });
    await user.click(within(manage).getByRole("button", { hidden: true, name: "OK" }));
    const alert = await within(manage).findByRole("alert", { hidden: true });
    expect(alert).toHaveTextContent("Nothing was saved");
    expect(alert).toHaveTextContent("The OS keychain is not reachable: no Secret Service is running");
    expect(alert).toHaveTextContent("Start or unlock it, then try again.");

    await user.click(within(manage).getByRole("button", { hidden: true, name: "OK" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());
    expect(core.saves).toEqual([{ upserts: [], deletes: [saved.id] }]);
    expect(screen.getByText(/No source connections yet/)).toBeInTheDocument();
  });

  it("Test in Manage connections reruns the checks of a saved connection and shows their results", async () => {
    const core = installFakeCore([saved]);
    core.nextReports.push((id) =>
      aReport(id, {
        mailAccess: {
          status: "fail",
          summary: "migration@contoso.com has no Exchange Online mailbox.",
          fix: "Assign the user a licence that includes Exchange Online.",
        },
      }),
    );
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Manage connections" }));
    const manage = await findDialog("Manage source connections");
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Test Contoso" }));

    await findDialog("Test “Contoso”");
    expect(await screen.findByText("1 check failed. Fix it, then retry.")).toBeInTheDocument();
    expect(screen.getByRole("listitem", { hidden: true, name: "Mail access: Failed" })).toHaveTextContent(
      "How to fix: Assign the user a licence that includes Exchange Online.",
    );
    expect(core.checked.map((c) => c.id)).toEqual([saved.id]);
    await user.click(screen.getByRole("button", { hidden: true, name: "Back to the list" }));

    const list = await findDialog("Manage source connections");
    expect(within(list).getByRole("row", { hidden: true, name: /Contoso/ })).toHaveTextContent(/Last check failed · checked .+ ago/);
  });

  it("exports a card's summaries through the save dialog and offers to show the file", async () => {
    const core = installFakeCore([saved]);
    core.savePath = "/home/admin/contoso.html";
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Export summaries…" }));

    expect(await screen.findByText("Exported 1 connection summary as HTML.")).toBeInTheDocument();
    expect(core.exports).toEqual([{ ids: [saved.id], path: "/home/admin/contoso.html" }]);
    const save = core.calls.find((c) => c.command === "plugin:dialog|save");
    expect(save?.args.options).toMatchObject({ defaultPath: expect.stringMatching(/^mailferry-source-connections-\d{4}-\d{2}-\d{2}\.html$/) });
    await user.click(screen.getByRole("button", { hidden: true, name: "Show in folder" }));
    expect(core.calls.filter((c) => c.command === "show_export_in_folder").map((c) => c.args.path)).toEqual(["/home/admin/contoso.html"]);
  });

  it("exports the selected saved connections from Manage connections, and says why when it cannot", async () => {
    const other = aConnection({ id: "7a1c1f64-3f7e-4f1e-9c39-0d8f7c1b2a10", name: "Northwind" });
    const core = installFakeCore([saved, other]);
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Manage connections" }));
    const manage = await findDialog("Manage source connections");

    // Cancelled save dialog: nothing happens.
    core.savePath = null;
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Export summaries…" }));
    await waitFor(() => expect(core.calls.some((c) => c.command === "plugin:dialog|save")).toBe(true));
    expect(core.exports).toEqual([]);

    core.savePath = "/tmp/northwind.csv";
    await user.click(within(manage).getByRole("checkbox", { hidden: true, name: "Select Northwind" }));
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Export summary (1 selected)…" }));
    expect(await within(manage).findByText(/Exported 1 connection summary as CSV\. \/tmp\/northwind\.csv/)).toBeInTheDocument();
    expect(core.exports).toEqual([{ ids: [other.id], path: "/tmp/northwind.csv" }]);

    core.savePath = "/tmp/summary.txt";
    core.failNextExport = ipcError({
      code: "conflict",
      message: 'Mailferry cannot tell the format of "/tmp/summary.txt" from its extension.',
      hint: "Name the file with .json, .csv or .html.",
    });
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Export summary (1 selected)…" }));
    expect(await within(manage).findByText("Name the file with .json, .csv or .html.")).toBeInTheDocument();
  });

  it("deleting an automatic connection keeps its Entra application unless asked, and shows what would be deleted", async () => {
    const automatic = aConnection({ registration: "automatic", credential: { kind: "certificate", sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567", sha256Thumbprint: null, subject: null, notAfter: null } });
    const core = installFakeCore([automatic]);
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Manage connections" }));
    const manage = await findDialog("Manage source connections");

    await user.click(within(manage).getByRole("button", { hidden: true, name: "Delete Contoso" }));
    const panel = await within(manage).findByText("Delete “Contoso”?");
    expect(panel).toBeInTheDocument();
    const also = within(manage).getByRole("checkbox", { hidden: true, name: /Also delete its application from Microsoft Entra ID/ });
    await waitFor(() => expect(also).toBeEnabled());
    expect(also).not.toBeChecked();
    await user.click(also);
    const preview = within(manage).getByLabelText("What will be deleted in Entra ID");
    expect(preview).toHaveTextContent(`the application “Mailferry Migration Source” (application ID ${automatic.clientId})`);
    expect(preview).toHaveTextContent("Mail.Read");
    await user.click(within(manage).getByRole("button", { hidden: true, name: "Delete connection and application" }));

    await waitFor(() => expect(within(manage).getByRole("row", { hidden: true, name: /Contoso/ })).toHaveTextContent("Will be deleted"));
    expect(core.deletedApplications).toEqual([automatic.id]);
    await user.click(within(manage).getByRole("button", { hidden: true, name: "OK" }));
    await waitFor(() => expect(core.saves).toEqual([{ upserts: [], deletes: [automatic.id] }]));
  });
});

describe("the demo", () => {
  const BANNER = "Demo tenant: nothing here reaches Microsoft";

  it("is offered on an empty dashboard, and one click leads into it and one back out", async () => {
    const core = installFakeCore();
    const demoConnection = aConnection({ id: "d1", name: "Contoso demo" });
    core.otherFolder.saved = [demoConnection];
    const user = renderDashboard();
    expect(await screen.findByText(/needs a Microsoft 365 tenant and an administrator/)).toBeInTheDocument();
    expect(screen.queryByText(BANNER)).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { hidden: true, name: "Try with a demo tenant" }));
    expect(await screen.findByText(BANNER)).toBeInTheDocument();
    expect(await screen.findByText("Contoso demo")).toBeInTheDocument();
    expect(screen.queryByRole("button", { hidden: true, name: "Try with a demo tenant" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { hidden: true, name: "Leave the demo" }));
    await waitFor(() => expect(screen.queryByText(BANNER)).not.toBeInTheDocument());
    expect(await screen.findByText(/No source connections yet/)).toBeInTheDocument();
    expect(screen.queryByText("Contoso demo")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Try with a demo tenant" })).toBeEnabled();
  });

  it("is not offered once there are connections, nor by a build without it", async () => {
    installFakeCore([saved]);
    renderDashboard();
    await screen.findByText(saved.name);
    expect(screen.queryByRole("button", { hidden: true, name: "Try with a demo tenant" })).not.toBeInTheDocument();
    cleanup();

    const core = installFakeCore();
    core.demoAvailable = false;
    renderDashboard();
    await screen.findByText(/No source connections yet/);
    expect(screen.queryByRole("button", { hidden: true, name: "Try with a demo tenant" })).not.toBeInTheDocument();
  });

  it("that cannot start says why and leaves the dashboard as it was", async () => {
    const core = installFakeCore();
    core.failNextDemoSwitch = ipcError({
      code: "io",
      message: "The demo cloud cannot listen on 127.0.0.1:47365, which another program uses; set MAILFERRY_DEMO_PORT to a free port",
    });
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Try with a demo tenant" }));
    expect(await screen.findByText("The demo could not start")).toBeInTheDocument();
    expect(screen.getByText(/which another program uses/)).toBeInTheDocument();
    expect(screen.queryByText(BANNER)).not.toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Try with a demo tenant" })).toBeEnabled();
  });

  it("shows the demo credentials to copy, and saves the demo PFX where the dialog chose", async () => {
    const core = installFakeCore();
    core.demo = true;
    core.savePath = "/home/admin/contoso-migration.pfx";
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Demo credentials" }));
    const card = await screen.findByLabelText("Contoso demo credentials");
    expect(within(card).getByLabelText("Contoso Client secret (Value)")).toHaveTextContent("Dm0Q~contoso.Demo-Secret_Value_0123456789");
    expect(within(card).getByLabelText("Contoso Application (client) ID")).toHaveTextContent("7d1f6a2e-3b4c-4d5e-8f60-1a2b3c4d5e6f");
    expect(within(card).getByLabelText("Contoso User without a mailbox")).toHaveTextContent("nomailbox@contoso.com");
    const written: string[] = [];
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    await user.click(within(card).getByRole("button", { hidden: true, name: "Copy Contoso Client secret (Value)" }));
    expect(written).toEqual(["Dm0Q~contoso.Demo-Secret_Value_0123456789"]);
    expect(await within(card).findByText("Client secret (Value) copied")).toBeInTheDocument();

    await user.click(within(card).getByRole("button", { hidden: true, name: "Save the Contoso PFX…" }));
    expect(await within(card).findByText("Saved to /home/admin/contoso-migration.pfx")).toBeInTheDocument();
    expect(core.savedDemoCertificates).toEqual([{ tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f", path: "/home/admin/contoso-migration.pfx" }]);
  });

  it("names the demo cloud in the wizard's cloud chooser, with no URLs and no tenant to type", async () => {
    const core = installFakeCore();
    core.demo = true;
    const user = renderDashboard();
    await openNewConnectionWizard(user);
    await waitFor(() => expect(screen.getByRole("textbox", { hidden: true, name: /Tenant/ })).toHaveValue("contoso.onmicrosoft.com"));
    expect(screen.getByText(/sign in as admin@contoso\.onmicrosoft\.com with Passw0rd!/)).toBeInTheDocument();
    await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    const chooser = await screen.findByRole("combobox", { hidden: true, name: /Microsoft cloud/ });
    expect(chooser).toHaveTextContent("Demo (Contoso and Fabrikam, on this computer)");
    expect(screen.queryByRole("textbox", { hidden: true, name: /Login URL/ })).not.toBeInTheDocument();
  });

  it("has no proxy to set: the demo cloud is on this computer", async () => {
    const core = installFakeCore();
    core.demo = true;
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    expect(await screen.findByRole("menuitem", { hidden: true, name: "Network proxy… (not used in the demo)" })).toHaveAttribute("aria-disabled", "true");
  });

  it("is not announced outside it", async () => {
    installFakeCore();
    renderDashboard();
    await screen.findByText(/No source connections yet/);
    expect(screen.queryByText(BANNER)).not.toBeInTheDocument();
  });
});

describe("renewing a certificate from its card", () => {
  const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
  const expiring = (registration: "manual" | "automatic", days = 20) =>
    aConnection({
      registration,
      credential: { kind: "certificate", sha1Thumbprint: "CD".repeat(20), sha256Thumbprint: null, subject: "CN=Mailferry Migration Source", notAfter: inDays(days) },
    });

  it("offers Renew on a certificate that ends within 60 days, and the card then shows about 5 years", async () => {
    const core = installFakeCore([expiring("automatic")]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).getByText(/Credential expires in (19|20) days/)).toBeInTheDocument();
    await user.click(within(item).getByRole("button", { hidden: true, name: "Renew certificate" }));

    expect(await within(item).findByText(/Certificate renewed: valid until/)).toBeInTheDocument();
    expect(core.renewals).toEqual([{ connectionId: expiring("automatic").id, objectId: null }]);
    const year = String(new Date().getFullYear() + 5);
    await waitFor(() => expect(within(item).getByText(new RegExp(`Certificate ABAB…ABAB, expires .*${year}`))).toBeInTheDocument());
    expect(within(item).queryByText(/Credential expires in/)).not.toBeInTheDocument();
  });

  it("asks for the Object ID when Mailferry cannot learn it, and says which old certificate stays", async () => {
    const core = installFakeCore([expiring("manual")]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Renew certificate" }));
    expect(await within(item).findByText(/needs the Object ID of application/)).toBeInTheDocument();
    const renew = within(item).getByRole("button", { hidden: true, name: "Renew" });
    expect(renew).toBeDisabled();
    await user.type(within(item).getByRole("textbox", { hidden: true, name: /Object ID/ }), "a0a0a0a0-0000-4000-8000-000000000009");
    await user.click(renew);
    expect(await within(item).findByText(/is still on the application/)).toBeInTheDocument();
    expect(core.renewals.at(-1)).toEqual({ connectionId: expiring("manual").id, objectId: "a0a0a0a0-0000-4000-8000-000000000009" });
  });

  it("does not offer Renew on a certificate far from its end, nor on an expired one", async () => {
    installFakeCore([{ ...expiring("automatic", 400), id: "a1", name: "Later" }, { ...expiring("automatic", -3), id: "a2", name: "Expired" }]);
    renderDashboard();
    const later = await screen.findByRole("listitem", { hidden: true, name: "Later" });
    expect(within(later).queryByRole("button", { hidden: true, name: "Renew certificate" })).not.toBeInTheDocument();
    const expired = screen.getByRole("listitem", { hidden: true, name: "Expired" });
    expect(within(expired).queryByRole("button", { hidden: true, name: "Renew certificate" })).not.toBeInTheDocument();
    expect(within(expired).getByRole("button", { hidden: true, name: "Renew the credential" })).toBeInTheDocument();
  });
});

describe("replacing a client secret from its card", () => {
  const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
  const secretEnding = (days: number | null) => aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: days === null ? null : inDays(days) } });

  it("offers Replace secret on a secret that ends within 60 days; the admin signs in and the card shows the new end", async () => {
    const core = installFakeCore([secretEnding(12)]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).getByText(/Credential expires in (11|12) days/)).toBeInTheDocument();
    // Pasting a secret made in the Entra admin center stays possible.
    expect(within(item).getByRole("button", { hidden: true, name: "Renew the credential" })).toBeInTheDocument();
    await user.click(within(item).getByRole("button", { hidden: true, name: "Replace secret" }));

    expect(await within(item).findByText(/Secret replaced: valid until/)).toBeInTheDocument();
    expect(core.secretReplacements).toEqual([{ connectionId: secretEnding(12).id, days: null }]);
    await waitFor(() => expect(within(item).queryByText(/Credential expires in/)).not.toBeInTheDocument());
  });

  it("does not offer it on a secret far from its end or whose end is not known", async () => {
    installFakeCore([{ ...secretEnding(300), id: "s1", name: "Later" }, { ...secretEnding(null), id: "s2", name: "Unknown" }]);
    renderDashboard();
    for (const name of ["Later", "Unknown"]) {
      const item = await screen.findByRole("listitem", { hidden: true, name });
      expect(within(item).queryByRole("button", { hidden: true, name: "Replace secret" })).not.toBeInTheDocument();
    }
  });
});

describe("switching a client secret connection to a certificate from its card", () => {
  it("asks first, then the admin signs in and the card shows the certificate; the secret is removed unless kept", async () => {
    const core = installFakeCore([saved]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Switch to a certificate" }));
    const dialog = await findDialog("Switch “Contoso” to a certificate");
    const removal = within(dialog).getByRole("checkbox", { hidden: true, name: /Remove the client secret from the application/ });
    expect(removal).toBeChecked();
    await user.click(removal);
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in and switch" }));

    expect(await within(item).findByText(/Switched to a certificate, valid until .*The client secret stays on the application\./)).toBeInTheDocument();
    expect(core.certificateSwitches).toEqual([{ connectionId: saved.id, keepSecret: true }]);
    await waitFor(() => expect(within(item).getByText(/^Certificate/)).toBeInTheDocument());
  });

  it("after Replace secret, a switch leaves no Renew or Replace secret on the new certificate", async () => {
    const ending = aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: new Date(Date.now() + 12 * 24 * 3600 * 1000).toISOString() } });
    installFakeCore([ending]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Replace secret" }));
    await within(item).findByText(/Secret replaced: valid until/);
    await user.click(within(item).getByRole("button", { hidden: true, name: "Switch to a certificate" }));
    await user.click(within(await findDialog("Switch “Contoso” to a certificate")).getByRole("button", { hidden: true, name: "Sign in and switch" }));
    await within(item).findByText(/Switched to a certificate, valid until/);
    await waitFor(() => expect(within(item).getByText(/^Certificate/)).toBeInTheDocument());
    expect(within(item).queryByRole("button", { hidden: true, name: "Renew certificate" })).not.toBeInTheDocument();
    expect(within(item).queryByRole("button", { hidden: true, name: "Replace secret" })).not.toBeInTheDocument();
  });

  it("Cancel in the confirmation changes nothing", async () => {
    const core = installFakeCore([saved]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Switch to a certificate" }));
    const dialog = await findDialog("Switch “Contoso” to a certificate");
    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());
    expect(core.certificateSwitches).toEqual([]);
  });

  it("is what a tenant whose policy blocks new secrets is offered, instead of Replace secret", async () => {
    const ending = aConnection({ secretsBlocked: true, credential: { kind: "secret", hint: "xyz", expiresAt: new Date(Date.now() + 12 * 24 * 3600 * 1000).toISOString() } });
    installFakeCore([ending]);
    renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).getByText(/app management policy blocks new client secrets/)).toBeInTheDocument();
    expect(within(item).getByRole("button", { hidden: true, name: "Switch to a certificate" })).toBeInTheDocument();
    expect(within(item).queryByRole("button", { hidden: true, name: "Replace secret" })).not.toBeInTheDocument();
  });

  it("takes the place of Replace secret once a sign-in learns that the tenant blocks new secrets", async () => {
    const ending = aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: new Date(Date.now() + 12 * 24 * 3600 * 1000).toISOString() } });
    const core = installFakeCore([ending]);
    core.tenantBlocksSecrets = true;
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Replace secret" }));
    expect(await within(item).findByText(/app management policy blocks new client secrets, so this one cannot be replaced/)).toBeInTheDocument();
    expect(within(item).queryByRole("button", { hidden: true, name: "Replace secret" })).not.toBeInTheDocument();
  });

  it("is not offered on a certificate connection", async () => {
    installFakeCore([aConnection({ credential: { kind: "certificate", sha1Thumbprint: "AB".repeat(20), sha256Thumbprint: null, subject: "CN=x", notAfter: null } })]);
    renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).queryByRole("button", { hidden: true, name: "Switch to a certificate" })).not.toBeInTheDocument();
  });
});

describe("upgrading an Item level connection's permissions from its card", () => {
  it("previews what is granted, removed and kept, then the admin signs in and the card says Full fidelity, to be checked again", async () => {
    const core = installFakeCore([aConnection({ lastCheck: { at: new Date().toISOString(), outcome: "passed" } })]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).getByText("Item level")).toBeInTheDocument();
    await user.click(within(item).getByRole("button", { hidden: true, name: "Upgrade permissions" }));
    const dialog = await findDialog("Upgrade “Contoso” to Full fidelity");
    const group = (name: RegExp) => within(within(dialog).getByRole("region", { hidden: true, name })).getAllByRole("listitem", { hidden: true });
    expect(group(/^Granted/).map((li) => li.textContent)).toEqual(["MailboxItem.Export.All: Export every item in full fidelity, as Exchange keeps it."]);
    expect(group(/^Removed/).map((li) => li.textContent)).toEqual(["Mail.Read: Read the mail to migrate."]);
    expect(group(/^Kept/).map((li) => li.textContent)).toEqual(["User.Read.All: Find the tenant's users and their mailboxes."]);
    // The preview changed nothing.
    expect(core.permissionUpgrades).toEqual([]);

    await user.click(within(dialog).getByRole("button", { hidden: true, name: "Sign in and upgrade" }));
    expect(await within(item).findByText(/Upgraded to Full fidelity \(1 permission granted, 1 removed\).*Check the connection again/)).toBeInTheDocument();
    expect(core.permissionUpgrades).toEqual([{ connectionId: core.saved[0].id, to: "fullFidelity" }]);
    await waitFor(() => expect(within(item).getByText("Full fidelity")).toBeInTheDocument());
    expect(within(item).getByText("Not verified")).toBeInTheDocument();
    expect(within(item).queryByRole("button", { hidden: true, name: "Upgrade permissions" })).not.toBeInTheDocument();
  });

  it("Cancel in the preview changes nothing", async () => {
    const core = installFakeCore([aConnection()]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Upgrade permissions" }));
    await user.click(within(await findDialog("Upgrade “Contoso” to Full fidelity")).getByRole("button", { hidden: true, name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());
    expect(core.permissionUpgrades).toEqual([]);
    expect(within(item).getByText("Item level")).toBeInTheDocument();
  });

  it("a failed sign-in says so and the connection keeps its Item level permissions", async () => {
    const core = installFakeCore([aConnection()]);
    core.failNextUpgrade = ipcError({ code: "aadsts", aadsts: 50105, message: "AADSTS50105: the signed-in user is not assigned to a role for the application." });
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    await user.click(within(item).getByRole("button", { hidden: true, name: "Upgrade permissions" }));
    await user.click(within(await findDialog("Upgrade “Contoso” to Full fidelity")).getByRole("button", { hidden: true, name: "Sign in and upgrade" }));
    expect(await within(item).findByText("The connection keeps its Item level permissions")).toBeInTheDocument();
    expect(within(item).getByText(/AADSTS50105/)).toBeInTheDocument();
    expect(within(item).getByText("Item level")).toBeInTheDocument();
    // It can be tried again.
    expect(within(item).getByRole("button", { hidden: true, name: "Upgrade permissions" })).toBeInTheDocument();
  });

  it("a scoped connection is told its mailbox roles are assigned in Exchange Online, and shows its scope", async () => {
    installFakeCore([aConnection({ mailboxScope: { group: "migration@contoso.com", displayName: "Migration wave 1" } })]);
    const user = renderDashboard();
    const item = await screen.findByRole("listitem", { hidden: true, name: "Contoso" });
    expect(within(item).getByText("Scoped to Migration wave 1")).toBeInTheDocument();
    await user.click(within(item).getByRole("button", { hidden: true, name: "Upgrade permissions" }));
    const dialog = await findDialog("Upgrade “Contoso” to Full fidelity");
    expect(within(dialog).getByText(/assigned in Exchange Online on the scope of Migration wave 1.*Configure gives the Exchange Online PowerShell/)).toBeInTheDocument();
  });

  it("is not offered where Microsoft lacks the export API, nor on a Full fidelity connection", async () => {
    installFakeCore([
      aConnection({ id: "00000000-0000-4000-8000-0000000000a1", name: "Fabrikam GCC High", cloud: { kind: "gccHigh" } }),
      aConnection({ id: "00000000-0000-4000-8000-0000000000a2", name: "Northwind", permissionProfile: "fullFidelity" }),
    ]);
    renderDashboard();
    for (const name of ["Fabrikam GCC High", "Northwind"]) {
      const item = await screen.findByRole("listitem", { hidden: true, name });
      expect(within(item).queryByRole("button", { hidden: true, name: "Upgrade permissions" })).not.toBeInTheDocument();
    }
  });
});
