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
    credential: { kind: "secret", hint: "bcd", expiresAt: null },
    createdAt: "2026-11-27T09:00:00.000Z",
    updatedAt: "2026-11-27T09:00:00.000Z",
    lastCheck: null,
    ...overrides,
  };
}
