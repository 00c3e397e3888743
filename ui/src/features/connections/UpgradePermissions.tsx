// Upgrade permissions on an Item level connection's card: Exchange Web Services is going, and
// Microsoft Graph's mailbox import and export API moves every item as Exchange keeps it. The
// dialog first shows what the move grants, removes and keeps (nothing is changed yet); then an
// administrator signs in in the system browser and Mailferry rewrites the application's
// permissions, waits until its token carries them and saves the connection as Full fidelity.
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";

import { api, type CommandError } from "../../api";
import { ErrorBar } from "../../components/ErrorBar";
import type { Connection } from "../../bindings/Connection";
import type { Permission } from "../../bindings/Permission";
import type { PermissionProfile } from "../../bindings/PermissionProfile";
import type { UpgradePreview } from "../../bindings/UpgradePreview";
import { adminProgress, profileName } from "./describe";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalXS, justifyItems: "start", minWidth: 0, overflowWrap: "anywhere" },
  content: { display: "grid", gap: tokens.spacingVerticalM },
  group: { display: "grid", gap: tokens.spacingVerticalXXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: "grid", gap: tokens.spacingVerticalXXS },
});

interface Props {
  connection: Connection;
  /** The upgrade finished: the connection has its new profile (and is to be checked again). */
  onUpgraded: () => void;
}

type State =
  | { kind: "idle" }
  | { kind: "previewing" }
  | { kind: "confirming"; preview: UpgradePreview }
  | { kind: "running"; now: string }
  | { kind: "failed"; error: CommandError }
  | { kind: "done"; preview: UpgradePreview };

/** One of the preview's three lists, left out when empty. */
function PermissionGroup({ title, permissions }: { title: string; permissions: Permission[] }) {
  const styles = useStyles();
  if (permissions.length === 0) return null;
  return (
    <section className={styles.group} aria-label={title}>
      <Text weight="semibold">{title}</Text>
      <ul className={styles.list}>
        {permissions.map((p) => (
          <li key={p.name}>
            <Text font="monospace">{p.name}</Text>: {p.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

function outcome(preview: UpgradePreview): string {
  const counts = `${preview.add.length} permission${preview.add.length === 1 ? "" : "s"} granted, ${preview.remove.length} removed`;
  return `Upgraded to ${profileName(preview.to)} (${counts}); the application’s token carries them. Check the connection again (Edit, then Configure) before a migration uses it.`;
}

export function UpgradePermissions({ connection, onUpgraded }: Props) {
  const styles = useStyles();
  const [state, setState] = useState<State>({ kind: "idle" });
  const to: PermissionProfile = "fullFidelity";

  // The preview is the core's: it knows the connection's role, scope and cloud.
  const showPreview = async () => {
    setState({ kind: "previewing" });
    try {
      setState({ kind: "confirming", preview: await api.upgradePermissionsPreview(connection.id, to) });
    } catch (failure) {
      setState({ kind: "failed", error: failure as CommandError });
    }
  };

  const upgradeNow = async (preview: UpgradePreview) => {
    setState({ kind: "running", now: "Starting the sign-in…" });
    try {
      await api.upgradePermissions(connection.id, to, (progress) => {
        const now = adminProgress(progress, "reading the application’s permissions");
        if (now) setState({ kind: "running", now });
      });
      setState({ kind: "done", preview });
      onUpgraded();
    } catch (failure) {
      const error = failure as CommandError;
      setState(error.code === "cancelled" ? { kind: "idle" } : { kind: "failed", error });
    }
  };

  const preview = state.kind === "confirming" ? state.preview : null;
  return (
    <div className={styles.root} aria-live="polite">
      {state.kind === "running" ? (
        <Spinner size="tiny" label={state.now} />
      ) : state.kind === "done" ? (
        <MessageBar layout="multiline" intent="success">
          <MessageBarBody>{outcome(state.preview)}</MessageBarBody>
        </MessageBar>
      ) : (
        <>
          {state.kind === "failed" && <ErrorBar error={state.error} title={`The connection keeps its ${profileName(connection.permissionProfile)} permissions`} />}
          <Button size="small" appearance="subtle" disabled={state.kind === "previewing"} onClick={() => void showPreview()}>
            {state.kind === "previewing" ? "Reading the permissions…" : "Upgrade permissions"}
          </Button>
        </>
      )}
      <Dialog open={preview !== null} onOpenChange={(_, data) => !data.open && setState({ kind: "idle" })}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Upgrade “{connection.name}” to {profileName(to)}</DialogTitle>
            <DialogContent className={styles.content}>
              <span>
                {profileName(to)} moves every item as Exchange keeps it, through Microsoft Graph’s mailbox import and export API, which replaces Exchange Web Services. An
                administrator of the tenant signs in in your browser; Mailferry changes the application’s permissions as listed below and waits until Microsoft applies them.
                Nothing is changed before you sign in.
              </span>
              {preview && (
                <>
                  <PermissionGroup title="Granted" permissions={preview.add} />
                  <PermissionGroup title={`Removed (${profileName(to)} no longer needs them)`} permissions={preview.remove} />
                  <PermissionGroup title="Kept" permissions={preview.keep} />
                </>
              )}
              {connection.mailboxScope && (
                <Caption1>
                  The mailbox permissions of this connection are assigned in Exchange Online on the scope of {connection.mailboxScope.displayName ?? connection.mailboxScope.group},
                  not granted here: after the upgrade, Configure gives the Exchange Online PowerShell for the new roles.
                </Caption1>
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => preview && void upgradeNow(preview)}>
                Sign in and upgrade
              </Button>
              <Button onClick={() => setState({ kind: "idle" })}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  );
}
