// The windows the dashboard opens, loaded the first time they are opened: a user who only
// looks at the dashboard never parses the wizard, Manage connections, job or proxy code, so
// start-up and idle memory stay close to a bare window.
import { lazy, useState } from "react";

export const ManageConnectionsDialog = lazy(() =>
  import("../connections/manage/ManageConnectionsDialog").then((module) => ({ default: module.ManageConnectionsDialog })),
);
export const JobWizard = lazy(() => import("../jobs/JobWizard").then((module) => ({ default: module.JobWizard })));
export const NetworkProxyDialog = lazy(() =>
  import("../settings/NetworkProxyDialog").then((module) => ({ default: module.NetworkProxyDialog })),
);

/** True from the first time `open` is true: a window stays mounted once loaded, so it closes
 * with its own transition and keeps the "never unmounted while open" rule of its component. */
export function useOpenedOnce(open: boolean): boolean {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened || open;
}
