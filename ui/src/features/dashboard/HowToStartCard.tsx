import { Body1, Button, Caption1, Card, CardHeader, Input, Text, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowRightRegular, DeleteRegular, EditRegular, RenameRegular } from "@fluentui/react-icons";
import { useState } from "react";

import type { Connection } from "../../bindings/Connection";
import type { Job } from "../../bindings/Job";

const useStyles = makeStyles({
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "grid", gap: tokens.spacingVerticalXS },
  jobs: { listStyle: "none", margin: 0, padding: 0, display: "grid", gap: tokens.spacingVerticalS },
  job: {
    display: "flex",
    gap: tokens.spacingHorizontalS,
    alignItems: "center",
    flexWrap: "wrap",
    padding: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  grow: { flexGrow: 1, display: "grid" },
});

interface Props {
  jobs: Job[];
  connections: Connection[];
  onCreate: () => void;
  onOpen: (job: Job) => void;
  onDelete: (job: Job) => void;
  onRename: (job: Job, name: string) => Promise<void>;
}

export function HowToStartCard({ jobs, connections, onCreate, onOpen, onDelete, onRename }: Props) {
  const styles = useStyles();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const nameOf = (id: string | null) => connections.find((c) => c.id === id)?.name ?? "—";
  return (
    <Card aria-labelledby="how-to-start-title">
      <CardHeader header={<Text id="how-to-start-title" as="h2" weight="semibold" size={500}>How to start</Text>} />
      <ol className={styles.steps}>
        <li><Body1>Define the source server connection: the Office 365 tenant the mailboxes come from.</Body1></li>
        <li><Body1>Define the target server connection: the tenant they move to.</Body1></li>
        <li><Body1>Create a migration job and choose its mailboxes.</Body1></li>
      </ol>
      <div>
        <Button appearance="primary" icon={<ArrowRightRegular />} onClick={onCreate}>
          Create a new migration job
        </Button>
      </div>
      {jobs.length > 0 && (
        <ul className={styles.jobs} role="list" aria-label="Migration jobs">
          {jobs.map((job) => (
            <li key={job.id} className={styles.job} aria-label={job.name}>
              <div className={styles.grow}>
                <Text weight="semibold">{job.name}</Text>
                <Caption1>
                  Draft · {job.mailboxCount} mailbox{job.mailboxCount === 1 ? "" : "es"} · {nameOf(job.sourceConnectionId)} →{" "}
                  {nameOf(job.targetConnectionId)}
                </Caption1>
              </div>
              {renaming?.id === job.id ? (
                <>
                  <Input
                    aria-label={`New name for ${job.name}`}
                    value={renaming.name}
                    onChange={(_, data) => setRenaming({ id: job.id, name: data.value })}
                  />
                  <Button
                    size="small"
                    appearance="primary"
                    disabled={renaming.name.trim() === ""}
                    onClick={() => void onRename(job, renaming.name).then(() => setRenaming(null))}
                  >
                    Rename
                  </Button>
                  <Button size="small" onClick={() => setRenaming(null)}>
                    Cancel
                  </Button>
                </>
              ) : confirming === job.id ? (
                <>
                  <Caption1>Delete this job?</Caption1>
                  <Button size="small" appearance="primary" onClick={() => onDelete(job)}>
                    Delete
                  </Button>
                  <Button size="small" onClick={() => setConfirming(null)}>
                    Keep
                  </Button>
                </>
              ) : (
                <>
                  <Button size="small" icon={<EditRegular />} aria-label={`Open ${job.name}`} onClick={() => onOpen(job)}>
                    Open
                  </Button>
                  <Button size="small" icon={<RenameRegular />} aria-label={`Rename ${job.name}`} onClick={() => setRenaming({ id: job.id, name: job.name })}>
                    Rename
                  </Button>
                  <Button size="small" icon={<DeleteRegular />} aria-label={`Delete ${job.name}`} onClick={() => setConfirming(job.id)}>
                    Delete
                  </Button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
