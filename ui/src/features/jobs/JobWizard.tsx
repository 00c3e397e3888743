import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useMemo, useRef, useState } from "react";

import { api, type CommandError } from "../../api";
import type { Connection } from "../../bindings/Connection";
import type { DiscoveryTotals } from "../../bindings/DiscoveryTotals";
import type { Job } from "../../bindings/Job";
import type { Role } from "../../bindings/Role";
import { DiscardPrompt, useEscapeToDiscard } from "../../components/DiscardPrompt";
import { ErrorBar } from "../../components/ErrorBar";
import { StepHeading } from "../../components/StepHeading";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { ConnectionWizard } from "../connections/wizard/ConnectionWizard";
import { MailboxList } from "./MailboxList";
import { MailboxIndex, type SortKey } from "./mailboxIndex";
import { toggleAll } from "./mailboxSelection";

const useStyles = makeStyles({
  surface: { maxWidth: "960px", width: "92vw" },
  content: { display: "grid", gap: tokens.spacingVerticalM },
  row: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "end", flexWrap: "wrap" },
  grow: { flexGrow: 1 },
});

const ADD = "__add__";
type Step = "name" | "source" | "target" | "summary";
const STEPS: { step: Step; title: string }[] = [
  { step: "name", title: "Name" },
  { step: "source", title: "Source mailboxes" },
  { step: "target", title: "Target server" },
  { step: "summary", title: "Summary" },
];

interface Props {
  open: boolean;
  /** The job to open, or null for a new one. */
  job: Job | null;
  connections: Connection[];
  /** A connection was added from inside the wizard: the dashboard lists it too. */
  onConnectionAdded: (connection: Connection) => void;
  onClose: (saved?: Job) => void;
}

/** Create a new migration job: Name, Source mailboxes, Target server, Summary. */
export function JobWizard({ open, job, connections, onConnectionAdded, onClose }: Props) {
  const styles = useStyles();
  return (
    <Dialog open={open} modalType="modal" onOpenChange={(_, data) => !data.open && onClose()}>
      {/* The label names the window while it closes, when its title has gone already. */}
      <DialogSurface className={styles.surface} aria-describedby={undefined} aria-label="Migration job">
        {open && <JobWizardBody job={job} connections={connections} onConnectionAdded={onConnectionAdded} onClose={onClose} />}
      </DialogSurface>
    </Dialog>
  );
}

function JobWizardBody({ job, connections, onConnectionAdded, onClose }: Omit<Props, "open">) {
  const styles = useStyles();
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const [step, setStep] = useState<Step>("name");
  const [name, setName] = useState(job?.name ?? "");
  const [sourceId, setSourceId] = useState<string | null>(job?.sourceConnectionId ?? null);
  const [targetId, setTargetId] = useState<string | null>(job?.targetConnectionId ?? null);
  /** A connection being added in its own edit session, from the Source or Target step. */
  const [adding, setAdding] = useState<{ role: Role; sessionId: string } | null>(null);
  const [added, setAdded] = useState<Connection[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set(job?.mailboxes.map((m) => m.id) ?? []));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  /** The side whose nested connection wizard just closed: its server list takes focus back. */
  const [returnedFrom, setReturnedFrom] = useState<Role | null>(null);
  const known = useMemo(() => [...connections, ...added.filter((a) => !connections.some((c) => c.id === a.id))], [connections, added]);
  const discovery = useDiscovery(sourceId);

  const startAdding = (role: Role) => {
    setError(null);
    api.openEditSession(role).then(
      (session) => setAdding({ role, sessionId: session.sessionId }),
      (failure: CommandError) => setError(failure),
    );
  };

  // What Escape would lose: a name typed, a server or mailboxes chosen since the job opened.
  const changed =
    name !== (job?.name ?? "") ||
    sourceId !== (job?.sourceConnectionId ?? null) ||
    targetId !== (job?.targetConnectionId ?? null) ||
    selected.size !== (job?.mailboxes.length ?? 0) ||
    added.length > 0;
  // Escape is the job wizard's (a nested connection wizard hears its own and leaves the job as
  // it was).
  const escape = useEscapeToDiscard({ busy: saving, unsaved: changed, close: () => onClose() });

  if (adding) {
    const { role, sessionId } = adding;
    return (
      <ConnectionWizard
        sessionId={sessionId}
        role={role}
        editing={null}
        onCancel={() => {
          void api.discardEditSession(sessionId).catch(() => undefined);
          setAdding(null);
          setReturnedFrom(role);
        }}
        onFinish={(connection, alreadySaved) => {
          void (async () => {
            try {
              // A connection the wizard kept is saved now: the job refers to it.
              if (alreadySaved) await api.discardEditSession(sessionId);
              else await api.commitEditSession(sessionId);
              const saved = await api.getConnection(connection.id);
              setAdded((list) => [...list, saved]);
              onConnectionAdded(saved);
              if (role === "source") setSourceId(saved.id);
              else setTargetId(saved.id);
            } catch (failure) {
              setError(failure as CommandError);
            }
            setAdding(null);
            setReturnedFrom(role);
          })();
        }}
      />
    );
  }

  const source = known.find((c) => c.id === sourceId) ?? null;
  const target = known.find((c) => c.id === targetId) ?? null;
  const chosen = discovery.index.all.filter((m) => selected.has(m.id));
  const canNext =
    (step === "name" && name.trim() !== "") || (step === "source" && source !== null && selected.size > 0) || (step === "target" && target !== null);
  const index = STEPS.findIndex((s) => s.step === step);
  const goTo = (next: Step) => {
    setReturnedFrom(null);
    setStep(next);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const mailboxes = chosen.length > 0 || !job ? chosen : job.mailboxes.map((m) => ({ id: m.id, displayName: m.displayName, userPrincipalName: m.address, mail: null }));
      const saved = await api.saveJob({
        id: job?.id ?? null,
        name,
        sourceConnectionId: sourceId,
        targetConnectionId: targetId,
        mailboxes: mailboxes.map((m) => ({ id: m.id, address: m.userPrincipalName, displayName: m.displayName })),
      });
      onClose(saved);
    } catch (failure) {
      setError(failure as CommandError);
      setSaving(false);
    }
  };

  return (
    <DialogBody onKeyDown={escape.onKeyDown}>
      <DialogTitle ref={titleRef} tabIndex={-1}>
        {job ? `Migration job “${job.name}”` : "New migration job"}
      </DialogTitle>
      <DialogContent className={styles.content}>
        <ol aria-label="Job steps" role="list" className={styles.row} style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {STEPS.map((s, i) => (
            <li key={s.step} aria-current={s.step === step ? "step" : undefined}>
              <Text weight={s.step === step ? "semibold" : "regular"}>
                {i + 1}. {s.title}
              </Text>
            </li>
          ))}
        </ol>
        {/* Back from a nested wizard, focus goes to the server list instead. */}
        <StepHeading key={step} index={index + 1} count={STEPS.length} title={STEPS[index].title} takeFocus={returnedFrom === null} />
        {step === "name" && (
          <Field label="Job name" required hint="A name you will recognise, such as the customer and the wave: Contoso to Fabrikam, wave 1.">
            <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={100} />
          </Field>
        )}
        {step === "source" && (
          <SourceStep
            connections={known.filter((c) => c.role === "source")}
            source={source}
            onSource={(id) => (id === ADD ? startAdding("source") : (setSourceId(id), setSelected(new Set())))}
            focusServer={returnedFrom === "source"}
            discovery={discovery}
            selected={selected}
            onSelected={setSelected}
          />
        )}
        {step === "target" && (
          <ServerDropdown
            role="target"
            label="Target server"
            connections={known.filter((c) => c.role === "target")}
            value={target}
            onChange={(id) => (id === ADD ? startAdding("target") : setTargetId(id))}
            autoFocus={returnedFrom === "target"}
          />
        )}
        {step === "summary" && (
          <div aria-label="Job summary">
            <Body1>
              <Text weight="semibold">{name.trim()}</Text>: {chosen.length || job?.mailboxCount || 0} mailboxes from {source?.name ?? "—"} to{" "}
              {target?.name ?? "—"}.
            </Body1>
            <Caption1>The job is saved as a draft.</Caption1>
          </div>
        )}
        {error && <ErrorBar error={error} title="The job was not saved" />}
        {escape.asking && (
          <DiscardPrompt
            question={job ? "Discard your changes to this job?" : "Discard this job?"}
            detail={job ? "The job stays as it was saved." : "Its name and chosen mailboxes are lost; nothing was saved."}
            onKeep={escape.keep}
            onDiscard={() => onClose()}
          />
        )}
      </DialogContent>
      <DialogActions>
        {saving && <Spinner size="tiny" label="Saving…" />}
        {index > 0 && (
          <Button onClick={() => goTo(STEPS[index - 1].step)} disabled={saving}>
            Back
          </Button>
        )}
        {step !== "summary" ? (
          <Button appearance="primary" disabled={!canNext} onClick={() => goTo(STEPS[index + 1].step)}>
            Next
          </Button>
        ) : (
          <Button appearance="primary" disabled={saving} onClick={() => void save()}>
            Save
          </Button>
        )}
        <Button onClick={() => onClose()} disabled={saving}>
          Cancel
        </Button>
      </DialogActions>
    </DialogBody>
  );
}

interface Discovery {
  /** Every mailbox read so far, searchable and sorted. */
  index: MailboxIndex;
  /** Grows by one with each page: what a memo of the index depends on. */
  version: number;
  totals: DiscoveryTotals | null;
  running: boolean;
  error: CommandError | null;
}

/** The source tenant's mailboxes, read page by page; a new source starts over. */
function useDiscovery(connectionId: string | null): Discovery {
  const index = useRef(new MailboxIndex());
  const [version, setVersion] = useState(0);
  const [totals, setTotals] = useState<DiscoveryTotals | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  useEffect(() => {
    if (!connectionId) return;
    let current = true;
    index.current = new MailboxIndex();
    setTotals(null);
    setError(null);
    setRunning(true);
    api
      .discoverMailboxes(connectionId, (page) => {
        if (!current) return;
        // 100,000 mailboxes arrive in about a hundred pages.
        index.current.add(page.mailboxes);
        setTotals(page.totals);
        setVersion((v) => v + 1);
      })
      .then(
        (done) => current && setTotals(done),
        (failure: CommandError) => current && failure.code !== "cancelled" && setError(failure),
      )
      .finally(() => current && setRunning(false));
    return () => {
      current = false;
      void api.cancelDiscovery().catch(() => undefined);
    };
  }, [connectionId]);
  return { index: index.current, version, totals, running, error };
}

interface SourceProps {
  connections: Connection[];
  source: Connection | null;
  onSource: (id: string) => void;
  discovery: Discovery;
  selected: ReadonlySet<string>;
  onSelected: (selected: Set<string>) => void;
  /** Back from a nested connection wizard: the server list takes focus. */
  focusServer: boolean;
}

function SourceStep({ connections, source, onSource, discovery, selected, onSelected, focusServer }: SourceProps) {
  const styles = useStyles();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortKey>("name");
  const { index, version, totals, running } = discovery;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the index grows in place; version counts its pages
  const visible = useMemo(() => index.visible(search, sort), [index, version, search, sort]);
  const allShown = visible.length > 0 && visible.every((m) => selected.has(m.id));
  return (
    <div className={styles.content}>
      <ServerDropdown role="source" label="Source server" connections={connections} value={source} onChange={onSource} autoFocus={focusServer} />
      {source && (
        <>
          {/* The count while pages arrive is shown, not announced (a hundred pages would be a
              hundred announcements); the live region says the outcome once. */}
          {running && (
            <Text>
              Reading the mailboxes of {source.name}… {totals?.usersRead ?? 0} users read, {totals?.mailboxes ?? 0} mailboxes.
            </Text>
          )}
          <Text role="status" aria-live="polite">
            {!running && totals
              ? `${totals.mailboxes} mailboxes in ${source.name}.${
                  totals.withoutExchange > 0 ? ` ${totals.withoutExchange} users have a mail address but no Exchange Online mailbox, and cannot be migrated.` : ""
                }${scopeNote(source)}`
              : ""}
          </Text>
          {discovery.error && <ErrorBar error={discovery.error} title="The mailboxes could not be read" />}
          <div className={styles.row}>
            <Field label="Search" className={styles.grow}>
              <Input value={search} onChange={(_, data) => setSearch(data.value)} placeholder="Name or address" />
            </Field>
            <Field label="Sort by">
              <Dropdown
                value={sort === "name" ? "Name" : "Address"}
                selectedOptions={[sort]}
                onOptionSelect={(_, data) => setSort(data.optionValue === "address" ? "address" : "name")}
              >
                <Option value="name">Name</Option>
                <Option value="address">Address</Option>
              </Dropdown>
            </Field>
            {running && (
              <Button onClick={() => void api.cancelDiscovery()}>
                Stop reading
              </Button>
            )}
          </div>
          <div className={styles.row}>
            <Checkbox
              checked={allShown ? true : visible.some((m) => selected.has(m.id)) ? "mixed" : false}
              onChange={() => onSelected(toggleAll(selected, visible))}
              label={`Select all ${visible.length} shown`}
            />
            <Caption1>
              {selected.size} selected · Space selects the row, Shift+arrows or Shift+click a range, Ctrl+A every row shown
            </Caption1>
          </div>
          <MailboxList mailboxes={visible} query={`${sort}:${search.trim().toLowerCase()}`} selected={selected} onSelected={onSelected} />
        </>
      )}
    </div>
  );
}

interface DropdownProps {
  role: Role;
  label: string;
  connections: Connection[];
  value: Connection | null;
  onChange: (id: string) => void;
  autoFocus?: boolean;
}

/** The defined connections of one side, and "Add new … connection", which opens the wizard. */
function ServerDropdown({ role, label, connections, value, onChange, autoFocus = false }: DropdownProps) {
  return (
    <Field label={label} required>
      <Dropdown
        autoFocus={autoFocus}
        value={value?.name ?? ""}
        placeholder={connections.length > 0 ? `Choose a ${role} connection` : `No ${role} connection yet: add one`}
        selectedOptions={value ? [value.id] : []}
        onOptionSelect={(_, data) => data.optionValue && onChange(data.optionValue)}
      >
        {connections.map((c) => (
          <Option key={c.id} value={c.id} text={c.name}>
            {c.name}
            {c.tenantName ? ` (${c.tenantName})` : ""}
          </Option>
        ))}
        <Option value={ADD} text={`Add new ${role} connection`}>
          {`Add new ${role} connection…`}
        </Option>
      </Dropdown>
    </Field>
  );
}

/** Why a scoped connection lists fewer mailboxes than the tenant has. */
function scopeNote(source: Connection): string {
  const scope = source.mailboxScope;
  if (!scope) return "";
  return ` Only the members of ${scope.displayName ?? scope.group} are listed: the connection is limited to that group.`;
}
