import { describe, expect, it } from "vitest";

import { aReport } from "../../../test/fixtures";
import { announcement, checkRunReducer, initialCheckRun, supportDetails } from "./checkState";

const ID = "6f1c1f64-3f7e-4f1e-9c39-0d8f7c1b2a10";

describe("a run of the configuration checks", () => {
  it("shows each check waiting, running, then done as the core reports it", () => {
    let state = checkRunReducer(initialCheckRun(), { type: "start" });
    expect(state.rows.map((row) => row.state)).toEqual(Array(8).fill("waiting"));
    state = checkRunReducer(state, { type: "event", event: { kind: "started", id: "tenant" } });
    expect(state.rows[0].state).toBe("running");
    expect(announcement(state)).toBe("Checking Tenant… (0 of 8 done)");
    const tenant = aReport(ID).results[0];
    state = checkRunReducer(state, { type: "event", event: { kind: "finished", result: tenant } });
    expect(state.rows[0]).toMatchObject({ state: "done", result: { status: "pass" } });
    state = checkRunReducer(state, { type: "done", report: aReport(ID) });
    expect(state.phase).toBe("done");
    expect(announcement(state)).toBe("All checks passed: the connection works.");
  });

  it("ignores late progress once the run ended, and a cancel leaves nothing half done", () => {
    const done = checkRunReducer(initialCheckRun(), { type: "done", report: aReport(ID) });
    expect(checkRunReducer(done, { type: "event", event: { kind: "started", id: "token" } })).toBe(done);
    const cancelled = checkRunReducer(checkRunReducer(initialCheckRun(), { type: "start" }), { type: "cancelled" });
    expect(cancelled.report).toBeNull();
    expect(announcement(cancelled)).toBe("The checks were cancelled.");
  });

  it("counts failures and warnings in the announcement", () => {
    const report = aReport(ID, {
      permissions: { status: "fail", summary: "Missing permission: Mail.Read." },
      mailAccess: { status: "fail", summary: "Refused." },
      credentialExpiry: { status: "warn", summary: "Expires soon." },
    });
    expect(announcement(initialCheckRun(report))).toBe("2 checks failed. Fix them, then retry.");
  });

  it("puts every Microsoft code and id in the support details, and only those results' ids", () => {
    const report = aReport(ID, {
      mailAccess: {
        status: "fail",
        summary: "Exchange Online refused the application access to migration@contoso.com's mail.",
        microsoft: {
          code: "ErrorAccessDenied",
          httpStatus: 403,
          request: "GET https://graph.microsoft.com/v1.0/users/migration@contoso.com/mailFolders/inbox",
          description: "Access is denied. Check credentials and try again.",
          traceId: null,
          correlationId: null,
          requestId: "5a1b2c3d-0000-4000-8000-000000000003",
          timestamp: "2026-11-27T10:00:01",
        },
      },
    });
    const text = supportDetails(report, "Contoso");
    expect(text).toContain('Mailferry configuration check of "Contoso"');
    expect(text).toContain("[fail] Mail access: Exchange Online refused");
    expect(text).toContain("Code: ErrorAccessDenied (HTTP 403)");
    expect(text).toContain("Request ID: 5a1b2c3d-0000-4000-8000-000000000003");
    expect(text).not.toContain("Correlation ID");
  });
});
