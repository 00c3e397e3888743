// Replace secret on a client secret connection's card: an application cannot add a secret to
// itself, so an administrator signs in in the system browser; Mailferry then adds a new secret
// within the tenant's policy, waits until Microsoft accepts it, switches the connection to it
// and removes the old one, saying each step.
import { Button, MessageBar, MessageBarBody, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useState } from "react";

import { api, type CommandError } from "../../api";
import { ErrorBar } from "../../components/ErrorBar";
import type { Connection } from "../../bindings/Connection";
import { adminProgress, formatDate } from "./describe";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalXS, justifyItems: "start", minWidth: 0, overflowWrap: "anywhere" },
});

interface Props {
  connection: Connection;
  /** The replacement finished: the connection has its new secret. */
  onReplaced: () => void;
  /** The replacement failed: what the sign-in learnt (a policy that blocks secrets) may change the card. */
  onFailed?: () => void;
}

type State =
  | { kind: "idle" }
  | { kind: "running"; now: string }
  | { kind: "failed"; error: CommandError }
  | { kind: "done"; until: string; note: string | null; warning: string | null };

export function ReplaceSecret({ connection, onReplaced, onFailed }: Props) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ kind: "idle" });

  const replace = async () => {
    setState({ kind: "running", now: "Starting the sign-in…" });
    try {
      const done = await api.replaceClientSecret(connection.id, null, (progress) => {
        const now = adminProgress(progress, "adding a new secret");
        if (now) setState({ kind: "running", now });
      });
      setState({ kind: "done", until: done.expiresAt, note: done.policyNote, warning: done.warning });
      onReplaced();
    } catch (failure) {
      const error = failure as CommandError;
      setState(error.code === "cancelled" ? { kind: "idle" } : { kind: "failed", error });
      if (error.code !== "cancelled") onFailed?.();
    }
  };

  return (
    <div className={styles.root} aria-live="polite">
      {state.kind === "running" ? (
        <Spinner size="tiny" label={state.now} />
      ) : state.kind === "done" ? (
        <MessageBar layout="multiline" intent={state.warning ? "warning" : "success"}>
          <MessageBarBody>
            Secret replaced: valid until {formatDate(state.until)}
            {state.note && ` (${state.note})`}.{state.warning && ` ${state.warning}`}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <>
          {state.kind === "failed" && <ErrorBar error={state.error} title="The secret was not replaced" />}
          <Button size="small" onClick={() => void replace()}>
            Replace secret
          </Button>
        </>
      )}
    </div>
  );
}
