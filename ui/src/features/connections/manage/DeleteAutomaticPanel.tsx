import { Body1, Button, Caption1, Checkbox, MessageBar, MessageBarBody, MessageBarTitle, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { api, type CommandError } from "../../../api";
import type { ApplicationDeletion } from "../../../bindings/ApplicationDeletion";
import type { Connection } from "../../../bindings/Connection";
import { ErrorBar } from "../../../components/ErrorBar";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalS },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

interface Props {
  connection: Connection;
  /** Stage the connection's deletion (saved with OK). */
  onDelete: () => void;
  onKeep: () => void;
}

/**
 * Deleting an automatically registered connection: its application stays in Entra ID unless
 * the admin chooses to delete it too, after seeing exactly what that deletes.
 */
export function DeleteAutomaticPanel({ connection, onDelete, onKeep }: Props) {
  const styles = useStyles();
  const [alsoApplication, setAlsoApplication] = useState(false);
  const [preview, setPreview] = useState<ApplicationDeletion | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  useEffect(() => {
    api.applicationDeletionPreview(connection.id).then(setPreview, setError);
  }, [connection.id]);

  const confirm = async () => {
    if (!alsoApplication) return onDelete();
    setBusy(true);
    setError(null);
    try {
      await api.deleteConnectionApplication(connection.id, () => undefined);
      onDelete();
    } catch (failure) {
      setError(failure as CommandError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <MessageBar intent="warning" layout="multiline" aria-label={`Delete ${connection.name}`}>
      <MessageBarBody className={styles.root}>
        <MessageBarTitle>Delete “{connection.name}”?</MessageBarTitle>
        <Body1>The connection is deleted when you press OK. Its application stays in Microsoft Entra ID unless you delete it too.</Body1>
        <Checkbox
          checked={alsoApplication}
          disabled={busy || !preview}
          onChange={(_, data) => setAlsoApplication(data.checked === true)}
          label="Also delete its application from Microsoft Entra ID now (you sign in as an administrator)"
        />
        {alsoApplication && preview && (
          <div aria-label="What will be deleted in Entra ID">
            <Body1>
              In tenant {preview.tenantId} this deletes the application “{preview.displayName}” (application ID {preview.appId}), its enterprise
              application, and the permissions granted to it:
            </Body1>
            <ul className={styles.list}>
              {preview.permissions.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
            <Caption1>Entra ID keeps a deleted application restorable for 30 days under App registrations &gt; Deleted applications.</Caption1>
            {preview.otherConnections.length > 0 && (
              <Body1>These connections use the same application and will stop working: {preview.otherConnections.join(", ")}.</Body1>
            )}
          </div>
        )}
        {error && <ErrorBar error={error} title="The application was not deleted" />}
        <div className={styles.row}>
          <Button appearance="primary" disabled={busy} onClick={() => void confirm()}>
            {alsoApplication ? "Delete connection and application" : "Delete connection"}
          </Button>
          <Button disabled={busy} onClick={onKeep}>
            Keep
          </Button>
          {busy && <Spinner size="tiny" label="Signing in and deleting the application…" />}
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}
