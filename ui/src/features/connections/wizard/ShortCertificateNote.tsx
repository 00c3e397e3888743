import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";

import type { Connection } from "../../../bindings/Connection";

/** Mailferry makes its certificates for 5 years; a shorter one was capped by the tenant. */
const USUAL_DAYS = 5 * 365 - 7;
const DAY_MS = 86_400_000;

/** The end of an automatically registered connection's certificate when the tenant's app
 * management policy made it shorter than Mailferry's usual 5 years. */
export function cappedCertificateEnd(connection: Connection, now = Date.now()): Date | null {
  if (connection.registration !== "automatic" || connection.credential.kind !== "certificate" || !connection.credential.notAfter) return null;
  const end = new Date(connection.credential.notAfter);
  return end.getTime() - now < USUAL_DAYS * DAY_MS ? end : null;
}

/** Says, after an automatic registration, that the certificate lives less than 5 years and why. */
export function ShortCertificateNote({ connection }: { connection: Connection }) {
  const end = cappedCertificateEnd(connection);
  if (!end) return null;
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Certificate valid until {end.toLocaleDateString()}</MessageBarTitle>
        The tenant&apos;s app management policy limits how long an application&apos;s certificate may live, so this one is shorter than Mailferry&apos;s usual 5
        years. Renew it from its card before then; the renewal stays within the policy.
      </MessageBarBody>
    </MessageBar>
  );
}
