import type { CheckReport } from "../bindings/CheckReport";
import type { CheckResult } from "../bindings/CheckResult";
import type { Connection } from "../bindings/Connection";

/** A saved manual source connection with a client secret; override what a test is about. */
export function aConnection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: "6f1c1f64-3f7e-4f1e-9c39-0d8f7c1b2a10",
    role: "source",
    name: "Contoso",
    cloud: { kind: "global" },
    tenantId: "contoso.onmicrosoft.com",
    tenantName: null,
    defaultDomain: null,
    clientId: "1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d",
    applicationMailbox: "migration@contoso.com",
    registration: "manual",
    permissionProfile: "itemLevel",
    mailboxScope: null,
    credential: { kind: "secret", hint: "bcd", expiresAt: null },
    createdAt: "2026-11-27T09:00:00.000Z",
    updatedAt: "2026-11-27T09:00:00.000Z",
    lastCheck: null,
    secretsBlocked: false,
    ...overrides,
  };
}

const PASSED: CheckResult[] = [
  ["tenant", "Tenant", "Tenant 6babcaad-604b-40ac-a9d7-9fd97c0b779f exists in the Global cloud."],
  ["token", "Sign-in as the application", "Application 1b2c3d4e-5f60-4a1b-8c9d-0e1f2a3b4c5d signed in with its client secret."],
  ["permissions", "Permissions", "All 6 permissions are granted."],
  ["organization", "Organization", "Contoso, default domain contoso.com."],
  ["mailbox", "Application mailbox", "migration@contoso.com exists in the tenant."],
  ["mailAccess", "Mail access", "The application can read migration@contoso.com: its inbox (3 items), its messages, calendar and contacts."],
  ["mailboxScope", "Mailbox scope", "Tenant-wide: the application's mailbox permissions reach every mailbox of the tenant (no Exchange Online scope)."],
  ["credentialExpiry", "Credential expiry", "The client secret is valid until 2027-11-27 (365 days)."],
].map(([id, title, summary]) => ({ id, title, status: "pass", summary, fix: null, microsoft: null }) as CheckResult);

/** A check run of `connectionId` in which everything passed; override results to make one fail. */
export function aReport(connectionId: string, results: Partial<Record<CheckResult["id"], Partial<CheckResult>>> = {}): CheckReport {
  const merged = PASSED.map((result) => ({ ...result, ...results[result.id] }));
  const failed = merged.some((r) => r.status === "fail" || r.status === "skipped");
  const warned = merged.some((r) => r.status === "warn");
  return {
    connectionId,
    startedAt: "2026-11-27T10:00:00.000Z",
    finishedAt: "2026-11-27T10:00:01.000Z",
    outcome: failed ? "failed" : warned ? "warnings" : "passed",
    results: merged,
    tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
    tenantName: "Contoso",
    defaultDomain: "contoso.com",
    grantedPermissions: [],
    missingPermissions: [],
    credentialExpiresAt: null,
    applicationObjectId: null,
    servicePrincipalId: null,
    scopeGroupName: null,
    scopeScript: null,
  };
}
