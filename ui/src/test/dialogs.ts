import { screen } from "@testing-library/react";

/** The open dialog whose title is `title` (see setup.ts for why not getByRole's name). */
export async function findDialog(title: string): Promise<HTMLElement> {
  const heading = await screen.findByText(title, { selector: "h2" });
  const dialog = heading.closest<HTMLElement>("[role=dialog]");
  if (!dialog) throw new Error(`"${title}" is not the title of a dialog`);
  return dialog;
}
