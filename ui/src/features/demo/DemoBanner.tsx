import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { ArrowExitRegular, KeyMultipleRegular } from "@fluentui/react-icons";

import { useDemo } from "./demoContext";

interface Props {
  busy: boolean;
  credentialsOpen: boolean;
  onToggleCredentials: () => void;
  onLeave: () => void;
}

/**
 * While the dashboard shows the demo cloud, says so on every screen of it: nothing reaches
 * Microsoft, where the demo's accounts are, and the one click back to the user's own connections.
 */
export function DemoBanner({ busy, credentialsOpen, onToggleCredentials, onLeave }: Props) {
  const demo = useDemo();
  if (!demo?.active) return null;
  return (
    <MessageBar intent="warning" layout="multiline" aria-live="off">
      <MessageBarBody>
        <MessageBarTitle>Demo tenant: nothing here reaches Microsoft</MessageBarTitle>
        Contoso (source, contoso.onmicrosoft.com) and Fabrikam (target, fabrikam.onmicrosoft.com) are served on this computer;
        their accounts and passwords are on the demo sign-in page and under Demo credentials. Demo connections are kept apart
        from your own.
      </MessageBarBody>
      <MessageBarActions>
        <Button icon={<KeyMultipleRegular />} aria-expanded={credentialsOpen} onClick={onToggleCredentials}>
          Demo credentials
        </Button>
        <Button appearance="primary" icon={<ArrowExitRegular />} disabled={busy} onClick={onLeave}>
          Leave the demo
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
