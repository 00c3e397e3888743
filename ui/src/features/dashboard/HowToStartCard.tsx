import { Body1, Button, Card, CardHeader, Text, Tooltip, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowRightRegular } from "@fluentui/react-icons";

const useStyles = makeStyles({
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "grid", gap: tokens.spacingVerticalXS },
});

export function HowToStartCard({ hasSourceConnection }: { hasSourceConnection: boolean }) {
  const styles = useStyles();
  const why = hasSourceConnection
    ? "Migration jobs are not available in this version of Mailferry yet."
    : "A source connection is needed first: use Settings > New > Office 365 connection on the Defined source server connections card.";
  return (
    <Card aria-labelledby="how-to-start-title">
      <CardHeader header={<Text id="how-to-start-title" as="h2" weight="semibold" size={500}>How to start</Text>} />
      <ol className={styles.steps}>
        <li><Body1>Define the source server connection: the Office 365 tenant the mailboxes come from.</Body1></li>
        <li><Body1>Define the target server connection: the tenant they move to.</Body1></li>
        <li><Body1>Create a migration job and choose its mailboxes.</Body1></li>
      </ol>
      <div>
        <Tooltip content={why} relationship="description">
          <Button appearance="primary" icon={<ArrowRightRegular />} disabledFocusable>
            Create a new migration job
          </Button>
        </Tooltip>
      </div>
    </Card>
  );
}
