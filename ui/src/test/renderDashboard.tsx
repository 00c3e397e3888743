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
