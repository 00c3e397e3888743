// The state of one run of the configuration checks, kept free of React so it is tested alone.
import type { CheckEvent } from "../../../bindings/CheckEvent";
import type { CheckId } from "../../../bindings/CheckId";
import type { CheckReport } from "../../../bindings/CheckReport";
import type { CheckResult } from "../../../bindings/CheckResult";

/** The checks in the order they run, with the title shown before a result arrives (the core's). */
import { CHECKS } from "../../../bindings/words";
export { CHECKS };

export type CheckRow =
  | { id: CheckId; title: string; state: "waiting" | "running" }
  | { id: CheckId; title: string; state: "done"; result: CheckResult };

export interface CheckRunState {
  phase: "idle" | "running" | "done" | "cancelled" | "error";
  rows: CheckRow[];
  report: CheckReport | null;
}

export type CheckRunAction =
  | { type: "start" }
  | { type: "event"; event: CheckEvent }
  | { type: "done"; report: CheckReport }
  | { type: "cancelled" }
  | { type: "error" };

function waitingRows(): CheckRow[] {
  return CHECKS.map(({ id, title }) => ({ id, title, state: "waiting" }));
}

export function initialCheckRun(report: CheckReport | null = null): CheckRunState {
  if (report) return { phase: "done", report, rows: rowsOf(report) };
  return { phase: "idle", rows: waitingRows(), report: null };
}

function rowsOf(report: CheckReport): CheckRow[] {
  return CHECKS.map(({ id, title }) => {
    const result = report.results.find((r) => r.id === id);
    return result ? { id, title: result.title, state: "done", result } : { id, title, state: "waiting" };
  });
}

export function checkRunReducer(state: CheckRunState, action: CheckRunAction): CheckRunState {
  switch (action.type) {
    case "start":
      return { phase: "running", rows: waitingRows(), report: null };
    case "event": {
      if (state.phase !== "running") return state;
      const { event } = action;
      const id = event.kind === "started" ? event.id : event.result.id;
      return {
        ...state,
        rows: state.rows.map((row): CheckRow =>
          row.id !== id
            ? row
            : event.kind === "started"
              ? { id, title: row.title, state: "running" }
              : { id, title: event.result.title, state: "done", result: event.result },
        ),
      };
    }
    case "done":
      return { phase: "done", report: action.report, rows: rowsOf(action.report) };
    case "cancelled":
      return { phase: "cancelled", rows: waitingRows(), report: null };
    case "error":
      return { ...state, phase: "error" };
  }
}

/** One sentence for the live region: what is happening, or how it ended. */
export function announcement(state: CheckRunState): string {
  if (state.phase === "running") {
    const running = state.rows.filter((row) => row.state === "running").map((row) => row.title);
    const done = state.rows.filter((row) => row.state === "done").length;
    return running.length > 0 ? `Checking ${running.join(", ")}… (${done} of ${CHECKS.length} done)` : "Starting the checks…";
  }
  if (state.phase === "cancelled") return "The checks were cancelled.";
  if (state.phase !== "done" || !state.report) return "";
  const failed = state.report.results.filter((r) => r.status === "fail").length;
  const warned = state.report.results.filter((r) => r.status === "warn").length;
  if (failed > 0) return `${failed} check${failed === 1 ? "" : "s"} failed. Fix ${failed === 1 ? "it" : "them"}, then retry.`;
  if (warned > 0) return `The connection works, with ${warned} warning${warned === 1 ? "" : "s"}.`;
  // Not "all passed": a check that could not find out is not a pass.
  const unknown = state.report.results.filter((r) => r.status === "unknown").map((r) => r.title);
  if (unknown.length > 0) return `The connection works. Not known: ${unknown.join(", ")}.`;
  return "All checks passed: the connection works.";
}

/** The copyable text for Microsoft support: every code and id Microsoft gave. */
export function supportDetails(report: CheckReport, connectionName: string): string {
  const lines = [
    `Mailferry configuration check of "${connectionName}"`,
    `Started ${report.startedAt}, finished ${report.finishedAt}: ${report.outcome}`,
    `Tenant: ${report.tenantId ?? "not resolved"}`,
  ];
  for (const result of report.results) {
    lines.push("", `[${result.status}] ${result.title}: ${result.summary}`);
    const ms = result.microsoft;
    if (!ms) continue;
    lines.push(`  Code: ${ms.code} (HTTP ${ms.httpStatus})`, `  Request: ${ms.request}`);
    if (ms.correlationId) lines.push(`  Correlation ID: ${ms.correlationId}`);
    if (ms.traceId) lines.push(`  Trace ID: ${ms.traceId}`);
    if (ms.requestId) lines.push(`  Request ID: ${ms.requestId}`);
    if (ms.timestamp) lines.push(`  Timestamp: ${ms.timestamp}`);
    if (ms.description) lines.push(`  Microsoft's message: ${ms.description}`);
  }
  return lines.join("\n");
}

export function hasMicrosoftDetails(report: CheckReport | null): boolean {
  return !!report?.results.some((r) => r.microsoft);
}
