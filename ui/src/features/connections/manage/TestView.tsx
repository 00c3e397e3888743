import { Button, DialogActions, DialogBody, DialogContent, DialogTitle } from "@fluentui/react-components";
import { useState } from "react";

import type { Connection } from "../../../bindings/Connection";
import { useFocusOnMount } from "../../../components/useFocusOnMount";
import { CheckPanel } from "../checks/CheckPanel";

interface Props {
  sessionId: string;
  connection: Connection;
  /** The connection with what the run learnt (tenant name, last check). */
  onRun: (connection: Connection) => void;
  onClose: () => void;
}

/** Test in the Manage connections window: the checks of one connection, run at once. */
export function TestView({ sessionId, connection, onRun, onClose }: Props) {
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const [current, setCurrent] = useState(connection);
  return (
    <DialogBody>
      <DialogTitle ref={titleRef} tabIndex={-1}>
        Test “{connection.name}”
      </DialogTitle>
      <DialogContent>
        <CheckPanel
          sessionId={sessionId}
          connection={current}
          autoStart
          onRun={(run) => {
            setCurrent(run.connection);
            onRun(run.connection);
          }}
        />
      </DialogContent>
      <DialogActions>
        <Button appearance="primary" onClick={onClose}>
          Back to the list
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
