import { Body1, Button, Card, CardHeader, Text, makeStyles, tokens } from "@fluentui/react-components";
import { BeakerRegular } from "@fluentui/react-icons";

const useStyles = makeStyles({
  body: { display: "grid", gap: tokens.spacingVerticalS, justifyItems: "start" },
});

interface Props {
  busy: boolean;
  onTry: () => void;
}

/** On an empty dashboard: what Mailferry needs, and a way to try it without any of it. */
export function TryDemoCard({ busy, onTry }: Props) {
  const styles = useStyles();
  return (
    <Card aria-labelledby="try-demo-title">
      <CardHeader header={<Text id="try-demo-title" as="h2" weight="semibold" size={500}>No tenant at hand?</Text>} />
      <div className={styles.body}>
        <Body1>
          Mailferry needs a Microsoft 365 tenant and an administrator who can register an application in it (a Global
          Administrator or a Privileged Role Administrator). To try it first, use the demo: two tenants, Contoso and
          Fabrikam, served on this computer, with thousands of mailboxes. Nothing reaches Microsoft, and your own
          connections stay apart.
        </Body1>
        <Button appearance="primary" icon={<BeakerRegular />} disabled={busy} onClick={onTry}>
          Try with a demo tenant
        </Button>
      </div>
    </Card>
  );
}
