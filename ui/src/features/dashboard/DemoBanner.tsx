import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { api } from "../../api";

/**
 * While the app runs in the demo cloud, says so on every screen of the dashboard: nothing
 * reaches Microsoft, and where the demo's accounts are.
 */
export function DemoBanner() {
  const [demo, setDemo] = useState(false);
  useEffect(() => {
    // Not knowing is the same as not in the demo: the real dashboard shows no banner.
    api.isDemo().then(setDemo, () => setDemo(false));
  }, []);
  if (!demo) return null;
  return (
    <MessageBar intent="warning" layout="multiline" aria-live="off">
      <MessageBarBody>
        <MessageBarTitle>Demo tenant: nothing here reaches Microsoft</MessageBarTitle>
        Contoso (source, contoso.onmicrosoft.com) and Fabrikam (target, fabrikam.onmicrosoft.com) are served on this computer;
        their accounts and passwords are on the demo sign-in page. Demo connections are kept apart from real ones: start
        Mailferry without --demo to see yours.
      </MessageBarBody>
    </MessageBar>
  );
}
