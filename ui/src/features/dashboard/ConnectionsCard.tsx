import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";
import { AddRegular, SettingsRegular, WarningRegular } from "@fluentui/react-icons";

import type { Connection } from "../../bindings/Connection";
import type { Role } from "../../bindings/Role";
import {
  checkedAgo,
  connectionHealth,
  credentialLabel,
  formatDate,
  offersCertificateRenewal,
  offersPermissionUpgrade,
  offersSecretReplacement,
  profileName,
  tenantLabel,
} from "../connections/describe";
import { RenewCertificate } from "../connections/RenewCertificate";
import { ReplaceSecret } from "../connections/ReplaceSecret";
import { SwitchToCertificate } from "../connections/SwitchToCertificate";
import { UpgradePermissions } from "../connections/UpgradePermissions";
import type { ManageRequest } from "../connections/manage/manageRequest";
import { useDemo } from "../demo/demoContext";

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "grid", gap: tokens.spacingVerticalS },
  item: {
    display: "grid",
    gap: tokens.spacingVerticalXXS,
    padding: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  badges: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalXS, alignItems: "center" },
  empty: { display: "grid", gap: tokens.spacingVerticalS, justifyItems: "start" },
});

const TITLES: Record<Role, string> = {
  source: "Defined source server connections",
  target: "Defined target server connections",
};

interface Props {
  role: Role;
  connections: Connection[];
  onManage: (request: ManageRequest) => void;
  /** Export the summaries of these connections (the save dialog asks where). */
  onExport: (ids: string[]) => void;
  /** Opens Settings > Network proxy (one for the whole app). */
  onNetworkProxy: () => void;
  /** A connection changed outside Manage connections (its certificate was renewed). */
  onChanged: () => void;
}

export function ConnectionsCard({ role, connections, onManage, onExport, onNetworkProxy, onChanged }: Props) {
  const styles = useStyles();
  const inDemo = useDemo()?.active ?? false;
  const titleId = `${role}-connections-title`;
  const newConnection = () => onManage({ role, wizard: { editing: null } });
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader
        header={<Text id={titleId} as="h2" weight="semibold" size={500}>{TITLES[role]}</Text>}
        action={
          <Menu>
            <MenuTrigger disableButtonEnhancement>
              <Button icon={<SettingsRegular />} aria-label={`Settings for ${role} connections`}>
                Settings
              </Button>
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                <Menu>
                  <MenuTrigger disableButtonEnhancement>
                    <MenuItem>New</MenuItem>
                  </MenuTrigger>
                  <MenuPopover>
                    <MenuList>
                      <MenuItem onClick={newConnection}>Office 365 connection</MenuItem>
                    </MenuList>
                  </MenuPopover>
                </Menu>
                <MenuItem onClick={() => onManage({ role })}>Manage connections</MenuItem>
                <MenuItem disabled={connections.length === 0} onClick={() => onExport(connections.map((c) => c.id))}>
                  Export summaries…
                </MenuItem>
                {/* The demo cloud is on this computer: no proxy is used to reach it. */}
                <MenuItem disabled={inDemo} onClick={onNetworkProxy}>
                  {inDemo ? "Network proxy… (not used in the demo)" : "Network proxy…"}
                </MenuItem>
              </MenuList>
            </MenuPopover>
          </Menu>
        }
      />
      {connections.length === 0 ? (
        <div className={styles.empty}>
          <Body1>No {role} connections yet. Connect Mailferry to the Office 365 tenant the mailboxes {role === "source" ? "come from" : "move to"}.</Body1>
          <Button icon={<AddRegular />} onClick={newConnection}>
            Add Office 365 connection
          </Button>
        </div>
      ) : (
        <ul className={styles.list} role="list" aria-label={TITLES[role]}>
          {connections.map((connection) => (
            <ConnectionItem key={connection.id} connection={connection} onManage={onManage} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function ConnectionItem({ connection, onManage, onChanged }: Pick<Props, "onManage" | "onChanged"> & { connection: Connection }) {
  const styles = useStyles();
  const health = connectionHealth(connection);
  // Kept after a renewal, so its outcome (and any warning) stays in view on the renewed card.
  // Which credential was renewed: a secret connection switched to a certificate afterwards is
  // not offered Renew on its new 5-year certificate.
  const [renewed, setRenewed] = useState<"certificate" | "secret" | null>(null);
  const renewable = offersCertificateRenewal(connection) || (renewed === "certificate" && connection.credential.kind === "certificate");
  // A tenant whose policy blocks new secrets is not offered one; a certificate is.
  const blocked = connection.secretsBlocked && connection.credential.kind === "secret";
  const replaceable = !blocked && (offersSecretReplacement(connection) || (renewed === "secret" && connection.credential.kind === "secret"));
  // Kept after the switch, so its outcome stays in view on the card that now shows a certificate.
  const [switched, setSwitched] = useState(false);
  const switchable = connection.credential.kind === "secret" || switched;
  // Kept after the upgrade, so its outcome stays in view on the card that now says Full fidelity.
  const [upgraded, setUpgraded] = useState(false);
  const upgradable = offersPermissionUpgrade(connection) || upgraded;
  const expiry = connection.credential.kind === "secret" ? connection.credential.expiresAt : connection.credential.notAfter;
  return (
    <li className={styles.item} aria-label={connection.name}>
      <Text weight="semibold">{connection.name}</Text>
      <Caption1>
        Tenant {tenantLabel(connection)}
        {connection.defaultDomain && ` · ${connection.defaultDomain}`}
      </Caption1>
      <div className={styles.badges}>
        <Badge appearance="tint" color="informative">
          {connection.registration === "manual" ? "Manual registration" : "Automatic registration"}
        </Badge>
        <Badge appearance="tint" color="subtle">
          {credentialLabel(connection.credential)}
          {expiry && `, expires ${formatDate(expiry)}`}
        </Badge>
        <Badge appearance="tint" color="subtle">
          {profileName(connection.permissionProfile)}
        </Badge>
        {connection.mailboxScope && (
          <Badge appearance="tint" color="subtle">
            Scoped to {connection.mailboxScope.displayName ?? connection.mailboxScope.group}
          </Badge>
        )}
        <Badge
          appearance="filled"
          color={health.kind === "ok" ? "success" : health.kind === "unverified" ? "warning" : "danger"}
          icon={health.kind === "attention" ? <WarningRegular /> : undefined}
        >
          {health.label}
        </Badge>
        {connection.lastCheck && <Caption1>{checkedAgo(connection.lastCheck.at)}</Caption1>}
        {/* A secret can also be pasted: one made in the Entra admin center, through Edit. */}
        {health.kind === "attention" && !renewable && (
          <Button size="small" appearance="transparent" onClick={() => onManage({ role: connection.role, wizard: { editing: connection } })}>
            {health.action}
          </Button>
        )}
      </div>
      {renewable && (
        <RenewCertificate
          connection={connection}
          onRenewed={() => {
            setRenewed("certificate");
            onChanged();
          }}
        />
      )}
      {replaceable && (
        <ReplaceSecret
          connection={connection}
          onReplaced={() => {
            setRenewed("secret");
            onChanged();
          }}
          onFailed={onChanged}
        />
      )}
      {switchable && (
        <SwitchToCertificate
          connection={connection}
          secretsBlocked={blocked}
          onSwitched={() => {
            setSwitched(true);
            onChanged();
          }}
        />
      )}
      {upgradable && (
        <UpgradePermissions
          connection={connection}
          onUpgraded={() => {
            setUpgraded(true);
            onChanged();
          }}
        />
      )}
    </li>
  );
}
