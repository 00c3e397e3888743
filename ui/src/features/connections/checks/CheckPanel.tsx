import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Body1,
  Button,
  Caption1,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  CheckmarkCircle20Filled,
  Circle20Regular,
  CopyRegular,
  DismissCircle20Filled,
  PlayRegular,
  QuestionCircle20Regular,
  StopRegular,
  SubtractCircle20Regular,
  Warning20Filled,
} from "@fluentui/react-icons";
import { useEffect, useReducer, useRef, useState } from "react";

import { api, type CommandError } from "../../../api";
import type { CheckReport } from "../../../bindings/CheckReport";
import type { CheckRun } from "../../../bindings/CheckRun";
import type { Connection } from "../../../bindings/Connection";
import { ErrorBar } from "../../../components/ErrorBar";
import { announcement, checkRunReducer, hasMicrosoftDetails, initialCheckRun, supportDetails, type CheckRow } from "./checkState";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalM },
  toolbar: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  list: { listStyle: "none", margin: 0, padding: 0, display: "grid", gap: tokens.spacingVerticalS },
  row: { display: "grid", gridTemplateColumns: "24px 1fr", gap: tokens.spacingHorizontalS, alignItems: "start" },
  text: { display: "grid", gap: tokens.spacingVerticalXXS },
  fix: { color: tokens.colorNeutralForeground2 },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteMarigoldForeground1 },
  fail: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  details: { fontFamily: tokens.fontFamilyMonospace, minHeight: "160px" },
});

interface Props {
  /** The edit session the connection is checked in: its draft there, or else as saved. */
  sessionId: string;
  connection: Connection;
  /** A run to show at once (the last one), or null to wait for Configure. */
  initialReport?: CheckReport | null;
  /** Start a run as soon as the panel shows (Test in the Manage connections window). */
  autoStart?: boolean;
  onRun: (run: CheckRun) => void;
  onRunningChange?: (running: boolean) => void;
}

/** Runs the configuration checks and shows each result with its fix, live. */
export function CheckPanel({ sessionId, connection, initialReport = null, autoStart = false, onRun, onRunningChange }: Props) {
  const styles = useStyles();
  const [state, dispatch] = useReducer(checkRunReducer, initialReport, initialCheckRun);
  const [error, setError] = useState<CommandError | null>(null);
  const started = useRef(false);
  const runningNow = useRef(false);

  const run = async () => {
    dispatch({ type: "start" });
    setError(null);
    runningNow.current = true;
    onRunningChange?.(true);
    try {
      const result = await api.checkConnection(sessionId, connection.id, (event) => dispatch({ type: "event", event }));
      dispatch({ type: "done", report: result.report });
      onRun(result);
    } catch (failure) {
      const commandError = failure as CommandError;
      if (commandError.code === "cancelled") {
        dispatch({ type: "cancelled" });
      } else {
        dispatch({ type: "error" });
        setError(commandError);
      }
    } finally {
      runningNow.current = false;
      onRunningChange?.(false);
    }
  };

  // Leaving the panel (Back, Cancel, Escape) stops a run in progress.
  useEffect(
    () => () => {
      if (runningNow.current) void api.cancelCheck(connection.id).catch(() => undefined);
    },
    [connection.id],
  );

  useEffect(() => {
    if (autoStart && !started.current) {
      started.current = true;
      void run();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the panel opens
  }, [autoStart]);

  const running = state.phase === "running";
  // A run that ends (done, failed or cancelled) hands focus to its outcome, if focus was in
  // this panel (the Cancel check button) or fell to the page.
  const summary = useRef<HTMLSpanElement>(null);
  const wasRunning = useRef(false);
  useEffect(() => {
    if (running) {
      wasRunning.current = true;
      return;
    }
    if (!wasRunning.current) return;
    wasRunning.current = false;
    const active = document.activeElement;
    const panel = summary.current?.parentElement;
    if (!active || active === document.body || panel?.contains(active)) summary.current?.focus();
  }, [running]);
  const report = state.report;
  const failed = report?.outcome === "failed";
  return (
    <div className={styles.root}>
      <div className={styles.toolbar}>
        {/* One button that changes its words, so focus stays on it when a run starts. */}
        <Button
          appearance={running || (report && !failed) ? "secondary" : "primary"}
          icon={running ? <StopRegular /> : <PlayRegular />}
          onClick={() => (running ? void api.cancelCheck(connection.id).catch(() => undefined) : void run())}
        >
          {running ? "Cancel check" : report ? (failed ? "Retry" : "Run the checks again") : "Configure"}
        </Button>
        {running && <Spinner size="tiny" label="Checking…" />}
        {report?.tenantName && (
          <Body1>
            Tenant <Text weight="semibold">{report.tenantName}</Text>
            {report.defaultDomain && ` · ${report.defaultDomain}`}
          </Body1>
        )}
      </div>
      {/* Live while the checks run; when they end, focus moves here and reads the outcome (a
          live region as well would say it twice). */}
      <Text ref={summary} tabIndex={-1} role={running ? "status" : undefined} aria-live={running ? "polite" : undefined} weight="semibold">
        {state.phase === "idle" ? "Press Configure to check the connection with Microsoft." : announcement(state)}
      </Text>
      <ul className={styles.list} role="list" aria-label="Configuration checks">
        {state.rows.map((row) => (
          <CheckItem key={row.id} row={row} />
        ))}
      </ul>
      {error && <ErrorBar error={error} title="The checks could not run" />}
      {report?.scopeScript && (
        <ScopeScript script={report.scopeScript} open={report.results.some((r) => r.id === "mailboxScope" && r.status === "fail")} />
      )}
      {report && hasMicrosoftDetails(report) && <SupportDetails text={supportDetails(report, connection.name)} />}
    </div>
  );
}

const STATUS_WORD = { pass: "Passed", warn: "Warning", fail: "Failed", skipped: "Not checked", unknown: "Not known" } as const;

function CheckItem({ row }: { row: CheckRow }) {
  const styles = useStyles();
  const status = row.state === "done" ? row.result.status : null;
  const icon =
    row.state === "running" ? (
      <Spinner size="extra-tiny" aria-hidden />
    ) : status === "pass" ? (
      <CheckmarkCircle20Filled className={styles.pass} aria-hidden />
    ) : status === "warn" ? (
      <Warning20Filled className={styles.warn} aria-hidden />
    ) : status === "fail" ? (
      <DismissCircle20Filled className={styles.fail} aria-hidden />
    ) : status === "skipped" ? (
      <SubtractCircle20Regular className={styles.muted} aria-hidden />
    ) : status === "unknown" ? (
      <QuestionCircle20Regular className={styles.muted} aria-hidden />
    ) : (
      <Circle20Regular className={styles.muted} aria-hidden />
    );
  const stateWord = row.state === "done" ? STATUS_WORD[row.result.status] : row.state === "running" ? "Checking" : "Waiting";
  return (
    <li className={styles.row} aria-label={`${row.title}: ${stateWord}`}>
      {icon}
      <div className={styles.text}>
        <Text weight="semibold">
          {row.title}
          {row.state === "done" && row.result.status !== "pass" && ` (${stateWord.toLowerCase()})`}
        </Text>
        {row.state === "done" && <Body1>{row.result.summary}</Body1>}
        {row.state === "done" && row.result.fix && (
          <Caption1 className={styles.fix}>
            <Text weight="semibold" size={200}>
              {row.result.status === "unknown" ? "How to find out: " : "How to fix: "}
            </Text>
            {row.result.fix}
          </Caption1>
        )}
        {row.state === "done" && row.result.microsoft && (
          <Caption1 className={styles.muted}>
            Microsoft: {row.result.microsoft.code}
            {row.result.microsoft.correlationId && ` · correlation ID ${row.result.microsoft.correlationId}`}
            {!row.result.microsoft.correlationId && row.result.microsoft.requestId && ` · request ID ${row.result.microsoft.requestId}`}
          </Caption1>
        )}
      </div>
    </li>
  );
}

/** Microsoft's codes and ids in one block, to paste into a support request. */
function SupportDetails({ text }: { text: string }) {
  return <CopyableText title="Details for Microsoft support" copyLabel="Copy details" text={text} />;
}

/** The Exchange Online PowerShell that makes a scoped connection's scope, open when the scope check failed. */
function ScopeScript({ script, open }: { script: string; open: boolean }) {
  return <CopyableText title="Exchange Online PowerShell for the mailbox scope" copyLabel="Copy PowerShell" text={script} open={open} />;
}

function CopyableText({ title, copyLabel, text, open = false }: { title: string; copyLabel: string; text: string; open?: boolean }) {
  const styles = useStyles();
  const area = useRef<HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("Copied.");
    } catch {
      // Without clipboard access, select the text so Ctrl+C copies it.
      area.current?.select();
      setCopied("Selected: press Ctrl+C to copy.");
    }
  };
  return (
    <Accordion collapsible defaultOpenItems={open ? ["details"] : []}>
      <AccordionItem value="details">
        <AccordionHeader>{title}</AccordionHeader>
        <AccordionPanel>
          <div className={styles.toolbar}>
            <Button size="small" icon={<CopyRegular />} onClick={() => void copy()}>
              {copyLabel}
            </Button>
            {copied && <Caption1 role="status">{copied}</Caption1>}
          </div>
          <Textarea ref={area} readOnly value={text} className={styles.details} aria-label={title} resize="vertical" />
        </AccordionPanel>
      </AccordionItem>
    </Accordion>
  );
}
