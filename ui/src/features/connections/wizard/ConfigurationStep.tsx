import { Body1, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { api } from "../../../api";
import type { CheckReport } from "../../../bindings/CheckReport";
import type { CheckRun } from "../../../bindings/CheckRun";
import type { Connection } from "../../../bindings/Connection";
import { CheckPanel } from "../checks/CheckPanel";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalM },
});

interface Props {
  sessionId: string;
  connection: Connection;
  onRun: (run: CheckRun) => void;
  onRunningChange: (running: boolean) => void;
}

/** The wizard's last step: Configure proves the connection works before Finish. */
export function ConfigurationStep({ sessionId, connection, onRun, onRunningChange }: Props) {
  const styles = useStyles();
  // A connection whose details did not change keeps its last check: show that run.
  const [previous, setPrevious] = useState<CheckReport | null | undefined>(connection.lastCheck ? undefined : null);
  useEffect(() => {
    if (previous !== undefined) return;
    api.lastCheckReport(connection.id).then(setPrevious, () => setPrevious(null));
  }, [connection.id, previous]);

  return (
    <div className={styles.root}>
      <Body1>
        Configure signs in to Microsoft as the application and checks the tenant, the permissions, the application mailbox and
        the credential's expiry. Nothing is changed in the tenant. Finish is available once no check fails.
      </Body1>
      {previous === undefined ? (
        <Spinner size="tiny" label="Loading the last check…" />
      ) : (
        <CheckPanel sessionId={sessionId} connection={connection} initialReport={previous} onRun={onRun} onRunningChange={onRunningChange} />
      )}
    </div>
  );
}
