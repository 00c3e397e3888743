// Where focus goes and what Escape does, as a keyboard or screen-reader user meets it: each
// step change lands on the new step's heading, Escape closes only the innermost window and asks
// before typed or staged work is lost, and a closed window gives focus back to its opener.
import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { findDialog } from "../../test/dialogs";
import { installFakeCore } from "../../test/fakeCore";
import { aConnection } from "../../test/fixtures";
import { openNewConnectionWizard, renderDashboard, startJobFrom } from "../../test/renderDashboard";

const focused = () => document.activeElement;
const noDialog = () => waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument());

describe("focus follows the connection wizard", () => {
  it("lands on each new step's heading after Next and Back, never on the page", async () => {
    installFakeCore();
    const user = renderDashboard();
    await openNewConnectionWizard(user);
    await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    await waitFor(() => expect(focused()).toHaveTextContent("Step 2 of 3: Application details"));
    expect(focused()?.tagName).toBe("H3");
    await user.click(screen.getByRole("button", { hidden: true, name: "Back" }));
    await waitFor(() => expect(focused()).toHaveTextContent("Step 1 of 3: Application registration"));
  });
});

describe("Escape", () => {
  it("closes a wizard opened from a card's New with nothing typed, with no Manage connections window behind it, and focus goes back to Settings", async () => {
    const core = installFakeCore();
    const user = renderDashboard();
    await openNewConnectionWizard(user);
    await user.keyboard("{Escape}");
    await noDialog();
    expect(core.discards).toBe(1);
    await waitFor(() => expect(focused()).toBe(screen.getByRole("button", { name: "Settings for source connections" })));
  });

  it("reaches the open window when the page has focus (WebKit drops focus there when the focused control goes)", async () => {
    installFakeCore();
    const user = renderDashboard();
    await openNewConnectionWizard(user);
    act(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(document.activeElement).toBe(document.body);
    await user.keyboard("{Escape}");
    await noDialog();
  });

  it("asks before typed details are lost: a second Escape keeps them, Discard closes", async () => {
    installFakeCore();
    const user = renderDashboard();
    await openNewConnectionWizard(user);
    await user.click(screen.getByRole("radio", { hidden: true, name: /Manual registration/ }));
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    await user.type(await screen.findByRole("textbox", { hidden: true, name: /Connection name/ }), "Fabrikam");

    await user.keyboard("{Escape}");
    const question = await screen.findByRole("alertdialog", { hidden: true, name: "Discard the connection you were setting up?" });
    await waitFor(() => expect(focused()).toBe(within(question).getByRole("button", { hidden: true, name: "Keep editing" })));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog", { hidden: true })).not.toBeInTheDocument());
    expect(screen.getByRole("textbox", { hidden: true, name: /Connection name/ })).toHaveValue("Fabrikam");

    await user.keyboard("{Escape}");
    await user.click(await screen.findByRole("button", { hidden: true, name: "Discard" }));
    await noDialog();
  });

  it("in Manage connections with a staged change, asks first; in its wizard, goes back to the list only", async () => {
    const core = installFakeCore([aConnection()]);
    const user = renderDashboard();
    await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
    await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Manage connections" }));
    const manage = await findDialog("Manage source connections");
    await user.click(within(manage).getByRole("button", { hidden: true, name: "New" }));
    await findDialog("New Office 365 source connection");
    await user.keyboard("{Escape}");
    await findDialog("Manage source connections");

    await user.click(screen.getByRole("button", { hidden: true, name: "Delete Contoso" }));
    await user.keyboard("{Escape}");
    expect(await screen.findByRole("alertdialog", { hidden: true, name: "Discard the changes not saved?" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.getByRole("row", { hidden: true, name: /Contoso/ })).toHaveTextContent("Will be deleted");
    await user.keyboard("{Escape}");
    await user.click(await screen.findByRole("button", { hidden: true, name: "Discard" }));
    await noDialog();
    expect(core.saves).toHaveLength(0);
  });

  it("in a connection wizard opened from the job wizard, leaves the job's draft as it was and focus on Source server", async () => {
    installFakeCore();
    const user = renderDashboard();
    const create = await screen.findByRole("button", { hidden: true, name: "Create a new migration job" });
    await user.click(create);
    await findDialog("New migration job");
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Job name/ }), "Wave 1");
    await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
    await waitFor(() => expect(focused()).toHaveTextContent("Step 2 of 4: Source mailboxes"));

    await user.click(screen.getByRole("combobox", { hidden: true, name: /Source server/ }));
    await user.click(await screen.findByRole("option", { hidden: true, name: "Add new source connection…" }));
    await findDialog("New Office 365 source connection");
    await user.keyboard("{Escape}");

    await findDialog("New migration job");
    const server = screen.getByRole("combobox", { hidden: true, name: /Source server/ });
    await waitFor(() => expect(focused()).toBe(server));
    await user.click(screen.getByRole("button", { hidden: true, name: "Back" }));
    expect(screen.getByRole("textbox", { hidden: true, name: /Job name/ })).toHaveValue("Wave 1");

    // The job's draft is typed work: Escape asks, a second Escape keeps it; Discard closes,
    // and focus goes back to the opener.
    await user.keyboard("{Escape}");
    const keep = await screen.findByRole("button", { hidden: true, name: "Keep editing" });
    await waitFor(() => expect(focused()).toBe(keep));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog", { hidden: true })).not.toBeInTheDocument());
    expect(screen.getByRole("textbox", { hidden: true, name: /Job name/ })).toHaveValue("Wave 1");
    // Focus is back where it was before the question.
    await waitFor(() => expect(focused()).toHaveTextContent("Step 1 of 4: Name"));
    await user.keyboard("{Escape}");
    await user.click(await screen.findByRole("button", { hidden: true, name: "Discard" }));
    await noDialog();
    await waitFor(() => expect(focused()).toBe(create));
  });
});

describe("the Source mailboxes list", () => {
  // jsdom lays nothing out: the list's scroller is given the height it has in the app, so the
  // virtualizer draws the rows in view.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.dataset.testid === "mailbox-scroller" ? 320 : 0;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("is one tab stop that the arrows, Space, Shift and Ctrl+A drive, and says what is selected", async () => {
    const core = installFakeCore([aConnection({ name: "Contoso" })]);
    core.tenantMailboxes = Array.from({ length: 500 }, (_, i) => ({
      id: `m-${i}`,
      displayName: `User ${String(i).padStart(3, "0")}`,
      userPrincipalName: `user${String(i).padStart(3, "0")}@contoso.com`,
      mail: null,
    }));
    const user = renderDashboard();
    await startJobFrom(user, /Contoso/);
    await screen.findByText(/500 mailboxes in Contoso/);

    const list = screen.getByRole("listbox", { hidden: true, name: "Source mailboxes" });
    expect(list).toHaveAttribute("aria-multiselectable", "true");
    // One tab stop: nothing inside the list takes focus by Tab.
    expect(list).toHaveAttribute("tabindex", "0");
    expect(Array.from(list.querySelectorAll("input, button, [tabindex]")).filter((e) => e.getAttribute("tabindex") !== "-1")).toEqual([]);
    act(() => list.focus());
    const activeOption = () => document.getElementById(list.getAttribute("aria-activedescendant") ?? "");
    expect(activeOption()).toHaveAccessibleName("User 000 user000@contoso.com");

    await user.keyboard("{ArrowDown}{ }");
    expect(activeOption()).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Shift>}{ArrowDown}{ArrowDown}{/Shift}");
    expect(activeOption()).toHaveAccessibleName("User 003 user003@contoso.com");
    expect(screen.getByText(/^3 selected/)).toBeInTheDocument();
    expect(within(list).getAllByRole("option", { hidden: true, selected: true }).map((o) => o.getAttribute("aria-posinset"))).toEqual(["2", "3", "4"]);

    await user.keyboard("{PageDown}{Home}");
    expect(activeOption()).toHaveAccessibleName("User 000 user000@contoso.com");
    await user.keyboard("{Control>}a{/Control}");
    expect(screen.getByText(/^500 selected/)).toBeInTheDocument();
    await user.keyboard("{End}");
    // jsdom cannot scroll, so the last row is not drawn here: the list names it as active.
    expect(list.getAttribute("aria-activedescendant")).toMatch(/-499$/);
    expect(screen.getByText(/Space selects the row, Shift\+arrows or Shift\+click a range, Ctrl\+A every row shown/)).toBeInTheDocument();
  });
});

describe("lists drawn without bullets", () => {
  it("keep their list role, which WebKit drops from a list styled without markers", async () => {
    installFakeCore([aConnection()]);
    const user = renderDashboard();
    const card = await screen.findByRole("list", { hidden: true, name: "Defined source server connections" });
    expect(card).toHaveAttribute("role", "list");
    await openNewConnectionWizard(user);
    expect(screen.getByRole("list", { hidden: true, name: "Wizard steps" })).toHaveAttribute("role", "list");
  });
});
