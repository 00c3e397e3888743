import { Dialog, DialogSurface } from "@fluentui/react-components";
import { TestFluent } from "../../../test/TestFluent";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Connection } from "../../../bindings/Connection";
import { api } from "../../../api";
import { IMPORTED_CERTIFICATE, PFX_PASSWORD, installFakeCore, ipcError } from "../../../test/fakeCore";
import { aConnection, aReport } from "../../../test/fixtures";
import { ConnectionWizard } from "./ConnectionWizard";

/** The wizard in an edit session of the (fake) core, as the Manage connections window opens it. */
async function renderWizard(editing: Connection | null = null) {
  const onFinish = vi.fn();
  const onCancel = vi.fn();
  const { sessionId } = await api.openEditSession("source");
  render(
    <TestFluent>
      <Dialog open>
        <DialogSurface>
          <ConnectionWizard sessionId={sessionId} role="source" editing={editing} onFinish={onFinish} onCancel={onCancel} />
        </DialogSurface>
      </Dialog>
    </TestFluent>,
  );
  return { onFinish, onCancel, user: userEvent.setup() };
}

/** Next from the details, Configure, and the checks pass: Finish is enabled. */
async function configure(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  await user.click(await screen.findByRole("button", { hidden: true, name: "Configure" }));
  await waitFor(() => expect(screen.getByText(/^(All checks passed|The connection works, with|\d+ checks? failed)/)).toBeInTheDocument());
}

async function toDetails(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  await screen.findByRole("textbox", { hidden: true, name: /Application \(client\) ID/ });
}

async function fillDetails(user: ReturnType<typeof userEvent.setup>) {
  await toDetails(user);
  await user.type(screen.getByRole("textbox", { hidden: true, name: /Connection name/ }), "Contoso");
  await user.type(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@contoso.com");
  await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
  await user.type(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "contoso.onmicrosoft.com");
  await user.click(screen.getByLabelText(/Client secret \(Value\)/));
  await user.paste("  Zq48Q~Hd7.secretValue_1234abcd ");
}

describe("the connection wizard", () => {
  it("explains manual registration with the exact permissions of the role and the chosen profile", async () => {
    const core = installFakeCore();
    const { user } = await renderWizard();
    expect(screen.getByRole("radio", { hidden: true, name: /Automatic registration/ })).toBeChecked();
    await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "How to register the application by hand" }));
    const list = await screen.findByRole("list", { hidden: true, name: "Permissions to add" });
    // The Global cloud starts with full fidelity: Microsoft Graph's mailbox export API.
    expect(screen.getByRole("radio", { hidden: true, name: /^Full fidelity/ })).toBeChecked();
    await waitFor(() => expect(list).toHaveTextContent("MailboxItem.Export.All: Export every item in full fidelity"));
    expect(list).not.toHaveTextContent("Mail.Read");

    await user.click(screen.getByRole("radio", { hidden: true, name: /^Item level/ }));
    await waitFor(() => expect(list).toHaveTextContent("Mail.Read: Read the mail to migrate."));
    expect(list).toHaveTextContent("User.Read.All: Find the tenant's users and their mailboxes.");
    expect(core.calls.filter((c) => c.command === "permission_set").map((c) => c.args.profile)).toEqual(["fullFidelity", "itemLevel"]);
  });

  it("shows the step it is on and goes back", async () => {
    installFakeCore();
    const { user } = await renderWizard();
    expect(screen.getByText("Application registration").closest("li")).toHaveAttribute("aria-current", "step");
    await toDetails(user);
    expect(screen.getByText("Application details").closest("li")).toHaveAttribute("aria-current", "step");
    await user.click(screen.getByRole("button", { hidden: true, name: "Back" }));
    expect(screen.getByRole("radio", { hidden: true, name: /Manual registration/ })).toBeChecked();
  });

  it("registers automatically after the admin signs in, then goes straight to Configuration with the saved connection", async () => {
    const core = installFakeCore();
    const { user, onFinish } = await renderWizard();
    const permissions = await screen.findByRole("list", { hidden: true, name: "Permissions that will be granted" });
    await waitFor(() => expect(permissions).toHaveTextContent("MailboxItem.Export.All: Export every item in full fidelity"));
    expect(screen.getByText(/registers the application “Mailferry Migration Source”/)).toBeInTheDocument();
    const login = screen.getByRole("button", { hidden: true, name: "Log in as Office 365 admin" });
    expect(login).toBeDisabled();
    await user.type(screen.getByRole("textbox", { hidden: true, name: /^Tenant/ }), "contoso.onmicrosoft.com");
    await user.click(login);

    await screen.findByRole("button", { hidden: true, name: "Configure" });
    expect(core.signIns).toEqual([{ role: "source", tenant: "contoso.onmicrosoft.com", cloud: { kind: "global" }, deviceCode: false }]);
    expect(core.registrations).toEqual([
      { connectionName: null, applicationMailbox: null, permissionProfile: "fullFidelity", resume: null, reuseAppId: null, trustedKeyIds: [] },
    ]);
    expect(screen.getByText("Configuration").closest("li")).toHaveAttribute("aria-current", "step");
    expect(screen.queryByRole("button", { hidden: true, name: "Back" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "Configure" }));
    await screen.findByText("All checks passed: the connection works.");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
    expect(onFinish).toHaveBeenCalledWith(expect.objectContaining({ registration: "automatic" }), true);
  });

  it("says when the tenant's policy made the registered certificate shorter than 5 years, and not otherwise", async () => {
    for (const [years, said] of [[1, true], [5, false]] as const) {
      const core = installFakeCore();
      core.registeredNotAfter = new Date(Date.now() + years * 365 * 86_400_000).toISOString();
      const { user } = await renderWizard();
      const permissions = await screen.findByRole("list", { hidden: true, name: "Permissions that will be granted" });
      await waitFor(() => expect(permissions).toHaveTextContent("MailboxItem.Export.All"));
      await user.type(screen.getByRole("textbox", { hidden: true, name: /^Tenant/ }), "contoso.onmicrosoft.com");
      await user.click(screen.getByRole("button", { hidden: true, name: "Log in as Office 365 admin" }));
      await screen.findByRole("button", { hidden: true, name: "Configure" });
      const note = screen.queryByText(/app management policy limits how long an application's certificate may live/);
      if (said) {
        expect(note).toBeInTheDocument();
        expect(screen.getByText(`Certificate valid until ${new Date(core.registeredNotAfter).toLocaleDateString()}`)).toBeInTheDocument();
      } else {
        expect(note).not.toBeInTheDocument();
      }
      cleanup();
    }
  });

  it("offers to reuse an earlier registration, showing its credentials and owners, and keeps one Mailferry did not make only when confirmed", async () => {
    const core = installFakeCore();
    core.earlier = [
      {
        objectId: "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
        appId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        displayName: "Mailferry Migration Source",
        createdAt: "2026-10-01T08:00:00.000Z",
        certificateCount: 1,
        heldCertificate: null,
        connections: [],
        credentials: [
          {
            keyId: "6c1f0c3a-0000-4000-8000-00000000000a",
            kind: "certificate",
            displayName: "CN=Another tool",
            identifier: "C8D0049E7D91A367F247B023F65AF8FF992654F2",
            startsAt: "2026-01-01T00:00:00Z",
            endsAt: "2027-01-01T00:00:00Z",
            mailferry: false,
          },
        ],
        owners: ["someone@contoso.onmicrosoft.com"],
      },
    ];
    const { user } = await renderWizard();
    await user.type(await screen.findByRole("textbox", { hidden: true, name: /^Tenant/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByRole("button", { hidden: true, name: "Log in as Office 365 admin" }));

    const choices = await screen.findByRole("radiogroup", { hidden: true, name: "Earlier Mailferry registrations in this tenant" });
    expect(within(choices).getByRole("radio", { hidden: true, name: /Register a new application/ })).toBeChecked();
    const reuse = within(choices).getByRole("radio", { hidden: true, name: /Reuse Mailferry Migration Source \(0a1b2c3d/ });
    expect(reuse).toHaveAccessibleName(/Mailferry does not hold its certificate: the new one is added and the current one is kept/);
    expect(core.registrations).toEqual([]);
    await user.click(reuse);
    const credentials = screen.getByRole("list", { hidden: true, name: "Credentials of 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" });
    expect(credentials).toHaveTextContent("Certificate “CN=Another tool”, thumbprint C8D0049E7D91A367F247B023F65AF8FF992654F2");
    expect(credentials).toHaveTextContent("not made by Mailferry");
    expect(screen.getByText("Owners: someone@contoso.onmicrosoft.com")).toBeInTheDocument();
    expect(screen.getByText(/can read every mailbox once the permissions are granted/)).toBeInTheDocument();
    const continueButton = screen.getByRole("button", { hidden: true, name: "Continue" });
    expect(continueButton).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { hidden: true, name: /I know who holds these credentials/ }));
    await user.click(continueButton);
    await screen.findByRole("button", { hidden: true, name: "Configure" });
    expect(core.registrations).toEqual([
      expect.objectContaining({ reuseAppId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", trustedKeyIds: ["6c1f0c3a-0000-4000-8000-00000000000a"] }),
    ]);
  });

  it("lets an organization sign in with its own application instead of the default one", async () => {
    const core = installFakeCore();
    const { user } = await renderWizard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Other ways to sign in" }));
    const field = await screen.findByRole("textbox", { hidden: true, name: /Sign-in application \(client\) ID/ });
    expect(await screen.findByText(/Default: Microsoft Graph Command Line Tools \(14d82eec/)).toBeInTheDocument();
    await user.type(field, "not-a-guid");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));
    expect(await screen.findByText(/is not an application \(client\) ID/)).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));
    await screen.findByRole("button", { hidden: true, name: "Use the default" });
    expect(core.signInClient).toEqual({ clientId: "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b", isDefault: false });
  });

  it("offers the sign-in with a code on another device", async () => {
    const core = installFakeCore();
    const { user } = await renderWizard();
    await user.type(await screen.findByRole("textbox", { hidden: true, name: /^Tenant/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByRole("button", { hidden: true, name: "Other ways to sign in" }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Sign in with a code on another device" }));
    await screen.findByRole("button", { hidden: true, name: "Configure" });
    expect(core.signIns[0]).toMatchObject({ deviceCode: true, tenant: "contoso.onmicrosoft.com" });
  });

  it("says why an automatic registration stopped and offers to resume or clean up", async () => {
    const core = installFakeCore();
    core.failNextRegistration = ipcError({
      code: "role_required",
      message: "appadmin@contoso.onmicrosoft.com may not grant Microsoft Graph application permissions: it needs the Global Administrator or Privileged Role Administrator role.",
      hint: "Sign in as an administrator with the Global Administrator or Privileged Role Administrator role and resume. Or send this admin consent link to such an administrator, then resume: https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/v2.0/adminconsent?client_id=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d&scope=https://graph.microsoft.com/.default",
      consentUrl:
        "https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/v2.0/adminconsent?client_id=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d&scope=https://graph.microsoft.com/.default",
    });
    const { user } = await renderWizard();
    await user.type(await screen.findByRole("textbox", { hidden: true, name: /^Tenant/ }), "contoso.onmicrosoft.com");
    core.unfinished = [
      {
        id: "5d4c3b2a-1f0e-4d9c-8b7a-695847362514",
        role: "source",
        cloud: { kind: "global" },
        permissionProfile: "fullFidelity",
        scopeGroup: null,
        tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
        admin: "appadmin@contoso.onmicrosoft.com",
        connectionName: "contoso.onmicrosoft.com",
        applicationMailbox: "appadmin@contoso.onmicrosoft.com",
        status: "failed",
        reuseAppId: null,
        trustedKeyIds: [],
        certificateSha1: null,
        applicationObjectId: null,
        applicationAppId: null,
        servicePrincipalId: null,
        rolesGranted: false,
        connectionId: null,
        lastError: "appadmin may not grant permissions",
        startedAt: "2026-11-27T10:00:00.000Z",
        updatedAt: "2026-11-27T10:00:05.000Z",
      },
    ];
    await user.click(screen.getByRole("button", { hidden: true, name: "Log in as Office 365 admin" }));

    expect(await screen.findByText(/it needs the Global Administrator or Privileged Role Administrator role/)).toBeInTheDocument();
    expect(screen.getByText(/did not finish: appadmin may not grant permissions/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "Copy admin consent link" }));
    expect(await navigator.clipboard.readText()).toBe(
      "https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/v2.0/adminconsent?client_id=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d&scope=https://graph.microsoft.com/.default",
    );
    await user.click(screen.getByRole("button", { hidden: true, name: "Resume" }));
    await screen.findByRole("button", { hidden: true, name: "Configure" });
    expect(core.signIns.at(-1)).toMatchObject({ tenant: "6babcaad-604b-40ac-a9d7-9fd97c0b779f" });
    expect(core.registrations.at(-1)).toMatchObject({ resume: "5d4c3b2a-1f0e-4d9c-8b7a-695847362514" });
  });

  it("shows the core's message for a field once the admin leaves it", async () => {
    installFakeCore();
    const { user } = await renderWizard();
    await toDetails(user);
    const clientId = screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ });
    await user.type(clientId, "not-a-guid");
    expect(screen.queryByText("Application (client) ID: this is not a GUID.")).not.toBeInTheDocument();
    // Leave the field (Tab is kept by the dialog's focus trap under jsdom; the E2E test tabs for real).
    await user.click(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }));
    expect(await screen.findByText("Application (client) ID: this is not a GUID.")).toBeInTheDocument();
    expect(clientId).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("App registrations > Overview.")).toBeInTheDocument();

    await user.clear(clientId);
    await user.type(clientId, "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await waitFor(() => expect(screen.queryByText("Application (client) ID: this is not a GUID.")).not.toBeInTheDocument());
    expect(clientId).not.toHaveAttribute("aria-invalid", "true");
  });

  it("flags a pasted Secret ID at once, in a masked field that can be revealed", async () => {
    installFakeCore();
    const { user } = await renderWizard();
    await toDetails(user);
    const secret = screen.getByLabelText(/Client secret \(Value\)/);
    expect(secret).toHaveAttribute("type", "password");
    await user.click(secret);
    await user.paste("8f2a1c3e-4b5d-4e6f-9a0b-1c2d3e4f5a6b");
    expect(await screen.findByText("Client secret: this looks like the Secret ID; paste the secret's Value instead.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "Show secret" }));
    expect(secret).toHaveAttribute("type", "text");
    expect(screen.getByRole("button", { hidden: true, name: "Hide secret" })).toHaveAttribute("aria-pressed", "true");
  });

  it("on Next with problems shows every one and puts the focus on the first", async () => {
    installFakeCore();
    const { user, onFinish } = await renderWizard();
    await toDetails(user);
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));

    expect(await screen.findByText("Application mailbox: this is not an email address.")).toBeInTheDocument();
    expect(screen.getByText("Directory (tenant) ID: enter the tenant ID or a verified domain of the tenant.")).toBeInTheDocument();
    expect(screen.getByText("Client secret: paste the client secret's Value.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ })).toHaveFocus();
    expect(onFinish).not.toHaveBeenCalled();
  });

  it("checks the staged connection on Configure and hands it back, verified, on Finish; the secret went to the core once", async () => {
    const core = installFakeCore();
    const { user, onFinish } = await renderWizard();
    await fillDetails(user);
    // A pause in typing: the core validates the fields, without the secret.
    await waitFor(() => expect(core.calls.some((c) => c.command === "put_draft")).toBe(true));
    await configure(user);

    // The outcome takes focus when the run ends (the Configure button became Cancel check and back).
    await waitFor(() => expect(document.activeElement).toHaveTextContent("All checks passed: the connection works."));
    const checks = screen.getByRole("list", { hidden: true, name: "Configuration checks" });
    expect(within(checks).getAllByRole("listitem", { hidden: true }).map((item) => item.getAttribute("aria-label"))).toEqual([
      "Tenant: Passed",
      "Sign-in as the application: Passed",
      "Permissions: Passed",
      "Organization: Passed",
      "Application mailbox: Passed",
      "Mail access: Passed",
      "Mailbox scope: Passed",
      "Credential expiry: Passed",
    ]);
    expect(screen.getByText("Contoso")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    expect(onFinish).toHaveBeenCalledTimes(1);
    expect(core.kept).toHaveLength(1);
    expect(core.kept[0]).toMatchObject({ name: "Contoso", credential: { kind: "secret", hint: "bcd" } });
    // The secret crossed IPC once, in put_secret, as pasted; no other call carried it.
    expect(core.secrets).toEqual(["  Zq48Q~Hd7.secretValue_1234abcd "]);
    const carrying = core.calls.filter((c) => JSON.stringify(c.args).includes("Zq48Q~Hd7.secretValue_1234abcd"));
    expect(carrying.map((c) => c.command)).toEqual(["put_secret"]);
    expect(core.calls.filter((c) => c.command === "put_draft").length).toBeGreaterThan(1);
    expect(onFinish.mock.calls[0][0]).toMatchObject({
      name: "Contoso",
      tenantName: "Contoso",
      credential: { kind: "secret", hint: "bcd" },
      lastCheck: { outcome: "passed" },
    });
  });

  it("keeps the secret's Expires date typed beside it, and refuses one already past", async () => {
    const core = installFakeCore();
    const { user, onFinish } = await renderWizard();
    await fillDetails(user);
    const expires = screen.getByLabelText(/Secret expires \(optional\)/);
    expect(expires).not.toBeRequired();
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

    await user.type(expires, day(-2));
    // Leaving the field shows the core's judgement of it.
    await user.click(screen.getByRole("textbox", { hidden: true, name: /Connection name/ }));
    expect(await screen.findByText(`Secret expiry date: the secret expired on ${day(-2)}; it no longer signs in`)).toBeInTheDocument();

    await user.clear(expires);
    await user.type(expires, day(180));
    await configure(user);
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
    expect(core.kept[0]).toMatchObject({ credential: { kind: "secret", expiresAt: `${day(180)}T00:00:00Z` } });
    expect(onFinish).toHaveBeenCalledTimes(1);
  });

  it("keeps Finish off while a check fails, shows the fix and Microsoft's ids, and Retry reruns without retyping", async () => {
    const core = installFakeCore();
    core.nextReports.push((id) =>
      aReport(id, {
        token: {
          status: "fail",
          summary: "Microsoft refused the client secret of application 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d.",
          fix: "Paste the secret's Value, not its Secret ID (a GUID).",
          microsoft: {
            code: "AADSTS7000215",
            httpStatus: 401,
            request: "POST https://login.microsoftonline.com/6babcaad-604b-40ac-a9d7-9fd97c0b779f/oauth2/v2.0/token",
            description: "AADSTS7000215: Invalid client secret provided.",
            traceId: "0d5f1c2e-0000-4000-8000-000000000001",
            correlationId: "7c1e9a44-0000-4000-8000-000000000002",
            requestId: null,
            timestamp: "2026-11-27 10:00:00Z",
          },
        },
        permissions: { status: "skipped", summary: 'Not checked: "Sign-in as the application" must pass first.' },
      }),
    );
    const { user, onFinish } = await renderWizard();
    await fillDetails(user);
    await configure(user);

    expect(screen.getByText("1 check failed. Fix it, then retry.")).toBeInTheDocument();
    expect(screen.getByRole("listitem", { hidden: true, name: "Sign-in as the application: Failed" })).toHaveTextContent(
      "How to fix: Paste the secret's Value, not its Secret ID (a GUID).",
    );
    expect(screen.getByText(/AADSTS7000215 · correlation ID 7c1e9a44-0000-4000-8000-000000000002/)).toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Finish" })).toBeDisabled();
    await user.click(screen.getByRole("button", { hidden: true, name: "Details for Microsoft support" }));
    const details = screen.getByRole("textbox", { hidden: true, name: "Details for Microsoft support" }) as HTMLTextAreaElement;
    expect(details.value).toContain("Code: AADSTS7000215 (HTTP 401)");
    expect(details.value).toContain("Trace ID: 0d5f1c2e-0000-4000-8000-000000000001");

    await user.click(screen.getByRole("button", { hidden: true, name: "Retry" }));
    await screen.findByText("All checks passed: the connection works.");
    expect(screen.getByRole("button", { hidden: true, name: "Finish" })).toBeEnabled();
    expect(core.secrets).toHaveLength(1);
    expect(core.checked).toHaveLength(2);
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
    expect(onFinish).toHaveBeenCalledTimes(1);
  });

  it("lets Finish through with warnings", async () => {
    const core = installFakeCore();
    core.nextReports.push((id) =>
      aReport(id, { credentialExpiry: { status: "warn", summary: "The client secret expires on 2026-12-20, in 23 days.", fix: "Create a new client secret." } }),
    );
    const { user } = await renderWizard();
    await fillDetails(user);
    await configure(user);
    expect(screen.getByText("The connection works, with 1 warning.")).toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Finish" })).toBeEnabled();
  });

  it("sends the chosen cloud, with a custom cloud's URLs", async () => {
    const core = installFakeCore();
    const { user } = await renderWizard();
    await toDetails(user);
    await user.click(screen.getByRole("combobox", { hidden: true, name: /Microsoft cloud/ }));
    await user.click(await screen.findByRole("option", { hidden: true, name: "Custom" }));
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Login URL/ }), "https://login.example.test");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Microsoft Graph URL/ }), "https://graph.example.test");
    await waitFor(() => {
      const last = core.calls.filter((c) => c.command === "put_draft").at(-1);
      expect(last?.args.fields).toMatchObject({ cloud: { kind: "custom", loginUrl: "https://login.example.test", graphUrl: "https://graph.example.test" } });
    });
  });

  it("starts a new connection in the cloud the environment names", async () => {
    const core = installFakeCore();
    core.defaultCloud = { kind: "custom", loginUrl: "https://login.example.test", graphUrl: "https://graph.example.test" };
    const { user } = await renderWizard();
    await toDetails(user);
    expect(await screen.findByRole("textbox", { hidden: true, name: /Login URL/ })).toHaveValue("https://login.example.test");
    expect(screen.getByRole("textbox", { hidden: true, name: /Microsoft Graph URL/ })).toHaveValue("https://graph.example.test");
  });

  it("takes a certificate thumbprint instead of a secret", async () => {
    const core = installFakeCore();
    const { user, onFinish } = await renderWizard();
    await toDetails(user);
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@contoso.com");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByRole("radio", { hidden: true, name: "Certificate thumbprint" }));
    expect(screen.queryByLabelText(/Client secret \(Value\)/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("textbox", { hidden: true, name: /Certificate thumbprint/ }));
    await user.paste("3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67");
    await configure(user);
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    const sent = core.calls.filter((c) => c.command === "put_draft").at(-1);
    expect(sent?.args.fields).toMatchObject({ credential: { kind: "certificate", thumbprint: "3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67" } });
    expect(core.kept[0].credential).toMatchObject({ kind: "certificate", sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567" });
    expect(onFinish.mock.calls[0][0].credential).toMatchObject({ kind: "certificate", sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567" });
  });

  it("imports a password-protected PFX through the open dialog and fills the thumbprint", async () => {
    const core = installFakeCore();
    core.chosenFile = "/home/admin/contoso.pfx";
    const { user } = await renderWizard();
    await toDetails(user);
    await user.click(screen.getByRole("radio", { hidden: true, name: "Certificate thumbprint" }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Import…" }));

    expect(await screen.findByText("This PFX file is protected by a password.")).toBeInTheDocument();
    const password = screen.getByLabelText(/PFX password/);
    expect(password).toHaveAttribute("type", "password");
    await user.type(password, "wrong");
    await user.click(screen.getByRole("button", { hidden: true, name: "Import" }));
    expect(await screen.findByText("The password is not right for this PFX file.")).toBeInTheDocument();

    await user.clear(password);
    await user.type(password, PFX_PASSWORD + "{Enter}");
    await waitFor(() => expect(screen.getByRole("textbox", { hidden: true, name: /Certificate thumbprint/ })).toHaveValue(IMPORTED_CERTIFICATE.sha1Thumbprint));
    const card = screen.getByLabelText("Stored certificate");
    expect(card).toHaveTextContent("CN=Contoso Migration");
    expect(card).toHaveTextContent("RSA 2048 bits");
    const imports = core.calls.filter((c) => c.command === "import_certificate");
    expect(imports.map((c) => c.args.path)).toEqual(["/home/admin/contoso.pfx", "/home/admin/contoso.pfx", "/home/admin/contoso.pfx"]);
  });

  it("says whether a typed thumbprint is in Mailferry's store", async () => {
    const core = installFakeCore();
    core.certificates.push(IMPORTED_CERTIFICATE);
    const { user } = await renderWizard();
    await toDetails(user);
    await user.click(screen.getByRole("radio", { hidden: true, name: "Certificate thumbprint" }));
    const field = screen.getByRole("textbox", { hidden: true, name: /Certificate thumbprint/ });
    await user.click(field);
    await user.paste("3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67");
    expect(await screen.findByLabelText("Stored certificate")).toHaveTextContent("CN=Contoso Migration");

    await user.clear(field);
    await user.paste("00".repeat(20));
    expect(await screen.findByText(/No certificate with this thumbprint is stored in Mailferry/)).toBeInTheDocument();
  });

  it("edits a saved connection on the details step and keeps its secret when the field stays empty", async () => {
    const saved = aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: null } });
    const core = installFakeCore([saved]);
    const { user, onFinish } = await renderWizard(saved);
    expect(screen.queryByRole("button", { hidden: true, name: "Back" })).not.toBeInTheDocument();
    expect(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ })).toHaveValue(saved.clientId);
    expect(screen.getByLabelText(/Client secret \(Value\)/)).toHaveAttribute("placeholder", "Leave empty to keep the stored secret ending in …xyz.");
    await configure(user);
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(core.kept[0]).toMatchObject({ id: saved.id, credential: saved.credential });
    expect(core.secrets).toEqual([]);
  });
});
