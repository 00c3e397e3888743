import { Button, Caption1, Card, CardHeader, Text, makeStyles, tokens } from "@fluentui/react-components";
import { CopyRegular, SaveRegular } from "@fluentui/react-icons";
import { useState } from "react";

import { api, type CommandError } from "../../api";
import type { DemoTenantDetails } from "../../bindings/DemoTenantDetails";
import { ErrorBar } from "../../components/ErrorBar";
import { copyText } from "./copyText";
import { useDemo } from "./demoContext";

const useStyles = makeStyles({
  tenants: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(360px, 1fr))", gap: tokens.spacingHorizontalL },
  rows: { display: "grid", gridTemplateColumns: "max-content 1fr max-content", gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`, alignItems: "center", margin: 0 },
  value: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere", margin: 0 },
  actions: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
});

/**
 * The demo tenants' published details for the Manual path: the application registered by
 * hand (client ID, tenant ID, secret value, certificate), the accounts, and the mailboxes, each
 * with Copy, and the PFX to save for Import.
 */
export function DemoCredentials() {
  const styles = useStyles();
  const demo = useDemo();
  if (!demo?.active) return null;
  return (
    <section aria-labelledby="demo-credentials-title">
      <Text id="demo-credentials-title" as="h2" weight="semibold" size={500}>
        Demo credentials
      </Text>
      <div className={styles.tenants}>
        {demo.tenants.map((tenant) => (
          <TenantCard key={tenant.tenantId} tenant={tenant} />
        ))}
      </div>
    </section>
  );
}

function TenantCard({ tenant }: { tenant: DemoTenantDetails }) {
  const styles = useStyles();
  const [copied, setCopied] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const rows: [string, string][] = [
    ["Application (client) ID", tenant.clientId],
    ["Directory (tenant) ID", tenant.tenantId],
    ["Client secret (Value)", tenant.clientSecret],
    ["Certificate thumbprint", tenant.certificateThumbprint],
    ["PFX password", tenant.pfxPassword],
    ["Application mailbox", tenant.applicationMailbox],
    ["User without a mailbox", tenant.userWithoutMailbox],
    ["Global Administrator", tenant.admin],
    ["Privileged Role Administrator", tenant.privilegedRoleAdmin],
    ["Application Administrator (cannot grant: sees the consent link)", tenant.applicationAdmin],
    ["User without an admin role", tenant.user],
    ["Password of every account", tenant.password],
  ];
  const copy = async (label: string, value: string) => {
    setCopied((await copyText(value)) ? label : null);
  };
  const savePfx = async () => {
    setError(null);
    try {
      const path = await api.chooseDemoCertificateFile(`${tenant.displayName.toLowerCase()}-migration.pfx`);
      if (!path) return;
      await api.saveDemoCertificate(tenant.tenantId, path);
      setSaved(path);
    } catch (failure) {
      setError(failure as CommandError);
    }
  };
  const role = tenant.role === "source" ? "source" : "target";
  return (
    <Card aria-label={`${tenant.displayName} demo credentials`}>
      <CardHeader
        header={<Text weight="semibold">{`${tenant.displayName} (${role}, ${tenant.domain})`}</Text>}
        description={<Caption1>The application registered by hand in {tenant.displayName}, for Manual registration.</Caption1>}
      />
      <dl className={styles.rows}>
        {rows.map(([label, value]) => (
          <div key={label} style={{ display: "contents" }}>
            <dt>
              <Caption1>{label}</Caption1>
            </dt>
            <dd className={styles.value} aria-label={`${tenant.displayName} ${label}`}>
              {value}
            </dd>
            <Button
              size="small"
              appearance="subtle"
              icon={<CopyRegular />}
              aria-label={`Copy ${tenant.displayName} ${label}`}
              onClick={() => void copy(label, value)}
            />
          </div>
        ))}
      </dl>
      <div className={styles.actions}>
        <Button icon={<SaveRegular />} onClick={() => void savePfx()}>
          Save the {tenant.displayName} PFX…
        </Button>
        <Caption1 aria-live="polite">
          {saved ? `Saved to ${saved}` : copied ? `${copied} copied` : ""}
        </Caption1>
      </div>
      {error && <ErrorBar error={error} title="The demo certificate could not be saved" />}
    </Card>
  );
}
