import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { Dashboard } from "../features/dashboard/Dashboard";
import { findDialog } from "./dialogs";
import { TestFluent } from "./TestFluent";

export type User = ReturnType<typeof userEvent.setup>;

/** The dashboard as the app shows it, and a user to drive it. */
export function renderDashboard(): User {
  render(
    <TestFluent>
      <Dashboard />
    </TestFluent>,
  );
  return userEvent.setup();
}

/** Settings > New > Office 365 connection on the source card: the wizard's dialog. */
export async function openNewConnectionWizard(user: User): Promise<HTMLElement> {
  await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
  await user.click(await screen.findByRole("menuitem", { hidden: true, name: "New" }));
  await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Office 365 connection" }));
  return findDialog("New Office 365 source connection");
}

/** Create a new migration job, named, on to Source mailboxes with the connection `source` chosen. */
export async function startJobFrom(user: User, source: RegExp, name = "Wave 1"): Promise<void> {
  await user.click(await screen.findByRole("button", { hidden: true, name: "Create a new migration job" }));
  await findDialog("New migration job");
  await user.type(screen.getByRole("textbox", { hidden: true, name: /Job name/ }), name);
  await user.click(screen.getByRole("button", { hidden: true, name: "Next" }));
  await user.click(screen.getByRole("combobox", { hidden: true, name: /Source server/ }));
  await user.click(await screen.findByRole("option", { hidden: true, name: source }));
}
