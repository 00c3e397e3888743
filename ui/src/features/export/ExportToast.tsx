import { Link, Toast, ToastBody, ToastTitle, Toaster, useToastController } from "@fluentui/react-components";
import { useCallback } from "react";

import { api } from "../../api";
import type { Role } from "../../bindings/Role";

export const TOASTER_ID = "mailferry-toasts";

export function AppToaster() {
  return <Toaster toasterId={TOASTER_ID} position="bottom-end" />;
}

/** Export summary from the dashboard: the result arrives as a toast with Show in folder. */
export function useExportWithToast() {
  const { dispatchToast } = useToastController(TOASTER_ID);
  return useCallback(
    async (ids: string[], role: Role) => {
      // The save dialog and export code load with the first export.
      const { exportSummaries, exportedMessage } = await import("./exportSummaries");
      const result = await exportSummaries(ids, role);
      if (result.kind === "done") {
        const { path } = result.outcome;
        dispatchToast(
          <Toast>
            <ToastTitle action={<Link onClick={() => void api.showExportInFolder(path).catch(() => undefined)}>Show in folder</Link>}>
              {exportedMessage(result.outcome)}
            </ToastTitle>
            <ToastBody>{path}</ToastBody>
          </Toast>,
          { intent: "success", timeout: 10_000 },
        );
      } else if (result.kind === "failed") {
        dispatchToast(
          <Toast>
            <ToastTitle>Nothing was exported</ToastTitle>
            <ToastBody>
              {result.error.message} {result.error.detail.hint}
            </ToastBody>
          </Toast>,
          { intent: "error", timeout: 15_000 },
        );
      }
    },
    [dispatchToast],
  );
}
