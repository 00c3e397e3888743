// Switch to a certificate on a client secret connection's card: after a confirmation that says
// what will change, an administrator signs in in the system browser; Mailferry makes a
// certificate, adds it next to the application's current ones, waits until Microsoft accepts
// it, switches the connection and (unless kept) removes the client secret, saying each step.
// From then on the application renews its own certificate with no administrator.
import {
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";

import { api, type CommandError } from "../../api";
import { ErrorBar } from "../../components/ErrorBar";
import type { Connection } from "../../bindings/Connection";
import { adminProgress, formatDate } from "./describe";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalXS, justifyItems: "start", minWidth: 0, overflowWrap: "anywhere" },
  content: { display: "grid", gap: tokens.spacingVerticalS },
});

interface Props {
  connection: Connection;
  /** The switch finished: the connection signs in with its certificate. */
  onSwitched: () => void;
  /** The tenant's policy blocks new client secrets: the switch is what is left, and said so. */
  secretsBlocked?: boolean;
}

type State =
  | { kind: "idle" }
  | { kind: "confirming" }
  | { kind: "running"; now: string }
  | { kind: "failed"; error: CommandError }
  | { kind: "done"; until: string; note: string | null; removed: boolean; warning: string | null };

function outcome(state: Extract<State, { kind: "done" }>): string {
  const until = `Switched to a certificate, valid until ${formatDate(state.until)}${state.note ? ` (${state.note})` : ""}.`;
  const secret = state.removed ? " The client secret was removed from the application." : state.warning ? "" : " The client secret stays on the application.";
  return `${until}${secret}${state.warning ? ` ${state.warning}` : ""} Mailferry renews the certificate itself from now on.`;
}

export function SwitchToCertificate({ connection, onSwitched, secretsBlocked = false }: Props) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ kind: "idle" });
  const [removeSecret, setRemoveSecret] = useState(true);

  const switchNow = async () => {
    setState({ kind: "running", now: "Starting the sign-in…" });
    try {
      const done = await api.switchToCertificate(connection.id, !removeSecret, (progress) => {
        const now = adminProgress(progress, "making the certificate");
        if (now) setState({ kind: "running", now });
      });
      setState({ kind: "done", until: done.expiresAt, note: done.policyNote, removed: done.secretRemoved, warning: done.warning });
      onSwitched();
    } catch (failure) {
      const error = failure as CommandError;
      setState(error.code === "cancelled" ? { kind: "idle" } : { kind: "failed", error });
    }
  };

  return (
    <div className={styles.root} aria-live="polite">
      {state.kind === "running" ? (
        <Spinner size="tiny" label={state.now} />
      ) : state.kind === "done" ? (
        <MessageBar layout="multiline" intent={state.warning ? "warning" : "success"}>
          <MessageBarBody>{outcome(state)}</MessageBarBody>
        </MessageBar>
      ) : (
        <>
          {state.kind === "failed" && <ErrorBar error={state.error} title="The connection still signs in with its client secret" />}
          {secretsBlocked && (
            <Caption1>The tenant’s app management policy blocks new client secrets, so this one cannot be replaced when it ends: switch to a certificate, which Mailferry renews itself.</Caption1>
          )}
          <Button size="small" appearance={secretsBlocked ? "primary" : "subtle"} onClick={() => setState({ kind: "confirming" })}>
            Switch to a certificate
          </Button>
        </>
      )}
      <Dialog open={state.kind === "confirming"} onOpenChange={(_, data) => !data.open && setState({ kind: "idle" })}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Switch “{connection.name}” to a certificate</DialogTitle>
            <DialogContent className={styles.content}>
              <span>
                An administrator of the tenant signs in in your browser. Mailferry makes a certificate valid 5 years (or as long as the tenant’s app management policy allows), adds it to
                the application next to its current certificates, and switches the connection once Microsoft accepts it. From then on Mailferry renews the certificate itself, with no
                administrator.
              </span>
              <Checkbox
                checked={removeSecret}
                onChange={(_, data) => setRemoveSecret(data.checked === true)}
                label="Remove the client secret from the application afterwards (leave it if another tool signs in with it)"
              />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => void switchNow()}>
                Sign in and switch
              </Button>
              <Button onClick={() => setState({ kind: "idle" })}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
