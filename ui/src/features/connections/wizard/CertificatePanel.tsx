import { Body1, Button, Caption1, Card, Field, MessageBar, MessageBarBody, Spinner, Text, makeStyles, tokens } from "@fluentui/react-components";
import { CertificateRegular, FolderOpenRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";

import { api, type CommandError } from "../../../api";
import type { CertificateInfo } from "../../../bindings/CertificateInfo";
import { ErrorBar } from "../../../components/ErrorBar";
import { formatDate } from "../describe";
import { SecretField } from "./SecretField";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalS },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "end" },
  card: { display: "grid", gap: tokens.spacingVerticalXXS },
});

/** Looks like a SHA-1 or SHA-256 thumbprint once separators are ignored. */
function thumbprintShape(value: string): boolean {
  const hex = value.replace(/[\s:-]/g, "");
  return /^[0-9a-fA-F]+$/.test(hex) && (hex.length === 40 || hex.length === 64);
}

/** How long the thumbprint must stay unchanged before the store is asked. */
const LOOKUP_DELAY_MS = 200;

interface Props {
  thumbprint: string;
  /** An imported certificate's thumbprint goes into the field. */
  onImported: (sha1Thumbprint: string) => void;
}

/** Import of a certificate file, and what Mailferry's store holds for the typed thumbprint. */
export function CertificatePanel({ thumbprint, onImported }: Props) {
  const styles = useStyles();
  const [stored, setStored] = useState<CertificateInfo | null | undefined>(undefined);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [pending, setPending] = useState<{ path: string; message: string } | null>(null);
  const [password, setPassword] = useState("");

  useEffect(() => {
    if (!thumbprintShape(thumbprint)) {
      setStored(undefined);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.findCertificate(thumbprint).then(
        (info) => current && setStored(info),
        () => current && setStored(undefined),
      );
    }, LOOKUP_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [thumbprint]);

  const runImport = async (path: string, withPassword: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const imported = await api.importCertificate(path, withPassword);
      setPending(null);
      setPassword("");
      setWarnings(imported.warnings);
      setStored(imported.info);
      onImported(imported.info.sha1Thumbprint);
    } catch (failure) {
      const commandError = failure as CommandError;
      if (commandError.code === "certificate_password") {
        setPending({ path, message: commandError.message });
      } else {
        setPending(null);
        setError(commandError);
      }
    } finally {
      setBusy(false);
    }
  };

  const choose = async () => {
    setError(null);
    try {
      const path = await api.chooseCertificateFile();
      if (path) await runImport(path, null);
    } catch (failure) {
      setError(failure as CommandError);
    }
  };

  return (
    <div className={styles.root}>
      <div className={styles.row}>
        <Button icon={<FolderOpenRegular />} onClick={() => void choose()} disabled={busy}>
          Import…
        </Button>
        <Caption1>A .pfx or .p12 file with its password, or PEM with the private key. The key goes to the OS keychain.</Caption1>
      </div>
      {pending && (
        <form
          className={styles.row}
          onSubmit={(event) => {
            event.preventDefault();
            void runImport(pending.path, password);
          }}
        >
          <Field label="PFX password" validationState="warning" validationMessage={pending.message}>
            <SecretField value={password} onChange={(_, data) => setPassword(data.value)} autoFocus />
          </Field>
          <Button type="submit" appearance="primary" disabled={busy}>
            Import
          </Button>
        </form>
      )}
      {busy && <Spinner size="tiny" label="Reading the certificate…" />}
      {error && <ErrorBar error={error} title="The certificate was not imported" />}
      {stored && (
        <Card className={styles.card} appearance="filled-alternative" aria-label="Stored certificate">
          <Text weight="semibold">
            <CertificateRegular /> {stored.subject}
          </Text>
          <Caption1>
            Expires {formatDate(stored.notAfter)} · {stored.keyAlgorithm} {stored.keyBits} bits · SHA-1 {stored.sha1Thumbprint}
          </Caption1>
        </Card>
      )}
      {warnings.map((warning) => (
        <MessageBar key={warning} intent="warning">
          <MessageBarBody>{warning}</MessageBarBody>
        </MessageBar>
      ))}
      {stored === null && (
        <Body1 role="status">No certificate with this thumbprint is stored in Mailferry. Import it so that Mailferry can sign in with it.</Body1>
      )}
    </div>
  );
}
