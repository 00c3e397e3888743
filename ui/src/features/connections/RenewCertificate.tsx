// Renew on a certificate connection's card: the application renews its own certificate (no
// administrator), step by step; when Mailferry cannot learn the application's Object ID it asks
// for it here.
import { Button, Caption1, Field, Input, MessageBar, MessageBarBody, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useState } from "react";

import { api, type CommandError } from "../../api";
import type { Connection } from "../../bindings/Connection";
import type { RenewalStep } from "../../bindings/RenewalStep";
import { formatDate } from "./describe";

const STEP_TITLES: Record<RenewalStep, string> = {
  certificate: "Creating a new certificate…",
  addKey: "Adding it to the application…",
  proven: "Waiting until Microsoft accepts it…",
  switch: "Switching the connection to it…",
  removeOld: "Removing the old certificate…",
};

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalXS, justifyItems: "start", minWidth: 0, overflowWrap: "anywhere" },
  objectId: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "end" },
});

interface Props {
  connection: Connection;
  /** The renewal finished: the connection has its new certificate. */
  onRenewed: () => void;
}

type State =
  | { kind: "idle" }
  | { kind: "running"; step: RenewalStep | null }
  | { kind: "needsObjectId"; message: string; hint: string | null }
  | { kind: "failed"; error: CommandError }
  | { kind: "done"; until: string | null; warning: string | null };

export function RenewCertificate({ connection, onRenewed }: Props) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ kind: "idle" });
  const [objectId, setObjectId] = useState("");

  const renew = async (typedObjectId: string | null) => {
    setState({ kind: "running", step: null });
    try {
      const renewal = await api.renewCertificate(connection.id, typedObjectId, (event) => {
        if (event.state === "started" || event.state === "waiting") setState({ kind: "running", step: event.step });
      });
      const renewed = await api.getConnection(connection.id);
      const until = renewed.credential.kind === "certificate" ? renewed.credential.notAfter : null;
      setState({ kind: "done", until, warning: renewal.warning });
      onRenewed();
    } catch (failure) {
      const error = failure as CommandError;
      if (error.code === "object_id_needed") {
        setState({ kind: "needsObjectId", message: error.message, hint: error.detail.hint });
      } else {
        setState({ kind: "failed", error });
      }
    }
  };

  return (
    <div className={styles.root} aria-live="polite">
      {state.kind === "running" ? (
        <Spinner size="tiny" label={state.step ? STEP_TITLES[state.step] : "Renewing the certificate…"} />
      ) : state.kind === "needsObjectId" ? (
        <>
          <Caption1>{state.message}</Caption1>
          <div className={styles.objectId}>
            <Field label="Object ID" hint={state.hint ?? undefined}>
              <Input value={objectId} onChange={(_, data) => setObjectId(data.value)} />
            </Field>
            <Button disabled={objectId.trim() === ""} onClick={() => void renew(objectId)}>
              Renew
            </Button>
          </div>
        </>
      ) : state.kind === "done" ? (
        <MessageBar layout="multiline" intent={state.warning ? "warning" : "success"}>
          <MessageBarBody>
            Certificate renewed{state.until ? `: valid until ${formatDate(state.until)}` : ""}.
            {state.warning && ` ${state.warning}`}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <>
          {state.kind === "failed" && (
            <MessageBar layout="multiline" intent="error">
              <MessageBarBody>
                {state.error.message} {state.error.detail.hint}
              </MessageBarBody>
            </MessageBar>
          )}
          <Button size="small" onClick={() => void renew(null)}>
            Renew certificate
          </Button>
        </>
      )}
    </div>
  );
}
