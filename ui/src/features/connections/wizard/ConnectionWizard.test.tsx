import { Dialog, DialogSurface, FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Connection } from "../../../bindings/Connection";
import { IMPORTED_CERTIFICATE, PFX_PASSWORD, installFakeCore } from "../../../test/fakeCore";
import { aConnection } from "../../../test/fixtures";
import { ConnectionWizard } from "./ConnectionWizard";

function renderWizard(editing: Connection | null = null) {
  const onFinish = vi.fn();
  const onCancel = vi.fn();
  render(
    <FluentProvider theme={webLightTheme}>
      <Dialog open>
        <DialogSurface>
          <ConnectionWizard role="source" editing={editing} onFinish={onFinish} onCancel={onCancel} />
        </DialogSurface>
      </Dialog>
    </FluentProvider>,
  );
  return { onFinish, onCancel, user: userEvent.setup() };
}

async function toDetails(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  await screen.findByRole("textbox", { hidden: true, name: /Application \(client\) ID/ });
}

describe("the connection wizard", () => {
  it("explains manual registration with the exact permissions of the role", async () => {
    installFakeCore();
    const { user } = renderWizard();
    expect(screen.getByRole("radio", { hidden: true, name: /Manual registration/ })).toBeChecked();
    expect(screen.queryByRole("radio", { hidden: true, name: /Automatic/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "How to register the application by hand" }));
    const list = await screen.findByRole("list", { hidden: true, name: "Permissions to add" });
    expect(list).toHaveTextContent("User.Read.All: Find the tenant's users and their mailboxes.");
    expect(list).toHaveTextContent("Mail.Read: Read the mail to migrate.");
  });

  it("shows the step it is on and goes back", async () => {
    installFakeCore();
    const { user } = renderWizard();
    expect(screen.getByText("Application registration").closest("li")).toHaveAttribute("aria-current", "step");
    await toDetails(user);
    expect(screen.getByText("Application details").closest("li")).toHaveAttribute("aria-current", "step");
    await user.click(screen.getByRole("button", { hidden: true, name: "Back" }));
    expect(screen.getByRole("radio", { hidden: true, name: /Manual registration/ })).toBeInTheDocument();
  });

  it("shows the core's message for a field once the admin leaves it", async () => {
    installFakeCore();
    const { user } = renderWizard();
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
    const { user } = renderWizard();
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

  it("on Finish with problems shows every one and puts the focus on the first", async () => {
    installFakeCore();
    const { user, onFinish } = renderWizard();
    await toDetails(user);
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    expect(await screen.findByText("Application mailbox: this is not an email address.")).toBeInTheDocument();
    expect(screen.getByText("Directory (tenant) ID: enter the tenant ID or a verified domain of the tenant.")).toBeInTheDocument();
    expect(screen.getByText("Client secret: paste the client secret's Value.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ })).toHaveFocus();
    expect(onFinish).not.toHaveBeenCalled();
  });

  it("hands the staged connection back on Finish; the secret went to the core once", async () => {
    const core = installFakeCore();
    const { user, onFinish } = renderWizard();
    await toDetails(user);
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Connection name/ }), "Contoso");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@contoso.com");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByLabelText(/Client secret \(Value\)/));
    await user.paste("  Zq48Q~Hd7.secretValue_1234abcd ");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    await waitFor(() => expect(onFinish).toHaveBeenCalledTimes(1));
    expect(core.staged).toHaveLength(1);
    expect(core.staged[0]).toMatchObject({ name: "Contoso", credential: { kind: "secret", value: "  Zq48Q~Hd7.secretValue_1234abcd " } });
    expect(onFinish.mock.calls[0][0]).toMatchObject({ name: "Contoso", credential: { kind: "secret", hint: "bcd" } });
  });

  it("takes a certificate thumbprint instead of a secret", async () => {
    const core = installFakeCore();
    const { user, onFinish } = renderWizard();
    await toDetails(user);
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@contoso.com");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByRole("radio", { hidden: true, name: "Certificate thumbprint" }));
    expect(screen.queryByLabelText(/Client secret \(Value\)/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("textbox", { hidden: true, name: /Certificate thumbprint/ }));
    await user.paste("3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(core.staged[0].credential).toEqual({ kind: "certificate", thumbprint: "3b:7e:11:5a:90:c4:d2:e8:1f:00:aa:bb:cc:dd:ee:ff:01:23:45:67" });
    expect(onFinish.mock.calls[0][0].credential).toMatchObject({ kind: "certificate", sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567" });
  });

  it("imports a password-protected PFX through the open dialog and fills the thumbprint", async () => {
    const core = installFakeCore();
    core.chosenFile = "/home/admin/contoso.pfx";
    const { user } = renderWizard();
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
    const { user } = renderWizard();
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
    const core = installFakeCore();
    const saved = aConnection({ credential: { kind: "secret", hint: "xyz", expiresAt: null } });
    const { user, onFinish } = renderWizard(saved);
    expect(screen.queryByRole("button", { hidden: true, name: "Back" })).not.toBeInTheDocument();
    expect(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ })).toHaveValue(saved.clientId);
    expect(screen.getByLabelText(/Client secret \(Value\)/)).toHaveAttribute("placeholder", "Leave empty to keep the stored secret ending in …xyz.");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(core.staged[0]).toMatchObject({ id: saved.id, credential: { kind: "secret", value: null } });
  });
});
