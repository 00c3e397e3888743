import {
  Badge,
  Body1,
  Button,
  Caption1,
  Checkbox,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { AddRegular, ArrowDownloadRegular, ArrowUndoRegular, DeleteRegular, EditRegular, PlayRegular } from "@fluentui/react-icons";
import { useEffect, useState, type ReactNode } from "react";

import { api, type CommandError } from "../../../api";
import type { Connection } from "../../../bindings/Connection";
import type { SessionRow } from "../../../bindings/SessionRow";
import type { SessionView } from "../../../bindings/SessionView";
import { DiscardPrompt } from "../../../components/DiscardPrompt";
import { ErrorBar } from "../../../components/ErrorBar";
import type { ManageRequest } from "./manageRequest";
import { checkedAgo, connectionHealth, credentialLabel, daysLeftLabel, tenantLabel } from "../describe";
import { useFocusOnMount } from "../../../components/useFocusOnMount";
import type { ExportOutcome } from "../../../bindings/ExportOutcome";
import { exportSummaries, exportedMessage } from "../../export/exportSummaries";
import { ConnectionWizard } from "../wizard/ConnectionWizard";
import { DeleteAutomaticPanel } from "./DeleteAutomaticPanel";
import { TestView } from "./TestView";
import { asksBeforeDeleting, exportableIds } from "./manageState";

const useStyles = makeStyles({
  surface: { maxWidth: "960px", width: "92vw" },
  content: { display: "grid", gap: tokens.spacingVerticalM },
  toolbar: { display: "flex", gap: tokens.spacingHorizontalS },
  deleted: { textDecorationLine: "line-through", color: tokens.colorNeutralForegroundDisabled },
  actions: { display: "flex", gap: tokens.spacingHorizontalXS, whiteSpace: "nowrap" },
  // Columns size to their content, so the three actions always fit.
  table: { tableLayout: "auto" },
  hidden: { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clipPath: "inset(50%)" },
});

interface Props {
  /** What to open with; null closes the window (it is never unmounted while open). */
  request: ManageRequest | null;
  /** Called with every connection after OK saved, or with nothing after Cancel. */
  onClose: (saved?: Connection[]) => void;
}

/** What is shown in place of the list: the wizard (for a new connection, or to edit one), or
 * the checks of one connection (Test). */
type View = { kind: "wizard"; editing: Connection | null } | { kind: "test"; connection: Connection };

/** The window over the core's edit session: each opening starts one, OK commits it, Cancel
 * discards it. */
export function ManageConnectionsDialog({ request, onClose }: Props) {
  const styles = useStyles();
  const [view, setView] = useState<View | null>(null);
  const [lastRequest, setLastRequest] = useState<ManageRequest | null>(null);
  const [session, setSession] = useState<SessionView | null>(null);
  const [openError, setOpenError] = useState<CommandError | null>(null);
  /** The list was on screen in this opening: a wizard opened straight from a card (New, Edit)
   * closes the whole window, since its user never saw the list. */
  const [listShown, setListShown] = useState(false);
  const [askingToDiscard, setAskingToDiscard] = useState(false);
  // Each opening starts in the view it asks for.
  if (request !== lastRequest) {
    setLastRequest(request);
    setView(request?.wizard ? { kind: "wizard", editing: request.wizard.editing } : null);
    setListShown(!request?.wizard);
    setAskingToDiscard(false);
    setSession(null);
    setOpenError(null);
  } else if (request && view === null && !listShown) {
    setListShown(true);
  }
  const role = request?.role;
  useEffect(() => {
    if (!role) return;
    let current = true;
    api.openEditSession(role).then(
      (opened) => {
        if (current) setSession(opened);
        else void api.discardEditSession(opened.sessionId).catch(() => undefined);
      },
      (failure: CommandError) => current && setOpenError(failure),
    );
    return () => {
      current = false;
    };
  }, [request, role]);

  const cancel = async () => {
    // The core forgets the session; a failure to say so is harmless (it dies with the app).
    if (session) await api.discardEditSession(session.sessionId).catch(() => undefined);
    onClose();
  };

  // Escape closes the innermost view only (the wizard hears its own): the test goes back to
  // the list; the list asks before staged changes are discarded; a second Escape keeps them.
  const escape = () => {
    if (view) setView(null);
    else if (askingToDiscard) setAskingToDiscard(false);
    else if (session?.hasChanges) setAskingToDiscard(true);
    else void cancel();
  };
  const leaveWizard = () => (listShown ? setView(null) : void cancel());

  return (
    <Dialog open={request !== null} modalType="modal" onOpenChange={(_, data) => !data.open && escape()}>
      {/* The label names the window while it opens or closes, without its title. */}
      <DialogSurface className={styles.surface} aria-describedby={undefined} aria-label="Manage connections">
        {request && session && (
          <ConnectionsWindow
            session={session}
            setSession={setSession}
            view={view}
            setView={setView}
            onLeaveWizard={leaveWizard}
            onClose={onClose}
            onCancel={cancel}
            discardPrompt={
              askingToDiscard && (
                <DiscardPrompt
                  question="Discard the changes not saved?"
                  detail="New, changed and deleted connections stay as they were saved."
                  onKeep={() => setAskingToDiscard(false)}
                  onDiscard={() => void cancel()}
                />
              )
            }
          />
        )}
        {request && !session && !openError && (
          // A few milliseconds while the core opens the session: no title yet, so the window's
          // heading is mounted once, with its rows.
          <DialogBody>
            <DialogContent>
              <Spinner size="tiny" label="Opening the connections…" />
            </DialogContent>
          </DialogBody>
        )}
        {request && !session && openError && (
          <DialogBody>
            <ListTitle role={request.role} />
            <DialogContent>
              <ErrorBar error={openError} title="The connections could not be opened" />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => void cancel()}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        )}
      </DialogSurface>
    </Dialog>
  );
}

interface WindowProps {
  session: SessionView;
  setSession: (session: SessionView) => void;
  view: View | null;
  setView: (view: View | null) => void;
  /** The wizard was cancelled: back to the list, or out of a window opened for the wizard. */
  onLeaveWizard: () => void;
  onClose: (saved?: Connection[]) => void;
  onCancel: () => Promise<void>;
  /** Asked when Escape would discard staged changes. */
  discardPrompt: ReactNode;
}

function ConnectionsWindow({ session, setSession, view, setView, onLeaveWizard, onClose, onCancel, discardPrompt }: WindowProps) {
  const styles = useStyles();
  const { role, rows, sessionId } = session;
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [exported, setExported] = useState<ExportOutcome | null>(null);
  const [exportError, setExportError] = useState<CommandError | null>(null);
  /** An automatically registered connection whose deletion is being confirmed. */
  const [confirming, setConfirming] = useState<Connection | null>(null);

  // The core holds the rows: after a change, show what it holds now.
  const refresh = () => api.editSessionView(sessionId).then(setSession, (failure: CommandError) => setError(failure));
  const markDeleted = (row: SessionRow) =>
    api.stageDelete(sessionId, row.connection.id, !row.deleted).then(setSession, (failure: CommandError) => setError(failure));

  if (view?.kind === "wizard") {
    return (
      <ConnectionWizard
        sessionId={sessionId}
        role={role}
        editing={view.editing}
        onFinish={() => {
          setView(null);
          void refresh();
        }}
        onCancel={onLeaveWizard}
      />
    );
  }
  if (view?.kind === "test") {
    return <TestView sessionId={sessionId} connection={view.connection} onRun={() => void refresh()} onClose={() => setView(null)} />;
  }

  const exportable = exportableIds(rows);
  const toExport = selected.size > 0 ? exportable.filter((id) => selected.has(id)) : exportable;
  const exportSelected = async () => {
    setExportError(null);
    setExported(null);
    const result = await exportSummaries(toExport, role);
    if (result.kind === "done") setExported(result.outcome);
    if (result.kind === "failed") setExportError(result.error);
  };

  const ok = async () => {
    if (!session.hasChanges) return onCancel();
    setSaving(true);
    setError(null);
    try {
      onClose(await api.commitEditSession(sessionId));
    } catch (failure) {
      setError(failure as CommandError);
      setSaving(false);
    }
  };

  return (
    <DialogBody>
      <ListTitle role={role} />
      <DialogContent className={styles.content}>
        <Body1>Changes are saved when you press OK; Cancel discards them.</Body1>
        <div className={styles.toolbar}>
          <Button icon={<AddRegular />} onClick={() => setView({ kind: "wizard", editing: null })} disabled={saving}>
            New
          </Button>
          <Button icon={<ArrowDownloadRegular />} onClick={() => void exportSelected()} disabled={saving || toExport.length === 0}>
            {selected.size > 0 ? `Export summary (${toExport.length} selected)…` : "Export summaries…"}
          </Button>
        </div>
        {rows.length === 0 ? (
          <Body1>No {role} connections are defined. Press New to add one.</Body1>
        ) : (
          <ConnectionTable
            rows={rows}
            disabled={saving}
            selected={selected}
            onSelect={(id, on) => {
              const next = new Set(selected);
              if (on) next.add(id);
              else next.delete(id);
              setSelected(next);
            }}
            onEdit={(connection) => setView({ kind: "wizard", editing: connection })}
            onTest={(connection) => setView({ kind: "test", connection })}
            onToggleDelete={(row) => {
              if (asksBeforeDeleting(row)) setConfirming(row.connection);
              else void markDeleted(row);
            }}
          />
        )}
        {confirming && (
          <DeleteAutomaticPanel
            connection={confirming}
            onDelete={() => {
              const row = rows.find((r) => r.connection.id === confirming.id);
              if (row) void markDeleted(row);
              setConfirming(null);
            }}
            onKeep={() => setConfirming(null)}
          />
        )}
        {exported && (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              {exportedMessage(exported)} {exported.path}
            </MessageBarBody>
            <MessageBarActions>
              <Button size="small" onClick={() => void api.showExportInFolder(exported.path).catch(setExportError)}>
                Show in folder
              </Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {exportError && <ErrorBar error={exportError} title="Nothing was exported" />}
        {error && <ErrorBar error={error} title="Nothing was saved" />}
        {discardPrompt}
      </DialogContent>
      <DialogActions>
        {saving && <Spinner size="tiny" label="Saving…" />}
        <Button appearance="primary" onClick={() => void ok()} disabled={saving}>
          OK
        </Button>
        <Button onClick={() => void onCancel()} disabled={saving}>
          Cancel
        </Button>
      </DialogActions>
    </DialogBody>
  );
}

function ListTitle({ role }: { role: Connection["role"] }) {
  const ref = useFocusOnMount<HTMLHeadingElement>();
  return (
    <DialogTitle ref={ref} tabIndex={-1}>
      Manage {role} connections
    </DialogTitle>
  );
}

interface TableProps {
  rows: SessionRow[];
  disabled: boolean;
  selected: ReadonlySet<string>;
  onSelect: (id: string, selected: boolean) => void;
  onEdit: (connection: Connection) => void;
  onTest: (connection: Connection) => void;
  onToggleDelete: (row: SessionRow) => void;
}

function ConnectionTable({ rows, disabled, selected, onSelect, onEdit, onTest, onToggleDelete }: TableProps) {
  const styles = useStyles();
  return (
    <Table aria-label="Connections" size="small" className={styles.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>
            <span className={styles.hidden}>Select</span>
          </TableHeaderCell>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Tenant</TableHeaderCell>
          <TableHeaderCell>Credential</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
          <TableHeaderCell>Actions</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => {
          const { connection, change, deleted } = row;
          return (
          <TableRow key={connection.id} className={deleted ? styles.deleted : undefined}>
            <TableCell>
              <Checkbox
                aria-label={`Select ${connection.name}`}
                checked={selected.has(connection.id)}
                disabled={change === "new" || deleted}
                onChange={(_, data) => onSelect(connection.id, data.checked === true)}
              />
            </TableCell>
            <TableCell>
              <Text weight="semibold">{connection.name}</Text>
            </TableCell>
            <TableCell>
              <Caption1>{tenantLabel(connection)}</Caption1>
            </TableCell>
            <TableCell>
              {credentialLabel(connection.credential)}
              <Caption1 block>{daysLeftLabel(connection.credential)}</Caption1>
            </TableCell>
            <TableCell>
              {deleted ? (
                <Badge color="danger">Will be deleted</Badge>
              ) : change === "new" ? (
                <Badge color="brand">New, not saved</Badge>
              ) : change === "edited" ? (
                <Badge color="brand">Changed, not saved</Badge>
              ) : (
                <Badge appearance="tint" color="informative">
                  {connectionHealth(connection).label}
                  {connection.lastCheck && ` · ${checkedAgo(connection.lastCheck.at)}`}
                </Badge>
              )}
            </TableCell>
            <TableCell>
              <div className={styles.actions}>
                <Button
                  size="small"
                  icon={<EditRegular />}
                  aria-label={`Edit ${connection.name}`}
                  disabled={disabled || deleted}
                  onClick={() => onEdit(connection)}
                >
                  Edit
                </Button>
                <Button
                  size="small"
                  icon={<PlayRegular />}
                  aria-label={`Test ${connection.name}`}
                  disabled={disabled || deleted}
                  onClick={() => onTest(connection)}
                >
                  Test
                </Button>
                <Button
                  size="small"
                  icon={deleted ? <ArrowUndoRegular /> : <DeleteRegular />}
                  aria-label={`${deleted ? "Keep" : "Delete"} ${connection.name}`}
                  disabled={disabled}
                  onClick={() => onToggleDelete(row)}
                >
                  {deleted ? "Keep" : "Delete"}
                </Button>
              </div>
            </TableCell>
          </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
