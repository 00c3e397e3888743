import { Body1, Caption1, Checkbox, MessageBar, MessageBarBody, MessageBarTitle, Text, makeStyles, tokens } from "@fluentui/react-components";

import type { EarlierRegistration } from "../../../bindings/EarlierRegistration";
import type { ExistingCredential } from "../../../bindings/ExistingCredential";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "grid", gap: tokens.spacingVerticalXXS },
});

/** The credentials of an application Mailferry did not create. */
export function foreignCredentials(app: EarlierRegistration): ExistingCredential[] {
  return app.credentials.filter((c) => !c.mailferry);
}

function describe(c: ExistingCredential): string {
  const kind = c.kind === "secret" ? "Client secret" : "Certificate";
  const name = c.displayName ? ` “${c.displayName}”` : "";
  const id = c.identifier ? (c.kind === "secret" ? `, starts ${c.identifier}…` : `, thumbprint ${c.identifier}`) : "";
  const ends = c.endsAt ? `, expires ${new Date(c.endsAt).toLocaleDateString()}` : "";
  return `${kind}${name}${id}${ends}`;
}

interface Props {
  app: EarlierRegistration;
  confirmed: boolean;
  onConfirm: (confirmed: boolean) => void;
}

/** Every credential of the application to reuse, marked as Mailferry's or not, with its owners;
 * one Mailferry did not create must be confirmed before anything is granted. */
export function ReuseCredentials({ app, confirmed, onConfirm }: Props) {
  const styles = useStyles();
  const foreign = foreignCredentials(app);
  return (
    <div className={styles.root}>
      <ul className={styles.list} aria-label={`Credentials of ${app.appId}`}>
        {app.credentials.map((c) => (
          <li key={c.keyId}>
            <Body1>
              {describe(c)} · <Text weight="semibold">{c.mailferry ? "made by Mailferry" : "not made by Mailferry"}</Text>
            </Body1>
          </li>
        ))}
        {app.credentials.length === 0 && <li>No certificate or secret.</li>}
      </ul>
      <Caption1>Owners: {app.owners.length > 0 ? app.owners.join(", ") : "none"}</Caption1>
      {foreign.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>
              {foreign.length === 1 ? "1 credential" : `${foreign.length} credentials`} not made by Mailferry
            </MessageBarTitle>
            Whoever holds {foreign.length === 1 ? "it" : "one of them"} can read every mailbox once the permissions are granted. Keep{" "}
            {foreign.length === 1 ? "it" : "them"} only if you know who holds {foreign.length === 1 ? "it" : "them"}; otherwise register a
            new application.
          </MessageBarBody>
        </MessageBar>
      )}
      {foreign.length > 0 && (
        <Checkbox
          checked={confirmed}
          onChange={(_, data) => onConfirm(data.checked === true)}
          label="I know who holds these credentials: keep them and grant the permissions"
        />
      )}
    </div>
  );
}
