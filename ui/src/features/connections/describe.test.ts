import { describe, expect, it } from "vitest";

import { checkedAgo, connectionHealth, credentialLabel, daysLeftLabel } from "./describe";
import { aConnection } from "../../test/fixtures";

const base = aConnection();
const now = new Date("2026-11-27T12:00:00Z");

describe("a connection's health on the card", () => {
  it("is 'Not verified' until a check ran", () => {
    expect(connectionHealth(base, now)).toEqual({ kind: "unverified", label: "Not verified" });
  });

  it("flags a credential expiring within 60 days, with the fix", () => {
    const soon = { ...base, credential: { kind: "secret" as const, hint: "bcd", expiresAt: "2027-01-10T12:00:00Z" } };
    expect(connectionHealth(soon, now)).toEqual({ kind: "attention", label: "Credential expires in 44 days", action: "Renew the credential" });
    const later = { ...base, credential: { kind: "secret" as const, hint: "bcd", expiresAt: "2027-03-01T12:00:00Z" } };
    expect(connectionHealth(later, now).kind).toBe("unverified");
  });

  it("flags an expired credential before anything else", () => {
    const expired = {
      ...base,
      credential: { kind: "certificate" as const, sha1Thumbprint: "A".repeat(40), sha256Thumbprint: null, subject: null, notAfter: "2026-11-01T00:00:00Z" },
      lastCheck: { at: "2026-11-27T10:00:00Z", outcome: "passed" as const },
    };
    expect(connectionHealth(expired, now).kind).toBe("attention");
  });

  it("flags a failed last check", () => {
    const failed = { ...base, lastCheck: { at: "2026-11-27T10:00:00Z", outcome: "failed" as const } };
    expect(connectionHealth(failed, now)).toMatchObject({ kind: "attention", label: "Last check failed" });
  });

  it("names the credential without revealing it", () => {
    expect(credentialLabel(base.credential)).toBe("Client secret …bcd");
    expect(credentialLabel({ kind: "certificate", sha1Thumbprint: "3B7E115A90C4D2E81F00AABBCCDDEEFF01234567", sha256Thumbprint: null, subject: null, notAfter: null })).toBe(
      "Certificate 3B7E…4567",
    );
  });
});

describe("the age of the last check", () => {
  it("is said in words", () => {
    expect(checkedAgo("2026-11-27T11:59:50Z", now)).toBe("checked just now");
    expect(checkedAgo("2026-11-27T11:55:00Z", now)).toBe("checked 5 minutes ago");
    expect(checkedAgo("2026-11-27T09:00:00Z", now)).toBe("checked 3 hours ago");
    expect(checkedAgo("2026-11-25T12:00:00Z", now)).toBe("checked 2 days ago");
  });
});

describe("the days a credential has left, in Manage connections", () => {
  const secret = (expiresAt: string | null) => ({ kind: "secret" as const, hint: "bcd", expiresAt });
  it("counts whole days to the end, says when it has passed, and says when it is not known", () => {
    expect(daysLeftLabel(secret("2027-01-10T12:00:00Z"), now)).toBe("44 days left");
    expect(daysLeftLabel(secret("2026-11-28T13:00:00Z"), now)).toBe("1 day left");
    expect(daysLeftLabel(secret("2026-11-27T18:00:00Z"), now)).toBe("expires today");
    expect(daysLeftLabel(secret("2026-11-24T12:00:00Z"), now)).toBe("expired 3 days ago");
    expect(daysLeftLabel(secret(null), now)).toBe("expiry not known");
    const certificate = { kind: "certificate" as const, sha1Thumbprint: "A".repeat(40), sha256Thumbprint: null, subject: null, notAfter: "2031-11-27T12:00:00Z" };
    expect(daysLeftLabel(certificate, now)).toBe("1826 days left");
  });
});
