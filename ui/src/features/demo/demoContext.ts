import { createContext, useContext } from "react";

import type { Cloud } from "../../bindings/Cloud";
import type { DemoStatus } from "../../bindings/DemoStatus";

/** The demo as the dashboard knows it; null until the core has answered. */
export const DemoContext = createContext<DemoStatus | null>(null);

export function useDemo(): DemoStatus | null {
  return useContext(DemoContext);
}

/** Whether `cloud` is the demo cloud served now. */
export function isDemoCloud(demo: DemoStatus | null, cloud: Cloud): boolean {
  const served = demo?.active ? demo.cloud : null;
  return (
    served?.kind === "custom" &&
    cloud.kind === "custom" &&
    sameUrl(served.loginUrl, cloud.loginUrl) &&
    sameUrl(served.graphUrl, cloud.graphUrl)
  );
}

function sameUrl(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, "") === b.trim().replace(/\/+$/, "");
}
