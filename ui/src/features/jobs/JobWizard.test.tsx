import { TestFluent } from "../../test/TestFluent";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Mailbox } from "../../bindings/Mailbox";
import { findDialog } from "../../test/dialogs";
import { installFakeCore } from "../../test/fakeCore";
import { aConnection } from "../../test/fixtures";
import { Dashboard } from "../dashboard/Dashboard";
import { renderDashboard, startJobFrom } from "../../test/renderDashboard";

const mailboxes: Mailbox[] = Array.from({ length: 3_000 }, (_, i) => ({
  id: `m-${i}`,
  displayName: i % 2 === 0 ? `Sales ${i}` : `Finance ${i}`,
  userPrincipalName: `user${i}@contoso.com`,
  mail: null,
}));

describe("the migration job wizard", () => {
  it("adds the source connection from inside the Source mailboxes step, selects mailboxes, picks a target and saves the job", async () => {
    const target = aConnection({ id: "9f1c1f64-3f7e-4f1e-9c39-0d8f7c1b2a10", role: "target", name: "Fabrikam" });
    const core = installFakeCore([target]);
    core.tenantMailboxes = mailboxes;
    render(
      <TestFluent>
        <Dashboard />
      </TestFluent>,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Create a new migration job" }));
    await findDialog("New migration job");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Job name/ }), "Wave 1");
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));

    // No source connection yet: add one without leaving the job wizard.
    await user.click(screen.getByRole("combobox", { hidden: true, name: /Source server/ }));
    await user.click(await screen.findByRole("option", { hidden: true, name: "Add new source connection…" }));
    await findDialog("New Office 365 source connection");
    await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Connection name/ }), "Contoso");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Dedicated application mailbox/ }), "migration@contoso.com");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Application \(client\) ID/ }), "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Directory \(tenant\) ID/ }), "contoso.onmicrosoft.com");
    await user.click(screen.getByLabelText(/Client secret \(Value\)/));
    await user.paste("Zq48Q~Hd7.secretValue_1234abcd");
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    await user.click(await screen.findByRole("button", { hidden: true, name: "Configure" }));
    await screen.findByText("All checks passed: the connection works.");
    await user.click(screen.getByRole("button", { hidden: true, name: "Finish" }));

    // Back in the job wizard, with the new connection saved and chosen, and its mailboxes read.
    await findDialog("New migration job");
    expect(core.saves).toEqual([{ upserts: [expect.objectContaining({ name: "Contoso", role: "source" })], deletes: [] }]);
    expect(screen.getByRole("combobox", { hidden: true, name: /Source server/ })).toHaveTextContent("Contoso");
    expect(await screen.findByText("3000 mailboxes in Contoso.")).toBeInTheDocument();
    expect(screen.getByRole("button", { hidden: true, name: "Next" })).toBeDisabled();

    await user.type(screen.getByRole("textbox", { hidden: true, name: /Search/ }), "finance");
    await user.click(screen.getByRole("checkbox", { hidden: true, name: "Select all 1500 shown" }));
    expect(screen.getByText(/1500 selected/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));

    await user.click(screen.getByRole("combobox", { hidden: true, name: /Target server/ }));
    await user.click(await screen.findByRole("option", { hidden: true, name: /Fabrikam/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    expect(screen.getByLabelText("Job summary")).toHaveTextContent("Wave 1: 1500 mailboxes from Contoso to Fabrikam.");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));

    const jobs = await screen.findByRole("list", { hidden: true, name: "Migration jobs" });
    expect(within(jobs).getByRole("listitem", { hidden: true, name: "Wave 1" })).toHaveTextContent("Draft · 1500 mailboxes · Contoso → Fabrikam");
    expect(core.jobs[0].mailboxes.every((m) => m.displayName.startsWith("Finance"))).toBe(true);
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());
  });

  it("says why a scoped source connection lists only its group's members", async () => {
    const source = aConnection({ name: "Contoso", mailboxScope: { group: "wave1@contoso.com", displayName: "Wave 1" } });
    const core = installFakeCore([source]);
    core.tenantMailboxes = mailboxes.slice(0, 3);
    const user = renderDashboard();
    await startJobFrom(user, /Contoso/);
    expect(
      await screen.findByText("3 mailboxes in Contoso. Only the members of Wave 1 are listed: the connection is limited to that group."),
    ).toBeInTheDocument();
  });

  it("renames and deletes a job from the How to start card", async () => {
    const core = installFakeCore([aConnection()]);
    core.jobs = [
      {
        id: "00000001-0000-4000-8000-000000000000",
        name: "Wave 1",
        sourceConnectionId: aConnection().id,
        targetConnectionId: null,
        state: "draft",
        mailboxCount: 1,
        mailboxes: [{ id: "m-1", address: "user1@contoso.com", displayName: "User 1" }],
        createdAt: "2026-11-27T12:00:00.000Z",
        updatedAt: "2026-11-27T12:00:00.000Z",
      },
    ];
    render(
      <TestFluent>
        <Dashboard />
      </TestFluent>,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Rename Wave 1" }));
    const input = screen.getByRole("textbox", { hidden: true, name: "New name for Wave 1" });
    await user.clear(input);
    await user.type(input, "Wave 1 (executives)");
    await user.click(screen.getByRole("button", { hidden: true, name: "Rename" }));
    const item = await screen.findByRole("listitem", { hidden: true, name: "Wave 1 (executives)" });
    expect(core.jobs[0].mailboxes).toHaveLength(1);

    await user.click(within(item).getByRole("button", { hidden: true, name: "Delete Wave 1 (executives)" }));
    await user.click(within(item).getByRole("button", { hidden: true, name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("list", { hidden: true, name: "Migration jobs" })).not.toBeInTheDocument());
    expect(core.jobs).toEqual([]);
  });
});
