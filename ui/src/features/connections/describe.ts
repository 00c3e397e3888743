// How a connection is summarised on cards and lists.
import type { Connection } from "../../bindings/Connection";
import type { Credential } from "../../bindings/Credential";
import type { RegistrationProgress } from "../../bindings/RegistrationProgress";
import { profileOffered } from "./wizard/wizardState";

import type { PermissionProfile } from "../../bindings/PermissionProfile";
import { EXPIRY_WARNING_DAYS, PERMISSION_PROFILES } from "../../bindings/words";
export { EXPIRY_WARNING_DAYS };
const DAY_MS = 24 * 60 * 60 * 1000;

export function tenantLabel(connection: Connection): string {
  return connection.tenantName ?? connection.tenantId;
}

export function credentialLabel(credential: Credential): string {
  if (credential.kind === "secret") {
    return credential.hint ? `Client secret …${credential.hint}` : "Client secret";
  }
  const t = credential.sha1Thumbprint;
  return `Certificate ${t.slice(0, 4)}…${t.slice(-4)}`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export type Health =
  | { kind: "ok"; label: string }
  | { kind: "unverified"; label: string }
  | { kind: "attention"; label: string; action: string };

/** What the card says about a connection's state, most urgent first. */
export function connectionHealth(connection: Connection, now: Date = new Date()): Health {
  const expiresAt = connection.credential.kind === "secret" ? connection.credential.expiresAt : connection.credential.notAfter;
  if (expiresAt) {
    const daysLeft = Math.floor((new Date(expiresAt).getTime() - now.getTime()) / DAY_MS);
    if (daysLeft < 0) {
      return { kind: "attention", label: `Credential expired on ${formatDate(expiresAt)}`, action: "Renew the credential" };
    }
    if (daysLeft < EXPIRY_WARNING_DAYS) {
      return {
        kind: "attention",
        label: `Credential expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`,
        action: "Renew the credential",
      };
    }
  }
  switch (connection.lastCheck?.outcome) {
    case undefined:
      return { kind: "unverified", label: "Not verified" };
    case "failed":
      return { kind: "attention", label: "Last check failed", action: "Edit the connection" };
    case "warnings":
      return { kind: "ok", label: "Verified with warnings" };
    case "passed":
      return { kind: "ok", label: "Verified" };
  }
}

/** How long the credential has left, for Manage connections: "312 days left", "expires today",
 * "expired 3 days ago", or "expiry not known" (a client secret whose Expires date was not given). */
export function daysLeftLabel(credential: Credential, now: Date = new Date()): string {
  const end = credential.kind === "secret" ? credential.expiresAt : credential.notAfter;
  if (!end) return "expiry not known";
  const days = Math.floor((new Date(end).getTime() - now.getTime()) / DAY_MS);
  if (days < 0) return `expired ${-days} day${days === -1 ? "" : "s"} ago`;
  if (days === 0) return "expires today";
  return `${days} day${days === 1 ? "" : "s"} left`;
}

/** Whether the card offers Renew: a certificate that still works and ends within the warning
 * window (an expired one cannot prove itself to Microsoft, so it is edited instead). */
export function offersCertificateRenewal(connection: Connection, now: Date = new Date()): boolean {
  if (connection.credential.kind !== "certificate" || !connection.credential.notAfter) return false;
  const left = new Date(connection.credential.notAfter).getTime() - now.getTime();
  return left > 0 && left < EXPIRY_WARNING_DAYS * DAY_MS;
}

/** Whether the card offers Replace secret: a client secret that ends within 60 days or has ended. */
export function offersSecretReplacement(connection: Connection, now: Date = new Date()): boolean {
  if (connection.credential.kind !== "secret" || !connection.credential.expiresAt) return false;
  return new Date(connection.credential.expiresAt).getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS;
}

/** "checked 5 minutes ago": how old the last check is, in words. */
export function checkedAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return `checked ${format.format(Math.round(seconds / size), unit)}`;
  }
  return "checked just now";
}

/** What an administrator's sign-in and the work after it are doing, in words; `then` says
 * what follows the sign-in ("adding a new secret"). Null for progress shown elsewhere. */
export function adminProgress(progress: RegistrationProgress, then: string): string | null {
  switch (progress.kind) {
    case "signingIn":
      return "Sign in as an administrator in the browser that opened…";
    case "signedIn":
      return `Signed in as ${progress.user}; ${then}…`;
    case "note":
      return `${progress.text}…`;
    default:
      return null;
  }
}

/** Whether the card offers Upgrade permissions: an Item level connection in a cloud where
 * Microsoft offers the mailbox import and export API that Full fidelity migrates with. */
export function offersPermissionUpgrade(connection: Connection): boolean {
  return connection.permissionProfile === "itemLevel" && profileOffered("fullFidelity", connection.cloud.kind);
}

/** "Full fidelity": a permission profile's name, as the core words it. */
export function profileName(profile: PermissionProfile): string {
  return PERMISSION_PROFILES.find((p) => p.profile === profile)?.label ?? profile;
}
