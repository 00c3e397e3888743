import { Spinner, Title2, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";

import { api, type CommandError } from "../../api";
import type { Connection } from "../../bindings/Connection";
import type { Role } from "../../bindings/Role";
import { ErrorBar } from "../../components/ErrorBar";
import { ManageConnectionsDialog } from "../connections/manage/ManageConnectionsDialog";
import type { ManageRequest } from "../connections/manage/manageRequest";
import { AppToaster, useExportWithToast } from "../export/ExportToast";
import { JobWizard } from "../jobs/JobWizard";
import { NetworkProxyDialog } from "../settings/NetworkProxyDialog";
import type { Job } from "../../bindings/Job";
import { ConnectionsCard } from "./ConnectionsCard";
import { DemoBanner } from "./DemoBanner";
import { HowToStartCard } from "./HowToStartCard";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, padding: tokens.spacingHorizontalXXL },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(360px, 1fr))", gap: tokens.spacingHorizontalL },
});

export function Dashboard() {
  const styles = useStyles();
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [manage, setManage] = useState<ManageRequest | null>(null);
  const [jobs, setJobs] = useState<Job[]>([]);
  /** The job wizard: undefined closed, null for a new job. */
  const [jobWizard, setJobWizard] = useState<Job | null | undefined>(undefined);
  const [proxyOpen, setProxyOpen] = useState(false);
  const exportWithToast = useExportWithToast();

  const load = useCallback(async () => {
    try {
      const [connections, jobs] = await Promise.all([api.listConnections(), api.listJobs()]);
      setConnections(connections);
      setJobs(jobs);
      setLoadError(null);
    } catch (error) {
      setLoadError(error as CommandError);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const ofRole = (role: Role) => (connections ?? []).filter((c) => c.role === role);

  return (
    <main className={styles.page}>
      <Title2 as="h1">Mailferry</Title2>
      <DemoBanner />
      {loadError && <ErrorBar error={loadError} title="Connections could not be loaded" />}
      {connections === null && !loadError ? (
        <Spinner label="Loading connections…" />
      ) : (
        <>
          <HowToStartCard
            jobs={jobs}
            connections={connections ?? []}
            onCreate={() => setJobWizard(null)}
            onOpen={(job) => void api.getJob(job.id).then(setJobWizard, setLoadError)}
            onDelete={(job) => void api.deleteJob(job.id).then(() => load(), setLoadError)}
            onRename={async (job, name) => {
              try {
                await api.renameJob(job.id, name);
                await load();
              } catch (failure) {
                setLoadError(failure as CommandError);
              }
            }}
          />
          <div className={styles.grid}>
            {(["source", "target"] as const).map((role) => (
              <ConnectionsCard
                key={role}
                role={role}
                connections={ofRole(role)}
                onManage={setManage}
                onExport={(ids) => void exportWithToast(ids, role)}
                onNetworkProxy={() => setProxyOpen(true)}
              />
            ))}
          </div>
        </>
      )}
      {/* A new window each time, so nothing of the last opening (focus, typed values) stays. */}
      {proxyOpen && <NetworkProxyDialog open onClose={() => setProxyOpen(false)} />}
      <ManageConnectionsDialog
        request={manage}
        onClose={(saved) => {
          setManage(null);
          // Without OK, an automatic registration may still have saved a connection.
          if (saved) setConnections(saved);
          else void load();
        }}
      />
      <JobWizard
        open={jobWizard !== undefined}
        job={jobWizard ?? null}
        connections={connections ?? []}
        onConnectionAdded={(connection) => setConnections((list) => [...(list ?? []).filter((c) => c.id !== connection.id), connection])}
        onClose={() => {
          setJobWizard(undefined);
          void load();
        }}
      />
      <AppToaster />
    </main>
  );
}
